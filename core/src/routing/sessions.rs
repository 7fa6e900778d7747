//! The BGP sessions of the design, grouped by shape and address family, and the per-block
//! or per-node routes the DC exports that the edge must aggregate.

use super::topology::{Edge, Topology};
use super::{Aggregation, BgpSession, BgpSpeaker, Device, SessionKind, SessionRole};
use crate::addressing::{Addressing, Count};
use crate::cidr::{Cidr, Family, summarize};
use crate::mode::{BgpTopology, ModeDecision};
use crate::spec::NetworkMode;

fn speaker(
    device: Device,
    address: String,
    as_number: u32,
    advertises: Vec<Cidr>,
    note: Option<&str>,
) -> BgpSpeaker {
    BgpSpeaker {
        device,
        address,
        as_number,
        advertises,
        note: note.map(str::to_owned),
    }
}

/// Sessions of one family, from the DC's speakers to every edge that has an address of
/// that family.
struct Builder<'t, 's> {
    t: &'t Topology<'s>,
    family: Family,
    out: Vec<BgpSession>,
}

impl Builder<'_, '_> {
    fn node_range(&self) -> String {
        let ranges: Vec<String> = Topology::of_family(&self.t.dc_nodes, self.family)
            .iter()
            .map(ToString::to_string)
            .collect();
        ranges.join(", ")
    }

    fn pods(&self) -> Vec<Cidr> {
        Topology::of_family(&self.t.dc_pods, self.family)
    }

    fn services(&self) -> Vec<Cidr> {
        Topology::of_family(&self.t.services, self.family)
    }

    fn push(&mut self, local: BgpSpeaker, peer: BgpSpeaker, count: u128, role: SessionRole) {
        let kind = SessionKind::between(local.as_number, peer.as_number);
        self.out.push(BgpSession {
            local,
            peer,
            family: self.family,
            count: Count::from(count),
            kind,
            role,
        });
    }

    /// `device` (route reflectors or nodes, `count` of them) with every edge of this family.
    fn with_edges(
        &mut self,
        device: Device,
        count: u128,
        advertises: Vec<Cidr>,
        note: &str,
        role: SessionRole,
    ) {
        let edges: Vec<Edge> = self.t.edges().collect();
        for edge in edges {
            let Some(address) = edge.address(self.family) else {
                continue;
            };
            let local = speaker(
                device,
                self.node_range(),
                self.t.spec.on_prem.as_number,
                advertises.clone(),
                Some(note),
            );
            let peer = speaker(
                edge.device(),
                address.to_string(),
                edge.router.as_number,
                Vec::new(),
                Some("nothing: DC nodes reach the cloud through their default route"),
            );
            self.push(local, peer, count, role);
        }
    }
}

pub(super) fn sessions(t: &Topology, mode: &ModeDecision, advertised: &[Cidr]) -> Vec<BgpSession> {
    let mut out = Vec::new();
    for &family in &t.families {
        let mut b = Builder {
            t,
            family,
            out: Vec::new(),
        };
        edge_vbr(&mut b, advertised);
        dc_side(&mut b, mode);
        out.extend(b.out);
    }
    out
}

/// Each circuit's DC edge and VBR: one BGP peer per family, over the VBR's peering of
/// that family; every edge advertises the same summary.
fn edge_vbr(b: &mut Builder, advertised: &[Cidr]) {
    let t = b.t;
    let mine: Vec<Cidr> = advertised
        .iter()
        .copied()
        .filter(|c| c.family() == b.family)
        .collect();
    let cloud: Vec<Cidr> = t
        .vswitches()
        .map(|v| v.0)
        .filter(|c| c.family() == b.family)
        .collect();
    for circuit in &t.circuits {
        let Some((cloud_side, dc_side)) = circuit.gateways(b.family) else {
            continue;
        };
        let local = speaker(
            circuit.edge.device(),
            dc_side.to_string(),
            circuit.edge.router.as_number,
            mine.clone(),
            Some(if circuit.standby {
                "exact summary of the DC prefixes, AS path prepended (standby circuit)"
            } else {
                "exact summary of the DC prefixes"
            }),
        );
        let peer = speaker(
            circuit.device(),
            cloud_side.to_string(),
            circuit.vbr.as_number,
            cloud.clone(),
            Some("VPC vSwitch CIDRs published by the transit router"),
        );
        b.push(local, peer, 1, SessionRole::EdgeVbr);
    }
    // The circuit edges peer with each other, over the DC network, for the cloud's routes:
    // the VBR's and their static routes to it, redistributed.
    let mut to_cloud = cloud.clone();
    for (list, _) in t.edge_statics() {
        to_cloud.extend(list.iter().copied().filter(|c| c.family() == b.family));
    }
    let edges = t.circuit_edges();
    for (i, a) in edges.iter().enumerate() {
        for z in &edges[i + 1..] {
            let (Some(a_addr), Some(z_addr)) = (a.address(b.family), z.address(b.family)) else {
                continue;
            };
            let note =
                Some("the vSwitch CIDRs learned from its VBR and its static routes to the VBR");
            let local = speaker(
                a.device(),
                a_addr.to_string(),
                a.router.as_number,
                to_cloud.clone(),
                note,
            );
            let peer = speaker(
                z.device(),
                z_addr.to_string(),
                z.router.as_number,
                to_cloud.clone(),
                note,
            );
            b.push(local, peer, 1, SessionRole::EdgeEdge);
        }
    }
}

fn dc_side(b: &mut Builder, mode: &ModeDecision) {
    let t = b.t;
    // Sessions of a family run between node addresses of that family (a group may count
    // no sessions today: the shape is the design's all the same).
    let dc_speaks = t.dc_speaks(b.family);
    let dc_nodes = u128::from(t.spec.on_prem.planned_nodes());
    // Calico's full mesh in an overlay that spans both sides has the ECS nodes in it too.
    let ecs_speaks = t.overlay_spans_both_sides() && t.ecs_speaks(b.family);
    let ecs_nodes = u128::from(t.spec.cloud.max_nodes.max(t.spec.cloud.nodes));
    let as_number = t.spec.on_prem.as_number;
    let blocks = "per-node IPAM blocks inside these pools";
    let mut with_services = b.pods();
    with_services.extend(b.services());
    match (mode.selected, mode.bgp_topology) {
        _ if !dc_speaks && !ecs_speaks => {}
        (NetworkMode::CalicoRouteReflector, BgpTopology::RouteReflectors) if dc_speaks => {
            let rr = u128::from(mode.route_reflectors);
            let range = b.node_range();
            let pods = b.pods();
            b.push(
                speaker(
                    Device::DcNode,
                    range.clone(),
                    as_number,
                    pods.clone(),
                    Some(blocks),
                ),
                speaker(
                    Device::RouteReflector,
                    range.clone(),
                    as_number,
                    pods.clone(),
                    Some("every block learned from the other clients"),
                ),
                dc_nodes.saturating_sub(rr) * rr,
                SessionRole::ClientReflector,
            );
            // The reflectors match the clients' peer selector too: they peer with each other.
            if rr > 1 {
                b.push(
                    speaker(
                        Device::RouteReflector,
                        range.clone(),
                        as_number,
                        pods.clone(),
                        Some(blocks),
                    ),
                    speaker(Device::RouteReflector, range, as_number, pods, Some(blocks)),
                    rr * (rr - 1) / 2,
                    SessionRole::ReflectorReflector,
                );
            }
            b.with_edges(
                Device::RouteReflector,
                rr,
                with_services,
                "pod blocks and service cluster IPs",
                SessionRole::ReflectorEdge,
            );
        }
        (NetworkMode::CalicoRouteReflector | NetworkMode::CalicoIpip, _) => {
            let range = b.node_range();
            let pods = b.pods();
            if dc_speaks {
                b.push(
                    speaker(
                        Device::DcNode,
                        range.clone(),
                        as_number,
                        pods.clone(),
                        Some(blocks),
                    ),
                    speaker(
                        Device::DcNode,
                        range.clone(),
                        as_number,
                        pods.clone(),
                        Some(blocks),
                    ),
                    dc_nodes * dc_nodes.saturating_sub(1) / 2,
                    SessionRole::NodeMesh,
                );
            }
            if ecs_speaks {
                // The mesh's sessions with the ECS nodes cross Express Connect.
                let ecs_range: Vec<String> = t
                    .node_vswitches
                    .iter()
                    .filter(|v| v.0.family() == b.family)
                    .map(|v| v.0.to_string())
                    .collect();
                let ecs_range = ecs_range.join(", ");
                if dc_speaks {
                    b.push(
                        speaker(Device::DcNode, range, as_number, pods.clone(), Some(blocks)),
                        speaker(
                            Device::EcsNode,
                            ecs_range.clone(),
                            as_number,
                            pods.clone(),
                            Some(blocks),
                        ),
                        dc_nodes * ecs_nodes,
                        SessionRole::NodeMesh,
                    );
                }
                b.push(
                    speaker(
                        Device::EcsNode,
                        ecs_range.clone(),
                        as_number,
                        pods.clone(),
                        Some(blocks),
                    ),
                    speaker(Device::EcsNode, ecs_range, as_number, pods, Some(blocks)),
                    ecs_nodes * ecs_nodes.saturating_sub(1) / 2,
                    SessionRole::NodeMesh,
                );
            }
            if mode.selected.is_routed() && dc_speaks {
                b.with_edges(
                    Device::DcNode,
                    dc_nodes,
                    with_services,
                    "pod blocks and service cluster IPs",
                    SessionRole::NodeEdge,
                );
            }
        }
        (NetworkMode::CiliumBgp, _) if dc_speaks => {
            b.with_edges(
                Device::DcNode,
                dc_nodes,
                with_services,
                "each node's PodCIDR inside the pod ranges, and the service range",
                SessionRole::NodeEdge,
            );
        }
        _ => {}
    }
}

pub(super) fn aggregation(t: &Topology, addressing: &Addressing) -> Vec<Aggregation> {
    if !t.routed() {
        return Vec::new();
    }
    let source = if t.mode.is_calico() {
        "calico-blocks"
    } else {
        "cilium-node-cidrs"
    };
    addressing
        .dc_pods
        .iter()
        .map(|b| {
            let in_use = u128::from(b.nodes_planned) * u128::from(b.units_per_node);
            let aggregate_to = summarize(&Topology::of_family(&t.dc_pods, b.family));
            let list: Vec<String> = aggregate_to.iter().map(ToString::to_string).collect();
            Aggregation {
                source: source.to_owned(),
                routes: Count::from(in_use),
                prefix_length: b.unit_prefix_length,
                aggregate_to,
                note: format!(
                    "{in_use} /{} routes at {} nodes ({} of the {} the range holds); Calico/Cilium do not aggregate across nodes: the DC edge must summarise them into {} before the VBR",
                    b.unit_prefix_length,
                    b.nodes_planned,
                    in_use,
                    b.units,
                    list.join(", ")
                ),
            }
        })
        .collect()
}
