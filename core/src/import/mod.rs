//! `import`: the spec's `onPrem` from the cluster that exists. It reads what `kubectl get
//! … -o json` shows (Nodes, DaemonSets, Deployments, ConfigMaps, Calico's IP pools, BGP
//! configuration and peers, tigera-operator's Installation, Cilium's BGP cluster config)
//! and writes each value with a comment that names the object it came from; what it cannot
//! find stays out, with a note that says what to fill in.

mod doc;
mod kubeadm;

use crate::cidr::{Cidr, Family, summarize};
use crate::error::SpecError;
use crate::facts;
use crate::live::cni::{self, LiveCni};
use crate::live::{Cluster, LiveError, Object};
use crate::mode::Cni;
use crate::spec::tree::{self, Format};
use crate::spec::{EncapMode, ExistingPool};
use doc::{Comments, Doc};
use serde::{Deserialize, Serialize};
use std::net::IpAddr;

/// The spec read from the cluster.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Imported {
    /// The spec: `onPrem` as found (merged into the base spec when one is given).
    #[cfg_attr(feature = "typescript", ts(type = "{ [key in string]?: unknown }"))]
    pub spec: serde_json::Value,
    /// The same spec as YAML, each value under a comment naming where it came from.
    pub yaml: String,
    /// Where each value came from.
    pub found: Vec<Found>,
    /// What the cluster did not show, and what to fill in.
    pub missing: Vec<Missing>,
}

/// Where one value of the imported spec came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Found {
    /// JSON Pointer of the value in the spec.
    pub path: String,
    /// The object (and field) it was read from.
    pub from: String,
}

/// A value the spec needs that the cluster did not show.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Missing {
    /// JSON Pointer of the value the spec needs.
    pub path: String,
    /// What to fill in, and where to find it.
    pub what: String,
}

/// Why there is nothing to import.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ImportError {
    /// The cluster's objects do not read.
    Live(LiveError),
    /// The base spec does not read.
    Base(SpecError),
}

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ImportError::Live(e) => e.fmt(f),
            ImportError::Base(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for ImportError {}

impl ImportError {
    /// Every problem, as diagnostics.
    pub fn diagnostics(&self) -> Vec<crate::Diagnostic> {
        match self {
            ImportError::Live(e) => vec![e.0.clone()],
            ImportError::Base(e) => e.diagnostics().to_vec(),
        }
    }
}

/// The spec of the cluster whose objects `live` holds; `base` (a spec, JSON or YAML) gives
/// everything else (`cloud`, `interconnect`), its `onPrem` values overridden by what the
/// cluster shows.
pub fn import(live: &str, base: Option<&str>) -> Result<Imported, ImportError> {
    let cluster = Cluster::from_json(live).map_err(ImportError::Live)?;
    let mut spec = match base {
        Some(text) => {
            let tree = tree::read(text, Format::detect(text)).map_err(ImportError::Base)?;
            Doc::from_tree(&tree)
        }
        None => Doc::map(),
    };
    let mut gather = Gather::new(&cluster);
    gather.all();
    let Gather {
        on_prem,
        mut comments,
        found,
        missing,
        mut header,
        ..
    } = gather;
    match spec.get_mut("onPrem") {
        Some(existing @ Doc::Map(_)) => {
            let Doc::Map(entries) = on_prem else {
                unreachable!("onPrem is built as a map")
            };
            for (key, value) in entries {
                for alias in aliases(&key) {
                    existing.remove(alias);
                }
                existing.set(&key, value);
            }
        }
        _ => spec.set("onPrem", on_prem),
    }
    if base.is_none() {
        header.push("Add cloud and interconnect (or import with a base spec that has them) before planning.".into());
    }
    // What the base spec gives is not missing.
    let json = spec.to_json();
    let missing: Vec<Missing> = missing
        .into_iter()
        .filter(|m| json.pointer(&m.path).is_none() && !given_as_alias(&json, &m.path))
        .collect();
    for m in &missing {
        header.push(format!("Fill in {}: {}", m.path, m.what));
    }
    comments.retain(|_, lines| !lines.is_empty());
    let yaml = doc::to_yaml(&spec, &header, &comments);
    Ok(Imported {
        spec: json,
        yaml,
        found,
        missing,
    })
}

/// Whether the spec gives the value at `path` under its other spelling.
fn given_as_alias(spec: &serde_json::Value, path: &str) -> bool {
    let Some((parent, key)) = path.rsplit_once('/') else {
        return false;
    };
    aliases(key)
        .into_iter()
        .any(|a| spec.pointer(&format!("{parent}/{a}")).is_some())
}

/// The other spellings of a key (`podCidr` beside `podCidrs`): one replaces the other.
fn aliases(key: &str) -> Vec<&'static str> {
    const PAIRS: [(&str, &str); 3] = [
        ("nodeCidr", "nodeCidrs"),
        ("podCidr", "podCidrs"),
        ("serviceCidr", "serviceCidrs"),
    ];
    PAIRS
        .iter()
        .filter(|(a, b)| *a == key || *b == key)
        .flat_map(|(a, b)| [*a, *b])
        .collect()
}

struct Gather<'c> {
    cluster: &'c Cluster,
    cni: Option<LiveCni<'c>>,
    on_prem: Doc,
    comments: Comments,
    found: Vec<Found>,
    missing: Vec<Missing>,
    header: Vec<String>,
    /// The cluster's BGP peerings with edge routers: (object, peer address, AS).
    peers: Vec<(String, IpAddr, u64)>,
}

impl<'c> Gather<'c> {
    fn new(cluster: &'c Cluster) -> Self {
        Gather {
            cluster,
            cni: cni::detect(cluster),
            on_prem: Doc::map(),
            comments: Comments::new(),
            found: Vec::new(),
            missing: Vec::new(),
            header: vec![format!(
                "Imported by hybridplan from {} objects of the cluster.",
                cluster.objects.len()
            )],
            peers: Vec::new(),
        }
    }

    fn put(&mut self, key: &str, value: Doc, from: impl Into<String>) {
        let from = from.into();
        let path = format!("/onPrem/{key}");
        self.comments
            .entry(path.clone())
            .or_default()
            .push(format!("from {from}"));
        self.found.push(Found { path, from });
        self.on_prem.set(key, value);
    }

    fn lack(&mut self, key: &str, what: impl Into<String>) {
        self.missing.push(Missing {
            path: format!("/onPrem/{key}"),
            what: what.into(),
        });
    }

    fn all(&mut self) {
        let dc = self.nodes();
        self.pod_ranges();
        self.service_ranges();
        self.node_count(&dc);
        self.as_number();
        self.route_reflectors(&dc);
        self.node_masks(&dc);
        self.edge_routers();
        self.cni();
    }

    /// The DC nodes (not ECS nodes, not virtual kubelets); their address ranges.
    fn nodes(&mut self) -> Vec<&'c Object> {
        let all: Vec<&Object> = self.cluster.of_kind("Node").collect();
        let ecs = all
            .iter()
            .filter(|n| n.label(facts::ECS_NODE_LABEL) == Some("true"))
            .count();
        let (vk_key, vk_value) = facts::VIRTUAL_KUBELET_LABEL;
        let dc: Vec<&Object> = all
            .into_iter()
            .filter(|n| {
                n.label(facts::ECS_NODE_LABEL) != Some("true") && n.label(vk_key) != Some(vk_value)
            })
            .collect();
        if ecs > 0 {
            self.header.push(format!(
                "{ecs} ECS nodes ({}=true) are not counted in onPrem: they are cloud.nodes.",
                facts::ECS_NODE_LABEL
            ));
        }
        let mut ranges = Vec::new();
        for n in &dc {
            for a in n
                .get("/status/addresses")
                .and_then(|a| a.as_array())
                .into_iter()
                .flatten()
            {
                if a["type"] != "InternalIP" {
                    continue;
                }
                if let Some(ip) = a["address"].as_str().and_then(|s| s.parse::<IpAddr>().ok()) {
                    let len = match Family::of(ip) {
                        Family::V4 => 24,
                        Family::V6 => 64,
                    };
                    ranges.push(Cidr::truncate(
                        Family::of(ip),
                        crate::cidr::addr_bits(ip),
                        len,
                    ));
                }
            }
        }
        let ranges = summarize(&ranges);
        if ranges.is_empty() {
            self.lack(
                "nodeCidrs",
                "the DC node subnets (no DC Node object with an InternalIP was found)",
            );
        } else {
            self.put(
                "nodeCidrs",
                Doc::List(ranges.iter().map(|c| Doc::from(c.to_string())).collect()),
                format!(
                    "the InternalIP of {} DC Node objects, each rounded to its /24 (IPv6 /64): widen to the DC's real node subnets",
                    dc.len()
                ),
            );
        }
        dc
    }

    fn kubeadm(&self) -> Option<(kubeadm::Networking, &'c Object)> {
        let cm = self
            .cluster
            .find("ConfigMap", Some("kube-system"), "kubeadm-config")?;
        Some((kubeadm::read(cm.data("ClusterConfiguration")?)?, cm))
    }

    fn ranges_from(&mut self, single: &str, list: &str, ranges: Vec<Cidr>, from: String) {
        let value = match ranges.as_slice() {
            [one] => (single, Doc::from(one.to_string())),
            many => (
                list,
                Doc::List(many.iter().map(|c| Doc::from(c.to_string())).collect()),
            ),
        };
        self.put(value.0, value.1, from);
    }

    fn pod_ranges(&mut self) {
        let from_cni: Option<(Vec<Cidr>, String)> = match self.cni.as_ref().map(|c| c.plugin) {
            Some(Cni::Calico) => {
                let pools: Vec<(ExistingPool, String)> = self.pools();
                let enabled: Vec<Cidr> = pools
                    .iter()
                    .filter(|(p, _)| !p.disabled && p.node_selector.as_deref() != Some("!all()"))
                    .map(|(p, _)| p.cidr)
                    .collect();
                let names: Vec<&str> = pools
                    .iter()
                    .filter(|(p, _)| enabled.contains(&p.cidr))
                    .map(|(_, from)| from.as_str())
                    .collect();
                (!enabled.is_empty()).then(|| {
                    (
                        enabled,
                        format!("the enabled Calico pools ({})", names.join(", ")),
                    )
                })
            }
            Some(Cni::Cilium) => self.cilium_config().and_then(|cm| {
                let cidrs: Vec<Cidr> = ["cluster-pool-ipv4-cidr", "cluster-pool-ipv6-cidr"]
                    .iter()
                    .filter_map(|k| cm.data(k))
                    .flat_map(|v| v.split([' ', ',']))
                    .filter_map(|c| c.parse().ok())
                    .collect();
                (!cidrs.is_empty())
                    .then(|| (cidrs, format!("{} cluster-pool-ipv4-cidr", cm.display())))
            }),
            Some(Cni::Flannel) => self.flannel_net().and_then(|(net, cm)| {
                let cidrs: Vec<Cidr> = ["Network", "IPv6Network"]
                    .iter()
                    .filter_map(|k| net[*k].as_str())
                    .filter_map(|c| c.parse().ok())
                    .collect();
                (!cidrs.is_empty())
                    .then(|| (cidrs, format!("{} net-conf.json Network", cm.display())))
            }),
            _ => None,
        };
        let found = from_cni.or_else(|| {
            let (net, cm) = self.kubeadm()?;
            (!net.pod_subnets.is_empty()).then(|| {
                (
                    net.pod_subnets,
                    format!("{} networking.podSubnet", cm.display()),
                )
            })
        });
        match found {
            Some((cidrs, from)) => self.ranges_from("podCidr", "podCidrs", cidrs, from),
            None => self.lack(
                "podCidr",
                "the pod range (kube-controller-manager's --cluster-cidr)",
            ),
        }
    }

    fn service_ranges(&mut self) {
        if let Some((net, cm)) = self.kubeadm()
            && !net.service_subnets.is_empty()
        {
            let from = format!("{} networking.serviceSubnet", cm.display());
            self.ranges_from("serviceCidr", "serviceCidrs", net.service_subnets, from);
            return;
        }
        let terway = self
            .cluster
            .find("ConfigMap", Some("kube-system"), facts::TERWAY_CONFIGMAP)
            .and_then(|cm| {
                let conf: serde_json::Value = serde_json::from_str(cm.data("eni_conf")?).ok()?;
                let cidrs: Vec<Cidr> = conf["service_cidr"]
                    .as_str()?
                    .split(',')
                    .filter_map(|c| c.trim().parse().ok())
                    .collect();
                (!cidrs.is_empty())
                    .then(|| (cidrs, format!("{} eni_conf.service_cidr", cm.display())))
            });
        match terway {
            Some((cidrs, from)) => self.ranges_from("serviceCidr", "serviceCidrs", cidrs, from),
            None => self.lack(
                "serviceCidr",
                "the Service range (kube-apiserver's --service-cluster-ip-range)",
            ),
        }
    }

    fn node_count(&mut self, dc: &[&Object]) {
        if !dc.is_empty() {
            self.put(
                "nodes",
                Doc::from(dc.len() as u64),
                format!(
                    "{} Node objects without {}=true",
                    dc.len(),
                    facts::ECS_NODE_LABEL
                ),
            );
        } else {
            self.lack("nodes", "the number of DC nodes");
        }
    }

    fn bgp_configuration(&self) -> Option<&'c Object> {
        self.cluster
            .calico("BGPConfiguration")
            .into_iter()
            .find(|o| o.name == "default")
    }

    fn as_number(&mut self) {
        match self.cni.as_ref().map(|c| c.plugin) {
            Some(Cni::Calico) => match self.bgp_configuration() {
                Some(cfg) if cfg.get("/spec/asNumber").and_then(|v| v.as_u64()).is_some() => {
                    let asn = cfg
                        .get("/spec/asNumber")
                        .and_then(|v| v.as_u64())
                        .unwrap_or_default();
                    self.put(
                        "asNumber",
                        Doc::from(asn),
                        format!("{} spec.asNumber", cfg.display()),
                    );
                }
                _ => self.put(
                    "asNumber",
                    Doc::from(u64::from(facts::CALICO_DEFAULT_ASN)),
                    "Calico's default: no BGPConfiguration default sets asNumber",
                ),
            },
            Some(Cni::Cilium) => {
                let asn = self.cilium_bgp().and_then(|c| {
                    Some((
                        c.get("/spec/bgpInstances/0/localASN")?.as_u64()?,
                        c.display(),
                    ))
                });
                if let Some((asn, from)) = asn {
                    self.put(
                        "asNumber",
                        Doc::from(asn),
                        format!("{from} bgpInstances[0].localASN"),
                    );
                }
            }
            _ => {}
        }
    }

    fn route_reflectors(&mut self, dc: &[&Object]) {
        let reflectors: Vec<&str> = dc
            .iter()
            .filter(|n| {
                n.annotation(facts::CALICO_RR_CLUSTER_ID_ANNOTATION)
                    .is_some()
                    || n.label("route-reflector") == Some("true")
            })
            .map(|n| n.name.as_str())
            .collect();
        if reflectors.is_empty() {
            return;
        }
        let from = format!(
            "Node objects with the {} annotation or the route-reflector=true label",
            facts::CALICO_RR_CLUSTER_ID_ANNOTATION
        );
        self.put(
            "routeReflectors",
            Doc::from(reflectors.len() as u64),
            from.clone(),
        );
        self.put(
            "routeReflectorNodes",
            Doc::List(reflectors.iter().map(|n| Doc::from(*n)).collect()),
            from,
        );
    }

    /// The size of each node's pod subnet: Cilium's cluster-pool mask; for Flannel
    /// kube-controller-manager's node subnets (the Nodes' podCIDRs). Calico takes neither.
    fn node_masks(&mut self, dc: &[&Object]) {
        match self.cni.as_ref().map(|c| c.plugin) {
            Some(Cni::Flannel) => {}
            Some(Cni::Cilium) => {
                if let Some(cm) = self.cilium_config() {
                    for (key, spec_key) in [
                        ("cluster-pool-ipv4-mask-size", "nodeCidrMaskSize"),
                        ("cluster-pool-ipv6-mask-size", "nodeCidrMaskSizeV6"),
                    ] {
                        if let Some(len) = cm.data(key).and_then(|v| v.parse::<u64>().ok()) {
                            self.put(spec_key, Doc::from(len), format!("{} {key}", cm.display()));
                        }
                    }
                }
                return;
            }
            _ => return,
        }
        for (family, key) in [
            (Family::V4, "nodeCidrMaskSize"),
            (Family::V6, "nodeCidrMaskSizeV6"),
        ] {
            let mut seen: Vec<(u8, &str)> = Vec::new();
            for n in dc {
                let cidrs = n
                    .get("/spec/podCIDRs")
                    .and_then(|v| v.as_array())
                    .map(|a| a.iter().filter_map(|v| v.as_str()).collect::<Vec<_>>())
                    .unwrap_or_else(|| n.str("/spec/podCIDR").into_iter().collect());
                for c in cidrs.iter().filter_map(|c| c.parse::<Cidr>().ok()) {
                    if c.family() == family {
                        seen.push((c.prefix_len(), n.name.as_str()));
                    }
                }
            }
            if let Some((len, node)) = seen.first() {
                self.put(
                    key,
                    Doc::from(u64::from(*len)),
                    format!(
                        "Node {node} spec.podCIDRs (kube-controller-manager's node subnets, {} nodes)",
                        seen.len()
                    ),
                );
            }
        }
    }

    fn edge_routers(&mut self) {
        let mut peers: Vec<(String, IpAddr, u64)> = Vec::new();
        let mut routers: Vec<(IpAddr, Option<IpAddr>, u64, String)> = Vec::new();
        let mut v6: Vec<(IpAddr, u64, String)> = Vec::new();
        let add = |ip: IpAddr, asn: u64, from: String, routers: &mut Vec<_>, v6: &mut Vec<_>| {
            if ip.is_ipv4() {
                routers.push((ip, None, asn, from));
            } else {
                v6.push((ip, asn, from));
            }
        };
        match self.cni.as_ref().map(|c| c.plugin) {
            Some(Cni::Calico) => {
                for peer in self.cluster.calico("BGPPeer") {
                    let spec = &peer.value["spec"];
                    // A peer of one node only is not an edge router of the cluster.
                    if spec["node"].as_str().is_some_and(|n| !n.is_empty()) {
                        continue;
                    }
                    let Some(ip) = spec["peerIP"].as_str().and_then(peer_ip) else {
                        continue;
                    };
                    let asn = spec["asNumber"].as_u64().unwrap_or_default();
                    peers.push((peer.name.clone(), ip, asn));
                    add(ip, asn, peer.display(), &mut routers, &mut v6);
                }
            }
            Some(Cni::Cilium) => {
                if let Some(cfg) = self.cilium_bgp() {
                    for p in cfg
                        .get("/spec/bgpInstances/0/peers")
                        .and_then(|p| p.as_array())
                        .into_iter()
                        .flatten()
                    {
                        if let Some(ip) = p["peerAddress"].as_str().and_then(|s| s.parse().ok()) {
                            let asn = p["peerASN"].as_u64().unwrap_or_default();
                            peers.push((cfg.name.clone(), ip, asn));
                            add(
                                ip,
                                asn,
                                format!(
                                    "{} peer {}",
                                    cfg.display(),
                                    p["name"].as_str().unwrap_or_default()
                                ),
                                &mut routers,
                                &mut v6,
                            );
                        }
                    }
                }
            }
            _ => {}
        }
        self.peers = peers;
        // An IPv6 session belongs to the router of the same AS that has none yet.
        for (ip, asn, from) in v6 {
            if let Some(r) = routers.iter_mut().find(|r| r.2 == asn && r.1.is_none()) {
                r.1 = Some(ip);
                r.3 = format!("{}, {from}", r.3);
            }
        }
        if routers.is_empty() {
            self.lack(
                "edgeRouters",
                "the DC edge routers the cluster peers with (ip, asNumber): no BGP peer was found",
            );
            return;
        }
        let froms: Vec<String> = routers.iter().map(|r| r.3.clone()).collect();
        let list = routers
            .iter()
            .map(|(ip, v6, asn, _)| {
                let mut m = Doc::map();
                m.set("ip", Doc::from(ip.to_string()));
                if let Some(v6) = v6 {
                    m.set("ipv6", Doc::from(v6.to_string()));
                }
                m.set("asNumber", Doc::from(*asn));
                m
            })
            .collect();
        self.put("edgeRouters", Doc::List(list), froms.join("; "));
    }

    fn cilium_config(&self) -> Option<&'c Object> {
        let ns = self
            .cni
            .as_ref()
            .map_or("kube-system", |c| c.daemonset.namespace.as_str());
        self.cluster.find("ConfigMap", Some(ns), "cilium-config")
    }

    fn cilium_bgp(&self) -> Option<&'c Object> {
        self.cluster.of_kind("CiliumBGPClusterConfig").next()
    }

    fn flannel_net(&self) -> Option<(serde_json::Value, &'c Object)> {
        let cm = self
            .cluster
            .of_kind("ConfigMap")
            .find(|c| c.name == "kube-flannel-cfg")?;
        Some((serde_json::from_str(cm.data("net-conf.json")?).ok()?, cm))
    }

    /// The cluster's Calico pools: the IPPool objects, else the operator's list.
    fn pools(&self) -> Vec<(ExistingPool, String)> {
        let objects: Vec<(ExistingPool, String)> = self
            .cluster
            .calico("IPPool")
            .into_iter()
            .filter_map(|o| Some((cni::pool(o)?, o.display())))
            .collect();
        if !objects.is_empty() {
            return objects;
        }
        let Some(installation) = self.cni.as_ref().and_then(|c| c.installation) else {
            return Vec::new();
        };
        installation
            .get("/spec/calicoNetwork/ipPools")
            .and_then(|p| p.as_array())
            .into_iter()
            .flatten()
            .filter_map(|e| {
                let pool = cni::operator_pool(e)?;
                let from = format!("{} ipPools[{}]", installation.display(), pool.name);
                Some((pool, from))
            })
            .collect()
    }

    fn cni(&mut self) {
        let Some(live) = self.cni.clone() else {
            self.lack(
                "cni",
                "no calico-node, cilium or kube-flannel-ds DaemonSet was found: give plugin, install and version",
            );
            return;
        };
        let mut cni = Doc::map();
        let mut froms = vec![format!("{} (plugin)", live.daemonset.display())];
        cni.set("plugin", Doc::from(live.plugin.as_str()));
        cni.set("install", Doc::from(live.install.as_str()));
        froms.push(format!("install: {}", live.install_from));
        match live.version {
            Some(v) => {
                cni.set("version", Doc::from(v.to_string()));
                froms.push(format!("version: {}", live.version_from));
            }
            None => self.lack(
                "cni/version",
                format!("the {} release that runs (its image tag)", live.plugin),
            ),
        }
        if live.plugin == Cni::Calico {
            let pools = self.pools();
            if !pools.is_empty() {
                let list = pools.iter().map(|(p, _)| pool_doc(p)).collect();
                cni.set("existingPools", Doc::List(list));
                for (i, (_, from)) in pools.iter().enumerate() {
                    self.comments
                        .entry(format!("/onPrem/cni/existingPools/{i}"))
                        .or_default()
                        .push(format!("from {from}"));
                }
            }
        }
        if !self.peers.is_empty() {
            let list = self
                .peers
                .iter()
                .map(|(name, ip, asn)| {
                    let mut m = Doc::map();
                    m.set("name", Doc::from(name.as_str()));
                    m.set("peerIP", Doc::from(ip.to_string()));
                    m.set("asNumber", Doc::from(*asn));
                    m
                })
                .collect();
            cni.set("existingPeers", Doc::List(list));
        }
        self.describe_mode(&live);
        self.put("cni", cni, froms.join("; "));
    }

    /// The mode the cluster runs, as a header note: the plan keeps or changes it.
    fn describe_mode(&mut self, live: &LiveCni) {
        let running = match live.plugin {
            Cni::Calico => {
                let pools = self.pools();
                let ipip = pools
                    .iter()
                    .any(|(p, _)| !p.disabled && p.ipip_mode != EncapMode::Never);
                let vxlan = pools
                    .iter()
                    .any(|(p, _)| !p.disabled && p.vxlan_mode != EncapMode::Never);
                if ipip {
                    "calico-ipip (IPIP pools)".to_owned()
                } else if vxlan {
                    "Calico VXLAN, which hybridplan plans as calico-ipip or calico-route-reflector"
                        .to_owned()
                } else {
                    "calico-route-reflector (unencapsulated pools)".to_owned()
                }
            }
            Cni::Cilium => match self.cilium_config().and_then(|c| c.data("routing-mode")) {
                Some("native") => "cilium-bgp (routing-mode native)".to_owned(),
                _ => "cilium-vxlan (routing-mode tunnel)".to_owned(),
            },
            _ => "flannel-vxlan".to_owned(),
        };
        self.header.push(format!(
            "The DC runs {} {}: {running}. `mode: auto` keeps {} and picks its mode by the rule.",
            live.plugin,
            live.version.map(|v| v.to_string()).unwrap_or_default(),
            live.plugin
        ));
    }
}

/// `10.0.0.1`, `10.0.0.1:179`, `[fd00::1]:179`.
fn peer_ip(text: &str) -> Option<IpAddr> {
    if let Ok(ip) = text.parse() {
        return Some(ip);
    }
    let host = text.rsplit_once(':').map(|(h, _)| h)?;
    host.trim_start_matches('[')
        .trim_end_matches(']')
        .parse()
        .ok()
}

fn pool_doc(p: &ExistingPool) -> Doc {
    let mut m = Doc::map();
    m.set("name", Doc::from(p.name.as_str()));
    m.set("cidr", Doc::from(p.cidr.to_string()));
    m.set("blockSize", Doc::from(u64::from(p.block_size)));
    m.set("ipipMode", Doc::from(p.ipip_mode.as_str()));
    m.set("vxlanMode", Doc::from(p.vxlan_mode.as_str()));
    m.set("natOutgoing", Doc::from(p.nat_outgoing));
    if let Some(sel) = &p.node_selector {
        m.set("nodeSelector", Doc::from(sel.as_str()));
    }
    if p.disabled {
        m.set("disabled", Doc::from(true));
    }
    m
}
