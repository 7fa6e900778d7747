//! Terway on the ECS nodes: ACK installs and configures it on a registered cluster (see
//! [`crate::terway`]), so the only objects the plan writes are the dynamic configs of the
//! ECS node pools whose settings differ.

use super::{Apply, Context, File};
use crate::changes::Change;
use crate::terway::{DYNAMIC_CONFIG_LABEL, TerwayComponent};
use serde_json::json;

pub(super) fn files(ctx: &Context, component: &TerwayComponent, out: &mut Vec<File>) {
    if component.node_pools.is_empty() {
        return;
    }
    let mut file = File::new(
        "terway",
        "terway-node-pools.yaml",
        Apply::Kubectl,
        &[
            "Terway's dynamic config per ECS node pool: merged over eni-config's eni_conf (RFC 7396) on the",
            "nodes labelled terway-config=<name>, when terway starts; restart terway on them after applying.",
        ],
    );
    for pool in &component.node_pools {
        file.changes.push(Change::created(
            format!("ConfigMap kube-system/{}", pool.config_map),
            pool.eni_conf.clone(),
            format!(
                "node pool {}: its nodes carry {DYNAMIC_CONFIG_LABEL}={}",
                pool.name, pool.config_map
            ),
        ));
        file.docs.push(json!({
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": ctx.metadata(&pool.config_map, Some("kube-system"), &[]),
            "data": { "eni_conf": pool.eni_conf },
        }));
    }
    out.push(file);
}
