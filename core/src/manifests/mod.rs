//! Manifests: the Kubernetes, Calico and Cilium resources an operator applies for the
//! selected mode, as numbered files in the order to apply them.
//!
//! Objects are built as JSON values and written as YAML with every string quoted, so an
//! address can never be read as anything else. The output is stable: maps
//! are ordered by key, lists follow the spec.

mod calico;
mod cilium;
mod flannel;
mod terway;
pub(crate) mod yaml;

pub(crate) use calico::operator_pool_list;
pub(crate) use cilium::native_routing_cidr;

use crate::addressing::Addressing;
use crate::changes::Change;
use crate::cidr::{Cidr, Family};
use crate::facts;
use crate::installed::InstalledCni;
use crate::installed::pools::PoolPlan;
use crate::mode::ModeDecision;
use crate::spec::{HybridCluster, NetworkMode, SpecCidr};
use crate::terway::TerwayComponent;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use yaml::to_yaml;

/// One file to apply: multi-document YAML for `kubectl` or `calicoctl`, or a Helm values
/// file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Manifest {
    /// `calico`, `terway`, `flannel` or `cilium`.
    pub component: String,
    /// File name to write it under (`--out DIR`); the number gives the order to apply.
    pub file: String,
    /// The command that applies it, run where the file is.
    pub apply: String,
    /// The file's text.
    pub yaml: String,
}

/// What the builders read.
pub(crate) struct Context<'a> {
    pub spec: &'a HybridCluster,
    pub mode: &'a ModeDecision,
    /// The CNI that runs today, which the files change.
    pub installed: &'a InstalledCni,
    /// Calico's pools, live and planned (Calico modes).
    pub pools: Option<&'a PoolPlan>,
    pub addressing: &'a Addressing,
    pub terway: Option<&'a TerwayComponent>,
}

/// What [`build`] makes.
pub(crate) struct Built {
    pub manifests: Vec<Manifest>,
    /// The changes they make to live objects, in the order applied.
    pub changes: Vec<Change>,
    /// Every object written, with the file it is in.
    pub documents: Vec<(String, Value)>,
}

/// The manifests of a plan whose spec has no errors, the changes they make to live
/// objects, and the objects they hold.
pub(crate) fn build(ctx: &Context) -> Built {
    let mut files = Vec::new();
    match ctx.mode.selected {
        NetworkMode::CalicoRouteReflector | NetworkMode::CalicoIpip => {
            calico::files(ctx, &mut files)
        }
        NetworkMode::FlannelVxlan => flannel::files(ctx, &mut files),
        NetworkMode::CiliumVxlan | NetworkMode::CiliumBgp => cilium::files(ctx, &mut files),
    }
    if let Some(component) = ctx.terway {
        terway::files(ctx, component, &mut files);
    }
    let total = files.len();
    let mut changes = Vec::new();
    let mut documents = Vec::new();
    let manifests = files
        .into_iter()
        .enumerate()
        .map(|(i, f)| f.render(ctx, i + 1, total, &mut changes, &mut documents))
        .collect();
    Built {
        manifests,
        changes,
        documents,
    }
}

impl Context<'_> {
    fn name(&self) -> &str {
        &self.spec.name
    }

    /// What today's values are known from when the spec does not list them.
    fn default_install(&self) -> String {
        format!(
            "a default {} install of {} {} (assumed or not listed in the spec)",
            self.installed.install.as_str(),
            self.installed.plugin,
            self.installed.version
        )
    }

    /// The ECS nodes run Terway, so the DC's CNI stays off them; otherwise the DC's
    /// overlay runs on both sides.
    fn terway(&self) -> bool {
        self.mode.cloud_cni == crate::mode::Cni::Terway
    }

    /// The node ranges the CNI's nodes have addresses in: the DC's, and the ECS nodes'
    /// vSwitches when the overlay spans both sides.
    fn node_ranges(&self, family: Family) -> Vec<Cidr> {
        let mut ranges = Self::of(&self.spec.on_prem.node_cidrs, family);
        if !self.terway() {
            for zone in &self.spec.cloud.zones {
                for v in &zone.node_vswitches {
                    ranges.extend(
                        [Some(v.cidr), v.ipv6_cidr]
                            .into_iter()
                            .flatten()
                            .filter(|c| c.family() == family),
                    );
                }
            }
        }
        ranges
    }

    /// The labels every object carries: made by hybridplan, from this spec.
    fn labels(&self) -> Value {
        json!({
            "app.kubernetes.io/managed-by": "hybridplan",
            "hybridplan.io/spec": self.name(),
        })
    }

    /// `metadata` with the common labels plus `extra` labels.
    fn metadata(&self, name: &str, namespace: Option<&str>, extra: &[(&str, &str)]) -> Value {
        let mut labels = self.labels();
        for (k, v) in extra {
            labels[*k] = json!(v);
        }
        let mut meta = json!({ "name": name, "labels": labels });
        if let Some(ns) = namespace {
            meta["namespace"] = json!(ns);
        }
        meta
    }

    /// A cluster-scoped resource with a `spec`, labelled like every object.
    fn resource(
        &self,
        api_version: &str,
        kind: &str,
        name: &str,
        extra: &[(&str, &str)],
        spec: Value,
    ) -> Value {
        json!({
            "apiVersion": api_version,
            "kind": kind,
            "metadata": self.metadata(name, None, extra),
            "spec": spec,
        })
    }

    /// The prefixes of `family` in a spec list.
    fn of(list: &[SpecCidr], family: Family) -> Vec<Cidr> {
        list.iter()
            .map(|c| c.cidr)
            .filter(|c| c.family() == family)
            .collect()
    }

    fn families(&self) -> Vec<Family> {
        match self.spec.ip_family {
            crate::spec::IpFamily::Ipv4 => vec![Family::V4],
            crate::spec::IpFamily::Dual => vec![Family::V4, Family::V6],
        }
    }

    /// The per-node subnet length the address budget chose for `family`.
    fn node_subnet_len(&self, family: Family) -> Option<u8> {
        self.addressing
            .dc_pods
            .iter()
            .find(|b| b.family == family)
            .map(|b| b.unit_prefix_length)
    }
}

/// How a file is applied.
#[derive(Clone)]
enum Apply {
    /// `calicoctl apply -f`: creates an object, or replaces the spec of the one of that
    /// name.
    Calicoctl,
    /// `kubectl apply -f`.
    Kubectl,
    /// A partial object: `kubectl apply --server-side` merges it into the live object.
    Patch,
    /// One partial object as a JSON merge patch (RFC 7386): `kubectl patch RESOURCE NAME
    /// --type merge --patch-file`; lists in it replace the live lists whole.
    MergePatch {
        resource: &'static str,
        name: String,
    },
    /// A Helm values file for `helm upgrade --reuse-values` of the release that runs:
    /// `RELEASE CHART --version V --namespace NS`.
    HelmValues(String),
}

/// A file before it is numbered and written.
struct File {
    component: &'static str,
    /// Name without the order number.
    name: String,
    /// What the file does, one or more comment lines.
    about: Vec<String>,
    apply: Apply,
    docs: Vec<Value>,
    /// The changes it makes to live objects.
    changes: Vec<Change>,
}

impl File {
    fn new(component: &'static str, name: &str, apply: Apply, about: &[&str]) -> Self {
        File {
            component,
            name: name.to_owned(),
            about: about.iter().map(|s| (*s).to_owned()).collect(),
            apply,
            docs: Vec::new(),
            changes: Vec::new(),
        }
    }

    fn render(
        self,
        ctx: &Context,
        step: usize,
        total: usize,
        changes: &mut Vec<Change>,
        documents: &mut Vec<(String, Value)>,
    ) -> Manifest {
        let file = format!("{step:02}-{}", self.name);
        let mut text = format!(
            "# Generated by hybridplan from spec \"{}\": mode {}, for {} {} ({} install).\n# Change the spec and plan again rather than editing this file.\n",
            ctx.spec.name,
            ctx.mode.selected,
            ctx.installed.plugin,
            ctx.installed.version,
            ctx.installed.install.as_str(),
        );
        let how = match &self.apply {
            Apply::Calicoctl => format!("calicoctl apply -f {file}"),
            Apply::Kubectl => format!("kubectl apply -f {file}"),
            Apply::Patch => format!(
                "kubectl apply --server-side --field-manager=hybridplan --force-conflicts -f {file}"
            ),
            Apply::MergePatch { resource, name } => {
                format!("kubectl patch {resource} {name} --type merge --patch-file {file}")
            }
            Apply::HelmValues(release) => {
                format!("helm upgrade {release} --reuse-values -f {file}")
            }
        };
        text.push_str(&format!("# Step {step} of {total}. Apply with: {how}\n"));
        for line in &self.about {
            text.push_str(&format!("# {line}\n"));
        }
        if matches!(self.apply, Apply::Patch | Apply::MergePatch { .. }) {
            // Read by the manifest validator: judge these as partial objects.
            text.push_str("# validate-manifests: partial\n");
        }
        for doc in &self.docs {
            text.push_str("---\n");
            text.push_str(&to_yaml(doc));
        }
        documents.extend(self.docs.into_iter().map(|d| (file.clone(), d)));
        for mut change in self.changes {
            change.by = file.clone();
            changes.push(change);
        }
        Manifest {
            component: self.component.to_owned(),
            file,
            apply: how,
            yaml: text,
        }
    }
}

/// Compact JSON for a file embedded in a ConfigMap.
fn json_text(value: &Value) -> String {
    value.to_string()
}

/// A required node-affinity term list: every `(key, operator, values)` must hold.
fn node_affinity(terms: &[(&str, &str, &[&str])]) -> Value {
    let expressions: Vec<Value> = terms
        .iter()
        .map(|(key, op, values)| json!({ "key": key, "operator": op, "values": values }))
        .collect();
    json!({
        "nodeAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": {
                "nodeSelectorTerms": [{ "matchExpressions": expressions }]
            }
        }
    })
}

/// The affinity that keeps a DC CNI DaemonSet off ECS nodes (NotIn also matches nodes
/// without the label).
fn dc_only_affinity() -> Value {
    node_affinity(&[
        (facts::ECS_NODE_LABEL, "NotIn", &["true"]),
        ("kubernetes.io/os", "In", &["linux"]),
    ])
}

/// A partial DaemonSet that sets the pod template's affinity (and optionally a container's
/// environment).
fn daemonset_patch(
    ctx: &Context,
    name: &str,
    namespace: &str,
    affinity: Option<Value>,
    container: Option<Value>,
) -> Value {
    let mut pod = json!({});
    if let Some(affinity) = affinity {
        pod["affinity"] = affinity;
    }
    if let Some(c) = container {
        pod["containers"] = json!([c]);
    }
    json!({
        "apiVersion": "apps/v1",
        "kind": "DaemonSet",
        "metadata": ctx.metadata(name, Some(namespace), &[]),
        "spec": { "template": { "spec": pod } },
    })
}

fn strings(cidrs: &[Cidr]) -> Vec<String> {
    cidrs.iter().map(ToString::to_string).collect()
}
