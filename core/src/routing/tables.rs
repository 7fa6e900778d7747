//! The route table of every hop, one function per hop, from the topology. A route exists
//! only where what installs it exists: a BGP route where its session carries its family,
//! a pod route where the CNI that owns the pods runs.

use super::limits::{check_vbr_limit, check_vpc_limit};
use super::sessions::{aggregation, sessions};
use super::topology::{Circuit, Edge, Topology};
use super::{
    Device, HopTable, PathRole, RouteEntry, RouteOrigin, Routing, Tunnel, TunnelEndpoint,
    VbrAdvertisement,
};
use crate::addressing::Addressing;
use crate::cidr::{Cidr, Family, summarize};
use crate::mode::{Cni, ModeDecision};
use crate::spec::{HybridCluster, NetworkMode, Redundancy};
use crate::{Diagnostic, facts};

/// A table being built: per destination, the first source wins; a source may give a
/// destination several ranked paths (one group).
struct Table {
    device: Device,
    label: String,
    entries: Vec<(u32, RouteEntry)>,
    groups: u32,
}

/// One of a destination's ranked paths over redundant circuits: its next hop, next
/// device, and rank (0 is best; equal ranks share the traffic).
struct RankedPath {
    next_hop: String,
    next_device: Device,
    origin: RouteOrigin,
    rank: u8,
}

impl Table {
    fn new(device: Device, label: String) -> Table {
        Table {
            device,
            label,
            entries: Vec::new(),
            groups: 0,
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
        self.groups += 1;
        self.entries.push((
            self.groups,
            RouteEntry {
                destination,
                next_hop,
                origin,
                next_device,
                tunnel,
                path: None,
            },
        ));
    }

    /// `destination` over ranked paths, listed best first. One path is a plain route;
    /// with more, the best ranks are `ecmp` (several) or `primary` (one), the rest `backup`.
    fn add_ranked(&mut self, destination: Cidr, mut paths: Vec<RankedPath>) {
        paths.sort_by_key(|p| p.rank);
        let Some(best) = paths.first().map(|p| p.rank) else {
            return;
        };
        let tied = paths.iter().filter(|p| p.rank == best).count();
        let single = paths.len() == 1;
        self.groups += 1;
        for p in paths {
            let path = match (single, p.rank == best, tied > 1) {
                (true, _, _) => None,
                (false, true, true) => Some(PathRole::Ecmp),
                (false, true, false) => Some(PathRole::Primary),
                (false, false, _) => Some(PathRole::Backup),
            };
            self.entries.push((
                self.groups,
                RouteEntry {
                    destination,
                    next_hop: p.next_hop,
                    origin: p.origin,
                    next_device: Some(p.next_device),
                    tunnel: None,
                    path,
                },
            ));
        }
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
        // first source (all of its paths) stays and the repeats go.
        self.entries.sort_by_key(|(_, e)| e.destination);
        let mut entries: Vec<RouteEntry> = Vec::with_capacity(self.entries.len());
        let mut kept: Option<(Cidr, u32)> = None;
        for (group, entry) in self.entries {
            match kept {
                Some((d, g)) if d == entry.destination && g != group => continue,
                _ => kept = Some((entry.destination, group)),
            }
            entries.push(entry);
        }
        HopTable {
            device: self.device,
            label: self.label,
            entries,
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
    tables.extend(t.circuits.iter().map(|c| vbr(&t, c, &advertised)));
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
        let routes = t.dc_default_routes(family);
        let redundant = routes.len() > 1;
        let paths = routes
            .into_iter()
            .enumerate()
            .map(|(i, (edge, via))| RankedPath {
                // A static route: it survives a circuit that fails (that edge then routes
                // over the other), not an edge router that fails, which only first-hop
                // redundancy between the edges (VRRP) would cover.
                next_hop: if redundant {
                    format!("{via} ({})", edge.device())
                } else {
                    via.to_string()
                },
                next_device: edge.device(),
                origin: RouteOrigin::Static,
                // Beside the primary's edge (the first), every edge is a backup when the
                // design is active/standby.
                rank: u8::from(t.spec.interconnect.is_standby(i)),
            })
            .collect();
        table.add_ranked(default_route(family), paths);
    }
    table.finish()
}

fn dc_edge(t: &Topology, edge: Edge) -> HopTable {
    let own: Vec<&Circuit> = t
        .circuits
        .iter()
        .filter(|c| c.edge.device() == edge.device())
        .collect();
    let role = if own.is_empty() {
        "peers with the cluster".to_owned()
    } else {
        let ids: Vec<&str> = own.iter().map(|c| c.vbr.id.as_str()).collect();
        format!("ends the circuit of VBR {}", ids.join(" and "))
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
    if own.is_empty() {
        return table.finish();
    }
    for c in &own {
        table.add_all(
            &c.vbr.peering_subnets(),
            &format!("VBR link (VLAN {}, {})", c.vbr.vlan_id, c.vbr.id),
            RouteOrigin::Connected,
            None,
        );
    }
    for (c, id) in t.vswitches() {
        if t.crosses_vbr(c.family()) {
            let why = format!("vSwitch {id}");
            let paths = toward_vbrs(t, edge, c.family(), RouteOrigin::Bgp, &why);
            table.add_ranked(*c, paths);
        }
    }
    let statics = t.edge_statics();
    for (list, why) in statics {
        for &c in list {
            let paths = toward_vbrs(t, edge, c.family(), RouteOrigin::Static, why);
            table.add_ranked(c, paths);
        }
    }
    table.finish()
}

/// The paths from `edge` toward the cloud in `family`: its own circuits (`origin`: learned
/// from the VBR, or a static route to its gateway), and the other circuit edges over the
/// DC network (what they route to their VBRs, learned over BGP between the edges: the
/// static routes redistributed, so that a route is withdrawn when its circuit fails).
/// Ranked by the design: active/active prefers an edge's own circuits and shares among
/// them; active/standby prefers the primary circuit, reached directly or through its edge.
fn toward_vbrs(
    t: &Topology,
    edge: Edge,
    family: Family,
    origin: RouteOrigin,
    why: &str,
) -> Vec<RankedPath> {
    let standby = t.spec.interconnect.redundancy == Redundancy::ActiveStandby;
    let mut paths: Vec<RankedPath> = Vec::new();
    let mut others: Vec<(Edge, u8)> = Vec::new();
    for c in t.circuits.iter().filter(|c| c.carries(family)) {
        if c.edge.device() == edge.device() {
            let Some((gateway, _)) = c.gateways(family) else {
                continue;
            };
            paths.push(RankedPath {
                next_hop: format!("{gateway} ({}): {why}", c.vbr.id),
                next_device: c.device(),
                origin,
                rank: u8::from(c.standby),
            });
        } else {
            let rank = if standby && c.is_primary() {
                0
            } else if standby {
                2
            } else {
                1
            };
            match others
                .iter_mut()
                .find(|(e, _)| e.device() == c.edge.device())
            {
                Some((_, r)) => *r = (*r).min(rank),
                None => others.push((c.edge, rank)),
            }
        }
    }
    for (other, rank) in others {
        if let Some(address) = other.address(family) {
            paths.push(RankedPath {
                next_hop: format!("{address} ({}, over the DC network): {why}", other.device()),
                next_device: other.device(),
                origin: RouteOrigin::Bgp,
                rank,
            });
        }
    }
    paths
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

fn vbr(t: &Topology, circuit: &Circuit, advertised: &[Cidr]) -> HopTable {
    let vbr = circuit.vbr;
    let cen = &t.spec.interconnect.cen_id;
    let mut table = Table::new(
        circuit.device(),
        format!(
            "VBR {} (AS {}), gateway {}",
            vbr.id, vbr.as_number, vbr.local_gateway_ip
        ),
    );
    table.add_all(
        &vbr.peering_subnets(),
        &format!("VLAN {} to the DC edge", vbr.vlan_id),
        RouteOrigin::Connected,
        None,
    );
    for &c in advertised {
        if let Some((_, peer)) = circuit.gateways(c.family()) {
            table.add(
                c,
                format!("{peer} ({}, BGP)", circuit.edge.device()),
                RouteOrigin::Bgp,
                Some(circuit.edge.device()),
            );
        }
    }
    let toward: Vec<Cidr> = toward_cloud(t)
        .into_iter()
        .filter(|c| circuit.carries(c.family()))
        .collect();
    table.add_all(
        &toward,
        &format!("transit router of {cen}"),
        RouteOrigin::Propagated,
        Some(Device::CenTr),
    );
    table.finish()
}

fn cen(t: &Topology, advertised: &[Cidr]) -> HopTable {
    let mut table = Table::new(
        Device::CenTr,
        format!("CEN {} transit router", t.spec.interconnect.cen_id),
    );
    for &c in advertised {
        // Routes from a standby VBR come with a longer AS path (the edge prepends): the
        // transit router uses them only when the primary's are withdrawn.
        let paths = t
            .circuits
            .iter()
            .filter(|v| v.carries(c.family()))
            .map(|v| RankedPath {
                next_hop: format!("VBR attachment ({})", v.vbr.id),
                next_device: v.device(),
                origin: RouteOrigin::Propagated,
                rank: u8::from(v.standby),
            })
            .collect();
        table.add_ranked(c, paths);
    }
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
