//! `onPrem.cni`: the CNI the registered cluster runs today, which the plan changes rather
//! than replaces: how it was installed, its version, and (Calico) the IP pools it has.

use super::decode::{Decoder, Fields};
use super::tree::Tree;
use crate::cidr::Cidr;
use crate::diagnostic::quoted;
use crate::mode::Cni;
use serde::{Deserialize, Serialize};
use std::fmt;

/// How the DC's CNI was installed, which decides how the plan changes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CniInstall {
    /// From manifests (`calico.yaml`, `kube-flannel.yml`): the plan patches the objects.
    Manifest,
    /// By tigera-operator (Calico): the plan changes the `Installation`.
    Operator,
    /// By a Helm release (Cilium): the plan gives values for `helm upgrade`.
    Helm,
}

impl CniInstall {
    /// The install as written in specs and plans (`operator`).
    pub fn as_str(self) -> &'static str {
        match self {
            CniInstall::Manifest => "manifest",
            CniInstall::Operator => "operator",
            CniInstall::Helm => "helm",
        }
    }
}

/// A release number, `3.28.2` (a missing patch reads as 0).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version {
    /// Major.
    pub major: u32,
    /// Minor.
    pub minor: u32,
    /// Patch.
    pub patch: u32,
}

impl Version {
    /// `major.minor.patch`.
    pub const fn new(major: u32, minor: u32, patch: u32) -> Version {
        Version {
            major,
            minor,
            patch,
        }
    }

    /// `3.28.2`, `v3.28.2` or `3.28`; nothing else (no suffixes: a pre-release is not a
    /// version the plan can speak for).
    pub fn parse(text: &str) -> Option<Version> {
        let text = text.strip_prefix('v').unwrap_or(text);
        let parts: Vec<&str> = text.split('.').collect();
        if !(2..=3).contains(&parts.len()) {
            return None;
        }
        let number = |s: &str| -> Option<u32> {
            let plain = !s.is_empty() && s.len() <= 6 && s.bytes().all(|b| b.is_ascii_digit());
            (plain && (s == "0" || !s.starts_with('0')))
                .then(|| s.parse().ok())
                .flatten()
        };
        Some(Version {
            major: number(parts[0])?,
            minor: number(parts[1])?,
            patch: match parts.get(2) {
                Some(p) => number(p)?,
                None => 0,
            },
        })
    }

    /// The minor line, `3.28`.
    pub fn minor_line(&self) -> String {
        format!("{}.{}", self.major, self.minor)
    }
}

impl Serialize for Version {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Version {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Version::parse(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("not a release number: {text}")))
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

/// An IP pool's IPIP or VXLAN mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EncapMode {
    /// Encapsulate every packet (`Always`).
    Always,
    /// Encapsulate only across subnets (`CrossSubnet`).
    CrossSubnet,
    /// Never encapsulate (`Never`).
    Never,
}

impl EncapMode {
    /// The mode as Calico writes it (`CrossSubnet`).
    pub fn as_str(self) -> &'static str {
        match self {
            EncapMode::Always => "Always",
            EncapMode::CrossSubnet => "CrossSubnet",
            EncapMode::Never => "Never",
        }
    }
}

/// A Calico IP pool the cluster has (`kubectl get ippools`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExistingPool {
    /// The pool's name.
    pub name: String,
    /// Its range.
    pub cidr: Cidr,
    /// Its block size (`blockSize`).
    pub block_size: u8,
    /// Its IPIP mode (`ipipMode`).
    pub ipip_mode: EncapMode,
    /// Its VXLAN mode (`vxlanMode`).
    pub vxlan_mode: EncapMode,
    /// Whether pods' traffic leaving the pool is masqueraded (`natOutgoing`).
    pub nat_outgoing: bool,
    /// `None`: Calico's default, `all()`.
    pub node_selector: Option<String>,
    /// Whether the pool takes no new allocations (`disabled`).
    pub disabled: bool,
}

/// A BGP peering the cluster has with an edge router (`kubectl get bgppeers`; for Cilium the
/// `CiliumBGPClusterConfig` that holds it): the plan changes it by name rather than add a
/// second session to the same router.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExistingPeer {
    /// The object's name: a Calico `BGPPeer`, or Cilium's `CiliumBGPClusterConfig`.
    pub name: String,
    /// The router's address (`peerIP`).
    pub peer_ip: std::net::IpAddr,
    /// The router's AS number (`asNumber`).
    pub as_number: u32,
}

/// `onPrem.cni`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DcCni {
    /// Which CNI runs (`plugin`); `None`: the selected mode's.
    pub plugin: Option<Cni>,
    /// How it was installed (`install`).
    pub install: CniInstall,
    /// The release that runs (`version`); `None`: the newest supported is assumed.
    pub version: Option<Version>,
    /// The Calico IP pools the cluster has (`existingPools`).
    pub existing_pools: Vec<ExistingPool>,
    /// The BGP peerings the cluster has (`existingPeers`).
    pub existing_peers: Vec<ExistingPeer>,
}

pub(super) const CNI_KEYS: &[&str] = &[
    "plugin",
    "install",
    "version",
    "existingPools",
    "existingPeers",
];
pub(super) const PEER_KEYS: &[&str] = &["name", "peerIP", "asNumber"];

fn decode_peer(d: &mut Decoder, tree: &Tree, path: &str) -> Option<ExistingPeer> {
    let f = d.object(tree, path, PEER_KEYS)?;
    let name = d.required(&f, "name", Decoder::string);
    let peer_ip = d.required(&f, "peerIP", Decoder::addr);
    let as_number = d.required(&f, "asNumber", Decoder::asn);
    Some(ExistingPeer {
        name: name?,
        peer_ip: peer_ip?,
        as_number: as_number?,
    })
}
pub(super) const POOL_KEYS: &[&str] = &[
    "name",
    "cidr",
    "blockSize",
    "ipipMode",
    "vxlanMode",
    "natOutgoing",
    "nodeSelector",
    "disabled",
];

pub(super) fn decode_cni(d: &mut Decoder, tree: &Tree, path: &str) -> Option<DcCni> {
    let f = d.object(tree, path, CNI_KEYS)?;
    let plugin = d.optional(&f, "plugin", None, |d, t, p| {
        Some(d.word(
            t,
            p,
            &[
                ("calico", Cni::Calico),
                ("cilium", Cni::Cilium),
                ("flannel", Cni::Flannel),
            ],
        ))
    });
    let install = d.optional(&f, "install", Some(CniInstall::Manifest), |d, t, p| {
        Some(d.word(
            t,
            p,
            &[
                ("manifest", CniInstall::Manifest),
                ("operator", CniInstall::Operator),
                ("helm", CniInstall::Helm),
            ],
        ))
    });
    let version = d.optional(&f, "version", None, |d, t, p| Some(decode_version(d, t, p)));
    let existing_pools = d.optional(&f, "existingPools", Vec::new(), |d, t, p| {
        d.list(t, p, decode_pool)
    });
    let existing_peers = d.optional(&f, "existingPeers", Vec::new(), |d, t, p| {
        d.list(t, p, decode_peer)
    });
    Some(DcCni {
        plugin,
        install: install?,
        version,
        existing_pools,
        existing_peers,
    })
}

fn decode_version(d: &mut Decoder, tree: &Tree, path: &str) -> Option<Version> {
    let text = d.string(tree, path)?;
    let version = Version::parse(&text);
    if version.is_none() {
        d.invalid(
            path,
            format!(
                "{} is not a release number: write it as the CNI's image tag shows it, like \"3.28.2\"",
                quoted(&text)
            ),
        );
    }
    version
}

fn mode(d: &mut Decoder, f: &Fields, key: &str) -> EncapMode {
    d.optional(f, key, EncapMode::Never, |d, t, p| {
        d.word(
            t,
            p,
            &[
                ("Always", EncapMode::Always),
                ("CrossSubnet", EncapMode::CrossSubnet),
                ("Never", EncapMode::Never),
            ],
        )
    })
}

fn decode_pool(d: &mut Decoder, tree: &Tree, path: &str) -> Option<ExistingPool> {
    let f = d.object(tree, path, POOL_KEYS)?;
    let name = d.required(&f, "name", Decoder::string);
    let cidr = d.required(&f, "cidr", Decoder::cidr);
    let block_size = d.optional(&f, "blockSize", None, |d, t, p| {
        Some(d.integer(t, p, 0, 128).map(|i| i as u8))
    });
    let ipip_mode = mode(d, &f, "ipipMode");
    let vxlan_mode = mode(d, &f, "vxlanMode");
    let nat_outgoing = d.optional(&f, "natOutgoing", false, Decoder::boolean);
    let node_selector = d.optional(&f, "nodeSelector", None, |d, t, p| Some(d.string(t, p)));
    let disabled = d.optional(&f, "disabled", false, Decoder::boolean);
    let cidr = cidr?;
    Some(ExistingPool {
        name: name?,
        // Calico's defaults when the pool does not say: 26 (IPv4), 122 (IPv6).
        block_size: block_size.unwrap_or(match cidr.family() {
            crate::cidr::Family::V4 => crate::facts::CALICO_BLOCK_SIZE_V4_DEFAULT,
            crate::cidr::Family::V6 => crate::facts::CALICO_BLOCK_SIZE_V6_DEFAULT,
        }),
        cidr,
        ipip_mode,
        vxlan_mode,
        nat_outgoing,
        node_selector,
        disabled,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_release_numbers() {
        assert_eq!(Version::parse("3.28.2"), Some(Version::new(3, 28, 2)));
        assert_eq!(Version::parse("v1.19"), Some(Version::new(1, 19, 0)));
        for bad in ["3", "3.28.2.1", "3.28-rc1", "03.28", "", "v", "3..2", "1.x"] {
            assert_eq!(Version::parse(bad), None, "{bad}");
        }
        assert!(Version::new(3, 30, 2) > Version::new(3, 30, 1));
    }
}
