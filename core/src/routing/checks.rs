//! The connectivity checks an operator runs after rollout. Each states what the design
//! intends (`outcome`), decided from the mode and the sessions, not read off the tables;
//! `path` is what `trace` finds through the same tables, and the test suite holds the two
//! to each other for every vector and for random specs.

use super::topology::Topology;
use super::trace::{Endpoint, node_address, trace_tables};
use super::{Check, Device, Outcome, Routing, services};
use crate::cidr::{Cidr, Family};
use crate::mode::{Cni, ModeDecision};
use crate::spec::HybridCluster;
use std::net::IpAddr;

/// A pod address in `range`, past the first blocks (which the first nodes take).
fn pod_address(range: Cidr, upper: bool) -> Option<IpAddr> {
    let size = range.addresses_saturating();
    let n = if upper { size / 2 + 10 } else { 257 };
    range.nth(n).or_else(|| range.nth(1))
}

struct Checks<'t, 's> {
    t: &'t Topology<'s>,
    routing: &'t Routing,
    out: Vec<Check>,
    /// Further addresses the next checks travel through (an overlay's node addresses).
    through: Vec<IpAddr>,
}

impl Checks<'_, '_> {
    /// How many of the spec's node, pod, service, vSwitch, peering and cloud-service
    /// ranges hold `addr`.
    fn claims(&self, addr: IpAddr) -> usize {
        let t = self.t;
        t.dc_nodes
            .iter()
            .chain(&t.dc_pods)
            .chain(&t.services)
            .chain(&t.peering)
            .chain(&t.extra)
            .chain(&t.cloud_services)
            .chain(t.vswitches().map(|v| &v.0))
            .filter(|r| r.contains_addr(addr))
            .count()
    }

    #[allow(clippy::too_many_arguments)]
    fn add(
        &mut self,
        from: String,
        to: String,
        src: Option<(IpAddr, Device)>,
        dst: Option<(IpAddr, Option<Device>)>,
        outcome: Outcome,
        expect: String,
        probe: &str,
    ) {
        let (Some((src, src_node)), Some((dst, dst_node))) = (src, dst) else {
            return;
        };
        // An address two of the spec's ranges claim (an overlap the diagnostics name) has no
        // one place: there is no check to state for it.
        if [src, dst]
            .iter()
            .chain(&self.through)
            .any(|&a| self.claims(a) > 1)
        {
            return;
        }
        let end = Endpoint {
            addr: dst,
            node: dst_node,
        };
        let t = trace_tables(&self.routing.tables, Endpoint::on(src, src_node), end);
        self.out.push(Check {
            from,
            to,
            src: src.to_string(),
            dst: dst.to_string(),
            src_node,
            dst_node,
            path: t.path(),
            expect,
            outcome,
            probe: probe.to_owned(),
            failed: Vec::new(),
        });
    }

    /// With two or more circuits: each check between the nodes or the pods of the two
    /// sides again with one circuit down. The design keeps it delivered when another
    /// circuit carries its family; `path` is what `trace` finds with that VBR failed.
    fn failover(&mut self) {
        let t = self.t;
        if t.circuits.len() < 2 {
            return;
        }
        let across = ["DC node", "ECS node", "DC pod", "cloud pod"];
        let base: Vec<Check> = self
            .out
            .iter()
            .filter(|c| across.iter().any(|a| c.from.starts_with(a)))
            .filter(|c| c.outcome == Outcome::Delivered)
            .filter(|c| c.path.iter().any(|d| matches!(d, Device::Vbr(_))))
            .cloned()
            .collect();
        for circuit in &t.circuits {
            let down = circuit.device();
            let tables = super::failover::tables_after(&self.routing.tables, &[down]);
            for check in &base {
                let Ok(src) = check.src.parse::<IpAddr>() else {
                    continue;
                };
                let Ok(dst) = check.dst.parse::<IpAddr>() else {
                    continue;
                };
                let family = Family::of(dst);
                let survives = t
                    .circuits
                    .iter()
                    .any(|c| c.device() != down && c.carries(family));
                let end = Endpoint {
                    addr: dst,
                    node: check.dst_node,
                };
                let trace = trace_tables(&tables, Endpoint::on(src, check.src_node), end);
                let note = format!(" ({} down)", circuit.vbr.id);
                self.out.push(Check {
                    from: format!("{}{note}", check.from),
                    to: check.to.clone(),
                    path: trace.path(),
                    expect: if survives {
                        format!(
                            "still replies, over the other circuit, within about a second of the failure with BFD ({})",
                            check.expect
                        )
                    } else {
                        format!("no route while {} is down: no other circuit carries {family}", circuit.vbr.id)
                    },
                    outcome: if survives {
                        Outcome::Delivered
                    } else {
                        Outcome::NoRoute
                    },
                    failed: vec![down],
                    ..check.clone()
                });
            }
        }
    }
}

pub(crate) fn connectivity(
    spec: &HybridCluster,
    mode: &ModeDecision,
    routing: &Routing,
) -> Vec<Check> {
    let mut ignored = Vec::new();
    let t = Topology::new(spec, mode, &mut ignored);
    let mut c = Checks {
        t: &t,
        routing,
        out: Vec::new(),
        through: Vec::new(),
    };
    for &family in &t.families {
        family_checks(&mut c, family);
    }
    cloud_service_checks(&mut c);
    c.failover();
    c.out
}

fn family_checks(c: &mut Checks, family: Family) {
    let t = c.t;
    let v = if family == Family::V6 { " (IPv6)" } else { "" };
    let first = |list: &[Cidr]| list.iter().copied().find(|x| x.family() == family);
    let dc_node = first(&t.dc_nodes)
        .and_then(node_address)
        .map(|a| (a, Device::DcNode));
    let ecs_node = t
        .node_vswitches
        .iter()
        .map(|v| v.0)
        .find(|x| x.family() == family)
        .and_then(node_address)
        .map(|a| (a, Device::EcsNode));
    let pods = first(&t.dc_pods);
    let dc_pod = pods
        .and_then(|p| pod_address(p, false))
        .map(|a| (a, Device::DcNode));
    let cloud_pod = if t.cloud_cni == Cni::Terway {
        t.pod_vswitches
            .iter()
            .map(|v| v.0)
            .find(|x| x.family() == family)
            .and_then(node_address)
    } else {
        pods.and_then(|p| pod_address(p, true))
    }
    .map(|a| (a, Device::EcsNode));
    let service = first(&t.services).and_then(|s| s.nth(1));

    // Nodes reach each other across the VBR in the families its sessions carry, and only
    // when the DC nodes have a route of that family to the edge.
    let nodes_cross = t.crosses_vbr(family) && !t.dc_default_routes(family).is_empty();
    let edge_learns = t.vbr_edge().is_some_and(|e| t.edge_learns_pods(&e, family));
    let across = |ok: bool| {
        if ok {
            Outcome::Delivered
        } else {
            Outcome::NoRoute
        }
    };
    let no_path = |what: &str| {
        format!(
            "no route, by design of this plan: {what} (see the {} diagnostics)",
            if family == Family::V6 {
                "dc-ipv6-missing"
            } else {
                "routing"
            }
        )
    };
    let node_expect = |ok: bool| {
        if ok {
            "replies, along the path shown".to_owned()
        } else {
            no_path("IPv6 has no BGP session across the VBR or no route to the DC edge")
        }
    };
    c.add(
        format!("DC node{v}"),
        format!("ECS node{v}"),
        dc_node,
        ecs_node.map(|(a, d)| (a, Some(d))),
        across(nodes_cross),
        node_expect(nodes_cross),
        "ping; TCP connect to 10250 (kubelet)",
    );
    c.add(
        format!("ECS node{v}"),
        format!("DC node{v}"),
        ecs_node,
        dc_node.map(|(a, d)| (a, Some(d))),
        across(nodes_cross),
        node_expect(nodes_cross),
        "ping; TCP connect to 6443 (the API server) or 10250 (kubelet)",
    );

    // Pods: routed modes advertise the DC pod range (in the families whose sessions carry
    // it); an overlay on both sides carries pods inside tunnels between node addresses of
    // the family it runs over; Terway beside an overlay leaves DC pods unknown to the VPC.
    let (dc_to_cloud, cloud_to_dc, pod_expect) = match t.cloud_cni {
        Cni::Terway if t.routed() => (
            nodes_cross,
            t.crosses_vbr(family) && edge_learns,
            "replies; each side sees the other pod's own address (no SNAT, no tunnel)",
        ),
        Cni::Terway => (
            nodes_cross,
            false,
            "DC pods leave through their node's address (natOutgoing); nothing routes back to DC pods",
        ),
        _ => {
            // Both sides need node addresses of the family the tunnel runs over.
            let (_, underlay) = t.overlay_encapsulation(family);
            let ok = t.crosses_vbr(underlay)
                && !t.dc_default_routes(underlay).is_empty()
                && t.dc_speaks(underlay)
                && t.ecs_speaks(underlay);
            (
                ok,
                ok,
                "replies; the pods talk through the overlay's tunnel between the two nodes",
            )
        }
    };
    let pod_text = |ok: bool| {
        if ok {
            pod_expect.to_owned()
        } else if t.cloud_cni == Cni::Terway && !t.routed() {
            "no route: Terway beside an overlay DC leaves DC pods unknown to the VPC (a Service does not help: kube-proxy sends to the DC pod's address)".to_owned()
        } else {
            no_path("pod routes of this family do not cross the VBR")
        }
    };
    // Overlay packets travel between node addresses of the tunnel's family.
    if t.overlay_spans_both_sides() {
        let (_, underlay) = t.overlay_encapsulation(family);
        let dc = t.dc_nodes.iter().copied().find(|c| c.family() == underlay);
        let ecs = t
            .node_vswitches
            .iter()
            .map(|v| v.0)
            .find(|c| c.family() == underlay);
        c.through = [dc, ecs]
            .into_iter()
            .flatten()
            .filter_map(node_address)
            .collect();
    }
    c.add(
        format!("DC pod{v}"),
        format!("cloud pod{v}"),
        dc_pod,
        cloud_pod.map(|(a, d)| (a, Some(d))),
        across(dc_to_cloud),
        if dc_to_cloud && t.cloud_cni == Cni::Terway && !t.routed() {
            pod_expect.to_owned()
        } else if dc_to_cloud && t.dc_pods_masqueraded_to_cloud(family) {
            "replies; the cloud pod sees the DC node's address: Cilium masquerades what leaves for outside its native-routing CIDR, which holds the DC pods but not the VPC".to_owned()
        } else {
            pod_text(dc_to_cloud)
        },
        "from a DC pod: ping and a TCP connect to a listening cloud pod",
    );
    c.add(
        format!("cloud pod{v}"),
        format!("DC pod{v}"),
        cloud_pod,
        dc_pod.map(|(a, d)| (a, Some(d))),
        across(cloud_to_dc),
        pod_text(cloud_to_dc),
        "from a cloud pod: ping and a TCP connect to a listening DC pod (CoreDNS, a webhook)",
    );
    c.through.clear();
    for (from, pod, who) in [
        ("DC pod", dc_pod, "the DC node"),
        ("cloud pod", cloud_pod, "the ECS node"),
    ] {
        c.add(
            format!("{from}{v}"),
            "service".to_owned(),
            pod,
            service.map(|s| (s, None)),
            Outcome::Delivered,
            format!("kube-proxy on {who} answers for the service address"),
            &format!("from a {from}: TCP connect to the kubernetes service (port 443)"),
        );
    }
}

fn cloud_service_checks(c: &mut Checks) {
    let t = c.t;
    let spec = t.spec;
    // An address the DC's own ranges also hold is theirs (the spec has an overlap error).
    let in_dc = |a: IpAddr| {
        t.dc_nodes
            .iter()
            .chain(&t.dc_pods)
            .chain(&t.services)
            .any(|r| r.contains_addr(a))
    };
    let Some(dc_node) = t
        .dc_nodes
        .iter()
        .copied()
        .find(|x| x.family() == Family::V4)
        .and_then(node_address)
        .map(|a| (a, Device::DcNode))
    else {
        return;
    };
    if spec.cloud_services.oss
        && let Some(oss) = services::oss_vip_ranges(&spec.cloud.region)
            .and_then(|r| r.first().copied())
            .and_then(|c| c.nth(1))
        && !in_dc(oss)
    {
        c.add(
            "DC node".into(),
            "OSS".into(),
            Some(dc_node),
            Some((oss, None)),
            Outcome::Delivered,
            "connects: the region's OSS VIP ranges are routed toward the VBR and, on the transit router, to the VPC".into(),
            &format!("curl -sI https://oss-{}-internal.aliyuncs.com", spec.cloud.region),
        );
    }
    if spec.cloud_services.container_registry
        && t.oss_known
        && let Some(registry) = services::registry_addresses(&spec.cloud.region)
            .first()
            .and_then(|c| c.nth(0))
        && !in_dc(registry)
    {
        c.add(
            "DC node".into(),
            "Container Registry".into(),
            Some(dc_node),
            Some((registry, None)),
            Outcome::Delivered,
            "connects: Container Registry's VPC endpoint is routed like OSS".into(),
            &format!(
                "curl -sI https://{}/v2/",
                services::registry_domain(&spec.cloud.region)
            ),
        );
    }
}
