//! Terway's settings against its planned parameters: `eni-config`'s `eni_conf` (pod
//! vSwitches per zone, security groups, Service CIDR, IP stack) and each node pool's
//! dynamic config.

use super::Compare;
use crate::facts;
use crate::spec::IpFamily;
use crate::terway::TerwayComponent;
use serde_json::Value;

pub(super) fn compare(c: &mut Compare, component: &TerwayComponent) {
    let cm = c
        .cluster
        .find("ConfigMap", Some("kube-system"), facts::TERWAY_CONFIGMAP);
    let at = cm.map_or_else(
        || format!("no ConfigMap kube-system/{}", facts::TERWAY_CONFIGMAP),
        |o| format!("{} data.eni_conf", o.display()),
    );
    let conf: Value = cm
        .and_then(|o| o.data("eni_conf"))
        .and_then(|t| serde_json::from_str(t).ok())
        .unwrap_or(Value::Null);
    let spec = c.spec;
    let plan_at = "/cloud (the Terway component's parameters)";
    for zone in &spec.cloud.zones {
        let mut want: Vec<&str> = zone.pod_vswitches.iter().map(|v| v.id.as_str()).collect();
        if want.is_empty() {
            continue;
        }
        want.sort_unstable();
        let mut have: Vec<&str> = conf["vswitches"][&zone.zone]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        have.sort_unstable();
        c.check(
            format!("Terway pod vSwitches in {}", zone.zone),
            Some(want.join(", ")),
            (!have.is_empty()).then(|| have.join(", ")),
            plan_at,
            format!("{at} vswitches.{}", zone.zone),
        );
    }
    let mut groups: Vec<&str> = conf["security_groups"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .chain(conf["security_group"].as_str().filter(|s| !s.is_empty()))
        .collect();
    groups.sort_unstable();
    groups.dedup();
    let mut want: Vec<&str> = spec
        .cloud
        .security_groups
        .iter()
        .map(String::as_str)
        .collect();
    want.sort_unstable();
    c.check(
        "Terway security groups",
        Some(want.join(", ")),
        Some(groups.join(", ")),
        plan_at,
        format!("{at} security_groups"),
    );
    let services: Vec<String> = spec
        .on_prem
        .service_cidrs
        .iter()
        .map(|s| s.cidr.to_string())
        .collect();
    c.check(
        "Terway Service CIDR",
        Some(services.join(",")),
        conf["service_cidr"].as_str().map(str::to_owned),
        plan_at,
        format!("{at} service_cidr"),
    );
    if spec.ip_family == IpFamily::Dual {
        c.check(
            "Terway IP stack",
            Some("dual".into()),
            conf["ip_stack"].as_str().map(str::to_owned),
            "eni_conf merge patch (the plan's steps)",
            format!("{at} ip_stack"),
        );
    }
    for pool in &component.node_pools {
        let live = c
            .cluster
            .find("ConfigMap", Some("kube-system"), &pool.config_map);
        let planned: Value = serde_json::from_str(&pool.eni_conf).unwrap_or(Value::Null);
        let have: Option<Value> = live
            .and_then(|o| o.data("eni_conf"))
            .and_then(|t| serde_json::from_str(t).ok());
        let file = c.file_of("ConfigMap", &pool.config_map, "/cloud/nodePools");
        c.check(
            format!("Terway config of node pool {}", pool.name),
            Some(planned.to_string()),
            have.map(|v| v.to_string()),
            file,
            live.map_or_else(
                || format!("no ConfigMap kube-system/{}", pool.config_map),
                |o| format!("{} data.eni_conf", o.display()),
            ),
        );
    }
}
