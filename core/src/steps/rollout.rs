//! The DC-side rollout: the manifests in order with the checks between them that decide
//! whether to go on, and Terway's component settings on the cloud side.

use super::{Inputs, Side, Step};
use crate::mode::{BgpTopology, Cni};
use crate::spec::CniInstall;
use crate::terway::{self, TerwayComponent};

/// Calico's documented way from a full mesh to route reflectors without disruption:
/// peerings first, wait until they are established, then the mesh off (docs.tigera.io
/// "Configure BGP peering").
const CALICO_BGP_SOURCE: &str = "https://docs.tigera.io/calico/latest/networking/configuring/bgp";

/// The manifests in order, each with its command and, where the rollout must stop and
/// look, the check before the next.
pub(super) fn apply(inputs: &Inputs) -> Step {
    let calico = inputs.installed.plugin == Cni::Calico;
    let operator = calico && inputs.installed.install != CniInstall::Manifest;
    let reflectors = inputs.mode.bgp_topology == BgpTopology::RouteReflectors;
    let mut details = Vec::new();
    let terway = inputs.terway.is_some();
    for m in inputs.manifests {
        let name = &m.file[3..];
        if operator && name.starts_with("calico-installation-ippools") {
            // tigera/operator `pkg/controller/ippool/pool_controller.go`: "Unable to modify
            // IP pools while Calico API server is unavailable".
            details.push(
                "  first: kubectl get tigerastatus apiserver shows Available: the operator changes pools only through the Calico API server".into(),
            );
        }
        if name == "cilium-routing-values.yaml" {
            details.push(
                "  first: cilium bgp routes advertised ipv4 unicast lists every node's PodCIDR and the DC edge holds them; a maintenance window".into(),
            );
        }
        details.push(format!("{}: {}", m.file, m.apply));
        if operator && name.starts_with("calico-installation") {
            details.push(
                "  then: kubectl get tigerastatus shows calico (and ippools) Available, not Degraded".into(),
            );
        }
        if name == "calico-bgp-peers.yaml" {
            details.push(if reflectors {
                "  then: the route reflectors, one at a time (the next files, or the commands in this file's header)".into()
            } else {
                "  then: the sessions to the DC edge are Established (calicoctl node status) and the edge holds a route to every block".into()
            });
        }
        if name.starts_with("calico-route-reflector-") {
            details.push(
                "  then: calicoctl node status on it shows every client Established before the next".into(),
            );
        }
        if name == "calico-bgp-configuration.yaml" && reflectors {
            details.push(
                "  (only now: every route reflector's sessions Established and the DC edge holding a route to every block)".into(),
            );
        }
        if name == "calico-ippools-after-migration.yaml" {
            details.push(
                "  not in this pass: only at the block-size migration's step that names it (below)"
                    .into(),
            );
        }
        if name == "calico-ippool-changes.yaml"
            && inputs.pools.is_some_and(|p| !p.migrations.is_empty())
        {
            details.push("  then: the pool migration below".into());
        }
        if name == "cilium-values.yaml" {
            details.push(
                "  then: kubectl -n kube-system rollout restart daemonset/cilium deployment/cilium-operator (the agents read their configuration when they start); rollout status; cilium status".into(),
            );
        }
        if name == "cilium-routing-values.yaml" {
            details.push(
                "  then: kubectl -n kube-system delete pod -l k8s-app=cilium (every agent at once: half tunnelling, half routing natively, they drop each other's traffic); cilium status".into(),
            );
        }
        if name == "cilium-bgp.yaml" {
            details.push("  then: cilium bgp peers shows every session established".into());
        }
        let places_dc_cni = name == "calico-node-patch.yaml"
            || name.starts_with("calico-installation-node")
            || name == "cilium-values.yaml";
        if terway && places_dc_cni {
            details.push(
                "  then: hand each ECS node over to Terway (the step below): the DC CNI's configuration stays on a node it leaves".into(),
            );
        }
    }
    Step {
        side: Side::Dc,
        title: "Apply the manifests, in order".into(),
        details,
        source: (calico && reflectors).then(|| CALICO_BGP_SOURCE.into()),
    }
}

/// How the container runtime picks a CNI: the first configuration file in
/// /etc/cni/net.d by name (containerd's CRI plugin, `max_conf_num` 1; CRI-O: "lexicographic
/// precedence"), so the configuration of a CNI that stopped running on a node still wins
/// over Terway's `10-terway.conflist`.
const CNI_CONFIG_SOURCE: &str = "https://github.com/cri-o/cri-o/blob/main/contrib/cni/README.md";

/// ECS nodes that ran the DC's CNI before it was kept off them: its configuration stays in
/// /etc/cni/net.d and sorts before Terway's (`05-cilium.conflist`, `10-calico.conflist` <
/// `10-terway.conflist`); Cilium's agent keeps it when it stops (`cni.uninstall: false`)
/// and has renamed other configurations to `*.cilium_bak` (`cni.exclusive`). Calico leaves
/// its address annotations on the Node and its IPAM block affinities.
pub(super) fn handover(inputs: &Inputs) -> Option<Step> {
    inputs.terway?;
    let cni = inputs.installed.plugin;
    let (files, extra): (&str, Vec<&str>) = match cni {
        Cni::Calico => (
            "/etc/cni/net.d/10-calico.conflist /etc/cni/net.d/calico-kubeconfig",
            vec![
                "kubectl annotate node NODE projectcalico.org/IPv4Address- projectcalico.org/IPv4IPIPTunnelAddr- projectcalico.org/IPv4VXLANTunnelAddr- projectcalico.org/IPv6Address- (Calico's addresses: the node is no BGP peer any more)",
                "once every ECS node is done: calicoctl ipam check --show-problem-ips -o ipam-report.json, then calicoctl ipam release --from-report=ipam-report.json (the blocks of nodes that no longer run calico-node)",
            ],
        ),
        Cni::Cilium => (
            "/etc/cni/net.d/05-cilium.conflist",
            vec![
                "on it: for f in /etc/cni/net.d/*.cilium_bak; do mv \"$f\" \"${f%.cilium_bak}\"; done (what Cilium set aside), and ip link delete cilium_host; ip link delete cilium_vxlan (or reboot)",
            ],
        ),
        _ => return None,
    };
    let mut details = vec![
        "one ECS node at a time, for each that ran it: kubectl drain NODE --ignore-daemonsets --delete-emptydir-data".into(),
        format!("on it: rm -f {files} (its configuration sorts before 10-terway.conflist, so new pods would still call it)"),
    ];
    details.extend(extra.into_iter().map(str::to_owned));
    details.push("kubectl -n kube-system delete pod -l app=terway-eniip --field-selector spec.nodeName=NODE (Terway writes its configuration again as it starts), then kubectl uncordon NODE".into());
    details.push("check: a new pod on it gets an address from a pod vSwitch".into());
    Some(Step {
        side: Side::Cloud,
        title: format!("Hand each ECS node over from {cni} to Terway"),
        details,
        source: Some(CNI_CONFIG_SOURCE.into()),
    })
}

/// Terway's parameters on the registered cluster, its `eni_conf` patch, and the node pools'
/// labels.
pub(super) fn terway(component: &TerwayComponent) -> Vec<Step> {
    let mut out = Vec::new();
    let mut details: Vec<String> = component
        .parameters
        .iter()
        .map(|p| {
            format!(
                "{}: {} (set in: {}; becomes {})",
                p.name, p.value, p.set_in, p.field
            )
        })
        .collect();
    details.push(format!(
        "component config (terway-eniip; InstallClusterAddons or ModifyClusterAddon): {} — keys as in Alibaba Cloud's examples; check them against the component's config_schema (DescribeClusterAddonMetadata) first",
        component.addon_config
    ));
    details.push(
        "ACK schedules Terway only on nodes labelled alibabacloud.com/external=true: leave that as it is".into(),
    );
    out.push(Step {
        side: Side::Cloud,
        title: "Set the Terway component's parameters on the registered cluster".into(),
        details,
        source: Some(terway::PARAMETERS_SOURCE.into()),
    });
    if let Some(patch) = &component.eni_conf_patch {
        out.push(Step {
            side: Side::Dc,
            title: "Merge what the parameters do not set into eni-config".into(),
            details: vec![
                format!("merge patch over eni_conf, every other key kept: {patch}"),
                format!(
                    "kubectl -n kube-system get configmap eni-config -o json | jq --argjson patch '{patch}' '.data.eni_conf |= (fromjson * $patch | tojson)' | kubectl replace -f -"
                ),
                "kubectl -n kube-system rollout restart daemonset/terway-eniip (Terway reads eni-config when it starts)".into(),
            ],
            source: Some(terway::MODIFY_ADDON_SOURCE.into()),
        });
    }
    if !component.node_pools.is_empty() {
        let mut details: Vec<String> = component
            .node_pools
            .iter()
            .map(|p| {
                format!(
                    "node pool {}: node label {} on the node pool (new nodes), and on its nodes today: kubectl label node NODE {}",
                    p.name, p.label, p.label
                )
            })
            .collect();
        details.push(
            "restart terway on the labelled nodes (it reads its dynamic config when it starts); ENIs it already holds keep their settings".into(),
        );
        out.push(Step {
            side: Side::Cloud,
            title: "Label the ECS node pools with their Terway config".into(),
            details,
            source: Some(terway::DYNAMIC_CONFIG_SOURCE.into()),
        });
    }
    out
}
