//! Terway on the ECS nodes: the `eni-config` ConfigMap and the scheduling that keeps the
//! Terway DaemonSet on ECS nodes only.

use super::{Apply, Context, File, daemonset_patch, json_text, node_affinity};
use crate::facts;
use crate::spec::{IpFamily, TerwayMode};
use serde_json::{Map, Value, json};

/// Terway's chart and ACK write these pool sizes for shared ENI (DOMAIN.md §1.2).
const MAX_POOL_SIZE: u32 = 5;
const MIN_POOL_SIZE: u32 = 0;

pub(super) fn files(ctx: &Context, out: &mut Vec<File>) {
    out.push(eni_config(ctx));
    out.push(scheduling(ctx));
}

fn eni_config(ctx: &Context) -> File {
    let cloud = &ctx.spec.cloud;
    let mut vswitches = Map::new();
    for zone in &cloud.zones {
        let ids: Vec<&str> = zone.pod_vswitches.iter().map(|v| v.id.as_str()).collect();
        vswitches.insert(zone.zone.clone(), json!(ids));
    }
    let services: Vec<String> = ctx
        .families()
        .into_iter()
        .filter_map(|f| {
            Context::of(&ctx.spec.on_prem.service_cidrs, f)
                .first()
                .map(ToString::to_string)
        })
        .collect();
    let exclusive = cloud.terway.mode == TerwayMode::ExclusiveEni;
    // Exclusive ENI gives each pod a whole ENI: there is no pool of secondary IPs to keep.
    let (max_pool, min_pool) = if exclusive {
        (0, 0)
    } else {
        (MAX_POOL_SIZE, MIN_POOL_SIZE)
    };
    let eni_conf = json!({
        "version": "1",
        "vswitches": vswitches,
        "security_groups": cloud.security_groups,
        "service_cidr": services.join(","),
        "ip_stack": match ctx.spec.ip_family {
            IpFamily::Ipv4 => "ipv4",
            IpFamily::Dual => "dual",
        },
        "max_pool_size": max_pool,
        "min_pool_size": min_pool,
        "vswitch_selection_policy": "ordered",
    });
    let cni = json!({
        "cniVersion": "0.4.0",
        "name": "terway",
        "type": "terway",
        "capabilities": { "bandwidth": true },
    });
    let mut data = json!({
        "eni_conf": json_text(&eni_conf),
        "10-terway.conf": json_text(&cni),
    });
    let mut about = vec![
        "Terway's configuration: the pod vSwitches per zone, security groups, the cluster's service range.".to_owned(),
        "Terway reads it at start: restart the terway-eniip pods after changing it.".to_owned(),
    ];
    if exclusive {
        // Pods on exclusive ENIs get no NetworkPolicy enforcement (DOMAIN.md §1.6); say so
        // in the configuration rather than let policies look enforced.
        data["disable_network_policy"] = json!("true");
        let (key, value) = facts::TERWAY_EXCLUSIVE_ENI_LABEL;
        about.push(format!(
            "Exclusive ENI: create the ECS node pool with the node label {key}={value} (new nodes only; it cannot be switched later)."
        ));
    }
    let about: Vec<&str> = about.iter().map(String::as_str).collect();
    let mut file = File::new("terway", "terway-eni-config.yaml", Apply::Kubectl, &about);
    file.docs.push(json!({
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": ctx.metadata(facts::TERWAY_CONFIGMAP, Some("kube-system"), &[]),
        "data": data,
    }));
    file
}

/// Terway only on ECS nodes, keeping the exclusions of Terway's own chart (a patch replaces
/// the whole list of node-selector terms).
fn scheduling(ctx: &Context) -> File {
    let (vk_key, vk_value) = facts::VIRTUAL_KUBELET_LABEL;
    let affinity: Value = node_affinity(&[
        (facts::ECS_NODE_LABEL, "In", &["true"]),
        ("kubernetes.io/os", "In", &["linux"]),
        (vk_key, "NotIn", &[vk_value]),
        (facts::TERWAY_IGNORE_LABEL, "NotIn", &["true"]),
    ]);
    let mut file = File::new(
        "terway",
        "terway-scheduling.yaml",
        Apply::Patch,
        &[
            "Keeps Terway on ECS nodes only (alibabacloud.com/external=true); the DC CNI stays off them.",
        ],
    );
    file.docs.push(daemonset_patch(
        ctx,
        facts::TERWAY_DAEMONSET,
        "kube-system",
        Some(affinity),
        None,
    ));
    file
}
