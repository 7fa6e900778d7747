//! Manifests: the Kubernetes and Calico/Cilium resources an operator applies.

use serde::{Deserialize, Serialize};

/// One file to apply: multi-document YAML for `kubectl apply -f` or `calicoctl apply -f`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Manifest {
    /// `calico`, `terway`, `flannel` or `cilium`.
    pub component: String,
    /// File name to write it under (`--out DIR`).
    pub file: String,
    pub yaml: String,
}
