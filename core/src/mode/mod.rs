//! Network mode selection (docs/plan.md "Modes", from the Alibaba hybrid-cluster document):
//! fewer than 100 DC nodes (counting growth) at standard performance → an overlay mode;
//! 100 or more, or high performance → a routed mode, Calico route reflection by default.
//! Also the BGP topology the mode implies: full mesh or route reflectors, and how many.

mod unused;

use crate::facts;
use crate::spec::{
    CloudCniChoice, HybridCluster, IpFamily, NetworkMode, Performance, RequestedMode,
};
use crate::{Code, Diagnostic};
use serde::{Deserialize, Serialize};

/// The mode chosen for the DC side, why, and every candidate ranked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ModeDecision {
    /// The mode chosen (or forced by the spec's `mode`).
    pub selected: NetworkMode,
    /// Why this mode: the facts of the spec and the rule they meet.
    pub reasons: Vec<String>,
    /// Every mode, best first.
    pub candidates: Vec<Candidate>,
    /// The CNI on the ECS nodes: the DC's overlay in the overlay modes (it spans both
    /// sides), Terway beside a routed DC (Alibaba Cloud's scenarios for registered
    /// clusters).
    pub cloud_cni: Cni,
    /// How the DC nodes exchange routes: `full-mesh`, `route-reflectors` or `none`.
    pub bgp_topology: BgpTopology,
    /// Route reflector nodes planned (0 unless `bgpTopology` is `route-reflectors`).
    pub route_reflectors: u32,
}

/// A CNI plugin.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum Cni {
    /// Calico (`calico-node`).
    Calico,
    /// Flannel.
    Flannel,
    /// Cilium.
    Cilium,
    /// Terway, Alibaba Cloud's CNI for ECS nodes.
    Terway,
}

impl Cni {
    /// The plugin as written in plans (`calico`).
    pub fn as_str(self) -> &'static str {
        match self {
            Cni::Calico => "calico",
            Cni::Flannel => "flannel",
            Cni::Cilium => "cilium",
            Cni::Terway => "terway",
        }
    }
}

impl std::fmt::Display for Cni {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

/// How the DC nodes exchange routes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum BgpTopology {
    /// No BGP among DC nodes (VXLAN overlays, Cilium's BGP control plane peering out).
    None,
    /// Every node peers with every other (Calico's node-to-node mesh).
    FullMesh,
    /// Nodes peer with route reflectors.
    RouteReflectors,
}

/// One mode considered, ranked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Candidate {
    /// The mode.
    pub mode: NetworkMode,
    /// 1 is the best.
    pub rank: u32,
    /// Whether the mode meets the size/performance rule for this spec.
    pub fits: bool,
    /// Why it ranks where it does.
    pub reasons: Vec<String>,
}

/// What the rule asks for, from the spec's size and performance.
struct Need {
    routed: bool,
    why: Vec<String>,
}

fn need(spec: &HybridCluster) -> Need {
    let op = &spec.on_prem;
    let nodes = op.planned_nodes();
    let limit = facts::FULL_MESH_MAX_NODES;
    let counted = if op.max_nodes > op.nodes {
        format!("{nodes} DC nodes planned (maxNodes; {} today)", op.nodes)
    } else {
        format!("{nodes} DC nodes")
    };
    let mut why = Vec::new();
    let big = nodes >= limit;
    let high = spec.performance == Performance::High;
    if big {
        why.push(format!("{counted}: {limit} or more call for a routed mode"));
    } else {
        why.push(format!("{counted}: fewer than {limit}"));
    }
    if high {
        why.push("performance: high calls for a routed mode (no encapsulation overhead)".into());
    } else if !big {
        why.push("performance: standard, so an overlay mode is enough".into());
    }
    Need {
        routed: big || high,
        why,
    }
}

/// What each mode is, in one line, plus what matters for this spec.
fn describe(mode: NetworkMode, spec: &HybridCluster) -> Vec<String> {
    let dual = spec.ip_family == IpFamily::Dual;
    let mut r: Vec<String> = match mode {
        NetworkMode::CalicoRouteReflector => vec![
            "routed: pod blocks are advertised by BGP, no encapsulation".into(),
            "route reflectors keep BGP sessions linear in the node count".into(),
            "the document's default routed mode; DC edge routers learn the pod routes".into(),
        ],
        NetworkMode::CiliumBgp => vec![
            "routed: native routing, pod CIDRs advertised by Cilium's BGP control plane (cilium.io/v2)".into(),
            "every node peers with the DC edge routers directly".into(),
        ],
        NetworkMode::CalicoIpip => vec![
            "overlay: IPIP tunnels (IP protocol 4) between DC nodes, 20 bytes per packet".into(),
            "keeps Calico, so moving to route reflection later needs no CNI change".into(),
            format!(
                "BGP full mesh among nodes, fine up to {} nodes",
                facts::FULL_MESH_MAX_NODES
            ),
        ],
        NetworkMode::FlannelVxlan => vec![
            "overlay: VXLAN (UDP 8472) between DC nodes, 50 bytes per packet".into(),
            "simplest to run; no NetworkPolicy of its own".into(),
        ],
        NetworkMode::CiliumVxlan => vec![
            "overlay: VXLAN (UDP 8472) with Cilium's eBPF data path, 50 bytes per packet".into(),
        ],
    };
    if dual && mode == NetworkMode::CalicoIpip {
        r.push("IPIP is IPv4 only: the IPv6 pool uses VXLAN instead".into());
    }
    r
}

/// Overlay and routed preference orders; the first of the fitting group is chosen.
const ROUTED_ORDER: [NetworkMode; 2] = [NetworkMode::CalicoRouteReflector, NetworkMode::CiliumBgp];
const OVERLAY_ORDER: [NetworkMode; 3] = [
    NetworkMode::CalicoIpip,
    NetworkMode::FlannelVxlan,
    NetworkMode::CiliumVxlan,
];

/// The ECS nodes' CNI, after Alibaba Cloud's page for Terway on registered clusters
/// (https://www.alibabacloud.com/help/en/doc-detail/208052.html): an overlay DC's cloud
/// nodes run the same overlay; a BGP (routed) DC's cloud nodes must run Terway.
fn cloud_cni(
    spec: &HybridCluster,
    mode: NetworkMode,
    reasons: &mut Vec<String>,
    out: &mut Vec<Diagnostic>,
) -> Cni {
    if mode.is_routed() {
        reasons.push(
            "ECS nodes run Terway: beside a routed DC, Alibaba Cloud requires Terway on the cloud nodes, with pods on their pod vSwitches".into(),
        );
        return Cni::Terway;
    }
    let dc = mode.dc_cni();
    if spec.cloud.cni == CloudCniChoice::Terway {
        out.push(
            Diagnostic::new(
                Code::TerwayBesideOverlay,
                "/cloud/cni",
                format!(
                    "Terway on the ECS nodes beside the DC's {mode} overlay leaves every DC pod unreachable from cloud pods: no VPC route knows the DC pod range, and a Service does not help (kube-proxy sends to the DC pod's own address), so CoreDNS, webhooks and metrics-server on DC nodes are out of reach"
                ),
            )
            .related("/mode")
            .hint(format!(
                "remove `cni: terway` so the ECS nodes run {dc} like the DC, or choose a routed mode (calico-route-reflector, cilium-bgp), beside which Terway belongs"
            )),
        );
        reasons.push("ECS nodes run Terway, as the spec forces (see the error)".into());
        return Cni::Terway;
    }
    reasons.push(format!(
        "ECS nodes run {dc} too: an overlay DC's cloud nodes use the same mode, and the overlay spans both sides (only node ranges cross the VBR)"
    ));
    dc
}

/// Route reflectors for `nodes` DC nodes: at least two, then one more per 100 clients.
pub(crate) fn route_reflectors_for(nodes: u32) -> u32 {
    let clients = nodes.saturating_sub(facts::MIN_ROUTE_REFLECTORS);
    facts::MIN_ROUTE_REFLECTORS + clients / facts::CLIENTS_PER_ROUTE_REFLECTOR
}

pub(crate) fn select(spec: &HybridCluster) -> (ModeDecision, Vec<Diagnostic>) {
    let need = need(spec);
    let (fitting, other): (&[NetworkMode], &[NetworkMode]) = if need.routed {
        (&ROUTED_ORDER, &OVERLAY_ORDER)
    } else {
        (&OVERLAY_ORDER, &ROUTED_ORDER)
    };
    let mut candidates = Vec::new();
    for (i, &mode) in fitting.iter().chain(other).enumerate() {
        let fits = i < fitting.len();
        let mut reasons = describe(mode, spec);
        if !fits {
            reasons.insert(
                0,
                if need.routed {
                    "does not fit: an overlay adds encapsulation and a mesh that does not scale past 100 nodes".into()
                } else {
                    "does not fit the rule: below 100 nodes at standard performance an overlay is simpler".into()
                },
            );
        }
        candidates.push(Candidate {
            mode,
            rank: i as u32 + 1,
            fits,
            reasons,
        });
    }

    let mut diagnostics = Vec::new();
    let mut reasons = need.why.clone();
    let selected = match spec.mode {
        RequestedMode::Auto => match spec.on_prem.cni.as_ref().and_then(|c| c.plugin) {
            None => {
                let mode = fitting[0];
                reasons.push(format!(
                    "{mode} ranks first among the {} modes",
                    if need.routed { "routed" } else { "overlay" }
                ));
                mode
            }
            // The cluster runs this CNI: the plan changes it rather than replaces it.
            Some(cni) => match fitting.iter().find(|m| m.dc_cni() == cni) {
                Some(&mode) => {
                    reasons.push(format!(
                        "{mode} is the first of the {} modes of {cni}, which the cluster runs (onPrem.cni)",
                        if need.routed { "routed" } else { "overlay" }
                    ));
                    mode
                }
                None => {
                    let mode = other
                        .iter()
                        .copied()
                        .find(|m| m.dc_cni() == cni)
                        .unwrap_or(fitting[0]);
                    reasons.push(format!(
                        "{mode}: the cluster runs {cni} (onPrem.cni), which has no {} mode",
                        if need.routed { "routed" } else { "overlay" }
                    ));
                    diagnostics.push(
                        Diagnostic::new(
                            Code::ModeMismatch,
                            "/onPrem/cni/plugin",
                            format!(
                                "the rule asks for a {} mode ({}), but {cni}, which the cluster runs, has none: the plan keeps {cni} in {mode}",
                                if need.routed { "routed" } else { "overlay" },
                                need.why.join("; ")
                            ),
                        )
                        .hint(format!(
                            "accept {mode}, or migrate the cluster to a CNI with a fitting mode ({}) and plan again",
                            fitting[0]
                        )),
                    );
                    mode
                }
            },
        },
        RequestedMode::Forced(mode) => {
            reasons.push(format!("{mode} was requested in the spec"));
            if mode.is_routed() != need.routed {
                diagnostics.push(
                    Diagnostic::new(
                        Code::ModeMismatch,
                        "/mode",
                        format!(
                            "mode {mode} is {}, but the rule asks for a {} mode: {}",
                            if mode.is_routed() {
                                "routed"
                            } else {
                                "an overlay"
                            },
                            if need.routed { "routed" } else { "overlay" },
                            need.why.join("; ")
                        ),
                    )
                    .hint(format!("use `mode: {}` or `mode: auto`", fitting[0])),
                );
            }
            mode
        }
    };
    let cloud_cni = cloud_cni(spec, selected, &mut reasons, &mut diagnostics);

    let nodes = spec.on_prem.planned_nodes();
    let (bgp_topology, route_reflectors) = match selected {
        NetworkMode::CalicoRouteReflector => match spec.on_prem.route_reflectors {
            Some(0) => (BgpTopology::FullMesh, 0),
            Some(n) => (BgpTopology::RouteReflectors, n),
            None => (BgpTopology::RouteReflectors, route_reflectors_for(nodes)),
        },
        NetworkMode::CalicoIpip => (BgpTopology::FullMesh, 0),
        _ => (BgpTopology::None, 0),
    };
    if bgp_topology == BgpTopology::RouteReflectors {
        let how = if spec.on_prem.route_reflectors.is_some() {
            "as given in the spec"
        } else {
            "two, then one more per 100 clients"
        };
        reasons.push(format!("{route_reflectors} route reflectors ({how})"));
        if route_reflectors < facts::MIN_ROUTE_REFLECTORS {
            diagnostics.push(
                Diagnostic::new(
                    Code::RouteReflectorRedundancy,
                    "/onPrem/routeReflectors",
                    format!("{route_reflectors} route reflector: when it fails, every DC pod route is withdrawn"),
                )
                .hint("clients should peer with two route reflectors"),
            );
        }
    }
    // ECS nodes that run Calico join its mesh.
    let ecs_in_mesh = if cloud_cni == Cni::Calico {
        spec.cloud.max_nodes.max(spec.cloud.nodes)
    } else {
        0
    };
    let mesh = nodes.saturating_add(ecs_in_mesh);
    if bgp_topology == BgpTopology::FullMesh && mesh > facts::FULL_MESH_MAX_NODES {
        let sessions = u64::from(mesh) * u64::from(mesh - 1) / 2;
        let path = if spec.on_prem.route_reflectors == Some(0) {
            "/onPrem/routeReflectors"
        } else if spec.mode != RequestedMode::Auto || nodes > facts::FULL_MESH_MAX_NODES {
            "/mode"
        } else {
            // Auto picked the overlay for the DC's size; the ECS nodes make the mesh large.
            "/cloud/maxNodes"
        };
        let who = if ecs_in_mesh > 0 {
            format!("{nodes} DC and {ecs_in_mesh} ECS nodes")
        } else {
            format!("{nodes} nodes")
        };
        diagnostics.push(
            Diagnostic::new(
                Code::MeshTooLarge,
                path,
                format!(
                    "a full BGP mesh of {who} needs {sessions} sessions; Calico advises route reflectors past {}",
                    facts::FULL_MESH_MAX_NODES
                ),
            )
            .hint(format!(
                "use mode calico-route-reflector with {} route reflectors",
                route_reflectors_for(nodes)
            )),
        );
    }
    let decision = ModeDecision {
        selected,
        reasons,
        candidates,
        cloud_cni,
        bgp_topology,
        route_reflectors,
    };
    diagnostics.extend(unused::check(spec, &decision));
    (decision, diagnostics)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_route_reflectors_then_one_more_per_hundred_clients() {
        assert_eq!(route_reflectors_for(0), 2);
        assert_eq!(route_reflectors_for(101), 2);
        assert_eq!(route_reflectors_for(102), 3);
        assert_eq!(route_reflectors_for(200), 3);
        assert_eq!(route_reflectors_for(5000), 51);
    }
}
