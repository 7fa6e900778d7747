//! The plan never contradicts itself, over every conformance vector, every mode forced on
//! each, and specs generated at random:
//! - each connectivity check's `outcome` and `path` are what `trace` finds through the same
//!   plan, from the same nodes;
//! - each BGP route in a table was learned on a session that exists: one side of it is the
//!   table's device and the other advertises a prefix that holds the route;
//! - every address a manifest carries lies in a range the plan gives it.

use hybridplan::routing::{Device, RouteOrigin};
use hybridplan::spec::NetworkMode;
use hybridplan::{Cidr, Endpoint, Plan, trace_failed};
use proptest::prelude::*;
use serde_json::{Value, json};
use std::net::IpAddr;

fn vectors() -> Vec<(String, Value)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/vectors");
    let mut out: Vec<(String, Value)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| {
            let v: Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
            (
                p.file_stem().unwrap().to_string_lossy().into_owned(),
                v["spec"].clone(),
            )
        })
        .filter(|(_, spec)| spec.is_object())
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// Every contradiction in `plan`, described.
fn contradictions(plan: &Plan) -> Vec<String> {
    let mut out = Vec::new();
    for c in &plan.connectivity {
        let src = Endpoint::on(c.src.parse().unwrap(), c.src_node);
        let dst = Endpoint {
            addr: c.dst.parse().unwrap(),
            node: c.dst_node,
        };
        let t = trace_failed(plan, src, dst, &c.failed).unwrap();
        if t.outcome != c.outcome || t.path() != c.path {
            out.push(format!(
                "check {} -> {}: the plan says {} via {:?}, trace finds {} via {:?} ({})",
                c.from,
                c.to,
                c.outcome.as_str(),
                c.path,
                t.outcome.as_str(),
                t.path(),
                t.reason
            ));
        }
    }
    for table in &plan.routing.tables {
        for e in table
            .entries
            .iter()
            .filter(|e| e.origin == RouteOrigin::Bgp)
        {
            let learned = plan.routing.bgp_sessions.iter().any(|s| {
                let covers = |list: &[Cidr]| list.iter().any(|p| p.contains(&e.destination));
                s.family == e.destination.family()
                    && ((s.local.device == table.device && covers(&s.peer.advertises))
                        || (s.peer.device == table.device && covers(&s.local.advertises)))
            });
            if !learned {
                out.push(format!(
                    "{}: BGP route {} with no session that carries it",
                    table.device, e.destination
                ));
            }
        }
    }
    let ranges: Vec<Cidr> = plan.addressing.ranges.iter().map(|r| r.cidr).collect();
    for m in &plan.manifests {
        let docs: Vec<Value> = serde_saphyr::from_str_multiple(&m.yaml).unwrap();
        for doc in &docs {
            addresses(doc, "", &mut |path, cidr| {
                if !ranges.iter().any(|r| r.contains(&cidr)) {
                    out.push(format!(
                        "{}: {path} = {cidr} lies in no range of the plan",
                        m.file
                    ));
                }
            });
        }
    }
    out
}

/// Calls `found` with every string in `value` (and in the JSON documents strings hold) that
/// is an address or a prefix. Calico's route-reflector cluster ID is an identifier written
/// as an address, not an address.
fn addresses(value: &Value, path: &str, found: &mut dyn FnMut(&str, Cidr)) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                if k != "projectcalico.org/RouteReflectorClusterID" {
                    addresses(v, &format!("{path}/{k}"), found);
                }
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                addresses(v, &format!("{path}/{i}"), found);
            }
        }
        Value::String(s) => {
            if let Ok(inner) = serde_json::from_str::<Value>(s)
                && inner.is_object()
            {
                addresses(&inner, path, found);
            }
            for part in s.split(',') {
                if let Ok(c) = part.parse::<Cidr>() {
                    found(path, c);
                } else if let Ok(a) = part.parse::<IpAddr>() {
                    found(path, Cidr::host(a));
                } else if let Some(c) = part
                    .strip_prefix("cidr=")
                    .and_then(|c| c.parse::<Cidr>().ok())
                {
                    found(path, c);
                }
            }
        }
        _ => {}
    }
}

#[test]
fn every_vector_in_every_mode_agrees_with_itself() {
    let mut problems = Vec::new();
    let mut plans = 0;
    for (name, spec) in vectors() {
        for mode in std::iter::once(None).chain(NetworkMode::ALL.into_iter().map(Some)) {
            let mut spec = spec.clone();
            if let Some(m) = mode {
                spec["mode"] = m.as_str().into();
            }
            let Ok(plan) = Plan::from_json(&spec.to_string()) else {
                continue;
            };
            plans += 1;
            for p in contradictions(&plan) {
                problems.push(format!("{name} ({}): {p}", plan.mode.selected));
            }
        }
    }
    assert!(plans > 400, "{plans} plans");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Specs assembled at random from parts that combine: families, modes, sizes, edge routers,
/// zones, the VBR's IPv6 peering, the ECS nodes' CNI.
fn random_spec() -> impl Strategy<Value = Value> {
    let mode = prop_oneof![
        Just("auto"),
        Just("flannel-vxlan"),
        Just("calico-ipip"),
        Just("cilium-vxlan"),
        Just("calico-route-reflector"),
        Just("cilium-bgp"),
    ];
    (
        mode,
        any::<bool>(),
        1u32..300,
        0u32..60,
        1usize..=2,
        any::<bool>(),
        prop_oneof![Just(None), Just(Some(0u32)), Just(Some(1)), Just(Some(3))],
        any::<bool>(),
        any::<bool>(),
        prop_oneof![Just("cn-hangzhou"), Just("cn-beijing"), Just("xx-unknown-1")],
    )
        .prop_map(
            |(mode, dual, dc_nodes, ecs_nodes, edges, v6_vbr, rr, second_zone, terway, region)| {
                let mut pods = vec!["172.20.0.0/16"];
                let mut services = vec!["172.21.0.0/20"];
                let mut nodes = vec!["192.168.0.0/24"];
                let mut vpcs = vec!["10.0.0.0/8"];
                if dual {
                    pods.push("fd00:20::/56");
                    services.push("fd00:21::/108");
                    nodes.push("fd00:10::/64");
                    vpcs.push("2408:4005:300::/56");
                }
                let edge = |i: usize| {
                    let mut e = json!({ "ip": format!("192.168.0.{}", i + 1), "asNumber": 65001 });
                    if dual {
                        e["ipv6"] = format!("fd00:10::{}", i + 1).into();
                    }
                    e
                };
                let zone = |z: usize| {
                    let node = json!({ "id": format!("vsw-node-{z}"), "cidr": format!("10.10.{}.0/24", 24 + z) });
                    let pod = json!({ "id": format!("vsw-pod-{z}"), "cidr": format!("10.{}.0.0/16", 30 + z) });
                    let (mut node, mut pod) = (node, pod);
                    if dual {
                        node["ipv6Cidr"] = format!("2408:4005:300:{}::/64", 10 + z).into();
                        pod["ipv6Cidr"] = format!("2408:4005:300:{}::/64", 20 + z).into();
                    }
                    json!({ "zone": format!("cn-hangzhou-{}", ["h", "i"][z]), "nodeVSwitches": [node], "podVSwitches": [pod] })
                };
                let zones: Vec<Value> = (0..if second_zone { 2 } else { 1 }).map(zone).collect();
                let mut spec = json!({
                    "name": "random",
                    "ipFamily": if dual { "dual" } else { "ipv4" },
                    "mode": mode,
                    "onPrem": {
                        "nodeCidrs": nodes, "podCidrs": pods, "serviceCidrs": services,
                        "nodes": dc_nodes,
                        "edgeRouters": (0..edges).map(edge).collect::<Vec<_>>(),
                    },
                    "cloud": {
                        "region": region, "vpcCidrs": vpcs, "zones": zones,
                        "nodes": ecs_nodes, "securityGroups": ["sg-1"],
                    },
                    "interconnect": {
                        "vbr": { "id": "vbr-1", "vlanId": 10, "localGatewayIp": "192.168.255.1",
                                 "peerGatewayIp": "192.168.255.2", "peeringSubnet": "192.168.255.0/30" },
                        "cen": { "id": "cen-1" },
                    },
                });
                if let Some(n) = rr {
                    spec["onPrem"]["routeReflectors"] = n.into();
                }
                if dual && v6_vbr {
                    let vbr = &mut spec["interconnect"]["vbr"];
                    vbr["localGatewayIpv6"] = "2408:4005:3ff::1".into();
                    vbr["peerGatewayIpv6"] = "2408:4005:3ff::2".into();
                    vbr["peeringSubnetIpv6"] = "2408:4005:3ff::/126".into();
                }
                if terway {
                    spec["cloud"]["cni"] = "terway".into();
                }
                spec
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn random_specs_agree_with_themselves(spec in random_spec()) {
        let plan = Plan::from_json(&spec.to_string()).unwrap();
        let problems = contradictions(&plan);
        prop_assert!(problems.is_empty(), "{}\n{}", spec, problems.join("\n"));
        // Devices in the checks' paths all have tables.
        for c in &plan.connectivity {
            for d in &c.path {
                prop_assert!(plan.routing.tables.iter().any(|t| t.device == *d));
            }
            prop_assert!(matches!(c.src_node, Device::DcNode | Device::EcsNode));
        }
    }
}
