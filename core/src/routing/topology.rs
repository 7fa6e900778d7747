//! What the route tables, sessions, flows and checks are built from: the spec's prefixes
//! grouped by what they are, which CNI runs on each side, and which address families can
//! cross the VBR (a family crosses only where its BGP session exists).

use super::{Device, Encapsulation, services};
use crate::cidr::{Cidr, Family};
use crate::mode::{Cni, ModeDecision};
use crate::spec::{EdgeRouter, HybridCluster, NetworkMode, SpecCidr};
use crate::{Code, Diagnostic, facts};

/// An edge router with its place in `onPrem.edgeRouters`: the only way to name its device.
#[derive(Clone, Copy)]
pub(crate) struct Edge<'s> {
    index: u16,
    pub router: &'s EdgeRouter,
}

impl Edge<'_> {
    pub fn device(&self) -> Device {
        Device::DcEdge(self.index)
    }

    /// The edge on the VBR link (the first one).
    pub fn peers_with_vbr(&self) -> bool {
        self.index == 0
    }

    /// Its address on the DC node network for `family`.
    pub fn address(&self, family: Family) -> Option<std::net::IpAddr> {
        match family {
            Family::V4 => Some(self.router.ip),
            Family::V6 => self.router.ipv6,
        }
    }
}

pub(crate) struct Topology<'s> {
    pub spec: &'s HybridCluster,
    pub mode: NetworkMode,
    /// The CNI of the ECS nodes.
    pub cloud_cni: Cni,
    /// The families the cluster's pods have.
    pub families: Vec<Family>,
    pub dc_nodes: Vec<Cidr>,
    pub dc_pods: Vec<Cidr>,
    pub services: Vec<Cidr>,
    pub node_vswitches: Vec<(Cidr, String)>,
    /// Terway's pod vSwitches (none where the ECS nodes run the DC's overlay).
    pub pod_vswitches: Vec<(Cidr, String)>,
    pub vpcs: Vec<Cidr>,
    pub peering: Vec<Cidr>,
    pub extra: Vec<Cidr>,
    /// Cloud-service ranges the DC routes toward the VBR (OSS VIPs or the fallback, and
    /// Container Registry's endpoint addresses).
    pub cloud_services: Vec<Cidr>,
    /// Whether the region's OSS ranges are known (else the fallback range stands in).
    pub oss_known: bool,
}

fn of(list: &[SpecCidr]) -> Vec<Cidr> {
    list.iter().map(|c| c.cidr).collect()
}

impl<'s> Topology<'s> {
    pub fn new(
        spec: &'s HybridCluster,
        mode: &ModeDecision,
        out: &mut Vec<Diagnostic>,
    ) -> Topology<'s> {
        let op = &spec.on_prem;
        let terway = mode.cloud_cni == Cni::Terway;
        let mut node_vswitches = Vec::new();
        let mut pod_vswitches = Vec::new();
        for zone in &spec.cloud.zones {
            for v in &zone.node_vswitches {
                node_vswitches.push((v.cidr, v.id.clone()));
                node_vswitches.extend(v.ipv6_cidr.map(|c| (c, v.id.clone())));
            }
            if terway {
                for v in &zone.pod_vswitches {
                    pod_vswitches.push((v.cidr, v.id.clone()));
                    pod_vswitches.extend(v.ipv6_cidr.map(|c| (c, v.id.clone())));
                }
            }
        }
        let vbr = &spec.interconnect.vbr;
        let mut peering = vec![vbr.peering_subnet];
        peering.extend(vbr.ipv6.as_ref().map(|v| v.peering_subnet));
        let mut cloud_services = Vec::new();
        let mut oss_known = true;
        if spec.cloud_services.oss {
            match services::oss_vip_ranges(&spec.cloud.region) {
                Some(ranges) => cloud_services.extend(ranges),
                None => {
                    oss_known = false;
                    cloud_services.push(facts::CLOUD_SERVICES_V4);
                    out.push(
                        Diagnostic::new(
                            Code::OssRegionUnknown,
                            "/cloud/region",
                            format!(
                                "no OSS VIP ranges are recorded for region {}; the DC routes {} toward the VBR instead",
                                spec.cloud.region,
                                facts::CLOUD_SERVICES_V4
                            ),
                        )
                        .hint(format!(
                            "look up the region's OSS VIP ranges and give them as cloudServices.extraCidrs (known regions: {})",
                            services::oss_regions().join(", ")
                        )),
                    );
                }
            }
        }
        if spec.cloud_services.container_registry && oss_known {
            for c in services::registry_addresses(&spec.cloud.region) {
                if !cloud_services.contains(&c) {
                    cloud_services.push(c);
                }
            }
        }
        let mut families = vec![Family::V4];
        if op.pod_cidrs.iter().any(|c| c.cidr.family() == Family::V6) {
            families.push(Family::V6);
        }
        Topology {
            spec,
            mode: mode.selected,
            cloud_cni: mode.cloud_cni,
            families,
            dc_nodes: of(&op.node_cidrs),
            dc_pods: of(&op.pod_cidrs),
            services: of(&op.service_cidrs),
            node_vswitches,
            pod_vswitches,
            vpcs: of(&spec.cloud.vpc_cidrs),
            peering,
            extra: of(&spec.cloud_services.extra_cidrs),
            cloud_services,
            oss_known,
        }
    }

    /// Pod routes are advertised over BGP (Calico route reflection, Cilium BGP).
    pub fn routed(&self) -> bool {
        self.mode.is_routed()
    }

    /// Cilium masquerades what leaves for a destination outside its native-routing CIDR;
    /// where no private prefix holds both the DC pods and the VPC, that CIDR is the pods
    /// alone, and DC pods reach the cloud behind their node's address.
    pub fn dc_pods_masqueraded_to_cloud(&self, family: Family) -> bool {
        self.mode == NetworkMode::CiliumBgp
            && crate::manifests::native_routing_cidr(self.spec, family)
                .is_some_and(|(_, with_vpc)| !with_vpc)
    }

    /// The ECS nodes run the DC's overlay: one pod range, tunnels between all nodes.
    pub fn overlay_spans_both_sides(&self) -> bool {
        self.cloud_cni != Cni::Terway
    }

    pub fn edges(&self) -> impl Iterator<Item = Edge<'s>> + 's {
        self.spec
            .on_prem
            .edge_routers
            .iter()
            .enumerate()
            .map(|(i, router)| Edge {
                index: i as u16,
                router,
            })
    }

    /// The edge router on the VBR link.
    pub fn vbr_edge(&self) -> Option<Edge<'s>> {
        self.edges().find(Edge::peers_with_vbr)
    }

    /// A BGP session between the DC edge and the VBR exists for `family`: IPv4 always,
    /// IPv6 only with the VBR's IPv6 peering (its own BGP peer, `IpVersion=IPv6`).
    pub fn crosses_vbr(&self, family: Family) -> bool {
        match family {
            Family::V4 => true,
            Family::V6 => self.spec.interconnect.vbr.ipv6.is_some(),
        }
    }

    /// The DC nodes have addresses of `family`: only then do they speak BGP or tunnel in it.
    pub fn dc_speaks(&self, family: Family) -> bool {
        self.dc_nodes.iter().any(|c| c.family() == family)
    }

    /// The ECS nodes have addresses of `family` (their vSwitches' ranges).
    pub fn ecs_speaks(&self, family: Family) -> bool {
        self.node_vswitches.iter().any(|v| v.0.family() == family)
    }

    /// `edge` learns the DC's pod routes of `family`: a routed mode, DC speakers of that
    /// family, and an edge address of it for their sessions.
    pub fn edge_learns_pods(&self, edge: &Edge, family: Family) -> bool {
        self.routed() && self.dc_speaks(family) && edge.address(family).is_some()
    }

    /// The DC nodes have a route of `family` to the edge (an edge address of that family).
    pub fn dc_default_route(&self, family: Family) -> Option<std::net::IpAddr> {
        self.vbr_edge().and_then(|e| e.address(family))
    }

    /// The vSwitches the cloud side publishes, each with its id.
    pub fn vswitches(&self) -> impl Iterator<Item = &(Cidr, String)> {
        self.node_vswitches.iter().chain(&self.pod_vswitches)
    }

    pub fn of_family(list: &[Cidr], family: Family) -> Vec<Cidr> {
        list.iter()
            .copied()
            .filter(|c| c.family() == family)
            .collect()
    }

    /// How pods of `family` travel between nodes in an overlay, and in which family the
    /// outer packets go: Calico IPIP carries IPv4 only, so its IPv6 pool uses VXLAN over
    /// IPv6; Flannel's IPv6 backend also runs over IPv6 node addresses; Cilium tunnels
    /// both families over IPv4 (`underlay-protocol` default ipv4).
    pub fn overlay_encapsulation(&self, family: Family) -> (Encapsulation, Family) {
        match (self.mode, family) {
            (NetworkMode::CalicoIpip, Family::V4) => (Encapsulation::Ipip, Family::V4),
            (NetworkMode::CiliumVxlan, _) => (Encapsulation::Vxlan, Family::V4),
            (_, f) => (Encapsulation::Vxlan, f),
        }
    }
}
