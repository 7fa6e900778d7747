//! Cilium (`cilium-vxlan`, `cilium-bgp`): Helm values, and for BGP the `cilium.io/v2`
//! BGP control-plane resources (never the removed `CiliumBGPPeeringPolicy`).

use super::{Apply, Context, File, dc_only_affinity, strings};
use crate::cidr::{Cidr, Family, covering};
use crate::facts;
use crate::spec::NetworkMode;
use serde_json::{Value, json};

/// Label that ties the peer config's families to the advertisement.
const ADVERTISE_LABEL: &str = "hybridplan.io/advertise";
/// A service selector that matches every service (Cilium's documented idiom: NotIn a value
/// no service uses).
const ADVERTISE_ALL_KEY: &str = "hybridplan.io/never-advertise";

pub(super) fn files(ctx: &Context, out: &mut Vec<File>) {
    out.push(values(ctx));
    if ctx.mode.selected == NetworkMode::CiliumBgp {
        out.push(bgp(ctx));
    }
}

/// The range the agent leaves unmasqueraded in native routing (`ipvXNativeRoutingCIDR`, one
/// CIDR per family): the DC pods and the VPC when one private prefix holds them both, so DC
/// pods reach the cloud with their own addresses (the VPC routes them back); else the pods
/// alone, and traffic to the VPC leaves behind the node's address.
fn native_routing_cidr(ctx: &Context, family: Family) -> Option<(Cidr, bool)> {
    let pods = Context::of(&ctx.spec.on_prem.pod_cidrs, family);
    let mut with_vpc = pods.clone();
    with_vpc.extend(Context::of(&ctx.spec.cloud.vpc_cidrs, family));
    let private = match family {
        Family::V4 => facts::VPC_PRIVATE_BLOCKS
            .iter()
            .filter_map(|b| Cidr::from_table(b))
            .collect::<Vec<_>>(),
        Family::V6 => Cidr::from_table("fc00::/7")
            .into_iter()
            .chain(Cidr::from_table("2000::/3"))
            .collect(),
    };
    match covering(&with_vpc) {
        Some(c) if private.iter().any(|p| p.contains(&c)) => Some((c, true)),
        _ => covering(&pods).map(|c| (c, false)),
    }
}

fn values(ctx: &Context) -> File {
    let op = &ctx.spec.on_prem;
    let bgp = ctx.mode.selected == NetworkMode::CiliumBgp;
    let v4 = Context::of(&op.pod_cidrs, Family::V4);
    let v6 = Context::of(&op.pod_cidrs, Family::V6);
    let mut operator = json!({ "clusterPoolIPv4PodCIDRList": strings(&v4) });
    if let Some(len) = ctx.node_subnet_len(Family::V4) {
        operator["clusterPoolIPv4MaskSize"] = json!(len);
    }
    if !v6.is_empty() {
        operator["clusterPoolIPv6PodCIDRList"] = json!(strings(&v6));
        if let Some(len) = ctx.node_subnet_len(Family::V6) {
            operator["clusterPoolIPv6MaskSize"] = json!(len);
        }
    }
    let mut values = json!({
        "ipam": { "mode": "cluster-pool", "operator": operator },
        "ipv4": { "enabled": true },
        "ipv6": { "enabled": !v6.is_empty() },
        "bgpControlPlane": { "enabled": bgp },
    });
    if ctx.terway() {
        values["affinity"] = dc_only_affinity();
    }
    let mut about: Vec<String> = Vec::new();
    if bgp {
        // Native routing; the BGP control plane advertises each node's PodCIDR but installs
        // nothing it learns, so between nodes of one segment the agent installs a route per
        // node itself (autoDirectNodeRoutes); nodes on other segments are skipped there and
        // reached through the DC edge, which learns their PodCIDRs over BGP.
        values["routingMode"] = json!("native");
        values["autoDirectNodeRoutes"] = json!(true);
        if op
            .node_cidrs
            .iter()
            .filter(|c| c.cidr.family() == Family::V4)
            .count()
            > 1
        {
            values["directRoutingSkipUnreachable"] = json!(true);
        }
        // Masquerading by iptables, not eBPF: bpf.masquerade needs kube-proxy replacement
        // (the BPF NodePort feature; Cilium "Masquerading"), which this plan does not turn
        // on. Destinations inside the native-routing CIDR keep the pod's own address.
        for (family, key, masquerade) in [
            (Family::V4, "ipv4NativeRoutingCIDR", "enableIPv4Masquerade"),
            (Family::V6, "ipv6NativeRoutingCIDR", "enableIPv6Masquerade"),
        ] {
            if let Some((cidr, with_vpc)) = native_routing_cidr(ctx, family) {
                values[key] = json!(cidr.to_string());
                values[masquerade] = json!(true);
                about.push(if with_vpc {
                    format!("{family}: pods keep their own addresses toward the pods and the VPC ({cidr}); anything else is masqueraded.")
                } else {
                    format!("{family}: no private prefix holds both the pods and the VPC: traffic to the VPC leaves behind the node's address ({key} {cidr}).")
                });
            }
        }
    } else {
        values["routingMode"] = json!("tunnel");
        values["tunnelProtocol"] = json!("vxlan");
    }
    let placement = if ctx.terway() {
        "agents off ECS nodes"
    } else {
        "agents on DC and ECS nodes (the overlay spans both sides)"
    };
    let mut lines = vec![if bgp {
        format!(
            "Helm values: native routing, cluster-pool IPAM over the DC pod ranges, the BGP control plane on, {placement}."
        )
    } else {
        format!("Helm values: VXLAN tunnels, cluster-pool IPAM over the pod ranges, {placement}.")
    }];
    lines.extend(about);
    let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
    let mut file = File::new(
        "cilium",
        "cilium-values.yaml",
        Apply::HelmValues("cilium cilium/cilium --namespace kube-system"),
        &lines,
    );
    file.docs.push(values);
    file
}

/// The BGP control plane's API since Cilium 1.18 (v2alpha1 before; PeeringPolicy removed in 1.19).
const CILIUM_API: &str = "cilium.io/v2";

/// Every DC node peers with the DC edge routers and advertises its PodCIDR.
fn bgp(ctx: &Context) -> File {
    let op = &ctx.spec.on_prem;
    let name = ctx.name();
    let peer_config = format!("{name}-dc-edge");
    let advert = format!("{name}-dc-routes");
    let mut peers: Vec<Value> = Vec::new();
    for (i, edge) in op.edge_routers.iter().enumerate() {
        for (ip, suffix) in [(Some(edge.ip), ""), (edge.ipv6, "-ipv6")] {
            if let Some(ip) = ip {
                peers.push(json!({
                    "name": format!("dc-edge-{i}{suffix}"),
                    "peerAddress": ip.to_string(),
                    "peerASN": edge.as_number,
                    "peerConfigRef": { "name": peer_config },
                }));
            }
        }
    }
    let families: Vec<Value> = ctx
        .families()
        .into_iter()
        .map(|f| {
            json!({
                "afi": match f { Family::V4 => "ipv4", Family::V6 => "ipv6" },
                "safi": "unicast",
                "advertisements": { "matchLabels": { ADVERTISE_LABEL: advert } },
            })
        })
        .collect();
    let mut service = json!({ "addresses": ["ClusterIP"] });
    for (family, key) in [
        (Family::V4, "aggregationLengthIPv4"),
        (Family::V6, "aggregationLengthIPv6"),
    ] {
        if let Some(range) = Context::of(&op.service_cidrs, family).first() {
            service[key] = json!(range.len());
        }
    }
    let mut file = File::new(
        "cilium",
        "cilium-bgp.yaml",
        Apply::Kubectl,
        &[
            "BGP control plane: every DC node peers with the DC edge routers and advertises its PodCIDR and the service range.",
        ],
    );
    file.docs.push(ctx.resource(
        CILIUM_API,
        "CiliumBGPClusterConfig",
        &format!("{name}-dc"),
        &[],
        json!({
            "nodeSelector": {
                "matchExpressions": [{ "key": facts::ECS_NODE_LABEL, "operator": "NotIn", "values": ["true"] }],
            },
            "bgpInstances": [{ "name": "dc", "localASN": op.as_number, "peers": peers }],
        }),
    ));
    file.docs.push(ctx.resource(
        CILIUM_API,
        "CiliumBGPPeerConfig",
        &peer_config,
        &[],
        json!({
            "families": families,
            "gracefulRestart": { "enabled": true, "restartTimeSeconds": facts::CILIUM_BGP_RESTART_SECONDS },
        }),
    ));
    file.docs.push(ctx.resource(
        CILIUM_API,
        "CiliumBGPAdvertisement",
        &advert,
        &[(ADVERTISE_LABEL, &advert)],
        json!({ "advertisements": [
            { "advertisementType": "PodCIDR" },
            {
                // Every service's cluster IP, aggregated to the service range (as Calico's
                // serviceClusterIPs does), so the DC edge holds one route per range.
                "advertisementType": "Service",
                "service": service,
                "selector": { "matchExpressions": [
                    { "key": ADVERTISE_ALL_KEY, "operator": "NotIn", "values": ["never-used-value"] },
                ] },
            },
        ] }),
    ));
    file
}
