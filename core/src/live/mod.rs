//! The cluster as it runs: the objects of `kubectl get … -o json` (a `v1` `List`, a single
//! object, or several such documents one after another), read once for `import` and
//! `diff`.

pub mod cni;
mod scheduling;

pub use scheduling::runs_on;

use crate::diagnostic::{Code, Diagnostic};
use crate::spec::Version;
use serde_json::Value;

/// The most objects read from one input (a large cluster's nodes, DaemonSets, Deployments
/// and ConfigMaps stay far below it).
const MAX_OBJECTS: usize = 200_000;

/// Input that is not `kubectl … -o json` output.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LiveError(pub Diagnostic);

impl std::fmt::Display for LiveError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0.message)
    }
}

impl std::error::Error for LiveError {}

fn unreadable(path: impl Into<String>, message: impl Into<String>) -> LiveError {
    LiveError(
        Diagnostic::new(Code::LiveUnreadable, path, message)
            .hint("give the output of the kubectl get command in the README (-o json), unchanged"),
    )
}

/// One object of the cluster.
#[derive(Clone, Debug, PartialEq)]
pub struct Object {
    pub kind: String,
    pub group: String,
    pub name: String,
    pub namespace: String,
    pub value: Value,
    /// Where it is in the input: `/0/items/3` (document, then item).
    pub at: String,
}

impl Object {
    /// `Kind namespace/name`, or `Kind name` for a cluster-scoped object.
    pub fn display(&self) -> String {
        if self.namespace.is_empty() {
            format!("{} {}", self.kind, self.name)
        } else {
            format!("{} {}/{}", self.kind, self.namespace, self.name)
        }
    }

    pub fn get(&self, pointer: &str) -> Option<&Value> {
        self.value.pointer(pointer)
    }

    pub fn str(&self, pointer: &str) -> Option<&str> {
        self.get(pointer).and_then(Value::as_str)
    }

    pub fn label(&self, key: &str) -> Option<&str> {
        self.value["metadata"]["labels"]
            .get(key)
            .and_then(Value::as_str)
    }

    pub fn annotation(&self, key: &str) -> Option<&str> {
        self.value["metadata"]["annotations"]
            .get(key)
            .and_then(Value::as_str)
    }

    /// Installed by Helm: the release annotation Helm 3 puts on what it creates.
    pub fn helm_release(&self) -> Option<&str> {
        self.annotation("meta.helm.sh/release-name")
    }

    /// The release of the first container image among `names` (`quay.io/calico/node:v3.28.2`,
    /// digests and registries ignored).
    pub fn image_version(&self, names: &[&str]) -> Option<(Version, String)> {
        let containers = self.get("/spec/template/spec/containers")?.as_array()?;
        containers.iter().find_map(|c| {
            let image = c["image"].as_str()?;
            let without_digest = image.split('@').next()?;
            let (repo, tag) = without_digest.rsplit_once(':')?;
            let base = repo.rsplit('/').next()?;
            if !names.contains(&base) {
                return None;
            }
            Some((Version::parse(tag)?, image.to_owned()))
        })
    }

    /// The `data` value of a ConfigMap.
    pub fn data(&self, key: &str) -> Option<&str> {
        self.value["data"].get(key).and_then(Value::as_str)
    }
}

/// The objects of one input.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Cluster {
    pub objects: Vec<Object>,
}

impl Cluster {
    /// Reads `kubectl … -o json` output: one or more JSON documents, each a `List` (its
    /// `items`) or a single object.
    pub fn from_json(text: &str) -> Result<Cluster, LiveError> {
        let mut objects = Vec::new();
        let stream = serde_json::Deserializer::from_str(text).into_iter::<Value>();
        let mut documents = 0;
        for (i, doc) in stream.enumerate() {
            let doc = doc.map_err(|e| {
                unreadable(
                    format!("/{i}"),
                    format!("document {} is not JSON: {e}", i + 1),
                )
            })?;
            documents += 1;
            match doc.get("items") {
                Some(Value::Array(items)) => {
                    for (k, item) in items.iter().enumerate() {
                        objects.push(object(item, format!("/{i}/items/{k}"))?);
                    }
                }
                _ => objects.push(object(&doc, format!("/{i}"))?),
            }
            if objects.len() > MAX_OBJECTS {
                return Err(unreadable(
                    format!("/{i}"),
                    format!("more than {MAX_OBJECTS} objects"),
                ));
            }
        }
        if documents == 0 {
            return Err(unreadable("", "the input is empty"));
        }
        Ok(Cluster { objects })
    }

    /// Objects of `kind` (any group).
    pub fn of_kind<'a>(&'a self, kind: &str) -> impl Iterator<Item = &'a Object> + 'a {
        let kind = kind.to_owned();
        self.objects.iter().filter(move |o| o.kind == kind)
    }

    pub fn find(&self, kind: &str, namespace: Option<&str>, name: &str) -> Option<&Object> {
        self.of_kind(kind)
            .find(|o| o.name == name && namespace.is_none_or(|ns| o.namespace == ns))
    }

    /// The Calico objects of `kind`, one per name: the `projectcalico.org/v3` copy where
    /// the API server serves both it and the `crd.projectcalico.org/v1` one.
    pub fn calico(&self, kind: &str) -> Vec<&Object> {
        let mut out: Vec<&Object> = Vec::new();
        for o in self
            .of_kind(kind)
            .filter(|o| o.group.ends_with("projectcalico.org"))
        {
            match out.iter().position(|p| p.name == o.name) {
                Some(i) if o.group == "projectcalico.org" => out[i] = o,
                Some(_) => {}
                None => out.push(o),
            }
        }
        out
    }
}

fn object(value: &Value, at: String) -> Result<Object, LiveError> {
    let text = |key: &str| value.get(key).and_then(Value::as_str);
    let (Some(kind), Some(api_version)) = (text("kind"), text("apiVersion")) else {
        return Err(unreadable(
            at,
            "not a Kubernetes object: no kind or apiVersion",
        ));
    };
    let meta = &value["metadata"];
    let Some(name) = meta["name"].as_str() else {
        return Err(unreadable(
            format!("{at}/metadata/name"),
            format!("a {kind} without metadata.name"),
        ));
    };
    let group = api_version
        .rsplit_once('/')
        .map_or("", |(g, _)| g)
        .to_owned();
    Ok(Object {
        kind: kind.to_owned(),
        group,
        name: name.to_owned(),
        namespace: meta["namespace"].as_str().unwrap_or_default().to_owned(),
        value: value.clone(),
        at,
    })
}
