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
    for m in inputs.manifests {
        details.push(format!("{}: {}", m.file, m.apply));
        let name = &m.file[3..];
        if operator && name.starts_with("calico-installation") {
            details.push(
                "  then: kubectl get tigerastatus shows calico (and ippools) Available, not Degraded".into(),
            );
        }
        if name == "calico-bgp-peers.yaml" {
            details.push(if reflectors {
                "  then: the sessions are Established (calicoctl node status on a route reflector) and the DC edge holds a route to every block (its BGP table) before the mesh goes off".into()
            } else {
                "  then: the sessions to the DC edge are Established (calicoctl node status) and the edge holds a route to every block".into()
            });
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
                "  then: kubectl -n kube-system rollout status daemonset/cilium; cilium status"
                    .into(),
            );
        }
        if name == "cilium-bgp.yaml" {
            details.push("  then: cilium bgp peers shows every session established".into());
        }
    }
    Step {
        side: Side::Dc,
        title: "Apply the manifests, in order".into(),
        details,
        source: (calico && reflectors).then(|| CALICO_BGP_SOURCE.into()),
    }
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
