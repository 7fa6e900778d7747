//! Routing: the route table of every hop (DC node, DC edge routers, VBR, CEN transit
//! router, VPC, ECS node), the BGP sessions, what the DC advertises to the VBR and the
//! limits that apply there, and the connectivity checks an operator runs after rollout.
//! [`trace`] walks the tables of a plan with the longest-prefix-match trie.

mod oss;
mod plan_routes;
mod tables;
mod trace;

pub use oss::{regions as oss_regions, vip_ranges as oss_vip_ranges};
pub use plan_routes::PlanRoutes;
pub use trace::{Hop, Outcome, Trace, trace};

pub(crate) use tables::{build, edge_device};
pub(crate) use trace::connectivity;

use crate::addressing::Count;
use crate::cidr::Cidr;
use serde::{Deserialize, Serialize};

/// Device names used in `routing.tables` and by `trace`.
pub mod device {
    /// The DC node hosting the address in question (a Calico or Cilium node).
    pub const DC_NODE: &str = "dc-node";
    /// The DC edge router that peers with the VBR (the first of `onPrem.edgeRouters`).
    pub const DC_EDGE: &str = "dc-edge";
    pub const VBR: &str = "vbr";
    pub const CEN: &str = "cen-tr";
    pub const VPC: &str = "vpc";
    /// The ECS node hosting the address in question (Terway).
    pub const ECS_NODE: &str = "ecs-node";
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Routing {
    /// One table per hop.
    pub tables: Vec<HopTable>,
    pub bgp_sessions: Vec<BgpSession>,
    /// Exactly what the DC edge advertises to the VBR (the exact summary of the DC's
    /// prefixes), and the VBR's limit for it.
    pub vbr_advertisement: Option<VbrAdvertisement>,
    /// Routes a speaker exports that must be aggregated before they leave the DC.
    pub aggregation: Vec<Aggregation>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct HopTable {
    /// Short name used as `nextDevice` (`dc-edge`, `vbr`, …).
    pub device: String,
    /// What the device is, with its address and AS where it has them.
    pub label: String,
    pub entries: Vec<RouteEntry>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct RouteEntry {
    pub destination: Cidr,
    /// The next hop as an operator writes it: an address, an interface or an attachment.
    pub next_hop: String,
    pub origin: RouteOrigin,
    /// The device a packet goes to next; absent when it is delivered at this device.
    pub next_device: Option<String>,
}

/// Where a route comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum RouteOrigin {
    Connected,
    Static,
    Bgp,
    System,
    Propagated,
}

impl RouteOrigin {
    pub const ALL: [RouteOrigin; 5] = [
        RouteOrigin::Connected,
        RouteOrigin::Static,
        RouteOrigin::Bgp,
        RouteOrigin::System,
        RouteOrigin::Propagated,
    ];

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
/// every route reflector, say).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct BgpSession {
    pub local: BgpSpeaker,
    pub peer: BgpSpeaker,
    /// How many sessions of this shape the design has (a full mesh of 2^32 nodes has more
    /// than 2^53, so a decimal string like every count that can grow that large).
    pub count: Count,
    /// `ebgp` or `ibgp`.
    pub kind: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct BgpSpeaker {
    pub device: String,
    /// An address, or the range the speakers' addresses come from.
    pub address: String,
    pub as_number: u32,
    /// Prefixes this side advertises to the other.
    pub advertises: Vec<Cidr>,
    /// What `advertises` stands for, where it is more than the list (per-block routes).
    pub note: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct VbrAdvertisement {
    pub prefixes: Vec<Cidr>,
    /// Routes the VBR accepts from one BGP peer before it drops the rest.
    pub limit: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Aggregation {
    /// Who exports the routes (`calico-blocks`, `cilium-node-cidrs`).
    pub source: String,
    /// Routes exported at the planned size (one per IPAM block or node CIDR in use).
    pub routes: Count,
    pub prefix_length: u8,
    /// The prefixes the DC edge must aggregate them into.
    pub aggregate_to: Vec<Cidr>,
    pub note: String,
}

/// A check to run after rollout: a probe from one place to another and what must happen.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Check {
    pub from: String,
    pub to: String,
    pub src: String,
    pub dst: String,
    /// Devices the packet passes, in order, as `trace` finds them.
    pub path: Vec<String>,
    /// What the operator should see.
    pub expect: String,
    /// How to probe it.
    pub probe: String,
}
