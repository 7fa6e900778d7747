//! Decoding: the tree of a spec's text (JSON or YAML, read by `tree`) into the typed
//! spec of this module, with every key checked against the list of keys its object may
//! have, defaults applied, and each problem a diagnostic with its pointer.

use super::decode::{self, Decoder, Fields};
use super::tree::Tree;
use super::*;

/// Sanity bounds on counts a spec may give: far above any real cluster, low enough that
/// all arithmetic on them stays small.
pub(crate) const MAX_PODS_PER_NODE: i128 = 1_000_000;
/// Sanity bound on `enisPerNode`.
pub(crate) const MAX_ENIS_PER_NODE: i128 = 1_000;
/// Sanity bound on `ipsPerEni`.
pub(crate) const MAX_IPS_PER_ENI: i128 = 1_000;
/// Sanity bound on `routeReflectors`.
pub(crate) const MAX_ROUTE_REFLECTORS: i128 = 1_000;

const EDGE_ROUTER_KEYS: &[&str] = &["ip", "ipv6", "asNumber"];
const ZONE_KEYS: &[&str] = &["zone", "nodeVSwitches", "podVSwitches"];
const VSWITCH_KEYS: &[&str] = &["id", "cidr", "ipv6Cidr"];
const TERWAY_KEYS: &[&str] = &["mode", "enisPerNode", "ipsPerEni"];
const INTERCONNECT_KEYS: &[&str] = &["vbr", "vbrs", "redundancy", "cen"];
const CEN_KEYS: &[&str] = &["id"];
const CLOUD_SERVICES_KEYS: &[&str] = &[
    "containerRegistry",
    "prometheus",
    "oss",
    "extraCidr",
    "extraCidrs",
];

const TOP_KEYS: &[&str] = &[
    "name",
    "ipFamily",
    "performance",
    "mode",
    "onPrem",
    "cloud",
    "interconnect",
    "cloudServices",
];

pub(super) fn decode_cluster(d: &mut Decoder, tree: &Tree) -> Option<HybridCluster> {
    if *tree == Tree::Null {
        d.invalid("", "the spec is empty");
        return None;
    }
    let f = d.object(tree, "", TOP_KEYS)?;
    let name = d.optional(&f, "name", Some("hybrid".to_owned()), |d, t, p| {
        Some(decode_name(d, t, p))
    });
    let ip_family = d.optional(&f, "ipFamily", IpFamily::Ipv4, |d, t, p| {
        d.word(t, p, &[("ipv4", IpFamily::Ipv4), ("dual", IpFamily::Dual)])
    });
    let performance = d.optional(&f, "performance", Performance::Standard, |d, t, p| {
        d.word(
            t,
            p,
            &[
                ("standard", Performance::Standard),
                ("high", Performance::High),
            ],
        )
    });
    let mut modes: Vec<(&str, RequestedMode)> = vec![("auto", RequestedMode::Auto)];
    modes.extend(
        NetworkMode::ALL
            .iter()
            .map(|m| (m.as_str(), RequestedMode::Forced(*m))),
    );
    let mode = d.optional(&f, "mode", RequestedMode::Auto, |d, t, p| {
        d.word(t, p, &modes)
    });
    let on_prem = d.required(&f, "onPrem", decode_on_prem);
    let cloud = d.required(&f, "cloud", decode_cloud);
    let interconnect = d.required(&f, "interconnect", decode_interconnect);
    let cloud_services = match f.get("cloudServices") {
        Some((t, p)) => decode_cloud_services(d, t, &p),
        None => Some(CloudServices {
            container_registry: true,
            prometheus: true,
            oss: true,
            extra_cidrs: Vec::new(),
        }),
    };
    Some(HybridCluster {
        name: name?,
        ip_family,
        performance,
        mode,
        on_prem: on_prem?,
        cloud: cloud?,
        interconnect: interconnect?,
        cloud_services: cloud_services?,
        read_diagnostics: Vec::new(),
        given: Vec::new(),
    })
}

/// `name` goes into Kubernetes object names: it must be a DNS-1123 label.
fn decode_name(d: &mut Decoder, tree: &Tree, path: &str) -> Option<String> {
    let name = d.string(tree, path)?;
    if decode::is_dns_label(&name) {
        return Some(name);
    }
    let mut suggestion: String = name
        .chars()
        .map(|c| c.to_ascii_lowercase())
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .take(63)
        .collect();
    suggestion = suggestion.trim_matches('-').to_owned();
    let mut diag = Diagnostic::new(
        Code::KubernetesNameInvalid,
        path,
        format!(
            "name {} is not a DNS label (lowercase letters, digits and '-', at most 63 characters); it is used in Kubernetes object names",
            quoted(&name)
        ),
    );
    if !suggestion.is_empty() {
        diag = diag.hint(format!("for example `{suggestion}`"));
    }
    d.push_read_anyway(diag);
    Some(escaped(&name))
}

fn specs(items: Vec<(Cidr, String)>) -> Vec<SpecCidr> {
    items
        .into_iter()
        .map(|(cidr, path)| SpecCidr { cidr, path })
        .collect()
}

const ON_PREM_KEYS: &[&str] = &[
    "nodeCidrs",
    "nodeCidr",
    "podCidr",
    "podCidrs",
    "serviceCidr",
    "serviceCidrs",
    "nodes",
    "maxNodes",
    "maxPodsPerNode",
    "asNumber",
    "calicoBlockSize",
    "calicoBlockSizeV6",
    "routeReflectors",
    "routeReflectorNodes",
    "nodeCidrMaskSize",
    "nodeCidrMaskSizeV6",
    "edgeRouters",
    "cni",
];

fn decode_on_prem(d: &mut Decoder, tree: &Tree, path: &str) -> Option<OnPrem> {
    let f = d.object(tree, path, ON_PREM_KEYS)?;
    let node_cidrs = specs(d.one_or_many(&f, "nodeCidr", "nodeCidrs", true, Decoder::cidr));
    let pod_cidrs = specs(d.one_or_many(&f, "podCidr", "podCidrs", true, Decoder::cidr));
    let service_cidrs =
        specs(d.one_or_many(&f, "serviceCidr", "serviceCidrs", true, Decoder::cidr));
    let nodes = d.required(&f, "nodes", Decoder::count);
    let max_nodes = d.optional(&f, "maxNodes", None, |d, t, p| Some(d.count(t, p)));
    let max_pods_per_node = d.optional(
        &f,
        "maxPodsPerNode",
        facts::K8S_DEFAULT_MAX_PODS_PER_NODE,
        |d, t, p| d.integer(t, p, 1, MAX_PODS_PER_NODE).map(|i| i as u32),
    );
    let as_number = d.optional(&f, "asNumber", facts::CALICO_DEFAULT_ASN, Decoder::asn);
    let block = |d: &mut Decoder, t: &Tree, p: &str| d.integer(t, p, 0, 128).map(|i| i as u8);
    let calico_block_size = d.optional(
        &f,
        "calicoBlockSize",
        facts::CALICO_BLOCK_SIZE_V4_DEFAULT,
        block,
    );
    let calico_block_size_v6 = d.optional(
        &f,
        "calicoBlockSizeV6",
        facts::CALICO_BLOCK_SIZE_V6_DEFAULT,
        block,
    );
    let route_reflectors = d.optional(&f, "routeReflectors", None, |d, t, p| {
        Some(d.integer(t, p, 0, MAX_ROUTE_REFLECTORS).map(|i| i as u32))
    });
    let route_reflector_nodes = d.optional(&f, "routeReflectorNodes", Vec::new(), |d, t, p| {
        d.list(t, p, decode_node_name)
    });
    let mask = |family: Family| {
        move |d: &mut Decoder, t: &Tree, p: &str| {
            d.integer(t, p, 1, i128::from(family.width()))
                .map(|i| i as u8)
        }
    };
    let node_cidr_mask_size = d.optional(
        &f,
        "nodeCidrMaskSize",
        facts::KCM_NODE_CIDR_MASK_V4_DEFAULT,
        mask(Family::V4),
    );
    let node_cidr_mask_size_v6 = d.optional(
        &f,
        "nodeCidrMaskSizeV6",
        facts::KCM_NODE_CIDR_MASK_V6_DEFAULT,
        mask(Family::V6),
    );
    let cni = f.get("cni").and_then(|(t, p)| {
        d.given.push(p.clone());
        cni::decode_cni(d, t, &p)
    });
    // A pool's block size cannot change in place: unless the spec asks for another one,
    // the DC keeps the block size of the pool that serves its pod range today.
    let mut calico_block_size = calico_block_size;
    let mut calico_block_size_v6 = calico_block_size_v6;
    if let Some(cni) = &cni {
        for (family, size, key) in [
            (Family::V4, &mut calico_block_size, "calicoBlockSize"),
            (Family::V6, &mut calico_block_size_v6, "calicoBlockSizeV6"),
        ] {
            let serving = cni.existing_pools.iter().find(|p| {
                !p.disabled
                    && p.cidr.family() == family
                    && pod_cidrs.iter().any(|c| c.cidr == p.cidr)
            });
            if let (None, Some(pool)) = (f.get(key), serving) {
                *size = pool.block_size;
            }
        }
    }
    let edge_routers = d.required(&f, "edgeRouters", |d, t, p| {
        let list = d.list(t, p, decode_edge_router)?;
        if list.is_empty() {
            d.invalid(p, "at least one edge router is needed to reach the VBR");
        }
        Some(list)
    });
    let nodes = nodes?;
    Some(OnPrem {
        node_cidrs,
        pod_cidrs,
        service_cidrs,
        nodes,
        max_nodes: max_nodes.unwrap_or(nodes),
        max_pods_per_node,
        as_number,
        calico_block_size,
        calico_block_size_v6,
        route_reflectors,
        route_reflector_nodes,
        node_cidr_mask_size,
        node_cidr_mask_size_v6,
        edge_routers: edge_routers?,
        cni,
    })
}

/// A Kubernetes node name: a DNS subdomain (RFC 1123), as the API server requires.
fn decode_node_name(d: &mut Decoder, tree: &Tree, path: &str) -> Option<String> {
    let name = d.string(tree, path)?;
    if name.len() <= 253 && name.split('.').all(decode::is_dns_label) {
        return Some(name);
    }
    d.push_read_anyway(Diagnostic::new(
        Code::KubernetesNameInvalid,
        path,
        format!(
            "{} is not a Kubernetes node name (lowercase letters, digits, '-' and '.', at most 253 characters)",
            quoted(&name)
        ),
    ));
    Some(escaped(&name))
}

fn decode_edge_router(d: &mut Decoder, tree: &Tree, path: &str) -> Option<EdgeRouter> {
    let f = d.object(tree, path, EDGE_ROUTER_KEYS)?;
    let ip = d.required(&f, "ip", Decoder::addr);
    let ipv6 = d.optional(&f, "ipv6", None, |d, t, p| {
        let addr = d.addr(t, p)?;
        if addr.is_ipv4() {
            d.invalid(
                p,
                format!("{addr} is IPv4; `ipv6` takes the router's IPv6 address"),
            );
            return None;
        }
        Some(Some(addr))
    });
    let as_number = d.required(&f, "asNumber", Decoder::asn);
    Some(EdgeRouter {
        ip: ip?,
        ipv6,
        as_number: as_number?,
    })
}

const CLOUD_KEYS: &[&str] = &[
    "region",
    "vpcCidr",
    "vpcCidrs",
    "zones",
    "nodes",
    "maxNodes",
    "maxPodsPerNode",
    "securityGroups",
    "cni",
    "terway",
    "nodePools",
    "transitRouterVSwitches",
];

fn decode_cloud(d: &mut Decoder, tree: &Tree, path: &str) -> Option<Cloud> {
    let f = d.object(tree, path, CLOUD_KEYS)?;
    let region = d.required(&f, "region", Decoder::cloud_name);
    let vpc_cidrs = specs(d.one_or_many(&f, "vpcCidr", "vpcCidrs", true, Decoder::cidr));
    let zones = d.required(&f, "zones", |d, t, p| {
        let zones = d.list(t, p, decode_zone)?;
        if zones.is_empty() {
            d.invalid(p, "at least one zone is needed");
        }
        Some(zones)
    });
    let nodes = d.required(&f, "nodes", Decoder::count);
    let max_nodes = d.optional(&f, "maxNodes", None, |d, t, p| Some(d.count(t, p)));
    let max_pods_per_node = d.optional(&f, "maxPodsPerNode", None, |d, t, p| {
        Some(d.integer(t, p, 1, MAX_PODS_PER_NODE).map(|i| i as u32))
    });
    let security_groups = d.required(&f, "securityGroups", |d, t, p| {
        d.list(t, p, |d, t, p| d.cloud_id(t, p, "sg"))
    });
    let cni = d.optional(&f, "cni", CloudCniChoice::Auto, |d, t, p| {
        d.word(
            t,
            p,
            &[
                ("auto", CloudCniChoice::Auto),
                ("terway", CloudCniChoice::Terway),
            ],
        )
    });
    let terway = match f.get("terway") {
        Some((t, p)) => {
            d.given.push(p.clone());
            decode_terway(d, t, &p)
        }
        None => Some(Terway {
            mode: TerwayMode::SharedEni,
            enis_per_node: facts::TERWAY_DEFAULT_ENIS_PER_NODE,
            ips_per_eni: facts::TERWAY_DEFAULT_IPS_PER_ENI,
        }),
    };
    let node_pools = d.optional(&f, "nodePools", Vec::new(), |d, t, p| {
        d.list(t, p, decode_node_pool)
    });
    let transit_router_vswitches =
        d.optional(&f, "transitRouterVSwitches", Vec::new(), |d, t, p| {
            d.list(t, p, decode_transit_router_vswitch)
        });
    let nodes = nodes?;
    let zones = zones?;
    check_transit_router_vswitches(d, &zones, &transit_router_vswitches);
    Some(Cloud {
        region: region?,
        vpc_cidrs,
        zones,
        nodes,
        max_nodes: max_nodes.unwrap_or(nodes),
        max_pods_per_node,
        security_groups: security_groups?,
        cni,
        terway: terway?,
        node_pools,
        transit_router_vswitches,
    })
}

const TRANSIT_ROUTER_VSWITCH_KEYS: &[&str] = &["zone", "id", "cidr"];

fn decode_transit_router_vswitch(
    d: &mut Decoder,
    tree: &Tree,
    path: &str,
) -> Option<TransitRouterVSwitch> {
    let f = d.object(tree, path, TRANSIT_ROUTER_VSWITCH_KEYS)?;
    let zone = d.required(&f, "zone", Decoder::cloud_name);
    let id = d.required(&f, "id", |d, t, p| d.cloud_id(t, p, "vsw"));
    let cidr = d.optional(&f, "cidr", None, |d, t, p| Some(d.cidr(t, p)));
    Some(TransitRouterVSwitch {
        zone: zone?,
        id: id?,
        cidr,
    })
}

/// Each zone once (the connection takes one vSwitch per zone), and a range for each
/// vSwitch the zones do not already give.
fn check_transit_router_vswitches(d: &mut Decoder, zones: &[Zone], list: &[TransitRouterVSwitch]) {
    for (i, v) in list.iter().enumerate() {
        let path = format!("/cloud/transitRouterVSwitches/{i}");
        if list[..i].iter().any(|w| w.zone == v.zone) {
            d.invalid(
                &format!("{path}/zone"),
                format!(
                    "zone {} is named twice: the transit router takes one vSwitch per zone",
                    v.zone
                ),
            );
        }
        let named = zones.iter().find_map(|z| {
            z.node_vswitches
                .iter()
                .chain(&z.pod_vswitches)
                .find(|w| w.id == v.id)
                .map(|w| (z, w))
        });
        match (named, v.cidr) {
            (None, None) => d.invalid(
                &path,
                format!(
                    "missing `cidr`: vSwitch {} is in no zone's nodeVSwitches or podVSwitches, so its range must be given",
                    v.id
                ),
            ),
            (Some((z, w)), cidr) => {
                if z.zone != v.zone {
                    d.invalid(
                        &format!("{path}/zone"),
                        format!("vSwitch {} is in zone {}, not {}", v.id, z.zone, v.zone),
                    );
                }
                if cidr.is_some_and(|c| c != w.cidr) {
                    d.invalid(
                        &format!("{path}/cidr"),
                        format!("vSwitch {} has range {} in `zones`", v.id, w.cidr),
                    );
                }
            }
            (None, Some(_)) => {}
        }
    }
}

const NODE_POOL_KEYS: &[&str] = &["name", "securityGroups", "podVSwitches"];

fn decode_node_pool(d: &mut Decoder, tree: &Tree, path: &str) -> Option<NodePool> {
    let f = d.object(tree, path, NODE_POOL_KEYS)?;
    let name = d.required(&f, "name", decode_node_name);
    let security_groups = d.optional(&f, "securityGroups", None, |d, t, p| {
        Some(d.list(t, p, |d, t, p| d.cloud_id(t, p, "sg")))
    });
    let pod_vswitch_ids = d.optional(&f, "podVSwitches", None, |d, t, p| {
        Some(d.list(t, p, |d, t, p| d.cloud_id(t, p, "vsw")))
    });
    Some(NodePool {
        name: name?,
        security_groups,
        pod_vswitch_ids,
    })
}

fn decode_zone(d: &mut Decoder, tree: &Tree, path: &str) -> Option<Zone> {
    let f = d.object(tree, path, ZONE_KEYS)?;
    let zone = d.required(&f, "zone", Decoder::cloud_name);
    let node_vswitches = d.required(&f, "nodeVSwitches", |d, t, p| d.list(t, p, decode_vswitch));
    // Pod vSwitches are Terway's: an overlay that spans both sides needs none.
    let pod_vswitches = d.optional(&f, "podVSwitches", Vec::new(), |d, t, p| {
        d.list(t, p, decode_vswitch)
    });
    Some(Zone {
        zone: zone?,
        node_vswitches: node_vswitches?,
        pod_vswitches,
    })
}

fn decode_vswitch(d: &mut Decoder, tree: &Tree, path: &str) -> Option<VSwitch> {
    let f = d.object(tree, path, VSWITCH_KEYS)?;
    let id = d.required(&f, "id", |d, t, p| d.cloud_id(t, p, "vsw"));
    let cidr = d.required(&f, "cidr", Decoder::cidr);
    let ipv6_cidr = d.optional(&f, "ipv6Cidr", None, |d, t, p| Some(d.cidr(t, p)));
    Some(VSwitch {
        id: id?,
        cidr: cidr?,
        ipv6_cidr,
    })
}

fn decode_terway(d: &mut Decoder, tree: &Tree, path: &str) -> Option<Terway> {
    let f = d.object(tree, path, TERWAY_KEYS)?;
    let mode = d.optional(&f, "mode", TerwayMode::SharedEni, |d, t, p| {
        d.word(
            t,
            p,
            &[
                ("shared-eni", TerwayMode::SharedEni),
                ("exclusive-eni", TerwayMode::ExclusiveEni),
            ],
        )
    });
    let count = |max: i128| {
        move |d: &mut Decoder, t: &Tree, p: &str| d.integer(t, p, 1, max).map(|i| i as u32)
    };
    let enis_per_node = d.optional(
        &f,
        "enisPerNode",
        facts::TERWAY_DEFAULT_ENIS_PER_NODE,
        count(MAX_ENIS_PER_NODE),
    );
    let ips_per_eni = d.optional(
        &f,
        "ipsPerEni",
        facts::TERWAY_DEFAULT_IPS_PER_ENI,
        count(MAX_IPS_PER_ENI),
    );
    Some(Terway {
        mode,
        enis_per_node,
        ips_per_eni,
    })
}

fn decode_interconnect(d: &mut Decoder, tree: &Tree, path: &str) -> Option<Interconnect> {
    let f = d.object(tree, path, INTERCONNECT_KEYS)?;
    let vbrs: Vec<Vbr> = d
        .one_or_many(&f, "vbr", "vbrs", true, decode_vbr)
        .into_iter()
        .map(|(vbr, _)| vbr)
        .collect();
    let redundancy = d.optional(&f, "redundancy", Redundancy::ActiveActive, |d, t, p| {
        d.word(
            t,
            p,
            &[
                ("active-active", Redundancy::ActiveActive),
                ("active-standby", Redundancy::ActiveStandby),
            ],
        )
    });
    let cen_id = d.required(&f, "cen", |d, t, p| {
        let f = d.object(t, p, CEN_KEYS)?;
        d.required(&f, "id", |d, t, p| d.cloud_id(t, p, "cen"))
    });
    if vbrs.is_empty() {
        return None;
    }
    Some(Interconnect {
        vbrs,
        redundancy,
        cen_id: cen_id?,
    })
}

const VBR_KEYS: &[&str] = &[
    "id",
    "vlanId",
    "localGatewayIp",
    "peerGatewayIp",
    "peeringSubnet",
    "localGatewayIpv6",
    "peerGatewayIpv6",
    "peeringSubnetIpv6",
    "asNumber",
    "edgeRouter",
    "bfd",
];

fn decode_vbr(d: &mut Decoder, tree: &Tree, path: &str) -> Option<Vbr> {
    let f = d.object(tree, path, VBR_KEYS)?;
    let id = d.required(&f, "id", |d, t, p| d.cloud_id(t, p, "vbr"));
    let vlan_id = d.required(&f, "vlanId", |d, t, p| {
        d.integer(t, p, i64::MIN.into(), i64::MAX.into())
            .map(|i| i as i64)
    });
    let local = d.required(&f, "localGatewayIp", Decoder::addr);
    let peer = d.required(&f, "peerGatewayIp", Decoder::addr);
    let subnet = d.required(&f, "peeringSubnet", Decoder::cidr);
    let ipv6 = decode_vbr_ipv6(d, &f);
    let as_number = d.optional(&f, "asNumber", facts::VBR_DEFAULT_ASN, Decoder::asn);
    let edge_router = d.optional(&f, "edgeRouter", None, |d, t, p| d.addr(t, p).map(Some));
    let bfd = d.optional(&f, "bfd", true, Decoder::boolean);
    Some(Vbr {
        id: id?,
        path: path.to_owned(),
        edge_router,
        bfd,
        vlan_id: vlan_id?,
        local_gateway_ip: local?,
        peer_gateway_ip: peer?,
        peering_subnet: subnet?,
        ipv6: ipv6?,
        as_number,
    })
}

/// The three IPv6 peering fields come together or not at all.
fn decode_vbr_ipv6(d: &mut Decoder, f: &Fields) -> Option<Option<VbrIpv6>> {
    const KEYS: [&str; 3] = ["localGatewayIpv6", "peerGatewayIpv6", "peeringSubnetIpv6"];
    if KEYS.iter().all(|k| f.get(k).is_none()) {
        return Some(None);
    }
    let local = d.required(f, KEYS[0], Decoder::addr);
    let peer = d.required(f, KEYS[1], Decoder::addr);
    let subnet = d.required(f, KEYS[2], Decoder::cidr);
    Some(Some(VbrIpv6 {
        local_gateway_ip: local?,
        peer_gateway_ip: peer?,
        peering_subnet: subnet?,
    }))
}

fn decode_cloud_services(d: &mut Decoder, tree: &Tree, path: &str) -> Option<CloudServices> {
    let f = d.object(tree, path, CLOUD_SERVICES_KEYS)?;
    let flag = |d: &mut Decoder, key: &str| d.optional(&f, key, true, Decoder::boolean);
    let container_registry = flag(d, "containerRegistry");
    let prometheus = flag(d, "prometheus");
    let oss = flag(d, "oss");
    let extra_cidrs = specs(d.one_or_many(&f, "extraCidr", "extraCidrs", false, Decoder::cidr));
    Some(CloudServices {
        container_registry,
        prometheus,
        oss,
        extra_cidrs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every spec the tests have: the reference, the reference with the sections it leaves
    /// to their defaults, and each conformance vector's.
    fn every_spec_text() -> Vec<(String, String)> {
        let fuller = crate::REFERENCE_SPEC.replace(
            "  edgeRouters:\n",
            "  cni:\n    plugin: calico\n    existingPeers:\n      - { name: edge, peerIP: 192.168.0.1, asNumber: 65001 }\n  edgeRouters:\n",
        ) + "cloudServices:\n  containerRegistry: false\n  prometheus: false\n  oss: false\n  extraCidrs: [100.100.0.0/24]\n";
        let mut out = vec![
            ("reference".to_owned(), crate::REFERENCE_SPEC.to_owned()),
            ("reference, fuller".to_owned(), fuller),
        ];
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors");
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|x| x != "json") {
                continue;
            }
            let v: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            let name = path.display().to_string();
            for spec in [&v["spec"], &v["base"]] {
                match spec {
                    serde_json::Value::String(text) => out.push((name.clone(), text.clone())),
                    serde_json::Value::Object(_) => out.push((name.clone(), spec.to_string())),
                    _ => {}
                }
            }
        }
        out
    }

    /// A key listed as known but never read would be accepted and silently ignored: every
    /// key of every list is looked up when some spec of the tests is read.
    #[test]
    fn every_known_key_is_read() {
        let lists: [(&str, &[&str]); 16] = [
            ("TOP_KEYS", TOP_KEYS),
            ("ON_PREM_KEYS", ON_PREM_KEYS),
            ("EDGE_ROUTER_KEYS", EDGE_ROUTER_KEYS),
            ("CLOUD_KEYS", CLOUD_KEYS),
            ("TRANSIT_ROUTER_VSWITCH_KEYS", TRANSIT_ROUTER_VSWITCH_KEYS),
            ("NODE_POOL_KEYS", NODE_POOL_KEYS),
            ("ZONE_KEYS", ZONE_KEYS),
            ("VSWITCH_KEYS", VSWITCH_KEYS),
            ("TERWAY_KEYS", TERWAY_KEYS),
            ("INTERCONNECT_KEYS", INTERCONNECT_KEYS),
            ("CEN_KEYS", CEN_KEYS),
            ("VBR_KEYS", VBR_KEYS),
            ("CLOUD_SERVICES_KEYS", CLOUD_SERVICES_KEYS),
            ("CNI_KEYS", cni::CNI_KEYS),
            ("PEER_KEYS", cni::PEER_KEYS),
            ("POOL_KEYS", cni::POOL_KEYS),
        ];
        decode::LOOKED_UP.with(|l| l.borrow_mut().clear());
        let mut read = 0;
        for (name, text) in every_spec_text() {
            let spec = HybridCluster::from_text(&text);
            if name.starts_with("reference") {
                let spec = spec.unwrap_or_else(|e| panic!("{name}: {e}"));
                let unused: Vec<_> = crate::validate(&spec)
                    .into_iter()
                    .filter(|d| matches!(d.code(), Code::FieldUnused | Code::SpecInvalid))
                    .collect();
                assert!(unused.is_empty(), "{name}: {unused:?}");
                read += 1;
            } else {
                read += usize::from(spec.is_ok());
            }
        }
        assert!(read > 40, "only {read} specs read");
        let looked_up = decode::LOOKED_UP.with(|l| l.borrow().clone());
        let mut unread = Vec::new();
        for (name, list) in lists {
            let joined = list.join("|");
            for key in list {
                if !looked_up.contains(&(joined.clone(), (*key).to_owned())) {
                    unread.push(format!("{name}: {key}"));
                }
            }
        }
        assert!(unread.is_empty(), "known keys never read: {unread:?}");
        // Every list the decoder used is one of those above.
        let used: std::collections::BTreeSet<&String> = looked_up.iter().map(|(l, _)| l).collect();
        for list in used {
            assert!(
                lists.iter().any(|(_, l)| l.join("|") == *list),
                "a key list missing from this test: {list}"
            );
        }
    }

    #[test]
    fn role_names_match_their_serialised_form() {
        for role in [
            Role::DcNodes,
            Role::DcPods,
            Role::Services,
            Role::Vpc,
            Role::NodeVSwitch,
            Role::PodVSwitch,
            Role::VbrPeering,
            Role::CloudServiceExtra,
        ] {
            assert_eq!(serde_json::to_value(role).unwrap(), role.as_str());
        }
        for mode in [TerwayMode::SharedEni, TerwayMode::ExclusiveEni] {
            assert_eq!(serde_json::to_value(mode).unwrap(), mode.as_str());
        }
        for mode in NetworkMode::ALL {
            assert_eq!(serde_json::to_value(mode).unwrap(), mode.as_str());
        }
    }
}
