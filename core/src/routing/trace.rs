//! `trace`: follows a packet hop by hop through the route tables of a plan, with a
//! longest-prefix-match trie per device, until it is delivered, finds no route, or loops.
//! A pod address of an overlay may live on either side: the packet then travels inside a
//! tunnel to the node that hosts it, whose side the caller names (or `trace` says it
//! cannot tell).

use super::{Device, HopTable, RouteEntry, RouteOrigin};
use crate::Plan;
use crate::cidr::Cidr;
use crate::lpm::RouteTable;
use serde::{Deserialize, Serialize};
use std::net::IpAddr;

/// The path of one packet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Trace {
    /// The source address.
    pub src: IpAddr,
    /// The destination address.
    pub dst: IpAddr,
    /// The devices passed, in order, with the route each used.
    pub hops: Vec<Hop>,
    /// How the trace ended.
    pub outcome: Outcome,
    /// Why the trace ended, in words.
    pub reason: String,
}

/// One device on the path, and the route it used.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Hop {
    /// The device.
    pub device: Device,
    /// The route that matched (longest prefix), if any.
    pub matched: Option<Cidr>,
    /// The matched route's next hop.
    pub next_hop: Option<String>,
    /// The matched route's origin.
    pub origin: Option<RouteOrigin>,
    /// The tunnel that carries the packet on this hop (`vxlan 10.10.24.10 -> 192.168.0.10`),
    /// when it travels encapsulated.
    pub tunnel: Option<String>,
    /// How the matched route ranks among its destination's routes over redundant circuits
    /// (`ecmp`: the trace follows the first of the equal routes).
    pub path: Option<super::PathRole>,
}

/// How a trace ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Outcome {
    /// The packet reached the destination.
    Delivered,
    /// A device had no route to the destination.
    NoRoute,
    /// The packet came back to a device it had passed.
    Loop,
    /// The source is in no DC or cloud range of the plan.
    UnknownSource,
    /// An overlay's pod address: it may run on a DC node or an ECS node, and the caller
    /// did not say which.
    Ambiguous,
}

impl Outcome {
    /// The outcome as written in plans (`no-route`).
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Delivered => "delivered",
            Outcome::NoRoute => "no-route",
            Outcome::Loop => "loop",
            Outcome::UnknownSource => "unknown-source",
            Outcome::Ambiguous => "ambiguous",
        }
    }
}

impl Hop {
    /// A device reached that has no route for the packet (or is down).
    fn without_route(device: Device, tunnel: Option<&str>) -> Hop {
        Hop {
            device,
            matched: None,
            next_hop: None,
            origin: None,
            tunnel: tunnel.map(str::to_owned),
            path: None,
        }
    }
}

impl Trace {
    /// Devices passed, in order.
    pub fn path(&self) -> Vec<Device> {
        self.hops.iter().map(|h| h.device).collect()
    }
}

/// An address, and optionally the node device (`dc-node` or `ecs-node`) it lives on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Endpoint {
    /// The address.
    pub addr: IpAddr,
    /// The node it lives on, where the caller knows it.
    pub node: Option<Device>,
}

impl Endpoint {
    /// An address whose node the plan finds from the ranges.
    pub fn at(addr: IpAddr) -> Endpoint {
        Endpoint { addr, node: None }
    }

    /// An address on `node` (`Device::DcNode` or `Device::EcsNode`): an overlay's pod
    /// address may be on either side.
    pub fn on(addr: IpAddr, node: Device) -> Endpoint {
        Endpoint {
            addr,
            node: Some(node),
        }
    }
}

/// The plan's route tables, each compiled into a trie of entry indices (`u32`, the value
/// type the bindings' `RouteTable` has too, so a browser build carries one trie).
struct Network<'p> {
    tables: Vec<(&'p HopTable, RouteTable<u32>)>,
}

/// How a walk through the tables ended.
enum Walk {
    Delivered(Device, String),
    Stopped(Outcome, String),
}

impl<'p> Network<'p> {
    fn new(tables: &'p [HopTable]) -> Network<'p> {
        let tables = tables
            .iter()
            .map(|t| {
                // A destination's routes are listed best first: the first one is used.
                let trie = t
                    .entries
                    .iter()
                    .enumerate()
                    .filter(|(i, e)| *i == 0 || t.entries[i - 1].destination != e.destination)
                    .map(|(i, e)| (e.destination, i as u32))
                    .collect();
                (t, trie)
            })
            .collect();
        Network { tables }
    }

    fn table(&self, device: Device) -> Option<&(&'p HopTable, RouteTable<u32>)> {
        self.tables.iter().find(|(t, _)| t.device == device)
    }

    /// The node devices that host `addr`: a node or pod range delivered there.
    fn hosts(&self, addr: IpAddr) -> Vec<Device> {
        [Device::DcNode, Device::EcsNode]
            .into_iter()
            .filter(|&device| {
                self.table(device).is_some_and(|(table, _)| {
                    table.entries.iter().any(|e| {
                        e.next_device.is_none()
                            && e.origin != RouteOrigin::System
                            && e.destination.contains_addr(addr)
                            && e.tunnel
                                .as_ref()
                                .is_none_or(|t| t.endpoints.iter().any(|p| p.device == device))
                    })
                })
            })
            .collect()
    }

    fn lookup(&self, device: Device, dst: IpAddr) -> Option<(Cidr, &'p RouteEntry)> {
        let (table, trie) = self.table(device)?;
        let (matched, &index) = trie.lookup(dst)?;
        Some((matched, &table.entries[index as usize]))
    }

    fn trace(&self, src: Endpoint, dst: Endpoint) -> Trace {
        let mut trace = Trace {
            src: src.addr,
            dst: dst.addr,
            hops: Vec::new(),
            outcome: Outcome::UnknownSource,
            reason: String::new(),
        };
        let hosts = self.hosts(src.addr);
        let start = match (src.node, hosts.as_slice()) {
            (Some(node), _) if hosts.contains(&node) => node,
            (Some(node), _) => {
                trace.reason = format!("{} is not an address {node} hosts", src.addr);
                return trace;
            }
            (None, [one]) => *one,
            (None, []) => {
                trace.reason = format!(
                    "{} is in no DC or cloud node or pod range of the plan",
                    src.addr
                );
                return trace;
            }
            (None, _) => {
                trace.outcome = Outcome::Ambiguous;
                trace.reason = format!(
                    "{} is a pod address of the overlay, on a DC node or an ECS node: say which (dc-node or ecs-node)",
                    src.addr
                );
                return trace;
            }
        };
        match self.walk(start, dst, &mut trace.hops, None) {
            Walk::Delivered(device, how) => {
                trace.outcome = Outcome::Delivered;
                trace.reason = format!("at {device} ({how})");
            }
            Walk::Stopped(outcome, reason) => {
                trace.outcome = outcome;
                trace.reason = reason;
            }
        }
        trace
    }

    /// Follows `dst` from `device`, appending hops; `tunnel` describes the encapsulation
    /// when this is the outer packet of one.
    fn walk(
        &self,
        mut device: Device,
        dst: Endpoint,
        hops: &mut Vec<Hop>,
        tunnel: Option<&str>,
    ) -> Walk {
        let mut passed: Vec<Device> = Vec::new();
        loop {
            passed.push(device);
            if self.table(device).is_none() {
                hops.push(Hop::without_route(device, tunnel));
                return Walk::Stopped(
                    Outcome::NoRoute,
                    format!("{device} is down: the packet to {} is lost there", dst.addr),
                );
            }
            let Some((matched, entry)) = self.lookup(device, dst.addr) else {
                hops.push(Hop::without_route(device, tunnel));
                let what = if tunnel.is_some() {
                    "the tunnel's outer packet: "
                } else {
                    ""
                };
                return Walk::Stopped(
                    Outcome::NoRoute,
                    format!("{what}{device} has no route to {}", dst.addr),
                );
            };
            hops.push(Hop {
                device,
                matched: Some(matched),
                next_hop: Some(entry.next_hop.clone()),
                origin: Some(entry.origin),
                tunnel: tunnel.map(str::to_owned),
                path: entry.path,
            });
            if let (Some(t), None) = (&entry.tunnel, tunnel) {
                return self.through_tunnel(device, t, dst, hops);
            }
            match entry.next_device {
                // A node device delivers only what it hosts: a pod placed on the other side
                // is not here, whatever this node's own route says.
                None if device.is_node()
                    && tunnel.is_none()
                    && dst.node.is_some_and(|n| n != device) =>
                {
                    return Walk::Stopped(
                        Outcome::NoRoute,
                        format!(
                            "{device} has no route to {} on {}: {}",
                            dst.addr,
                            dst.node.map_or(String::new(), |n| n.to_string()),
                            entry.next_hop
                        ),
                    );
                }
                None => return Walk::Delivered(device, entry.next_hop.clone()),
                Some(next) if passed.contains(&next) => {
                    return Walk::Stopped(
                        Outcome::Loop,
                        format!(
                            "{device} sends {} back to {next}, which it has passed",
                            dst.addr
                        ),
                    );
                }
                Some(next) => device = next,
            }
        }
    }

    /// An overlay pod: on this side, delivered here (this node or a peer on its own node
    /// network); on the other side, the outer packet goes from this node's address to the
    /// hosting node's, and the pod gets it there.
    fn through_tunnel(
        &self,
        device: Device,
        t: &super::Tunnel,
        dst: Endpoint,
        hops: &mut Vec<Hop>,
    ) -> Walk {
        let sides: Vec<Device> = {
            let mut s: Vec<Device> = t.endpoints.iter().map(|e| e.device).collect();
            s.dedup();
            s
        };
        let target = match (dst.node, sides.as_slice()) {
            (Some(node), _) if sides.contains(&node) => node,
            (Some(node), _) => {
                return Walk::Stopped(
                    Outcome::NoRoute,
                    format!(
                        "{} is not a pod {node} hosts: the overlay's tunnel does not reach it",
                        dst.addr
                    ),
                );
            }
            (None, [one]) => *one,
            (None, _) => {
                return Walk::Stopped(
                    Outcome::Ambiguous,
                    format!(
                        "{} is a pod address of the overlay, on a DC node or an ECS node: say which (dc-node or ecs-node)",
                        dst.addr
                    ),
                );
            }
        };
        if target == device {
            return Walk::Delivered(
                device,
                format!(
                    "pod on {device}, through the {} overlay",
                    t.encapsulation.as_str()
                ),
            );
        }
        let Some(remote) = t.endpoints.iter().find(|e| e.device == target) else {
            return Walk::Stopped(
                Outcome::NoRoute,
                format!("the tunnel has no endpoint on {target}"),
            );
        };
        let Some(outer) = node_address(remote.range) else {
            return Walk::Stopped(
                Outcome::NoRoute,
                format!("{} holds no node address", remote.range),
            );
        };
        let local = t
            .endpoints
            .iter()
            .find(|e| e.device == device)
            .and_then(|e| node_address(e.range));
        let label = match local {
            Some(l) => format!("{} {l} -> {outer}", t.encapsulation.as_str()),
            None => format!("{} -> {outer}", t.encapsulation.as_str()),
        };
        // The outer packet leaves this node like any packet to the remote node's address:
        // its first hop is this node's own route to it.
        let Some((_, first)) = self.lookup(device, outer) else {
            return Walk::Stopped(
                Outcome::NoRoute,
                format!("the tunnel's outer packet: {device} has no route to {outer}"),
            );
        };
        let Some(next) = first.next_device else {
            return Walk::Delivered(device, format!("pod on a node of {device}'s network"));
        };
        match self.walk(next, Endpoint::on(outer, target), hops, Some(&label)) {
            Walk::Delivered(at, _) if at == target => Walk::Delivered(
                at,
                format!(
                    "pod on {at}, out of the {} tunnel",
                    t.encapsulation.as_str()
                ),
            ),
            Walk::Delivered(at, _) => Walk::Stopped(
                Outcome::NoRoute,
                format!("the tunnel's outer packet ends at {at}, not at {target}"),
            ),
            stopped => stopped,
        }
    }
}

/// The node address a check or a tunnel uses in `range`: the 10th host, or the first in a
/// small range.
pub(crate) fn node_address(range: Cidr) -> Option<IpAddr> {
    range
        .nth(10)
        .or_else(|| range.nth(1))
        .or_else(|| range.nth(0))
}

/// Follows a packet from `src` to `dst` through the route tables of `plan`. An overlay's
/// pod address may be on either side; [`trace_endpoints`] takes the sides.
pub fn trace(plan: &Plan, src: IpAddr, dst: IpAddr) -> Trace {
    trace_endpoints(plan, Endpoint::at(src), Endpoint::at(dst))
}

/// [`trace`] with the node each end lives on, where the address alone cannot tell.
pub fn trace_endpoints(plan: &Plan, src: Endpoint, dst: Endpoint) -> Trace {
    trace_tables(&plan.routing.tables, src, dst)
}

/// [`trace_endpoints`] once the devices `failed` are down (`vbr-2`, `dc-edge`): their routes
/// and those learned through them are gone, and backups carry what they can.
pub fn trace_failed(
    plan: &Plan,
    src: Endpoint,
    dst: Endpoint,
    failed: &[Device],
) -> Result<Trace, super::NoSuchDevice> {
    let tables = plan.routing.tables_after(failed)?;
    Ok(trace_tables(&tables, src, dst))
}

/// [`trace`] through route tables alone.
pub(crate) fn trace_tables(tables: &[HopTable], src: Endpoint, dst: Endpoint) -> Trace {
    Network::new(tables).trace(src, dst)
}
