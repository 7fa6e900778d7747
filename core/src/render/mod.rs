//! Device configuration rendered from a plan: what an operator types into a router.

mod frr;

pub use frr::frr;

/// A device the plan has no configuration for.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("no device {device:?} to render; the plan has: {}", known.join(", "))]
pub struct UnknownDevice {
    pub device: String,
    /// The devices that can be rendered.
    pub known: Vec<String>,
}
