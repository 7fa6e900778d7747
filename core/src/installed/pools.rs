//! Calico IP pools: the pools the plan ends with, each tied to the live pool it changes,
//! and the migrations that a pool's CIDR or block size force.
//!
//! Facts (projectcalico/calico `libcalico-go/lib/clientv3/ippool.go`, every release
//! 3.26-3.32): a pool whose CIDR overlaps another pool's is refused, and a pool's `cidr`
//! and `blockSize` cannot be modified ("IPPool CIDR cannot be modified", "IPPool BlockSize
//! cannot be modified"). Everything else (encapsulation, `natOutgoing`, `nodeSelector`,
//! `disabled`) changes in place, by name.

use super::InstalledCni;
use crate::cidr::{Cidr, Family, subtract_all, summarize};
use crate::diagnostic::{Code, Diagnostic};
use crate::facts;
use crate::mode::{Cni, ModeDecision};
use crate::spec::{CniInstall, EncapMode, ExistingPool, HybridCluster, NetworkMode};

/// docs.tigera.io "Migrate from one IP pool to another".
pub const MIGRATE_POOLS_SOURCE: &str =
    "https://docs.tigera.io/calico/latest/networking/ipam/migrate-pools";
/// docs.tigera.io "Change IP pool block size".
pub const CHANGE_BLOCK_SIZE_SOURCE: &str =
    "https://docs.tigera.io/calico/latest/networking/ipam/change-block-size";

/// What a pool is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PoolRole {
    /// Hands out the DC pods' addresses.
    DcPods,
    /// Disabled, over the cloud ranges: DC pods reach them without SNAT (natOutgoing leaves
    /// destinations inside any pool alone).
    CloudNoSnat,
    /// A live pool the plan leaves as it is.
    Kept,
    /// Holds the pods while their pool is recreated with another block size; deleted at
    /// the end of the migration.
    Temporary,
}

/// One pool of the end state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlannedPool {
    pub name: String,
    pub cidr: Cidr,
    pub block_size: u8,
    pub ipip_mode: EncapMode,
    pub vxlan_mode: EncapMode,
    pub nat_outgoing: bool,
    pub node_selector: String,
    pub disabled: bool,
    pub role: PoolRole,
    /// The live pool it is (index into [`PoolPlan::live`]); `None`: the plan creates it.
    pub live: Option<usize>,
}

/// Pods move off a live pool that cannot become the planned one in place.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Migration {
    /// The live pool pods leave (index into [`PoolPlan::live`]).
    pub from: usize,
    /// The planned pool they end in.
    pub to: String,
    pub kind: MigrationKind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MigrationKind {
    /// Another range: a new pool, then the old one disabled, its pods recreated, deleted.
    Cidr,
    /// The same range with another block size: through a temporary pool (its name), so
    /// every pod restarts twice.
    BlockSize { temporary: String },
}

/// The live pools and the end state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PoolPlan {
    /// The pools the cluster has: from the spec, or a default install's.
    pub live: Vec<ExistingPool>,
    /// Whether `live` comes from the spec (else it is assumed).
    pub live_stated: bool,
    pub pools: Vec<PlannedPool>,
    /// Pools that exist only during a migration.
    pub temporary: Vec<PlannedPool>,
    pub migrations: Vec<Migration>,
}

impl PoolPlan {
    /// The spec pointer of live pool `i`, when the spec lists it.
    pub fn live_path(&self, i: usize) -> Option<String> {
        self.live_stated
            .then(|| format!("/onPrem/cni/existingPools/{i}"))
    }
}

/// Calico's node selector for the nodes that are not ECS nodes (`!=` also matches a node
/// without the label).
pub fn dc_nodes_selector() -> String {
    format!("{} != 'true'", facts::ECS_NODE_LABEL)
}

/// The pools a default install leaves: calico-node creates `default-ipv4-ippool` from its
/// environment (calico.yaml: `CALICO_IPV4POOL_IPIP=Always`, `CALICO_IPV4POOL_VXLAN=Never`,
/// NAT on; IPv6 `CALICO_IPV6POOL_NAT_OUTGOING` defaults to false); tigera-operator from
/// `custom-resources.yaml` (`encapsulation: VXLANCrossSubnet`, `natOutgoing: Enabled`; an
/// IPv6 pool defaults to no encapsulation and no NAT, tigera/operator
/// `pkg/controller/ippool/defaults.go`).
fn default_pools(spec: &HybridCluster, install: CniInstall) -> Vec<ExistingPool> {
    let op = &spec.on_prem;
    let operator = install != CniInstall::Manifest;
    let mut out = Vec::new();
    for (family, name) in [
        (Family::V4, "default-ipv4-ippool"),
        (Family::V6, "default-ipv6-ippool"),
    ] {
        let Some(range) = op.pod_cidrs.iter().find(|c| c.cidr.family() == family) else {
            continue;
        };
        let (ipip_mode, vxlan_mode, nat_outgoing) = match (family, operator) {
            (Family::V4, false) => (EncapMode::Always, EncapMode::Never, true),
            (Family::V4, true) => (EncapMode::Never, EncapMode::CrossSubnet, true),
            (Family::V6, _) => (EncapMode::Never, EncapMode::Never, false),
        };
        out.push(ExistingPool {
            name: name.to_owned(),
            cidr: range.cidr,
            block_size: op.block_size(family),
            ipip_mode,
            vxlan_mode,
            nat_outgoing,
            node_selector: None,
            disabled: false,
        });
    }
    out
}

/// The VPC and the cloud pod vSwitches, less the DC pod ranges (pools must not overlap),
/// as few prefixes as cover exactly that.
pub fn no_snat_ranges(spec: &HybridCluster, family: Family) -> Vec<Cidr> {
    let of_family = |c: &Cidr| c.family() == family;
    let mut cloud: Vec<Cidr> = spec
        .cloud
        .vpc_cidrs
        .iter()
        .map(|c| c.cidr)
        .filter(of_family)
        .collect();
    for zone in &spec.cloud.zones {
        for v in &zone.pod_vswitches {
            cloud.extend(
                [Some(v.cidr), v.ipv6_cidr]
                    .into_iter()
                    .flatten()
                    .filter(of_family),
            );
        }
    }
    let pods: Vec<Cidr> = spec
        .on_prem
        .pod_cidrs
        .iter()
        .map(|c| c.cidr)
        .filter(of_family)
        .collect();
    let rest: Vec<Cidr> = summarize(&cloud)
        .into_iter()
        .flat_map(|c| subtract_all(c, &pods))
        .collect();
    summarize(&rest)
}

fn family_tag(family: Family) -> &'static str {
    match family {
        Family::V4 => "ipv4",
        Family::V6 => "ipv6",
    }
}

/// The pools of a Calico mode's end state, and what stands in the way.
pub(crate) fn plan(
    spec: &HybridCluster,
    mode: &ModeDecision,
    installed: &InstalledCni,
    out: &mut Vec<Diagnostic>,
) -> Option<PoolPlan> {
    if installed.plugin != Cni::Calico || mode.selected.dc_cni() != Cni::Calico {
        return None;
    }
    let stated = spec
        .on_prem
        .cni
        .as_ref()
        .map(|c| c.existing_pools.clone())
        .filter(|p| !p.is_empty());
    let live_stated = stated.is_some();
    let live = stated.unwrap_or_else(|| default_pools(spec, installed.install));
    let mut plan = PoolPlan {
        live,
        live_stated,
        pools: Vec::new(),
        temporary: Vec::new(),
        migrations: Vec::new(),
    };
    let mut used = vec![false; plan.live.len()];
    let ipip = mode.selected == NetworkMode::CalicoIpip;
    let terway = mode.cloud_cni == Cni::Terway;
    let op = &spec.on_prem;
    for family in [Family::V4, Family::V6] {
        let tag = family_tag(family);
        let pods = op.pod_cidrs.iter().filter(|c| c.cidr.family() == family);
        for (i, range) in pods.enumerate() {
            // IPIP carries IPv4 only; an IPv6 pool in the overlay mode uses VXLAN.
            let (ipip_mode, vxlan_mode) = match (ipip, family) {
                (true, Family::V4) => (EncapMode::Always, EncapMode::Never),
                (true, Family::V6) => (EncapMode::Never, EncapMode::Always),
                (false, _) => (EncapMode::Never, EncapMode::Never),
            };
            let mut pool = PlannedPool {
                name: format!("{}-dc-pods-{tag}-{i}", spec.name),
                cidr: range.cidr,
                block_size: op.block_size(family),
                ipip_mode,
                vxlan_mode,
                nat_outgoing: true,
                node_selector: if terway {
                    dc_nodes_selector()
                } else {
                    "all()".to_owned()
                },
                disabled: false,
                role: PoolRole::DcPods,
                live: None,
            };
            if let Some(j) = plan.live.iter().position(|l| l.cidr == range.cidr) {
                used[j] = true;
                pool.name = plan.live[j].name.clone();
                pool.live = Some(j);
                if plan.live[j].block_size != pool.block_size {
                    let taken: Vec<Cidr> = plan
                        .live
                        .iter()
                        .map(|l| l.cidr)
                        .chain(plan.temporary.iter().map(|t| t.cidr))
                        .collect();
                    let Some(free) = crate::addressing::free_prefix(
                        spec,
                        family,
                        range.cidr.prefix_len(),
                        &taken,
                    ) else {
                        out.push(
                            Diagnostic::new(
                                Code::PoolConflict,
                                range.path.as_str(),
                                format!(
                                    "changing the block size of pool {} needs a temporary pool as large as {}, and no private range of that size is free of the spec's ranges",
                                    plan.live[j].name, range.cidr
                                ),
                            )
                            .hint("keep the pool's block size (leave calicoBlockSize out)"),
                        );
                        continue;
                    };
                    migration_cost(&plan, j, &pool, &range.path, true, out);
                    let temporary = PlannedPool {
                        name: format!("{}-temporary-{tag}-{i}", spec.name),
                        cidr: free,
                        block_size: plan.live[j].block_size,
                        role: PoolRole::Temporary,
                        live: None,
                        ..pool.clone()
                    };
                    plan.migrations.push(Migration {
                        from: j,
                        to: pool.name.clone(),
                        kind: MigrationKind::BlockSize {
                            temporary: temporary.name.clone(),
                        },
                    });
                    plan.temporary.push(temporary);
                }
            } else if conflict(&plan, range.cidr, &range.path, out) {
                continue;
            }
            plan.pools.push(pool);
        }
        if mode.selected.is_routed() {
            for (i, cidr) in no_snat_ranges(spec, family).into_iter().enumerate() {
                let mut pool = PlannedPool {
                    name: format!("{}-cloud-no-snat-{tag}-{i}", spec.name),
                    cidr,
                    block_size: op.block_size(family).max(cidr.prefix_len()),
                    ipip_mode: EncapMode::Never,
                    vxlan_mode: EncapMode::Never,
                    nat_outgoing: false,
                    node_selector: "all()".to_owned(),
                    disabled: true,
                    role: PoolRole::CloudNoSnat,
                    live: None,
                };
                if let Some(j) = plan.live.iter().position(|l| l.cidr == cidr) {
                    used[j] = true;
                    pool.name = plan.live[j].name.clone();
                    pool.block_size = plan.live[j].block_size;
                    pool.live = Some(j);
                } else if conflict(&plan, cidr, "/cloud/vpcCidr", out) {
                    continue;
                }
                plan.pools.push(pool);
            }
        }
    }
    // A live pool outside the planned ranges: an enabled one hands out addresses that no
    // planned route carries, so its pods move to the pod pool of its family; a disabled
    // one hands out nothing and stays.
    for (j, live) in plan.live.iter().enumerate() {
        if used[j] {
            continue;
        }
        let target = plan
            .pools
            .iter()
            .find(|p| p.role == PoolRole::DcPods && p.cidr.family() == live.cidr.family());
        match target {
            Some(to) if !live.disabled => {
                let to = to.clone();
                let path = op
                    .pod_cidrs
                    .iter()
                    .find(|c| c.cidr == to.cidr)
                    .map_or("/onPrem/podCidr".to_owned(), |c| c.path.clone());
                migration_cost(&plan, j, &to, &path, false, out);
                plan.migrations.push(Migration {
                    from: j,
                    to: to.name.clone(),
                    kind: MigrationKind::Cidr,
                });
            }
            _ => plan.pools.push(PlannedPool::kept(live, j)),
        }
    }
    Some(plan)
}

impl PlannedPool {
    /// Live pool `j` as it is: every field the spec knows of it (as calicoctl writes it back).
    pub(crate) fn kept(live: &ExistingPool, j: usize) -> PlannedPool {
        PlannedPool {
            name: live.name.clone(),
            cidr: live.cidr,
            block_size: live.block_size,
            ipip_mode: live.ipip_mode,
            vxlan_mode: live.vxlan_mode,
            nat_outgoing: live.nat_outgoing,
            node_selector: live
                .node_selector
                .clone()
                .unwrap_or_else(|| "all()".to_owned()),
            disabled: live.disabled,
            role: PoolRole::Kept,
            live: Some(j),
        }
    }

    /// Live pool `j` with no new allocations, as a migration leaves it.
    pub(crate) fn disabled(live: &ExistingPool, j: usize) -> PlannedPool {
        PlannedPool {
            disabled: true,
            ..PlannedPool::kept(live, j)
        }
    }
}

/// A planned range that overlaps a live pool without being its range: Calico refuses the
/// new pool, so the plan cannot create it.
fn conflict(plan: &PoolPlan, cidr: Cidr, path: &str, out: &mut Vec<Diagnostic>) -> bool {
    let Some(j) = plan.live.iter().position(|l| l.cidr.overlaps(&cidr)) else {
        return false;
    };
    let live = &plan.live[j];
    let mut d = Diagnostic::new(
        Code::PoolConflict,
        path,
        format!(
            "the planned pool over {cidr} overlaps the cluster's pool {} ({}) without being the same range: Calico refuses a pool that overlaps another, and a pool's CIDR cannot change in place",
            live.name, live.cidr
        ),
    )
    .hint(format!(
        "plan the pod range as exactly {} to keep the pool, or move the pods first to a range that overlaps neither (Calico's pool migration) and plan again",
        live.cidr
    ));
    if let Some(p) = plan.live_path(j) {
        d = d.related(p);
    }
    out.push(d);
    true
}

fn migration_cost(
    plan: &PoolPlan,
    j: usize,
    to: &PlannedPool,
    path: &str,
    block_size: bool,
    out: &mut Vec<Diagnostic>,
) {
    let live = &plan.live[j];
    let message = if block_size {
        format!(
            "pool {} ({}) has block size /{}, the plan /{}: a block size cannot change in place, so Calico's migration moves every pod to a temporary pool and back; each pod on it restarts twice and loses external connectivity while in the temporary pool",
            live.name, live.cidr, live.block_size, to.block_size
        )
    } else {
        format!(
            "pool {} ({}) is not a planned pod range: Calico's migration moves its pods to {} ({}); each pod on it is deleted and recreated, so its workloads restart",
            live.name, live.cidr, to.name, to.cidr
        )
    };
    let mut d = Diagnostic::new(Code::PoolMigration, path, message).hint(if block_size {
        "keep the pool's block size (leave calicoBlockSize out) unless the node count needs another"
    } else {
        "plan the pod range as the pool's range to keep it, or schedule the migration in a maintenance window (see the plan's steps)"
    });
    if let Some(p) = plan.live_path(j) {
        d = d.related(p);
    }
    out.push(d);
}
