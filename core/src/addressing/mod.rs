//! The address budget: every range with its size; the DC pod ranges against the nodes they
//! must hold (Calico blocks, or per-node subnets for Flannel and Cilium); Terway's pods per
//! node from the ENI arithmetic; each zone's pod vSwitches against the cloud pods planned
//! there. Where a range is too small: the smallest prefix that would do, and a free range
//! of that size that clashes with nothing in the spec.

mod count;

pub use count::Count;

use crate::cidr::{Cidr, Family, ceil_log2, find_free};
use crate::facts;
use crate::mode::{Cni, ModeDecision};
use crate::spec::{HybridCluster, NetworkMode, Role, TerwayMode};
use crate::{Code, Diagnostic};
use serde::{Deserialize, Serialize};

/// The address budget: every range with its size, the DC pod ranges against the nodes
/// they must hold, the cloud pods against the pod vSwitches, and replacement ranges.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Addressing {
    /// Every range of the spec with its size.
    pub ranges: Vec<RangeBudget>,
    /// DC pod ranges per family against the DC nodes they must hold.
    pub dc_pods: Vec<PodRangeBudget>,
    /// Terway pods per ECS node and each zone's pod vSwitch addresses; absent where the
    /// ECS nodes run the DC's overlay (their pods then count in `dcPods`).
    pub cloud_pods: Option<CloudPodBudget>,
    /// Replacement ranges for those that are too small.
    pub suggestions: Vec<Suggestion>,
}

/// One range of the spec with its size.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct RangeBudget {
    /// What the range is for.
    pub role: Role,
    /// The range.
    pub cidr: Cidr,
    /// JSON Pointer of the spec field that gives it; empty for a range the plan adds.
    pub path: String,
    /// The vSwitch or VBR id, where the range has one.
    pub id: Option<String>,
    /// Addresses in the range.
    pub addresses: Count,
    /// Addresses that can be handed out (vSwitches keep 4).
    pub usable: Count,
}

/// How a DC pod range is handed to nodes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum UnitKind {
    /// Calico IPAM blocks; a node takes as many as its pods need.
    CalicoBlock,
    /// One subnet per node (Flannel SubnetLen, Cilium cluster-pool mask size).
    NodeSubnet,
}

/// The DC pod ranges of one family against the nodes that take addresses from them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct PodRangeBudget {
    /// The address family.
    pub family: Family,
    /// The pod ranges of that family.
    pub cidrs: Vec<Cidr>,
    /// How the ranges are handed to nodes.
    pub unit: UnitKind,
    /// Prefix length of one unit (Calico block size, or the per-node subnet).
    pub unit_prefix_length: u8,
    /// Addresses in one unit.
    pub addresses_per_unit: Count,
    /// Addresses each node needs: its pods, plus a tunnel address in Calico IPIP (the
    /// larger of a DC node's and an ECS node's where both take from the range).
    pub addresses_per_node: u64,
    /// Units each node takes.
    pub units_per_node: u64,
    /// Units the ranges hold.
    pub units: Count,
    /// Nodes the ranges can hold.
    pub nodes_supported: Count,
    /// Nodes that take addresses from the range: the DC nodes, and the ECS nodes where
    /// they run the DC's overlay.
    pub nodes_planned: u32,
    /// DC nodes planned (the larger of today's count and the planned growth).
    pub dc_nodes_planned: u32,
    /// ECS nodes planned that take addresses from the range (0 unless they run the DC's
    /// overlay).
    pub cloud_nodes_planned: u32,
    /// Who hands the units to nodes, with the settings the plan relies on.
    pub allocated_by: String,
    /// Nodes the range can hold beyond the plan (negative: short by that many).
    pub headroom_nodes: Count,
}

/// Terway's pods on the ECS nodes against the zones' pod vSwitches.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct CloudPodBudget {
    /// The Terway mode the ECS nodes run.
    pub terway_mode: TerwayMode,
    /// Pods one ECS node can hold, from its ENIs.
    pub pods_per_node_limit: u64,
    /// Pods planned per ECS node.
    pub pods_per_node: u64,
    /// ECS nodes planned.
    pub nodes_planned: u32,
    /// Cloud pods planned: nodes times pods per node.
    pub pods_planned: u64,
    /// Each zone's pod vSwitches against its share of the pods.
    pub zones: Vec<ZoneBudget>,
}

/// One zone's pod vSwitch addresses against the cloud pods planned in it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ZoneBudget {
    /// The zone id (`cn-hangzhou-h`).
    pub zone: String,
    /// JSON Pointer of the zone in the spec.
    pub path: String,
    /// Usable addresses of the zone's IPv4 pod vSwitches (size − 4 each).
    pub pod_vswitch_addresses: Count,
    /// Cloud pods planned in the zone (spread evenly over the zones).
    pub pods_planned: u64,
    /// Addresses left once the planned pods have theirs (negative: short by that many).
    pub headroom: Count,
}

/// A replacement or additional range for one that is too small.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Suggestion {
    /// The field the suggestion replaces or adds to.
    pub path: String,
    /// Why: what the range is short of.
    pub reason: String,
    /// The longest prefix length that would be large enough.
    pub minimum_prefix_length: u8,
    /// A free range of that length, clashing with nothing in the spec, if one was found.
    pub cidr: Option<Cidr>,
}

/// `2^exp` for exp < 128, saturating otherwise.
fn pow2(exp: u32) -> u128 {
    1u128.checked_shl(exp).unwrap_or(u128::MAX)
}

pub(crate) fn budget(spec: &HybridCluster, mode: &ModeDecision) -> (Addressing, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let mut suggestions = Vec::new();
    let free = FreeSpace::new(spec);
    let ranges = spec
        .ranges()
        .into_iter()
        .map(|r| {
            let addresses = r.cidr.addresses_saturating();
            let usable = if r.role.is_vswitch() {
                addresses.saturating_sub(facts::VSWITCH_RESERVED_ADDRESSES)
            } else {
                addresses
            };
            RangeBudget {
                role: r.role,
                cidr: r.cidr,
                path: r.path,
                id: r.label.map(str::to_owned),
                addresses: Count::from(addresses),
                usable: Count::from(usable),
            }
        })
        .collect();
    let dc_pods = dc_pods(spec, mode, &free, &mut diagnostics, &mut suggestions);
    let cloud_pods = (mode.cloud_cni == Cni::Terway)
        .then(|| cloud_pods(spec, &free, &mut diagnostics, &mut suggestions));
    let addressing = Addressing {
        ranges,
        dc_pods,
        cloud_pods,
        suggestions,
    };
    (addressing, diagnostics)
}

/// A free private prefix of `len` bits, outside the VPC, clear of every range of the spec,
/// the reserved ranges and `also`.
pub(crate) fn free_prefix(
    spec: &HybridCluster,
    family: Family,
    len: u8,
    also: &[Cidr],
) -> Option<Cidr> {
    let mut free = FreeSpace::new(spec);
    free.used.extend(also.iter().map(|c| (*c, String::new())));
    free.used
        .extend(free.vpcs.iter().map(|c| (*c, String::new())));
    free.outside_vpc(family, len, &[], None)
}

/// Finds free ranges that clash with nothing in the spec nor the reserved ranges.
struct FreeSpace {
    used: Vec<(Cidr, String)>,
    vpcs: Vec<Cidr>,
}

impl FreeSpace {
    fn new(spec: &HybridCluster) -> FreeSpace {
        let mut used: Vec<(Cidr, String)> = spec
            .ranges()
            .into_iter()
            .map(|r| (r.cidr, r.path))
            .collect();
        used.extend(
            crate::rules::reserved_ranges()
                .into_iter()
                .map(|(c, _)| (c, String::new())),
        );
        let vpcs = spec.cloud.vpc_cidrs.iter().map(|c| c.cidr).collect();
        FreeSpace { used, vpcs }
    }

    /// A free prefix of `len` bits for the range at `replacing` (its own space may be
    /// reused): the range widened in place if that is free, else the lowest free one,
    /// preferring the private block it is in now. VPC space is avoided too.
    fn outside_vpc(
        &self,
        family: Family,
        len: u8,
        replacing: &[&str],
        near: Option<Cidr>,
    ) -> Option<Cidr> {
        let used: Vec<Cidr> = self
            .used
            .iter()
            .filter(|(_, p)| !replacing.contains(&p.as_str()))
            .map(|(c, _)| *c)
            .collect();
        // Widening the range in place is the least disruptive change, when that space is free.
        if let Some(n) = near {
            let wider = Cidr::truncate(family, n.first(), len);
            if !used.iter().any(|u| u.overlaps(&wider)) {
                return Some(wider);
            }
        }
        let pools: Vec<Cidr> = match family {
            Family::V4 => facts::VPC_PRIVATE_BLOCKS.to_vec(),
            Family::V6 => vec![facts::IPV6_ULA_LOCAL],
        };
        let mut order: Vec<Cidr> = pools
            .iter()
            .copied()
            .filter(|p| near.is_some_and(|n| p.contains(&n)))
            .collect();
        order.extend(
            pools
                .iter()
                .copied()
                .filter(|p| !near.is_some_and(|n| p.contains(&n))),
        );
        order
            .into_iter()
            .find_map(|pool| find_free(pool, len, &used))
    }

    /// A free prefix of `len` bits inside the VPC, clear of every vSwitch and DC range.
    fn inside_vpc(&self, family: Family, len: u8) -> Option<Cidr> {
        let used: Vec<Cidr> = self
            .used
            .iter()
            .filter(|(c, _)| !self.vpcs.contains(c))
            .map(|(c, _)| *c)
            .collect();
        self.vpcs
            .iter()
            .filter(|v| v.family() == family)
            .find_map(|&vpc| find_free(vpc, len, &used))
    }
}

/// How nodes take addresses from the pod range in `mode`: the unit kind, its prefix
/// length, the addresses a node needs (`pods`, plus Calico IPIP's tunnel address), and
/// who allocates the units.
fn unit_for(
    spec: &HybridCluster,
    mode: NetworkMode,
    family: Family,
    pods: u64,
) -> (UnitKind, u8, u64, String) {
    let op = &spec.on_prem;
    let tunnel = u64::from(mode == NetworkMode::CalicoIpip && family == Family::V4);
    let per_node = pods + tunnel;
    if mode.is_calico() {
        let len = op.block_size(family);
        return (
            UnitKind::CalicoBlock,
            len,
            per_node,
            format!("Calico IPAM: /{len} blocks, as many per node as its pods need"),
        );
    }
    if mode == NetworkMode::FlannelVxlan {
        // Flannel's kube subnet manager takes node.spec.podCIDR, which kube-controller-
        // manager allocates; net-conf.json's SubnetLen is not used.
        let len = op.node_cidr_mask(family);
        let flag = match family {
            Family::V4 => "--node-cidr-mask-size-ipv4",
            Family::V6 => "--node-cidr-mask-size-ipv6",
        };
        let ranges: Vec<String> = spec
            .on_prem
            .pod_cidrs
            .iter()
            .map(|c| c.cidr.to_string())
            .collect();
        return (
            UnitKind::NodeSubnet,
            len,
            per_node,
            format!(
                "kube-controller-manager: --allocate-node-cidrs=true --cluster-cidr={} {flag}={len} (Flannel reads each node's podCIDR)",
                ranges.join(",")
            ),
        );
    }
    let key = match family {
        Family::V4 => "clusterPoolIPv4MaskSize",
        Family::V6 => "clusterPoolIPv6MaskSize",
    };
    // The mask of a running Cilium stays: it cannot change for the nodes that have their
    // CIDR (the spec's nodeCidrMaskSize, which import reads from cilium-config).
    let given = match family {
        Family::V4 => "/onPrem/nodeCidrMaskSize",
        Family::V6 => "/onPrem/nodeCidrMaskSizeV6",
    };
    if spec.gives(given) {
        let len = op.node_cidr_mask(family);
        return (
            UnitKind::NodeSubnet,
            len,
            per_node,
            format!(
                "Cilium's operator (cluster-pool IPAM): {key}={len}, as the cluster runs (nodeCidrMaskSize)"
            ),
        );
    }
    let needed = u128::from(per_node) + u128::from(facts::PER_NODE_SUBNET_OVERHEAD);
    let bits = ceil_log2(needed).min(u32::from(family.width())) as u8;
    let cap = match family {
        Family::V4 => facts::PER_NODE_SUBNET_MAX_LEN_V4,
        Family::V6 => facts::PER_NODE_SUBNET_MAX_LEN_V6,
    };
    let len = (family.width() - bits).min(cap);
    (
        UnitKind::NodeSubnet,
        len,
        per_node,
        format!("Cilium's operator (cluster-pool IPAM): {key}={len}"),
    )
}

fn block_size_ok(
    spec: &HybridCluster,
    family: Family,
    pools: &[&crate::spec::SpecCidr],
    out: &mut Vec<Diagnostic>,
) -> bool {
    let size = spec.on_prem.block_size(family);
    let (lo, hi) = match family {
        Family::V4 => facts::CALICO_BLOCK_SIZE_V4_RANGE,
        Family::V6 => facts::CALICO_BLOCK_SIZE_V6_RANGE,
    };
    let key = match family {
        Family::V4 => "/onPrem/calicoBlockSize",
        Family::V6 => "/onPrem/calicoBlockSizeV6",
    };
    if !(lo..=hi).contains(&size) {
        out.push(
            Diagnostic::new(
                Code::CalicoBlockSize,
                key,
                format!("{family} Calico block size /{size} is outside /{lo}../{hi}"),
            )
            .hint(format!(
                "the default is /{}",
                match family {
                    Family::V4 => facts::CALICO_BLOCK_SIZE_V4_DEFAULT,
                    Family::V6 => facts::CALICO_BLOCK_SIZE_V6_DEFAULT,
                }
            )),
        );
        return false;
    }
    let mut ok = true;
    for pool in pools.iter().filter(|p| p.cidr.prefix_len() > size) {
        out.push(
            Diagnostic::new(
                Code::CalicoBlockSize,
                key,
                format!(
                    "a /{size} block is larger than the pool {}: the pool holds no block",
                    pool.cidr
                ),
            )
            .related(&pool.path)
            .hint(format!(
                "use a block size of /{} or more, or a larger pool",
                pool.cidr.prefix_len()
            )),
        );
        ok = false;
    }
    ok
}

fn dc_pods(
    spec: &HybridCluster,
    mode: &ModeDecision,
    free: &FreeSpace,
    out: &mut Vec<Diagnostic>,
    suggestions: &mut Vec<Suggestion>,
) -> Vec<PodRangeBudget> {
    let mut budgets = Vec::new();
    let dc_planned = spec.on_prem.planned_nodes();
    // The ECS nodes take pod addresses from the same range when they run the overlay.
    let cloud_planned = if mode.cloud_cni == Cni::Terway {
        0
    } else {
        spec.cloud.max_nodes.max(spec.cloud.nodes)
    };
    let planned = dc_planned.saturating_add(cloud_planned);
    let cloud_pods = spec
        .cloud
        .max_pods_per_node
        .unwrap_or(facts::K8S_DEFAULT_MAX_PODS_PER_NODE);
    let pods_per_node = if cloud_planned > 0 {
        spec.on_prem.max_pods_per_node.max(cloud_pods)
    } else {
        spec.on_prem.max_pods_per_node
    };
    for family in [Family::V4, Family::V6] {
        let pools: Vec<&crate::spec::SpecCidr> = spec
            .on_prem
            .pod_cidrs
            .iter()
            .filter(|p| p.cidr.family() == family)
            .collect();
        if pools.is_empty() {
            continue;
        }
        if mode.selected.is_calico() && !block_size_ok(spec, family, &pools, out) {
            continue;
        }
        let (unit, unit_len, per_node, allocated_by) =
            unit_for(spec, mode.selected, family, u64::from(pods_per_node));
        let unit_addrs = pow2(u32::from(family.width() - unit_len));
        let units_per_node = (u128::from(per_node).div_ceil(unit_addrs)).max(1);
        // A node subnet is one per node: the pods must fit in it.
        if unit == UnitKind::NodeSubnet
            && u128::from(per_node) + u128::from(facts::PER_NODE_SUBNET_OVERHEAD) > unit_addrs
        {
            let key = match family {
                Family::V4 => "/onPrem/nodeCidrMaskSize",
                Family::V6 => "/onPrem/nodeCidrMaskSizeV6",
            };
            out.push(
                Diagnostic::new(
                    Code::PodCidrCapacity,
                    key,
                    format!(
                        "a /{unit_len} node subnet holds {} pod addresses; {per_node} pods per node are planned",
                        unit_addrs.saturating_sub(u128::from(facts::PER_NODE_SUBNET_OVERHEAD))
                    ),
                )
                .related("/onPrem/maxPodsPerNode")
                .hint(format!("{allocated_by}: give nodes a larger subnet, or plan fewer pods per node")),
            );
        }
        let units: u128 = pools
            .iter()
            .filter(|p| p.cidr.prefix_len() <= unit_len)
            .map(|p| pow2(u32::from(unit_len - p.cidr.prefix_len())))
            .fold(0u128, u128::saturating_add);
        let supported = units / units_per_node;
        let headroom = supported as i128 - i128::from(planned);
        if supported < u128::from(planned) {
            let needed = u128::from(planned) * units_per_node;
            let min_len = u32::from(unit_len)
                .checked_sub(ceil_log2(needed))
                .map(|l| l as u8);
            let paths: Vec<&str> = pools.iter().map(|p| p.path.as_str()).collect();
            let cidr =
                min_len.and_then(|len| free.outside_vpc(family, len, &paths, Some(pools[0].cidr)));
            let what = match unit {
                UnitKind::CalicoBlock => format!("/{unit_len} blocks"),
                UnitKind::NodeSubnet => format!("/{unit_len} node subnets"),
            };
            let mut d = Diagnostic::new(
                Code::PodCidrCapacity,
                &pools[0].path,
                format!(
                    "the {family} pod range holds {units} {what} = {supported} nodes at {units_per_node} per node ({pods_per_node} pods); {planned} nodes are planned{}",
                    if cloud_planned > 0 {
                        format!(
                            " ({dc_planned} DC and {cloud_planned} ECS nodes, which run the overlay too)"
                        )
                    } else {
                        String::new()
                    }
                ),
            );
            for p in &pools[1..] {
                d = d.related(&p.path);
            }
            d = d.related("/onPrem/maxNodes");
            if let Some(len) = min_len {
                let example = cidr
                    .map(|c| format!(", e.g. {c}, which is free"))
                    .unwrap_or_default();
                d = d.hint(format!("use a /{len} or larger{example}"));
                suggestions.push(Suggestion {
                    path: pools[0].path.clone(),
                    reason: format!("{planned} nodes need {needed} {what}"),
                    minimum_prefix_length: len,
                    cidr,
                });
            }
            out.push(d);
        }
        budgets.push(PodRangeBudget {
            family,
            cidrs: pools.iter().map(|p| p.cidr).collect(),
            unit,
            unit_prefix_length: unit_len,
            addresses_per_unit: Count::from(unit_addrs),
            addresses_per_node: per_node,
            units_per_node: units_per_node as u64,
            units: Count::from(units),
            nodes_supported: Count::from(supported),
            nodes_planned: planned,
            dc_nodes_planned: dc_planned,
            cloud_nodes_planned: cloud_planned,
            allocated_by,
            headroom_nodes: Count(headroom),
        });
    }
    budgets
}

fn cloud_pods(
    spec: &HybridCluster,
    free: &FreeSpace,
    out: &mut Vec<Diagnostic>,
    suggestions: &mut Vec<Suggestion>,
) -> CloudPodBudget {
    let cloud = &spec.cloud;
    let terway = cloud.terway;
    let limit = terway.pods_per_node();
    match terway.mode {
        TerwayMode::SharedEni if limit <= u64::from(facts::TERWAY_SHARED_MIN_PODS) => out.push(
            Diagnostic::new(
                Code::TerwayPodsPerNode,
                "/cloud/terway/enisPerNode",
                format!(
                    "({} ENIs − 1) × {} IPs per ENI = {limit} pods per node; ACK lets a node join only above {}",
                    terway.enis_per_node, terway.ips_per_eni, facts::TERWAY_SHARED_MIN_PODS
                ),
            )
            .related("/cloud/terway/ipsPerEni")
            .hint("choose an ECS instance type with more ENIs or more IPs per ENI"),
        ),
        TerwayMode::ExclusiveEni if terway.enis_per_node <= facts::TERWAY_EXCLUSIVE_MIN_ENIS => out.push(
            Diagnostic::new(
                Code::TerwayPodsPerNode,
                "/cloud/terway/enisPerNode",
                format!(
                    "exclusive ENI mode needs more than {} ENIs per node; this instance type has {}",
                    facts::TERWAY_EXCLUSIVE_MIN_ENIS, terway.enis_per_node
                ),
            )
            .hint("choose an instance type with more ENIs, or use shared-eni"),
        ),
        _ => {}
    }
    if let Some(asked) = cloud.max_pods_per_node
        && u64::from(asked) > limit
    {
        out.push(
            Diagnostic::new(
                Code::TerwayPodsLimit,
                "/cloud/maxPodsPerNode",
                format!("{asked} pods per ECS node asked for, but the ENIs allow {limit}: the plan counts {limit}"),
            )
            .related("/cloud/terway")
            .hint("lower maxPodsPerNode or choose an instance type with more ENIs"),
        );
    }
    let pods_per_node = cloud.pods_per_node();
    let pods_planned = u64::from(cloud.max_nodes.max(cloud.nodes)) * pods_per_node;
    let zone_count = cloud.zones.len().max(1) as u64;
    let per_zone = pods_planned.div_ceil(zone_count);
    let mut zones = Vec::new();
    for (zi, zone) in cloud.zones.iter().enumerate() {
        let path = format!("/cloud/zones/{zi}/podVSwitches");
        let usable: u128 = zone
            .pod_vswitches
            .iter()
            .filter(|v| v.cidr.family() == Family::V4)
            .map(|v| {
                v.cidr
                    .addresses_saturating()
                    .saturating_sub(facts::VSWITCH_RESERVED_ADDRESSES)
            })
            .fold(0u128, u128::saturating_add);
        let headroom = usable as i128 - i128::from(per_zone);
        if usable < u128::from(per_zone) {
            let shortfall = u128::from(per_zone) - usable;
            let (lo, _) = facts::VSWITCH_MASK_RANGE;
            let len = (32 - ceil_log2(shortfall + facts::VSWITCH_RESERVED_ADDRESSES).min(32) as u8)
                .max(lo);
            let cidr = free.inside_vpc(Family::V4, len);
            let mut d = Diagnostic::new(
                Code::VswitchCapacity,
                &path,
                if zone.pod_vswitches.is_empty() {
                    format!("zone {} has no pod vSwitch for its {per_zone} planned cloud pods (Terway would fall back to the node vSwitch)", zone.zone)
                } else {
                    format!(
                        "the pod vSwitches of zone {} hold {usable} usable IPs (size − 4 each); {per_zone} cloud pods are planned there",
                        zone.zone
                    )
                },
            )
            .related("/cloud/maxNodes");
            let example = cidr
                .map(|c| format!(", e.g. {c}, which is free"))
                .unwrap_or_default();
            d = d.hint(format!(
                "add a pod vSwitch of /{len} or larger in zone {}{example} (new vSwitches serve new ENIs only)",
                zone.zone
            ));
            suggestions.push(Suggestion {
                path: path.clone(),
                reason: format!("zone {} is short of {shortfall} pod IPs", zone.zone),
                minimum_prefix_length: len,
                cidr,
            });
            out.push(d);
        }
        zones.push(ZoneBudget {
            zone: zone.zone.clone(),
            path,
            pod_vswitch_addresses: Count::from(usable),
            pods_planned: per_zone,
            headroom: Count(headroom),
        });
    }
    CloudPodBudget {
        terway_mode: terway.mode,
        pods_per_node_limit: limit,
        pods_per_node,
        nodes_planned: cloud.max_nodes.max(cloud.nodes),
        pods_planned,
        zones,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_and_power_helpers() {
        assert_eq!(ceil_log2(1), 0);
        assert_eq!(ceil_log2(2), 1);
        assert_eq!(ceil_log2(3), 2);
        assert_eq!(ceil_log2(1024), 10);
        assert_eq!(ceil_log2(1025), 11);
        assert_eq!(ceil_log2(u128::MAX), 128);
        assert_eq!(pow2(127), 1 << 127);
        assert_eq!(pow2(128), u128::MAX);
    }
}
