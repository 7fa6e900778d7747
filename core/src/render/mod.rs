//! Configuration rendered from a plan: what an operator loads into a router (FRR) and
//! applies to Alibaba Cloud (Terraform).

mod frr;
mod hcl;
mod terraform;

pub use frr::frr;
pub use terraform::{FILES as TERRAFORM_FILES, PROVIDER_VERSION, TerraformFile, terraform};

use crate::routing::Device;

/// A device the plan has no configuration for.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("no configuration for {device} in this plan; it has: {}", known.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "))]
pub struct UnknownDevice {
    /// The device asked for.
    pub device: Device,
    /// The devices that can be rendered.
    pub known: Vec<Device>,
}
