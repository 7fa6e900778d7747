//! `diff`: where the cluster that runs differs from the plan. It compares, object by
//! object, what the plan ends with (pools, BGP configuration, peers, route reflectors, the
//! CNI DaemonSets' scheduling, the CNI's own settings, Terway's) with the live objects, and
//! says where each difference is in the plan and in the cluster.

mod calico;
mod cilium;
mod terway;

use crate::diagnostic::Diagnostic;
use crate::live::{Cluster, LiveError, Object, cni};
use crate::mode::Cni;
use crate::spec::HybridCluster;
use crate::{Planned, facts};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// The result of a comparison.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Drift {
    /// No difference.
    pub in_sync: bool,
    /// Each value the plan and the cluster disagree on.
    pub differences: Vec<Difference>,
}

/// One value the plan and the cluster disagree on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Difference {
    /// What differs.
    pub what: String,
    /// The plan's value; `null`: the plan has no such object.
    pub planned: Option<String>,
    /// The cluster's; `null`: the cluster has no such object.
    pub live: Option<String>,
    /// Where it is in the plan: the manifest file that writes it, or the spec pointer.
    pub plan_at: String,
    /// Where it is in the cluster: the object and field.
    pub cluster_at: String,
}

/// Why no comparison could be made.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DiffError {
    /// The cluster's objects do not read.
    Live(LiveError),
    /// The spec has errors: there is no plan to compare with.
    Spec(Vec<Diagnostic>),
}

impl std::fmt::Display for DiffError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DiffError::Live(e) => e.fmt(f),
            DiffError::Spec(list) => write!(
                f,
                "the spec has {} error(s); there is no plan to compare with",
                list.len()
            ),
        }
    }
}

impl std::error::Error for DiffError {}

impl DiffError {
    /// Every problem, as diagnostics.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        match self {
            DiffError::Live(e) => vec![e.0.clone()],
            DiffError::Spec(list) => list.clone(),
        }
    }
}

/// Compares the plan of `spec` with the cluster whose objects `live` holds.
pub fn diff(spec: &HybridCluster, live: &str) -> Result<Drift, DiffError> {
    let cluster = Cluster::from_json(live).map_err(DiffError::Live)?;
    let planned = crate::planned(spec);
    if planned.plan.has_errors() {
        return Err(DiffError::Spec(planned.plan.errors().cloned().collect()));
    }
    let mut c = Compare {
        spec,
        planned: &planned,
        cluster: &cluster,
        differences: Vec::new(),
    };
    c.cni();
    c.scheduling();
    match planned.plan.cni.plugin {
        Cni::Calico => calico::compare(&mut c),
        Cni::Cilium => cilium::compare(&mut c),
        Cni::Flannel => cilium::flannel(&mut c),
        Cni::Terway => {}
    }
    if let Some(component) = &planned.plan.terway {
        terway::compare(&mut c, component);
    }
    Ok(Drift {
        in_sync: c.differences.is_empty(),
        differences: c.differences,
    })
}

/// The state of one comparison.
pub(crate) struct Compare<'a> {
    pub spec: &'a HybridCluster,
    pub planned: &'a Planned,
    pub cluster: &'a Cluster,
    pub differences: Vec<Difference>,
}

impl<'a> Compare<'a> {
    /// Records a difference when `planned` and `live` differ.
    pub fn check(
        &mut self,
        what: impl Into<String>,
        planned: Option<String>,
        live: Option<String>,
        plan_at: impl Into<String>,
        cluster_at: impl Into<String>,
    ) {
        if planned != live {
            self.differences.push(Difference {
                what: what.into(),
                planned,
                live,
                plan_at: plan_at.into(),
                cluster_at: cluster_at.into(),
            });
        }
    }

    /// The planned objects of `kind`, with the file that writes each.
    pub fn documents(&self, kind: &str) -> Vec<(&'a str, &'a Value)> {
        self.planned
            .documents
            .iter()
            .filter(|(_, d)| d["kind"] == kind)
            .map(|(f, d)| (f.as_str(), d))
            .collect()
    }

    /// The file that writes the object `kind`/`name`, or `fallback` (a spec pointer).
    pub fn file_of(&self, kind: &str, name: &str, fallback: &str) -> String {
        self.planned
            .documents
            .iter()
            .find(|(_, d)| d["kind"] == kind && d["metadata"]["name"] == name)
            .map_or_else(|| fallback.to_owned(), |(f, _)| f.clone())
    }

    /// The CNI that runs, against the one the plan changes.
    fn cni(&mut self) {
        let plan = &self.planned.plan.cni;
        let stated = |key: &str| {
            if plan.assumed {
                format!("/onPrem/cni/{key} (assumed: not in the spec)")
            } else {
                format!("/onPrem/cni/{key}")
            }
        };
        let Some(live) = cni::detect(self.cluster) else {
            self.check(
                "the DC's CNI",
                Some(plan.plugin.to_string()),
                None,
                stated("plugin"),
                "no calico-node, cilium or kube-flannel-ds DaemonSet",
            );
            return;
        };
        let at = live.daemonset.display();
        self.check(
            "the DC's CNI",
            Some(plan.plugin.to_string()),
            Some(live.plugin.to_string()),
            stated("plugin"),
            at.clone(),
        );
        self.check(
            format!("how {} is installed", live.plugin),
            Some(plan.install.as_str().to_owned()),
            Some(live.install.as_str().to_owned()),
            stated("install"),
            live.install_from.clone(),
        );
        if let Some(version) = live.version {
            self.check(
                format!("the {} release", live.plugin),
                Some(plan.version.to_string()),
                Some(version.to_string()),
                stated("version"),
                live.version_from.clone(),
            );
        }
    }

    /// Each CNI DaemonSet on the nodes the plan puts it on: the DC's CNI on DC nodes (and on
    /// ECS nodes where the overlay spans both sides), Terway on ECS nodes only.
    fn scheduling(&mut self) {
        let plan = &self.planned.plan;
        let dc = node_labels(false);
        let ecs = node_labels(true);
        let mut daemonsets: Vec<(&Object, Cni)> = Vec::new();
        if let Some(live) = cni::detect(self.cluster) {
            daemonsets.push((live.daemonset, live.plugin));
        }
        if let Some(t) = self
            .cluster
            .of_kind("DaemonSet")
            .find(|d| d.name == facts::TERWAY_DAEMONSET)
        {
            daemonsets.push((t, Cni::Terway));
        }
        for (ds, cni) in daemonsets {
            let pod = &ds.value["spec"]["template"]["spec"];
            let on_dc = crate::live::runs_on(pod, &dc);
            let on_ecs = crate::live::runs_on(pod, &ecs);
            let (want_dc, want_ecs, plan_at) = if cni == Cni::Terway {
                (false, true, "/cloud (Terway on the ECS nodes)".to_owned())
            } else {
                (true, plan.mode.cloud_cni == cni, self.scheduling_file())
            };
            let describe = |dc: bool, ecs: bool| match (dc, ecs) {
                (true, true) => "DC and ECS nodes",
                (true, false) => "DC nodes only",
                (false, true) => "ECS nodes only",
                (false, false) => "no node",
            };
            self.check(
                format!("where {} runs", ds.display()),
                Some(describe(want_dc, want_ecs).to_owned()),
                Some(describe(on_dc, on_ecs).to_owned()),
                plan_at,
                format!(
                    "{} spec.template.spec (nodeSelector, affinity)",
                    ds.display()
                ),
            );
        }
        if plan.terway.is_some()
            && !self
                .cluster
                .of_kind("DaemonSet")
                .any(|d| d.name == facts::TERWAY_DAEMONSET)
        {
            self.check(
                "Terway on the ECS nodes",
                Some(format!("DaemonSet kube-system/{}", facts::TERWAY_DAEMONSET)),
                None,
                "/cloud (Terway on the ECS nodes)",
                "no terway-eniip DaemonSet: install the Terway component",
            );
        }
    }

    /// The manifest that sets the DC CNI's scheduling.
    fn scheduling_file(&self) -> String {
        self.planned
            .documents
            .iter()
            .find(|(f, _)| {
                f.contains("node-patch")
                    || f.contains("installation-node")
                    || f.contains("cilium-values")
                    || f.contains("flannel")
            })
            .map_or_else(|| "/mode".to_owned(), |(f, _)| f.clone())
    }
}

/// The labels of a Linux node of each side (ECS nodes carry `alibabacloud.com/external`).
fn node_labels(ecs: bool) -> BTreeMap<&'static str, &'static str> {
    let mut labels = BTreeMap::from([
        ("kubernetes.io/os", "linux"),
        ("kubernetes.io/arch", "amd64"),
    ]);
    if ecs {
        labels.insert(facts::ECS_NODE_LABEL, "true");
    }
    labels
}

/// A JSON value as the plan and the cluster show it: strings bare, the rest as JSON.
pub(crate) fn text(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}
