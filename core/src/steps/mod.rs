//! The rollout as ordered steps on each side: what the manifests and the route tables rely
//! on that they cannot express themselves (a transit-router route, a controller-manager
//! flag, images the ECS nodes must be able to pull), and the order to apply things in.

use crate::addressing::Addressing;
use crate::installed::InstalledCni;
use crate::installed::pools::PoolPlan;
use crate::manifests::Manifest;
use crate::mode::{Cni, ModeDecision};
use crate::routing::{Device, RouteOrigin, Routing, registry_addresses, registry_domain};
use crate::spec::{HybridCluster, NetworkMode};
use crate::terway::TerwayComponent;
use serde::{Deserialize, Serialize};

mod migration;
mod rollout;

/// One step of the rollout.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Step {
    /// Where it is done: `cloud` (Alibaba Cloud) or `dc` (the data center and its cluster).
    pub side: Side,
    /// What to do, in a line.
    pub title: String,
    /// What to do, one item a line.
    pub details: Vec<String>,
    /// Where the fact it rests on comes from.
    pub source: Option<String>,
}

/// Where a step is done.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum Side {
    /// Alibaba Cloud.
    Cloud,
    /// The data center and its cluster.
    Dc,
}

/// Alibaba Cloud's use case for reaching OSS through an Enterprise Edition transit router:
/// a static route per OSS range in the transit router's route table, next hop the VPC
/// connection of a VPC in the OSS region (CEN's cloud-service route,
/// ResolveAndRouteServiceInCen, works with Basic Edition transit routers only).
const CLOUD_SERVICE_ROUTE_SOURCE: &str = "https://www.alibabacloud.com/help/en/cen/use-cases/use-enterprise-edition-transit-routers-to-enable-ecs-instances-to-access-oss-across-regions-over-vpc-connections";

/// Alibaba Cloud's VBR overview: a VBR comes with an Express Connect circuit and its VLAN.
const VBR_SOURCE: &str = "https://www.alibabacloud.com/help/en/express-connect/user-guide/what-is-a-virtual-border-router";

/// Alibaba Cloud's page for Terway on registered clusters: an overlay DC's cloud nodes run
/// the same overlay, and must be able to pull its images.
const SCENARIOS_SOURCE: &str = "https://www.alibabacloud.com/help/en/doc-detail/208052.html";

/// What the steps are written from.
pub(crate) struct Inputs<'a> {
    pub spec: &'a HybridCluster,
    pub mode: &'a ModeDecision,
    pub installed: &'a InstalledCni,
    pub pools: Option<&'a PoolPlan>,
    pub addressing: &'a Addressing,
    pub routing: &'a Routing,
    pub manifests: &'a [Manifest],
    pub terway: Option<&'a TerwayComponent>,
}

/// What Terraform cannot create (the circuit and its VBR), then the Terraform itself.
fn cloud_side(spec: &HybridCluster, routing: &Routing) -> Vec<Step> {
    let mut before = Vec::new();
    let carriers = if spec.interconnect.vbrs.len() > 1 {
        " (each circuit from a different carrier, on its own DC edge router)"
    } else {
        ""
    };
    for vbr in &spec.interconnect.vbrs {
        let edge = spec
            .circuit_edge(vbr)
            .map(|i| format!(" ending on edge router {}", spec.on_prem.edge_routers[i].ip))
            .unwrap_or_default();
        before.push(format!(
            "the Express Connect circuit from the carrier{carriers}, and VBR {} on it{edge}: VLAN {} (agreed with the carrier), gateway {}, DC edge {}, peering subnet {}",
            vbr.id, vbr.vlan_id, vbr.local_gateway_ip, vbr.peer_gateway_ip, vbr.peering_subnet
        ));
        if let Some(v6) = &vbr.ipv6 {
            before.push(format!(
                "IPv6 on VBR {}: gateway {}, DC edge {}, peering subnet {}",
                vbr.id, v6.local_gateway_ip, v6.peer_gateway_ip, v6.peering_subnet
            ));
        }
    }
    let zones: Vec<String> = spec
        .cloud
        .transit_router_vswitches()
        .iter()
        .map(|v| format!("{} in {}", v.id, v.zone))
        .collect();
    before.push(format!(
        "the VPC, its vSwitches (the transit router's: {}), the security groups and CEN instance {}",
        zones.join(", "),
        spec.interconnect.cen_id
    ));
    let mut apply: Vec<String> = vec![
        format!(
            "hybridplan render terraform --out terraform/ writes {}",
            crate::render::TERRAFORM_FILES.join(", ")
        ),
        "terraform -chdir=terraform init, then terraform -chdir=terraform apply -var vpc_id=<the VPC's id>".to_owned(),
        "it creates the VBR's BGP group and peer (BFD on) with the DC edge, the transit router's connections of the VBR (route publishing on) and of the VPC (route synchronisation on), their association and propagation in two route tables (one the VBRs are associated with, one the VPC is), a route for each cloud-service range, and the security group rules of the flows".to_owned(),
    ];
    let has_service_routes = routing
        .tables
        .iter()
        .filter(|t| t.device == Device::CenTr)
        .flat_map(|t| t.entries.iter())
        .any(|e| e.origin == RouteOrigin::Static);
    if has_service_routes && spec.cloud_services.container_registry {
        let known: Vec<String> = registry_addresses(&spec.cloud.region)
            .iter()
            .map(ToString::to_string)
            .collect();
        apply.push(format!(
            "Container Registry: resolve {} from inside the VPC; route every address it returns as the Terraform routes the recorded ones ({}), in cloudServices.extraCidrs",
            registry_domain(&spec.cloud.region),
            if known.is_empty() {
                "none for this region".to_owned()
            } else {
                known.join(", ")
            }
        ));
    }
    vec![
        Step {
            side: Side::Cloud,
            title: "Order the Express Connect circuit and its VBR".into(),
            details: before,
            source: Some(VBR_SOURCE.into()),
        },
        Step {
            side: Side::Cloud,
            title: "Apply the Terraform".into(),
            details: apply,
            source: Some(CLOUD_SERVICE_ROUTE_SOURCE.into()),
        },
    ]
}

pub(crate) fn steps(inputs: &Inputs) -> Vec<Step> {
    let Inputs {
        spec,
        mode,
        addressing,
        routing,
        manifests,
        ..
    } = *inputs;
    let mut out = Vec::new();
    out.extend(cloud_side(spec, routing));
    let edges: Vec<String> = routing
        .tables
        .iter()
        .filter_map(|t| match t.device {
            Device::DcEdge(_) => Some(t.device.to_string()),
            _ => None,
        })
        .collect();
    out.push(Step {
        side: Side::Dc,
        title: "Configure the DC edge routers".into(),
        details: edges
            .iter()
            .map(|d| format!("{d}: hybridplan render frr --device {d} (BGP with the VBR and the cluster, static routes to the cloud services; BFD with the VBR needs bfdd running)"))
            .collect(),
        source: None,
    });
    if mode.cloud_cni != Cni::Terway {
        let cni = mode.cloud_cni;
        out.push(Step {
            side: Side::Dc,
            title: format!("Let the ECS nodes run {cni}"),
            details: vec![
                format!("{cni}'s DaemonSet runs on both sides: the ECS nodes must pull its images (from the registry the DC uses, through a NAT gateway, or from a mirror in Container Registry)"),
                "no Terway: the ECS nodes' pods take addresses from the overlay's pod range".into(),
            ],
            source: Some(SCENARIOS_SOURCE.into()),
        });
    }
    if mode.selected == NetworkMode::FlannelVxlan {
        let settings: Vec<String> = addressing
            .dc_pods
            .iter()
            .map(|b| b.allocated_by.clone())
            .collect();
        out.push(Step {
            side: Side::Dc,
            title: "Check kube-controller-manager's node subnets".into(),
            details: settings,
            source: Some(
                "https://github.com/flannel-io/flannel/blob/master/pkg/subnet/kube/kube.go".into(),
            ),
        });
    }
    if let Some(component) = inputs.terway {
        out.extend(rollout::terway(component));
    }
    if !manifests.is_empty() {
        out.push(rollout::apply(inputs));
        out.extend(rollout::handover(inputs));
    }
    if let Some(pools) = inputs.pools {
        out.extend(migration::steps(inputs, pools));
    }
    out.push(Step {
        side: Side::Dc,
        title: "Run the connectivity checks".into(),
        details: vec!["each check's probe, from its source; the outcome must be the plan's".into()],
        source: None,
    });
    out
}
