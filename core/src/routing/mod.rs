//! Routing: the route table of every hop (DC node, DC edge routers, VBR, CEN transit
//! router, VPC, ECS node), the BGP sessions, what the DC advertises to the VBR and the
//! limits that apply there, the flows the security groups and DC firewalls must let
//! through, and the connectivity checks an operator runs after rollout. [`trace`] walks
//! the tables of a plan with the longest-prefix-match trie.

mod checks;
mod device;
mod failover;
mod flows;
mod limits;
mod plan_routes;
mod services;
mod sessions;
mod tables;
mod topology;
mod trace;

pub use device::{Device, NotADevice};
pub use failover::NoSuchDevice;
pub use flows::{Flow, FlowEnd, Protocol};
pub use plan_routes::PlanRoutes;
pub(crate) use services::{oss_vip_ranges, registry_addresses, registry_domain};
pub use trace::{Endpoint, Hop, Outcome, Trace, trace, trace_endpoints, trace_failed};

pub(crate) use checks::connectivity;
pub(crate) use flows::flows;
pub(crate) use tables::build;

use crate::addressing::Count;
use crate::cidr::{Cidr, Family};
use serde::{Deserialize, Serialize};

/// The routing of a plan: the route table of every hop, the BGP sessions, what the DC
/// advertises to the VBR, and what must be aggregated.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Routing {
    /// One table per hop.
    pub tables: Vec<HopTable>,
    /// The BGP sessions of the design, grouped by shape.
    pub bgp_sessions: Vec<BgpSession>,
    /// Exactly what the DC edge advertises to the VBR (the exact summary of the DC's
    /// prefixes), and the VBR's limit for it.
    pub vbr_advertisement: Option<VbrAdvertisement>,
    /// Routes a speaker exports that must be aggregated before they leave the DC.
    pub aggregation: Vec<Aggregation>,
}

impl Routing {
    /// The route tables once the devices `failed` are down (a circuit fails as its VBR
    /// does: `vbr-2`): their routes and those learned through them are withdrawn, and the
    /// backups of each destination take over. A device without a table is refused.
    pub fn tables_after(&self, failed: &[Device]) -> Result<Vec<HopTable>, NoSuchDevice> {
        failover::checked_tables_after(&self.tables, failed)
    }
}

/// The route table of one hop.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct HopTable {
    /// The device.
    pub device: Device,
    /// What the device is, with its address and AS where it has them.
    pub label: String,
    /// Its routes.
    pub entries: Vec<RouteEntry>,
}

/// One route.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct RouteEntry {
    /// The prefix routed.
    pub destination: Cidr,
    /// The next hop as an operator writes it: an address, an interface or an attachment.
    pub next_hop: String,
    /// Where the route comes from.
    pub origin: RouteOrigin,
    /// The device a packet goes to next; absent when it is delivered at this device (or,
    /// with a `tunnel`, at the node of the pod in question).
    pub next_device: Option<Device>,
    /// Pods of an overlay: the packet is encapsulated toward the node that hosts the
    /// destination pod, whose address lies in one of the endpoints' ranges.
    pub tunnel: Option<Tunnel>,
    /// Where redundant circuits give the destination more than one route, how this one
    /// ranks; the routes of a destination are listed best first. Absent for an only route.
    pub path: Option<PathRole>,
}

/// How a route ranks among the routes of its destination over redundant circuits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum PathRole {
    /// One of several equal routes, all in use (active/active: ECMP).
    Ecmp,
    /// The route in use; the backups below it take over when it fails.
    Primary,
    /// A route used only when those above it have failed.
    Backup,
}

impl PathRole {
    /// The role as written in plans (`ecmp`).
    pub fn as_str(self) -> &'static str {
        match self {
            PathRole::Ecmp => "ecmp",
            PathRole::Primary => "primary",
            PathRole::Backup => "backup",
        }
    }
}

/// An overlay's tunnel between nodes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Tunnel {
    /// How packets are encapsulated.
    pub encapsulation: Encapsulation,
    /// The node ranges the tunnel ends in, per side: the outer packet goes to the node
    /// that hosts the destination pod.
    pub endpoints: Vec<TunnelEndpoint>,
}

/// How an overlay encapsulates packets between nodes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum Encapsulation {
    /// IP-in-IP (IP protocol 4): Calico's IPIP mode.
    Ipip,
    /// VXLAN over UDP (8472 for Flannel and Cilium, 4789 for Calico).
    Vxlan,
}

impl Encapsulation {
    /// The encapsulation as written in plans (`vxlan`).
    pub fn as_str(self) -> &'static str {
        match self {
            Encapsulation::Ipip => "ipip",
            Encapsulation::Vxlan => "vxlan",
        }
    }
}

/// One side's end of a tunnel.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct TunnelEndpoint {
    /// `dc-node` or `ecs-node`.
    pub device: Device,
    /// The node addresses on that side.
    pub range: Cidr,
}

/// Where a route comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum RouteOrigin {
    /// A directly connected network.
    Connected,
    /// A static route an operator configures.
    Static,
    /// Learned over BGP.
    Bgp,
    /// A route the cloud adds by itself (the VPC's system routes).
    System,
    /// Propagated by the cloud from an attachment (CEN route learning).
    Propagated,
}

impl RouteOrigin {
    /// Every origin, in declaration order.
    pub const ALL: [RouteOrigin; 5] = [
        RouteOrigin::Connected,
        RouteOrigin::Static,
        RouteOrigin::Bgp,
        RouteOrigin::System,
        RouteOrigin::Propagated,
    ];

    /// The origin as written in plans (`bgp`).
    pub fn as_str(self) -> &'static str {
        match self {
            RouteOrigin::Connected => "connected",
            RouteOrigin::Static => "static",
            RouteOrigin::Bgp => "bgp",
            RouteOrigin::System => "system",
            RouteOrigin::Propagated => "propagated",
        }
    }
}

/// One BGP session, or a group of like sessions (`count` > 1: every client node with
/// every route reflector, say), in one address family.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct BgpSession {
    /// One end.
    pub local: BgpSpeaker,
    /// The other end.
    pub peer: BgpSpeaker,
    /// The address family the session carries: IPv6 routes travel on sessions between
    /// IPv6 addresses, IPv4 routes on IPv4 ones.
    pub family: Family,
    /// How many sessions of this shape the design has (a full mesh of 2^32 nodes has more
    /// than 2^53, so a decimal string like every count that can grow that large).
    pub count: Count,
    /// iBGP or eBGP.
    pub kind: SessionKind,
    /// What the session is for.
    pub role: SessionRole,
}

/// Whether a session is within one AS or between two.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum SessionKind {
    /// Within one AS.
    Ibgp,
    /// Between two AS numbers.
    Ebgp,
}

impl SessionKind {
    /// eBGP between different AS numbers, iBGP within one.
    pub fn between(a: u32, b: u32) -> SessionKind {
        if a == b {
            SessionKind::Ibgp
        } else {
            SessionKind::Ebgp
        }
    }

    /// The kind as written in plans (`ibgp`).
    pub fn as_str(self) -> &'static str {
        match self {
            SessionKind::Ibgp => "ibgp",
            SessionKind::Ebgp => "ebgp",
        }
    }
}

/// What a session is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum SessionRole {
    /// A DC edge router and a VBR, across Express Connect.
    EdgeVbr,
    /// A Calico node and a route reflector.
    ClientReflector,
    /// Two route reflectors (they peer like any two nodes that match the peer selector).
    ReflectorReflector,
    /// A route reflector and a DC edge router.
    ReflectorEdge,
    /// Two nodes of Calico's full mesh.
    NodeMesh,
    /// A node (Calico without reflectors, or Cilium's BGP control plane) and a DC edge.
    NodeEdge,
    /// Two DC edges that end circuits: each learns the other's VBR routes, its way to
    /// the cloud when its own circuit fails.
    EdgeEdge,
}

/// One end of a BGP session.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct BgpSpeaker {
    /// The device.
    pub device: Device,
    /// An address, or the range the speakers' addresses come from.
    pub address: String,
    /// Its AS number.
    pub as_number: u32,
    /// Prefixes this side advertises to the other.
    pub advertises: Vec<Cidr>,
    /// What `advertises` stands for, where it is more than the list (per-block routes).
    pub note: Option<String>,
}

/// What the DC edge advertises to the VBR.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct VbrAdvertisement {
    /// The prefixes advertised.
    pub prefixes: Vec<Cidr>,
    /// Routes the VBR accepts from one BGP peer before it drops the rest.
    pub limit: u64,
}

/// Routes a speaker exports that the DC edge must aggregate before they reach the VBR.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Aggregation {
    /// Who exports the routes (`calico-blocks`, `cilium-node-cidrs`).
    pub source: String,
    /// Routes exported at the planned size (one per IPAM block or node CIDR in use).
    pub routes: Count,
    /// Their prefix length.
    pub prefix_length: u8,
    /// The prefixes the DC edge must aggregate them into.
    pub aggregate_to: Vec<Cidr>,
    /// Why, and how to configure it.
    pub note: String,
}

/// A check to run after rollout: a probe from one place to another and what must happen.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Check {
    /// What the probe starts from, in words.
    pub from: String,
    /// What it reaches, in words.
    pub to: String,
    /// The source address.
    pub src: String,
    /// The destination address.
    pub dst: String,
    /// The node the source runs on (a pod address of an overlay may be on either side).
    pub src_node: Device,
    /// The node the destination runs on, where it is a node or a pod.
    pub dst_node: Option<Device>,
    /// Devices the packet passes, in order, as `trace` finds them.
    pub path: Vec<Device>,
    /// What the operator should see.
    pub expect: String,
    /// What `trace` finds through this plan: `delivered`, or how the packet is meant to
    /// fail (`no-route`).
    pub outcome: Outcome,
    /// How to probe it.
    pub probe: String,
    /// The devices down for this check (a failover check: what must still reply with a
    /// circuit down); empty for the checks of the whole network.
    pub failed: Vec<Device>,
}
