//! The limits of what crosses into the cloud: the VBR accepts 110 routes per BGP peer and
//! drops the rest; route synchronisation puts the DC's prefixes into the VPC route table,
//! which holds 200 custom entries.

use super::topology::Topology;
use crate::cidr::{Cidr, Family, ceil_log2, find_free};
use crate::{Code, Diagnostic, facts};

pub(super) fn check_vbr_limit(t: &Topology, advertised: &[Cidr], out: &mut Vec<Diagnostic>) {
    let limit = facts::VBR_MAX_ROUTES_PER_PEER;
    if advertised.len() <= limit {
        return;
    }
    // A summary the DC could own: one block of the size the DC's prefixes need, free of
    // everything else in the spec.
    let needed: u128 = advertised
        .iter()
        .filter(|c| c.family() == Family::V4)
        .map(|c| c.addresses_saturating())
        .fold(0, u128::saturating_add);
    let len = 32u32.saturating_sub(ceil_log2(needed)) as u8;
    // Everything but the advertised ranges themselves (they are what gets renumbered).
    let mut used: Vec<Cidr> = t
        .vpcs
        .iter()
        .chain(&t.services)
        .chain(&t.extra)
        .chain(&t.peering)
        .copied()
        .collect();
    if !t.routed() {
        used.extend(&t.dc_pods);
    }
    used.extend(t.vswitches().map(|v| v.0));
    used.extend(crate::rules::reserved_ranges().into_iter().map(|(c, _)| c));
    let block = facts::VPC_PRIVATE_BLOCKS
        .into_iter()
        .find_map(|b| find_free(b, len, &used));
    let hint = match block {
        Some(b) => format!(
            "renumber the DC ranges into one block the DC owns, e.g. {b}, and advertise only that summary (the edge must aggregate per-block routes)"
        ),
        None => {
            "renumber the DC ranges into fewer, contiguous blocks, and aggregate at the DC edge"
                .to_owned()
        }
    };
    // Each VBR has its own peer and its own limit; every edge advertises the same summary.
    for circuit in &t.circuits {
        out.push(
            Diagnostic::new(
                Code::VbrRouteLimit,
                "/onPrem/nodeCidrs",
                format!(
                    "DC edge {} would advertise {} prefixes to VBR {} even after exact summarisation; the VBR accepts {limit} per BGP peer and silently drops the rest",
                    circuit.edge.router.ip,
                    advertised.len(),
                    circuit.vbr.id
                ),
            )
            .related("/onPrem/podCidr")
            .related(&circuit.vbr.path)
            .hint(hint.clone()),
        );
    }
}

pub(super) fn check_vpc_limit(advertised: &[Cidr], out: &mut Vec<Diagnostic>) {
    let limit = facts::VPC_MAX_CUSTOM_ROUTES;
    if advertised.len() > limit {
        out.push(
            Diagnostic::new(
                Code::VpcRouteLimit,
                "/onPrem/nodeCidrs",
                format!(
                    "route synchronisation would put {} DC prefixes into the VPC route table; it holds {limit} custom entries",
                    advertised.len()
                ),
            )
            .hint("aggregate the DC prefixes, or raise the route-table quota"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn more_than_200_synchronised_routes_warn_about_the_vpc_route_table() {
        let prefixes: Vec<Cidr> = (0..201u32)
            .map(|i| Cidr::truncate(Family::V4, u128::from(0xac10_0000 + (i << 9)), 24))
            .collect();
        let mut out = Vec::new();
        check_vpc_limit(&prefixes[..200], &mut out);
        assert!(out.is_empty());
        check_vpc_limit(&prefixes, &mut out);
        assert_eq!(out[0].code(), Code::VpcRouteLimit);
        assert!(out[0].message.contains("201"));
    }
}
