//! The cluster that exists, end to end: each fixture of `tests/fixtures/clusters` (an
//! upstream install as a running cluster shows it) is imported into its vector's base spec
//! and planned; then the plan's manifests are applied to the fixture the way their apply
//! commands and the controllers behind them do (calicoctl replaces a pool's spec,
//! server-side apply merges lists by name, a merge patch replaces lists, Helm renders its
//! values, tigera-operator reconciles pools and calico-node from the Installation), with the
//! step that labels route reflectors; the cluster that results must diff clean, and the
//! one before must not (except where a default install is the planned state already).

use serde_json::{Map, Value, json};
use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// (vector name, base spec, fixture text) of every live vector with a fixture.
fn cases() -> Vec<(String, Value, String)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(root().join("tests/vectors")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|x| x != "json") {
            continue;
        }
        let v: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        if let Some(name) = v["live"].as_str() {
            let live = std::fs::read_to_string(
                root().join(format!("tests/fixtures/clusters/{name}.json")),
            )
            .unwrap();
            out.push((name.to_owned(), v["base"].clone(), live));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// The objects of a `List`.
struct Live {
    items: Vec<Value>,
}

fn name_of(o: &Value) -> &str {
    o["metadata"]["name"].as_str().unwrap_or_default()
}

impl Live {
    fn find(&mut self, kind: &str, name: &str) -> Option<&mut Value> {
        self.items
            .iter_mut()
            .find(|o| o["kind"] == kind && name_of(o) == name)
    }

    fn to_json(&self) -> String {
        json!({ "apiVersion": "v1", "kind": "List", "items": self.items }).to_string()
    }
}

/// RFC 7386 merge patch.
fn merge_patch(target: &mut Value, patch: &Value) {
    match patch {
        Value::Object(p) => {
            if !target.is_object() {
                *target = Value::Object(Map::new());
            }
            let t = target.as_object_mut().unwrap();
            for (k, v) in p {
                if v.is_null() {
                    t.remove(k);
                } else {
                    merge_patch(t.entry(k.clone()).or_insert(Value::Null), v);
                }
            }
        }
        other => *target = other.clone(),
    }
}

/// Server-side apply of a partial object: maps merge, lists of named items merge by
/// name (containers, env), other lists are replaced.
fn apply_merge(target: &mut Value, patch: &Value) {
    match (target, patch) {
        (Value::Object(t), Value::Object(p)) => {
            for (k, v) in p {
                apply_merge(t.entry(k.clone()).or_insert(Value::Null), v);
            }
        }
        (Value::Array(t), Value::Array(p)) if p.iter().all(|i| i["name"].is_string()) => {
            for item in p {
                match t.iter_mut().find(|x| x["name"] == item["name"]) {
                    Some(existing) => apply_merge(existing, item),
                    None => t.push(item.clone()),
                }
            }
        }
        (t, p) => *t = p.clone(),
    }
}

/// tigera-operator's pool controller and node render (tigera/operator
/// `pkg/controller/ippool`, `pkg/render/node.go`): the Installation's pools become IPPools
/// it owns; calico-node takes the Installation's affinity.
fn operator_reconciles(live: &mut Live) {
    let Some(inst) = live.find("Installation", "default").cloned() else {
        return;
    };
    let entries = inst["spec"]["calicoNetwork"]["ipPools"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    live.items.retain(|o| {
        !(o["kind"] == "IPPool"
            && o["metadata"]["labels"]["app.kubernetes.io/managed-by"] == "tigera-operator"
            && !entries.iter().any(|e| e["name"] == o["metadata"]["name"]))
    });
    for e in &entries {
        let (ipip, vxlan) = match e["encapsulation"].as_str().unwrap_or("IPIP") {
            "IPIP" => ("Always", "Never"),
            "IPIPCrossSubnet" => ("CrossSubnet", "Never"),
            "VXLAN" => ("Never", "Always"),
            "VXLANCrossSubnet" => ("Never", "CrossSubnet"),
            _ => ("Never", "Never"),
        };
        let spec = json!({
            "cidr": e["cidr"], "blockSize": e["blockSize"], "ipipMode": ipip, "vxlanMode": vxlan,
            "natOutgoing": e["natOutgoing"] != "Disabled", "nodeSelector": e["nodeSelector"],
            "disabled": e["disableNewAllocations"] == true,
        });
        let name = e["name"].as_str().unwrap();
        match live.find("IPPool", name) {
            Some(pool) => pool["spec"] = spec,
            None => live.items.push(json!({
                "apiVersion": "crd.projectcalico.org/v1", "kind": "IPPool",
                "metadata": { "name": name, "labels": { "app.kubernetes.io/managed-by": "tigera-operator" } },
                "spec": spec,
            })),
        }
    }
    let affinity =
        inst["spec"]["calicoNodeDaemonSet"]["spec"]["template"]["spec"]["affinity"].clone();
    if let Some(ds) = live.find("DaemonSet", "calico-node") {
        ds["spec"]["template"]["spec"]["affinity"] = affinity;
    }
}

/// The chart's rendering of the Cilium values the plan changes (cilium-configmap.yaml).
fn cilium_renders(live: &mut Live, values: &Value) {
    let str_of = |v: &Value| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let mut data = Map::new();
    for (value, key) in [
        ("/routingMode", "routing-mode"),
        ("/tunnelProtocol", "tunnel-protocol"),
        ("/autoDirectNodeRoutes", "auto-direct-node-routes"),
        (
            "/directRoutingSkipUnreachable",
            "direct-routing-skip-unreachable",
        ),
        ("/ipv4NativeRoutingCIDR", "ipv4-native-routing-cidr"),
        ("/ipv6NativeRoutingCIDR", "ipv6-native-routing-cidr"),
        ("/ipam/mode", "ipam"),
        (
            "/ipam/operator/clusterPoolIPv4MaskSize",
            "cluster-pool-ipv4-mask-size",
        ),
        ("/ipv6/enabled", "enable-ipv6"),
        ("/enableIPv4Masquerade", "enable-ipv4-masquerade"),
    ] {
        if let Some(v) = values.pointer(value) {
            data.insert(key.into(), Value::String(str_of(v)));
        }
    }
    if values.pointer("/bgpControlPlane/enabled") == Some(&json!(true)) {
        data.insert("enable-bgp-control-plane".into(), json!("true"));
    }
    if let Some(list) = values.pointer("/ipam/operator/clusterPoolIPv4PodCIDRList") {
        let cidrs: Vec<&str> = list
            .as_array()
            .unwrap()
            .iter()
            .filter_map(Value::as_str)
            .collect();
        data.insert("cluster-pool-ipv4-cidr".into(), json!(cidrs.join(" ")));
    }
    let cm = live.find("ConfigMap", "cilium-config").unwrap();
    apply_merge(&mut cm["data"], &Value::Object(data));
    if let Some(affinity) = values.get("affinity") {
        live.find("DaemonSet", "cilium").unwrap()["spec"]["template"]["spec"]["affinity"] =
            affinity.clone();
    }
}

/// Applies the plan's files in order, as their commands do.
fn apply(plan: &hybridplan::Plan, live: &mut Live) {
    for m in &plan.manifests {
        let docs: Vec<Value> = serde_saphyr::from_str_multiple(&m.yaml).unwrap();
        for doc in docs {
            let kind = doc["kind"].as_str().unwrap_or_default().to_owned();
            let name = name_of(&doc).to_owned();
            if m.apply.starts_with("calicoctl apply") {
                match live.find(&kind, &name) {
                    Some(o) => o["spec"] = doc["spec"].clone(),
                    None => live.items.push(json!({
                        "apiVersion": "crd.projectcalico.org/v1", "kind": kind,
                        "metadata": { "name": name }, "spec": doc["spec"],
                    })),
                }
            } else if m.apply.starts_with("kubectl apply --server-side") {
                let o = live
                    .find(&kind, &name)
                    .unwrap_or_else(|| panic!("{}: no {kind} {name} to patch", m.file));
                apply_merge(o, &doc);
            } else if m.apply.starts_with("kubectl patch") {
                let o = live.find(&kind, &name).unwrap();
                merge_patch(o, &doc);
            } else if m.apply.starts_with("kubectl apply -f") {
                live.items
                    .retain(|o| !(o["kind"] == kind.as_str() && name_of(o) == name));
                live.items.push(doc);
            } else if m.apply.starts_with("helm upgrade cilium") {
                cilium_renders(live, &doc);
            } else if m.apply.starts_with("helm upgrade calico") {
                // The chart renders `installation` as the Installation's spec; Helm merges
                // maps with the release's values and replaces lists.
                let inst = live.find("Installation", "default").unwrap();
                merge_patch(&mut inst["spec"], &doc["installation"]);
            } else {
                panic!("{}: no simulation for {}", m.file, m.apply);
            }
        }
        operator_reconciles(live);
    }
    // The step that hands each ECS node over to Terway: Calico's addresses leave its Node.
    if plan
        .steps
        .iter()
        .any(|s| s.title.starts_with("Hand each ECS node over"))
    {
        for node in live.items.iter_mut().filter(|o| {
            o["kind"] == "Node" && o["metadata"]["labels"]["alibabacloud.com/external"] == "true"
        }) {
            if let Some(notes) = node["metadata"]["annotations"].as_object_mut() {
                notes.retain(|k, _| !k.starts_with("projectcalico.org/IPv"));
            }
        }
    }
    // The step after the BGP peers when the spec names no route reflector: label and
    // annotate as many DC nodes as the plan needs.
    let wanted = plan.mode.route_reflectors as usize;
    let labelled = live
        .items
        .iter()
        .filter(|o| o["kind"] == "Node" && o["metadata"]["labels"]["route-reflector"] == "true")
        .count();
    if wanted > 0 && labelled == 0 {
        for node in live
            .items
            .iter_mut()
            .filter(|o| {
                o["kind"] == "Node"
                    && o["metadata"]["labels"]["alibabacloud.com/external"].is_null()
            })
            .take(wanted)
        {
            node["metadata"]["labels"]["route-reflector"] = json!("true");
            node["metadata"]["annotations"]["projectcalico.org/RouteReflectorClusterID"] =
                json!("244.0.0.1");
        }
    }
}

#[test]
fn every_fixture_imports_plans_and_diffs_clean_once_the_plan_is_applied() {
    let cases = cases();
    assert!(cases.len() >= 8, "{} fixtures", cases.len());
    let mut failures = Vec::new();
    for (name, base, text) in cases {
        let imported = hybridplan::import(&text, Some(&base.to_string())).unwrap();
        let spec = hybridplan::HybridCluster::from_json(&imported.spec.to_string()).unwrap();
        let plan = hybridplan::plan(&spec);
        assert!(!plan.has_errors(), "{name}: {:?}", plan.diagnostics);
        let mut live = Live {
            items: serde_json::from_str::<Value>(&text).unwrap()["items"]
                .as_array()
                .unwrap()
                .clone(),
        };
        apply(&plan, &mut live);
        let drift = hybridplan::diff(&spec, &live.to_json()).unwrap();
        if !drift.in_sync {
            failures.push(format!(
                "{name}: after the plan, {}",
                hybridplan::report::render_drift(&drift)
            ));
        }
        // The cluster as planned imports as the same spec: the plan's end state is one
        // import reads back.
        let again = hybridplan::import(&live.to_json(), Some(&base.to_string())).unwrap();
        for key in ["podCidr", "serviceCidr", "nodes", "asNumber", "cni"] {
            let (before, after) = (&imported.spec["onPrem"][key], &again.spec["onPrem"][key]);
            if key == "cni" {
                for k in ["plugin", "install", "version"] {
                    if before[k] != after[k] {
                        failures.push(format!("{name}: cni.{k} {} then {}", before[k], after[k]));
                    }
                }
            } else if !before.is_null() && before != after {
                failures.push(format!("{name}: {key} {before} then {after}"));
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}
