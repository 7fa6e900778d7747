//! # hybridplan
//!
//! Plans the network of a hybrid Kubernetes cluster: a data-center cluster (Calico, Flannel
//! or Cilium) registered with Alibaba Cloud ACK, extended with ECS nodes (Terway) over
//! Express Connect, a VBR and a CEN. One declarative [`HybridCluster`] spec in, one [`Plan`]
//! out: every problem as a [`Diagnostic`] with a stable [`Code`] and a JSON Pointer, the
//! network mode and why, the address budget, routing, manifests and connectivity checks.
//!
//! ```
//! let plan = hybridplan::Plan::from_yaml(hybridplan::REFERENCE_SPEC).unwrap();
//! assert_eq!(plan.mode.selected.as_str(), "calico-route-reflector");
//! assert!(!plan.has_errors());
//! ```
//!
//! The core does no I/O and builds for `wasm32-unknown-unknown`.

#![warn(missing_docs)]

pub mod addressing;
pub mod changes;
// Prefix arithmetic and parsing the bindings and tests use; the API is [`Cidr`].
#[doc(hidden)]
pub mod cidr;
mod diagnostic;
pub mod drift;
mod error;
mod facts;
pub mod import;
pub mod installed;
mod live;
pub mod lpm;
pub mod manifests;
pub mod mode;
pub mod render;
pub mod report;
pub mod routing;
mod rules;
pub mod spec;
pub mod steps;
pub mod terway;

pub use cidr::{Cidr, CidrError, Family};
pub use diagnostic::{Code, Diagnostic, Severity};
pub use drift::{DiffError, Drift, diff};
pub use error::SpecError;
pub use import::{ImportError, Imported, import};
pub use live::LiveError;
pub use lpm::RouteTable;
pub use routing::{Device, Endpoint, Trace, trace, trace_endpoints, trace_failed};
pub use spec::{HybridCluster, NetworkMode};

use serde::{Deserialize, Serialize};

/// The built-in reference scenario: the example network of the Alibaba Cloud document on
/// hybrid clusters. `hybridplan plan` with no spec plans this.
pub const REFERENCE_SPEC: &str = include_str!("../data/reference.yaml");

/// The built-in reference scenario, read.
pub fn reference() -> HybridCluster {
    // The embedded text is tested to parse; planning never panics on it.
    HybridCluster::from_yaml(REFERENCE_SPEC).unwrap_or_else(|e| unreachable!("reference spec: {e}"))
}

/// The plan for one spec. All keys are always present.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Plan {
    /// Every problem found, errors first.
    pub diagnostics: Vec<Diagnostic>,
    /// The network mode chosen for the DC side, why, and every candidate ranked.
    pub mode: mode::ModeDecision,
    /// The DC's CNI as it runs today, which the manifests change.
    pub cni: installed::InstalledCni,
    /// The address budget: every range with its size, and what is too small.
    pub addressing: addressing::Addressing,
    /// The route table of every hop, the BGP sessions, and what the DC advertises to the
    /// VBR.
    pub routing: routing::Routing,
    /// What the security groups and the DC's firewalls must let through across Express
    /// Connect, each with why.
    pub flows: Vec<routing::Flow>,
    /// Empty while any error diagnostic stands.
    pub manifests: Vec<manifests::Manifest>,
    /// Each change the manifests make to a live object, before and after, in the order
    /// they are applied.
    pub changes: Vec<changes::Change>,
    /// Terway as the ACK component of the registered cluster (routed modes): its
    /// parameters, and the per-node-pool configs.
    pub terway: Option<terway::TerwayComponent>,
    /// What to do, in order, on each side: what the manifests and the route tables need
    /// beyond themselves.
    pub steps: Vec<steps::Step>,
    /// The checks to run after rollout, each with the path a packet takes.
    pub connectivity: Vec<routing::Check>,
}

impl Plan {
    /// Reads a spec from JSON and plans it.
    pub fn from_json(text: &str) -> Result<Plan, SpecError> {
        HybridCluster::from_json(text).map(|s| plan(&s))
    }

    /// Reads a spec from YAML and plans it.
    pub fn from_yaml(text: &str) -> Result<Plan, SpecError> {
        HybridCluster::from_yaml(text).map(|s| plan(&s))
    }

    /// Reads a spec from JSON or YAML (detected) and plans it.
    pub fn from_text(text: &str) -> Result<Plan, SpecError> {
        HybridCluster::from_text(text).map(|s| plan(&s))
    }

    /// Reads a spec from bytes (UTF-8 JSON or YAML, detected) and plans it.
    pub fn from_bytes(bytes: &[u8]) -> Result<Plan, SpecError> {
        HybridCluster::from_bytes(bytes).map(|s| plan(&s))
    }

    /// Whether any diagnostic is an error (the plan then has no manifests).
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// The error diagnostics.
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| d.is_error())
    }
}

/// What every entry point computes first: the diagnostics, the mode, the budget and the
/// routes (whose limits are diagnostics too).
struct Analysis {
    diagnostics: Vec<Diagnostic>,
    mode: mode::ModeDecision,
    installed: installed::InstalledCni,
    pools: Option<installed::pools::PoolPlan>,
    addressing: addressing::Addressing,
    routing: routing::Routing,
}

fn analyse(spec: &HybridCluster) -> Analysis {
    let mut diagnostics = rules::check(spec);
    let (mode, mode_diagnostics) = mode::select(spec);
    diagnostics.extend(mode_diagnostics);
    let (installed, cni_diagnostics) = installed::resolve(spec, &mode);
    diagnostics.extend(cni_diagnostics);
    let pools = installed::pools::plan(spec, &mode, &installed, &mut diagnostics);
    diagnostics.extend(terway::check(spec, &mode));
    let (mut addressing, budget_diagnostics) = addressing::budget(spec, &mode);
    diagnostics.extend(budget_diagnostics);
    if let Some(pools) = &pools {
        addressing.ranges.extend(pool_ranges(pools));
    }
    let (routing, routing_diagnostics) = routing::build(spec, &mode, &addressing);
    diagnostics.extend(routing_diagnostics);
    // Errors first, then warnings, then notes; in rule order within each. A stable
    // partition rather than a sort: the same order, in less code for the browser build.
    let mut ordered = Vec::with_capacity(diagnostics.len());
    for severity in [Severity::Error, Severity::Warning, Severity::Info] {
        ordered.extend(diagnostics.extract_if(.., |d| d.severity() == severity));
    }
    ordered.append(&mut diagnostics);
    Analysis {
        diagnostics: ordered,
        mode,
        installed,
        pools,
        addressing,
        routing,
    }
}

/// The pools outside the planned ranges that the rollout passes through: live pools pods
/// move off, and temporary pools.
fn pool_ranges(pools: &installed::pools::PoolPlan) -> Vec<addressing::RangeBudget> {
    let range = |role, cidr: Cidr, path: String, name: &str| addressing::RangeBudget {
        role,
        cidr,
        path,
        id: Some(name.to_owned()),
        addresses: addressing::Count::from(cidr.addresses_saturating()),
        usable: addressing::Count::from(cidr.addresses_saturating()),
    };
    let mut out: Vec<addressing::RangeBudget> = pools
        .migrations
        .iter()
        .filter(|m| matches!(m.kind, installed::pools::MigrationKind::Cidr))
        .map(|m| {
            let live = &pools.live[m.from];
            range(
                spec::Role::LivePool,
                live.cidr,
                pools.live_path(m.from).unwrap_or_default(),
                &live.name,
            )
        })
        .collect();
    out.extend(
        pools
            .temporary
            .iter()
            .map(|t| range(spec::Role::TemporaryPool, t.cidr, String::new(), &t.name)),
    );
    out
}

/// Every problem of a spec, errors first.
pub fn validate(spec: &HybridCluster) -> Vec<Diagnostic> {
    analyse(spec).diagnostics
}

/// Plans a spec. Never fails: problems are diagnostics in the plan.
pub fn plan(spec: &HybridCluster) -> Plan {
    planned(spec).plan
}

/// A plan with what it was made from, for the checks that compare it with a cluster.
pub(crate) struct Planned {
    pub plan: Plan,
    pub pools: Option<installed::pools::PoolPlan>,
    /// Every object the manifests hold, with its file.
    pub documents: Vec<(String, serde_json::Value)>,
}

pub(crate) fn planned(spec: &HybridCluster) -> Planned {
    let Analysis {
        diagnostics,
        mode,
        installed,
        pools,
        addressing,
        routing,
    } = analyse(spec);
    let connectivity = routing::connectivity(spec, &mode, &routing);
    let flows = routing::flows(spec, &mode);
    let terway = terway::component(spec, &mode);
    let built = if diagnostics.iter().any(Diagnostic::is_error) {
        manifests::Built {
            manifests: Vec::new(),
            changes: Vec::new(),
            documents: Vec::new(),
        }
    } else {
        manifests::build(&manifests::Context {
            spec,
            mode: &mode,
            installed: &installed,
            pools: pools.as_ref(),
            addressing: &addressing,
            terway: terway.as_ref(),
        })
    };
    let steps = steps::steps(&steps::Inputs {
        spec,
        mode: &mode,
        installed: &installed,
        pools: pools.as_ref(),
        addressing: &addressing,
        routing: &routing,
        manifests: &built.manifests,
        terway: terway.as_ref(),
    });
    Planned {
        plan: Plan {
            diagnostics,
            mode,
            cni: installed,
            addressing,
            routing,
            flows,
            manifests: built.manifests,
            changes: built.changes,
            terway,
            steps,
            connectivity,
        },
        pools,
        documents: built.documents,
    }
}
