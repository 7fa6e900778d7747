//! Routing as an operator reads it: the hop tables, the BGP sessions, what crosses the
//! VBR, and traces through them.

use hybridplan::routing::{Outcome, PlanRoutes, device};
use hybridplan::{Plan, plan, reference, trace};
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

const DC_TO_CLOUD: [&str; 6] = ["dc-node", "dc-edge", "vbr", "cen-tr", "vpc", "ecs-node"];

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
        (session.local.device.as_str(), session.peer.device.as_str()),
        ("dc-edge", "vbr")
    );
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
fn every_hop_has_a_table_and_route_reflector_sessions_are_counted() {
    let plan = plan(&reference());
    let devices: Vec<&str> = plan
        .routing
        .tables
        .iter()
        .map(|t| t.device.as_str())
        .collect();
    for d in [
        device::DC_NODE,
        device::DC_EDGE,
        device::VBR,
        device::CEN,
        device::VPC,
        device::ECS_NODE,
    ] {
        assert!(devices.contains(&d), "no table for {d}");
    }
    let clients = plan
        .routing
        .bgp_sessions
        .iter()
        .find(|s| s.peer.device == "route-reflector")
        .unwrap();
    assert_eq!(clients.count, hybridplan::addressing::Count((200 - 3) * 3));
    assert_eq!(clients.kind, "ibgp");
}

#[test]
fn the_dc_edge_routes_cloud_services_to_the_vbr() {
    let plan = plan(&reference());
    let edge = plan
        .routing
        .tables
        .iter()
        .find(|t| t.device == "dc-edge")
        .unwrap();
    for oss in [
        "100.118.28.0/24",
        "100.114.102.0/24",
        "100.98.170.0/24",
        "100.118.31.0/24",
        "10.0.0.0/8",
    ] {
        let e = edge
            .entries
            .iter()
            .find(|e| e.destination.to_string() == oss)
            .unwrap_or_else(|| panic!("{oss}"));
        assert_eq!(e.next_device.as_deref(), Some("vbr"));
        assert!(e.next_hop.starts_with("192.168.255.1"));
    }
    let t = trace(&plan, ip("192.168.0.10"), ip("100.118.28.7"));
    assert_eq!(t.outcome, Outcome::Delivered, "{}", t.reason);
}

#[test]
fn in_an_overlay_mode_cloud_pods_cannot_route_to_dc_pods() {
    let plan = Plan::from_json(&vector("scenario-clean-overlay").to_string()).unwrap();
    let t = trace(&plan, ip("10.10.32.10"), ip("172.20.1.1"));
    assert_eq!(t.outcome, Outcome::BlackHole);
    assert_eq!(t.path(), ["ecs-node", "vpc"]);
    let check = plan
        .connectivity
        .iter()
        .find(|c| c.from == "cloud pod" && c.to == "DC pod")
        .unwrap();
    assert!(
        check.expect.starts_with("no route, by design"),
        "{}",
        check.expect
    );
    let t = trace(&plan, ip("172.20.1.1"), ip("10.10.32.10"));
    assert_eq!(t.outcome, Outcome::Delivered, "{}", t.reason);
}

#[test]
fn a_routing_loop_is_reported_not_followed() {
    let mut plan = plan(&reference());
    let vpc = plan
        .routing
        .tables
        .iter_mut()
        .find(|t| t.device == "vpc")
        .unwrap();
    for e in &mut vpc.entries {
        if e.destination.to_string() == "10.10.25.0/24" {
            e.next_device = Some("cen-tr".into());
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
fn every_scenario_check_follows_its_own_trace_and_routed_ones_all_arrive() {
    for name in [
        "scenario-reference",
        "scenario-large",
        "scenario-cilium-bgp",
        "scenario-dual-stack",
        "scenario-clean-overlay",
    ] {
        let plan = Plan::from_json(&vector(name).to_string()).unwrap();
        assert!(!plan.connectivity.is_empty(), "{name}");
        for c in &plan.connectivity {
            let t = trace(&plan, ip(&c.src), ip(&c.dst));
            assert_eq!(t.path(), c.path, "{name}: {} -> {}", c.from, c.to);
            let by_design = c.expect.starts_with("no route, by design");
            assert_eq!(
                t.outcome == Outcome::Delivered,
                !by_design,
                "{name}: {} -> {}: {}",
                c.from,
                c.to,
                t.reason
            );
        }
    }
}

#[test]
fn dual_stack_routes_ipv6_end_to_end() {
    let plan = Plan::from_json(&vector("scenario-dual-stack").to_string()).unwrap();
    let c = plan
        .connectivity
        .iter()
        .find(|c| c.from == "DC pod (IPv6)" && c.to == "cloud pod (IPv6)")
        .unwrap();
    assert_eq!(c.path.first().map(String::as_str), Some("dc-node"));
    assert_eq!(c.path.last().map(String::as_str), Some("ecs-node"));
}

#[test]
fn a_plan_survives_a_json_round_trip_and_traces_the_same() {
    let plan = plan(&reference());
    let json = serde_json::to_string(&plan).unwrap();
    let back: Plan = serde_json::from_str(&json).unwrap();
    assert_eq!(back, plan);
    let a = trace(&plan, ip("10.100.1.1"), ip("10.10.25.10"));
    assert_eq!(trace(&back, ip("10.100.1.1"), ip("10.10.25.10")), a);
}

#[test]
fn the_route_tables_alone_trace_like_the_whole_plan() {
    let plan = plan(&reference());
    let mut json: Value = serde_json::to_value(&plan).unwrap();
    // Only `routing.tables` is read: the rest may be missing or carry unknown keys.
    let tables = json["routing"]["tables"].take();
    let trimmed = serde_json::json!({ "routing": { "tables": tables, "extra": 1 }, "note": "x" });
    let routes = PlanRoutes::from_json(&trimmed.to_string()).unwrap();
    assert_eq!(routes.tables(), plan.routing.tables.as_slice());
    for (src, dst) in [
        ("10.100.1.1", "10.10.25.10"),
        ("10.10.25.10", "10.100.1.1"),
        ("10.100.1.1", "8.8.8.8"),
    ] {
        assert_eq!(
            routes.trace(ip(src), ip(dst)),
            trace(&plan, ip(src), ip(dst))
        );
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
            r#"{"routing": {"tables": [{"device": "x", "label": "x", "entries": [{}]}]}}"#,
            "spec-invalid",
            "/routing/tables/0/entries/0",
        ),
        (
            r#"{"routing": {"tables": [{"device": "x", "label": "x", "entries": [{"destination": "10.0.0.1/8", "nextHop": "x", "origin": "bgp"}]}]}}"#,
            "spec-invalid",
            "/routing/tables/0/entries/0/destination",
        ),
        (
            r#"{"routing": {"tables": [{"device": "x", "label": "x", "entries": [{"destination": "10.0.0.0/8", "nextHop": "x", "origin": "ospf"}]}]}}"#,
            "spec-invalid",
            "/routing/tables/0/entries/0/origin",
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
