//! Routing as an operator reads it: the hop tables, the BGP sessions, what crosses the
//! VBR, and traces through them.

use hybridplan::routing::{Device, Outcome, PlanRoutes, SessionKind, SessionRole};
use hybridplan::{Endpoint, Plan, plan, reference, trace, trace_endpoints};
use serde_json::Value;
use std::net::IpAddr;

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

fn vector(name: &str) -> Value {
    let path = format!(
        "{}/../tests/vectors/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str::<Value>(&std::fs::read_to_string(path).unwrap()).unwrap()["spec"].clone()
}

fn vector_plan(name: &str) -> Plan {
    Plan::from_json(&vector(name).to_string()).unwrap()
}

const DC_TO_CLOUD: [Device; 6] = [
    Device::DcNode,
    Device::DcEdge(0),
    Device::Vbr(0),
    Device::CenTr,
    Device::Vpc,
    Device::EcsNode,
];

#[test]
fn a_dc_pod_reaches_a_cloud_pod_through_edge_vbr_cen_and_vpc() {
    let plan = plan(&reference());
    let t = trace(&plan, ip("10.100.1.1"), ip("10.10.25.10"));
    assert_eq!(t.outcome, Outcome::Delivered, "{}", t.reason);
    assert_eq!(t.path(), DC_TO_CLOUD);
    assert_eq!(t.hops[1].matched.unwrap().to_string(), "10.10.25.0/24");

    let back = trace(&plan, ip("10.10.25.10"), ip("10.100.1.1"));
    assert_eq!(back.outcome, Outcome::Delivered, "{}", back.reason);
    let mut reversed = DC_TO_CLOUD;
    reversed.reverse();
    assert_eq!(back.path(), reversed);
    assert_eq!(back.hops[4].matched.unwrap().to_string(), "10.100.0.0/16");
}

#[test]
fn the_dc_advertises_the_exact_summary_of_what_it_owns() {
    let plan = plan(&reference());
    let adv = plan.routing.vbr_advertisement.as_ref().unwrap();
    let list: Vec<String> = adv.prefixes.iter().map(ToString::to_string).collect();
    assert_eq!(list, ["10.100.0.0/16", "192.168.0.0/24"]);
    assert_eq!(adv.limit, 110);
    let session = &plan.routing.bgp_sessions[0];
    assert_eq!(
        (session.local.device, session.peer.device),
        (Device::DcEdge(0), Device::Vbr(0))
    );
    assert_eq!(session.role, SessionRole::EdgeVbr);
    assert_eq!(
        (session.local.as_number, session.peer.as_number),
        (65001, 45104)
    );
    assert_eq!(session.local.address, "192.168.255.2");
    assert_eq!(session.local.advertises, adv.prefixes);
    // Calico exports one route per block: 200 nodes x 2 blocks, aggregated at the edge.
    let agg = &plan.routing.aggregation[0];
    assert_eq!(
        (agg.source.as_str(), agg.routes.0, agg.prefix_length),
        ("calico-blocks", 400, 26)
    );
    assert_eq!(agg.aggregate_to[0].to_string(), "10.100.0.0/16");
}

#[test]
fn every_hop_has_a_table_and_route_reflector_sessions_are_counted_among_themselves_too() {
    let plan = plan(&reference());
    let devices: Vec<Device> = plan.routing.tables.iter().map(|t| t.device).collect();
    for d in DC_TO_CLOUD {
        assert!(devices.contains(&d), "no table for {d}");
    }
    let count = |role| {
        plan.routing
            .bgp_sessions
            .iter()
            .find(|s| s.role == role)
            .map(|s| (s.count.0, s.kind))
            .unwrap()
    };
    // 200 nodes, 3 reflectors: every client with every reflector, the reflectors pairwise.
    assert_eq!(
        count(SessionRole::ClientReflector),
        ((200 - 3) * 3, SessionKind::Ibgp)
    );
    assert_eq!(
        count(SessionRole::ReflectorReflector),
        (3, SessionKind::Ibgp)
    );
    assert_eq!(count(SessionRole::ReflectorEdge), (3, SessionKind::Ebgp));
}

#[test]
fn the_dc_edge_routes_cloud_services_to_the_vbr_and_the_transit_router_to_the_vpc() {
    let plan = plan(&reference());
    let table = |d: Device| plan.routing.tables.iter().find(|t| t.device == d).unwrap();
    for oss in [
        "100.118.28.0/24",
        "100.114.102.0/24",
        "100.98.170.0/24",
        "100.118.31.0/24",
        "100.103.9.188/32",
    ] {
        let at = |d: Device| {
            table(d)
                .entries
                .iter()
                .find(|e| e.destination.to_string() == oss)
                .unwrap_or_else(|| panic!("{d}: {oss}"))
                .clone()
        };
        let e = at(Device::DcEdge(0));
        assert_eq!(e.next_device, Some(Device::Vbr(0)));
        assert!(e.next_hop.starts_with("192.168.255.1"));
        // The transit router does not learn 100.x from the VPC: a static route per range.
        let tr = at(Device::CenTr);
        assert_eq!(
            (tr.next_device, tr.origin.as_str()),
            (Some(Device::Vpc), "static")
        );
    }
    let t = trace(&plan, ip("192.168.0.10"), ip("100.118.28.7"));
    assert_eq!(t.outcome, Outcome::Delivered, "{}", t.reason);
    // The Terraform holds the transit router's static routes, next hop the VPC connection.
    assert!(plan.steps.iter().any(|s| s.title == "Apply the Terraform"));
    let files = hybridplan::render::terraform(&reference(), &plan);
    let services = files
        .iter()
        .find(|f| f.name == "cloud_services.tf")
        .expect("cloud_services.tf");
    assert!(services.content.lines().any(|l| {
        l.trim_start().starts_with("\"100.118.28.0/24\"")
            && l.ends_with("= \"OSS VIP range of cn-hangzhou\"")
    }));
    assert!(services.content.contains(
        "transit_router_route_entry_next_hop_id            = alicloud_cen_transit_router_vpc_attachment.vpc.transit_router_attachment_id"
    ));
}

#[test]
fn in_an_overlay_the_ecs_nodes_run_it_too_and_pods_reach_each_other_through_the_tunnel() {
    let plan = vector_plan("scenario-clean-overlay");
    assert_eq!(plan.mode.cloud_cni.as_str(), "calico");
    assert!(plan.manifests.iter().all(|m| m.component != "terway"));
    // Only node ranges cross the VBR.
    let adv = &plan.routing.vbr_advertisement.as_ref().unwrap().prefixes;
    assert_eq!(
        adv.iter().map(ToString::to_string).collect::<Vec<_>>(),
        ["192.168.0.0/24"]
    );
    let cloud_pod = Endpoint::on(ip("172.20.128.10"), Device::EcsNode);
    let dc_pod = Endpoint::on(ip("172.20.1.1"), Device::DcNode);
    let t = trace_endpoints(&plan, cloud_pod, dc_pod);
    assert_eq!(t.outcome, Outcome::Delivered, "{}", t.reason);
    assert_eq!(
        t.path(),
        [
            Device::EcsNode,
            Device::Vpc,
            Device::CenTr,
            Device::Vbr(0),
            Device::DcEdge(0),
            Device::DcNode
        ]
    );
    assert_eq!(t.hops[0].matched.unwrap().to_string(), "172.20.0.0/16");
    assert!(
        t.hops[1]
            .tunnel
            .as_deref()
            .unwrap()
            .starts_with("ipip 10.10.24.10 -> 192.168.0.10"),
        "{:?}",
        t.hops[1]
    );
    let check = plan
        .connectivity
        .iter()
        .find(|c| c.from == "cloud pod" && c.to == "DC pod")
        .unwrap();
    assert_eq!(check.outcome, Outcome::Delivered);
    assert_eq!(check.path, t.path());
    // A pod address alone does not say on which side the pod runs.
    let ambiguous = trace(&plan, ip("172.20.128.10"), ip("172.20.1.1"));
    assert_eq!(
        ambiguous.outcome,
        Outcome::Ambiguous,
        "{}",
        ambiguous.reason
    );
}

#[test]
fn terway_forced_beside_an_overlay_is_an_error_and_the_plan_shows_why() {
    let plan = vector_plan("code-terway-beside-overlay");
    let d = plan.errors().next().unwrap();
    assert_eq!(
        (d.code().as_str(), d.path.as_str()),
        ("terway-beside-overlay", "/cloud/cni")
    );
    let check = plan
        .connectivity
        .iter()
        .find(|c| c.from == "cloud pod" && c.to == "DC pod")
        .unwrap();
    assert_eq!(check.outcome, Outcome::NoRoute);
    let t = trace(&plan, ip(&check.src), ip(&check.dst));
    assert_eq!(
        (t.outcome, t.path()),
        (Outcome::NoRoute, vec![Device::EcsNode, Device::Vpc])
    );
}

#[test]
fn ipv6_crosses_the_vbr_only_with_its_own_peering() {
    let plan = vector_plan("code-dc-ipv6-missing-vbr");
    for t in &plan.routing.tables {
        if matches!(t.device, Device::Vbr(_) | Device::CenTr | Device::Vpc) {
            assert!(
                t.entries
                    .iter()
                    .all(|e| e.destination.family() == hybridplan::Family::V4
                        || e.origin.as_str() == "system"),
                "{}: IPv6 routes without an IPv6 session",
                t.device
            );
        }
        if let Device::DcEdge(_) = t.device {
            assert!(
                t.entries
                    .iter()
                    .all(|e| e.destination.family() == hybridplan::Family::V4
                        || e.next_device != Some(Device::Vbr(0))),
                "the edge routes IPv6 to the VBR"
            );
        }
    }
    assert!(
        plan.routing
            .bgp_sessions
            .iter()
            .all(|s| s.role != SessionRole::EdgeVbr || s.family == hybridplan::Family::V4)
    );
    let v6 = plan
        .connectivity
        .iter()
        .find(|c| c.from == "DC pod (IPv6)" && c.to == "cloud pod (IPv6)")
        .unwrap();
    assert_eq!(v6.outcome, Outcome::NoRoute);
    let t = trace_endpoints(
        &plan,
        Endpoint::on(ip(&v6.src), v6.src_node),
        Endpoint {
            addr: ip(&v6.dst),
            node: v6.dst_node,
        },
    );
    assert_eq!(t.outcome, Outcome::NoRoute, "{}", t.reason);
}

#[test]
fn two_edge_routers_each_get_their_own_sessions_in_every_routed_design() {
    for (mode, rr) in [
        ("calico-route-reflector", None),
        ("calico-route-reflector", Some(0)),
        ("cilium-bgp", None),
    ] {
        let mut spec = vector("scenario-reference");
        spec["mode"] = mode.into();
        spec["onPrem"]["edgeRouters"] = serde_json::json!([
            {"ip": "192.168.0.1", "asNumber": 65001}, {"ip": "192.168.0.2", "asNumber": 65001}
        ]);
        if let Some(n) = rr {
            spec["onPrem"]["routeReflectors"] = n.into();
        }
        let cluster = hybridplan::HybridCluster::from_json(&spec.to_string()).unwrap();
        let plan = hybridplan::plan(&cluster);
        for edge in [Device::DcEdge(0), Device::DcEdge(1)] {
            let dc_side = plan
                .routing
                .bgp_sessions
                .iter()
                .filter(|s| s.peer.device == edge && !matches!(s.local.device, Device::Vbr(_)))
                .count();
            assert_eq!(dc_side, 1, "{mode} {rr:?}: {edge}");
            // Each edge's router configuration has the DC's speakers as neighbours.
            let frr = hybridplan::render::frr(&cluster, &plan, edge).unwrap();
            assert!(
                frr.contains(" bgp listen range 192.168.0.0/24 peer-group DC"),
                "{mode} {rr:?}: {edge}\n{frr}"
            );
        }
    }
}

#[test]
fn a_routing_loop_is_reported_not_followed() {
    let mut plan = plan(&reference());
    let vpc = plan
        .routing
        .tables
        .iter_mut()
        .find(|t| t.device == Device::Vpc)
        .unwrap();
    for e in &mut vpc.entries {
        if e.destination.to_string() == "10.10.25.0/24" {
            e.next_device = Some(Device::CenTr);
        }
    }
    let t = trace(&plan, ip("10.100.1.1"), ip("10.10.25.10"));
    assert_eq!(t.outcome, Outcome::Loop, "{}", t.reason);
    assert!(t.reason.contains("cen-tr"));
}

#[test]
fn a_source_outside_the_plan_is_named_as_such() {
    let plan = plan(&reference());
    let t = trace(&plan, ip("8.8.8.8"), ip("10.10.25.10"));
    assert_eq!(t.outcome, Outcome::UnknownSource);
    assert!(t.hops.is_empty());
}

#[test]
fn a_plan_survives_a_json_round_trip_and_traces_the_same() {
    let plan = vector_plan("scenario-clean-overlay");
    let json = serde_json::to_string(&plan).unwrap();
    let back: Plan = serde_json::from_str(&json).unwrap();
    assert_eq!(back, plan);
    let (a, b) = (
        Endpoint::on(ip("172.20.1.1"), Device::DcNode),
        Endpoint::on(ip("172.20.128.10"), Device::EcsNode),
    );
    assert_eq!(trace_endpoints(&back, a, b), trace_endpoints(&plan, a, b));
}

#[test]
fn the_route_tables_alone_trace_like_the_whole_plan() {
    for plan in [plan(&reference()), vector_plan("scenario-clean-overlay")] {
        let mut json: Value = serde_json::to_value(&plan).unwrap();
        // Only `routing.tables` is read: the rest may be missing or carry unknown keys.
        let tables = json["routing"]["tables"].take();
        let trimmed =
            serde_json::json!({ "routing": { "tables": tables, "extra": 1 }, "note": "x" });
        let routes = PlanRoutes::from_json(&trimmed.to_string()).unwrap();
        assert_eq!(routes.tables(), plan.routing.tables.as_slice());
        for c in &plan.connectivity {
            let (src, dst) = (
                Endpoint::on(ip(&c.src), c.src_node),
                Endpoint {
                    addr: ip(&c.dst),
                    node: c.dst_node,
                },
            );
            assert_eq!(
                routes.trace_endpoints(src, dst),
                trace_endpoints(&plan, src, dst)
            );
        }
    }
    // A malformed plan is refused at the pointer of what is wrong.
    for (text, code, path) in [
        (r#"{"routing": {}}"#, "spec-invalid", "/routing"),
        (
            r#"{"routing": {"tables": {}}}"#,
            "spec-invalid",
            "/routing/tables",
        ),
        (
            r#"{"routing": {"tables": [{"device": "dc-edge", "label": "x", "entries": [{}]}]}}"#,
            "spec-invalid",
            "/routing/tables/0/entries/0",
        ),
        (
            r#"{"routing": {"tables": [{"device": "edge", "label": "x", "entries": []}]}}"#,
            "spec-invalid",
            "/routing/tables/0/device",
        ),
        (
            r#"{"routing": {"tables": [{"device": "vpc", "label": "x", "entries": [{"destination": "10.0.0.1/8", "nextHop": "x", "origin": "bgp"}]}]}}"#,
            "spec-invalid",
            "/routing/tables/0/entries/0/destination",
        ),
        (
            r#"{"routing": {"tables": [{"device": "vpc", "label": "x", "entries": [{"destination": "10.0.0.0/8", "nextHop": "x", "origin": "ospf"}]}]}}"#,
            "spec-invalid",
            "/routing/tables/0/entries/0/origin",
        ),
        (
            r#"{"routing": {"tables": [{"device": "vpc", "label": "x", "entries": [{"destination": "10.0.0.0/8", "nextHop": "x", "origin": "static", "tunnel": {"encapsulation": "gre", "endpoints": []}}]}]}}"#,
            "spec-invalid",
            "/routing/tables/0/entries/0/tunnel/encapsulation",
        ),
        ("[1,", "spec-syntax", ""),
    ] {
        let err = PlanRoutes::from_json(text).unwrap_err();
        assert_eq!(
            (err.code().as_str(), err.path()),
            (code, path),
            "{text}: {err}"
        );
        assert!(err.to_string().contains("not a plan: "), "{err}");
    }
}

/// Two circuits: with either VBR down, the nodes of both sides still reach each other
/// over the other; with both down, nothing crosses. The DC advertises a summary no edge
/// holds as one route (two /25s as one /24): it lasts while a route it covers does.
#[test]
fn with_one_circuit_down_traffic_takes_the_other() {
    let mut spec = vector("scenario-two-circuits-active-active");
    spec["onPrem"]["nodeCidrs"] = serde_json::json!(["192.168.0.0/25", "192.168.0.128/25"]);
    let plan = Plan::from_json(&spec.to_string()).unwrap();
    let advertised = &plan.routing.vbr_advertisement.as_ref().unwrap().prefixes;
    assert!(
        advertised.iter().any(|p| p.to_string() == "192.168.0.0/24"),
        "{advertised:?}"
    );
    let (dc, ecs) = (
        Endpoint::at(ip("192.168.0.200")),
        Endpoint::at(ip("10.10.24.10")),
    );
    for (failed, over) in [
        (Device::Vbr(0), Device::Vbr(1)),
        (Device::Vbr(1), Device::Vbr(0)),
    ] {
        for (src, dst) in [(dc, ecs), (ecs, dc)] {
            let t = hybridplan::trace_failed(&plan, src, dst, &[failed]).unwrap();
            assert_eq!(t.outcome, Outcome::Delivered, "{failed} down: {}", t.reason);
            assert!(
                t.path().contains(&over) && !t.path().contains(&failed),
                "{:?}",
                t.path()
            );
        }
    }
    let both = hybridplan::trace_failed(&plan, ecs, dc, &[Device::Vbr(0), Device::Vbr(1)]).unwrap();
    assert_eq!(both.outcome, Outcome::NoRoute);
}
