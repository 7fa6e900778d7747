//! Calico against the plan: pools, the global BGP configuration, peers, route reflectors,
//! calico-node's address detection, and (operator installs) the `Installation`.

use super::{Compare, text};
use crate::facts;
use crate::installed::pools::{PlannedPool, PoolRole};
use crate::live::{Object, cni};
use crate::mode::BgpTopology;
use crate::spec::{CniInstall, EncapMode, ExistingPool};
use serde_json::Value;

pub(super) fn compare(c: &mut Compare) {
    ecs_nodes(c);
    pools(c);
    bgp_configuration(c);
    peers(c);
    route_reflectors(c);
    match c.planned.plan.cni.install {
        CniInstall::Manifest => detection(c),
        CniInstall::Operator | CniInstall::Helm => installation(c),
    }
}

/// ECS nodes that Terway serves but that still carry Calico's addresses: calico-node left
/// them when it stopped running there, and the mesh keeps trying them as BGP peers.
fn ecs_nodes(c: &mut Compare) {
    if c.planned.plan.terway.is_none() {
        return;
    }
    for n in c
        .cluster
        .of_kind("Node")
        .filter(|n| n.label(facts::ECS_NODE_LABEL) == Some("true"))
    {
        let key = "projectcalico.org/IPv4Address";
        c.check(
            format!("Calico's address on ECS node {}", n.name),
            None,
            n.annotation(key).map(str::to_owned),
            "the step that hands each ECS node over to Terway",
            format!("{} metadata.annotations.{key}", n.display()),
        );
    }
}

fn fields(p: &ExistingPool) -> [(&'static str, String); 7] {
    [
        ("cidr", p.cidr.to_string()),
        ("blockSize", p.block_size.to_string()),
        ("ipipMode", p.ipip_mode.as_str().to_owned()),
        ("vxlanMode", p.vxlan_mode.as_str().to_owned()),
        ("natOutgoing", p.nat_outgoing.to_string()),
        (
            "nodeSelector",
            p.node_selector.clone().unwrap_or_else(|| "all()".into()),
        ),
        ("disabled", p.disabled.to_string()),
    ]
}

fn as_existing(p: &PlannedPool) -> ExistingPool {
    ExistingPool {
        name: p.name.clone(),
        cidr: p.cidr,
        block_size: p.block_size,
        ipip_mode: p.ipip_mode,
        vxlan_mode: p.vxlan_mode,
        nat_outgoing: p.nat_outgoing,
        node_selector: Some(p.node_selector.clone()).filter(|s| s != "all()"),
        disabled: p.disabled,
    }
}

/// The manifest that writes a pool, or the spec pointer it comes from.
fn pool_plan_at(c: &Compare, p: &PlannedPool) -> String {
    let pointer = match (p.live, &c.planned.pools) {
        (Some(j), Some(plan)) => plan.live_path(j),
        _ => None,
    }
    .unwrap_or_else(|| "/onPrem/podCidr".to_owned());
    let operator = c.planned.plan.cni.install != CniInstall::Manifest;
    if operator && matches!(p.role, PoolRole::DcPods) {
        return c
            .planned
            .documents
            .iter()
            .rev()
            .find(|(f, _)| f.contains("installation-ippools"))
            .map_or(pointer, |(f, _)| f.clone());
    }
    c.file_of("IPPool", &p.name, &pointer)
}

fn pools(c: &mut Compare) {
    let Some(plan) = &c.planned.pools else {
        return;
    };
    let live: Vec<(ExistingPool, &Object)> = c
        .cluster
        .calico("IPPool")
        .into_iter()
        .filter_map(|o| Some((cni::pool(o)?, o)))
        .collect();
    for p in &plan.pools {
        let at = pool_plan_at(c, p);
        let planned = as_existing(p);
        match live.iter().find(|(l, _)| l.name == p.name) {
            None => c.check(
                format!("IPPool {}", p.name),
                Some(planned.cidr.to_string()),
                None,
                at,
                format!("no IPPool {}", p.name),
            ),
            Some((l, o)) => {
                for ((field, want), (_, have)) in fields(&planned).into_iter().zip(fields(l)) {
                    c.check(
                        format!("IPPool {} {field}", p.name),
                        Some(want),
                        Some(have),
                        at.clone(),
                        format!("{} spec.{field}", o.display()),
                    );
                }
            }
        }
    }
    for (l, o) in &live {
        if !plan.pools.iter().any(|p| p.name == l.name) {
            let transitional = plan.temporary.iter().any(|t| t.name == l.name)
                || plan
                    .migrations
                    .iter()
                    .any(|m| plan.live[m.from].name == l.name);
            c.check(
                format!("IPPool {}", l.name),
                None,
                Some(l.cidr.to_string()),
                if transitional {
                    "the plan's steps: the migration deletes it"
                } else {
                    "not in the plan: /onPrem/cni/existingPools"
                },
                o.display(),
            );
        }
    }
}

fn planned(c: &Compare, kind: &str) -> Vec<(String, Value)> {
    c.documents(kind)
        .into_iter()
        .map(|(f, d)| (f.to_owned(), d.clone()))
        .collect()
}

fn bgp_configuration(c: &mut Compare) {
    let Some((file, doc)) = planned(c, "BGPConfiguration").into_iter().next() else {
        return;
    };
    let live = c
        .cluster
        .calico("BGPConfiguration")
        .into_iter()
        .find(|o| o.name == "default");
    let at = live.map_or_else(
        || "no BGPConfiguration default (Calico's defaults)".to_owned(),
        Object::display,
    );
    let spec = |key: &str| live.map_or(Value::Null, |o| o.value["spec"][key].clone());
    // Calico's defaults where the object or the field is absent (bgpconfig.go).
    let asn = text(&spec("asNumber")).unwrap_or_else(|| facts::CALICO_DEFAULT_ASN.to_string());
    let mesh = text(&spec("nodeToNodeMeshEnabled")).unwrap_or_else(|| "true".into());
    c.check(
        "BGP AS number of the DC nodes",
        text(&doc["spec"]["asNumber"]),
        Some(asn),
        file.clone(),
        format!("{at} spec.asNumber"),
    );
    c.check(
        "node-to-node mesh",
        text(&doc["spec"]["nodeToNodeMeshEnabled"]),
        Some(mesh),
        file.clone(),
        format!("{at} spec.nodeToNodeMeshEnabled"),
    );
    let cidrs = |v: &Value| {
        let mut list: Vec<String> = v
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|e| e["cidr"].as_str().map(str::to_owned))
            .collect();
        list.sort();
        (!list.is_empty()).then(|| list.join(", "))
    };
    c.check(
        "service ranges advertised to the DC edge",
        cidrs(&doc["spec"]["serviceClusterIPs"]),
        cidrs(&spec("serviceClusterIPs")),
        file,
        format!("{at} spec.serviceClusterIPs"),
    );
}

const PEER_FIELDS: [&str; 6] = [
    "peerIP",
    "asNumber",
    "nodeSelector",
    "peerSelector",
    "nextHopMode",
    "keepOriginalNextHop",
];

fn peers(c: &mut Compare) {
    let planned = planned(c, "BGPPeer");
    let live = c.cluster.calico("BGPPeer");
    for (file, doc) in &planned {
        let name = doc["metadata"]["name"].as_str().unwrap_or_default();
        match live.iter().find(|o| o.name == name) {
            None => c.check(
                format!("BGPPeer {name}"),
                Some(describe_peer(&doc["spec"])),
                None,
                file.clone(),
                format!("no BGPPeer {name}"),
            ),
            Some(o) => {
                for field in PEER_FIELDS {
                    c.check(
                        format!("BGPPeer {name} {field}"),
                        text(&doc["spec"][field]),
                        text(&o.value["spec"][field]),
                        file.clone(),
                        format!("{} spec.{field}", o.display()),
                    );
                }
            }
        }
    }
    for o in live {
        if !planned
            .iter()
            .any(|(_, d)| d["metadata"]["name"] == o.name.as_str())
        {
            c.check(
                format!("BGPPeer {}", o.name),
                None,
                Some(describe_peer(&o.value["spec"])),
                "not in the plan",
                o.display(),
            );
        }
    }
}

fn describe_peer(spec: &Value) -> String {
    match (text(&spec["peerIP"]), text(&spec["peerSelector"])) {
        (Some(ip), _) => format!("{ip} AS {}", text(&spec["asNumber"]).unwrap_or_default()),
        (None, Some(sel)) => format!("peers with {sel}"),
        _ => "a peer".into(),
    }
}

fn route_reflectors(c: &mut Compare) {
    let mode = &c.planned.plan.mode;
    let planned_rr = mode.bgp_topology == BgpTopology::RouteReflectors;
    let live: Vec<&Object> = c
        .cluster
        .of_kind("Node")
        .filter(|n| n.label("route-reflector") == Some("true"))
        .collect();
    let named = &c.spec.on_prem.route_reflector_nodes;
    if !planned_rr {
        for n in live {
            c.check(
                format!("route reflector {}", n.name),
                None,
                Some("route-reflector=true".into()),
                "/mode (no route reflectors)",
                format!("{} metadata.labels", n.display()),
            );
        }
        return;
    }
    if named.is_empty() {
        c.check(
            "route reflector nodes",
            Some(mode.route_reflectors.to_string()),
            Some(live.len().to_string()),
            "/onPrem/routeReflectors",
            "Node objects labelled route-reflector=true",
        );
        for n in &live {
            c.check(
                format!("route reflector {} cluster ID", n.name),
                Some(facts::CALICO_RR_CLUSTER_ID.into()),
                n.annotation(facts::CALICO_RR_CLUSTER_ID_ANNOTATION)
                    .map(str::to_owned),
                "03-calico-bgp-peers.yaml (the commands in its header)",
                format!(
                    "{} metadata.annotations.{}",
                    n.display(),
                    facts::CALICO_RR_CLUSTER_ID_ANNOTATION
                ),
            );
        }
    }
    let file = c.file_of(
        "Node",
        named.first().map_or("", String::as_str),
        "/onPrem/routeReflectorNodes",
    );
    for name in named {
        let node = c.cluster.find("Node", None, name);
        let at = node.map_or_else(|| format!("no Node {name}"), Object::display);
        c.check(
            format!("route reflector {name} label"),
            Some("true".into()),
            node.and_then(|n| n.label("route-reflector"))
                .map(str::to_owned),
            file.clone(),
            format!("{at} metadata.labels.route-reflector"),
        );
        c.check(
            format!("route reflector {name} cluster ID"),
            Some(facts::CALICO_RR_CLUSTER_ID.into()),
            node.and_then(|n| n.annotation(facts::CALICO_RR_CLUSTER_ID_ANNOTATION))
                .map(str::to_owned),
            file.clone(),
            format!(
                "{at} metadata.annotations.{}",
                facts::CALICO_RR_CLUSTER_ID_ANNOTATION
            ),
        );
    }
    for n in live {
        if !named.is_empty() && !named.contains(&n.name) {
            c.check(
                format!("route reflector {}", n.name),
                None,
                Some("route-reflector=true".into()),
                "/onPrem/routeReflectorNodes",
                format!("{} metadata.labels", n.display()),
            );
        }
    }
}

/// Manifest install: calico-node's environment as the DaemonSet patch sets it.
fn detection(c: &mut Compare) {
    let Some((file, doc)) = planned(c, "DaemonSet")
        .into_iter()
        .find(|(_, d)| d["metadata"]["name"] == "calico-node")
    else {
        return;
    };
    let Some(live) = cni::detect(c.cluster) else {
        return;
    };
    let container = |v: &Value| -> Value {
        v["spec"]["template"]["spec"]["containers"]
            .as_array()
            .and_then(|cs| cs.iter().find(|c| c["name"] == "calico-node").cloned())
            .unwrap_or(Value::Null)
    };
    let want = container(&doc);
    let have = container(&live.daemonset.value);
    for e in want["env"].as_array().into_iter().flatten() {
        let name = e["name"].as_str().unwrap_or_default();
        let value = have["env"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|h| h["name"] == name)
            .and_then(|h| text(&h["value"]));
        c.check(
            format!("calico-node {name}"),
            text(&e["value"]),
            value,
            file.clone(),
            format!("{} env {name}", live.daemonset.display()),
        );
    }
}

/// The operator's encapsulation for a pool's modes.
fn encapsulation(p: &ExistingPool) -> &'static str {
    match (p.ipip_mode, p.vxlan_mode) {
        (EncapMode::Always, _) => "IPIP",
        (EncapMode::CrossSubnet, _) => "IPIPCrossSubnet",
        (_, EncapMode::Always) => "VXLAN",
        (_, EncapMode::CrossSubnet) => "VXLANCrossSubnet",
        _ => "None",
    }
}

/// Operator install: the `Installation`'s pools and address detection.
fn installation(c: &mut Compare) {
    let live = c.cluster.find("Installation", None, "default");
    let at = live.map_or_else(|| "no Installation default".to_owned(), Object::display);
    let Some(plan) = &c.planned.pools else {
        return;
    };
    let entries: Vec<ExistingPool> = live
        .and_then(|i| i.get("/spec/calicoNetwork/ipPools"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(cni::operator_pool)
        .collect();
    let pod_pools: Vec<&PlannedPool> = plan
        .pools
        .iter()
        .filter(|p| p.role == PoolRole::DcPods)
        .collect();
    for p in &pod_pools {
        let file = pool_plan_at(c, p);
        let want = as_existing(p);
        let have = entries.iter().find(|e| e.name == p.name);
        let pairs = [
            (
                "cidr",
                want.cidr.to_string(),
                have.map(|h| h.cidr.to_string()),
            ),
            (
                "blockSize",
                want.block_size.to_string(),
                have.map(|h| h.block_size.to_string()),
            ),
            (
                "encapsulation",
                encapsulation(&want).into(),
                have.map(|h| encapsulation(h).into()),
            ),
            (
                "natOutgoing",
                want.nat_outgoing.to_string(),
                have.map(|h| h.nat_outgoing.to_string()),
            ),
            (
                "nodeSelector",
                p.node_selector.clone(),
                have.map(|h| h.node_selector.clone().unwrap_or_else(|| "all()".into())),
            ),
        ];
        for (field, w, h) in pairs {
            c.check(
                format!("Installation pool {} {field}", p.name),
                Some(w),
                h,
                file.clone(),
                format!("{at} spec.calicoNetwork.ipPools[{}].{field}", p.name),
            );
        }
    }
    for e in &entries {
        if !pod_pools.iter().any(|p| p.name == e.name) {
            c.check(
                format!("Installation pool {}", e.name),
                None,
                Some(e.cidr.to_string()),
                "not in the plan's pod pools",
                format!("{at} spec.calicoNetwork.ipPools"),
            );
        }
    }
    // Address detection, as the Installation patch (or Helm values) sets it.
    let docs: Vec<(String, Value)> = c
        .planned
        .documents
        .iter()
        .filter_map(|(f, d)| {
            let spec = if d["kind"] == "Installation" {
                d["spec"].clone()
            } else {
                d.get("installation")?.clone()
            };
            Some((f.clone(), spec))
        })
        .collect();
    for (file, spec) in docs {
        for key in ["nodeAddressAutodetectionV4", "nodeAddressAutodetectionV6"] {
            let want = &spec["calicoNetwork"][key]["cidrs"];
            if want.is_null() {
                continue;
            }
            let have = live.map_or(Value::Null, |i| {
                i.value["spec"]["calicoNetwork"][key]["cidrs"].clone()
            });
            c.check(
                format!("calico-node address detection ({key})"),
                text(want),
                text(&have),
                file.clone(),
                format!("{at} spec.calicoNetwork.{key}.cidrs"),
            );
        }
    }
}
