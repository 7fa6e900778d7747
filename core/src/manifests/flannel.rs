//! Flannel (`flannel-vxlan`): `kube-flannel-cfg` for a `kube-flannel.yml` install, or
//! values for `helm upgrade --reuse-values` of the Flannel chart; and, only where the ECS
//! nodes run Terway instead of the overlay, the DaemonSet patch that keeps Flannel off them.

use super::{Apply, Context, File, daemonset_patch, dc_only_affinity, json_text};
use crate::changes::Change;
use crate::cidr::Family;
use crate::facts;
use crate::spec::CniInstall;
use serde_json::json;

/// Namespace of the current kube-flannel.yml
/// (https://github.com/flannel-io/flannel/blob/HEAD/Documentation/kube-flannel.yml).
const NAMESPACE: &str = "kube-flannel";

pub(super) fn files(ctx: &Context, out: &mut Vec<File>) {
    if ctx.terway() {
        out.push(daemonset(ctx));
    }
    out.push(match ctx.installed.install {
        CniInstall::Helm => values(ctx),
        _ => config(ctx),
    });
}

/// The Flannel chart's values that render `net-conf.json` (flannel-io/flannel
/// `chart/kube-flannel/templates/config.yaml`: `podCidr`, `podCidrv6`, `flannel.backend`,
/// `flannel.backendPort`, `flannel.vni`).
fn values(ctx: &Context) -> File {
    let op = &ctx.spec.on_prem;
    let mut values = json!({
        "flannel": {
            "backend": "vxlan",
            "backendPort": facts::FLANNEL_VXLAN_PORT,
            "vni": facts::FLANNEL_VXLAN_VNI,
        },
    });
    if let Some(network) = Context::of(&op.pod_cidrs, Family::V4).first() {
        values["podCidr"] = json!(network.to_string());
    }
    if let Some(network) = Context::of(&op.pod_cidrs, Family::V6).first() {
        values["podCidrv6"] = json!(network.to_string());
    }
    let mut file = File::new(
        "flannel",
        "flannel-values.yaml",
        Apply::HelmValues(format!(
            "flannel flannel/flannel --version v{} --namespace kube-flannel",
            ctx.installed.version
        )),
        &[
            "Flannel's network: the pod range, VXLAN; each node's subnet is its podCIDR from kube-controller-manager. Restart the kube-flannel-ds pods after the upgrade.",
            "Helm keeps every other value of the release.",
        ],
    );
    file.changes = backend_changes(
        ctx,
        "Helm release flannel (kube-flannel)",
        "flannel.backendPort",
    );
    file.docs.push(values);
    file
}

/// The VXLAN port written out: kube-flannel.yml and the chart leave it to Flannel's default
/// (8472 on Linux), which the security groups and firewalls must let through.
fn backend_changes(ctx: &Context, object: &str, field: &str) -> Vec<Change> {
    vec![Change::field(
        object,
        field,
        None,
        Some(facts::FLANNEL_VXLAN_PORT.to_string()),
        &ctx.default_install(),
        "the port the plan's flows open across Express Connect, written out rather than left to the default",
    )]
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
    // kube-flannel.yml's net-conf.json has `EnableNFTables: false` (v0.26.7 to v0.28.9);
    // applying the ConfigMap replaces the whole text, so it stays written.
    let mut net = json!({
        "EnableNFTables": false,
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
    file.changes = backend_changes(
        ctx,
        &format!("ConfigMap {NAMESPACE}/kube-flannel-cfg"),
        "data.net-conf.json Backend.Port",
    );
    file.docs.push(json!({
        "apiVersion": "v1",
        "kind": "ConfigMap",
        // kube-flannel.yml's labels: a client-side apply would drop those not written.
        "metadata": ctx.metadata("kube-flannel-cfg", Some(NAMESPACE), &[("app", "flannel"), ("k8s-app", "flannel"), ("tier", "node")]),
        "data": {
            "cni-conf.json": json_text(&cni),
            "net-conf.json": json_text(&net),
        },
    }));
    file
}
