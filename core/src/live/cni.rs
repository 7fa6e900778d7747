//! Which CNI the cluster runs, how it was installed and which release, read from its
//! DaemonSet and (Calico by tigera-operator) the `Installation`; and Calico's pools.

use super::{Cluster, Object};
use crate::cidr::Cidr;
use crate::mode::Cni;
use crate::spec::{CniInstall, EncapMode, ExistingPool, Version};
use serde_json::Value;

/// The DC's CNI as the cluster shows it.
#[derive(Clone, Debug)]
pub struct LiveCni<'a> {
    pub plugin: Cni,
    pub install: CniInstall,
    pub version: Option<Version>,
    /// Its DaemonSet.
    pub daemonset: &'a Object,
    /// Why `install` and `version` read as they do, for comments.
    pub install_from: String,
    pub version_from: String,
    /// Calico by tigera-operator: `Installation default`.
    pub installation: Option<&'a Object>,
}

/// The DaemonSet of each DC CNI: `calico-node` (calico.yaml in `kube-system`, the operator
/// in `calico-system`), `cilium` (the chart's agent), `kube-flannel-ds` (kube-flannel.yml,
/// the Flannel chart).
const DAEMONSETS: [(Cni, &str, &[&str]); 3] = [
    (Cni::Calico, "calico-node", &["node"]),
    (Cni::Cilium, "cilium", &["cilium"]),
    (Cni::Flannel, "kube-flannel-ds", &["flannel"]),
];

pub fn detect(cluster: &Cluster) -> Option<LiveCni<'_>> {
    let (plugin, ds, images) = DAEMONSETS.iter().find_map(|(cni, name, images)| {
        cluster
            .of_kind("DaemonSet")
            .find(|d| d.name == *name)
            .map(|d| (*cni, d, *images))
    })?;
    let installation = (plugin == Cni::Calico)
        .then(|| cluster.find("Installation", None, "default"))
        .flatten();
    let operator_owned = ds.value["metadata"]["ownerReferences"]
        .as_array()
        .is_some_and(|refs| refs.iter().any(|r| r["kind"] == "Installation"));
    let (install, install_from) = if plugin == Cni::Calico
        && (operator_owned || installation.is_some())
    {
        let helm = installation.and_then(Object::helm_release).or_else(|| {
            cluster
                .find("Deployment", None, "tigera-operator")
                .and_then(Object::helm_release)
        });
        match helm {
            Some(release) => (
                CniInstall::Helm,
                format!("Installation default is Helm release {release}'s (tigera-operator chart)"),
            ),
            None => (
                CniInstall::Operator,
                format!(
                    "{} is owned by tigera-operator's Installation",
                    ds.display()
                ),
            ),
        }
    } else if let Some(release) = ds.helm_release() {
        (
            CniInstall::Helm,
            format!("{} belongs to Helm release {release}", ds.display()),
        )
    } else {
        (
            CniInstall::Manifest,
            format!("{} has no Helm release nor operator owner", ds.display()),
        )
    };
    let from_status = installation
        .and_then(|i| i.str("/status/calicoVersion"))
        .and_then(Version::parse);
    let (version, version_from) = match (from_status, ds.image_version(images)) {
        (Some(v), _) => (
            Some(v),
            "Installation default status.calicoVersion".to_owned(),
        ),
        (None, Some((v, image))) => (Some(v), format!("{}'s image {image}", ds.display())),
        (None, None) => (None, String::new()),
    };
    Some(LiveCni {
        plugin,
        install,
        version,
        daemonset: ds,
        install_from,
        version_from,
        installation,
    })
}

fn mode(value: &Value) -> Option<EncapMode> {
    match value.as_str()? {
        "Always" | "always" => Some(EncapMode::Always),
        "CrossSubnet" | "cross-subnet" => Some(EncapMode::CrossSubnet),
        "Never" => Some(EncapMode::Never),
        _ => None,
    }
}

/// An IPPool object as the spec lists it; `None` when its CIDR does not read.
pub fn pool(o: &Object) -> Option<ExistingPool> {
    let spec = &o.value["spec"];
    let cidr: Cidr = spec["cidr"].as_str()?.parse().ok()?;
    // The v1 CRD still carries the pre-3.0 fields `ipip: {enabled, mode}` and
    // `nat-outgoing`, which Calico reads when the new ones are absent.
    let legacy_ipip = (spec["ipip"]["enabled"] == true)
        .then(|| mode(&spec["ipip"]["mode"]).unwrap_or(EncapMode::Always));
    let default_block = match cidr.family() {
        crate::cidr::Family::V4 => crate::facts::CALICO_BLOCK_SIZE_V4_DEFAULT,
        crate::cidr::Family::V6 => crate::facts::CALICO_BLOCK_SIZE_V6_DEFAULT,
    };
    Some(ExistingPool {
        name: o.name.clone(),
        cidr,
        block_size: spec["blockSize"]
            .as_u64()
            .and_then(|b| u8::try_from(b).ok())
            .unwrap_or(default_block),
        ipip_mode: mode(&spec["ipipMode"])
            .or(legacy_ipip)
            .unwrap_or(EncapMode::Never),
        vxlan_mode: mode(&spec["vxlanMode"]).unwrap_or(EncapMode::Never),
        nat_outgoing: spec["natOutgoing"]
            .as_bool()
            .or_else(|| spec["nat-outgoing"].as_bool())
            .unwrap_or(false),
        node_selector: spec["nodeSelector"]
            .as_str()
            .filter(|s| !s.is_empty() && *s != "all()")
            .map(str::to_owned),
        disabled: spec["disabled"].as_bool().unwrap_or(false),
    })
}

/// An entry of `Installation.spec.calicoNetwork.ipPools` as a pool (tigera/operator
/// `ToProjectCalico`: IPIP, IPIPCrossSubnet, VXLAN, VXLANCrossSubnet, None;
/// `disableNewAllocations` is `disabled`).
pub fn operator_pool(entry: &Value) -> Option<ExistingPool> {
    let cidr: Cidr = entry["cidr"].as_str()?.parse().ok()?;
    let (ipip_mode, vxlan_mode) = match entry["encapsulation"].as_str().unwrap_or("IPIP") {
        "IPIP" => (EncapMode::Always, EncapMode::Never),
        "IPIPCrossSubnet" => (EncapMode::CrossSubnet, EncapMode::Never),
        "VXLAN" => (EncapMode::Never, EncapMode::Always),
        "VXLANCrossSubnet" => (EncapMode::Never, EncapMode::CrossSubnet),
        _ => (EncapMode::Never, EncapMode::Never),
    };
    let v4 = cidr.family() == crate::cidr::Family::V4;
    Some(ExistingPool {
        name: entry["name"].as_str().unwrap_or_default().to_owned(),
        cidr,
        block_size: entry["blockSize"]
            .as_u64()
            .and_then(|b| u8::try_from(b).ok())
            .unwrap_or(if v4 { 26 } else { 122 }),
        ipip_mode,
        vxlan_mode,
        nat_outgoing: entry["natOutgoing"].as_str().map_or(v4, |n| n == "Enabled"),
        node_selector: entry["nodeSelector"]
            .as_str()
            .filter(|s| !s.is_empty() && *s != "all()")
            .map(str::to_owned),
        disabled: entry["disableNewAllocations"] == true,
    })
}
