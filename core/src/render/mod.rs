//! Device configuration rendered from a plan: what an operator types into a router.

mod frr;

pub use frr::frr;

use crate::routing::Device;

/// A device the plan has no configuration for.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("no configuration for {device} in this plan; it has: {}", known.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "))]
pub struct UnknownDevice {
    pub device: Device,
    /// The devices that can be rendered.
    pub known: Vec<Device>,
}
