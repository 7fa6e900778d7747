//! The route tables after devices fail: what a failed device held is gone, what pointed
//! at it is withdrawn, and what was learned through a path that no longer exists follows
//! (BGP withdraws it hop by hop); the backups of a destination then take over. `trace`
//! with failed devices walks these tables, and the failover checks are traced through them.

use super::{Device, HopTable, PathRole, RouteEntry, RouteOrigin};

/// A device asked to fail that the plan does not have (`vbr-3` in a plan of two VBRs).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{device} is not a device of this plan (it has {})", known.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "))]
pub struct NoSuchDevice {
    /// The device named.
    pub device: Device,
    /// The devices that have a route table in the plan.
    pub known: Vec<Device>,
}

/// [`tables_after`], once every device of `failed` is known to have a table in `tables`.
pub(crate) fn checked_tables_after(
    tables: &[HopTable],
    failed: &[Device],
) -> Result<Vec<HopTable>, NoSuchDevice> {
    match failed
        .iter()
        .find(|d| !tables.iter().any(|t| t.device == **d))
    {
        Some(&device) => Err(NoSuchDevice {
            device,
            known: tables.iter().map(|t| t.device).collect(),
        }),
        None => Ok(tables_after(tables, failed)),
    }
}

/// `tables` once every device of `failed` is down (a circuit fails as its VBR does).
pub(crate) fn tables_after(tables: &[HopTable], failed: &[Device]) -> Vec<HopTable> {
    if failed.is_empty() {
        return tables.to_vec();
    }
    // A failed VBR's circuit is down: its peering subnet is gone from the edge too.
    let links: Vec<_> = tables
        .iter()
        .filter(|t| failed.contains(&t.device) && matches!(t.device, Device::Vbr(_)))
        .flat_map(|t| t.entries.iter())
        .filter(|e| e.origin == RouteOrigin::Connected)
        .map(|e| e.destination)
        .collect();
    let mut out: Vec<HopTable> = tables
        .iter()
        .filter(|t| !failed.contains(&t.device))
        .cloned()
        .collect();
    // A failed VBR is its circuit down: the link to it goes down, and with it what routes
    // over it. A failed edge router leaves its LAN up: a static route to it stays, and
    // the packets it takes are lost there (only a first-hop redundancy such as VRRP
    // between the edges would move them).
    for t in &mut out {
        t.entries.retain(|e| {
            let link_down = e.origin == RouteOrigin::Connected && links.contains(&e.destination);
            let to_failed = e.next_device.is_some_and(|n| {
                failed.contains(&n)
                    && !(e.origin == RouteOrigin::Static && matches!(n, Device::DcEdge(_)))
            });
            !link_down && !to_failed
        });
    }
    // A learned route lasts while the device it was learned from still has a route to
    // the destination that does not lead back: withdrawals travel until nothing changes.
    loop {
        let withdrawn: Vec<Vec<bool>> = out
            .iter()
            .map(|t| {
                t.entries
                    .iter()
                    .map(|e| learned_without_source(&out, t.device, e))
                    .collect()
            })
            .collect();
        if !withdrawn.iter().flatten().any(|&w| w) {
            break;
        }
        for (t, gone) in out.iter_mut().zip(withdrawn) {
            let mut gone = gone.into_iter();
            t.entries.retain(|_| !gone.next().unwrap_or(false));
        }
    }
    for t in &mut out {
        rank_again(&mut t.entries);
    }
    out
}

/// A BGP or propagated route whose source router has no route left to its destination
/// (or only one back through this device). A summary lasts while any route it covers
/// does, as an aggregate does.
fn learned_without_source(tables: &[HopTable], device: Device, e: &RouteEntry) -> bool {
    if !matches!(e.origin, RouteOrigin::Bgp | RouteOrigin::Propagated) {
        return false;
    }
    let Some(next) = e.next_device.filter(|n| !n.is_node()) else {
        return false;
    };
    let Some(source) = tables.iter().find(|t| t.device == next) else {
        return true;
    };
    !source.entries.iter().any(|s| {
        (s.destination.contains(&e.destination) || e.destination.contains(&s.destination))
            && s.next_device != Some(device)
    })
}

/// The surviving routes of each destination ranked again, best first as they were: several
/// equal ones stay `ecmp`, else the first is `primary`, the rest `backup`, and a route
/// left alone has no role.
fn rank_again(entries: &mut [RouteEntry]) {
    for group in entries.chunk_by_mut(|a, b| a.destination == b.destination) {
        if group.iter().all(|e| e.path.is_none()) {
            continue;
        }
        let ecmp = group
            .iter()
            .filter(|e| e.path == Some(PathRole::Ecmp))
            .count();
        let lead_ecmp = group[0].path == Some(PathRole::Ecmp) && ecmp > 1;
        let single = group.len() == 1;
        for (i, e) in group.iter_mut().enumerate() {
            e.path = if single {
                None
            } else if lead_ecmp && e.path == Some(PathRole::Ecmp) {
                Some(PathRole::Ecmp)
            } else if i == 0 {
                Some(PathRole::Primary)
            } else {
                Some(PathRole::Backup)
            };
        }
    }
}
