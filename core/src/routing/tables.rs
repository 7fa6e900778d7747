//! The route table of every hop, one function per hop, from the topology. A route exists
//! only where what installs it exists: a BGP route where its session carries its family,
//! a pod route where the CNI that owns the pods runs.

use super::limits::{check_vbr_limit, check_vpc_limit};
use super::sessions::{aggregation, sessions};
use super::topology::{Edge, Topology};
use super::{
    Device, HopTable, RouteEntry, RouteOrigin, Routing, Tunnel, TunnelEndpoint, VbrAdvertisement,
};
use crate::addressing::Addressing;
use crate::cidr::{Cidr, Family, summarize};
use crate::mode::{Cni, ModeDecision};
use crate::spec::{HybridCluster, NetworkMode};
use crate::{Diagnostic, facts};

/// A table being built: one entry per destination, the first source wins.
struct Table {
    device: Device,
    label: String,
    entries: Vec<RouteEntry>,
}

impl Table {
    fn new(device: Device, label: String) -> Table {
        Table {
            device,
            label,
            entries: Vec::new(),
        }
    }

    fn add(
        &mut self,
        destination: Cidr,
        next_hop: impl Into<String>,
        origin: RouteOrigin,
        next: Option<Device>,
    ) {
        self.add_entry(destination, next_hop.into(), origin, next, None);
    }

    fn add_entry(
        &mut self,
        destination: Cidr,
        next_hop: String,
        origin: RouteOrigin,
        next_device: Option<Device>,
        tunnel: Option<Tunnel>,
    ) {
        self.entries.push(RouteEntry {
            destination,
            next_hop,
            origin,
            next_device,
            tunnel,
        });
    }

    fn add_all(
        &mut self,
        list: &[Cidr],
        next_hop: &str,
        origin: RouteOrigin,
        next: Option<Device>,
    ) {
        for &c in list {
            self.add(c, next_hop, origin, next);
        }
    }

    fn finish(mut self) -> HopTable {
        // A stable sort keeps the entries of one destination in the order added, so the
        // first source stays and the repeats go.
        self.entries.sort_by_key(|e| e.destination);
        self.entries.dedup_by_key(|e| e.destination);
        HopTable {
            device: self.device,
            label: self.label,
            entries: self.entries,
        }
    }
}

fn default_route(family: Family) -> Cidr {
    match family {
        Family::V4 => Cidr::truncate(Family::V4, 0, 0),
        Family::V6 => Cidr::truncate(Family::V6, 0, 0),
    }
}

pub(crate) fn build(
    spec: &HybridCluster,
    mode: &ModeDecision,
    addressing: &Addressing,
) -> (Routing, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let t = Topology::new(spec, mode, &mut diagnostics);
    let advertised = advertised(&t);
    check_vbr_limit(&t, &advertised, &mut diagnostics);
    check_vpc_limit(&advertised, &mut diagnostics);
    let mut tables = vec![dc_node(&t)];
    tables.extend(t.edges().map(|e| dc_edge(&t, e)));
    tables.push(vbr(&t, &advertised));
    tables.push(cen(&t, &advertised));
    tables.push(vpc(&t, &advertised));
    tables.push(ecs_node(&t));
    let routing = Routing {
        tables,
        bgp_sessions: sessions(&t, mode, &advertised),
        vbr_advertisement: Some(VbrAdvertisement {
            prefixes: advertised,
            limit: facts::VBR_MAX_ROUTES_PER_PEER as u64,
        }),
        aggregation: aggregation(&t, addressing),
    };
    (routing, diagnostics)
}

/// What the DC edge advertises to the VBR: the exact summary of the DC's prefixes, in the
/// families whose session exists. Pod ranges only in routed modes: overlay pods cross
/// inside tunnels between node addresses.
fn advertised(t: &Topology) -> Vec<Cidr> {
    let mut owned: Vec<Cidr> = t.dc_nodes.clone();
    if let Some(edge) = t.vbr_edge() {
        // The edge can advertise only the pod routes it learns.
        owned.extend(
            t.dc_pods
                .iter()
                .filter(|p| t.edge_learns_pods(&edge, p.family())),
        );
    }
    owned.retain(|c| t.crosses_vbr(c.family()));
    summarize(&owned)
}

/// Pods of `family` on a node whose kind has no node addresses of that family: they can
/// be reached on their own node only.
fn local_pods(table: &mut Table, pods: Cidr) {
    table.add(
        pods,
        format!(
            "pods on this node only: no {} node addresses to route or tunnel between nodes",
            pods.family()
        ),
        RouteOrigin::Connected,
        None,
    );
}

/// The tunnel of an overlay's pods of `family`: to DC nodes, and to ECS nodes when they
/// run the overlay too.
fn overlay_tunnel(t: &Topology, family: Family) -> Tunnel {
    let (encapsulation, underlay) = t.overlay_encapsulation(family);
    let mut endpoints: Vec<TunnelEndpoint> = Topology::of_family(&t.dc_nodes, underlay)
        .into_iter()
        .map(|range| TunnelEndpoint {
            device: Device::DcNode,
            range,
        })
        .collect();
    if t.overlay_spans_both_sides() {
        endpoints.extend(
            t.node_vswitches
                .iter()
                .filter(|(c, _)| c.family() == underlay)
                .map(|&(range, _)| TunnelEndpoint {
                    device: Device::EcsNode,
                    range,
                }),
        );
    }
    Tunnel {
        encapsulation,
        endpoints,
    }
}

/// The pod routes a node holds in an overlay: every pod of the range is on this node or
/// behind a tunnel to the node that owns its block or subnet.
fn overlay_pods(t: &Topology, table: &mut Table) {
    for &pods in &t.dc_pods {
        let tunnel = overlay_tunnel(t, pods.family());
        if !tunnel.endpoints.iter().any(|e| e.device == table.device) {
            local_pods(table, pods);
            continue;
        }
        let (origin, how) = match t.mode {
            // Calico's mesh carries each block's route to every node.
            NetworkMode::CalicoIpip => (RouteOrigin::Bgp, "the node owning each block (BGP mesh)"),
            _ => (RouteOrigin::Static, "the node owning each subnet"),
        };
        let next_hop = format!(
            "{how}, through the {} tunnel",
            tunnel.encapsulation.as_str()
        );
        table.add_entry(pods, next_hop, origin, None, Some(tunnel));
    }
}

fn dc_node(t: &Topology) -> HopTable {
    let mut table = Table::new(Device::DcNode, format!("a DC node ({})", t.mode.dc_cni()));
    table.add_all(
        &t.dc_nodes,
        "eth0 (DC node network)",
        RouteOrigin::Connected,
        None,
    );
    match t.mode {
        NetworkMode::CalicoRouteReflector | NetworkMode::CiliumBgp => {
            for &pods in &t.dc_pods {
                if !t.dc_speaks(pods.family()) {
                    local_pods(&mut table, pods);
                } else if t.mode == NetworkMode::CalicoRouteReflector {
                    table.add(
                        pods,
                        "the node owning each block (BGP via the route reflectors)",
                        RouteOrigin::Bgp,
                        None,
                    );
                } else {
                    // Cilium's BGP control plane advertises but installs nothing; between
                    // nodes of one segment the agent installs a route per node itself.
                    table.add(
                        pods,
                        "the node owning each PodCIDR (autoDirectNodeRoutes: a route per node on the segment)",
                        RouteOrigin::Static,
                        None,
                    );
                }
            }
        }
        _ => overlay_pods(t, &mut table),
    }
    table.add_all(
        &t.services,
        "kube-proxy on this node",
        RouteOrigin::System,
        None,
    );
    for &family in &t.families {
        if let Some(via) = t.dc_default_route(family) {
            table.add(
                default_route(family),
                via.to_string(),
                RouteOrigin::Static,
                t.vbr_edge().map(|e| e.device()),
            );
        }
    }
    table.finish()
}

fn dc_edge(t: &Topology, edge: Edge) -> HopTable {
    let vbr = &t.spec.interconnect.vbr;
    let role = if edge.peers_with_vbr() {
        "peers with the VBR"
    } else {
        "peers with the cluster"
    };
    let mut table = Table::new(
        edge.device(),
        format!(
            "DC edge router {} (AS {}), {role}",
            edge.router.ip, edge.router.as_number
        ),
    );
    table.add_all(
        &t.dc_nodes,
        "DC node network",
        RouteOrigin::Connected,
        Some(Device::DcNode),
    );
    {
        // Learned from the route reflectors or the nodes, in each family whose session
        // with this edge exists (an IPv6 session needs the edge's IPv6 address).
        for family in t
            .families
            .iter()
            .copied()
            .filter(|f| t.edge_learns_pods(&edge, *f))
        {
            table.add_all(
                &Topology::of_family(&t.dc_pods, family),
                "DC nodes (per-block or per-node routes, aggregated toward the VBR)",
                RouteOrigin::Bgp,
                Some(Device::DcNode),
            );
            table.add_all(
                &Topology::of_family(&t.services, family),
                "DC nodes (service cluster IPs)",
                RouteOrigin::Bgp,
                Some(Device::DcNode),
            );
        }
    }
    if !edge.peers_with_vbr() {
        return table.finish();
    }
    table.add_all(
        &t.peering,
        &format!("VBR link (VLAN {})", vbr.vlan_id),
        RouteOrigin::Connected,
        None,
    );
    let gateway = |family: Family| match family {
        Family::V4 => Some(vbr.local_gateway_ip),
        Family::V6 => vbr.ipv6.as_ref().map(|v| v.local_gateway_ip),
    };
    for (c, id) in t.vswitches() {
        if let (true, Some(gw)) = (t.crosses_vbr(c.family()), gateway(c.family())) {
            table.add(
                *c,
                format!("{gw} ({}), vSwitch {id}", vbr.id),
                RouteOrigin::Bgp,
                Some(Device::Vbr(0)),
            );
        }
    }
    let statics: [(&[Cidr], &str); 3] = [
        (
            if t.spec.cloud_services.prometheus {
                &t.vpcs
            } else {
                &[]
            },
            "VPC endpoints (Managed Prometheus)",
        ),
        (
            &t.cloud_services,
            "cloud services (OSS, Container Registry)",
        ),
        (&t.extra, "cloudServices.extraCidrs"),
    ];
    for (list, why) in statics {
        for &c in list {
            if let Some(gw) = gateway(c.family()) {
                table.add(
                    c,
                    format!("{gw} ({}): {why}", vbr.id),
                    RouteOrigin::Static,
                    Some(Device::Vbr(0)),
                );
            }
        }
    }
    table.finish()
}

/// Everything the DC reaches in the cloud through the transit router.
fn toward_cloud(t: &Topology) -> Vec<Cidr> {
    t.vswitches()
        .map(|v| v.0)
        .chain(t.cloud_services.iter().copied())
        .chain(t.extra.iter().copied())
        .filter(|c| t.crosses_vbr(c.family()))
        .collect()
}

fn vbr(t: &Topology, advertised: &[Cidr]) -> HopTable {
    let vbr = &t.spec.interconnect.vbr;
    let cen = &t.spec.interconnect.cen_id;
    let mut table = Table::new(
        Device::Vbr(0),
        format!(
            "VBR {} (AS {}), gateway {}",
            vbr.id, vbr.as_number, vbr.local_gateway_ip
        ),
    );
    table.add_all(
        &t.peering,
        &format!("VLAN {} to the DC edge", vbr.vlan_id),
        RouteOrigin::Connected,
        None,
    );
    for &c in advertised {
        let peer = match c.family() {
            Family::V4 => Some(vbr.peer_gateway_ip),
            Family::V6 => vbr.ipv6.as_ref().map(|v| v.peer_gateway_ip),
        };
        if let (Some(peer), Some(edge)) = (peer, t.vbr_edge()) {
            table.add(
                c,
                format!("{peer} (DC edge, BGP)"),
                RouteOrigin::Bgp,
                Some(edge.device()),
            );
        }
    }
    table.add_all(
        &toward_cloud(t),
        &format!("transit router of {cen}"),
        RouteOrigin::Propagated,
        Some(Device::CenTr),
    );
    table.finish()
}

fn cen(t: &Topology, advertised: &[Cidr]) -> HopTable {
    let vbr = &t.spec.interconnect.vbr;
    let mut table = Table::new(
        Device::CenTr,
        format!("CEN {} transit router", t.spec.interconnect.cen_id),
    );
    table.add_all(
        advertised,
        &format!("VBR attachment ({})", vbr.id),
        RouteOrigin::Propagated,
        Some(Device::Vbr(0)),
    );
    let vswitches: Vec<Cidr> = t
        .vswitches()
        .map(|v| v.0)
        .filter(|c| t.crosses_vbr(c.family()))
        .collect();
    table.add_all(
        &vswitches,
        "VPC attachment (vSwitch routes)",
        RouteOrigin::Propagated,
        Some(Device::Vpc),
    );
    // The transit router does not learn the 100.x service ranges from the VPC attachment:
    // each needs a static route to the VPC attachment, in the route table the VBR
    // attachment is associated with (CEN's cloud-service route did this on Basic Edition
    // transit routers only).
    table.add_all(
        &t.cloud_services,
        "VPC attachment (static: cloud-service range reached through the VPC)",
        RouteOrigin::Static,
        Some(Device::Vpc),
    );
    table.add_all(
        &Topology::of_family(&t.extra, Family::V4)
            .into_iter()
            .chain(
                Topology::of_family(&t.extra, Family::V6)
                    .into_iter()
                    .filter(|_| t.crosses_vbr(Family::V6)),
            )
            .collect::<Vec<_>>(),
        "VPC attachment (static: cloudServices.extraCidrs)",
        RouteOrigin::Static,
        Some(Device::Vpc),
    );
    table.finish()
}

fn vpc(t: &Topology, advertised: &[Cidr]) -> HopTable {
    let vpcs: Vec<String> = t.vpcs.iter().map(ToString::to_string).collect();
    let mut table = Table::new(
        Device::Vpc,
        format!("VPC route table ({})", vpcs.join(", ")),
    );
    for (c, id) in t.vswitches() {
        table.add(
            *c,
            format!("local: vSwitch {id}"),
            RouteOrigin::System,
            Some(Device::EcsNode),
        );
    }
    table.add(
        facts::CLOUD_SERVICES_V4,
        "cloud services (system route)",
        RouteOrigin::System,
        None,
    );
    table.add_all(
        advertised,
        &format!(
            "transit router of {} (synchronised)",
            t.spec.interconnect.cen_id
        ),
        RouteOrigin::Propagated,
        Some(Device::CenTr),
    );
    table.add_all(
        &t.extra,
        "the service's endpoint",
        RouteOrigin::Static,
        None,
    );
    table.finish()
}

fn ecs_node(t: &Topology) -> HopTable {
    let mut table = Table::new(Device::EcsNode, format!("an ECS node ({})", t.cloud_cni));
    for (c, id) in &t.node_vswitches {
        table.add(
            *c,
            format!("eth0, primary ENI in {id}"),
            RouteOrigin::Connected,
            None,
        );
    }
    if t.cloud_cni == Cni::Terway {
        for (c, id) in &t.pod_vswitches {
            table.add(
                *c,
                format!("pod ENIs in {id} (Terway)"),
                RouteOrigin::Connected,
                None,
            );
        }
    } else {
        overlay_pods(t, &mut table);
    }
    table.add_all(
        &t.services,
        "kube-proxy on this node",
        RouteOrigin::System,
        None,
    );
    for &family in &t.families {
        table.add(
            default_route(family),
            "vSwitch gateway",
            RouteOrigin::System,
            Some(Device::Vpc),
        );
    }
    table.finish()
}
