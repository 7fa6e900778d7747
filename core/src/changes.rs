//! Changes to live objects, before and after: what an operator reviews before a rollout,
//! not only the end state the manifests describe.

use serde::{Deserialize, Serialize};

/// One field of one live object that the plan changes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Change {
    /// The object, as `Kind namespace/name` (`IPPool default-ipv4-ippool`,
    /// `DaemonSet kube-system/calico-node`).
    pub object: String,
    /// The field, as a dotted path in the object (`spec.ipipMode`); empty for the whole
    /// object (created or deleted).
    pub field: String,
    /// Today's value; `null`: not set, or the object does not exist yet.
    pub before: Option<String>,
    /// The planned value; `null`: removed.
    pub after: Option<String>,
    /// Where today's value comes from: a spec pointer (`/onPrem/cni/existingPools/0`), or
    /// the default install the plan assumes.
    pub known_from: String,
    /// Why the change, and why at this point of the rollout.
    pub why: String,
    /// The manifest file that makes it, or the step that does.
    pub by: String,
}

impl Change {
    /// A change of one field; `by` is filled in when the files are numbered.
    pub(crate) fn field(
        object: impl Into<String>,
        field: &str,
        before: Option<String>,
        after: Option<String>,
        known_from: &str,
        why: impl Into<String>,
    ) -> Change {
        Change {
            object: object.into(),
            field: field.to_owned(),
            before,
            after,
            known_from: known_from.to_owned(),
            why: why.into(),
            by: String::new(),
        }
    }

    /// An object the plan creates.
    pub(crate) fn created(
        object: impl Into<String>,
        what: String,
        why: impl Into<String>,
    ) -> Change {
        Change::field(object, "", None, Some(what), "", why)
    }
}
