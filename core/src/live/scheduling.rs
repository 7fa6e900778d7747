//! Whether a pod template schedules onto a node with given labels: its `nodeSelector` and
//! its required node affinity, as the Kubernetes scheduler reads them (terms ORed,
//! expressions within a term ANDed; an empty term matches no node; `NotIn` and
//! `DoesNotExist` match a node without the label). Taints are not weighed: the CNI
//! DaemonSets tolerate every taint.

use serde_json::Value;
use std::collections::BTreeMap;

/// `template` is a pod spec (`spec.template.spec` of a DaemonSet).
pub fn runs_on(pod: &Value, labels: &BTreeMap<&str, &str>) -> bool {
    if let Some(selector) = pod["nodeSelector"].as_object() {
        let all = selector.iter().all(|(k, v)| {
            v.as_str()
                .is_some_and(|v| labels.get(k.as_str()) == Some(&v))
        });
        if !all {
            return false;
        }
    }
    let required =
        &pod["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"];
    let Some(terms) = required["nodeSelectorTerms"].as_array() else {
        return true;
    };
    terms.iter().any(|t| term(t, labels))
}

fn term(term: &Value, labels: &BTreeMap<&str, &str>) -> bool {
    let exprs = term["matchExpressions"]
        .as_array()
        .map_or(&[][..], Vec::as_slice);
    let fields = term["matchFields"].as_array().map_or(0, Vec::len);
    if exprs.is_empty() && fields == 0 {
        return false;
    }
    exprs.iter().all(|e| expression(e, labels))
}

fn expression(e: &Value, labels: &BTreeMap<&str, &str>) -> bool {
    let key = e["key"].as_str().unwrap_or_default();
    let values: Vec<&str> = e["values"]
        .as_array()
        .map(|v| v.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let label = labels.get(key).copied();
    let number = |s: &str| s.parse::<i64>().ok();
    match e["operator"].as_str().unwrap_or_default() {
        "In" => label.is_some_and(|l| values.contains(&l)),
        "NotIn" => label.is_none_or(|l| !values.contains(&l)),
        "Exists" => label.is_some(),
        "DoesNotExist" => label.is_none(),
        "Gt" => {
            matches!((label.and_then(number), values.first().and_then(|v| number(v))), (Some(l), Some(v)) if l > v)
        }
        "Lt" => {
            matches!((label.and_then(number), values.first().and_then(|v| number(v))), (Some(l), Some(v)) if l < v)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn node(pairs: &[(&'static str, &'static str)]) -> BTreeMap<&'static str, &'static str> {
        pairs.iter().copied().collect()
    }

    #[test]
    fn affinity_as_the_scheduler_reads_it() {
        let pod = json!({
            "nodeSelector": { "kubernetes.io/os": "linux" },
            "affinity": { "nodeAffinity": { "requiredDuringSchedulingIgnoredDuringExecution": {
                "nodeSelectorTerms": [{ "matchExpressions": [
                    { "key": "alibabacloud.com/external", "operator": "NotIn", "values": ["true"] }
                ] }]
            } } }
        });
        assert!(runs_on(&pod, &node(&[("kubernetes.io/os", "linux")])));
        assert!(!runs_on(
            &pod,
            &node(&[
                ("kubernetes.io/os", "linux"),
                ("alibabacloud.com/external", "true")
            ])
        ));
        assert!(!runs_on(&pod, &node(&[])), "nodeSelector unmet");
        let empty_term = json!({ "affinity": { "nodeAffinity": { "requiredDuringSchedulingIgnoredDuringExecution": {
            "nodeSelectorTerms": [{}] } } } });
        assert!(!runs_on(&empty_term, &node(&[])));
        assert!(runs_on(&json!({}), &node(&[])));
    }
}
