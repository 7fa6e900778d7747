//! Cilium (`cilium-vxlan`, `cilium-bgp`): Helm values, and for BGP the `cilium.io/v2`
//! BGP control-plane resources (never the removed `CiliumBGPPeeringPolicy`).

use super::calico::no_snat_ranges;
use super::{Apply, Context, File, dc_only_affinity, strings};
use crate::cidr::{Family, summarize};
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
        "affinity": dc_only_affinity(),
        "ipam": { "mode": "cluster-pool", "operator": operator },
        "ipv4": { "enabled": true },
        "ipv6": { "enabled": !v6.is_empty() },
        "bgpControlPlane": { "enabled": bgp },
    });
    if bgp {
        values["routingMode"] = json!("native");
        values["autoDirectNodeRoutes"] = json!(false);
        // One CIDR: the DC pod ranges' summary when they are adjacent, else the first.
        if let Some(native) = summarize(&v4).first() {
            values["ipv4NativeRoutingCIDR"] = json!(native.to_string());
        }
        if let Some(native) = summarize(&v6).first() {
            values["ipv6NativeRoutingCIDR"] = json!(native.to_string());
        }
        // DC pods reach the cloud ranges with their own addresses (the VPC routes DC pod
        // ranges back over the VBR); everything else leaves masqueraded.
        let mut keep: Vec<String> = Vec::new();
        for family in ctx.families() {
            keep.extend(strings(&Context::of(&op.pod_cidrs, family)));
            keep.extend(strings(&no_snat_ranges(ctx, family)));
        }
        values["bpf"] = json!({ "masquerade": true });
        values["ipMasqAgent"] = json!({
            "enabled": true,
            "config": { "nonMasqueradeCIDRs": keep, "masqLinkLocal": false },
        });
    } else {
        values["routingMode"] = json!("tunnel");
        values["tunnelProtocol"] = json!("vxlan");
    }
    let mut file = File::new(
        "cilium",
        "cilium-values.yaml",
        Apply::HelmValues("cilium cilium/cilium --namespace kube-system"),
        &[if bgp {
            "Helm values: native routing, cluster-pool IPAM over the DC pod ranges, the BGP control plane on, agents off ECS nodes."
        } else {
            "Helm values: VXLAN tunnels, cluster-pool IPAM over the DC pod ranges, agents off ECS nodes."
        }],
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
