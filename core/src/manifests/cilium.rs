//! Cilium (`cilium-vxlan`, `cilium-bgp`): values for `helm upgrade --reuse-values` of the
//! release that runs, and for BGP the BGP control plane's resources in the API of that
//! release (`cilium.io/v2alpha1` before 1.18, `cilium.io/v2` from it; never the removed
//! `CiliumBGPPeeringPolicy`).

use super::{Apply, Context, File, dc_only_affinity, strings};
use crate::changes::Change;
use crate::cidr::{Cidr, Family, covering};
use crate::facts;
use crate::installed::versions;
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
        out.push(routing_values(ctx));
    }
}

/// The range the agent leaves unmasqueraded in native routing (`ipvXNativeRoutingCIDR`, one
/// CIDR per family): the DC pods and the VPC when one private prefix holds them both, so DC
/// pods reach the cloud with their own addresses (the VPC routes them back); else the pods
/// alone, and traffic to the VPC leaves behind the node's address.
pub(crate) fn native_routing_cidr(
    spec: &crate::spec::HybridCluster,
    family: Family,
) -> Option<(Cidr, bool)> {
    let pods = Context::of(&spec.on_prem.pod_cidrs, family);
    let mut with_vpc = pods.clone();
    with_vpc.extend(Context::of(&spec.cloud.vpc_cidrs, family));
    let private = match family {
        Family::V4 => facts::VPC_PRIVATE_BLOCKS.to_vec(),
        Family::V6 => vec![facts::IPV6_ULA, facts::IPV6_GLOBAL_UNICAST],
    };
    match covering(&with_vpc) {
        Some(c) if private.iter().any(|p| p.contains(&c)) => Some((c, true)),
        _ => covering(&pods).map(|c| (c, false)),
    }
}

/// A values file for `helm upgrade --reuse-values` of the release that runs.
fn values_file(ctx: &Context, name: &str, mut lines: Vec<String>, values: Value) -> File {
    // --reuse-values keeps the release's other values and is safe only at the chart
    // version that runs (Cilium's upgrade guide), hence --version.
    lines.push(
        "Helm keeps every other value of the release; lists here replace the release's whole."
            .into(),
    );
    let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
    let mut file = File::new(
        "cilium",
        name,
        Apply::HelmValues(format!(
            "cilium cilium/cilium --version {} --namespace kube-system",
            ctx.installed.version
        )),
        &lines,
    );
    file.changes = value_changes(ctx, &values);
    file.docs.push(values);
    file
}

/// IPAM over the pod ranges, the BGP control plane (cilium-bgp), where the agents run, and
/// in the overlay its tunnels. The agents read it when they start: the chart does not roll
/// them on a configuration change (`rollOutCiliumPods` is off by default).
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
    if !bgp {
        values["routingMode"] = json!("tunnel");
        values["tunnelProtocol"] = json!("vxlan");
    }
    let placement = if ctx.terway() {
        "agents off ECS nodes"
    } else {
        "agents on DC and ECS nodes (the overlay spans both sides)"
    };
    let lines = vec![
        if bgp {
            format!(
                "Helm values: cluster-pool IPAM over the DC pod ranges, the BGP control plane on, {placement}; the routing as it is until the native-routing values."
            )
        } else {
            format!(
                "Helm values: VXLAN tunnels, cluster-pool IPAM over the pod ranges, {placement}."
            )
        },
        "Then restart the agents so they read it: kubectl -n kube-system rollout restart daemonset/cilium deployment/cilium-operator".into(),
    ];
    values_file(ctx, "cilium-values.yaml", lines, values)
}

/// Native routing (cilium-bgp), after the DC edge has learned every PodCIDR over BGP.
/// Native routing; the BGP control plane advertises each node's PodCIDR but installs
/// nothing it learns, so between nodes of one segment the agent installs a route per node
/// itself (autoDirectNodeRoutes); nodes on other segments are skipped there and reached
/// through the DC edge, which learns their PodCIDRs over BGP. A cluster whose agents are
/// half tunnelling, half routing natively drops the traffic between the two halves
/// (cilium/cilium#9680), so every agent restarts at once.
fn routing_values(ctx: &Context) -> File {
    let op = &ctx.spec.on_prem;
    let mut values = json!({ "routingMode": "native", "autoDirectNodeRoutes": true });
    if op
        .node_cidrs
        .iter()
        .filter(|c| c.cidr.family() == Family::V4)
        .count()
        > 1
    {
        values["directRoutingSkipUnreachable"] = json!(true);
    }
    let mut lines = vec![
        "Helm values: native routing, once the DC edge holds every node's PodCIDR (cilium bgp routes advertised).".to_owned(),
        "In a maintenance window: agents half tunnelling, half routing natively drop the traffic between them, so restart".to_owned(),
        "every agent at once: kubectl -n kube-system delete pod -l k8s-app=cilium".to_owned(),
    ];
    // Masquerading by iptables, not eBPF: bpf.masquerade needs kube-proxy replacement
    // (the BPF NodePort feature; Cilium "Masquerading"), which this plan does not turn
    // on. Destinations inside the native-routing CIDR keep the pod's own address.
    for (family, key, masquerade) in [
        (Family::V4, "ipv4NativeRoutingCIDR", "enableIPv4Masquerade"),
        (Family::V6, "ipv6NativeRoutingCIDR", "enableIPv6Masquerade"),
    ] {
        if let Some((cidr, with_vpc)) = native_routing_cidr(ctx.spec, family) {
            values[key] = json!(cidr.to_string());
            values[masquerade] = json!(true);
            lines.push(if with_vpc {
                format!("{family}: pods keep their own addresses toward the pods and the VPC ({cidr}); anything else is masqueraded.")
            } else {
                format!("{family}: no private prefix holds both the pods and the VPC: traffic to the VPC leaves behind the node's address ({key} {cidr}).")
            });
        }
    }
    values_file(ctx, "cilium-routing-values.yaml", lines, values)
}

/// The chart defaults the values change (cilium/cilium `install/kubernetes/cilium/values.yaml`,
/// 1.16.19 and 1.19.6 alike), with why: before and after, as the release knows them unless
/// it was installed with other values.
fn value_changes(ctx: &Context, values: &Value) -> Vec<Change> {
    let known = format!(
        "Cilium {}'s chart defaults (the release's own values are not in the spec)",
        ctx.installed.version
    );
    let defaults: [(&str, Value, &str); 6] = [
        (
            "routingMode",
            json!("tunnel"),
            "native routing: pod addresses travel unencapsulated and the DC edge routes them",
        ),
        (
            "autoDirectNodeRoutes",
            json!(false),
            "a route per node on the segment: the BGP control plane installs none of what it learns",
        ),
        (
            "bgpControlPlane.enabled",
            json!(false),
            "the DC edge learns each node's PodCIDR over BGP",
        ),
        (
            "ipv4NativeRoutingCIDR",
            Value::Null,
            "pods keep their own addresses toward this range",
        ),
        (
            "ipv6NativeRoutingCIDR",
            Value::Null,
            "pods keep their own addresses toward this range",
        ),
        (
            "affinity",
            Value::Null,
            "Terway serves the ECS nodes; the agent stays on the DC nodes",
        ),
    ];
    let object = "Helm release cilium (kube-system)";
    defaults
        .into_iter()
        .filter_map(|(path, default, why)| {
            let planned = path.split('.').try_fold(values, |v, k| v.get(k))?;
            (planned != &default).then(|| {
                let text = |v: &Value| match v {
                    Value::Null => None,
                    Value::String(s) => Some(s.clone()),
                    Value::Object(_) => Some(format!("{} NotIn [true]", facts::ECS_NODE_LABEL)),
                    other => Some(other.to_string()),
                };
                Change::field(object, path, text(&default), text(planned), &known, why)
            })
        })
        .collect()
}

/// The BGP control plane's API of the release that runs: `cilium.io/v2` from 1.18,
/// `v2alpha1` before (PeeringPolicy, the older API, is removed in 1.19).
fn bgp_api(ctx: &Context) -> &'static str {
    if ctx.installed.at_least(versions::CILIUM_BGP_V2) {
        "cilium.io/v2"
    } else {
        "cilium.io/v2alpha1"
    }
}

/// Every DC node peers with the DC edge routers and advertises its PodCIDR.
fn bgp(ctx: &Context) -> File {
    let op = &ctx.spec.on_prem;
    let name = ctx.name();
    // The cluster's own CiliumBGPClusterConfig, where it has one, is changed by name: a
    // second one selecting the same nodes would conflict with it.
    let existing = op
        .edge_routers
        .iter()
        .find_map(|e| op.existing_peer(e.ip))
        .map(|p| p.name.clone());
    let cluster_config = existing.clone().unwrap_or_else(|| format!("{name}-dc"));
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
    let aggregates = ctx.installed.at_least(versions::CILIUM_BGP_V2);
    if aggregates {
        for (family, key) in [
            (Family::V4, "aggregationLengthIPv4"),
            (Family::V6, "aggregationLengthIPv6"),
        ] {
            if let Some(range) = Context::of(&op.service_cidrs, family).first() {
                service[key] = json!(range.prefix_len());
            }
        }
    }
    let mut about = vec![
        "BGP control plane: every DC node peers with the DC edge routers and advertises its PodCIDR and the service range.".to_owned(),
    ];
    if !aggregates {
        about.push(format!(
            "Cilium {} cannot aggregate service routes (aggregationLength arrived in 1.18): the DC edge learns each service's /32 from every node.",
            ctx.installed.version
        ));
    }
    let about: Vec<&str> = about.iter().map(String::as_str).collect();
    let mut file = File::new("cilium", "cilium-bgp.yaml", Apply::Kubectl, &about);
    let api = bgp_api(ctx);
    for (kind, name) in [
        ("CiliumBGPClusterConfig", cluster_config.clone()),
        ("CiliumBGPPeerConfig", peer_config.clone()),
        ("CiliumBGPAdvertisement", advert.clone()),
    ] {
        let why = "the BGP control plane's sessions to the DC edge and what they advertise";
        file.changes
            .push(if existing.as_deref() == Some(name.as_str()) {
                Change::field(
                    format!("{kind} {name}"),
                    "spec",
                    Some("the cluster's peering with the DC edge".into()),
                    Some(format!("{api}, peer config {peer_config}")),
                    "/onPrem/cni/existingPeers",
                    format!("{why}; kubectl apply replaces its spec"),
                )
            } else {
                Change::created(format!("{kind} {name}"), api.to_owned(), why)
            });
    }
    file.docs.push(ctx.resource(
        api,
        "CiliumBGPClusterConfig",
        &cluster_config,
        &[],
        json!({
            "nodeSelector": {
                "matchExpressions": [{ "key": facts::ECS_NODE_LABEL, "operator": "NotIn", "values": ["true"] }],
            },
            "bgpInstances": [{ "name": "dc", "localASN": op.as_number, "peers": peers }],
        }),
    ));
    file.docs.push(ctx.resource(
        api,
        "CiliumBGPPeerConfig",
        &peer_config,
        &[],
        json!({
            "families": families,
            "gracefulRestart": { "enabled": true, "restartTimeSeconds": facts::CILIUM_BGP_RESTART_SECONDS },
        }),
    ));
    file.docs.push(ctx.resource(
        api,
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
