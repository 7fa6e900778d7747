//! Rules about address ranges: overlaps between ranges that must be disjoint, reserved and
//! cloud-service ranges, VPC and vSwitch shape, and DC ranges placed inside the VPC.

use crate::cidr::{Cidr, Family};
use crate::facts;
use crate::spec::limits::MAX_OVERLAPS_LISTED;
use crate::spec::{HybridCluster, Range, Role};
use crate::{Code, Diagnostic};

pub(crate) fn check(spec: &HybridCluster, out: &mut Vec<Diagnostic>) {
    let ranges = spec.ranges();
    reserved(&ranges, out);
    vpc_shape(&ranges, out);
    vswitch_shape(&ranges, out);
    overlaps(&ranges, out);
    dc_inside_vpc(&ranges, out);
}

pub(crate) fn reserved_ranges() -> Vec<(Cidr, &'static str)> {
    let mut all = facts::RESERVED_V4.to_vec();
    all.extend(facts::RESERVED_V6);
    all
}

/// Ranges the spec assigns to something it runs (not cloud destinations it only reaches).
fn is_planned(role: Role) -> bool {
    matches!(
        role,
        Role::DcNodes | Role::DcPods | Role::Services | Role::VbrPeering
    )
}

fn reserved(ranges: &[Range], out: &mut Vec<Diagnostic>) {
    let reserved = reserved_ranges();
    let private_space_hint = format!(
        "choose a range in private address space ({}, {})",
        facts::VPC_PRIVATE_BLOCKS.map(|c| c.to_string()).join(", "),
        facts::IPV6_ULA_LOCAL
    );
    let cs = facts::CLOUD_SERVICE_V4;
    for r in ranges.iter().filter(|r| is_planned(r.role)) {
        let hits: Vec<_> = reserved
            .iter()
            .filter(|(c, _)| c.overlaps(&r.cidr))
            .collect();
        for (c, why) in &hits {
            let hint = if *c == facts::CLOUD_SERVICES_V4 {
                "renumber the range, or reach cloud services through PrivateLink endpoints (ACK: resolve data center IP range conflicts)"
            } else {
                private_space_hint.as_str()
            };
            out.push(
                Diagnostic::new(
                    Code::ReservedRange,
                    &r.path,
                    format!("{} overlaps {c}, {why}", r.describe()),
                )
                .hint(hint),
            );
        }
        if hits.is_empty() && cs.overlaps(&r.cidr) {
            out.push(
                Diagnostic::new(
                    Code::CloudServiceRange,
                    &r.path,
                    format!(
                        "{} lies in {cs}, where some Alibaba Cloud services (OSS, Container Registry, ACK endpoints) have addresses",
                        r.describe()
                    ),
                )
                .hint(format!("traffic to those services may be routed into the DC; prefer a range outside {cs}")),
            );
        }
    }
}

fn vpc_shape(ranges: &[Range], out: &mut Vec<Diagnostic>) {
    let private = facts::VPC_PRIVATE_BLOCKS;
    let reserved = reserved_ranges();
    let (lo, hi) = facts::VPC_MASK_RANGE;
    let vpcs = ranges
        .iter()
        .filter(|r| r.role == Role::Vpc && r.cidr.family() == Family::V4);
    for (i, r) in vpcs.enumerate() {
        let primary = i == 0;
        // Secondary CIDRs may be any block but the reserved ones, with wider masks.
        let max_len = if primary {
            hi
        } else {
            facts::VPC_SECONDARY_MASK_RANGE.1
        };
        let mut problems = Vec::new();
        if r.cidr.prefix_len() < lo || r.cidr.prefix_len() > max_len {
            problems.push(format!(
                "its mask /{} is outside /{lo}../{max_len}",
                r.cidr.prefix_len()
            ));
        }
        if primary && !private.iter().any(|p| p.contains(&r.cidr)) {
            problems.push("it is not inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16".into());
        }
        if !primary && let Some((c, why)) = reserved.iter().find(|(c, _)| c.overlaps(&r.cidr)) {
            problems.push(format!("it overlaps {c}, {why}"));
        }
        if !problems.is_empty() {
            let which = if primary {
                "primary VPC CIDR"
            } else {
                "secondary VPC CIDR"
            };
            out.push(
                Diagnostic::new(
                    Code::VpcCidrInvalid,
                    &r.path,
                    format!("{which} {} is not allowed: {}", r.cidr, problems.join("; ")),
                )
                .hint("Alibaba Cloud VPCs use 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16 (or a subnet of them), mask /8../24"),
            );
        }
    }
}

fn vswitch_shape(ranges: &[Range], out: &mut Vec<Diagnostic>) {
    let vpcs: Vec<&Range> = ranges.iter().filter(|r| r.role == Role::Vpc).collect();
    for r in ranges.iter().filter(|r| r.role.is_vswitch()) {
        let family = r.cidr.family();
        let in_family: Vec<&&Range> = vpcs.iter().filter(|v| v.cidr.family() == family).collect();
        if !in_family.is_empty() && !in_family.iter().any(|v| v.cidr.contains(&r.cidr)) {
            let mut d = Diagnostic::new(
                Code::VswitchOutsideVpc,
                &r.path,
                format!("{} is not inside any {family} VPC CIDR", r.describe()),
            )
            .hint("a vSwitch must be carved from the VPC's CIDR blocks");
            for v in &in_family {
                d = d.related(&v.path);
            }
            out.push(d);
        }
        let ok = match family {
            Family::V4 => {
                let (lo, hi) = facts::VSWITCH_MASK_RANGE;
                (lo..=hi).contains(&r.cidr.prefix_len())
            }
            Family::V6 => r.cidr.prefix_len() == facts::VSWITCH_IPV6_MASK,
        };
        if !ok {
            let allowed = match family {
                Family::V4 => format!(
                    "/{}../{}",
                    facts::VSWITCH_MASK_RANGE.0,
                    facts::VSWITCH_MASK_RANGE.1
                ),
                Family::V6 => format!("/{}", facts::VSWITCH_IPV6_MASK),
            };
            out.push(
                Diagnostic::new(
                    Code::VswitchMask,
                    &r.path,
                    format!(
                        "{} has mask /{}; Alibaba Cloud allows {allowed}",
                        r.describe(),
                        r.cidr.prefix_len()
                    ),
                )
                .hint("split a larger range over several vSwitches, or widen a smaller one"),
            );
        }
    }
}

/// What an overlap between two roles means, if it is a problem at all.
enum Clash {
    Fine,
    Overlap,
    /// The first range (a DC range) lies inside the second (a vSwitch).
    InsideVswitch,
}

fn clash(a: &Range, b: &Range) -> Clash {
    use Role::*;
    match (a.role, b.role) {
        // vSwitches are carved from the VPC; extra cloud destinations may sit anywhere in it.
        (Vpc, NodeVSwitch | PodVSwitch | TransitRouterVSwitch | CloudServiceExtra)
        | (NodeVSwitch | PodVSwitch | TransitRouterVSwitch | CloudServiceExtra, Vpc) => Clash::Fine,
        (NodeVSwitch | PodVSwitch | TransitRouterVSwitch, CloudServiceExtra)
        | (CloudServiceExtra, NodeVSwitch | PodVSwitch | TransitRouterVSwitch) => Clash::Fine,
        (CloudServiceExtra, CloudServiceExtra) => Clash::Fine,
        // A DC range inside the VPC but in no vSwitch is a warning of its own (dc_inside_vpc).
        (DcNodes | DcPods | VbrPeering, Vpc) | (Vpc, DcNodes | DcPods | VbrPeering) => Clash::Fine,
        // Service vs vSwitch is reported once, as service vs VPC.
        (Services, NodeVSwitch | PodVSwitch | TransitRouterVSwitch)
        | (NodeVSwitch | PodVSwitch | TransitRouterVSwitch, Services) => Clash::Fine,
        (x, NodeVSwitch | PodVSwitch | TransitRouterVSwitch)
            if x.is_dc() && b.cidr.contains(&a.cidr) =>
        {
            Clash::InsideVswitch
        }
        _ => Clash::Overlap,
    }
}

fn is_cloud_network(role: Role) -> bool {
    role == Role::Vpc || role.is_vswitch()
}

/// Reports every pair of overlapping ranges that must be disjoint. Prefixes either nest or
/// are disjoint, so one sweep in address order with a stack of enclosing ranges finds all
/// overlapping pairs in O(n log n + pairs).
fn overlaps(ranges: &[Range], out: &mut Vec<Diagnostic>) {
    let mut order: Vec<usize> = (0..ranges.len()).collect();
    // The keys are unique (the index is the last part): an unstable sort gives one order.
    order.sort_unstable_by_key(|&i| {
        (
            ranges[i].cidr.family(),
            ranges[i].cidr.first(),
            ranges[i].cidr.prefix_len(),
            i,
        )
    });
    let mut open: Vec<usize> = Vec::new();
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    for &i in &order {
        let cur = &ranges[i].cidr;
        open.retain(|&j| {
            let o = &ranges[j].cidr;
            o.family() == cur.family() && o.last() >= cur.first()
        });
        for &j in &open {
            pairs.push((j.min(i), j.max(i)));
        }
        open.push(i);
    }
    pairs.sort_unstable();
    // Identical ranges overlap pairwise: list the first pairs, count the rest.
    let mut listed = 0;
    let mut unlisted: Option<(&str, usize)> = None;
    for (i, j) in pairs {
        let (a, b) = (&ranges[i], &ranges[j]);
        let (inner, outer, kind) = match (clash(a, b), clash(b, a)) {
            (Clash::InsideVswitch, _) => (a, b, Clash::InsideVswitch),
            (_, Clash::InsideVswitch) => (b, a, Clash::InsideVswitch),
            // Point at the range being planned rather than the cloud network, which
            // usually exists already; between two of a kind, at the later one.
            (Clash::Overlap, _) | (_, Clash::Overlap)
                if is_cloud_network(b.role) && !is_cloud_network(a.role) =>
            {
                (a, b, Clash::Overlap)
            }
            (Clash::Overlap, _) | (_, Clash::Overlap) => (b, a, Clash::Overlap),
            _ => continue,
        };
        if listed == MAX_OVERLAPS_LISTED {
            let (_, count) = unlisted.get_or_insert((&inner.path, 0));
            *count += 1;
            continue;
        }
        listed += 1;
        let d = match kind {
            Clash::InsideVswitch => Diagnostic::new(
                Code::RouteInsideVswitch,
                &inner.path,
                format!(
                    "{} lies inside {}: a VPC route toward the DC cannot have a destination equal to or inside a vSwitch",
                    inner.describe(),
                    outer.describe()
                ),
            )
            .related(&outer.path)
            .hint("move the DC range out of the vSwitch, or the vSwitch out of the DC range"),
            _ => {
                let same = if inner.cidr == outer.cidr { "is the same as" } else { "overlaps" };
                Diagnostic::new(
                    Code::CidrOverlap,
                    &inner.path,
                    format!("{} {same} {}", inner.describe(), outer.describe()),
                )
                .related(&outer.path)
                .hint("every range of the cluster must be disjoint from the others; pick a free range")
            }
        };
        out.push(d);
    }
    if let Some((path, count)) = unlisted {
        out.push(
            Diagnostic::new(
                Code::CidrOverlap,
                path,
                format!("{count} more overlapping pairs, from here on, are not listed (at most {MAX_OVERLAPS_LISTED} are)"),
            )
            .hint("fix the overlaps listed, then plan again"),
        );
    }
}

fn dc_inside_vpc(ranges: &[Range], out: &mut Vec<Diagnostic>) {
    let vpcs: Vec<&Range> = ranges.iter().filter(|r| r.role == Role::Vpc).collect();
    let vswitches: Vec<&Range> = ranges.iter().filter(|r| r.role.is_vswitch()).collect();
    for r in ranges.iter().filter(|r| r.role.is_dc()) {
        let Some(vpc) = vpcs.iter().find(|v| v.cidr.overlaps(&r.cidr)) else {
            continue;
        };
        if vswitches.iter().any(|v| v.cidr.overlaps(&r.cidr)) {
            continue; // already reported as an overlap
        }
        let (code, what) = if r.role == Role::DcPods {
            (Code::PodCidrInVpc, "pod")
        } else {
            (Code::DcRangeInVpc, "DC")
        };
        out.push(
            Diagnostic::new(
                code,
                &r.path,
                format!(
                    "{} lies inside {} but in no vSwitch: legal today, but a vSwitch created there later breaks the route to the DC",
                    r.describe(),
                    vpc.describe()
                ),
            )
            .related(&vpc.path)
            .hint(format!(
                "reserve {} in the VPC (create no vSwitch there), or move the {what} range outside the VPC CIDR",
                r.cidr
            )),
        );
    }
}
