//! Spec-level rules that need no planning decision: ranges, families, BGP numbers and the
//! VBR. Capacity rules come with the numbers they check (see `addressing`), and mode rules
//! with the mode decision (see `mode`).

mod bgp;
mod family;
mod ranges;

use crate::Diagnostic;
use crate::spec::HybridCluster;

pub(crate) use ranges::reserved_ranges;

pub(crate) fn check(spec: &HybridCluster) -> Vec<Diagnostic> {
    let mut out = spec.read_diagnostics.clone();
    family::check(spec, &mut out);
    ranges::check(spec, &mut out);
    bgp::check(spec, &mut out);
    security_groups(spec, &mut out);
    growth(spec, &mut out);
    transit_router_zones(spec, &mut out);
    out
}

/// The transit router's VPC connection wants a vSwitch in two zones or more.
fn transit_router_zones(spec: &HybridCluster, out: &mut Vec<Diagnostic>) {
    use crate::{Code, facts};
    let cloud = &spec.cloud;
    let vswitches = cloud.transit_router_vswitches();
    if vswitches.len() >= facts::TRANSIT_ROUTER_MIN_ZONES {
        return;
    }
    let zones: Vec<&str> = vswitches.iter().map(|v| v.zone.as_str()).collect();
    let (path, whose) = if cloud.transit_router_vswitches.is_empty() {
        ("/cloud/zones", "the first node vSwitch of each zone")
    } else {
        ("/cloud/transitRouterVSwitches", "the vSwitches named")
    };
    out.push(
        Diagnostic::new(
            Code::TransitRouterZones,
            path,
            format!(
                "the transit router's VPC connection gets {whose}: zone {}; in regions where an Enterprise Edition transit router spans several zones ({} among them) it needs a vSwitch with a free address in at least {} zones",
                zones.join(", "),
                "cn-hangzhou",
                facts::TRANSIT_ROUTER_MIN_ZONES
            ),
        )
        .hint("name a vSwitch in a second zone of the region under cloud.transitRouterVSwitches (a /29 is enough); the Terraform takes them as var.transit_router_vswitches"),
    );
}

/// Planned growth (`maxNodes`) below today's count is a typo, not a plan.
fn growth(spec: &HybridCluster, out: &mut Vec<Diagnostic>) {
    use crate::Code;
    for (side, nodes, max_nodes) in [
        ("onPrem", spec.on_prem.nodes, spec.on_prem.max_nodes),
        ("cloud", spec.cloud.nodes, spec.cloud.max_nodes),
    ] {
        if max_nodes < nodes {
            out.push(
                Diagnostic::new(
                    Code::SpecInvalid,
                    format!("/{side}/maxNodes"),
                    format!("maxNodes {max_nodes} is below nodes {nodes}: planned growth cannot be smaller than today"),
                )
                .related(format!("/{side}/nodes"))
                .hint(format!("set maxNodes to {nodes} or more, or leave it out")),
            );
        }
    }
}

fn security_groups(spec: &HybridCluster, out: &mut Vec<Diagnostic>) {
    use crate::{Code, facts};
    let groups = &spec.cloud.security_groups;
    if groups.is_empty() {
        out.push(
            Diagnostic::new(
                Code::SpecInvalid,
                "/cloud/securityGroups",
                "Terway needs at least one security group for the ENIs it creates",
            )
            .hint("give the security group of the ECS nodes"),
        );
    }
    if groups.len() > facts::TERWAY_MAX_SECURITY_GROUPS {
        out.push(
            Diagnostic::new(
                Code::SecurityGroupLimit,
                format!(
                    "/cloud/securityGroups/{}",
                    facts::TERWAY_MAX_SECURITY_GROUPS
                ),
                format!(
                    "{} security groups given; Terway accepts at most {}",
                    groups.len(),
                    facts::TERWAY_MAX_SECURITY_GROUPS
                ),
            )
            .hint("merge rules into fewer security groups"),
        );
    }
}
