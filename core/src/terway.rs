//! Terway on a registered cluster is an ACK component: ACK installs it and writes its
//! `eni-config` from the parameters given when the cluster (or the component) is set up
//! (pod vSwitches, Service CIDR, IPvlan, security groups; Alibaba Cloud "Deploy and
//! configure Terway", <https://www.alibabacloud.com/help/en/doc-detail/208052.html>). So the
//! plan gives those parameters, and never a whole `eni_conf` or `10-terway.conf`: keys ACK
//! set there (`ipam_type`, `eniip_virtual_type`, credentials) would be lost. What differs
//! per ECS node pool goes into Terway's dynamic config: a ConfigMap named by the node label
//! `terway-config`, merged over `eni_conf` as an RFC 7396 merge patch when the daemon
//! starts (AliyunContainerService/terway v1.17.5 `docs/dynamic-config.md`,
//! `types/daemon/dynamicconfig.go`).

use crate::diagnostic::{Code, Diagnostic};
use crate::mode::{Cni, ModeDecision};
use crate::spec::{HybridCluster, IpFamily, TerwayMode};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

/// The page that lists the Terway parameters of a registered cluster.
pub const PARAMETERS_SOURCE: &str = "https://www.alibabacloud.com/help/en/doc-detail/208052.html";
/// ModifyClusterAddon: changes a component's `config` (merged into what is set).
pub const MODIFY_ADDON_SOURCE: &str = "https://www.alibabacloud.com/help/en/ack/ack-managed-and-ack-dedicated/developer-reference/api-modify-the-configurations-of-a-component";
/// Terway's dynamic config.
pub const DYNAMIC_CONFIG_SOURCE: &str =
    "https://github.com/AliyunContainerService/terway/blob/v1.17.5/docs/dynamic-config.md";

/// The node label that names a node's dynamic config.
pub const DYNAMIC_CONFIG_LABEL: &str = "terway-config";

/// Terway as the registered cluster's component.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct TerwayComponent {
    /// The parameters, a row each: what, the value, where it is set, the `eni-config`
    /// field it becomes.
    pub parameters: Vec<TerwayParameter>,
    /// The component's `config` for InstallClusterAddons or ModifyClusterAddon
    /// (`terway-eniip`), a JSON string.
    pub addon_config: String,
    /// What the plan needs in `eni_conf` beyond the parameters, as an RFC 7396 merge patch
    /// (a JSON string); `null` when nothing.
    pub eni_conf_patch: Option<String>,
    /// ECS node pools whose settings differ: one dynamic config each.
    pub node_pools: Vec<TerwayNodePool>,
}

/// One Terway parameter the plan sets.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct TerwayParameter {
    /// The parameter, as the console and the API name it.
    pub name: String,
    /// Its value.
    pub value: String,
    /// Where it is set: the registered cluster's Terway parameters, or the component's
    /// `config` key.
    pub set_in: String,
    /// The field of `eni-config` it becomes.
    pub field: String,
}

/// An ECS node pool's own Terway config.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct TerwayNodePool {
    /// The node pool (`cloud.nodePools[].name`).
    pub name: String,
    /// The label its nodes carry: `terway-config=<configMap>`.
    pub label: String,
    /// The ConfigMap in `kube-system` that holds its config.
    pub config_map: String,
    /// Its `eni_conf`: a merge patch over the cluster's (a JSON string).
    pub eni_conf: String,
}

/// The `eni_conf` merge patch of a node pool.
fn pool_patch(spec: &HybridCluster, pool: &crate::spec::NodePool) -> Value {
    let mut patch = Map::new();
    if let Some(ids) = &pool.pod_vswitch_ids {
        let mut zones = Map::new();
        for zone in &spec.cloud.zones {
            let mine: Vec<&str> = zone
                .pod_vswitches
                .iter()
                .filter(|v| ids.contains(&v.id))
                .map(|v| v.id.as_str())
                .collect();
            if !mine.is_empty() {
                zones.insert(zone.zone.clone(), json!(mine));
            }
        }
        patch.insert("vswitches".into(), Value::Object(zones));
    }
    if let Some(groups) = &pool.security_groups {
        patch.insert("security_groups".into(), json!(groups));
    }
    Value::Object(patch)
}

/// Node pools that name a pod vSwitch no zone has.
pub(crate) fn check(spec: &HybridCluster, mode: &ModeDecision) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if mode.cloud_cni != Cni::Terway {
        return out;
    }
    for (i, pool) in spec.cloud.node_pools.iter().enumerate() {
        for (k, id) in pool.pod_vswitch_ids.iter().flatten().enumerate() {
            let known = spec
                .cloud
                .zones
                .iter()
                .any(|z| z.pod_vswitches.iter().any(|v| &v.id == id));
            if !known {
                out.push(
                    Diagnostic::new(
                        Code::VswitchUnknown,
                        format!("/cloud/nodePools/{i}/podVSwitches/{k}"),
                        format!(
                            "node pool {} names pod vSwitch {id}, which no zone's podVSwitches has: the plan knows neither its zone nor its range",
                            pool.name
                        ),
                    )
                    .hint("add the vSwitch to the podVSwitches of its zone, or correct the id"),
                );
            }
        }
        if let Some(groups) = &pool.security_groups
            && groups.len() > crate::facts::TERWAY_MAX_SECURITY_GROUPS
        {
            out.push(
                Diagnostic::new(
                    Code::SecurityGroupLimit,
                    format!("/cloud/nodePools/{i}/securityGroups"),
                    format!(
                        "node pool {} lists {} security groups; Terway accepts at most {}",
                        pool.name,
                        groups.len(),
                        crate::facts::TERWAY_MAX_SECURITY_GROUPS
                    ),
                )
                .hint("merge rules into fewer security groups"),
            );
        }
    }
    out
}

/// The component's parameters and configs; `None` when the ECS nodes do not run Terway.
pub(crate) fn component(spec: &HybridCluster, mode: &ModeDecision) -> Option<TerwayComponent> {
    if mode.cloud_cni != Cni::Terway {
        return None;
    }
    let cloud = &spec.cloud;
    let registration = "registered cluster: Terway parameters";
    let mut parameters = Vec::new();
    let mut vswitches = Map::new();
    for zone in &cloud.zones {
        let ids: Vec<&str> = zone.pod_vswitches.iter().map(|v| v.id.as_str()).collect();
        if ids.is_empty() {
            continue;
        }
        parameters.push(TerwayParameter {
            name: format!("pod vSwitches, {}", zone.zone),
            value: ids.join(", "),
            set_in: format!("{registration} (pod vSwitch); config key PodVswitchId"),
            field: format!("eni_conf.vswitches[\"{}\"]", zone.zone),
        });
        vswitches.insert(zone.zone.clone(), json!(ids));
    }
    let services: Vec<String> = spec
        .on_prem
        .service_cidrs
        .iter()
        .map(|c| c.cidr.to_string())
        .collect();
    parameters.push(TerwayParameter {
        name: "Service CIDR".into(),
        value: services.join(","),
        set_in: "registered cluster: Service CIDR (set when the cluster is registered)".into(),
        field: "eni_conf.service_cidr".into(),
    });
    parameters.push(TerwayParameter {
        name: "IPvlan".into(),
        value: "off".into(),
        set_in: format!("{registration} (IPvlan checkbox); config key IPVlan"),
        field: "10-terway.conf eniip_virtual_type (unset: veth and the node's routing, which the plan's routes assume)".into(),
    });
    parameters.push(TerwayParameter {
        name: "security groups".into(),
        value: cloud.security_groups.join(", "),
        set_in: format!("{registration} (security group)"),
        field: "eni_conf.security_groups".into(),
    });
    if cloud.terway.mode == TerwayMode::ExclusiveEni {
        let (key, value) = crate::facts::TERWAY_EXCLUSIVE_ENI_LABEL;
        parameters.push(TerwayParameter {
            name: "ENI mode".into(),
            value: "exclusive ENI".into(),
            set_in: format!("ECS node pool label {key}={value} (new nodes only)"),
            field: "none: the node label selects it".into(),
        });
    }
    let addon_config = json!({ "IPVlan": "false", "PodVswitchId": vswitches }).to_string();
    let eni_conf_patch =
        (spec.ip_family == IpFamily::Dual).then(|| json!({ "ip_stack": "dual" }).to_string());
    let node_pools = cloud
        .node_pools
        .iter()
        .map(|pool| {
            let config_map = format!("eni-config-{}", pool.name);
            TerwayNodePool {
                name: pool.name.clone(),
                label: format!("{DYNAMIC_CONFIG_LABEL}={config_map}"),
                config_map,
                eni_conf: pool_patch(spec, pool).to_string(),
            }
        })
        .collect();
    Some(TerwayComponent {
        parameters,
        addon_config,
        eni_conf_patch,
        node_pools,
    })
}
