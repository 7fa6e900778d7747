//! Routing: the route table of every hop, the BGP sessions, and the connectivity checks an
//! operator runs after rollout. These types fix the plan's JSON shape.

use crate::cidr::Cidr;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Routing {
    /// One table per hop: DC edge router, VBR, CEN transit router, VPC, DC and ECS nodes.
    pub tables: Vec<HopTable>,
    pub bgp_sessions: Vec<BgpSession>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HopTable {
    pub device: String,
    pub entries: Vec<RouteEntry>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RouteEntry {
    pub destination: Cidr,
    pub next_hop: String,
    pub origin: RouteOrigin,
}

/// Where a route comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RouteOrigin {
    Connected,
    Static,
    Bgp,
    System,
    Propagated,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BgpSession {
    pub local: BgpSpeaker,
    pub peer: BgpSpeaker,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BgpSpeaker {
    pub device: String,
    pub address: String,
    pub as_number: u32,
    /// Prefixes this side advertises to the other.
    pub advertises: Vec<Cidr>,
}

/// A check to run after rollout: a probe from one place to another and what must happen.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Check {
    pub from: String,
    pub to: String,
    pub src: String,
    pub dst: String,
    /// Devices the packet passes, in order.
    pub path: Vec<String>,
    pub expect: String,
}
