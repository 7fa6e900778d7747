//! The plan as short text for people: errors first, then the mode and why, the address
//! budget, and what the later sections hold.

use crate::addressing::{PodRangeBudget, UnitKind};
use crate::mode::BgpTopology;
use crate::{Diagnostic, Plan, Severity};
use std::fmt::Write;

/// Renders a plan as a readable summary.
pub fn render_text(plan: &Plan) -> String {
    let mut out = String::new();
    diagnostics(&mut out, &plan.diagnostics);
    mode(&mut out, plan);
    addressing(&mut out, plan);
    routing(&mut out, plan);
    flows(&mut out, plan);
    let _ = writeln!(
        out,
        "\nApply in this order: the Terraform (terraform/: {}), then the manifests, then the connectivity checks",
        crate::render::TERRAFORM_FILES.join(", ")
    );
    if plan.has_errors() {
        out.push_str("\nManifests: none while errors stand\n");
    } else {
        let _ = writeln!(out, "\nManifests: {} files", plan.manifests.len());
        for m in &plan.manifests {
            let _ = writeln!(out, "  {} ({})", m.file, m.component);
        }
        changes(&mut out, plan);
    }
    terway(&mut out, plan);
    steps(&mut out, plan);
    let _ = writeln!(out, "\nConnectivity checks:");
    for c in &plan.connectivity {
        let path: Vec<String> = c.path.iter().map(ToString::to_string).collect();
        let _ = writeln!(
            out,
            "  {} -> {} ({} -> {}): {}: {}\n      path {}; probe: {}",
            c.from,
            c.to,
            c.src,
            c.dst,
            c.outcome.as_str(),
            c.expect,
            path.join(" > "),
            c.probe
        );
    }
    out
}

fn flows(out: &mut String, plan: &Plan) {
    out.push_str("\nFlows across Express Connect (security groups and DC firewalls):\n");
    for f in &plan.flows {
        let port = f.port.map(|p| format!(" {p}")).unwrap_or_default();
        let cidrs = |e: &crate::routing::FlowEnd| {
            e.cidrs
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(",")
        };
        let _ = writeln!(
            out,
            "  {}{port:<6} {} ({}) -> {} ({}): {}",
            f.protocol.as_str(),
            f.from.name,
            cidrs(&f.from),
            f.to.name,
            cidrs(&f.to),
            f.why
        );
    }
}

fn changes(out: &mut String, plan: &Plan) {
    if plan.changes.is_empty() {
        return;
    }
    out.push_str("\nChanges to live objects, in the order applied:\n");
    for c in &plan.changes {
        let value = |v: &Option<String>| v.clone().unwrap_or_else(|| "(none)".into());
        let field = if c.field.is_empty() {
            " created".to_owned()
        } else {
            format!(" {}", c.field)
        };
        let change = if c.field.is_empty() {
            value(&c.after)
        } else {
            format!("{} -> {}", value(&c.before), value(&c.after))
        };
        let _ = writeln!(out, "  {}{field}: {change} [{}]", c.object, c.by);
        let _ = writeln!(out, "      why: {}", c.why);
        if !c.known_from.is_empty() {
            let _ = writeln!(out, "      today's value from: {}", c.known_from);
        }
    }
}

fn terway(out: &mut String, plan: &Plan) {
    let Some(t) = &plan.terway else {
        return;
    };
    out.push_str("\nTerway component (registered cluster):\n");
    for p in &t.parameters {
        let _ = writeln!(out, "  {:<30} {:<24} set in: {}", p.name, p.value, p.set_in);
        let _ = writeln!(out, "  {:<30} {:<24} becomes: {}", "", "", p.field);
    }
    let _ = writeln!(out, "  component config: {}", t.addon_config);
    if let Some(patch) = &t.eni_conf_patch {
        let _ = writeln!(out, "  eni_conf merge patch: {patch}");
    }
    for pool in &t.node_pools {
        let _ = writeln!(
            out,
            "  node pool {}: label {}, eni_conf {}",
            pool.name, pool.label, pool.eni_conf
        );
    }
}

fn steps(out: &mut String, plan: &Plan) {
    out.push_str("\nSteps:\n");
    for (i, s) in plan.steps.iter().enumerate() {
        let side = match s.side {
            crate::steps::Side::Cloud => "cloud",
            crate::steps::Side::Dc => "dc",
        };
        let _ = writeln!(out, "  {}. [{side}] {}", i + 1, s.title);
        for d in &s.details {
            let _ = writeln!(out, "       - {d}");
        }
        if let Some(src) = &s.source {
            let _ = writeln!(out, "       source: {src}");
        }
    }
}

fn routing(out: &mut String, plan: &Plan) {
    let r = &plan.routing;
    out.push_str("\nRouting:\n");
    if let Some(adv) = &r.vbr_advertisement {
        let list: Vec<String> = adv.prefixes.iter().map(ToString::to_string).collect();
        let _ = writeln!(
            out,
            "  DC edge -> VBR: {} prefixes (limit {}): {}",
            adv.prefixes.len(),
            adv.limit,
            list.join(", ")
        );
    }
    for a in &r.aggregation {
        let _ = writeln!(out, "  {}", a.note);
    }
    for s in &r.bgp_sessions {
        let _ = writeln!(
            out,
            "  BGP {} {} (AS {}) <-> {} {} (AS {}), {} {} x{}",
            s.local.device,
            s.local.address,
            s.local.as_number,
            s.peer.device,
            s.peer.address,
            s.peer.as_number,
            s.family,
            s.kind.as_str(),
            s.count
        );
    }
    for t in &r.tables {
        let _ = writeln!(out, "  table {}: {}", t.device, t.label);
        for e in &t.entries {
            let next = match (e.next_device, &e.tunnel) {
                (Some(d), _) => d.to_string(),
                (None, Some(t)) => format!("{} tunnel", t.encapsulation.as_str()),
                (None, None) => "delivered".to_owned(),
            };
            let next = match e.path {
                Some(role) => format!("{next}, {}", role.as_str()),
                None => next,
            };
            let _ = writeln!(
                out,
                "    {:<22} {:<11} {} [{next}]",
                e.destination.to_string(),
                e.origin.as_str(),
                e.next_hop
            );
        }
    }
}

/// Renders a trace hop by hop.
pub fn render_trace(trace: &crate::Trace) -> String {
    let mut out = format!("trace {} -> {}\n", trace.src, trace.dst);
    for (i, h) in trace.hops.iter().enumerate() {
        let matched = h
            .matched
            .map_or_else(|| "no route".to_owned(), |m| m.to_string());
        let via = h.next_hop.as_deref().unwrap_or("-");
        let origin = h.origin.map_or("", |o| o.as_str());
        let tunnel = h
            .tunnel
            .as_deref()
            .map(|t| format!(" [in {t}]"))
            .unwrap_or_default();
        let role = h
            .path
            .map(|p| format!(" [{}]", p.as_str()))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "{:>3}  {:<10} {:<20} {:<11} {via}{tunnel}{role}",
            i + 1,
            h.device.to_string(),
            matched,
            origin
        );
    }
    let _ = writeln!(out, "{}: {}", trace.outcome.as_str(), trace.reason);
    out
}

/// Renders diagnostics alone (for a spec that could not be planned).
/// Renders a comparison of a plan with a cluster.
pub fn render_drift(drift: &crate::Drift) -> String {
    let mut out = String::new();
    if drift.in_sync {
        out.push_str("In sync: the cluster is in the planned state.\n");
        return out;
    }
    let _ = writeln!(
        out,
        "Drift: {} between the plan and the cluster",
        plural(drift.differences.len(), "difference")
    );
    let value = |v: &Option<String>| v.clone().unwrap_or_else(|| "(none)".into());
    for d in &drift.differences {
        let _ = writeln!(
            out,
            "  {}: plan {}, cluster {}",
            d.what,
            value(&d.planned),
            value(&d.live)
        );
        let _ = writeln!(out, "      plan: {}", d.plan_at);
        let _ = writeln!(out, "      cluster: {}", d.cluster_at);
    }
    out
}

/// Diagnostics as text, errors first, with counts per severity.
pub fn render_diagnostics(list: &[Diagnostic]) -> String {
    let mut out = String::new();
    diagnostics(&mut out, list);
    out
}

fn count(list: &[Diagnostic], severity: Severity) -> usize {
    list.iter().filter(|d| d.severity() == severity).count()
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

fn diagnostics(out: &mut String, list: &[Diagnostic]) {
    let _ = writeln!(
        out,
        "Diagnostics: {}, {}, {}",
        plural(count(list, Severity::Error), "error"),
        plural(count(list, Severity::Warning), "warning"),
        plural(count(list, Severity::Info), "note")
    );
    for severity in [Severity::Error, Severity::Warning, Severity::Info] {
        for d in list.iter().filter(|d| d.severity() == severity) {
            let at = if d.path.is_empty() { "/" } else { &d.path };
            let _ = writeln!(out, "  {:<7} {:<22} {at}", d.severity(), d.code().as_str());
            let _ = writeln!(out, "          {}", d.message);
            if !d.related.is_empty() {
                let _ = writeln!(out, "          related: {}", d.related.join(", "));
            }
            if let Some(h) = &d.hint {
                let _ = writeln!(out, "          hint: {h}");
            }
        }
    }
}

fn mode(out: &mut String, plan: &Plan) {
    let m = &plan.mode;
    let topology = match m.bgp_topology {
        BgpTopology::RouteReflectors => format!(", {} route reflectors", m.route_reflectors),
        BgpTopology::FullMesh => ", BGP full mesh".to_owned(),
        BgpTopology::None => String::new(),
    };
    let _ = writeln!(
        out,
        "\nMode: {}{topology}; ECS nodes: {}",
        m.selected, m.cloud_cni
    );
    for r in &m.reasons {
        let _ = writeln!(out, "  - {r}");
    }
    let ranked: Vec<String> = m
        .candidates
        .iter()
        .map(|c| {
            format!(
                "{}. {}{}",
                c.rank,
                c.mode,
                if c.fits { "" } else { " (does not fit)" }
            )
        })
        .collect();
    let _ = writeln!(out, "  candidates: {}", ranked.join(", "));
    let c = &plan.cni;
    let _ = writeln!(
        out,
        "  DC CNI today: {} {}, {} install{}",
        c.plugin,
        c.version,
        c.install.as_str(),
        if c.assumed {
            " (assumed: onPrem.cni does not say)"
        } else {
            ""
        }
    );
}

fn pods(out: &mut String, b: &PodRangeBudget) {
    let cidrs: Vec<String> = b.cidrs.iter().map(ToString::to_string).collect();
    let unit = match b.unit {
        UnitKind::CalicoBlock => "blocks",
        UnitKind::NodeSubnet => "node subnets",
    };
    let who = if b.cloud_nodes_planned > 0 {
        format!(
            " ({} DC + {} ECS)",
            b.dc_nodes_planned, b.cloud_nodes_planned
        )
    } else {
        String::new()
    };
    let _ = writeln!(
        out,
        "  Pods {} {}: {} /{} {unit}, {} per node -> {} nodes for {} planned{who} (headroom {})\n    allocated by {}",
        b.family,
        cidrs.join(", "),
        b.units,
        b.unit_prefix_length,
        b.units_per_node,
        b.nodes_supported,
        b.nodes_planned,
        b.headroom_nodes,
        b.allocated_by
    );
}

fn addressing(out: &mut String, plan: &Plan) {
    let a = &plan.addressing;
    out.push_str("\nAddressing:\n");
    for b in &a.dc_pods {
        pods(out, b);
    }
    match &a.cloud_pods {
        Some(c) => {
            let _ = writeln!(
                out,
                "  Cloud pods: Terway {}, {} pods per ECS node (ENIs allow {}), {} nodes -> {} pods",
                c.terway_mode.as_str(),
                c.pods_per_node,
                c.pods_per_node_limit,
                c.nodes_planned,
                c.pods_planned
            );
            for z in &c.zones {
                let _ = writeln!(
                    out,
                    "    zone {}: {} usable pod IPs for {} pods (headroom {})",
                    z.zone, z.pod_vswitch_addresses, z.pods_planned, z.headroom
                );
            }
        }
        None => {
            let _ = writeln!(
                out,
                "  Cloud pods: from the overlay's pod range (above), no pod vSwitches"
            );
        }
    }
    out.push_str("  Ranges:\n");
    for r in &a.ranges {
        let role = r.role.as_str();
        let id =
            r.id.as_deref()
                .map(|i| format!(" ({i})"))
                .unwrap_or_default();
        let _ = writeln!(
            out,
            "    {role:<20} {:<22} {} addresses{id}",
            r.cidr.to_string(),
            r.addresses
        );
    }
    for s in &a.suggestions {
        let at = s.cidr.map(|c| format!(": {c} is free")).unwrap_or_default();
        let _ = writeln!(
            out,
            "  Suggestion for {}: /{} or larger ({}){at}",
            s.path, s.minimum_prefix_length, s.reason
        );
    }
}
