//! Planning rules, stated the way an operator would say them. The conformance vectors
//! cover every code; these tests pin down the details that matter to a reader of a plan.

use hybridplan::{Cidr, Code, HybridCluster, Plan, Severity, plan, validate};
use serde_json::{Value, json};

/// The spec of the conformance vector `name`.
fn vector_spec(name: &str) -> Value {
    let path = format!(
        "{}/../tests/vectors/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(path).unwrap();
    serde_json::from_str::<Value>(&text).unwrap()["spec"].clone()
}

/// A small clean cluster: Calico IPIP on both sides.
fn clean() -> Value {
    vector_spec("scenario-clean-overlay")
}

/// The clean cluster routed: Terway on the ECS nodes, with a pod vSwitch.
fn routed() -> Value {
    vector_spec("scenario-high-performance")
}

fn plan_of(spec: &Value) -> Plan {
    Plan::from_json(&spec.to_string()).expect("the spec parses")
}

fn set(spec: &mut Value, pointer: &str, value: Value) {
    *spec.pointer_mut(pointer).expect("pointer exists") = value;
}

#[test]
fn a_clean_spec_has_no_diagnostic_at_all() {
    // Only the note that what runs today is assumed...
    let spec = HybridCluster::from_json(&clean().to_string()).unwrap();
    let codes: Vec<Code> = validate(&spec).iter().map(|d| d.code()).collect();
    assert_eq!(codes, [Code::CniAssumed]);
    // ...and nothing once the spec says it.
    let mut said = clean();
    said["onPrem"]["cni"] = serde_json::json!({
        "install": "manifest",
        "version": "3.28.2",
        "existingPools": [{ "name": "default-ipv4-ippool", "cidr": "172.20.0.0/16", "ipipMode": "Always", "natOutgoing": true }],
    });
    let spec = HybridCluster::from_json(&said.to_string()).unwrap();
    assert_eq!(validate(&spec), vec![]);
}

#[test]
fn pod_cidr_inside_vpc_but_outside_vswitches_is_a_warning() {
    let plan = plan(&hybridplan::reference());
    assert!(!plan.has_errors());
    let d = &plan.diagnostics[0];
    assert_eq!(
        (d.code(), d.severity()),
        (Code::PodCidrInVpc, Severity::Warning)
    );
    assert_eq!(d.path, "/onPrem/podCidr");
    assert_eq!(d.related, ["/cloud/vpcCidr"]);
}

#[test]
fn an_overlap_names_both_ranges() {
    let mut spec = clean();
    set(&mut spec, "/onPrem/serviceCidr", json!("172.20.16.0/20"));
    let plan = plan_of(&spec);
    let d = plan.errors().next().unwrap();
    assert_eq!(d.code(), Code::CidrOverlap);
    assert_eq!(d.path, "/onPrem/serviceCidr");
    assert_eq!(d.related, ["/onPrem/podCidr"]);
    assert!(d.message.contains("172.20.0.0/16") && d.message.contains("172.20.16.0/20"));
}

#[test]
fn overlapping_vswitches_in_two_zones_are_reported() {
    let mut spec = routed();
    let zone = spec["cloud"]["zones"][0].clone();
    let mut second = zone.clone();
    second["zone"] = json!("cn-hangzhou-i");
    second["nodeVSwitches"][0]["cidr"] = json!("10.10.25.0/24");
    second["podVSwitches"][0]["cidr"] = json!("10.10.48.0/20");
    spec["cloud"]["zones"] = json!([zone, second]);
    let plan = plan_of(&spec);
    let d = plan
        .errors()
        .find(|d| d.code() == Code::CidrOverlap)
        .unwrap();
    assert_eq!(d.path, "/cloud/zones/1/podVSwitches/0/cidr");
    assert_eq!(d.related, ["/cloud/zones/0/podVSwitches/0/cidr"]);
}

#[test]
fn the_service_range_must_not_overlap_the_vpc() {
    let mut spec = clean();
    set(&mut spec, "/onPrem/serviceCidr", json!("10.200.0.0/20"));
    let plan = plan_of(&spec);
    let d = plan.errors().next().unwrap();
    assert_eq!(
        (d.code(), d.path.as_str()),
        (Code::CidrOverlap, "/onPrem/serviceCidr")
    );
    assert_eq!(d.related, ["/cloud/vpcCidr"]);
}

#[test]
fn every_structural_problem_is_reported_at_once() {
    let mut spec = clean();
    spec["onPrem"]["podCIRD"] = json!("x");
    spec["cloud"]["zones"][0]["podVSwitchs"] = json!([]);
    set(&mut spec, "/interconnect/vbr/vlanId", json!("100"));
    let err = HybridCluster::from_json(&spec.to_string()).unwrap_err();
    let paths: Vec<&str> = err.diagnostics().iter().map(|d| d.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "/onPrem/podCIRD",
            "/cloud/zones/0/podVSwitchs",
            "/interconnect/vbr/vlanId"
        ]
    );
    assert_eq!(
        err.diagnostics()[1].hint.as_deref(),
        Some("did you mean `podVSwitches`?")
    );
}

#[test]
fn duplicate_json_keys_are_refused_with_their_pointer() {
    let text = clean()
        .to_string()
        .replacen("\"nodes\":40", "\"nodes\":40,\"nodes\":41", 1);
    let err = HybridCluster::from_json(&text).unwrap_err();
    assert_eq!(err.code(), Code::SpecInvalid);
    assert_eq!(err.path(), "/onPrem/nodes");
}

#[test]
fn single_and_list_forms_mean_the_same_and_point_where_written() {
    let mut spec = clean();
    let pod = spec["onPrem"]["podCidr"].take();
    spec["onPrem"].as_object_mut().unwrap().remove("podCidr");
    spec["onPrem"]["podCidrs"] = json!([pod]);
    let listed = HybridCluster::from_json(&spec.to_string()).unwrap();
    let single = HybridCluster::from_json(&clean().to_string()).unwrap();
    assert_eq!(
        listed.on_prem.pod_cidrs[0].cidr,
        single.on_prem.pod_cidrs[0].cidr
    );
    assert_eq!(listed.on_prem.pod_cidrs[0].path, "/onPrem/podCidrs/0");
    assert_eq!(single.on_prem.pod_cidrs[0].path, "/onPrem/podCidr");

    spec["onPrem"]["podCidr"] = json!("172.20.0.0/16");
    let err = HybridCluster::from_json(&spec.to_string()).unwrap_err();
    assert!(
        err.to_string().contains("both `podCidr` and `podCidrs`"),
        "{err}"
    );
}

#[test]
fn defaults_are_applied() {
    let spec = HybridCluster::from_json(&clean().to_string()).unwrap();
    assert_eq!(spec.on_prem.as_number, 64512);
    assert_eq!(spec.on_prem.calico_block_size, 26);
    assert_eq!(spec.on_prem.max_pods_per_node, 110);
    assert_eq!(spec.interconnect.vbrs[0].as_number, 45104);
    assert!(spec.cloud_services.oss && spec.cloud_services.prometheus);
    assert_eq!(spec.cloud.terway.pods_per_node(), 210);
    assert_eq!(spec.cloud.pods_per_node(), 110);

    let mut small = clean();
    small["onPrem"].as_object_mut().unwrap().remove("maxNodes");
    let spec = HybridCluster::from_json(&small.to_string()).unwrap();
    assert_eq!(spec.on_prem.max_nodes, spec.on_prem.nodes);
}

#[test]
fn a_suggested_range_clashes_with_nothing_in_the_spec() {
    let mut spec = clean();
    set(&mut spec, "/onPrem/podCidr", json!("172.20.0.0/24"));
    set(&mut spec, "/onPrem/serviceCidr", json!("172.20.4.0/22"));
    let plan = plan_of(&spec);
    let s = &plan.addressing.suggestions[0];
    let cidr = s.cidr.expect("a free range is found");
    assert_eq!(cidr.prefix_len(), s.minimum_prefix_length);
    // 60 DC and 20 ECS nodes (which run the overlay too) at two /26 blocks each: 160 blocks.
    assert_eq!(s.minimum_prefix_length, 18);
    for r in &plan.addressing.ranges {
        if r.path != "/onPrem/podCidr" {
            assert!(!r.cidr.overlaps(&cidr), "{cidr} overlaps {}", r.cidr);
        }
    }
}

#[test]
fn route_reflectors_follow_the_node_count_unless_given() {
    let reference = plan(&hybridplan::reference());
    assert_eq!(reference.mode.route_reflectors, 3);
    let mut spec = clean();
    spec["performance"] = json!("high");
    spec["onPrem"]["routeReflectors"] = json!(4);
    assert_eq!(plan_of(&spec).mode.route_reflectors, 4);
}

#[test]
fn ipv6_pods_of_any_size_are_sized_without_enumerating() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/vectors/scenario-dual-stack.json"
    ))
    .unwrap();
    let mut spec = serde_json::from_str::<Value>(&text).unwrap()["spec"].clone();
    spec["onPrem"]["podCidrs"][1] = json!("::/0");
    let plan = plan_of(&spec);
    assert!(plan.errors().any(|d| d.code() == Code::ReservedRange));
    let v6 = plan
        .addressing
        .dc_pods
        .iter()
        .find(|b| b.cidrs[0] == "::/0".parse::<Cidr>().unwrap())
        .unwrap();
    assert_eq!(v6.units.to_string(), (1u128 << 122).to_string());
}

/// Every pointer a diagnostic carries resolves into the spec, or (for a missing field)
/// its parent does, so a console can always highlight something.
#[test]
fn every_diagnostic_pointer_resolves_into_the_spec() {
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors");
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|x| x != "json") {
            continue;
        }
        let v: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let spec = &v["spec"];
        if !spec.is_object() {
            continue;
        }
        let diagnostics = match Plan::from_json(&spec.to_string()) {
            Ok(p) => p.diagnostics,
            Err(e) => e.diagnostics().to_vec(),
        };
        for d in &diagnostics {
            for pointer in std::iter::once(&d.path).chain(&d.related) {
                let parent = &pointer[..pointer.rfind('/').unwrap_or(0)];
                assert!(
                    spec.pointer(pointer).is_some() || spec.pointer(parent).is_some(),
                    "{}: {} points at {pointer}, which is not in the spec",
                    path.display(),
                    d.code()
                );
            }
        }
    }
}
