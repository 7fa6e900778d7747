//! The `HybridCluster` spec (docs/spec.md): typed, with defaults applied and every prefix
//! canonical. Read from JSON or YAML with [`HybridCluster::from_json`],
//! [`HybridCluster::from_yaml`] or [`HybridCluster::from_text`].

mod cni;
mod decode;
#[cfg(feature = "typescript")]
pub mod input;
pub mod limits;
mod read;
pub(crate) mod tree;
mod yaml;

pub use cni::{CniInstall, DcCni, EncapMode, ExistingPeer, ExistingPool, Version};
pub use tree::Format;

use crate::cidr::{Cidr, Family};
use crate::diagnostic::{escaped, quoted};
use crate::facts;
use crate::{Code, Diagnostic, SpecError};
use decode::Decoder;
use serde::{Deserialize, Serialize};
use std::net::IpAddr;

/// The IP families the cluster runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum IpFamily {
    /// IPv4 only.
    Ipv4,
    /// IPv4 and IPv6 (dual stack).
    Dual,
}

/// `performance` in the spec: whether the DC side needs the performance of a routed
/// (non-overlay) network.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum Performance {
    /// An overlay is good enough.
    Standard,
    /// Pods must be routed without encapsulation.
    High,
}

/// A network mode for the DC side.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum NetworkMode {
    /// Flannel with VXLAN across both sides.
    FlannelVxlan,
    /// Calico with IP-in-IP across both sides.
    CalicoIpip,
    /// Cilium with VXLAN across both sides.
    CiliumVxlan,
    /// Calico's BGP with route reflectors, peering with the DC edge; Terway on the ECS nodes.
    CalicoRouteReflector,
    /// Cilium's BGP control plane peering with the DC edge; Terway on the ECS nodes.
    CiliumBgp,
}

impl NetworkMode {
    /// Every mode.
    pub const ALL: [NetworkMode; 5] = [
        NetworkMode::CalicoRouteReflector,
        NetworkMode::CiliumBgp,
        NetworkMode::CalicoIpip,
        NetworkMode::FlannelVxlan,
        NetworkMode::CiliumVxlan,
    ];

    /// The mode as written in specs and plans (`calico-route-reflector`).
    pub fn as_str(self) -> &'static str {
        match self {
            NetworkMode::FlannelVxlan => "flannel-vxlan",
            NetworkMode::CalicoIpip => "calico-ipip",
            NetworkMode::CiliumVxlan => "cilium-vxlan",
            NetworkMode::CalicoRouteReflector => "calico-route-reflector",
            NetworkMode::CiliumBgp => "cilium-bgp",
        }
    }

    /// Routed modes advertise pod routes over BGP; overlay modes tunnel between nodes.
    pub fn is_routed(self) -> bool {
        matches!(
            self,
            NetworkMode::CalicoRouteReflector | NetworkMode::CiliumBgp
        )
    }

    /// Whether the DC nodes run Calico in this mode.
    pub fn is_calico(self) -> bool {
        matches!(
            self,
            NetworkMode::CalicoRouteReflector | NetworkMode::CalicoIpip
        )
    }

    /// The CNI the DC nodes run in this mode.
    pub fn dc_cni(self) -> crate::mode::Cni {
        use crate::mode::Cni;
        match self {
            NetworkMode::FlannelVxlan => Cni::Flannel,
            NetworkMode::CalicoIpip | NetworkMode::CalicoRouteReflector => Cni::Calico,
            NetworkMode::CiliumVxlan | NetworkMode::CiliumBgp => Cni::Cilium,
        }
    }
}

impl std::fmt::Display for NetworkMode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

/// `mode` in the spec: let the planner choose, or force one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RequestedMode {
    /// The planner chooses (`auto`).
    Auto,
    /// The spec names the mode.
    Forced(NetworkMode),
}

/// A prefix from the spec with the JSON Pointer it was read from, so that diagnostics
/// point at the field the user wrote (`/onPrem/podCidr` or `/onPrem/podCidrs/1`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpecCidr {
    /// The prefix.
    pub cidr: Cidr,
    /// JSON Pointer of the field it was read from.
    pub path: String,
}

/// A hybrid cluster as the spec describes it (docs/spec.md): the data center, the cloud,
/// the interconnect between them and the cloud services the DC reaches. Read with
/// [`HybridCluster::from_text`] and its siblings; plan with [`crate::plan`].
///
/// ```
/// let spec = hybridplan::HybridCluster::from_yaml(hybridplan::REFERENCE_SPEC).unwrap();
/// assert_eq!(spec.on_prem.pod_cidrs[0].cidr.to_string(), "10.100.0.0/16");
/// assert_eq!(spec.on_prem.pod_cidrs[0].path, "/onPrem/podCidr");
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct HybridCluster {
    /// The cluster's name (`name`, default `hybrid`): it goes into object names.
    pub name: String,
    /// The IP families the cluster runs (`ipFamily`).
    pub ip_family: IpFamily,
    /// Whether the DC side must be routed rather than an overlay (`performance`).
    pub performance: Performance,
    /// The mode asked for (`mode`): `auto` or a [`NetworkMode`].
    pub mode: RequestedMode,
    /// The data center (`onPrem`).
    pub on_prem: OnPrem,
    /// The Alibaba Cloud side (`cloud`).
    pub cloud: Cloud,
    /// Express Connect, the VBR and CEN (`interconnect`).
    pub interconnect: Interconnect,
    /// The cloud services the DC reaches (`cloudServices`).
    pub cloud_services: CloudServices,
    /// Diagnostics from reading the text: normalised spellings, and values read despite
    /// an error (a prefix with host bits set, a malformed id), which the plan carries.
    pub read_diagnostics: Vec<Diagnostic>,
    /// JSON Pointers of the optional fields given, sorted (see [`HybridCluster::gives`]).
    pub given: Vec<String>,
}

/// The data center and its cluster (`onPrem`).
#[derive(Clone, Debug, PartialEq)]
pub struct OnPrem {
    /// The DC node ranges (`nodeCidr` or `nodeCidrs`).
    pub node_cidrs: Vec<SpecCidr>,
    /// The DC pod ranges (`podCidr` or `podCidrs`).
    pub pod_cidrs: Vec<SpecCidr>,
    /// The service ranges (`serviceCidr` or `serviceCidrs`).
    pub service_cidrs: Vec<SpecCidr>,
    /// DC nodes today (`nodes`).
    pub nodes: u32,
    /// DC nodes the plan must grow to (`maxNodes`).
    pub max_nodes: u32,
    /// Pods per DC node (`maxPodsPerNode`, default 110).
    pub max_pods_per_node: u32,
    /// The DC nodes' AS number (`asNumber`, default Calico's 64512).
    pub as_number: u32,
    /// Calico block size for IPv4 pools (`calicoBlockSize`).
    pub calico_block_size: u8,
    /// Calico block size for IPv6 pools (`calicoBlockSizeV6`).
    pub calico_block_size_v6: u8,
    /// Route reflectors asked for (`routeReflectors`); `None`: as many as the node count
    /// needs.
    pub route_reflectors: Option<u32>,
    /// Names of the DC nodes that serve as route reflectors (`routeReflectorNodes`): the
    /// manifests label and annotate exactly these.
    pub route_reflector_nodes: Vec<String>,
    /// kube-controller-manager's `--node-cidr-mask-size-ipv4` in this cluster
    /// (`nodeCidrMaskSize`): the subnet each node gets from the pod range in Flannel; in
    /// Cilium its cluster-pool mask, when given (else sized to the pods per node).
    pub node_cidr_mask_size: u8,
    /// `--node-cidr-mask-size-ipv6` (`nodeCidrMaskSizeV6`).
    pub node_cidr_mask_size_v6: u8,
    /// The DC's edge routers, which peer with the VBR (`edgeRouters`).
    pub edge_routers: Vec<EdgeRouter>,
    /// The CNI the cluster runs today (`cni`); `None`: a default install of the mode's CNI.
    pub cni: Option<DcCni>,
}

impl OnPrem {
    /// The cluster's BGP peering with `ip` today, if the spec lists one.
    pub fn existing_peer(&self, ip: IpAddr) -> Option<&ExistingPeer> {
        self.cni
            .as_ref()?
            .existing_peers
            .iter()
            .find(|p| p.peer_ip == ip)
    }
}

/// A DC edge router (`onPrem.edgeRouters[]`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EdgeRouter {
    /// Its IPv4 address on the DC node network (`ip`).
    pub ip: IpAddr,
    /// The router's IPv6 address on the DC node network (`ipv6`): the next hop of DC nodes'
    /// IPv6 default route and of their IPv6 BGP sessions.
    pub ipv6: Option<IpAddr>,
    /// Its AS number (`asNumber`).
    pub as_number: u32,
}

/// The Alibaba Cloud side (`cloud`).
#[derive(Clone, Debug, PartialEq)]
pub struct Cloud {
    /// The region (`region`, `cn-hangzhou`).
    pub region: String,
    /// The VPC's ranges, primary first (`vpcCidr` or `vpcCidrs`).
    pub vpc_cidrs: Vec<SpecCidr>,
    /// The zones and their vSwitches (`zones`).
    pub zones: Vec<Zone>,
    /// ECS nodes today (`nodes`).
    pub nodes: u32,
    /// ECS nodes the plan must grow to (`maxNodes`).
    pub max_nodes: u32,
    /// `None`: as many as Terway allows, at most 110.
    pub max_pods_per_node: Option<u32>,
    /// The security groups of the ECS nodes (`securityGroups`).
    pub security_groups: Vec<String>,
    /// Which CNI the ECS nodes run (`cni`): `auto` follows Alibaba's scenarios (the DC's
    /// overlay, or Terway beside a routed DC); `terway` forces Terway.
    pub cni: CloudCniChoice,
    /// Terway's settings for the ECS nodes (`terway`).
    pub terway: Terway,
    /// ECS node pools whose Terway settings differ from the cluster's (`nodePools`).
    pub node_pools: Vec<NodePool>,
    /// The vSwitches the transit router's VPC connection uses, one per zone
    /// (`transitRouterVSwitches`); empty: the first node vSwitch of each zone.
    pub transit_router_vswitches: Vec<TransitRouterVSwitch>,
}

/// A vSwitch in which the transit router's VPC connection places its network interface:
/// one per zone the transit router uses, each with a free address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TransitRouterVSwitch {
    /// The zone (`zone`).
    pub zone: String,
    /// The vSwitch id (`id`).
    pub id: String,
    /// Its range; `None` when `id` names a vSwitch of `zones` (its range is known there).
    pub cidr: Option<Cidr>,
}

impl Cloud {
    /// The vSwitches of the transit router's VPC connection: those the spec names, or else
    /// the first node vSwitch of each zone (any vSwitch with a free address will do).
    pub fn transit_router_vswitches(&self) -> Vec<TransitRouterVSwitch> {
        if !self.transit_router_vswitches.is_empty() {
            return self.transit_router_vswitches.clone();
        }
        self.zones
            .iter()
            .filter_map(|z| {
                z.node_vswitches.first().map(|v| TransitRouterVSwitch {
                    zone: z.zone.clone(),
                    id: v.id.clone(),
                    cidr: Some(v.cidr),
                })
            })
            .collect()
    }

    /// Whether `id` is a node or pod vSwitch of `zones`.
    pub fn has_vswitch(&self, id: &str) -> bool {
        self.zones.iter().any(|z| {
            z.node_vswitches
                .iter()
                .chain(&z.pod_vswitches)
                .any(|v| v.id == id)
        })
    }
}

/// An ECS node pool with Terway settings of its own: Terway's per-node-pool dynamic
/// config, merged over the cluster's `eni-config`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodePool {
    /// The pool's name: it names its dynamic config and the node label that selects it.
    pub name: String,
    /// The pool's security groups (`securityGroups`); `None`: the cluster's.
    pub security_groups: Option<Vec<String>>,
    /// The pod vSwitches (ids from `zones`) the pool's pods take addresses from.
    pub pod_vswitch_ids: Option<Vec<String>>,
}

/// `cloud.cni` in the spec.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CloudCniChoice {
    /// Follow Alibaba Cloud's scenarios: the DC's overlay, or Terway beside a routed DC.
    Auto,
    /// Terway, whatever the DC runs.
    Terway,
}

/// A zone of the VPC and its vSwitches (`cloud.zones[]`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Zone {
    /// The zone id (`zone`, `cn-hangzhou-h`).
    pub zone: String,
    /// The vSwitches of the ECS nodes (`nodeVSwitches`).
    pub node_vswitches: Vec<VSwitch>,
    /// The vSwitches Terway takes pod addresses from (`podVSwitches`).
    pub pod_vswitches: Vec<VSwitch>,
}

/// A vSwitch (`id`, `cidr`, `ipv6Cidr`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VSwitch {
    /// Its id (`vsw-…`).
    pub id: String,
    /// Its IPv4 range.
    pub cidr: Cidr,
    /// Its IPv6 range, in a dual-stack cluster.
    pub ipv6_cidr: Option<Cidr>,
}

/// How Terway gives pods their addresses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum TerwayMode {
    /// Pods share ENIs, each taking a secondary address.
    SharedEni,
    /// Each pod has an ENI of its own.
    ExclusiveEni,
}

impl TerwayMode {
    /// The mode as written in specs and plans (`shared-eni`).
    pub fn as_str(self) -> &'static str {
        match self {
            TerwayMode::SharedEni => "shared-eni",
            TerwayMode::ExclusiveEni => "exclusive-eni",
        }
    }
}

/// Terway's settings for the ECS nodes (`cloud.terway`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Terway {
    /// The mode (`mode`, default `shared-eni`).
    pub mode: TerwayMode,
    /// ENIs an ECS node can attach (`enisPerNode`), the instance type's limit.
    pub enis_per_node: u32,
    /// Addresses per ENI (`ipsPerEni`), the instance type's limit.
    pub ips_per_eni: u32,
}

impl Terway {
    /// Pods one ECS node can hold (ACK "Manage pod capacity on nodes"): shared ENI
    /// (ENIs − 1) × IPs per ENI, the primary ENI serving the node; exclusive ENIs − 1.
    pub fn pods_per_node(&self) -> u64 {
        let enis = u64::from(self.enis_per_node.saturating_sub(1));
        match self.mode {
            TerwayMode::SharedEni => enis * u64::from(self.ips_per_eni),
            TerwayMode::ExclusiveEni => enis,
        }
    }
}

/// The link between the DC and the VPC (`interconnect`).
#[derive(Clone, Debug, PartialEq)]
pub struct Interconnect {
    /// The Express Connect virtual border routers, one per circuit (`vbr`, or `vbrs` for
    /// more than one); never empty. Devices `vbr`, `vbr-2`, … in this order.
    pub vbrs: Vec<Vbr>,
    /// How two or more circuits share the traffic (`redundancy`, default active-active).
    pub redundancy: Redundancy,
    /// The CEN instance that joins the VBR and the VPC (`cen.id`).
    pub cen_id: String,
}

/// How the circuits of a redundant interconnect carry traffic (Alibaba Cloud's designs:
/// <https://www.alibabacloud.com/help/en/express-connect/latest/establish-active-or-active-connections-between-a-data-center-and-alibaba-cloud>,
/// <https://www.alibabacloud.com/help/doc-detail/162394.htm>).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Redundancy {
    /// Equal routes over every circuit, ECMP on both sides (the design Alibaba recommends:
    /// a fault of a path that carries traffic shows at once).
    ActiveActive,
    /// The first VBR carries the traffic; the others take over when it fails (AS-path
    /// prepending toward them, a lower local preference on what they send).
    ActiveStandby,
}

impl Redundancy {
    /// The design as written in specs and plans (`active-active`).
    pub fn as_str(self) -> &'static str {
        match self {
            Redundancy::ActiveActive => "active-active",
            Redundancy::ActiveStandby => "active-standby",
        }
    }
}

/// A virtual border router (`interconnect.vbr`, or an entry of `interconnect.vbrs`).
#[derive(Clone, Debug, PartialEq)]
pub struct Vbr {
    /// Its id (`id`).
    pub id: String,
    /// Its JSON pointer in the spec (`/interconnect/vbr`, `/interconnect/vbrs/1`).
    pub path: String,
    /// The `ip` of the `onPrem.edgeRouters` entry that ends its circuit (`edgeRouter`;
    /// `None`: the first edge router, allowed for a single VBR only).
    pub edge_router: Option<IpAddr>,
    /// Whether its BGP peer runs BFD (`bfd`, default true): a failed circuit is then
    /// found in about a second rather than after the BGP hold time.
    pub bfd: bool,
    /// The VLAN of the Express Connect circuit (`vlanId`).
    pub vlan_id: i64,
    /// The VBR's address on the peering subnet (`localGatewayIp`).
    pub local_gateway_ip: IpAddr,
    /// The DC edge's address on the peering subnet (`peerGatewayIp`).
    pub peer_gateway_ip: IpAddr,
    /// The peering subnet (`peeringSubnet`).
    pub peering_subnet: Cidr,
    /// IPv6 peering of a dual-stack VBR (`localGatewayIpv6`, `peerGatewayIpv6`,
    /// `peeringSubnetIpv6`, after the VBR API's IPv6 fields).
    pub ipv6: Option<VbrIpv6>,
    /// The VBR's AS number (`asNumber`, default Alibaba Cloud's 45104).
    pub as_number: u32,
}

impl Interconnect {
    /// Whether the `index`-th VBR's circuit waits while the first carries the traffic (an
    /// active/standby design).
    pub fn is_standby(&self, index: usize) -> bool {
        self.redundancy == Redundancy::ActiveStandby && index > 0
    }
}

impl Vbr {
    /// The VBR's and the DC edge's addresses on the peering of `family`, if it has one.
    pub fn gateways(&self, family: Family) -> Option<(IpAddr, IpAddr)> {
        match family {
            Family::V4 => Some((self.local_gateway_ip, self.peer_gateway_ip)),
            Family::V6 => self
                .ipv6
                .as_ref()
                .map(|v| (v.local_gateway_ip, v.peer_gateway_ip)),
        }
    }

    /// Its peering subnets: the IPv4 one, and the IPv6 one of a dual-stack VBR.
    pub fn peering_subnets(&self) -> Vec<Cidr> {
        let mut subnets = vec![self.peering_subnet];
        subnets.extend(self.ipv6.as_ref().map(|v| v.peering_subnet));
        subnets
    }
}

/// The IPv6 peering of a dual-stack VBR.
#[derive(Clone, Debug, PartialEq)]
pub struct VbrIpv6 {
    /// The VBR's IPv6 address (`localGatewayIpv6`).
    pub local_gateway_ip: IpAddr,
    /// The DC edge's IPv6 address (`peerGatewayIpv6`).
    pub peer_gateway_ip: IpAddr,
    /// The IPv6 peering subnet (`peeringSubnetIpv6`).
    pub peering_subnet: Cidr,
}

/// The cloud services the DC reaches through the VBR (`cloudServices`).
#[derive(Clone, Debug, PartialEq)]
pub struct CloudServices {
    /// Container Registry's VPC endpoint (`containerRegistry`, default true).
    pub container_registry: bool,
    /// Managed Service for Prometheus (`prometheus`, default true).
    pub prometheus: bool,
    /// OSS, through the region's VIP ranges (`oss`, default true).
    pub oss: bool,
    /// More ranges to route to the cloud (`extraCidr` or `extraCidrs`).
    pub extra_cidrs: Vec<SpecCidr>,
}

impl Cloud {
    /// Pods planned per ECS node: the user's number, or what Terway allows capped at 110.
    pub fn pods_per_node(&self) -> u64 {
        let limit = self.terway.pods_per_node();
        match self.max_pods_per_node {
            Some(n) => u64::from(n).min(limit),
            None => limit.min(u64::from(facts::K8S_DEFAULT_MAX_PODS_PER_NODE)),
        }
    }
}

impl OnPrem {
    /// DC nodes the plan must hold: the larger of today's count and the planned growth.
    pub fn planned_nodes(&self) -> u32 {
        self.nodes.max(self.max_nodes)
    }

    /// The Calico block size of `family`'s pools.
    pub fn block_size(&self, family: Family) -> u8 {
        match family {
            Family::V4 => self.calico_block_size,
            Family::V6 => self.calico_block_size_v6,
        }
    }

    /// The node subnet kube-controller-manager hands out from the pod range of `family`.
    pub fn node_cidr_mask(&self, family: Family) -> u8 {
        match family {
            Family::V4 => self.node_cidr_mask_size,
            Family::V6 => self.node_cidr_mask_size_v6,
        }
    }
}

impl HybridCluster {
    /// The index in `onPrem.edgeRouters` of the router that ends `vbr`'s circuit: the one
    /// its `edgeRouter` names, or the first when it names none. `None` when it names an
    /// address no edge router has (a diagnostic of its own).
    pub fn circuit_edge(&self, vbr: &Vbr) -> Option<usize> {
        match vbr.edge_router {
            None => (!self.on_prem.edge_routers.is_empty()).then_some(0),
            Some(ip) => self.on_prem.edge_routers.iter().position(|e| e.ip == ip),
        }
    }

    /// Reads a spec from JSON text.
    pub fn from_json(text: &str) -> Result<HybridCluster, SpecError> {
        Self::from_text_as(text, Format::Json)
    }

    /// Reads a spec from YAML text.
    pub fn from_yaml(text: &str) -> Result<HybridCluster, SpecError> {
        Self::from_text_as(text, Format::Yaml)
    }

    /// Reads a spec from JSON or YAML text (JSON when it starts with `{`).
    pub fn from_text(text: &str) -> Result<HybridCluster, SpecError> {
        Self::from_text_as(text, Format::detect(text))
    }

    /// Reads a spec from bytes (JSON or YAML, detected), which must be UTF-8 text.
    pub fn from_bytes(bytes: &[u8]) -> Result<HybridCluster, SpecError> {
        Self::from_text(tree::utf8(bytes)?)
    }

    /// Reads a spec from text in `format`.
    pub fn from_text_as(text: &str, format: Format) -> Result<HybridCluster, SpecError> {
        let tree = tree::read(text, format)?;
        let mut decoder = Decoder::default();
        let spec = read::decode_cluster(&mut decoder, &tree);
        match spec {
            Some(mut spec) if decoder.blocking == 0 => {
                limits::check_ranges(spec.ranges().len())?;
                spec.read_diagnostics = decoder.diagnostics;
                decoder.given.sort_unstable();
                spec.given = decoder.given;
                Ok(spec)
            }
            _ => Err(SpecError::Invalid(
                decoder
                    .diagnostics
                    .into_iter()
                    .filter(Diagnostic::is_error)
                    .collect(),
            )),
        }
    }

    /// Whether the spec gives the optional field at `pointer` (`/onPrem/routeReflectors`)
    /// rather than leaving it to its default.
    pub fn gives(&self, pointer: &str) -> bool {
        self.given
            .binary_search_by(|p| p.as_str().cmp(pointer))
            .is_ok()
    }

    /// Every address range of the spec of `family`, with its role and pointer.
    pub fn ranges(&self) -> Vec<Range<'_>> {
        let mut out = Vec::new();
        let op = &self.on_prem;
        for (role, list) in [
            (Role::DcNodes, &op.node_cidrs),
            (Role::DcPods, &op.pod_cidrs),
            (Role::Services, &op.service_cidrs),
            (Role::Vpc, &self.cloud.vpc_cidrs),
            (Role::CloudServiceExtra, &self.cloud_services.extra_cidrs),
        ] {
            for sc in list {
                out.push(Range {
                    role,
                    cidr: sc.cidr,
                    path: sc.path.clone(),
                    label: None,
                });
            }
        }
        for (zi, zone) in self.cloud.zones.iter().enumerate() {
            for (key, role, list) in [
                ("nodeVSwitches", Role::NodeVSwitch, &zone.node_vswitches),
                ("podVSwitches", Role::PodVSwitch, &zone.pod_vswitches),
            ] {
                for (vi, vsw) in list.iter().enumerate() {
                    let base = format!("/cloud/zones/{zi}/{key}/{vi}");
                    out.push(Range {
                        role,
                        cidr: vsw.cidr,
                        path: format!("{base}/cidr"),
                        label: Some(&vsw.id),
                    });
                    if let Some(v6) = vsw.ipv6_cidr {
                        out.push(Range {
                            role,
                            cidr: v6,
                            path: format!("{base}/ipv6Cidr"),
                            label: Some(&vsw.id),
                        });
                    }
                }
            }
        }
        for (i, v) in self.cloud.transit_router_vswitches.iter().enumerate() {
            // One named in `zones` is already there, under its own role.
            if let (Some(cidr), false) = (v.cidr, self.cloud.has_vswitch(&v.id)) {
                out.push(Range {
                    role: Role::TransitRouterVSwitch,
                    cidr,
                    path: format!("/cloud/transitRouterVSwitches/{i}/cidr"),
                    label: Some(&v.id),
                });
            }
        }
        for vbr in &self.interconnect.vbrs {
            out.push(Range {
                role: Role::VbrPeering,
                cidr: vbr.peering_subnet,
                path: format!("{}/peeringSubnet", vbr.path),
                label: Some(&vbr.id),
            });
            if let Some(v6) = &vbr.ipv6 {
                out.push(Range {
                    role: Role::VbrPeering,
                    cidr: v6.peering_subnet,
                    path: format!("{}/peeringSubnetIpv6", vbr.path),
                    label: Some(&vbr.id),
                });
            }
        }
        out
    }
}

/// What a range of the spec is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// The DC node range.
    DcNodes,
    /// A DC pod range.
    DcPods,
    /// A service range.
    Services,
    /// A VPC range.
    Vpc,
    /// A vSwitch of ECS nodes.
    #[serde(rename = "node-vswitch")]
    NodeVSwitch,
    /// A vSwitch Terway takes pod addresses from.
    #[serde(rename = "pod-vswitch")]
    PodVSwitch,
    /// A vSwitch of the transit router's VPC connection only.
    #[serde(rename = "transit-router-vswitch")]
    TransitRouterVSwitch,
    /// The VBR's peering subnet.
    VbrPeering,
    /// A range of `cloudServices.extraCidrs`.
    CloudServiceExtra,
    /// A Calico pool the cluster has outside the planned pod ranges (pods move off it).
    LivePool,
    /// A pool that holds pods during a block-size migration.
    TemporaryPool,
}

impl Role {
    /// The role as written in plans (`dc-pods`).
    pub fn as_str(self) -> &'static str {
        match self {
            Role::DcNodes => "dc-nodes",
            Role::DcPods => "dc-pods",
            Role::Services => "services",
            Role::Vpc => "vpc",
            Role::NodeVSwitch => "node-vswitch",
            Role::PodVSwitch => "pod-vswitch",
            Role::TransitRouterVSwitch => "transit-router-vswitch",
            Role::VbrPeering => "vbr-peering",
            Role::CloudServiceExtra => "cloud-service-extra",
            Role::LivePool => "live-pool",
            Role::TemporaryPool => "temporary-pool",
        }
    }

    /// The role in words (`DC pod range`).
    pub fn describe(self) -> &'static str {
        match self {
            Role::DcNodes => "DC node range",
            Role::DcPods => "DC pod range",
            Role::Services => "service range",
            Role::Vpc => "VPC CIDR",
            Role::NodeVSwitch => "node vSwitch",
            Role::PodVSwitch => "pod vSwitch",
            Role::TransitRouterVSwitch => "transit router vSwitch",
            Role::VbrPeering => "VBR peering subnet",
            Role::CloudServiceExtra => "extra cloud-service range",
            Role::LivePool => "Calico pool the cluster has",
            Role::TemporaryPool => "temporary Calico pool",
        }
    }

    /// Ranges that live in the data center and are routed toward it.
    pub fn is_dc(self) -> bool {
        matches!(self, Role::DcNodes | Role::DcPods | Role::VbrPeering)
    }

    /// Whether the range is a vSwitch.
    pub fn is_vswitch(self) -> bool {
        matches!(
            self,
            Role::NodeVSwitch | Role::PodVSwitch | Role::TransitRouterVSwitch
        )
    }
}

/// One address range of the spec.
#[derive(Clone, Debug, PartialEq)]
pub struct Range<'s> {
    /// What it is for.
    pub role: Role,
    /// The range.
    pub cidr: Cidr,
    /// JSON Pointer of the field it was read from.
    pub path: String,
    /// The vSwitch or VBR id, where the range has one.
    pub label: Option<&'s str>,
}

impl Range<'_> {
    /// The range in words, with its id (`node vSwitch 10.10.24.0/24 (vsw-node-h)`).
    pub fn describe(&self) -> String {
        match self.label {
            Some(id) => format!("{} {} ({id})", self.role.describe(), self.cidr),
            None => format!("{} {}", self.role.describe(), self.cidr),
        }
    }
}
