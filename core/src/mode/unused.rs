//! Fields the selected mode does not use. Given, they change nothing in the plan, which a
//! reader of the spec would not guess: each is a `field-unused` warning that says why.

use super::{Cni, ModeDecision};
use crate::spec::{HybridCluster, NetworkMode};
use crate::{Code, Diagnostic};

/// A field that only some modes read.
struct ModeField {
    pointer: &'static str,
    used_by: fn(NetworkMode) -> bool,
    /// Why the mode leaves it unread.
    why: fn(NetworkMode) -> String,
}

const MODE_FIELDS: &[ModeField] = &[
    ModeField {
        pointer: "/onPrem/routeReflectors",
        used_by: uses_route_reflectors,
        why: no_route_reflectors,
    },
    ModeField {
        pointer: "/onPrem/routeReflectorNodes",
        used_by: uses_route_reflectors,
        why: no_route_reflectors,
    },
    ModeField {
        pointer: "/onPrem/calicoBlockSize",
        used_by: NetworkMode::is_calico,
        why: no_calico_blocks,
    },
    ModeField {
        pointer: "/onPrem/calicoBlockSizeV6",
        used_by: NetworkMode::is_calico,
        why: no_calico_blocks,
    },
    ModeField {
        pointer: "/onPrem/nodeCidrMaskSize",
        used_by: uses_node_cidrs,
        why: no_node_cidrs,
    },
    ModeField {
        pointer: "/onPrem/nodeCidrMaskSizeV6",
        used_by: uses_node_cidrs,
        why: no_node_cidrs,
    },
    ModeField {
        pointer: "/onPrem/cni/existingPools",
        used_by: NetworkMode::is_calico,
        why: |mode| format!("{mode} has no Calico IP pools to change"),
    },
    ModeField {
        pointer: "/onPrem/cni/existingPeers",
        used_by: |m| m.is_routed(),
        why: |mode| format!("{mode} does not peer with the DC edge: its BGP peers are not changed"),
    },
    ModeField {
        pointer: "/cloud/nodePools",
        used_by: NetworkMode::is_routed,
        why: |mode| {
            format!(
                "node pools carry Terway settings; beside {mode} the ECS nodes run the DC's overlay, not Terway"
            )
        },
    },
    ModeField {
        pointer: "/onPrem/asNumber",
        used_by: runs_bgp,
        why: |mode| {
            format!("{mode} runs no BGP among or from the DC nodes, so they have no AS number")
        },
    },
];

fn uses_route_reflectors(mode: NetworkMode) -> bool {
    mode == NetworkMode::CalicoRouteReflector
}

fn no_route_reflectors(mode: NetworkMode) -> String {
    format!("only calico-route-reflector has route reflectors; {mode} has none")
}

fn no_calico_blocks(mode: NetworkMode) -> String {
    format!(
        "{mode} does not hand out Calico IPAM blocks: each node takes one subnet of the pod range (addressing.dcPods)"
    )
}

/// Flannel's kube subnet manager takes each node's subnet from kube-controller-manager;
/// Cilium's cluster-pool IPAM hands out node subnets of its own mask; Calico allocates
/// blocks.
fn uses_node_cidrs(mode: NetworkMode) -> bool {
    matches!(
        mode,
        NetworkMode::FlannelVxlan | NetworkMode::CiliumVxlan | NetworkMode::CiliumBgp
    )
}

fn no_node_cidrs(mode: NetworkMode) -> String {
    format!(
        "{mode} allocates Calico IPAM blocks; only Flannel (kube-controller-manager's node subnets) and Cilium (its cluster-pool mask) take a node subnet size"
    )
}

fn runs_bgp(mode: NetworkMode) -> bool {
    mode.is_calico() || mode == NetworkMode::CiliumBgp
}

/// A `field-unused` warning for each field the spec gives that the selected mode ignores.
pub(crate) fn check(spec: &HybridCluster, decision: &ModeDecision) -> Vec<Diagnostic> {
    let mode = decision.selected;
    let mut out = mode_fields(spec, mode);
    if decision.cloud_cni != Cni::Terway {
        let cni = decision.cloud_cni;
        if spec.gives("/cloud/terway") {
            out.push(
                Diagnostic::new(
                    Code::FieldUnused,
                    "/cloud/terway",
                    format!("the plan does not use `terway`: the ECS nodes run {cni}, the DC's overlay, not Terway"),
                )
                .related("/mode")
                .hint("remove it, or choose a routed mode, beside which the ECS nodes run Terway"),
            );
        }
        for (i, zone) in spec.cloud.zones.iter().enumerate() {
            if !zone.pod_vswitches.is_empty() {
                out.push(
                    Diagnostic::new(
                        Code::VswitchUnused,
                        format!("/cloud/zones/{i}/podVSwitches"),
                        format!(
                            "pod vSwitches are Terway's; in {mode} the pods of ECS nodes take addresses from the overlay's pod range, so zone {} needs none",
                            zone.zone
                        ),
                    )
                    .hint("leave them for a routed mode, or remove them"),
                );
            }
        }
    }
    out
}

fn mode_fields(spec: &HybridCluster, mode: NetworkMode) -> Vec<Diagnostic> {
    MODE_FIELDS
        .iter()
        .filter(|f| spec.gives(f.pointer) && !(f.used_by)(mode))
        .map(|f| {
            Diagnostic::new(
                Code::FieldUnused,
                f.pointer,
                format!(
                    "the plan does not use `{}`: {}",
                    f.pointer.rsplit('/').next().unwrap_or(f.pointer),
                    (f.why)(mode)
                ),
            )
            .related("/mode")
            .hint(format!(
                "remove it, or choose a mode that uses it with `mode:` (the plan selected {mode})"
            ))
        })
        .collect()
}
