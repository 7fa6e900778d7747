//! The CNI releases the plan speaks for, and the releases that brought each field it
//! emits. Every fact names the upstream file it was read in, at the tag that has it.

use crate::mode::Cni;
use crate::spec::Version;

/// The releases hybridplan plans changes for, per CNI: the oldest, and the newest whose
/// schemas the generated objects were judged against.
pub struct Supported {
    pub oldest: Version,
    pub newest: Version,
    /// Why the oldest is the oldest.
    pub why_oldest: &'static str,
}

/// Calico 3.28 is the first release whose operator reconciles IP pools from the
/// `Installation` (tigera/operator v1.34.0 `pkg/controller/ippool/pool_controller.go`,
/// pinned by Calico v3.28.0 `charts/tigera-operator/values.yaml`) and whose operator
/// manifest names its pool `default-ipv4-ippool` (projectcalico/calico v3.28.0
/// `manifests/custom-resources.yaml`); before it an operator install cannot change a pool.
/// 3.32.1 is the newest release of the schemas the output is judged against.
pub const CALICO: Supported = Supported {
    oldest: Version::new(3, 28, 0),
    newest: Version::new(3, 32, 1),
    why_oldest: "from 3.28 the operator changes IP pools through the Installation; upgrade to 3.28 or later first",
};

/// Cilium 1.16 is the oldest release with the BGP control plane's
/// `CiliumBGPClusterConfig` API that the plan emits (`cilium.io/v2alpha1`, cilium/cilium
/// v1.16.0 `pkg/k8s/apis/cilium.io/client/crds/v2alpha1/ciliumbgpclusterconfigs.yaml`) and
/// whose chart has a `values.schema.json`; 1.19 is the newest judged.
pub const CILIUM: Supported = Supported {
    oldest: Version::new(1, 16, 0),
    newest: Version::new(1, 19, 6),
    why_oldest: "the BGP control plane's CiliumBGPClusterConfig API arrived in 1.16; upgrade to 1.16 or later first",
};

/// Flannel 0.26 to 0.28: `kube-flannel.yml` has the same objects in every release of
/// these lines (flannel-io/flannel `Documentation/kube-flannel.yml` at v0.26.7, v0.27.4,
/// v0.28.9): namespace `kube-flannel`, ConfigMap `kube-flannel-cfg`, DaemonSet
/// `kube-flannel-ds`.
pub const FLANNEL: Supported = Supported {
    oldest: Version::new(0, 26, 0),
    newest: Version::new(0, 28, 9),
    why_oldest: "releases before 0.26 were not checked against their manifests; upgrade to 0.26 or later first",
};

pub fn supported(cni: Cni) -> Option<&'static Supported> {
    match cni {
        Cni::Calico => Some(&CALICO),
        Cni::Cilium => Some(&CILIUM),
        Cni::Flannel => Some(&FLANNEL),
        Cni::Terway => None,
    }
}

/// `BGPPeer.spec.nextHopMode` first ships in Calico v3.30.2 (projectcalico/calico v3.30.2
/// `api/pkg/apis/projectcalico/v3/bgppeer.go`, release notes "Add NextHopMode field to
/// BGPPeer API"); before it only `keepOriginalNextHop`, which BIRD honours for eBGP peers
/// only (`confd/etc/calico/confd/templates/bird.cfg.template` at v3.28.2:
/// `if and (ne $data.as_num $node_as_num) ($data.keep_next_hop)`).
pub const CALICO_NEXT_HOP_MODE: Version = Version::new(3, 30, 2);

/// `Installation.spec.calicoNetwork.ipPools[].disableNewAllocations` first ships in
/// tigera/operator v1.36.0, pinned by Calico v3.29.0 (`api/v1/installation_types.go`);
/// before it the operator's documented way to stop allocations from a pool is
/// `nodeSelector: "!all()"` (docs.tigera.io "Migrate from one IP pool to another").
pub const CALICO_DISABLE_NEW_ALLOCATIONS: Version = Version::new(3, 29, 0);

/// The BGP control plane's kinds are served as `cilium.io/v2` from Cilium 1.18, with
/// `v2alpha1` deprecated (cilium/cilium v1.18.3 `pkg/k8s/apis/cilium.io/client/crds/v2/`);
/// 1.16 and 1.17 serve `v2alpha1` only. `service.aggregationLengthIPv4/IPv6` on a
/// `CiliumBGPAdvertisement` arrives in 1.18 as well.
pub const CILIUM_BGP_V2: Version = Version::new(1, 18, 0);

/// What a default install leaves behind, for a spec that does not say (`onPrem.cni`): the
/// newest supported release.
pub fn assumed(cni: Cni) -> Version {
    supported(cni).map_or(Version::new(0, 0, 0), |s| s.newest)
}
