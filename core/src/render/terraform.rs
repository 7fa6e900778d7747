//! The Alibaba Cloud side of a plan as Terraform for the `aliyun/alicloud` provider: the
//! VBR's BGP group and peer, the transit router's attachments with route publishing,
//! association, propagation and synchronisation, the cloud-service routes, and the security
//! group rules of the plan's flows. Everything is read from the plan (its BGP sessions, the
//! transit router's table, its flows), so the Terraform says what the plan proves.
//!
//! Provider arguments as documented at v1.289.0
//! (<https://github.com/aliyun/terraform-provider-alicloud/tree/v1.289.0/website/docs/r>).

use super::hcl::{Body, Expr};
use crate::Plan;
use crate::cidr::{Cidr, Family};
use crate::routing::{
    BgpSession, Device, Flow, Protocol, RouteOrigin, SessionRole, oss_vip_ranges,
    registry_addresses,
};
use crate::spec::HybridCluster;
use serde::{Deserialize, Serialize};

/// The provider release the configuration is written for and pinned to.
pub const PROVIDER_VERSION: &str = "1.289.0";

/// The files of the configuration, in the order they are written.
pub const FILES: [&str; 6] = [
    "versions.tf",
    "variables.tf",
    "main.tf",
    "cloud_services.tf",
    "security_groups.tf",
    "outputs.tf",
];

/// One file of the Terraform configuration.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct TerraformFile {
    /// The file name (`main.tf`); all files form one module, in one directory.
    pub name: String,
    /// The file's text (HCL).
    pub content: String,
}

/// Alibaba Cloud's procedure for cloud services behind an Enterprise Edition transit
/// router: a static route per service range in the transit router's route table, next hop
/// the VPC connection (CreateTransitRouterRouteEntry). CEN's cloud-service route
/// (ResolveAndRouteServiceInCen, `alicloud_cen_route_service`) is documented for Basic
/// Edition transit routers only, which are no longer sold.
const CLOUD_SERVICE_SOURCES: [&str; 2] = [
    "https://www.alibabacloud.com/help/en/cen/use-cases/use-enterprise-edition-transit-routers-to-enable-ecs-instances-to-access-oss-across-regions-over-vpc-connections",
    "https://www.alibabacloud.com/help/en/cen/developer-reference/api-cbn-2017-09-12-resolveandrouteserviceincen",
];

/// The Terraform of `plan`'s cloud side. The plan of a spec with errors still renders, to
/// show what would be built.
pub fn terraform(spec: &HybridCluster, plan: &Plan) -> Vec<TerraformFile> {
    let t = Terraform::new(spec, plan);
    let contents = [
        t.versions(),
        t.variables(),
        t.main(),
        t.cloud_services(),
        t.security_groups(),
        t.outputs(),
    ];
    FILES
        .iter()
        .zip(contents)
        .map(|(name, body)| TerraformFile {
            name: (*name).to_owned(),
            content: body,
        })
        .collect()
}

/// One BGP peer of a VBR: a session of the plan between a DC edge and the VBR.
struct Peer<'p> {
    /// The Terraform name: `vbr`, `vbr_ipv6`, `vbr_2` …
    label: String,
    session: &'p BgpSession,
}

/// An ingress rule of the ECS nodes' security groups.
struct Rule<'p> {
    label: String,
    flow: &'p Flow,
    source: Cidr,
}

struct Terraform<'a> {
    spec: &'a HybridCluster,
    name: &'a str,
    peers: Vec<Peer<'a>>,
    /// The VBRs the peers are on, each once.
    vbrs: Vec<Device>,
    /// The transit router's static routes: destination and what it is.
    service_routes: Vec<(Cidr, String)>,
    rules: Vec<Rule<'a>>,
    security_groups: Vec<&'a str>,
}

/// `vbr-2` as a Terraform name: `vbr_2`.
fn label_of(device: Device) -> String {
    device.to_string().replace('-', "_")
}

impl<'a> Terraform<'a> {
    fn new(spec: &'a HybridCluster, plan: &'a Plan) -> Terraform<'a> {
        let peers: Vec<Peer> = plan
            .routing
            .bgp_sessions
            .iter()
            .filter(|s| s.role == SessionRole::EdgeVbr)
            .map(|session| {
                let mut label = label_of(Terraform::vbr_of(session));
                if session.family == Family::V6 {
                    label.push_str("_ipv6");
                }
                Peer { label, session }
            })
            .collect();
        let mut vbrs: Vec<Device> = Vec::new();
        for p in &peers {
            let vbr = Terraform::vbr_of(p.session);
            if !vbrs.contains(&vbr) {
                vbrs.push(vbr);
            }
        }
        let region = &spec.cloud.region;
        let oss = oss_vip_ranges(region).unwrap_or_default();
        let registry = registry_addresses(region);
        let service_routes = plan
            .routing
            .tables
            .iter()
            .filter(|t| t.device == Device::CenTr)
            .flat_map(|t| &t.entries)
            .filter(|e| e.origin == RouteOrigin::Static && e.next_device == Some(Device::Vpc))
            .map(|e| {
                let what = if oss.contains(&e.destination) {
                    format!("OSS VIP range of {region}")
                } else if registry.contains(&e.destination) {
                    format!("Container Registry VPC endpoint of {region}")
                } else {
                    "Extra cloud range of the spec (cloudServices.extraCidrs)".to_owned()
                };
                (e.destination, what)
            })
            .collect();
        let mut rules: Vec<Rule> = Vec::new();
        for flow in plan
            .flows
            .iter()
            .filter(|f| matches!(f.to.name.as_str(), "ecs-nodes" | "cloud-pods"))
        {
            let mut base = format!(
                "{}_to_{}_{}",
                flow.from.name,
                flow.to.name,
                flow.protocol.as_str()
            )
            .replace('-', "_");
            if let Some(port) = flow.port {
                base.push_str(&format!("_{port}"));
            }
            for family in [Family::V4, Family::V6] {
                let sources: Vec<Cidr> = flow
                    .from
                    .cidrs
                    .iter()
                    .copied()
                    .filter(|c| c.family() == family)
                    .collect();
                for (i, &source) in sources.iter().enumerate() {
                    let mut label = base.clone();
                    if family == Family::V6 {
                        label.push_str("_ipv6");
                    }
                    if i > 0 {
                        label.push_str(&format!("_{}", i + 1));
                    }
                    rules.push(Rule {
                        label,
                        flow,
                        source,
                    });
                }
            }
        }
        let mut security_groups: Vec<&str> = Vec::new();
        let pools = spec
            .cloud
            .node_pools
            .iter()
            .flat_map(|p| p.security_groups.iter().flatten());
        for sg in spec.cloud.security_groups.iter().chain(pools) {
            if !security_groups.contains(&sg.as_str()) {
                security_groups.push(sg);
            }
        }
        Terraform {
            spec,
            name: &spec.name,
            peers,
            vbrs,
            service_routes,
            rules,
            security_groups,
        }
    }

    fn vbr_of(session: &BgpSession) -> Device {
        Terraform::ends(session).1.device
    }

    /// The DC edge's side and the VBR's side of a session.
    fn ends(session: &BgpSession) -> (&crate::routing::BgpSpeaker, &crate::routing::BgpSpeaker) {
        if matches!(session.peer.device, Device::Vbr(_)) {
            (&session.local, &session.peer)
        } else {
            (&session.peer, &session.local)
        }
    }

    /// The variable holding the id of `vbr`.
    /// The spec's VBR of `device` (`vbr`, `vbr-2`, …).
    fn vbr(&self, device: Device) -> &'a crate::spec::Vbr {
        let vbrs = &self.spec.interconnect.vbrs;
        match device {
            Device::Vbr(i) => vbrs.get(usize::from(i)).unwrap_or(&vbrs[0]),
            _ => &vbrs[0],
        }
    }

    fn vbr_variable(vbr: Device) -> String {
        format!("{}_id", label_of(vbr))
    }

    fn header(&self, what: &str) -> Body {
        let mut b = Body::new();
        b.comment(&[
            format!(
                "{what}: hybrid cluster \"{}\", generated by hybridplan (change the spec and render again rather than editing this file).",
                self.name
            ),
        ]);
        b.blank();
        b
    }

    fn versions(&self) -> String {
        let mut b = self.header("Terraform and provider versions");
        let mut providers = Body::new();
        providers.map(
            "alicloud",
            vec![
                (Expr::raw("source"), Expr::string("aliyun/alicloud")),
                (Expr::raw("version"), Expr::string(PROVIDER_VERSION)),
            ],
        );
        let mut terraform = Body::new();
        terraform
            .string("required_version", ">= 1.3.0")
            .blank()
            .block("required_providers", providers);
        b.block("terraform", terraform).blank();
        let mut provider = Body::new();
        provider.raw("region", "var.region");
        b.block("provider \"alicloud\"", provider);
        b.render(0)
    }

    fn variable(b: &mut Body, name: &str, kind: &str, description: &str, default: Option<Expr>) {
        let mut v = Body::new();
        v.raw("type", kind).string("description", description);
        if let Some(d) = default {
            v.attribute("default", d);
        }
        b.block(format!("variable \"{name}\""), v).blank();
    }

    fn variables(&self) -> String {
        let spec = self.spec;
        let mut b = self.header("What exists already and is not created here");
        Terraform::variable(
            &mut b,
            "region",
            "string",
            "Region of the VPC, the VBRs and the transit router.",
            Some(Expr::string(&spec.cloud.region)),
        );
        let vpcs: Vec<String> = spec
            .cloud
            .vpc_cidrs
            .iter()
            .map(|c| c.cidr.to_string())
            .collect();
        Terraform::variable(
            &mut b,
            "vpc_id",
            "string",
            &format!(
                "The VPC of the ECS nodes ({}); the spec does not name it.",
                vpcs.join(", ")
            ),
            None,
        );
        for &device in &self.vbrs {
            let vbr = self.vbr(device);
            Terraform::variable(
                &mut b,
                &Terraform::vbr_variable(device),
                "string",
                &format!(
                    "The VBR on the Express Connect circuit to the DC (VLAN {}, gateway {}), created with the circuit.",
                    vbr.vlan_id, vbr.local_gateway_ip
                ),
                Some(Expr::string(&vbr.id)),
            );
        }
        Terraform::variable(
            &mut b,
            "cen_id",
            "string",
            "The CEN instance whose transit router joins the VBRs and the VPC.",
            Some(Expr::string(&spec.interconnect.cen_id)),
        );
        Terraform::variable(
            &mut b,
            "transit_router_id",
            "string",
            "The Enterprise Edition transit router of the CEN instance in the region, if it has one (at most one per region); null creates one.",
            Some(Expr::raw("null")),
        );
        let named = spec.cloud.transit_router_vswitches();
        let zones: Vec<(Expr, Expr)> = named
            .iter()
            .map(|v| (Expr::string(&v.zone), Expr::string(&v.id)))
            .collect();
        let mut v = Body::new();
        v.raw("type", "map(string)").string(
            "description",
            "The vSwitch (value) in each zone (key) where the transit router's VPC connection places its network interface: two zones or more where the transit router spans several, each vSwitch with a free address.",
        );
        if named.len() >= crate::facts::TRANSIT_ROUTER_MIN_ZONES {
            v.map("default", zones);
        } else {
            // One zone is refused where the transit router spans several: no default, so
            // that the apply asks rather than fails half-way.
            let given: Vec<String> = named
                .iter()
                .map(|z| format!("\"{}\" = \"{}\"", z.zone, z.id))
                .collect();
            v.comment(&[format!(
                "The spec names {}: add a vSwitch of a second zone, e.g. {{ {}, \"<zone>\" = \"<vsw-id>\" }}.",
                if given.is_empty() { "none".to_owned() } else { given.join(", ") },
                given.join(", ")
            )]);
        }
        b.block("variable \"transit_router_vswitches\"", v).blank();
        let groups: Vec<Expr> = self
            .security_groups
            .iter()
            .map(|sg| Expr::string(sg))
            .collect();
        Terraform::variable(
            &mut b,
            "security_group_ids",
            "list(string)",
            "The security groups of the ECS nodes and of Terway's ENIs: each gets the ingress rules of security_groups.tf.",
            Some(Expr::list(groups)),
        );
        trim(b.render(0))
    }

    /// Whether IPv6 crosses the transit router (an IPv6 session with a VBR).
    fn ipv6(&self) -> bool {
        self.peers.iter().any(|p| p.session.family == Family::V6)
    }

    fn main(&self) -> String {
        let spec = self.spec;
        let mut b = Body::new();
        let zones = spec.cloud.transit_router_vswitches();
        let mut intro: Vec<String> = vec![
            format!(
                "The Alibaba Cloud side of the hybrid cluster \"{}\", generated by hybridplan (change the spec and render again rather than editing this file).",
                self.name
            ),
            String::new(),
            "Not expressed here, and needed before `terraform apply`:".to_owned(),
        ];
        if self.vbrs.len() > 1 {
            intro.push(format!(
                "- {} Express Connect circuits, from different carriers, each ending on its own DC edge router ({});",
                self.vbrs.len(),
                match spec.interconnect.redundancy {
                    crate::spec::Redundancy::ActiveStandby => "active-standby: the first carries the traffic; the DC edges make the transit router prefer it by prepending their AS toward the others",
                    _ => "active-active: both carry traffic, with ECMP on the transit router",
                }
            ));
        }
        for &device in &self.vbrs {
            let vbr = self.vbr(device);
            intro.push(format!(
                "- the Express Connect circuit, ordered from the carrier, and VBR {} on it: VLAN {} (agreed with the carrier), gateway {}, DC edge {}, peering subnet {}; the VBR comes with the circuit, so var.{} names it, and it must not be attached to another transit router;",
                vbr.id,
                vbr.vlan_id,
                vbr.local_gateway_ip,
                vbr.peer_gateway_ip,
                vbr.peering_subnet,
                Terraform::vbr_variable(device)
            ));
            if let Some(v6) = &vbr.ipv6 {
                intro.push(format!(
                    "- IPv6 on VBR {} (gateway {}, DC edge {}, {}), switched on with the VBR;",
                    vbr.id, v6.local_gateway_ip, v6.peer_gateway_ip, v6.peering_subnet
                ));
            }
        }
        if zones.len() < crate::facts::TRANSIT_ROUTER_MIN_ZONES {
            intro.push(format!(
                "- a vSwitch with a free address in a second zone of {} for the transit router (var.transit_router_vswitches; the spec names only {}): Enterprise Edition transit routers need two zones in most regions;",
                spec.cloud.region,
                zones.iter().map(|z| z.zone.as_str()).collect::<Vec<_>>().join(", ")
            ));
        }
        intro.extend([
            "- the VPC (var.vpc_id), its vSwitches, the security groups and the CEN instance (variables.tf); the VPC must take dynamic routes from this transit router only;".to_owned(),
            "- on the DC edge: its address on the VBR's VLAN, BGP and BFD (hybridplan render frr; BFD is UDP 3784 on the circuit), and the ACK registered cluster.".to_owned(),
            String::new(),
            "Order: apply this configuration, configure the DC edge, then the Terway component and the manifests, then run the plan's checks. After the apply, the VBR's route table shows the DC's prefixes learned over BGP, and the VPC's route table the same prefixes toward the transit router.".to_owned(),
        ]);
        b.comment(&intro).blank();

        let mut previous_peer: Option<&str> = None;
        for peer in &self.peers {
            let (edge, vbr_end) = Terraform::ends(peer.session);
            let family = peer.session.family;
            let vbr = self.vbr(vbr_end.device);
            b.comment(&[format!(
                "BGP between VBR {} (AS {}, {}) and the DC edge {} (AS {}, {}), {family}: the VBR keeps at most {} routes from this peer and drops the rest.",
                vbr.id,
                vbr_end.as_number,
                vbr_end.address,
                edge.device,
                edge.as_number,
                edge.address,
                crate::facts::VBR_MAX_ROUTES_PER_PEER
            )]);
            let vbr_var = format!(
                "var.{}",
                Terraform::vbr_variable(Terraform::vbr_of(peer.session))
            );
            let suffix = if family == Family::V6 { "-ipv6" } else { "" };
            let mut group = Body::new();
            group
                .raw("router_id", &vbr_var)
                .string(
                    "bgp_group_name",
                    &format!("{}-{}{suffix}", self.name, edge.device),
                )
                .raw("peer_asn", edge.as_number.to_string())
                .raw("local_asn", vbr_end.as_number.to_string())
                .string(
                    "description",
                    &format!(
                        "DC edge {} of the hybrid cluster {}",
                        edge.device, self.name
                    ),
                );
            if family == Family::V6 {
                // The group's API spells it IPv6 (https://github.com/aliyun/terraform-provider-alicloud/blob/v1.289.0/website/docs/r/vpc_bgp_group.html.markdown).
                group.string("ip_version", "IPv6");
            }
            if let Some(before) = previous_peer {
                // One change at a time on a VBR: its API refuses a second while one runs.
                group.lines(
                    "depends_on",
                    vec![Expr::raw(format!("alicloud_vpc_bgp_peer.{before}"))],
                );
            }
            b.block(
                format!("resource \"alicloud_vpc_bgp_group\" \"{}\"", peer.label),
                group,
            )
            .blank();
            let mut bgp_peer = Body::new();
            bgp_peer
                .raw(
                    "bgp_group_id",
                    format!("alicloud_vpc_bgp_group.{}.id", peer.label),
                )
                .string("peer_ip_address", &edge.address);
            if family == Family::V6 {
                // The peer's API answers IPV6, capitals, and the provider stores what it
                // answers (https://github.com/aliyun/terraform-provider-alicloud/blob/v1.289.0/alicloud/resource_alicloud_vpc_bgp_peer_test.go): written so,
                // a second plan finds nothing to change.
                bgp_peer.string("ip_version", "IPV6");
            }
            if vbr.bfd {
                bgp_peer
                    .raw("enable_bfd", "true")
                    // `bfd_multi_hop`: the most devices a BFD packet crosses
                    // (website/docs/r/vpc_bgp_peer.html.markdown); the edge ends the circuit.
                    .comment(&["The DC edge ends the circuit: BFD packets cross no other router."])
                    .raw("bfd_multi_hop", "1");
            } else {
                bgp_peer.raw("enable_bfd", "false");
            }
            b.block(
                format!("resource \"alicloud_vpc_bgp_peer\" \"{}\"", peer.label),
                bgp_peer,
            )
            .blank();
            previous_peer = Some(&peer.label);
        }

        b.comment(&["The transit router of the CEN instance in the region, unless var.transit_router_id names one (a CEN instance has at most one per region)."]);
        let mut tr = Body::new();
        tr.raw("count", "var.transit_router_id == null ? 1 : 0")
            .blank()
            .raw("cen_id", "var.cen_id")
            .string("transit_router_name", self.name);
        b.block("resource \"alicloud_cen_transit_router\" \"this\"", tr)
            .blank();
        let mut locals = Body::new();
        locals.raw(
            "transit_router_id",
            "var.transit_router_id != null ? var.transit_router_id : alicloud_cen_transit_router.this[0].transit_router_id",
        );
        b.block("locals", locals).blank();

        b.comment(&[
            "Two route tables: traffic from the DC (the VBR connections) is forwarded by the table `dc`, which learns the VPC's routes and holds the cloud-service routes; traffic from the VPC by the table `vpc`, which learns the DC's routes. Each route thus points away from the connection it serves, and the cloud-service routes never reach the VPC.",
        ]);
        for (label, what) in [
            (
                "dc",
                "Traffic from the DC toward the VPC and the cloud services",
            ),
            ("vpc", "Traffic from the VPC toward the DC"),
        ] {
            let mut table = Body::new();
            table
                .raw("transit_router_id", "local.transit_router_id")
                .string(
                    "transit_router_route_table_name",
                    &format!("{}-{label}", self.name),
                )
                .string(
                    "transit_router_route_table_description",
                    &format!("{what}, hybrid cluster {}", self.name),
                );
            b.block(
                format!("resource \"alicloud_cen_transit_router_route_table\" \"{label}\""),
                table,
            )
            .blank();
        }

        let mut vbr_attachments: Vec<String> = Vec::new();
        for &device in &self.vbrs {
            let label = label_of(device);
            let mut a = Body::new();
            a.raw("cen_id", "var.cen_id")
                .raw("transit_router_id", "local.transit_router_id")
                .raw("vbr_id", format!("var.{}", Terraform::vbr_variable(device)))
                .string(
                    "transit_router_attachment_name",
                    &format!("{}-{}", self.name, device),
                )
                .comment(&[
                    "Off by default: without it the VBR learns no route to the VPC or the cloud services.",
                ])
                .raw("auto_publish_route_enabled", "true");
            b.block(
                format!("resource \"alicloud_cen_transit_router_vbr_attachment\" \"{label}\""),
                a,
            )
            .blank();
            vbr_attachments.push(format!(
                "alicloud_cen_transit_router_vbr_attachment.{label}"
            ));
        }
        let mut zone = Body::new();
        zone.raw("zone_id", "zone_mappings.key")
            .raw("vswitch_id", "zone_mappings.value");
        let mut dynamic = Body::new();
        dynamic
            .raw("for_each", "var.transit_router_vswitches")
            .block("content", zone);
        let mut vpc = Body::new();
        vpc.raw("cen_id", "var.cen_id")
            .raw("transit_router_id", "local.transit_router_id")
            .raw("vpc_id", "var.vpc_id")
            .string(
                "transit_router_vpc_attachment_name",
                &format!("{}-vpc", self.name),
            )
            .comment(&[
                "Off by default: route synchronisation writes the transit router's routes (the DC's) into the VPC's route table.",
            ])
            .raw("auto_publish_route_enabled", "true")
            .blank()
            .block("dynamic \"zone_mappings\"", dynamic);
        // `options.ipv6_support = "enable"` as the provider's IPv6 test sets it
        // (alicloud/resource_alicloud_cen_transit_router_vpc_attachment_test.go).
        if self.ipv6() {
            let mut options = Body::new();
            options.string("ipv6_support", "enable");
            vpc.comment(&["IPv6 crosses the connection only when it is enabled on it."])
                .block("options", options);
        }
        b.block(
            "resource \"alicloud_cen_transit_router_vpc_attachment\" \"vpc\"",
            vpc,
        )
        .blank();
        let vpc_attachment = "alicloud_cen_transit_router_vpc_attachment.vpc".to_owned();

        // Each connection forwards by one table and propagates into the other; association
        // and propagation are resources of their own, the attachments' flags being
        // deprecated (website/docs/r/cen_transit_router_route_table_association.html.markdown).
        // `auto_publish_route_enabled` on both attachments defaults to false
        // (website/docs/r/cen_transit_router_{vbr,vpc}_attachment.html.markdown).
        let mut wiring: Vec<(&str, String, &str)> = Vec::new();
        for attachment in &vbr_attachments {
            wiring.push(("association", attachment.clone(), "dc"));
        }
        wiring.push(("association", vpc_attachment.clone(), "vpc"));
        for attachment in &vbr_attachments {
            wiring.push(("propagation", attachment.clone(), "vpc"));
        }
        wiring.push(("propagation", vpc_attachment, "dc"));
        for (kind, attachment, table) in wiring {
            let label = attachment.rsplit('.').next().unwrap_or("vpc");
            let mut r = Body::new();
            r.raw(
                "transit_router_route_table_id",
                format!(
                    "alicloud_cen_transit_router_route_table.{table}.transit_router_route_table_id"
                ),
            )
            .raw(
                "transit_router_attachment_id",
                format!("{attachment}.transit_router_attachment_id"),
            );
            b.block(
                format!("resource \"alicloud_cen_transit_router_route_table_{kind}\" \"{label}\""),
                r,
            )
            .blank();
        }
        trim(b.render(0))
    }

    fn cloud_services(&self) -> String {
        let mut b = self.header("Cloud-service routes");
        if self.service_routes.is_empty() {
            b.comment(&["The plan routes no cloud-service range through the transit router."]);
            return trim(b.render(0));
        }
        let mut text: Vec<String> = vec![format!(
            "Cloud services ({}: OSS, Container Registry) are reached from the DC through the VPC. The DC edge routes each range to the VBR (hybridplan render frr); the VBR forwards by what the transit router publishes to it; an Enterprise Edition transit router needs a static route for each range, next hop the VPC connection, in the table that forwards the DC's traffic. CEN's cloud-service route (alicloud_cen_route_service) serves Basic Edition transit routers only. OSS must be routed with every VIP range of the region: its addresses move within them.",
            crate::facts::CLOUD_SERVICES_V4
        )];
        // A URL is one word: on a line of its own, it is never broken.
        text.push("Sources:".to_owned());
        text.extend(CLOUD_SERVICE_SOURCES.iter().map(|s| (*s).to_owned()));
        b.comment(&text);
        let entries: Vec<(Expr, Expr)> = self
            .service_routes
            .iter()
            .map(|(c, what)| (Expr::string(&c.to_string()), Expr::string(what)))
            .collect();
        let mut locals = Body::new();
        locals.map("cloud_service_routes", entries);
        b.block("locals", locals).blank();
        let mut r = Body::new();
        r.raw("for_each", "local.cloud_service_routes")
            .blank()
            .raw(
                "transit_router_route_table_id",
                "alicloud_cen_transit_router_route_table.dc.transit_router_route_table_id",
            )
            .raw(
                "transit_router_route_entry_destination_cidr_block",
                "each.key",
            )
            .string("transit_router_route_entry_next_hop_type", "Attachment")
            .raw(
                "transit_router_route_entry_next_hop_id",
                "alicloud_cen_transit_router_vpc_attachment.vpc.transit_router_attachment_id",
            )
            .raw("transit_router_route_entry_description", "each.value");
        b.block(
            "resource \"alicloud_cen_transit_router_route_entry\" \"cloud_services\"",
            r,
        );
        trim(b.render(0))
    }

    fn security_groups(&self) -> String {
        let mut b = self.header("Security group rules");
        b.comment(&[
            "Ingress rules for the plan's flows into the ECS nodes and their pods (Terway's ENIs take the nodes' security groups), in each group of var.security_group_ids. A rule admits its source to every member of the group: a flow to the pods opens those ports on the nodes too. Flows toward the DC pass the groups' outbound rules (all allowed by default) and the DC's firewalls, which the plan lists too.",
        ]);
        if self.rules.is_empty() {
            b.comment(&["The plan has no flow into the ECS nodes."]);
            return trim(b.render(0));
        }
        b.blank();
        for rule in &self.rules {
            let flow = rule.flow;
            let (protocol, ports) = match (flow.protocol, flow.port) {
                (Protocol::Tcp | Protocol::Udp, Some(p)) => {
                    (flow.protocol.as_str(), format!("{p}/{p}"))
                }
                (Protocol::Tcp | Protocol::Udp, None) => {
                    (flow.protocol.as_str(), "1/65535".to_owned())
                }
                (Protocol::Icmp, _) if rule.source.family() == Family::V6 => {
                    ("icmpv6", "-1/-1".to_owned())
                }
                (Protocol::Icmp, _) => ("icmp", "-1/-1".to_owned()),
                (Protocol::Ipip | Protocol::All, _) => ("all", "-1/-1".to_owned()),
            };
            let mut why = format!("{}: {}", flow.from.name, flow.why);
            if flow.protocol == Protocol::Ipip {
                why.push_str(" (IP-in-IP is IP protocol 4, which security group rules cannot name: all protocols from these nodes)");
            }
            let mut r = Body::new();
            r.raw("for_each", "toset(var.security_group_ids)")
                .blank()
                .raw("security_group_id", "each.value")
                .string("type", "ingress")
                .string("ip_protocol", protocol)
                .string("port_range", &ports);
            let source = if rule.source.family() == Family::V6 {
                "ipv6_cidr_ip"
            } else {
                "cidr_ip"
            };
            r.string(source, &rule.source.to_string())
                .string("nic_type", "intranet")
                .string("policy", "accept")
                .raw("priority", "1")
                .string("description", &description(&why));
            b.block(
                format!(
                    "resource \"alicloud_security_group_rule\" \"{}\"",
                    rule.label
                ),
                r,
            )
            .blank();
        }
        trim(b.render(0))
    }

    fn outputs(&self) -> String {
        let mut b = self.header("Ids a later step needs");
        let mut output = |name: &str, value: String, description: &str| {
            let mut o = Body::new();
            o.raw("value", value).string("description", description);
            b.block(format!("output \"{name}\""), o).blank();
        };
        output(
            "transit_router_id",
            "local.transit_router_id".to_owned(),
            "The transit router that joins the VBRs and the VPC.",
        );
        output(
            "dc_route_table_id",
            "alicloud_cen_transit_router_route_table.dc.transit_router_route_table_id".to_owned(),
            "The transit router's table that forwards the DC's traffic.",
        );
        output(
            "vpc_route_table_id",
            "alicloud_cen_transit_router_route_table.vpc.transit_router_route_table_id".to_owned(),
            "The transit router's table that forwards the VPC's traffic.",
        );
        for &device in &self.vbrs {
            let label = label_of(device);
            output(
                &format!("{label}_attachment_id"),
                format!(
                    "alicloud_cen_transit_router_vbr_attachment.{label}.transit_router_attachment_id"
                ),
                &format!("The transit router's connection of {device}."),
            );
        }
        output(
            "vpc_attachment_id",
            "alicloud_cen_transit_router_vpc_attachment.vpc.transit_router_attachment_id"
                .to_owned(),
            "The transit router's connection of the VPC.",
        );
        for peer in &self.peers {
            output(
                &format!("{}_bgp_group_id", peer.label),
                format!("alicloud_vpc_bgp_group.{}.id", peer.label),
                "The VBR's BGP group with the DC edge.",
            );
            output(
                &format!("{}_bgp_peer_id", peer.label),
                format!("alicloud_vpc_bgp_peer.{}.id", peer.label),
                "The VBR's BGP peer (its session state: DescribeBgpPeers, or the console's BGP peers of the VBR).",
            );
        }
        trim(b.render(0))
    }
}

/// A security group rule's description: at most 512 characters, not starting with
/// `http://` or `https://` (AuthorizeSecurityGroup).
fn description(text: &str) -> String {
    const MAX: usize = 512;
    if text.chars().count() <= MAX {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(MAX - 1).collect();
    out.push('…');
    out
}

/// One newline at the end, none after it.
fn trim(mut text: String) -> String {
    while text.ends_with("\n\n") {
        text.pop();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_spec_gives_the_same_bytes_laid_out_as_terraform_fmt_would() {
        let spec = crate::reference();
        let plan = crate::plan(&spec);
        let files = terraform(&spec, &plan);
        assert_eq!(files, terraform(&spec, &crate::plan(&spec)));
        assert_eq!(
            files.iter().map(|f| f.name.as_str()).collect::<Vec<_>>(),
            FILES
        );
        for f in &files {
            assert!(
                f.content.ends_with("}\n") || f.content.ends_with(".\n"),
                "{}",
                f.name
            );
            assert!(!f.content.ends_with("\n\n"), "{}", f.name);
            for line in f.content.lines() {
                assert_eq!(line, line.trim_end(), "{}: trailing space", f.name);
                let indent = line.len() - line.trim_start().len();
                assert_eq!(indent % 2, 0, "{}: {line}", f.name);
            }
        }
        let versions = &files[0].content;
        assert!(versions.contains(&format!("version = \"{PROVIDER_VERSION}\"")));
    }

    #[test]
    fn a_security_group_rule_says_why_within_its_length_limit() {
        assert_eq!(description("short"), "short");
        let long = "x".repeat(600);
        assert_eq!(description(&long).chars().count(), 512);
    }
}
