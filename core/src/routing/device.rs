//! The devices of a plan: each hop that has a route table, and the BGP speakers. A device
//! is a value of its own type, so a table, a session or a check can only name one that
//! exists; written as `dc-node`, `dc-edge`, `dc-edge-2`, `vbr`, `cen-tr`, ….

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// A device of the plan.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Device {
    /// The DC node hosting the address in question (Calico, Cilium or Flannel).
    DcNode,
    /// A DC node serving as a Calico route reflector (a BGP speaker, no table of its own).
    RouteReflector,
    /// The `n`-th DC edge router, counted from 0 in the order of `onPrem.edgeRouters`:
    /// `dc-edge`, `dc-edge-2`, ….
    DcEdge(u16),
    /// The `n`-th VBR, counted from 0: `vbr`, `vbr-2`, ….
    Vbr(u16),
    /// The CEN transit router of the region.
    CenTr,
    /// The VPC's route table.
    Vpc,
    /// The ECS node hosting the address in question.
    EcsNode,
}

impl Device {
    /// The side of the cluster a node device is on, for the devices that host pods.
    pub fn is_node(self) -> bool {
        matches!(self, Device::DcNode | Device::EcsNode)
    }
}

impl fmt::Display for Device {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let numbered = |f: &mut fmt::Formatter<'_>, base: &str, n: u16| {
            if n == 0 {
                f.pad(base)
            } else {
                f.pad(&format!("{base}-{}", u32::from(n) + 1))
            }
        };
        match self {
            Device::DcNode => f.pad("dc-node"),
            Device::RouteReflector => f.pad("route-reflector"),
            Device::DcEdge(n) => numbered(f, "dc-edge", *n),
            Device::Vbr(n) => numbered(f, "vbr", *n),
            Device::CenTr => f.pad("cen-tr"),
            Device::Vpc => f.pad("vpc"),
            Device::EcsNode => f.pad("ecs-node"),
        }
    }
}

/// A name that is not a device of any plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotADevice(pub String);

impl fmt::Display for NotADevice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} is not a device: dc-node, route-reflector, dc-edge[-N], vbr[-N], cen-tr, vpc or ecs-node",
            crate::diagnostic::quoted(&self.0)
        )
    }
}

impl std::error::Error for NotADevice {}

impl FromStr for Device {
    type Err = NotADevice;

    fn from_str(s: &str) -> Result<Device, NotADevice> {
        let numbered = |base: &str, make: fn(u16) -> Device| -> Option<Device> {
            let rest = s.strip_prefix(base)?;
            if rest.is_empty() {
                return Some(make(0));
            }
            let n = rest.strip_prefix('-')?;
            // `dc-edge-2` is the second: no `-1`, no leading zeros, no signs.
            if n.starts_with('0') || !n.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let n: u16 = n.parse().ok()?;
            (n >= 2).then(|| make(n - 1))
        };
        match s {
            "dc-node" => Ok(Device::DcNode),
            "route-reflector" => Ok(Device::RouteReflector),
            "cen-tr" => Ok(Device::CenTr),
            "vpc" => Ok(Device::Vpc),
            "ecs-node" => Ok(Device::EcsNode),
            _ => numbered("dc-edge", Device::DcEdge)
                .or_else(|| numbered("vbr", Device::Vbr))
                .ok_or_else(|| NotADevice(s.to_owned())),
        }
    }
}

impl Serialize for Device {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Device {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Device, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(feature = "typescript")]
impl ts_rs::TS for Device {
    type WithoutGenerics = Device;
    type OptionInnerType = Device;
    fn name(_: &ts_rs::Config) -> String {
        "Device".to_owned()
    }
    fn decl(cfg: &ts_rs::Config) -> String {
        format!("type Device = {};", Self::inline(cfg))
    }
    fn decl_concrete(cfg: &ts_rs::Config) -> String {
        Self::decl(cfg)
    }
    fn inline(_: &ts_rs::Config) -> String {
        "\"dc-node\" | \"route-reflector\" | \"cen-tr\" | \"vpc\" | \"ecs-node\" | `dc-edge${\"\" | `-${number}`}` | `vbr${\"\" | `-${number}`}`".to_owned()
    }
    fn output_path() -> Option<std::path::PathBuf> {
        Some(std::path::PathBuf::from("Device.ts"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_back_as_the_same_device() {
        for d in [
            Device::DcNode,
            Device::RouteReflector,
            Device::DcEdge(0),
            Device::DcEdge(1),
            Device::DcEdge(11),
            Device::Vbr(0),
            Device::Vbr(1),
            Device::CenTr,
            Device::Vpc,
            Device::EcsNode,
        ] {
            assert_eq!(d.to_string().parse::<Device>(), Ok(d));
        }
        assert_eq!("dc-edge-2".parse(), Ok(Device::DcEdge(1)));
        for bad in [
            "dc-edge-1",
            "dc-edge-0",
            "dc-edge-02",
            "dc-edge-",
            "vbr-+2",
            "edge",
            "DC-EDGE",
        ] {
            assert!(bad.parse::<Device>().is_err(), "{bad}");
        }
    }
}
