//! Cilium and Flannel against the plan: the agent's configuration as the chart renders the
//! planned values into `cilium-config` (cilium/cilium `install/kubernetes/cilium/templates/
//! cilium-configmap.yaml`), Cilium's BGP resources, and Flannel's `net-conf.json`.

use super::{Compare, text};
use crate::facts;
use serde_json::Value;

/// Helm value → `cilium-config` key, with the key's value when the chart writes none.
const CONFIG_KEYS: [(&str, &str, Option<&str>); 11] = [
    ("routingMode", "routing-mode", Some("tunnel")),
    ("tunnelProtocol", "tunnel-protocol", Some("vxlan")),
    (
        "autoDirectNodeRoutes",
        "auto-direct-node-routes",
        Some("false"),
    ),
    (
        "directRoutingSkipUnreachable",
        "direct-routing-skip-unreachable",
        Some("false"),
    ),
    ("ipv4NativeRoutingCIDR", "ipv4-native-routing-cidr", None),
    ("ipv6NativeRoutingCIDR", "ipv6-native-routing-cidr", None),
    (
        "bgpControlPlane.enabled",
        "enable-bgp-control-plane",
        Some("false"),
    ),
    ("ipam.mode", "ipam", Some("cluster-pool")),
    (
        "ipam.operator.clusterPoolIPv4MaskSize",
        "cluster-pool-ipv4-mask-size",
        Some("24"),
    ),
    ("ipv6.enabled", "enable-ipv6", Some("false")),
    (
        "enableIPv4Masquerade",
        "enable-ipv4-masquerade",
        Some("true"),
    ),
];

fn at_path<'v>(v: &'v Value, dotted: &str) -> &'v Value {
    dotted.split('.').fold(v, |v, k| &v[k])
}

pub(super) fn compare(c: &mut Compare) {
    // The values files, in order (the routing values come after the BGP resources).
    let files: Vec<(String, Value)> = c
        .planned
        .documents
        .iter()
        .filter(|(f, _)| f.contains("cilium") && f.ends_with("-values.yaml"))
        .map(|(f, v)| (f.clone(), v.clone()))
        .collect();
    if files.is_empty() {
        return;
    }
    let set = |path: &str| -> Option<(String, Value)> {
        files
            .iter()
            .rev()
            .map(|(f, v)| (f, at_path(v, path)))
            .find(|(_, v)| !v.is_null())
            .map(|(f, v)| (f.clone(), v.clone()))
    };
    let ns = crate::live::cni::detect(c.cluster).map_or_else(
        || "kube-system".to_owned(),
        |l| l.daemonset.namespace.clone(),
    );
    let config = c.cluster.find("ConfigMap", Some(&ns), "cilium-config");
    let at = config.map_or_else(
        || format!("no ConfigMap {ns}/cilium-config"),
        |o| o.display(),
    );
    let live = |key: &str| config.and_then(|o| o.data(key)).map(str::to_owned);
    for (value, key, default) in CONFIG_KEYS {
        let Some((file, planned)) = set(value) else {
            continue;
        };
        c.check(
            format!("cilium-config {key}"),
            text(&planned),
            live(key).or_else(|| default.map(str::to_owned)),
            format!("{file} {value}"),
            format!("{at} data.{key}"),
        );
    }
    for (value, key) in [
        (
            "ipam.operator.clusterPoolIPv4PodCIDRList",
            "cluster-pool-ipv4-cidr",
        ),
        (
            "ipam.operator.clusterPoolIPv6PodCIDRList",
            "cluster-pool-ipv6-cidr",
        ),
    ] {
        if let Some((file, list)) = set(value) {
            let planned: Vec<&str> = list
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            c.check(
                format!("cilium-config {key}"),
                Some(planned.join(" ")),
                live(key),
                format!("{file} {value}"),
                format!("{at} data.{key}"),
            );
        }
    }
    bgp(c);
}

/// The BGP control plane's cluster config: its AS and peers.
fn bgp(c: &mut Compare) {
    let planned: Vec<(String, Value)> = c
        .documents("CiliumBGPClusterConfig")
        .into_iter()
        .map(|(f, d)| (f.to_owned(), d.clone()))
        .collect();
    let live: Vec<_> = c.cluster.of_kind("CiliumBGPClusterConfig").collect();
    let peers = |v: &Value| {
        let mut list: Vec<String> = v["spec"]["bgpInstances"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|i| i["peers"].as_array().into_iter().flatten())
            .map(|p| {
                format!(
                    "{} AS {}",
                    p["peerAddress"].as_str().unwrap_or_default(),
                    p["peerASN"]
                )
            })
            .collect();
        list.sort();
        list.join(", ")
    };
    for (file, doc) in &planned {
        let name = doc["metadata"]["name"].as_str().unwrap_or_default();
        let found = live.iter().find(|o| o.name == name);
        let at = found.map_or_else(
            || format!("no CiliumBGPClusterConfig {name}"),
            |o| o.display(),
        );
        let local = |v: &Value| text(&v["spec"]["bgpInstances"][0]["localASN"]);
        c.check(
            format!("CiliumBGPClusterConfig {name} local AS"),
            local(doc),
            found.and_then(|o| local(&o.value)),
            file.clone(),
            format!("{at} spec.bgpInstances[0].localASN"),
        );
        c.check(
            format!("CiliumBGPClusterConfig {name} peers"),
            Some(peers(doc)),
            found.map(|o| peers(&o.value)),
            file.clone(),
            format!("{at} spec.bgpInstances[].peers"),
        );
    }
    for kind in ["CiliumBGPPeerConfig", "CiliumBGPAdvertisement"] {
        let wanted: Vec<(String, Value)> = c
            .documents(kind)
            .into_iter()
            .map(|(f, d)| (f.to_owned(), d.clone()))
            .collect();
        for (file, doc) in wanted {
            let name = doc["metadata"]["name"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            let found = c.cluster.of_kind(kind).find(|o| o.name == name);
            c.check(
                format!("{kind} {name}"),
                Some(doc["spec"].to_string()),
                found.map(|o| o.value["spec"].to_string()),
                file,
                found.map_or_else(
                    || format!("no {kind} {name}"),
                    |o| format!("{} spec", o.display()),
                ),
            );
        }
    }
    for o in live {
        if !planned
            .iter()
            .any(|(_, d)| d["metadata"]["name"] == o.name.as_str())
        {
            c.check(
                format!("CiliumBGPClusterConfig {}", o.name),
                None,
                Some(peers(&o.value)),
                "not in the plan",
                o.display(),
            );
        }
    }
}

/// Flannel's network (`net-conf.json`) against the plan's pod range and VXLAN backend.
pub(super) fn flannel(c: &mut Compare) {
    let Some(cm) = c
        .cluster
        .of_kind("ConfigMap")
        .find(|o| o.name == "kube-flannel-cfg")
    else {
        c.check(
            "Flannel's network",
            Some("kube-flannel-cfg".into()),
            None,
            "/mode",
            "no ConfigMap kube-flannel-cfg",
        );
        return;
    };
    let net: Value = cm
        .data("net-conf.json")
        .and_then(|t| serde_json::from_str(t).ok())
        .unwrap_or(Value::Null);
    let file = c
        .planned
        .documents
        .iter()
        .find(|(f, _)| f.contains("flannel-config") || f.contains("flannel-values"))
        .map_or_else(|| "/onPrem/podCidr".to_owned(), |(f, _)| f.clone());
    let at = format!("{} data.net-conf.json", cm.display());
    let pods = |family: crate::cidr::Family| {
        c.spec
            .on_prem
            .pod_cidrs
            .iter()
            .find(|p| p.cidr.family() == family)
            .map(|p| p.cidr.to_string())
    };
    let (v4, v6) = (pods(crate::cidr::Family::V4), pods(crate::cidr::Family::V6));
    c.check(
        "Flannel Network",
        v4,
        text(&net["Network"]),
        file.clone(),
        format!("{at} Network"),
    );
    c.check(
        "Flannel IPv6Network",
        v6,
        text(&net["IPv6Network"]),
        file.clone(),
        format!("{at} IPv6Network"),
    );
    c.check(
        "Flannel backend",
        Some("vxlan".into()),
        text(&net["Backend"]["Type"]),
        file.clone(),
        format!("{at} Backend.Type"),
    );
    c.check(
        "Flannel EnableNFTables",
        Some("false".into()),
        Some(text(&net["EnableNFTables"]).unwrap_or_else(|| "false".into())),
        file.clone(),
        format!("{at} EnableNFTables"),
    );
    // A key the plan does not write would be dropped by its ConfigMap.
    const WRITTEN: [&str; 5] = [
        "Network",
        "IPv6Network",
        "EnableIPv6",
        "EnableNFTables",
        "Backend",
    ];
    if file.contains("flannel-config") {
        for (key, value) in net.as_object().into_iter().flatten() {
            if !WRITTEN.contains(&key.as_str()) {
                c.check(
                    format!("Flannel {key}"),
                    None,
                    text(value),
                    file.clone(),
                    format!("{at} {key} (the plan's net-conf.json drops it)"),
                );
            }
        }
    }
    // Flannel's defaults when net-conf.json does not say: VNI 1, the kernel's port 8472.
    c.check(
        "Flannel VXLAN port",
        Some(facts::FLANNEL_VXLAN_PORT.to_string()),
        Some(
            text(&net["Backend"]["Port"]).unwrap_or_else(|| facts::FLANNEL_VXLAN_PORT.to_string()),
        ),
        file.clone(),
        format!("{at} Backend.Port"),
    );
    c.check(
        "Flannel VXLAN VNI",
        Some(facts::FLANNEL_VXLAN_VNI.to_string()),
        Some(text(&net["Backend"]["VNI"]).unwrap_or_else(|| facts::FLANNEL_VXLAN_VNI.to_string())),
        file,
        format!("{at} Backend.VNI"),
    );
}
