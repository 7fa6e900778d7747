//! kubeadm's `ClusterConfiguration` (ConfigMap `kube-system/kubeadm-config`): the pod and
//! Service ranges the cluster was created with (`networking.podSubnet`,
//! `networking.serviceSubnet`, comma-separated when dual-stack; kubeadm API v1beta3 and
//! v1beta4).

use crate::cidr::Cidr;
use crate::spec::tree::{self, Format, Tree};

pub(super) struct Networking {
    pub pod_subnets: Vec<Cidr>,
    pub service_subnets: Vec<Cidr>,
}

fn field<'t>(tree: &'t Tree, key: &str) -> Option<&'t Tree> {
    match tree {
        Tree::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
        _ => None,
    }
}

fn cidrs(tree: Option<&Tree>) -> Vec<Cidr> {
    match tree {
        Some(Tree::Str(s)) => s.split(',').filter_map(|c| c.trim().parse().ok()).collect(),
        _ => Vec::new(),
    }
}

pub(super) fn read(text: &str) -> Option<Networking> {
    let tree = tree::read(text, Format::Yaml).ok()?;
    let networking = field(&tree, "networking")?;
    Some(Networking {
        pod_subnets: cidrs(field(networking, "podSubnet")),
        service_subnets: cidrs(field(networking, "serviceSubnet")),
    })
}
