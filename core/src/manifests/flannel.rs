//! Flannel (`flannel-vxlan`): `kube-flannel-cfg`, and, only where the ECS nodes run Terway
//! instead of the overlay, the DaemonSet patch that keeps Flannel off them.

use super::{Apply, Context, File, daemonset_patch, dc_only_affinity, json_text};
use crate::cidr::Family;
use crate::facts;
use serde_json::json;

/// Namespace of the current kube-flannel.yml (DOMAIN.md §3.4).
const NAMESPACE: &str = "kube-flannel";

pub(super) fn files(ctx: &Context, out: &mut Vec<File>) {
    if ctx.terway() {
        out.push(daemonset(ctx));
    }
    out.push(config(ctx));
}

fn daemonset(ctx: &Context) -> File {
    let mut file = File::new(
        "flannel",
        "flannel-patch.yaml",
        Apply::Patch,
        &["Keeps Flannel off ECS nodes (alibabacloud.com/external=true: Terway's side)."],
    );
    file.docs.push(daemonset_patch(
        ctx,
        "kube-flannel-ds",
        NAMESPACE,
        Some(dc_only_affinity()),
        None,
    ));
    file
}

/// `net-conf.json` with the pod range; `cni-conf.json` as kube-flannel.yml ships it,
/// because applying the ConfigMap without it would delete it. No `SubnetLen`: with
/// `--kube-subnet-mgr` (kube-flannel.yml's default) Flannel takes each node's subnet from
/// `node.spec.podCIDR`, which kube-controller-manager allocates, and must find it inside
/// `Network` (flannel-io/flannel `pkg/subnet/kube/kube.go`).
fn config(ctx: &Context) -> File {
    let op = &ctx.spec.on_prem;
    let v4 = Context::of(&op.pod_cidrs, Family::V4);
    let mut net = json!({
        "Backend": {
            "Type": "vxlan",
            "VNI": facts::FLANNEL_VXLAN_VNI,
            "Port": facts::FLANNEL_VXLAN_PORT,
        },
    });
    if let Some(network) = v4.first() {
        net["Network"] = json!(network.to_string());
    }
    if let Some(network) = Context::of(&op.pod_cidrs, Family::V6).first() {
        net["EnableIPv6"] = json!(true);
        net["IPv6Network"] = json!(network.to_string());
    }
    let cni = json!({
        "name": "cbr0",
        "cniVersion": "0.3.1",
        "plugins": [
            { "type": "flannel", "delegate": { "hairpinMode": true, "isDefaultGateway": true } },
            { "type": "portmap", "capabilities": { "portMappings": true } },
        ],
    });
    let mut file = File::new(
        "flannel",
        "flannel-config.yaml",
        Apply::Kubectl,
        &[
            "Flannel's network: the pod range, VXLAN; each node's subnet is its podCIDR from kube-controller-manager. Restart the kube-flannel-ds pods after changing it.",
        ],
    );
    file.docs.push(json!({
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": ctx.metadata("kube-flannel-cfg", Some(NAMESPACE), &[("app", "flannel"), ("tier", "node")]),
        "data": {
            "cni-conf.json": json_text(&cni),
            "net-conf.json": json_text(&net),
        },
    }));
    file
}
