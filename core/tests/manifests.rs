//! Manifests read back as YAML: the facts that matter hold for every clean scenario
//! (pools are the spec's ranges, DC CNI and Terway scheduling exclude each other, BGP AS
//! numbers are the plan's), output is byte-stable, and snapshots catch any change.

use hybridplan::Device;
use hybridplan::{Cidr, HybridCluster, Plan, plan};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::PathBuf;

/// Every scenario vector whose spec plans without errors.
fn scenarios() -> Vec<(String, HybridCluster)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("tests/vectors exists") {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        if !name.starts_with("scenario-") || path.extension().is_none_or(|x| x != "json") {
            continue;
        }
        let v: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let spec = match &v["spec"] {
            Value::String(text) => HybridCluster::from_text(text),
            other => HybridCluster::from_json(&other.to_string()),
        }
        .unwrap();
        out.push((name, spec));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    assert!(out.len() >= 8, "only {} scenarios", out.len());
    out
}

/// Every object of every manifest, parsed, with its file name.
fn objects(plan: &Plan) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for m in &plan.manifests {
        let docs: Vec<Value> = serde_saphyr::from_str_multiple(&m.yaml)
            .unwrap_or_else(|e| panic!("{} does not parse back: {e}", m.file));
        out.extend(docs.into_iter().map(|d| (m.file.clone(), d)));
    }
    out
}

fn kind<'a>(objects: &'a [(String, Value)], kind: &str) -> Vec<&'a Value> {
    objects
        .iter()
        .filter(|(_, o)| o["kind"] == kind)
        .map(|(_, o)| o)
        .collect()
}

fn cidrs(values: impl IntoIterator<Item = Value>) -> BTreeSet<Cidr> {
    values
        .into_iter()
        .map(|v| v.as_str().unwrap().parse().unwrap())
        .collect()
}

/// The (key, operator, values) of the single required node-selector term of a pod spec's
/// affinity.
fn affinity_on(pod_affinity: &Value, key: &str) -> (String, Vec<String>) {
    let terms = &pod_affinity["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]["nodeSelectorTerms"];
    assert_eq!(
        terms.as_array().unwrap().len(),
        1,
        "one term, so every expression must hold"
    );
    let e = terms[0]["matchExpressions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["key"] == key)
        .unwrap_or_else(|| panic!("no expression on {key}"));
    let values = e["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect();
    (e["operator"].as_str().unwrap().to_owned(), values)
}

fn daemonset_affinity<'a>(objects: &'a [(String, Value)], name: &str) -> &'a Value {
    let ds = kind(objects, "DaemonSet")
        .into_iter()
        .find(|d| d["metadata"]["name"] == name)
        .unwrap_or_else(|| panic!("no DaemonSet patch for {name}"));
    &ds["spec"]["template"]["spec"]["affinity"]
}

const EXTERNAL: &str = "alibabacloud.com/external";

#[test]
fn every_clean_scenario_yields_manifests_with_the_plans_facts() {
    let mut modes = BTreeSet::new();
    for (name, spec) in scenarios() {
        let plan = plan(&spec);
        assert!(!plan.has_errors(), "{name}");
        modes.insert(plan.mode.selected.as_str());
        let objects = objects(&plan);
        assert!(!objects.is_empty(), "{name}: no manifests");

        // Every object says who made it, from which spec.
        for (file, o) in &objects {
            // Helm values and the operator's Installation are not the plan's objects.
            if file.ends_with("-values.yaml") || o["kind"] == "Installation" {
                continue;
            }
            let labels = &o["metadata"]["labels"];
            assert_eq!(
                labels["app.kubernetes.io/managed-by"], "hybridplan",
                "{name} {file}"
            );
            assert_eq!(
                labels["hybridplan.io/spec"],
                spec.name.as_str(),
                "{name} {file}"
            );
        }

        let terway = plan.mode.cloud_cni.as_str() == "terway";
        assert_eq!(
            terway,
            plan.mode.selected.is_routed(),
            "{name}: Terway beside a routed DC only"
        );
        let cilium_values = || {
            objects
                .iter()
                .find(|(f, _)| f.ends_with("cilium-values.yaml"))
                .map(|(_, o)| o)
                .unwrap()
        };
        if terway {
            // The DC CNI never on ECS nodes; Terway is ACK's, scheduled by ACK.
            let dc_affinity = match plan.mode.selected.as_str() {
                "calico-route-reflector" => daemonset_affinity(&objects, "calico-node"),
                _ => &cilium_values()["affinity"],
            };
            let (op, values) = affinity_on(dc_affinity, EXTERNAL);
            assert_eq!(
                (op.as_str(), values),
                ("NotIn", vec!["true".to_owned()]),
                "{name}"
            );
            check_terway(&name, &spec, &plan, &objects);
        } else {
            // The overlay spans both sides: no Terway, and nothing keeps the DC's CNI off
            // the ECS nodes.
            assert!(
                plan.manifests.iter().all(|m| m.component != "terway"),
                "{name}"
            );
            assert!(
                kind(&objects, "DaemonSet")
                    .iter()
                    .all(|d| d["spec"]["template"]["spec"]["affinity"].is_null()),
                "{name}"
            );
            if plan.mode.selected.as_str() == "cilium-vxlan" {
                assert!(cilium_values()["affinity"].is_null(), "{name}");
            }
        }

        let pods: BTreeSet<Cidr> = spec.on_prem.pod_cidrs.iter().map(|c| c.cidr).collect();
        match plan.mode.selected.as_str() {
            "calico-route-reflector" | "calico-ipip" => {
                check_calico(&name, &spec, &plan, &objects, &pods)
            }
            "flannel-vxlan" => check_flannel(&name, &plan, &objects, &pods),
            _ => check_cilium(&name, &spec, &plan, &objects, &pods),
        }

        // Same spec, same bytes.
        assert_eq!(plan.manifests, hybridplan::plan(&spec).manifests, "{name}");
    }
    assert_eq!(modes.len(), 5, "every mode has a scenario: {modes:?}");
}

fn check_calico(
    name: &str,
    spec: &HybridCluster,
    plan: &Plan,
    objects: &[(String, Value)],
    pods: &BTreeSet<Cidr>,
) {
    let pools = kind(objects, "IPPool");
    let enabled = cidrs(
        pools
            .iter()
            .filter(|p| p["spec"]["disabled"] != true)
            .map(|p| p["spec"]["cidr"].clone()),
    );
    // The pools written are the live pools changed by name (a default install's, here)
    // and new ones: every enabled one is a DC pod range, and none is written twice.
    assert!(
        enabled.is_subset(pods),
        "{name}: pools are the DC pod ranges"
    );
    let written: Vec<&str> = pools
        .iter()
        .map(|p| p["metadata"]["name"].as_str().unwrap())
        .collect();
    let unique: BTreeSet<&str> = written.iter().copied().collect();
    assert_eq!(unique.len(), written.len(), "{name}: a pool written twice");
    for p in &pools {
        let s = &p["spec"];
        assert!(
            !(s["ipipMode"] == "Always" && s["vxlanMode"] == "Always"),
            "{name}: never both"
        );
        let cidr: Cidr = s["cidr"].as_str().unwrap().parse().unwrap();
        if cidr.family() == hybridplan::Family::V6 {
            assert_eq!(s["ipipMode"], "Never", "{name}: no IPIP on IPv6");
        }
    }
    let disabled: Vec<Cidr> = cidrs(
        pools
            .iter()
            .filter(|p| p["spec"]["disabled"] == true)
            .map(|p| p["spec"]["cidr"].clone()),
    )
    .into_iter()
    .collect();
    if plan.mode.selected.is_routed() {
        // Every cloud pod vSwitch lies in a disabled pool (no SNAT toward it), and no
        // disabled pool overlaps a DC pod range.
        for zone in &spec.cloud.zones {
            for v in &zone.pod_vswitches {
                assert!(
                    disabled.iter().any(|d| d.contains(&v.cidr)),
                    "{name}: {} has no disabled pool",
                    v.cidr
                );
            }
        }
        for d in &disabled {
            assert!(
                pods.iter().all(|p| !p.overlaps(d)),
                "{name}: {d} overlaps a DC pod pool"
            );
        }
    } else {
        assert!(
            disabled.is_empty(),
            "{name}: overlay modes keep SNAT toward the cloud"
        );
    }
    let config = kind(objects, "BGPConfiguration");
    assert_eq!(config.len(), 1);
    assert_eq!(config[0]["metadata"]["name"], "default");
    assert_eq!(
        config[0]["spec"]["asNumber"], spec.on_prem.as_number,
        "{name}"
    );
    let rr = plan.mode.route_reflectors > 0;
    assert_eq!(config[0]["spec"]["nodeToNodeMeshEnabled"], !rr, "{name}");
    // Each edge-router peer carries the AS number the plan's sessions give the edge.
    let edge_asns: BTreeSet<u64> = plan
        .routing
        .bgp_sessions
        .iter()
        .filter(|s| matches!(s.peer.device, Device::DcEdge(_)))
        .filter(|s| !matches!(s.local.device, Device::DcEdge(_)))
        .map(|s| u64::from(s.peer.as_number))
        .collect();
    let peer_asns: BTreeSet<u64> = kind(objects, "BGPPeer")
        .iter()
        .filter_map(|p| p["spec"]["asNumber"].as_u64())
        .collect();
    assert_eq!(peer_asns, edge_asns, "{name}");
    if rr {
        let nodes = kind(objects, "Node");
        assert_eq!(
            nodes.len(),
            spec.on_prem.route_reflector_nodes.len(),
            "{name}"
        );
        for n in nodes {
            assert_eq!(n["metadata"]["labels"]["route-reflector"], "true");
            assert_eq!(
                n["metadata"]["annotations"]["projectcalico.org/RouteReflectorClusterID"],
                "244.0.0.1"
            );
        }
    }
}

fn check_flannel(name: &str, plan: &Plan, objects: &[(String, Value)], pods: &BTreeSet<Cidr>) {
    let cm = kind(objects, "ConfigMap")
        .into_iter()
        .find(|c| c["metadata"]["name"] == "kube-flannel-cfg")
        .unwrap();
    let net: Value = serde_json::from_str(cm["data"]["net-conf.json"].as_str().unwrap()).unwrap();
    let network: Cidr = net["Network"].as_str().unwrap().parse().unwrap();
    assert!(pods.contains(&network), "{name}");
    let unit = plan
        .addressing
        .dc_pods
        .iter()
        .find(|b| b.family == hybridplan::Family::V4)
        .unwrap();
    // Each node's subnet is its podCIDR from kube-controller-manager, which the plan names;
    // SubnetLen would not be used.
    assert!(net.get("SubnetLen").is_none(), "{name}");
    assert!(
        unit.allocated_by.contains(&format!(
            "--node-cidr-mask-size-ipv4={}",
            unit.unit_prefix_length
        )),
        "{name}"
    );
    assert_eq!(net["Backend"]["Type"], "vxlan");
}

fn check_cilium(
    name: &str,
    spec: &HybridCluster,
    plan: &Plan,
    objects: &[(String, Value)],
    pods: &BTreeSet<Cidr>,
) {
    let values = &objects
        .iter()
        .find(|(f, _)| f.ends_with("cilium-values.yaml"))
        .unwrap()
        .1;
    let mut listed = cidrs(
        values["ipam"]["operator"]["clusterPoolIPv4PodCIDRList"]
            .as_array()
            .unwrap()
            .clone(),
    );
    if let Some(v6) = values["ipam"]["operator"]["clusterPoolIPv6PodCIDRList"].as_array() {
        listed.extend(cidrs(v6.clone()));
    }
    assert_eq!(&listed, pods, "{name}");
    let bgp = plan.mode.selected.as_str() == "cilium-bgp";
    assert_eq!(values["bgpControlPlane"]["enabled"], bgp, "{name}");
    assert!(
        kind(objects, "CiliumBGPPeeringPolicy").is_empty(),
        "{name}: removed in Cilium 1.19"
    );
    if bgp {
        let cluster = kind(objects, "CiliumBGPClusterConfig");
        assert_eq!(cluster.len(), 1);
        let instance = &cluster[0]["spec"]["bgpInstances"][0];
        assert_eq!(instance["localASN"], spec.on_prem.as_number, "{name}");
        let peers: BTreeSet<(String, u64)> = instance["peers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                (
                    p["peerAddress"].as_str().unwrap().to_owned(),
                    p["peerASN"].as_u64().unwrap(),
                )
            })
            .collect();
        let edges: BTreeSet<(String, u64)> = spec
            .on_prem
            .edge_routers
            .iter()
            .flat_map(|e| {
                let asn = u64::from(e.as_number);
                std::iter::once(e.ip)
                    .chain(e.ipv6)
                    .map(move |ip| (ip.to_string(), asn))
            })
            .collect();
        assert_eq!(peers, edges, "{name}");
    } else {
        assert_eq!(values["routingMode"], "tunnel");
    }
}

fn check_terway(name: &str, spec: &HybridCluster, plan: &Plan, objects: &[(String, Value)]) {
    // Terway is ACK's component: its eni-config and DaemonSet are never written whole.
    for (file, o) in objects {
        let object = o["metadata"]["name"].as_str().unwrap_or_default();
        assert!(
            object != "eni-config" && object != "terway-eniip",
            "{name}: {file} writes {object}"
        );
    }
    let component = plan.terway.as_ref().expect("Terway's parameters");
    let config: Value = serde_json::from_str(&component.addon_config).unwrap();
    for zone in &spec.cloud.zones {
        let ids: Vec<&str> = zone.pod_vswitches.iter().map(|v| v.id.as_str()).collect();
        if !ids.is_empty() {
            assert_eq!(
                config["PodVswitchId"][&zone.zone],
                serde_json::json!(ids),
                "{name}"
            );
        }
    }
    let value = |what: &str| {
        component
            .parameters
            .iter()
            .find(|p| p.name == what)
            .map(|p| p.value.clone())
            .unwrap()
    };
    assert_eq!(
        value("security groups"),
        spec.cloud.security_groups.join(", "),
        "{name}"
    );
    assert!(
        value("Service CIDR").starts_with(&spec.on_prem.service_cidrs[0].cidr.to_string()),
        "{name}"
    );
}

#[test]
fn no_manifests_while_an_error_stands() {
    let text = hybridplan::REFERENCE_SPEC.replace("10.10.25.0/24", "10.10.24.0/24");
    let plan = Plan::from_yaml(&text).unwrap();
    assert!(plan.has_errors());
    assert!(plan.manifests.is_empty());
}

#[test]
fn snapshots() {
    for (name, spec) in scenarios() {
        let plan = plan(&spec);
        let text: String = plan
            .manifests
            .iter()
            .map(|m| format!("##### {} ({})\n{}", m.file, m.component, m.yaml))
            .collect();
        insta::assert_snapshot!(name, text);
    }
}

#[test]
fn spec_strings_cannot_add_documents_or_keys_to_manifests() {
    // Identifiers the spec passes through to Terway's configuration, written to break out
    // of YAML: a document separator, a key, a comment, quotes, a NUL and RTL marks.
    let hostile = "vsw-a\n---\nkind: Secret\n# x: 'y\" \u{0}\u{202e}";
    let quoted = serde_json::to_string(hostile).unwrap();
    let text = hybridplan::REFERENCE_SPEC
        .replace("id: vsw-pod-h", &format!("id: {quoted}"))
        .replace("[sg-hybrid]", &format!("[{quoted}]"));
    // The reader reports them as malformed ids, each at its pointer, and writes no
    // manifest while they stand...
    let read = plan(&HybridCluster::from_yaml(&text).unwrap());
    let paths: Vec<&str> = read
        .errors()
        .map(|d| {
            assert_eq!(d.code(), hybridplan::Code::CloudIdInvalid);
            d.path.as_str()
        })
        .collect();
    assert_eq!(
        paths,
        [
            "/cloud/zones/0/podVSwitches/0/id",
            "/cloud/securityGroups/0"
        ]
    );
    assert!(read.manifests.is_empty());
    // ...and the writer holds even for a spec built in code, past the reader.
    let mut spec = hybridplan::reference();
    spec.cloud.zones[0].pod_vswitches[0].id = hostile.to_owned();
    spec.cloud.security_groups[0] = hostile.to_owned();
    let plan = plan(&spec);
    let clean = hybridplan::plan(&hybridplan::reference());
    assert_eq!(plan.manifests.len(), clean.manifests.len());
    for (m, c) in plan.manifests.iter().zip(&clean.manifests) {
        let docs: Vec<Value> = serde_saphyr::from_str_multiple(&m.yaml).unwrap();
        let clean_docs: Vec<Value> = serde_saphyr::from_str_multiple(&c.yaml).unwrap();
        assert_eq!(docs.len(), clean_docs.len(), "{}: documents added", m.file);
        for (d, c) in docs.iter().zip(&clean_docs) {
            assert_eq!(d["kind"], c["kind"], "{}", m.file);
            let keys = |v: &Value| v.as_object().map(|o| o.keys().cloned().collect::<Vec<_>>());
            assert_eq!(keys(&d["data"]), keys(&c["data"]), "{}: keys added", m.file);
        }
    }
    // The strings arrive intact, inside Terway's JSON.
    let component = plan.terway.as_ref().unwrap();
    let config: Value = serde_json::from_str(&component.addon_config).unwrap();
    assert_eq!(config["PodVswitchId"]["cn-hangzhou-h"][0], hostile);
}
