//! Calico (`calico-route-reflector`, `calico-ipip`), changed where it runs: calico-node's
//! scheduling and address detection (the DaemonSet of a manifest install, the
//! `Installation` of an operator install), new pools, route-reflector nodes, BGP peers, the
//! global BGP configuration, and last the changes to the live pools, in the order Calico's
//! docs give for moving a cluster to route reflectors (sessions up before the mesh goes
//! down) and for moving pools (new pool, then the old one disabled).

use super::{Apply, Context, File, daemonset_patch, dc_only_affinity, strings};
use crate::changes::Change;
use crate::cidr::Family;
use crate::facts;
use crate::installed::pools::{PlannedPool, PoolPlan, PoolRole, dc_nodes_selector};
use crate::installed::versions;
use crate::mode::BgpTopology;
use crate::spec::{CniInstall, EncapMode, ExistingPool};
use serde_json::{Map, Value, json};

const RR_LABEL: &str = "route-reflector";
const RR_SELECTOR: &str = "route-reflector == 'true'";

/// Calico's user-facing API (calicoctl, or kubectl with the Calico API server).
const CALICO_API: &str = "projectcalico.org/v3";

/// tigera-operator's resource that owns calico-node and, from Calico 3.28, the IP pools.
const INSTALLATION: &str = "installation.operator.tigera.io";

pub(super) fn files(ctx: &Context, out: &mut Vec<File>) {
    let Some(pools) = ctx.pools else {
        return;
    };
    out.push(match ctx.installed.install {
        CniInstall::Manifest => node_patch(ctx),
        CniInstall::Operator | CniInstall::Helm => installation_node(ctx),
    });
    if let Some(file) = created_pools(ctx, pools) {
        out.push(file);
    }
    // The peers first: a node with a route-reflector cluster ID leaves the mesh at once
    // (bird.cfg.template: "ignore node-to-node mesh setting"), so its sessions to the
    // clients must be defined before it gets one; then one route reflector at a time.
    let rr = ctx.mode.bgp_topology == BgpTopology::RouteReflectors;
    let peers = peers(ctx);
    if !peers.docs.is_empty() {
        out.push(peers);
    }
    if rr {
        out.extend(route_reflector_nodes(ctx));
    }
    out.push(bgp_configuration(ctx));
    let changes = match ctx.installed.install {
        CniInstall::Manifest => pool_changes(ctx, pools),
        CniInstall::Operator | CniInstall::Helm => installation_pools(ctx, pools),
    };
    out.extend(changes);
}

/// The IPv4 and IPv6 address detection: the node ranges (DC nodes, and ECS nodes where they
/// run Calico too), as `(family, cidrs)`.
fn detection(ctx: &Context) -> Vec<(Family, Vec<String>)> {
    [Family::V4, Family::V6]
        .into_iter()
        .map(|f| (f, strings(&ctx.node_ranges(f))))
        .filter(|(_, c)| !c.is_empty())
        .collect()
}

fn placement_about(ctx: &Context) -> &'static [&'static str] {
    if ctx.terway() {
        &[
            "Keeps calico-node off ECS nodes (alibabacloud.com/external=true: Terway's side) and",
            "makes it take its address from the DC node ranges.",
        ]
    } else {
        &[
            "calico-node runs on DC and ECS nodes alike (the overlay spans both sides); it takes",
            "its address from the DC node ranges or the ECS nodes' vSwitches.",
        ]
    }
}

const AFFINITY_WHY: &str = "Terway serves the ECS nodes; a second CNI there would take their pods (Alibaba Cloud: keep the DC's CNI DaemonSet off nodes labelled alibabacloud.com/external=true)";

/// Manifest install: a server-side-apply patch of `kube-system/calico-node`.
fn node_patch(ctx: &Context) -> File {
    let mut env = Vec::new();
    let mut file = File::new(
        "calico",
        "calico-node-patch.yaml",
        Apply::Patch,
        placement_about(ctx),
    );
    let object = "DaemonSet kube-system/calico-node";
    let known = ctx.default_install();
    for (family, cidrs) in detection(ctx) {
        let var = match family {
            Family::V4 => "IP_AUTODETECTION_METHOD",
            Family::V6 => {
                // calico-node takes an IPv6 address only when asked to.
                env.push(json!({ "name": "IP6", "value": "autodetect" }));
                "IP6_AUTODETECTION_METHOD"
            }
        };
        let value = format!("cidr={}", cidrs.join(","));
        file.changes.push(Change::field(
            object,
            &format!("env {var}"),
            None,
            Some(value.clone()),
            &known,
            "calico-node picks the first address it finds unless told (first-found); the node ranges are the addresses BGP and the routes use",
        ));
        env.push(json!({ "name": var, "value": value }));
    }
    if ctx.terway() {
        file.changes.push(Change::field(
            object,
            "spec.template.spec.affinity",
            None,
            Some(format!("{} NotIn [true]", facts::ECS_NODE_LABEL)),
            &known,
            AFFINITY_WHY,
        ));
    }
    file.docs.push(daemonset_patch(
        ctx,
        "calico-node",
        "kube-system",
        ctx.terway().then(dc_only_affinity),
        Some(json!({ "name": "calico-node", "env": env })),
    ));
    file
}

/// A change to the operator's `Installation default`: a merge patch for an operator install,
/// values for `helm upgrade --reuse-values` of the tigera-operator chart for a Helm one.
fn installation_file(ctx: &Context, name: &str, about: &[&str], spec: Value) -> File {
    let version = ctx.installed.version;
    match ctx.installed.install {
        CniInstall::Helm => {
            let mut about: Vec<&str> = about.to_vec();
            about.push("Helm replaces lists in these values whole (ipPools included) and keeps every other value of the release.");
            let mut file = File::new(
                "calico",
                &format!("{name}-values.yaml"),
                Apply::HelmValues(format!(
                    "calico projectcalico/tigera-operator --version v{version} --namespace tigera-operator"
                )),
                &about,
            );
            file.docs.push(json!({ "installation": spec }));
            file
        }
        _ => {
            let mut file = File::new(
                "calico",
                &format!("{name}.patch.yaml"),
                Apply::MergePatch {
                    resource: INSTALLATION,
                    name: "default".into(),
                },
                about,
            );
            file.docs.push(json!({
                "apiVersion": "operator.tigera.io/v1",
                "kind": "Installation",
                "metadata": { "name": "default" },
                "spec": spec,
            }));
            file
        }
    }
}

/// Operator install: calico-node's scheduling (`calicoNodeDaemonSet`) and address detection
/// (`calicoNetwork.nodeAddressAutodetectionV4/V6`) in the `Installation`; the operator
/// renders the DaemonSet in `calico-system` and reverts edits made to it directly
/// (tigera/operator `api/v1/calico_node_types.go`, `installation_types.go`).
fn installation_node(ctx: &Context) -> File {
    let mut network = Map::new();
    let object = "Installation default";
    let known = ctx.default_install();
    let mut changes = Vec::new();
    for (family, cidrs) in detection(ctx) {
        let key = match family {
            Family::V4 => "nodeAddressAutodetectionV4",
            Family::V6 => "nodeAddressAutodetectionV6",
        };
        changes.push(Change::field(
            object,
            &format!("spec.calicoNetwork.{key}"),
            Some("firstFound: true (the operator's default)".into()),
            Some(format!("cidrs: {}", cidrs.join(", "))),
            &known,
            "calico-node picks the first address it finds unless told; the node ranges are the addresses BGP and the routes use",
        ));
        // One detection method only (the operator's validation): the others are removed.
        network.insert(
            key.into(),
            json!({
                "cidrs": cidrs,
                "firstFound": null,
                "kubernetes": null,
                "interface": null,
                "skipInterface": null,
                "canReach": null,
            }),
        );
    }
    let mut spec = json!({ "calicoNetwork": network });
    if ctx.terway() {
        // `affinity` replaces the DaemonSet's whole affinity; the operator sets none of its
        // own outside AKS and EKS (tigera/operator `pkg/render/node.go`).
        spec["calicoNodeDaemonSet"] =
            json!({ "spec": { "template": { "spec": { "affinity": dc_only_affinity() } } } });
        changes.push(Change::field(
            object,
            "spec.calicoNodeDaemonSet.spec.template.spec.affinity",
            None,
            Some(format!("{} NotIn [true]", facts::ECS_NODE_LABEL)),
            &known,
            AFFINITY_WHY,
        ));
    }
    let mut file = installation_file(ctx, "calico-installation-node", placement_about(ctx), spec);
    file.changes = changes;
    file
}

fn pool_object(ctx: &Context, pool: &PlannedPool) -> Value {
    let mut spec = json!({
        "cidr": pool.cidr.to_string(),
        "blockSize": pool.block_size,
        "ipipMode": pool.ipip_mode.as_str(),
        "vxlanMode": pool.vxlan_mode.as_str(),
        "natOutgoing": pool.nat_outgoing,
        "nodeSelector": pool.node_selector,
    });
    if pool.disabled {
        spec["disabled"] = json!(true);
    }
    if pool.role == PoolRole::CloudNoSnat {
        // It only marks the cloud ranges as not SNATed: BIRD must not export routes that
        // fall in it (bird_ipam.cfg.template accepts what lies in any pool otherwise).
        spec["disableBGPExport"] = json!(true);
    }
    ctx.resource(CALICO_API, "IPPool", &pool.name, &[], spec)
}

fn describe(pool: &PlannedPool) -> String {
    format!(
        "{} /{} blocks, ipipMode {}, vxlanMode {}, natOutgoing {}{}",
        pool.cidr,
        pool.block_size,
        pool.ipip_mode.as_str(),
        pool.vxlan_mode.as_str(),
        pool.nat_outgoing,
        if pool.disabled { ", disabled" } else { "" }
    )
}

fn created_why(pool: &PlannedPool, pools: &PoolPlan) -> String {
    match pool.role {
        PoolRole::Temporary => "holds the pods while their pool is recreated with another block size; deleted at the end of the migration (see the steps)".into(),
        PoolRole::CloudNoSnat => "disabled, so it hands out nothing: DC pods keep their own addresses toward the cloud ranges (natOutgoing leaves destinations inside any pool alone)".into(),
        _ if pools.migrations.iter().any(|m| m.to == pool.name) => "the pool the pods move to; the old pool is disabled later".into(),
        _ => "the planned pod range has no pool yet".into(),
    }
}

/// New pools: the planned pod ranges no live pool has, and the disabled pools over the
/// cloud ranges (routed modes). An operator install owns only the pod pools (in the
/// `Installation`); the disabled pools are created beside it.
fn created_pools(ctx: &Context, pools: &PoolPlan) -> Option<File> {
    let operator = ctx.installed.install != CniInstall::Manifest;
    let created: Vec<&PlannedPool> = pools
        .pools
        .iter()
        .chain(&pools.temporary)
        .filter(|p| {
            p.live.is_none()
                && !(operator && matches!(p.role, PoolRole::DcPods | PoolRole::Temporary))
        })
        .collect();
    if created.is_empty() {
        return None;
    }
    let routed = ctx.mode.selected.is_routed();
    let mut file = File::new(
        "calico",
        "calico-ippools.yaml",
        Apply::Calicoctl,
        &[if routed {
            "New IP pools: disabled pools over the cloud ranges so DC pods reach them without SNAT, and any planned pod range the cluster has no pool for."
        } else {
            "New IP pools: the planned pod ranges the cluster has no pool for."
        }],
    );
    for pool in created {
        file.changes.push(Change::created(
            format!("IPPool {}", pool.name),
            describe(pool),
            created_why(pool, pools),
        ));
        file.docs.push(pool_object(ctx, pool));
    }
    Some(file)
}

/// Why each field of a live pool changes, and why after the BGP files.
fn field_why(field: &str, routed: bool) -> &'static str {
    match field {
        "ipipMode" | "vxlanMode" if routed => {
            "routed mode: no encapsulation. After the BGP peers and configuration: with it off, a packet to a pod on another subnet leaves through the DC edge, which must already hold that block's route (check the edge's routes first)"
        }
        "ipipMode" | "vxlanMode" => {
            "the overlay mode's encapsulation; switching it can reset connections in flight"
        }
        "nodeSelector" => {
            "the pool serves the nodes that run Calico: beside Terway the DC nodes only"
        }
        "natOutgoing" => {
            "pods leave the cluster behind their node's address, except toward other pools"
        }
        "disabled" => {
            "a disabled pool hands out no addresses: pods move off it (migration) or it only marks a range as not SNATed"
        }
        _ => "",
    }
}

/// Each field of a live pool that the plan changes, before and after.
fn pool_field_changes(
    ctx: &Context,
    pools: &PoolPlan,
    live: &ExistingPool,
    planned: &PlannedPool,
    disable: bool,
    fields: &[(&str, String, String)],
) -> Vec<Change> {
    let j = planned.live.unwrap_or(0);
    let known = pools.live_path(j).unwrap_or_else(|| ctx.default_install());
    let routed = ctx.mode.selected.is_routed();
    let mut out: Vec<Change> = fields
        .iter()
        .filter(|(_, before, after)| before != after)
        .map(|(field, before, after)| {
            Change::field(
                format!("IPPool {}", live.name),
                &format!("spec.{field}"),
                Some(before.clone()),
                Some(after.clone()),
                &known,
                field_why(field, routed),
            )
        })
        .collect();
    if disable && !live.disabled {
        out.push(Change::field(
            format!("IPPool {}", live.name),
            "spec.disabled",
            Some("false".into()),
            Some("true".into()),
            &known,
            "migration: no new pod takes an address from it; its pods move when recreated (see the steps)",
        ));
    }
    out
}

fn live_fields(live: &ExistingPool) -> [String; 4] {
    [
        live.ipip_mode.as_str().to_owned(),
        live.vxlan_mode.as_str().to_owned(),
        live.nat_outgoing.to_string(),
        live.node_selector.clone().unwrap_or_else(|| "all()".into()),
    ]
}

fn planned_fields(p: &PlannedPool) -> [String; 4] {
    [
        p.ipip_mode.as_str().to_owned(),
        p.vxlan_mode.as_str().to_owned(),
        p.nat_outgoing.to_string(),
        p.node_selector.clone(),
    ]
}

const FIELDS: [&str; 4] = ["ipipMode", "vxlanMode", "natOutgoing", "nodeSelector"];

fn zip_fields(live: [String; 4], planned: [String; 4]) -> Vec<(&'static str, String, String)> {
    FIELDS
        .iter()
        .zip(live.into_iter().zip(planned))
        .map(|(f, (b, a))| (*f, b, a))
        .collect()
}

/// Manifest install: the live pools changed by name (calicoctl replaces a pool's spec, so
/// each is written whole, with what the spec knows of it), and the pools pods leave
/// disabled. Last, after the BGP files.
fn pool_changes(ctx: &Context, pools: &PoolPlan) -> Vec<File> {
    let mut file = File::new(
        "calico",
        "calico-ippool-changes.yaml",
        Apply::Calicoctl,
        &[
            "The cluster's IP pools, changed by name. Apply after the BGP files: encapsulation goes",
            "off only once the DC edge holds the block routes. calicoctl apply replaces a pool's",
            "spec: fields not written here (allowedUses, disableBGPExport) return to their defaults.",
        ],
    );
    let mut after_migration = File::new(
        "calico",
        "calico-ippools-after-migration.yaml",
        Apply::Calicoctl,
        &[
            "Apply only at the step of the block-size migration that says so: a pool with a new",
            "block size over the same range can be created only once the old pool is deleted.",
        ],
    );
    for planned in pools.pools.iter().filter(|p| p.role != PoolRole::Kept) {
        let Some(j) = planned.live else { continue };
        let live = &pools.live[j];
        let resized = live.block_size != planned.block_size;
        let changes = zip_fields(live_fields(live), planned_fields(planned));
        let mut field_changes = pool_field_changes(ctx, pools, live, planned, false, &changes);
        if live.disabled != planned.disabled {
            field_changes.push(Change::field(
                format!("IPPool {}", live.name),
                "spec.disabled",
                Some(live.disabled.to_string()),
                Some(planned.disabled.to_string()),
                &pools.live_path(j).unwrap_or_else(|| ctx.default_install()),
                field_why("disabled", true),
            ));
        }
        if resized {
            after_migration.docs.push(pool_object(ctx, planned));
            after_migration.changes.push(Change::created(
                format!("IPPool {}", planned.name),
                describe(planned),
                "recreated with the planned block size once the old pool is gone (block-size migration)",
            ));
        } else if !field_changes.is_empty() {
            file.docs.push(pool_object(ctx, planned));
            file.changes.extend(field_changes);
        }
    }
    for m in &pools.migrations {
        let live = &pools.live[m.from];
        let disabled = PlannedPool::disabled(live, m.from);
        if !live.disabled {
            file.docs.push(pool_object(ctx, &disabled));
            file.changes
                .extend(pool_field_changes(ctx, pools, live, &disabled, true, &[]));
        }
    }
    [file, after_migration]
        .into_iter()
        .filter(|f| !f.docs.is_empty())
        .collect()
}

/// The operator's name for an encapsulation (tigera/operator `api/v1/installation_types.go`
/// `EncapsulationType`).
fn encapsulation(ipip: EncapMode, vxlan: EncapMode) -> &'static str {
    match (ipip, vxlan) {
        (EncapMode::Always, _) => "IPIP",
        (EncapMode::CrossSubnet, _) => "IPIPCrossSubnet",
        (_, EncapMode::Always) => "VXLAN",
        (_, EncapMode::CrossSubnet) => "VXLANCrossSubnet",
        _ => "None",
    }
}

/// A pool as an entry of `Installation.spec.calicoNetwork.ipPools`.
fn operator_pool(ctx: &Context, pool: &PlannedPool) -> Value {
    let mut entry = json!({
        "name": pool.name,
        "cidr": pool.cidr.to_string(),
        "blockSize": pool.block_size,
        "encapsulation": encapsulation(pool.ipip_mode, pool.vxlan_mode),
        "natOutgoing": if pool.nat_outgoing { "Enabled" } else { "Disabled" },
        "nodeSelector": pool.node_selector,
    });
    if pool.disabled {
        if ctx
            .installed
            .at_least(versions::CALICO_DISABLE_NEW_ALLOCATIONS)
        {
            entry["disableNewAllocations"] = json!(true);
        } else {
            entry["nodeSelector"] = json!("!all()");
        }
    }
    entry
}

/// The operator's list of pools, whole, for a state of the rollout.
pub(crate) fn operator_pool_list(ctx: &Context, pools: &[PlannedPool]) -> Value {
    Value::Array(pools.iter().map(|p| operator_pool(ctx, p)).collect())
}

/// Operator install: the pools in `Installation.spec.calicoNetwork.ipPools`, the whole
/// list (a merge patch and Helm both replace lists): the pod pools with their planned
/// settings, and the pools pods leave, disabled. The operator reconciles IPPools from it
/// and reverts direct edits (Calico 3.28+; tigera/operator `pool_controller.go`).
fn installation_pools(ctx: &Context, pools: &PoolPlan) -> Vec<File> {
    let mut listed: Vec<PlannedPool> = Vec::new();
    let mut changes = Vec::new();
    let object = "Installation default";
    for planned in pools.pools.iter().filter(|p| p.role == PoolRole::DcPods) {
        match planned.live {
            Some(j) if pools.live[j].block_size != planned.block_size => {
                // The same range with another block size waits for the old pool to go;
                // meanwhile the pods move to the temporary pool.
                let old = PlannedPool::disabled(&pools.live[j], j);
                changes.push(Change::field(
                    object,
                    &format!("spec.calicoNetwork.ipPools[{}]", old.name),
                    Some("enabled".into()),
                    Some("disabled (no new allocations)".into()),
                    &pools.live_path(j).unwrap_or_else(|| ctx.default_install()),
                    "block-size migration: the pods move to the temporary pool first (see the steps)",
                ));
                listed.push(old);
                for temporary in &pools.temporary {
                    if pools.migrations.iter().any(|m| m.from == j && matches!(&m.kind, crate::installed::pools::MigrationKind::BlockSize { temporary: t } if *t == temporary.name)) {
                        changes.push(Change::created(
                            format!("{object}: ipPools[{}]", temporary.name),
                            describe(temporary),
                            created_why(temporary, pools),
                        ));
                        listed.push(temporary.clone());
                    }
                }
            }
            Some(j) => {
                let live = &pools.live[j];
                let before = encapsulation(live.ipip_mode, live.vxlan_mode);
                let after = encapsulation(planned.ipip_mode, planned.vxlan_mode);
                let known = pools.live_path(j).unwrap_or_else(|| ctx.default_install());
                let at = format!("spec.calicoNetwork.ipPools[{}]", planned.name);
                for (field, b, a, why) in [
                    (
                        "encapsulation",
                        before.to_owned(),
                        after.to_owned(),
                        field_why("ipipMode", ctx.mode.selected.is_routed()),
                    ),
                    (
                        "natOutgoing",
                        on_off(live.nat_outgoing),
                        on_off(planned.nat_outgoing),
                        field_why("natOutgoing", true),
                    ),
                    (
                        "nodeSelector",
                        live.node_selector.clone().unwrap_or_else(|| "all()".into()),
                        planned.node_selector.clone(),
                        field_why("nodeSelector", true),
                    ),
                ] {
                    if b != a {
                        changes.push(Change::field(
                            object,
                            &format!("{at}.{field}"),
                            Some(b),
                            Some(a),
                            &known,
                            why,
                        ));
                    }
                }
                listed.push(planned.clone());
            }
            None => {
                changes.push(Change::created(
                    format!("{object}: ipPools[{}]", planned.name),
                    describe(planned),
                    created_why(planned, pools),
                ));
                listed.push(planned.clone());
            }
        }
    }
    for m in &pools.migrations {
        if matches!(m.kind, crate::installed::pools::MigrationKind::Cidr) {
            let old = PlannedPool::disabled(&pools.live[m.from], m.from);
            changes.push(Change::field(
                object,
                &format!("spec.calicoNetwork.ipPools[{}]", old.name),
                Some("enabled".into()),
                Some("disabled (no new allocations)".into()),
                &pools.live_path(m.from).unwrap_or_else(|| ctx.default_install()),
                "migration: no new pod takes an address from it; its pods move when recreated (see the steps)",
            ));
            listed.push(old);
        }
    }
    if changes.is_empty() {
        return Vec::new();
    }
    let spec = json!({ "calicoNetwork": { "ipPools": operator_pool_list(ctx, &listed) } });
    let mut file = installation_file(
        ctx,
        "calico-installation-ippools",
        &[
            "The pod pools, as the operator owns them: the whole list. Apply after the BGP files:",
            "encapsulation goes off only once the DC edge holds the block routes. A pool the",
            "operator owns and this list leaves out is deleted by it.",
        ],
        spec,
    );
    file.changes = changes;
    vec![file]
}

fn on_off(nat: bool) -> String {
    if nat { "Enabled" } else { "Disabled" }.to_owned()
}

/// Makes each named DC node a route reflector, one file per node so they go one at a
/// time: the Calico cluster ID and the route-reflector label in one object, applied at
/// once.
fn route_reflector_nodes(ctx: &Context) -> Vec<File> {
    let mut out = Vec::new();
    for name in &ctx.spec.on_prem.route_reflector_nodes {
        let mut file = File::new(
            "calico",
            &format!("calico-route-reflector-{name}.yaml"),
            Apply::Patch,
            &[
                "Makes this DC node a route reflector: Calico cluster ID and the route-reflector label.",
                "It leaves the full mesh at once and serves its clients through the BGP peers applied before;",
                "check its sessions (calicoctl node status) before the next route reflector.",
            ],
        );
        let mut meta = ctx.metadata(name, None, &[(RR_LABEL, "true")]);
        meta["annotations"] =
            json!({ facts::CALICO_RR_CLUSTER_ID_ANNOTATION: facts::CALICO_RR_CLUSTER_ID });
        file.docs
            .push(json!({ "apiVersion": "v1", "kind": "Node", "metadata": meta }));
        file.changes.push(Change::field(
            format!("Node {name}"),
            &format!("metadata.labels.{RR_LABEL}"),
            None,
            Some("true".into()),
            "/onPrem/routeReflectorNodes",
            "selects it as a route reflector for the BGP peers",
        ));
        file.changes.push(Change::field(
            format!("Node {name}"),
            &format!(
                "metadata.annotations.{}",
                facts::CALICO_RR_CLUSTER_ID_ANNOTATION
            ),
            None,
            Some(facts::CALICO_RR_CLUSTER_ID.into()),
            "/onPrem/routeReflectorNodes",
            "makes calico-node on it reflect routes to its clients; it leaves the mesh at once",
        ));
        out.push(file);
    }
    out
}

fn bgp_peer(ctx: &Context, name: String, spec: Value) -> Value {
    ctx.resource(CALICO_API, "BGPPeer", &name, &[], spec)
}

/// Clients to route reflectors, and the speakers that peer with the DC edge routers.
fn peers(ctx: &Context) -> File {
    let op = &ctx.spec.on_prem;
    let rr = ctx.mode.bgp_topology == BgpTopology::RouteReflectors;
    let mut about = vec![
        "BGP peers: ".to_owned()
            + match (rr, ctx.mode.selected.is_routed()) {
                (true, true) => {
                    "every DC node to the route reflectors, the route reflectors to the DC edge."
                }
                (true, false) => "every DC node to the route reflectors.",
                (false, _) => "every DC node to the DC edge.",
            },
    ];
    if rr && op.route_reflector_nodes.is_empty() {
        about.push(format!(
            "After applying: pick {} DC nodes (onPrem.routeReflectorNodes names them for you) and, one at a time,",
            ctx.mode.route_reflectors
        ));
        about.push(
            "make each a route reflector in one change (it leaves the mesh at once), then check its sessions:"
                .into(),
        );
        about.push(format!(
            "  kubectl patch node NAME --type merge -p '{{\"metadata\":{{\"labels\":{{\"{RR_LABEL}\":\"true\"}},\"annotations\":{{\"{}\":\"{}\"}}}}}}'",
            facts::CALICO_RR_CLUSTER_ID_ANNOTATION,
            facts::CALICO_RR_CLUSTER_ID
        ));
        about.push("  calicoctl node status (on it: every client Established)".into());
    }
    let about: Vec<&str> = about.iter().map(String::as_str).collect();
    let mut file = File::new("calico", "calico-bgp-peers.yaml", Apply::Calicoctl, &about);
    if rr {
        // The DC nodes only: ECS nodes run Terway, and a selector that took them would have
        // the route reflectors wait for sessions to nodes without calico-node.
        let name = format!("{}-route-reflector-clients", ctx.name());
        file.changes.push(Change::created(
            format!("BGPPeer {name}"),
            "every DC node peers with the route reflectors".into(),
            "the sessions that replace the full mesh; they must be up before the mesh goes off",
        ));
        file.docs.push(bgp_peer(
            ctx,
            name,
            json!({ "nodeSelector": dc_nodes_selector(), "peerSelector": RR_SELECTOR }),
        ));
    }
    if ctx.mode.selected.is_routed() {
        let speakers = if rr {
            RR_SELECTOR.to_owned()
        } else {
            dc_nodes_selector()
        };
        for (i, edge) in op.edge_routers.iter().enumerate() {
            // IPv6 routes travel on a session between IPv6 addresses (BIRD's IPv6 side).
            for (ip, suffix) in [(Some(edge.ip), ""), (edge.ipv6, "-ipv6")] {
                if let Some(ip) = ip {
                    // A peering the cluster has with this router is changed by name: a
                    // second BGPPeer to it would open a second session.
                    let existing = op.existing_peer(ip);
                    let name = existing.map_or_else(
                        || format!("{}-dc-edge-{i}{suffix}", ctx.name()),
                        |p| p.name.clone(),
                    );
                    let after = format!("{speakers} peer with {ip} (AS {})", edge.as_number);
                    let why = "the DC edge learns the pod blocks and passes them to the VBR";
                    file.changes.push(match existing {
                        Some(p) => Change::field(
                            format!("BGPPeer {name}"),
                            "spec",
                            Some(format!("{} (AS {})", p.peer_ip, p.as_number)),
                            Some(after),
                            "/onPrem/cni/existingPeers",
                            format!("{why}; calicoctl apply replaces the peer's spec"),
                        ),
                        None => Change::created(format!("BGPPeer {name}"), after, why),
                    });
                    file.docs.push(bgp_peer(
                        ctx,
                        name,
                        peer_spec(ctx, &speakers, ip, edge.as_number, rr),
                    ));
                }
            }
        }
    }
    file
}

/// A BGP peer to a DC edge router. Route reflectors pass on each block's route with the
/// owning node as next hop, so the edge forwards straight to it: `nextHopMode: Keep` from
/// Calico 3.30.2, `keepOriginalNextHop: true` before (which acts on eBGP peers only; see
/// the `next-hop-self` diagnostic).
fn peer_spec(
    ctx: &Context,
    speakers: &str,
    ip: std::net::IpAddr,
    asn: u32,
    reflectors: bool,
) -> Value {
    let mut spec = json!({ "nodeSelector": speakers, "peerIP": ip.to_string(), "asNumber": asn });
    if reflectors {
        if ctx.installed.at_least(versions::CALICO_NEXT_HOP_MODE) {
            spec["nextHopMode"] = json!("Keep");
        } else {
            spec["keepOriginalNextHop"] = json!(true);
        }
    }
    spec
}

/// The global BGP settings: the DC AS, the mesh on or off, and the service ranges the DC
/// edge learns in routed modes.
fn bgp_configuration(ctx: &Context) -> File {
    let op = &ctx.spec.on_prem;
    let rr = ctx.mode.bgp_topology == BgpTopology::RouteReflectors;
    let mut spec = json!({
        "asNumber": op.as_number,
        "nodeToNodeMeshEnabled": !rr,
        "logSeverityScreen": "Info",
    });
    let mut file = File::new(
        "calico",
        "calico-bgp-configuration.yaml",
        Apply::Calicoctl,
        &[
            if rr {
                "Global BGP settings. Turns the full mesh off: apply only once the route-reflector sessions are up."
            } else {
                "Global BGP settings: the DC AS number and the node-to-node mesh."
            },
            "calicoctl apply replaces the spec of an existing BGPConfiguration default: add any other field it sets today.",
        ],
    );
    let object = "BGPConfiguration default";
    // Calico's defaults where no BGPConfiguration sets a field: mesh on, AS 64512, no
    // service advertisement (projectcalico/calico `api/pkg/apis/projectcalico/v3/bgpconfig.go`).
    let known = "Calico's defaults, where BGPConfiguration default does not set the field";
    if rr {
        file.changes.push(Change::field(
            object,
            "spec.nodeToNodeMeshEnabled",
            Some("true".into()),
            Some("false".into()),
            known,
            "the route reflectors replace the mesh; only after their sessions are up (calicoctl node status), or pod routes are withdrawn",
        ));
    }
    if ctx.mode.selected.is_routed() {
        let services: Vec<Value> = op
            .service_cidrs
            .iter()
            .map(|c| json!({ "cidr": c.cidr.to_string() }))
            .collect();
        file.changes.push(Change::field(
            object,
            "spec.serviceClusterIPs",
            None,
            Some(
                op.service_cidrs
                    .iter()
                    .map(|c| c.cidr.to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
            known,
            "the DC edge learns the service ranges, so the cloud reaches cluster IPs through the DC nodes",
        ));
        spec["serviceClusterIPs"] = json!(services);
    }
    file.docs
        .push(ctx.resource(CALICO_API, "BGPConfiguration", "default", &[], spec));
    file
}
