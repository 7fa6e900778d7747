//! The CNI the registered cluster runs today (`onPrem.cni`), which the plan changes rather
//! than replaces: which one, how it was installed, its release, and (Calico) its IP pools.
//! A spec that does not say gets what a default install of the mode's CNI leaves behind,
//! and a note that says so.

pub(crate) mod pools;
pub(crate) mod versions;

use crate::diagnostic::{Code, Diagnostic};
use crate::mode::{Cni, ModeDecision};
use crate::spec::{CniInstall, HybridCluster, Version};
use serde::{Deserialize, Serialize};

/// The CNI the plan changes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct InstalledCni {
    /// The plugin.
    pub plugin: Cni,
    /// `manifest`, `operator` or `helm`: how the plan changes it.
    #[cfg_attr(
        feature = "typescript",
        ts(type = "\"manifest\" | \"operator\" | \"helm\"")
    )]
    pub install: CniInstall,
    /// The release the emitted fields exist in (`3.28.2`).
    #[cfg_attr(feature = "typescript", ts(type = "string"))]
    pub version: Version,
    /// The spec does not say (`onPrem.cni`, or its `version`): a default install of the
    /// newest supported release is assumed.
    pub assumed: bool,
}

impl InstalledCni {
    /// Whether the release is `version` or newer.
    pub fn at_least(&self, version: Version) -> bool {
        self.version >= version
    }
}

/// How each CNI is installed when the spec does not say, and which ways the plan can
/// change: Calico by its manifest, tigera-operator or the operator's Helm chart; Cilium by
/// its Helm chart (cilium-cli installs are Helm releases as well); Flannel by
/// `kube-flannel.yml` or its Helm chart.
fn installs(cni: Cni) -> &'static [CniInstall] {
    match cni {
        Cni::Calico => &[CniInstall::Manifest, CniInstall::Operator, CniInstall::Helm],
        Cni::Cilium => &[CniInstall::Helm],
        Cni::Flannel => &[CniInstall::Manifest, CniInstall::Helm],
        Cni::Terway => &[],
    }
}

pub(crate) fn resolve(
    spec: &HybridCluster,
    mode: &ModeDecision,
) -> (InstalledCni, Vec<Diagnostic>) {
    let mut out = Vec::new();
    let planned = mode.selected.dc_cni();
    let stated = spec.on_prem.cni.as_ref();
    let plugin = stated.and_then(|c| c.plugin).unwrap_or(planned);
    if plugin != planned {
        out.push(
            Diagnostic::new(
                Code::CniMismatch,
                "/onPrem/cni/plugin",
                format!(
                    "the cluster runs {plugin}, but mode {} needs {planned}: hybridplan changes the CNI that runs, it does not replace it",
                    mode.selected
                ),
            )
            .related("/mode")
            .hint(format!(
                "choose a mode of {plugin} (or `mode: auto`), or migrate the cluster to {planned} first and plan again"
            )),
        );
    }
    let allowed = installs(plugin);
    let install = stated.map_or(allowed[0], |c| c.install);
    if !allowed.contains(&install) {
        let names: Vec<&str> = allowed.iter().map(|i| i.as_str()).collect();
        out.push(
            Diagnostic::new(
                Code::CniInstallUnsupported,
                "/onPrem/cni/install",
                format!(
                    "{plugin} installed by {}: hybridplan changes {plugin} through {}",
                    install.as_str(),
                    names.join(" or ")
                ),
            )
            .hint(format!(
                "set `install: {}` if that is how it runs",
                names[0]
            )),
        );
    }
    let support = versions::supported(plugin);
    let version = match stated.and_then(|c| c.version) {
        Some(v) => {
            if let Some(s) = support {
                check_version(plugin, v, s, &mut out);
            }
            Some(v)
        }
        None => None,
    };
    let assumed = version.is_none();
    let version = version.unwrap_or_else(|| versions::assumed(plugin));
    let pools_assumed = plugin == Cni::Calico && stated.is_none_or(|c| c.existing_pools.is_empty());
    if assumed || pools_assumed {
        let (what, path) = match stated {
            None => (
                format!(
                    "a default {} install of {plugin} {version}",
                    install.as_str()
                ),
                "/onPrem/cni",
            ),
            Some(_) if assumed => (format!("{plugin} {version}"), "/onPrem/cni/version"),
            Some(_) => (format!("{plugin} {version}"), "/onPrem/cni/existingPools"),
        };
        let pools = if pools_assumed {
            " with a default install's IP pools (default-ipv4-ippool over the pod range)"
        } else {
            ""
        };
        out.push(
            Diagnostic::new(
                Code::CniAssumed,
                path,
                format!(
                    "the spec does not say what runs today: the plan assumes {what}{pools} and emits the fields of that release"
                ),
            )
            .hint("run `hybridplan import` on the cluster's objects to fill in onPrem.cni"),
        );
    }
    let installed = InstalledCni {
        plugin,
        install,
        version,
        assumed,
    };
    next_hop(spec, mode, &installed, &mut out);
    (installed, out)
}

/// Route reflectors pass each block's route to the DC edge with the owning node as next
/// hop: `nextHopMode: Keep` from Calico 3.30.2; before it only `keepOriginalNextHop`, which
/// BIRD applies to eBGP peers alone, so toward an edge router in the DC's own AS the route
/// reflectors put themselves as next hop and every packet to a DC pod passes through one.
fn next_hop(
    spec: &HybridCluster,
    mode: &ModeDecision,
    installed: &InstalledCni,
    out: &mut Vec<Diagnostic>,
) {
    let reflectors = mode.bgp_topology == crate::mode::BgpTopology::RouteReflectors;
    if installed.plugin != Cni::Calico
        || !reflectors
        || !mode.selected.is_routed()
        || installed.at_least(versions::CALICO_NEXT_HOP_MODE)
    {
        return;
    }
    for (i, edge) in spec.on_prem.edge_routers.iter().enumerate() {
        if edge.as_number == spec.on_prem.as_number {
            out.push(
                Diagnostic::new(
                    Code::NextHopSelf,
                    format!("/onPrem/edgeRouters/{i}/asNumber"),
                    format!(
                        "edge router {} is in the DC's AS {}: Calico {} can keep the next hop only toward another AS (keepOriginalNextHop; nextHopMode arrived in {}), so the route reflectors become the next hop of every DC pod route and forward all traffic to DC pods",
                        edge.ip,
                        edge.as_number,
                        installed.version,
                        versions::CALICO_NEXT_HOP_MODE
                    ),
                )
                .related("/onPrem/cni/version")
                .hint(format!(
                    "upgrade Calico to {} or later, or peer with the edge over eBGP (its own AS)",
                    versions::CALICO_NEXT_HOP_MODE
                )),
            );
        }
    }
}

fn check_version(plugin: Cni, v: Version, s: &versions::Supported, out: &mut Vec<Diagnostic>) {
    let path = "/onPrem/cni/version";
    if v.major != s.oldest.major {
        out.push(
            Diagnostic::new(
                Code::CniVersionUnsupported,
                path,
                format!(
                    "{v} is not a {plugin} release this plan knows: {plugin} releases are {}.x",
                    s.oldest.major
                ),
            )
            .hint(format!(
                "give the version of {plugin} that runs (its image tag), or set `plugin`"
            )),
        );
    } else if v < s.oldest {
        out.push(
            Diagnostic::new(
                Code::CniVersionUnsupported,
                path,
                format!(
                    "{plugin} {v} is older than the oldest release the plan supports ({}): {}",
                    s.oldest.minor_line(),
                    s.why_oldest
                ),
            )
            .hint(format!(
                "supported: {plugin} {} to {}",
                s.oldest.minor_line(),
                s.newest.minor_line()
            )),
        );
    } else if (v.major, v.minor) > (s.newest.major, s.newest.minor) {
        out.push(
            Diagnostic::new(
                Code::CniVersionNewer,
                path,
                format!(
                    "{plugin} {v} is newer than the newest release the plan was checked against ({}): the fields emitted exist there, but check the release notes for removals",
                    s.newest
                ),
            )
            .hint(format!(
                "supported: {plugin} {} to {}",
                s.oldest.minor_line(),
                s.newest.minor_line()
            )),
        );
    }
}
