//! Calico's pool migrations as ordered steps: the part of "Migrate from one IP pool to
//! another" and "Change IP pool block size" that no manifest can hold (recreating pods,
//! deleting the old pool, waiting in between).

use super::{Inputs, Side, Step};
use crate::installed::pools::{
    CHANGE_BLOCK_SIZE_SOURCE, MIGRATE_POOLS_SOURCE, Migration, MigrationKind, PlannedPool,
    PoolPlan, PoolRole,
};
use crate::spec::CniInstall;
use serde_json::json;

pub(super) fn steps(inputs: &Inputs, pools: &PoolPlan) -> Vec<Step> {
    pools
        .migrations
        .iter()
        .map(|m| match &m.kind {
            MigrationKind::Cidr => cidr(inputs, pools, m),
            MigrationKind::BlockSize { temporary } => block_size(inputs, pools, m, temporary),
        })
        .collect()
}

fn operator(inputs: &Inputs) -> bool {
    inputs.installed.install != CniInstall::Manifest
}

/// The manifest whose name (after its order number) starts with `stem`.
fn file(inputs: &Inputs, stem: &str) -> String {
    inputs
        .manifests
        .iter()
        .find(|m| m.file.get(3..).is_some_and(|n| n.starts_with(stem)))
        .map_or_else(|| stem.to_owned(), |m| m.file.clone())
}

fn recreate(cidr: &str) -> String {
    format!(
        "recreate every pod with an address in {cidr}: find them with kubectl get pods -A -o wide, then kubectl rollout restart their workloads (or delete the pods); they restart and take addresses from an enabled pool"
    )
}

/// The operator's pool list at a point of the migration, as the patch that sets it.
fn operator_list(inputs: &Inputs, list: &[PlannedPool]) -> String {
    let patch =
        json!({ "spec": { "calicoNetwork": { "ipPools": operator_entries(inputs, list) } } });
    match inputs.installed.install {
        CniInstall::Helm => format!(
            "helm upgrade calico projectcalico/tigera-operator --version v{} --namespace tigera-operator --reuse-values --set-json 'installation.calicoNetwork.ipPools={}'",
            inputs.installed.version,
            operator_entries(inputs, list)
        ),
        _ => format!(
            "kubectl patch installation.operator.tigera.io default --type merge -p '{patch}'"
        ),
    }
}

fn operator_entries(inputs: &Inputs, list: &[PlannedPool]) -> serde_json::Value {
    let ctx = crate::manifests::Context {
        spec: inputs.spec,
        mode: inputs.mode,
        installed: inputs.installed,
        pools: inputs.pools,
        addressing: inputs.addressing,
        terway: inputs.terway,
    };
    crate::manifests::operator_pool_list(&ctx, list)
}

/// The pod pools of the end state but `except`.
fn pod_pools(pools: &PoolPlan, except: &str) -> Vec<PlannedPool> {
    pools
        .pools
        .iter()
        .filter(|p| p.role == PoolRole::DcPods && p.name != except)
        .cloned()
        .collect()
}

fn cidr(inputs: &Inputs, pools: &PoolPlan, m: &Migration) -> Step {
    let old = &pools.live[m.from];
    let to = pools.pools.iter().find(|p| p.name == m.to);
    let to_cidr = to.map_or_else(String::new, |p| p.cidr.to_string());
    let mut details = Vec::new();
    if operator(inputs) {
        details.push(format!(
            "{}: the operator creates {} and disables {}",
            file(inputs, "calico-installation-ippools"),
            m.to,
            old.name
        ));
    } else {
        details.push(format!(
            "{}: creates {} ({to_cidr}); {}: disables {} so no new pod takes an address from it",
            file(inputs, "calico-ippools.yaml"),
            m.to,
            file(inputs, "calico-ippool-changes.yaml"),
            old.name
        ));
    }
    details.push(recreate(&old.cidr.to_string()));
    details.push(format!(
        "check that new pods get addresses in {to_cidr} and that no pod is left in {}",
        old.cidr
    ));
    details.push(if operator(inputs) {
        format!(
            "remove {} from the Installation: {}",
            old.name,
            operator_list(inputs, &pod_pools(pools, ""))
        )
    } else {
        format!("calicoctl delete ippool {}", old.name)
    });
    details.push(format!(
        "if kube-proxy runs with --cluster-cidr, it must contain {to_cidr}, or traffic to the new pods is NATed"
    ));
    Step {
        side: Side::Dc,
        title: format!(
            "Move the pods of pool {} ({}) to {} ({to_cidr})",
            old.name, old.cidr, m.to
        ),
        details,
        source: Some(MIGRATE_POOLS_SOURCE.into()),
    }
}

fn block_size(inputs: &Inputs, pools: &PoolPlan, m: &Migration, temporary: &str) -> Step {
    let old = &pools.live[m.from];
    let temp = pools.temporary.iter().find(|t| t.name == temporary);
    let temp_cidr = temp.map_or_else(String::new, |t| t.cidr.to_string());
    let new = pools.pools.iter().find(|p| p.name == m.to);
    let new_size = new.map_or(0, |p| p.block_size);
    let mut details = Vec::new();
    if operator(inputs) {
        let mut with_temp = pod_pools(pools, &m.to);
        with_temp.extend(temp.cloned());
        let mut temp_disabled = temp.cloned();
        if let Some(t) = temp_disabled.as_mut() {
            t.disabled = true;
        }
        let mut end_with_temp = pod_pools(pools, "");
        end_with_temp.extend(temp_disabled);
        details.push(format!(
            "{}: the operator creates the temporary pool {temporary} ({temp_cidr}) and disables {}",
            file(inputs, "calico-installation-ippools"),
            old.name
        ));
        details.push(recreate(&old.cidr.to_string()));
        details.push(format!(
            "remove {} (the operator deletes it): {}",
            old.name,
            operator_list(inputs, &with_temp)
        ));
        details.push(format!(
            "recreate {} with /{new_size} blocks and disable the temporary pool: {}",
            m.to,
            operator_list(inputs, &end_with_temp)
        ));
        details.push(recreate(&temp_cidr));
        details.push(format!(
            "remove the temporary pool: {}",
            operator_list(inputs, &pod_pools(pools, ""))
        ));
    } else {
        details.push(format!(
            "{}: creates the temporary pool {temporary} ({temp_cidr}); {}: disables {}",
            file(inputs, "calico-ippools.yaml"),
            file(inputs, "calico-ippool-changes.yaml"),
            old.name
        ));
        details.push(recreate(&old.cidr.to_string()));
        details.push(format!(
            "calicoctl delete ippool {} (once no pod is left in it: a pool of another block size over the same range is refused while its blocks exist)",
            old.name
        ));
        details.push(format!(
            "{}: creates {} again with /{new_size} blocks",
            file(inputs, "calico-ippools-after-migration.yaml"),
            m.to
        ));
        details.push(format!(
            "calicoctl patch ippool {temporary} -p '{{\"spec\":{{\"disabled\":true}}}}'"
        ));
        details.push(recreate(&temp_cidr));
        details.push(format!("calicoctl delete ippool {temporary}"));
    }
    details.push(format!(
        "while in {temp_cidr}, pods reach the cloud and the DC only if that range is routed; expect lost external connectivity until they are back in {}",
        old.cidr
    ));
    Step {
        side: Side::Dc,
        title: format!(
            "Change the block size of pool {} ({}) from /{} to /{new_size}",
            old.name, old.cidr, old.block_size
        ),
        details,
        source: Some(CHANGE_BLOCK_SIZE_SOURCE.into()),
    }
}
