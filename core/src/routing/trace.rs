//! `trace`: follows a packet hop by hop through the route tables of a plan, with a
//! longest-prefix-match trie per device, until it is delivered, finds no route, or loops.
//! The connectivity checks are traces between the places an operator probes after rollout.

use super::device::{DC_NODE, ECS_NODE};
use super::{Check, HopTable, RouteOrigin, Routing};
use crate::cidr::{Cidr, Family};
use crate::lpm::RouteTable;
use crate::spec::HybridCluster;
use crate::{NetworkMode, Plan};
use serde::{Deserialize, Serialize};
use std::net::IpAddr;

/// The path of one packet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Trace {
    pub src: IpAddr,
    pub dst: IpAddr,
    pub hops: Vec<Hop>,
    pub outcome: Outcome,
    /// Why the trace ended, in words.
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Hop {
    pub device: String,
    /// The route that matched (longest prefix), if any.
    pub matched: Option<Cidr>,
    pub next_hop: Option<String>,
    pub origin: Option<RouteOrigin>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    Delivered,
    /// A device had no route to the destination.
    BlackHole,
    /// The packet came back to a device it had passed.
    Loop,
    /// The source is in no DC or cloud range of the plan.
    UnknownSource,
}

impl Trace {
    /// Devices passed, in order.
    pub fn path(&self) -> Vec<String> {
        self.hops.iter().map(|h| h.device.clone()).collect()
    }
}

/// The plan's route tables, each compiled into a trie of entry indices (`u32`, the value
/// type the bindings' `RouteTable` has too, so a browser build carries one trie).
struct Network<'p> {
    tables: Vec<(&'p HopTable, RouteTable<u32>)>,
}

impl<'p> Network<'p> {
    fn new(tables: &'p [HopTable]) -> Network<'p> {
        let tables = tables
            .iter()
            .map(|t| {
                let trie = t
                    .entries
                    .iter()
                    .enumerate()
                    .map(|(i, e)| (e.destination, i as u32))
                    .collect();
                (t, trie)
            })
            .collect();
        Network { tables }
    }

    fn table(&self, device: &str) -> Option<&(&'p HopTable, RouteTable<u32>)> {
        self.tables.iter().find(|(t, _)| t.device == device)
    }

    /// The node device a source address lives on: a DC node or pod, or an ECS node or pod.
    fn start(&self, src: IpAddr) -> Option<&'p str> {
        [DC_NODE, ECS_NODE].into_iter().find_map(|device| {
            let (table, _) = self.table(device)?;
            table
                .entries
                .iter()
                .any(|e| {
                    e.next_device.is_none()
                        && e.origin != RouteOrigin::System
                        && e.destination.contains_addr(src)
                })
                .then_some(table.device.as_str())
        })
    }

    fn trace(&self, src: IpAddr, dst: IpAddr) -> Trace {
        let mut trace = Trace {
            src,
            dst,
            hops: Vec::new(),
            outcome: Outcome::UnknownSource,
            reason: String::new(),
        };
        let Some(mut device) = self.start(src) else {
            trace.reason = format!("{src} is in no DC or cloud node or pod range of the plan");
            return trace;
        };
        loop {
            let Some((table, trie)) = self.table(device) else {
                trace.outcome = Outcome::BlackHole;
                trace.reason = format!("the plan has no table for device {device}");
                return trace;
            };
            let Some((matched, &index)) = trie.lookup(dst) else {
                trace.hops.push(Hop {
                    device: device.to_owned(),
                    matched: None,
                    next_hop: None,
                    origin: None,
                });
                trace.outcome = Outcome::BlackHole;
                trace.reason = format!("{device} has no route to {dst}");
                return trace;
            };
            let entry = &table.entries[index as usize];
            trace.hops.push(Hop {
                device: device.to_owned(),
                matched: Some(matched),
                next_hop: Some(entry.next_hop.clone()),
                origin: Some(entry.origin),
            });
            match &entry.next_device {
                None => {
                    trace.outcome = Outcome::Delivered;
                    trace.reason = format!("at {device} ({})", entry.next_hop);
                    return trace;
                }
                Some(next) if trace.hops.iter().any(|h| h.device == *next) => {
                    trace.outcome = Outcome::Loop;
                    trace.reason =
                        format!("{device} sends {dst} back to {next}, which it has passed");
                    return trace;
                }
                Some(next) => device = next,
            }
        }
    }
}

/// Follows a packet from `src` to `dst` through the route tables of `plan`.
pub fn trace(plan: &Plan, src: IpAddr, dst: IpAddr) -> Trace {
    trace_tables(&plan.routing.tables, src, dst)
}

/// [`trace`] through route tables alone.
pub(crate) fn trace_tables(tables: &[HopTable], src: IpAddr, dst: IpAddr) -> Trace {
    Network::new(tables).trace(src, dst)
}

/// A host address inside `cidr`: the `n`-th, or the first host when the range is small.
fn host(cidr: Cidr, n: u128) -> Option<IpAddr> {
    cidr.nth(n).or_else(|| cidr.nth(1)).or_else(|| cidr.nth(0))
}

pub(crate) fn connectivity(
    spec: &HybridCluster,
    mode: NetworkMode,
    routing: &Routing,
) -> Vec<Check> {
    let net = Network::new(&routing.tables);
    let routed = mode.is_routed();
    let first = |list: &[crate::spec::SpecCidr], family: Family| {
        list.iter().map(|c| c.cidr).find(|c| c.family() == family)
    };
    let vswitch = |pods: bool, family: Family| {
        spec.cloud.zones.iter().find_map(|z| {
            let list = if pods {
                &z.pod_vswitches
            } else {
                &z.node_vswitches
            };
            list.iter().find_map(|v| match family {
                Family::V4 => Some(v.cidr),
                Family::V6 => v.ipv6_cidr,
            })
        })
    };
    let mut families = vec![Family::V4];
    if spec
        .on_prem
        .pod_cidrs
        .iter()
        .any(|c| c.cidr.family() == Family::V6)
    {
        families.push(Family::V6);
    }
    let mut checks = Vec::new();
    let mut add = |from: &str,
                   to: &str,
                   src: Option<IpAddr>,
                   dst: Option<IpAddr>,
                   expect: String,
                   probe: &str| {
        if let (Some(src), Some(dst)) = (src, dst) {
            let t = net.trace(src, dst);
            checks.push(Check {
                from: from.to_owned(),
                to: to.to_owned(),
                src: src.to_string(),
                dst: dst.to_string(),
                path: t.path(),
                expect,
                probe: probe.to_owned(),
            });
        }
    };
    for family in families {
        let v = if family == Family::V6 { " (IPv6)" } else { "" };
        let dc_node = first(&spec.on_prem.node_cidrs, family).and_then(|c| host(c, 10));
        let dc_pod = first(&spec.on_prem.pod_cidrs, family).and_then(|c| host(c, 257));
        let ecs_node = vswitch(false, family).and_then(|c| host(c, 10));
        let cloud_pod = vswitch(true, family).and_then(|c| host(c, 10));
        let service = first(&spec.on_prem.service_cidrs, family).and_then(|c| host(c, 1));
        add(
            &format!("DC node{v}"),
            &format!("ECS node{v}"),
            dc_node,
            ecs_node,
            "replies, along the path shown".into(),
            "ping; TCP connect to 10250 (kubelet)",
        );
        add(
            &format!("ECS node{v}"),
            &format!("DC node{v}"),
            ecs_node,
            dc_node,
            "replies, along the path shown".into(),
            "ping; TCP connect to 10250 (kubelet)",
        );
        add(
            &format!("DC pod{v}"),
            &format!("cloud pod{v}"),
            dc_pod,
            cloud_pod,
            if routed {
                "replies; the cloud pod sees the DC pod's own address (no SNAT)".into()
            } else {
                "replies; the DC pod leaves through its node's address (natOutgoing)".into()
            },
            "from a DC pod: ping and a TCP connect to a listening cloud pod",
        );
        add(
            &format!("cloud pod{v}"),
            &format!("DC pod{v}"),
            cloud_pod,
            dc_pod,
            if routed {
                "replies; the DC pod sees the cloud pod's own address".into()
            } else {
                "no route, by design: in an overlay mode DC pods are reachable only through their nodes (use a Service)".into()
            },
            "from a cloud pod: ping and a TCP connect to a listening DC pod",
        );
        add(
            &format!("DC pod{v}"),
            "service",
            dc_pod,
            service,
            "kube-proxy on the DC node answers for the service address".into(),
            "from a DC pod: TCP connect to the kubernetes service (port 443)",
        );
        add(
            &format!("cloud pod{v}"),
            "service",
            cloud_pod,
            service,
            "kube-proxy on the ECS node answers for the service address".into(),
            "from a cloud pod: TCP connect to the kubernetes service (port 443)",
        );
        if family == Family::V4 && spec.cloud_services.oss {
            let oss = super::oss::vip_ranges(&spec.cloud.region)
                .and_then(|r| r.first().copied())
                .and_then(|c| host(c, 1));
            add(
                "DC node",
                "OSS",
                dc_node,
                oss,
                "connects: OSS VIP ranges are routed toward the VBR".into(),
                &format!(
                    "curl -sI https://oss-{}-internal.aliyuncs.com",
                    spec.cloud.region
                ),
            );
        }
    }
    checks
}
