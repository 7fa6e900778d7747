//! Calico (`calico-route-reflector`, `calico-ipip`): the calico-node scheduling patch, IP
//! pools, route-reflector nodes, BGP peers and the global BGP configuration, in the order
//! Calico's docs give for moving a cluster to route reflectors (sessions up before the
//! mesh goes down).

use super::{Apply, Context, File, daemonset_patch, dc_only_affinity, strings};
use crate::cidr::{Cidr, Family, subtract_all, summarize};
use crate::facts;
use crate::mode::BgpTopology;
use crate::spec::NetworkMode;
use serde_json::{Value, json};

/// Calico selector for nodes that are not ECS nodes (`!=` also matches a missing label).
fn dc_nodes_selector() -> String {
    format!("{} != 'true'", facts::ECS_NODE_LABEL)
}

/// The nodes Calico's pools serve: the DC nodes beside Terway, every node in an overlay
/// that spans both sides.
fn pool_nodes(ctx: &Context) -> String {
    if ctx.terway() {
        dc_nodes_selector()
    } else {
        "all()".to_owned()
    }
}

const RR_LABEL: &str = "route-reflector";
const RR_SELECTOR: &str = "route-reflector == 'true'";

pub(super) fn files(ctx: &Context, out: &mut Vec<File>) {
    out.push(node_patch(ctx));
    out.push(pools(ctx));
    let rr = ctx.mode.bgp_topology == BgpTopology::RouteReflectors;
    if rr && !ctx.spec.on_prem.route_reflector_nodes.is_empty() {
        out.push(route_reflector_nodes(ctx));
    }
    let peers = peers(ctx);
    if !peers.docs.is_empty() {
        out.push(peers);
    }
    out.push(bgp_configuration(ctx));
}

/// Beside Terway, keeps calico-node off ECS nodes; on both sides, makes it pick its
/// address from the node ranges (DC nodes, and ECS nodes where they run Calico).
fn node_patch(ctx: &Context) -> File {
    let mut env = Vec::new();
    for (family, var) in [
        (Family::V4, "IP_AUTODETECTION_METHOD"),
        (Family::V6, "IP6_AUTODETECTION_METHOD"),
    ] {
        let cidrs = ctx.node_ranges(family);
        if !cidrs.is_empty() {
            if family == Family::V6 {
                // calico-node takes an IPv6 address only when asked to.
                env.push(json!({ "name": "IP6", "value": "autodetect" }));
            }
            env.push(
                json!({ "name": var, "value": format!("cidr={}", strings(&cidrs).join(",")) }),
            );
        }
    }
    let about: &[&str] = if ctx.terway() {
        &[
            "Keeps calico-node off ECS nodes (alibabacloud.com/external=true: Terway's side) and",
            "makes it take its address from the DC node ranges.",
        ]
    } else {
        &[
            "calico-node runs on DC and ECS nodes alike (the overlay spans both sides); it takes",
            "its address from the DC node ranges or the ECS nodes' vSwitches.",
        ]
    };
    let mut file = File::new("calico", "calico-node-patch.yaml", Apply::Patch, about);
    file.docs.push(daemonset_patch(
        ctx,
        "calico-node",
        "kube-system",
        ctx.terway().then(dc_only_affinity),
        Some(json!({ "name": "calico-node", "env": env })),
    ));
    file
}

/// Calico's user-facing API (calicoctl, or kubectl with the Calico API server).
const CALICO_API: &str = "projectcalico.org/v3";

fn pool(ctx: &Context, name: String, cidr: Cidr, mut spec: Value) -> Value {
    spec["cidr"] = json!(cidr.to_string());
    ctx.resource(CALICO_API, "IPPool", &name, &[], spec)
}

fn family_tag(family: Family) -> &'static str {
    match family {
        Family::V4 => "ipv4",
        Family::V6 => "ipv6",
    }
}

/// Pools for the DC pods, and in routed modes disabled pools over the cloud ranges so that
/// DC pods reach cloud pods and ECS nodes with their own addresses (natOutgoing leaves
/// destinations inside any pool alone). Overlay modes keep SNAT: the cloud has no route
/// back to DC pods there.
fn pools(ctx: &Context) -> File {
    let op = &ctx.spec.on_prem;
    let ipip = ctx.mode.selected == NetworkMode::CalicoIpip;
    let routed = ctx.mode.selected.is_routed();
    let mut file = File::new(
        "calico",
        "calico-ippools.yaml",
        Apply::Calicoctl,
        &[if routed {
            "IP pools: the DC pod ranges (routed, no encapsulation), and disabled pools over the cloud ranges so DC pods reach them without SNAT."
        } else {
            "IP pools: the DC pod ranges with encapsulation; traffic to the cloud leaves SNATed to the node address."
        }],
    );
    for family in ctx.families() {
        let tag = family_tag(family);
        let pods = Context::of(&op.pod_cidrs, family);
        for (i, &cidr) in pods.iter().enumerate() {
            // IPIP carries IPv4 only; an IPv6 pool in the overlay mode uses VXLAN.
            let (ipip_mode, vxlan_mode) = match (ipip, family) {
                (true, Family::V4) => ("Always", "Never"),
                (true, Family::V6) => ("Never", "Always"),
                (false, _) => ("Never", "Never"),
            };
            file.docs.push(pool(
                ctx,
                format!("{}-dc-pods-{tag}-{i}", ctx.name()),
                cidr,
                json!({
                    "blockSize": op.block_size(family),
                    "ipipMode": ipip_mode,
                    "vxlanMode": vxlan_mode,
                    "natOutgoing": true,
                    "nodeSelector": pool_nodes(ctx),
                }),
            ));
        }
        if routed {
            for (i, cidr) in no_snat_ranges(ctx, family).into_iter().enumerate() {
                let default = op.block_size(family);
                file.docs.push(pool(
                    ctx,
                    format!("{}-cloud-no-snat-{tag}-{i}", ctx.name()),
                    cidr,
                    json!({
                        "blockSize": default.max(cidr.len()),
                        "disabled": true,
                        "natOutgoing": false,
                        "ipipMode": "Never",
                        "vxlanMode": "Never",
                    }),
                ));
            }
        }
    }
    file
}

/// The VPC and the cloud pod vSwitches, less the DC pod ranges (pools must not overlap),
/// as few prefixes as cover exactly that.
pub(super) fn no_snat_ranges(ctx: &Context, family: Family) -> Vec<Cidr> {
    let spec = ctx.spec;
    let mut cloud = Context::of(&spec.cloud.vpc_cidrs, family);
    for zone in &spec.cloud.zones {
        for v in &zone.pod_vswitches {
            cloud.extend(
                [Some(v.cidr), v.ipv6_cidr]
                    .into_iter()
                    .flatten()
                    .filter(|c| c.family() == family),
            );
        }
    }
    let pods = Context::of(&spec.on_prem.pod_cidrs, family);
    let rest: Vec<Cidr> = summarize(&cloud)
        .into_iter()
        .flat_map(|c| subtract_all(c, &pods))
        .collect();
    summarize(&rest)
}

/// Labels and annotates the named route-reflector nodes.
fn route_reflector_nodes(ctx: &Context) -> File {
    let mut file = File::new(
        "calico",
        "calico-route-reflectors.yaml",
        Apply::Patch,
        &[
            "Makes the named DC nodes route reflectors: Calico cluster ID and the route-reflector label.",
            "Setting the cluster ID drops a node from the full mesh; drain it first.",
        ],
    );
    for name in &ctx.spec.on_prem.route_reflector_nodes {
        let mut meta = ctx.metadata(name, None, &[(RR_LABEL, "true")]);
        meta["annotations"] =
            json!({ facts::CALICO_RR_CLUSTER_ID_ANNOTATION: facts::CALICO_RR_CLUSTER_ID });
        file.docs
            .push(json!({ "apiVersion": "v1", "kind": "Node", "metadata": meta }));
    }
    file
}

fn bgp_peer(ctx: &Context, name: String, spec: Value) -> Value {
    ctx.resource(CALICO_API, "BGPPeer", &name, &[], spec)
}

/// Clients to route reflectors, and the speakers that peer with the DC edge routers.
fn peers(ctx: &Context) -> File {
    let op = &ctx.spec.on_prem;
    let rr = ctx.mode.bgp_topology == BgpTopology::RouteReflectors;
    let mut about = vec![
        "BGP peers: ".to_owned()
            + match (rr, ctx.mode.selected.is_routed()) {
                (true, true) => {
                    "every DC node to the route reflectors, the route reflectors to the DC edge."
                }
                (true, false) => "every DC node to the route reflectors.",
                (false, _) => "every DC node to the DC edge.",
            },
    ];
    if rr && op.route_reflector_nodes.is_empty() {
        about.push(format!(
            "Before applying: pick {} DC nodes (onPrem.routeReflectorNodes names them for you) and run, for each:",
            ctx.mode.route_reflectors
        ));
        about.push(format!(
            "  kubectl annotate node NAME {}={}",
            facts::CALICO_RR_CLUSTER_ID_ANNOTATION,
            facts::CALICO_RR_CLUSTER_ID
        ));
        about.push(format!("  kubectl label node NAME {RR_LABEL}=true"));
    }
    let about: Vec<&str> = about.iter().map(String::as_str).collect();
    let mut file = File::new("calico", "calico-bgp-peers.yaml", Apply::Calicoctl, &about);
    if rr {
        file.docs.push(bgp_peer(
            ctx,
            format!("{}-route-reflector-clients", ctx.name()),
            json!({ "nodeSelector": "all()", "peerSelector": RR_SELECTOR }),
        ));
    }
    if ctx.mode.selected.is_routed() {
        let speakers = if rr {
            RR_SELECTOR.to_owned()
        } else {
            dc_nodes_selector()
        };
        for (i, edge) in op.edge_routers.iter().enumerate() {
            // IPv6 routes travel on a session between IPv6 addresses (BIRD's IPv6 side).
            for (ip, suffix) in [(Some(edge.ip), ""), (edge.ipv6, "-ipv6")] {
                if let Some(ip) = ip {
                    file.docs.push(bgp_peer(
                        ctx,
                        format!("{}-dc-edge-{i}{suffix}", ctx.name()),
                        peer_spec(&speakers, ip, edge.as_number, rr),
                    ));
                }
            }
        }
    }
    file
}

/// A BGP peer to a DC edge router. Route reflectors pass on each block's route with the
/// owning node as next hop (`nextHopMode: Keep`), so the edge forwards straight to it.
fn peer_spec(speakers: &str, ip: std::net::IpAddr, asn: u32, reflectors: bool) -> Value {
    let mut spec = json!({ "nodeSelector": speakers, "peerIP": ip.to_string(), "asNumber": asn });
    if reflectors {
        spec["nextHopMode"] = json!("Keep");
    }
    spec
}

/// The global BGP settings: the DC AS, the mesh on or off, and the service ranges the DC
/// edge learns in routed modes.
fn bgp_configuration(ctx: &Context) -> File {
    let op = &ctx.spec.on_prem;
    let rr = ctx.mode.bgp_topology == BgpTopology::RouteReflectors;
    let mut spec = json!({
        "asNumber": op.as_number,
        "nodeToNodeMeshEnabled": !rr,
        "logSeverityScreen": "Info",
    });
    if ctx.mode.selected.is_routed() {
        let services: Vec<Value> = op
            .service_cidrs
            .iter()
            .map(|c| json!({ "cidr": c.cidr.to_string() }))
            .collect();
        spec["serviceClusterIPs"] = json!(services);
    }
    let mut file = File::new(
        "calico",
        "calico-bgp-configuration.yaml",
        Apply::Calicoctl,
        &[if rr {
            "Global BGP settings. Turns the full mesh off: apply only once the route-reflector sessions are up."
        } else {
            "Global BGP settings: the DC AS number and the node-to-node mesh."
        }],
    );
    file.docs
        .push(ctx.resource(CALICO_API, "BGPConfiguration", "default", &[], spec));
    file
}
