//! Builds the route table of every hop and the BGP sessions from the spec and the mode,
//! and checks what crosses the VBR and lands in the VPC route table against their limits.

use super::device::{CEN, DC_EDGE, DC_NODE, ECS_NODE, VBR, VPC};
use super::{
    Aggregation, BgpSession, BgpSpeaker, HopTable, RouteEntry, RouteOrigin, Routing,
    VbrAdvertisement, oss,
};
use crate::addressing::{Addressing, Count};
use crate::cidr::{Cidr, Family, find_free, summarize};
use crate::mode::{BgpTopology, ModeDecision};
use crate::spec::{HybridCluster, NetworkMode};
use crate::{Code, Diagnostic, facts};
use std::collections::HashSet;

/// The device name of edge router `i`: the first one, which peers with the VBR, is `dc-edge`.
/// The device name of the `i`-th edge router: `dc-edge`, then `dc-edge-2`, ….
pub(crate) fn edge_device(i: usize) -> String {
    if i == 0 {
        DC_EDGE.to_owned()
    } else {
        format!("{DC_EDGE}-{}", i + 1)
    }
}

/// Cloud-service range routed when the region's OSS ranges are not known (DOMAIN §4.6).
const CLOUD_SERVICES_FALLBACK: &str = "100.64.0.0/10";

struct Table {
    device: String,
    label: String,
    entries: Vec<RouteEntry>,
    /// Destinations already present: one entry per destination, the first source wins.
    seen: HashSet<Cidr>,
}

impl Table {
    fn new(device: &str, label: String) -> Table {
        Table {
            device: device.to_owned(),
            label,
            entries: Vec::new(),
            seen: HashSet::new(),
        }
    }

    fn add(
        &mut self,
        destination: Cidr,
        next_hop: impl Into<String>,
        origin: RouteOrigin,
        next: Option<&str>,
    ) {
        if !self.seen.insert(destination) {
            return;
        }
        self.entries.push(RouteEntry {
            destination,
            next_hop: next_hop.into(),
            origin,
            next_device: next.map(str::to_owned),
        });
    }

    fn add_all(&mut self, list: &[Cidr], next_hop: &str, origin: RouteOrigin, next: Option<&str>) {
        for &c in list {
            self.add(c, next_hop, origin, next);
        }
    }

    fn finish(mut self) -> HopTable {
        // Destinations are unique (`add` skips repeats): an unstable sort gives one order.
        self.entries.sort_unstable_by_key(|e| e.destination);
        HopTable {
            device: self.device,
            label: self.label,
            entries: self.entries,
        }
    }
}

/// The prefixes of the plan, grouped by what they are.
struct Prefixes {
    dc_nodes: Vec<Cidr>,
    dc_pods: Vec<Cidr>,
    services: Vec<Cidr>,
    node_vswitches: Vec<(Cidr, String)>,
    pod_vswitches: Vec<(Cidr, String)>,
    vpcs: Vec<Cidr>,
    peering: Vec<Cidr>,
    extra: Vec<Cidr>,
    /// Cloud-service ranges the DC routes toward the VBR (OSS VIPs, or the fallback).
    cloud_services: Vec<Cidr>,
}

fn prefixes(spec: &HybridCluster, out: &mut Vec<Diagnostic>) -> Prefixes {
    let op = &spec.on_prem;
    let list = |l: &[crate::spec::SpecCidr]| l.iter().map(|c| c.cidr).collect::<Vec<_>>();
    let mut node_vswitches = Vec::new();
    let mut pod_vswitches = Vec::new();
    for zone in &spec.cloud.zones {
        for (dst, list) in [
            (&mut node_vswitches, &zone.node_vswitches),
            (&mut pod_vswitches, &zone.pod_vswitches),
        ] {
            for v in list.iter() {
                dst.push((v.cidr, v.id.clone()));
                if let Some(v6) = v.ipv6_cidr {
                    dst.push((v6, v.id.clone()));
                }
            }
        }
    }
    let vbr = &spec.interconnect.vbr;
    let mut peering = vec![vbr.peering_subnet];
    peering.extend(vbr.ipv6.as_ref().map(|v| v.peering_subnet));
    let mut cloud_services = Vec::new();
    if spec.cloud_services.oss {
        match oss::vip_ranges(&spec.cloud.region) {
            Some(ranges) => cloud_services.extend(ranges),
            None => {
                cloud_services.extend(Cidr::from_table(CLOUD_SERVICES_FALLBACK));
                out.push(
                    Diagnostic::new(
                        Code::OssRegionUnknown,
                        "/cloud/region",
                        format!(
                            "no OSS VIP ranges are recorded for region {}; the DC routes {CLOUD_SERVICES_FALLBACK} toward the VBR instead",
                            spec.cloud.region
                        ),
                    )
                    .hint(format!(
                        "look up the region's OSS VIP ranges and give them as cloudServices.extraCidrs (known regions: {})",
                        oss::regions().join(", ")
                    )),
                );
            }
        }
    }
    Prefixes {
        dc_nodes: list(&op.node_cidrs),
        dc_pods: list(&op.pod_cidrs),
        services: list(&op.service_cidrs),
        node_vswitches,
        pod_vswitches,
        vpcs: list(&spec.cloud.vpc_cidrs),
        peering,
        extra: list(&spec.cloud_services.extra_cidrs),
        cloud_services,
    }
}

/// A speaker's addresses: IPv4, and IPv6 where it has one.
fn both(v4: std::net::IpAddr, v6: Option<std::net::IpAddr>) -> String {
    match v6 {
        Some(v6) => format!("{v4}, {v6}"),
        None => v4.to_string(),
    }
}

fn default_routes(families: &[Family]) -> Vec<Cidr> {
    families
        .iter()
        .filter_map(|f| {
            Cidr::from_table(if *f == Family::V4 {
                "0.0.0.0/0"
            } else {
                "::/0"
            })
        })
        .collect()
}

pub(crate) fn build(
    spec: &HybridCluster,
    mode: &ModeDecision,
    addressing: &Addressing,
) -> (Routing, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let p = prefixes(spec, &mut diagnostics);
    let routed = mode.selected.is_routed();
    let vbr = &spec.interconnect.vbr;
    let cen = &spec.interconnect.cen_id;
    let edges = &spec.on_prem.edge_routers;
    let edge_ip = edges.first().map_or_else(String::new, |e| e.ip.to_string());
    let vswitches: Vec<(Cidr, String)> = p
        .node_vswitches
        .iter()
        .chain(&p.pod_vswitches)
        .cloned()
        .collect();
    let vswitch_cidrs: Vec<Cidr> = vswitches.iter().map(|v| v.0).collect();

    // What the DC edge advertises to the VBR: the exact summary of the DC's prefixes.
    // Pod ranges only in routed modes; overlay pods leave the DC behind their node's address.
    let mut dc_owned: Vec<Cidr> = p.dc_nodes.clone();
    if routed {
        dc_owned.extend(&p.dc_pods);
    }
    let advertised = summarize(&dc_owned);
    check_vbr_limit(spec, &p, routed, &advertised, &mut diagnostics);
    check_vpc_limit(&advertised, &mut diagnostics);

    let families: Vec<Family> = {
        let mut f = vec![Family::V4];
        if p.dc_pods.iter().any(|c| c.family() == Family::V6) {
            f.push(Family::V6);
        }
        f
    };
    let pods_via = match mode.selected {
        NetworkMode::CalicoRouteReflector => {
            "the node owning each /block (BGP via the route reflectors)"
        }
        NetworkMode::CiliumBgp => "the node owning each PodCIDR (BGP from Cilium)",
        NetworkMode::CalicoIpip => "the node owning each /block, through the IPIP tunnel",
        NetworkMode::FlannelVxlan | NetworkMode::CiliumVxlan => {
            "the node owning each subnet, through the VXLAN tunnel"
        }
    };

    // DC node: the node hosting the address in question.
    let mut dc_node = Table::new(DC_NODE, "a DC node (Calico/Cilium/Flannel)".into());
    dc_node.add_all(
        &p.dc_nodes,
        "eth0 (DC node network)",
        RouteOrigin::Connected,
        None,
    );
    let pod_origin = if routed {
        RouteOrigin::Bgp
    } else {
        RouteOrigin::Static
    };
    dc_node.add_all(&p.dc_pods, pods_via, pod_origin, None);
    dc_node.add_all(
        &p.services,
        "kube-proxy on this node",
        RouteOrigin::System,
        None,
    );
    // The default route of each family points at the edge's address of that family; a
    // dual-stack DC whose edge has no IPv6 address has no IPv6 default (dc-ipv6-missing).
    for default in default_routes(&families) {
        let via = match default.family() {
            Family::V4 => Some(edge_ip.clone()),
            Family::V6 => edges.first().and_then(|e| e.ipv6).map(|a| a.to_string()),
        };
        if let Some(via) = via {
            dc_node.add(default, via, RouteOrigin::Static, Some(DC_EDGE));
        }
    }

    // DC edge routers.
    let mut tables = vec![dc_node.finish()];
    for (i, edge) in edges.iter().enumerate() {
        let device = edge_device(i);
        let role = if i == 0 {
            "peers with the VBR"
        } else {
            "peers with the cluster"
        };
        let mut t = Table::new(
            &device,
            format!("DC edge router {} (AS {}), {role}", edge.ip, edge.as_number),
        );
        t.add_all(
            &p.dc_nodes,
            "DC node network",
            RouteOrigin::Connected,
            Some(DC_NODE),
        );
        t.add_all(
            &p.peering,
            &format!("VBR link (VLAN {})", vbr.vlan_id),
            RouteOrigin::Connected,
            None,
        );
        if routed {
            t.add_all(
                &p.dc_pods,
                "DC nodes (per-block routes, aggregate before the VBR)",
                RouteOrigin::Bgp,
                Some(DC_NODE),
            );
            t.add_all(
                &p.services,
                "DC nodes (service cluster IPs)",
                RouteOrigin::Bgp,
                Some(DC_NODE),
            );
        }
        let to_vbr = format!("{} ({})", vbr.local_gateway_ip, vbr.id);
        for (c, id) in &vswitches {
            t.add(
                *c,
                format!("{to_vbr}, vSwitch {id}"),
                RouteOrigin::Bgp,
                Some(VBR),
            );
        }
        if spec.cloud_services.container_registry || spec.cloud_services.prometheus {
            // Container Registry and Managed Prometheus endpoints sit in the VPC (PrivateLink).
            t.add_all(
                &p.vpcs,
                &format!("{to_vbr}: VPC endpoints (Container Registry, Prometheus)"),
                RouteOrigin::Static,
                Some(VBR),
            );
        }
        t.add_all(
            &p.cloud_services,
            &format!("{to_vbr}: OSS and cloud services"),
            RouteOrigin::Static,
            Some(VBR),
        );
        t.add_all(
            &p.extra,
            &format!("{to_vbr}: cloudServices.extraCidrs"),
            RouteOrigin::Static,
            Some(VBR),
        );
        tables.push(t.finish());
    }

    // VBR.
    let mut t = Table::new(
        VBR,
        format!(
            "VBR {} (AS {}), gateway {}",
            vbr.id, vbr.as_number, vbr.local_gateway_ip
        ),
    );
    t.add_all(
        &p.peering,
        &format!("VLAN {} to the DC edge", vbr.vlan_id),
        RouteOrigin::Connected,
        None,
    );
    t.add_all(
        &advertised,
        &format!("{} (DC edge, BGP)", vbr.peer_gateway_ip),
        RouteOrigin::Bgp,
        Some(DC_EDGE),
    );
    // Everything the DC reaches in the cloud goes on through the transit router.
    let toward_cloud: Vec<Cidr> = vswitch_cidrs
        .iter()
        .chain(&p.cloud_services)
        .chain(&p.extra)
        .copied()
        .collect();
    let via_tr = format!("transit router of {cen}");
    t.add_all(&toward_cloud, &via_tr, RouteOrigin::Propagated, Some(CEN));
    tables.push(t.finish());

    // CEN transit router.
    let mut t = Table::new(CEN, format!("CEN {cen} transit router"));
    t.add_all(
        &advertised,
        &format!("VBR attachment ({})", vbr.id),
        RouteOrigin::Propagated,
        Some(VBR),
    );
    t.add_all(
        &toward_cloud,
        "VPC attachment",
        RouteOrigin::Propagated,
        Some(VPC),
    );
    tables.push(t.finish());

    // VPC route table.
    let mut t = Table::new(
        VPC,
        format!(
            "VPC route table ({})",
            p.vpcs
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    );
    for (c, id) in &vswitches {
        t.add(
            *c,
            format!("local: vSwitch {id}"),
            RouteOrigin::System,
            Some(ECS_NODE),
        );
    }
    if let Some(cs) = Cidr::from_table(CLOUD_SERVICES_FALLBACK) {
        t.add(
            cs,
            "cloud services (system route)",
            RouteOrigin::System,
            None,
        );
    }
    t.add_all(
        &advertised,
        &format!("transit router of {cen} (synchronised)"),
        RouteOrigin::Propagated,
        Some(CEN),
    );
    t.add_all(
        &p.extra,
        "the service's endpoint",
        RouteOrigin::Static,
        None,
    );
    tables.push(t.finish());

    // ECS node.
    let mut t = Table::new(ECS_NODE, "an ECS node (Terway)".into());
    for (c, id) in &p.node_vswitches {
        t.add(
            *c,
            format!("eth0, primary ENI in {id}"),
            RouteOrigin::Connected,
            None,
        );
    }
    for (c, id) in &p.pod_vswitches {
        t.add(
            *c,
            format!("pod ENIs in {id} (Terway)"),
            RouteOrigin::Connected,
            None,
        );
    }
    t.add_all(
        &p.services,
        "kube-proxy on this node",
        RouteOrigin::System,
        None,
    );
    t.add_all(
        &default_routes(&families),
        "vSwitch gateway",
        RouteOrigin::System,
        Some(VPC),
    );
    tables.push(t.finish());

    let routing = Routing {
        tables,
        bgp_sessions: sessions(spec, mode, &p, &advertised, &vswitch_cidrs),
        vbr_advertisement: Some(VbrAdvertisement {
            prefixes: advertised,
            limit: facts::VBR_MAX_ROUTES_PER_PEER as u64,
        }),
        aggregation: aggregation(mode, addressing, &p),
    };
    (routing, diagnostics)
}

fn check_vbr_limit(
    spec: &HybridCluster,
    p: &Prefixes,
    routed: bool,
    advertised: &[Cidr],
    out: &mut Vec<Diagnostic>,
) {
    let limit = facts::VBR_MAX_ROUTES_PER_PEER;
    if advertised.len() <= limit {
        return;
    }
    // A summary the DC could own: one block of the size the DC's prefixes need, free of
    // everything else in the spec.
    let v4: Vec<Cidr> = advertised
        .iter()
        .copied()
        .filter(|c| c.family() == Family::V4)
        .collect();
    let needed: u128 = v4
        .iter()
        .map(|c| c.addresses_saturating())
        .fold(0, u128::saturating_add);
    let len = 32u32.saturating_sub(128 - needed.saturating_sub(1).leading_zeros()) as u8;
    // Everything but the advertised ranges themselves (they are what gets renumbered).
    let mut used: Vec<Cidr> = p
        .vpcs
        .iter()
        .chain(&p.services)
        .chain(&p.extra)
        .chain(&p.peering)
        .copied()
        .collect();
    if !routed {
        used.extend(&p.dc_pods);
    }
    used.extend(p.node_vswitches.iter().chain(&p.pod_vswitches).map(|v| v.0));
    used.extend(crate::rules::reserved_ranges().into_iter().map(|(c, _)| c));
    let block = facts::VPC_PRIVATE_BLOCKS
        .iter()
        .filter_map(|b| Cidr::from_table(b))
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
    out.push(
        Diagnostic::new(
            Code::VbrRouteLimit,
            "/onPrem/nodeCidrs",
            format!(
                "the DC edge would advertise {} prefixes to VBR {} even after exact summarisation; the VBR accepts {limit} per BGP peer and silently drops the rest",
                advertised.len(),
                spec.interconnect.vbr.id
            ),
        )
        .related("/onPrem/podCidr")
        .related("/interconnect/vbr")
        .hint(hint),
    );
}

fn check_vpc_limit(advertised: &[Cidr], out: &mut Vec<Diagnostic>) {
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

fn speaker(
    device: &str,
    address: String,
    as_number: u32,
    advertises: Vec<Cidr>,
    note: Option<&str>,
) -> BgpSpeaker {
    BgpSpeaker {
        device: device.to_owned(),
        address,
        as_number,
        advertises,
        note: note.map(str::to_owned),
    }
}

fn kind(a: u32, b: u32) -> String {
    if a == b { "ibgp" } else { "ebgp" }.to_owned()
}

fn sessions(
    spec: &HybridCluster,
    mode: &ModeDecision,
    p: &Prefixes,
    advertised: &[Cidr],
    vswitches: &[Cidr],
) -> Vec<BgpSession> {
    let vbr = &spec.interconnect.vbr;
    let op = &spec.on_prem;
    let dc_asn = op.as_number;
    let node_range = p
        .dc_nodes
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    let nodes = u64::from(op.planned_nodes());
    let mut out = Vec::new();
    if let Some(edge) = op.edge_routers.first() {
        out.push(BgpSession {
            local: speaker(
                DC_EDGE,
                both(
                    vbr.peer_gateway_ip,
                    vbr.ipv6.as_ref().map(|v| v.peer_gateway_ip),
                ),
                edge.as_number,
                advertised.to_vec(),
                Some("exact summary of the DC prefixes"),
            ),
            peer: speaker(
                VBR,
                both(
                    vbr.local_gateway_ip,
                    vbr.ipv6.as_ref().map(|v| v.local_gateway_ip),
                ),
                vbr.as_number,
                vswitches.to_vec(),
                Some("VPC vSwitch CIDRs published by the transit router"),
            ),
            count: Count(1),
            kind: kind(edge.as_number, vbr.as_number),
        });
    }
    let blocks_note = "per-node IPAM blocks inside these pools";
    match (mode.selected, mode.bgp_topology) {
        (NetworkMode::CalicoRouteReflector, BgpTopology::RouteReflectors) => {
            let rr = u64::from(mode.route_reflectors);
            out.push(BgpSession {
                local: speaker(
                    DC_NODE,
                    node_range.clone(),
                    dc_asn,
                    p.dc_pods.clone(),
                    Some(blocks_note),
                ),
                peer: speaker(
                    "route-reflector",
                    node_range.clone(),
                    dc_asn,
                    p.dc_pods.clone(),
                    Some("every block learned from the other clients"),
                ),
                count: Count::from(nodes.saturating_sub(rr) * rr),
                kind: "ibgp".into(),
            });
            for (i, edge) in op.edge_routers.iter().enumerate() {
                let device = edge_device(i);
                let mut adv = p.dc_pods.clone();
                adv.extend(&p.services);
                out.push(BgpSession {
                    local: speaker(
                        "route-reflector",
                        node_range.clone(),
                        dc_asn,
                        adv,
                        Some("pod blocks and service cluster IPs"),
                    ),
                    peer: speaker(
                        &device,
                        both(edge.ip, edge.ipv6),
                        edge.as_number,
                        Vec::new(),
                        Some("nothing: DC nodes reach the cloud through their default route"),
                    ),
                    count: Count::from(rr),
                    kind: kind(dc_asn, edge.as_number),
                });
            }
        }
        (NetworkMode::CalicoRouteReflector | NetworkMode::CalicoIpip, BgpTopology::FullMesh) => {
            out.push(BgpSession {
                local: speaker(
                    DC_NODE,
                    node_range.clone(),
                    dc_asn,
                    p.dc_pods.clone(),
                    Some(blocks_note),
                ),
                peer: speaker(
                    DC_NODE,
                    node_range.clone(),
                    dc_asn,
                    p.dc_pods.clone(),
                    Some(blocks_note),
                ),
                count: Count::from(nodes * nodes.saturating_sub(1) / 2),
                kind: "ibgp".into(),
            });
            if mode.selected.is_routed() {
                for edge in &op.edge_routers {
                    out.push(BgpSession {
                        local: speaker(
                            DC_NODE,
                            node_range.clone(),
                            dc_asn,
                            p.dc_pods.clone(),
                            Some(blocks_note),
                        ),
                        peer: speaker(
                            DC_EDGE,
                            both(edge.ip, edge.ipv6),
                            edge.as_number,
                            Vec::new(),
                            None,
                        ),
                        count: Count::from(nodes),
                        kind: kind(dc_asn, edge.as_number),
                    });
                }
            }
        }
        (NetworkMode::CiliumBgp, _) => {
            for (i, edge) in op.edge_routers.iter().enumerate() {
                let device = edge_device(i);
                let mut adv = p.dc_pods.clone();
                adv.extend(&p.services);
                out.push(BgpSession {
                    local: speaker(
                        DC_NODE,
                        node_range.clone(),
                        dc_asn,
                        adv,
                        Some("each node's PodCIDR inside the pod ranges, and the service range"),
                    ),
                    peer: speaker(
                        &device,
                        both(edge.ip, edge.ipv6),
                        edge.as_number,
                        Vec::new(),
                        None,
                    ),
                    count: Count::from(nodes),
                    kind: kind(dc_asn, edge.as_number),
                });
            }
        }
        _ => {}
    }
    out
}

fn aggregation(mode: &ModeDecision, addressing: &Addressing, p: &Prefixes) -> Vec<Aggregation> {
    if !mode.selected.is_routed() {
        return Vec::new();
    }
    let source = if mode.selected.is_calico() {
        "calico-blocks"
    } else {
        "cilium-node-cidrs"
    };
    addressing
        .dc_pods
        .iter()
        .map(|b| {
            let in_use = u128::from(b.nodes_planned) * u128::from(b.units_per_node);
            let aggregate_to: Vec<Cidr> = summarize(&p.dc_pods.iter().copied().filter(|c| c.family() == b.family).collect::<Vec<_>>());
            Aggregation {
                source: source.to_owned(),
                routes: Count::from(in_use),
                prefix_length: b.unit_prefix_length,
                aggregate_to: aggregate_to.clone(),
                note: format!(
                    "{in_use} /{} routes at {} nodes ({} of the {} the range holds); Calico/Cilium do not aggregate across nodes: the DC edge must summarise them into {} before the VBR",
                    b.unit_prefix_length,
                    b.nodes_planned,
                    in_use,
                    b.units,
                    aggregate_to.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
                ),
            }
        })
        .collect()
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
        assert_eq!(out[0].code, Code::VpcRouteLimit);
        assert!(out[0].message.contains("201"));
    }
}
