//! FRR configuration of the DC edge: what the plan says, in FRR's words.

use hybridplan::Device;
use hybridplan::{HybridCluster, plan, reference, render};

fn lines(config: &str) -> Vec<&str> {
    config.lines().map(str::trim).collect()
}

#[test]
fn the_reference_edge_peers_with_the_vbr_and_advertises_only_the_summary() {
    let spec = reference();
    let plan = plan(&spec);
    let config = render::frr(&spec, &plan, Device::DcEdge(0)).unwrap();
    let l = lines(&config);
    for expected in [
        "router bgp 65001",
        "neighbor 192.168.255.1 remote-as 45104",
        "bgp listen range 192.168.0.0/24 peer-group DC",
        "neighbor DC remote-as 64512",
        "network 192.168.0.0/24",
        "aggregate-address 10.100.0.0/16 summary-only",
        "ip prefix-list TO-VBR seq 5 permit 10.100.0.0/16",
        "ip prefix-list TO-VBR seq 10 permit 192.168.0.0/24",
        "ip prefix-list FROM-DC seq 5 permit 10.100.0.0/16 le 32",
        "neighbor 192.168.255.1 bfd",
        "neighbor 192.168.255.1 route-map TO-VBR out",
        "neighbor DC route-map TO-DC out",
        "ip route 100.118.28.0/24 192.168.255.1",
    ] {
        assert!(l.contains(&expected), "missing {expected:?} in\n{config}");
    }
    // Exactly the planned summary goes out: one prefix-list entry per advertised prefix.
    let to_vbr = l
        .iter()
        .filter(|x| x.starts_with("ip prefix-list TO-VBR"))
        .count();
    assert_eq!(
        to_vbr,
        plan.routing.vbr_advertisement.unwrap().prefixes.len()
    );
}

#[test]
fn overlay_modes_have_no_dc_peers_and_unknown_devices_are_named() {
    let text = hybridplan::REFERENCE_SPEC
        .replace("performance: high", "performance: standard")
        .replace("nodes: 120", "nodes: 40")
        .replace("maxNodes: 200", "maxNodes: 60");
    let spec = HybridCluster::from_yaml(&text).unwrap();
    let plan = plan(&spec);
    assert!(!plan.mode.selected.is_routed(), "{:?}", plan.mode.selected);
    let config = render::frr(&spec, &plan, Device::DcEdge(0)).unwrap();
    assert!(!config.contains("peer-group DC"), "{config}");
    assert!(config.contains("neighbor 192.168.255.1 remote-as 45104"));
    let err = render::frr(&spec, &plan, Device::Vbr(0)).unwrap_err();
    assert_eq!(err.known, vec![Device::DcEdge(0)]);
    assert!(err.to_string().contains("dc-edge"));
}
