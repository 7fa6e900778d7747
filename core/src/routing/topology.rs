//! What the route tables, sessions, flows and checks are built from: the spec's prefixes
//! grouped by what they are, which CNI runs on each side, and which address families can
//! cross the VBR (a family crosses only where its BGP session exists).

use super::{Device, Encapsulation, services};
use crate::cidr::{Cidr, Family};
use crate::mode::{Cni, ModeDecision};
use crate::spec::{EdgeRouter, HybridCluster, NetworkMode, SpecCidr, Vbr};
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

    /// Its address on the DC node network for `family`.
    pub fn address(&self, family: Family) -> Option<std::net::IpAddr> {
        match family {
            Family::V4 => Some(self.router.ip),
            Family::V6 => self.router.ipv6,
        }
    }
}

/// An Express Connect circuit: a VBR and the edge router that ends it.
#[derive(Clone, Copy)]
pub(crate) struct Circuit<'s> {
    index: u16,
    pub vbr: &'s Vbr,
    pub edge: Edge<'s>,
    /// It waits while the first circuit carries the traffic (active/standby).
    pub standby: bool,
}

impl Circuit<'_> {
    pub fn device(&self) -> Device {
        Device::Vbr(self.index)
    }

    /// The circuit that carries the traffic in an active/standby design (the first).
    pub fn is_primary(&self) -> bool {
        self.index == 0
    }

    /// The VBR's and the edge's addresses on the peering of `family`, if it has one.
    pub fn gateways(&self, family: Family) -> Option<(std::net::IpAddr, std::net::IpAddr)> {
        self.vbr.gateways(family)
    }

    pub fn carries(&self, family: Family) -> bool {
        self.gateways(family).is_some()
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
    /// The circuits whose edge router exists, in the order of the VBRs.
    pub circuits: Vec<Circuit<'s>>,
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
        let mut peering = Vec::new();
        let mut circuits = Vec::new();
        for (i, vbr) in spec.interconnect.vbrs.iter().enumerate() {
            peering.extend(vbr.peering_subnets());
            if let Some(e) = spec.circuit_edge(vbr) {
                circuits.push(Circuit {
                    index: i as u16,
                    vbr,
                    edge: Edge {
                        index: e as u16,
                        router: &spec.on_prem.edge_routers[e],
                    },
                    standby: spec.interconnect.is_standby(i),
                });
            }
        }
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
            circuits,
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

    /// The edge routers that end a circuit, each once, in the order of the circuits.
    pub fn circuit_edges(&self) -> Vec<Edge<'s>> {
        let mut out: Vec<Edge<'s>> = Vec::new();
        for c in &self.circuits {
            if !out.iter().any(|e| e.index == c.edge.index) {
                out.push(c.edge);
            }
        }
        out
    }

    /// The edge of the first circuit: the one that carries an active/standby design's
    /// traffic, and whose learned routes stand for every edge's where all are alike.
    pub fn vbr_edge(&self) -> Option<Edge<'s>> {
        self.circuits.first().map(|c| c.edge)
    }

    /// A BGP session between a DC edge and a VBR exists for `family`: IPv4 always, IPv6
    /// only with a VBR's IPv6 peering (its own BGP peer, `IpVersion=IPv6`).
    pub fn crosses_vbr(&self, family: Family) -> bool {
        self.circuits.iter().any(|c| c.carries(family))
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

    /// The DC nodes' default routes of `family`: to each circuit's edge that has an address
    /// of that family, best first.
    pub fn dc_default_routes(&self, family: Family) -> Vec<(Edge<'s>, std::net::IpAddr)> {
        self.circuit_edges()
            .into_iter()
            .filter_map(|e| e.address(family).map(|a| (e, a)))
            .collect()
    }

    /// What a circuit edge routes statically to its VBR, each with what it is for: the VPC
    /// ranges (Managed Prometheus' endpoints), the cloud-service ranges and the extra ones.
    pub fn edge_statics(&self) -> [(&[Cidr], &'static str); 3] {
        [
            (
                if self.spec.cloud_services.prometheus {
                    &self.vpcs
                } else {
                    &[]
                },
                "VPC endpoints (Managed Prometheus)",
            ),
            (
                &self.cloud_services,
                "cloud services (OSS, Container Registry)",
            ),
            (&self.extra, "cloudServices.extraCidrs"),
        ]
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
