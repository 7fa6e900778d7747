//! Python glue for the pip package `hybridplan` (its API: docs/python.md): `plan`, `validate`,
//! `trace`, `import_cluster` (`import` is a keyword in Python), `diff`, `RouteTable` and
//! `SpecError`. No logic lives here: specs and plans cross as JSON text so
//! every rule is the core's, and results come back as plain dicts and lists.
#![cfg(not(target_family = "wasm"))]

use hybridplan::routing::PlanRoutes;
use hybridplan::{Cidr, Device, Endpoint, HybridCluster, SpecError as CoreSpecError, lpm};
use pyo3::create_exception;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyDict, PyList, PyString, PyTuple};

create_exception!(
    hybridplan,
    SpecError,
    PyValueError,
    "A spec, plan, prefix or address that cannot be read.\n\n`.code` is the diagnostic code of the first problem (`spec-invalid`, `cidr-syntax`, ...),\n`.path` its JSON Pointer, `.hint` what to do about it, and `.diagnostics` every problem\nfound, as dicts shaped like `Diagnostic`."
);

fn json_loads<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
    py.import("json")?.call_method1("loads", (text,))
}

fn json_dumps(value: &Bound<'_, PyAny>) -> PyResult<String> {
    value
        .py()
        .import("json")?
        .call_method1("dumps", (value,))?
        .extract()
}

fn to_py<'py, T: serde::Serialize>(py: Python<'py>, value: &T) -> PyResult<Bound<'py, PyAny>> {
    let text = serde_json::to_string(value).map_err(|e| PyValueError::new_err(e.to_string()))?;
    json_loads(py, &text)
}

/// A `SpecError` with its attributes set.
fn spec_error(
    py: Python<'_>,
    code: &str,
    path: &str,
    message: &str,
    hint: Option<&str>,
    diagnostics: Option<Bound<'_, PyAny>>,
) -> PyErr {
    let err = SpecError::new_err(message.to_owned());
    let value = err.value(py);
    let _ = value.setattr("code", code);
    let _ = value.setattr("path", path);
    let _ = value.setattr("hint", hint);
    let _ = value.setattr(
        "diagnostics",
        diagnostics.unwrap_or_else(|| PyList::empty(py).into_any()),
    );
    err
}

fn from_core(py: Python<'_>, e: CoreSpecError) -> PyErr {
    let list = to_py(py, &e.diagnostics()).ok();
    spec_error(
        py,
        e.code().as_str(),
        e.path(),
        &e.to_string(),
        e.hint(),
        list,
    )
}

/// A spec given as a dict, as JSON/YAML text, or as the bytes of such text.
fn read_spec(spec: &Bound<'_, PyAny>) -> PyResult<HybridCluster> {
    let py = spec.py();
    let parsed = if let Ok(text) = spec.cast::<PyString>() {
        match text.to_cow() {
            Ok(text) => HybridCluster::from_text(&text),
            // A str with lone surrogates has no UTF-8 form. Encoded with them kept, its
            // bytes are refused like any other that are not UTF-8, naming the offset.
            Err(_) => {
                let raw = text.call_method1("encode", ("utf-8", "surrogatepass"))?;
                HybridCluster::from_bytes(raw.cast::<PyBytes>()?.as_bytes())
            }
        }
    } else if let Ok(bytes) = spec.cast::<PyBytes>() {
        HybridCluster::from_bytes(bytes.as_bytes())
    } else if let Ok(bytes) = spec.cast::<PyByteArray>() {
        HybridCluster::from_bytes(&bytes.to_vec())
    } else if spec.is_instance_of::<PyDict>() {
        HybridCluster::from_json(&json_dumps(spec)?)
    } else {
        return Err(spec_error(
            py,
            "spec-invalid",
            "",
            "a spec is a dict, JSON/YAML text, or its bytes",
            None,
            None,
        ));
    };
    parsed.map_err(|e| from_core(py, e))
}

/// The plan of a spec: diagnostics, mode, addressing, routing, manifests, connectivity.
///
/// `spec` is a dict shaped like `HybridClusterSpec`, JSON or YAML text (str), or that
/// text's bytes (bytes, bytearray). Returns the plan as plain dicts and lists, typed as
/// `Plan`. Raises `SpecError` (a ValueError with .code, .path, .hint and .diagnostics)
/// when the spec cannot be read at all; every other problem is a diagnostic in the plan.
#[pyfunction]
fn plan<'py>(spec: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let cluster = read_spec(spec)?;
    let py = spec.py();
    let planned = py.detach(|| hybridplan::plan(&cluster));
    to_py(py, &planned)
}

/// The Alibaba Cloud side of the plan of `spec` as Terraform: a list of
/// `{"name": ..., "content": ...}`, one module (versions.tf, variables.tf, main.tf,
/// cloud_services.tf, security_groups.tf, outputs.tf).
///
/// `spec` is taken as `plan()` takes it, and `SpecError` raised likewise; a spec with errors
/// still renders (its plan's diagnostics say what is wrong).
#[pyfunction]
fn render_terraform<'py>(spec: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let cluster = read_spec(spec)?;
    let plan = hybridplan::plan(&cluster);
    to_py(spec.py(), &hybridplan::render::terraform(&cluster, &plan))
}

/// Every diagnostic of a spec, errors first: the plan's `diagnostics` alone.
///
/// `spec` is taken as `plan()` takes it, and `SpecError` raised likewise.
#[pyfunction]
fn validate<'py>(spec: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let cluster = read_spec(spec)?;
    to_py(spec.py(), &hybridplan::validate(&cluster))
}

/// A `SpecError` from the core's diagnostics: the first one's code, path and hint.
fn diagnostics_error(py: Python<'_>, list: &[hybridplan::Diagnostic], message: &str) -> PyErr {
    let first = list.first();
    spec_error(
        py,
        first.map_or("spec-invalid", |d| d.code().as_str()),
        first.map_or("", |d| d.path.as_str()),
        message,
        first.and_then(|d| d.hint.as_deref()),
        to_py(py, &list).ok(),
    )
}

/// Text given as str, bytes or bytearray.
fn text_arg(value: &Bound<'_, PyAny>, what: &str) -> PyResult<String> {
    let py = value.py();
    let unreadable = |message: String| spec_error(py, "live-unreadable", "", &message, None, None);
    let not_utf8 = || unreadable(format!("{what} is not UTF-8 text"));
    let bytes = if let Ok(text) = value.cast::<PyString>() {
        return text
            .to_cow()
            .map(|t| t.into_owned())
            .map_err(|_| not_utf8());
    } else if let Ok(b) = value.cast::<PyBytes>() {
        b.as_bytes().to_vec()
    } else if let Ok(b) = value.cast::<PyByteArray>() {
        b.to_vec()
    } else {
        return Err(unreadable(format!(
            "{what} must be the text of `kubectl get ... -o json` (str or bytes)"
        )));
    };
    String::from_utf8(bytes).map_err(|_| not_utf8())
}

/// The spec of the cluster whose `kubectl get ... -o json` output is `live`.
///
/// `live` is that output as str or bytes (a List, a single object, or several documents one
/// after another). `into`, a spec (dict or JSON/YAML text), gives what kubectl cannot show
/// (cloud, interconnect); its onPrem values are replaced by what the cluster shows.
/// Returns an `Imported`: the spec (dict), the same as commented YAML, where each value came
/// from, and what is missing. Raises `SpecError` (code `live-unreadable`) when `live` is not
/// kubectl's JSON, or the spec's code when `into` cannot be read.
#[pyfunction]
#[pyo3(signature = (live, *, into=None))]
fn import_cluster<'py>(
    live: &Bound<'py, PyAny>,
    into: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let py = live.py();
    let text = text_arg(live, "the cluster's objects")?;
    let base = match into {
        None => None,
        Some(spec) if spec.is_instance_of::<PyDict>() => Some(json_dumps(spec)?),
        Some(spec) => Some(text_arg(spec, "the spec")?),
    };
    hybridplan::import(&text, base.as_deref())
        .map_err(|e| diagnostics_error(py, &e.diagnostics(), &e.to_string()))
        .and_then(|imported| to_py(py, &imported))
}

/// Compares the plan of `spec` with the cluster whose objects `live` holds.
///
/// `spec` is taken as `plan()` takes it; `live` as `import_cluster()` takes it. Returns a
/// `Drift`: `inSync`, and each difference with where it is in the plan and in the cluster.
/// Raises `SpecError` when either cannot be read, or when the spec has errors (no plan to
/// compare with; `.diagnostics` lists them).
#[pyfunction]
fn diff<'py>(spec: &Bound<'py, PyAny>, live: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let py = spec.py();
    let cluster = read_spec(spec)?;
    let text = text_arg(live, "the cluster's objects")?;
    hybridplan::diff(&cluster, &text)
        .map_err(|e| diagnostics_error(py, &e.diagnostics(), &e.to_string()))
        .and_then(|drift| to_py(py, &drift))
}

/// A `SpecError` for text that is not a valid prefix or address, at `path`.
fn cidr_error(py: Python<'_>, e: hybridplan::CidrError, text: &str, path: &str) -> PyErr {
    let message = e.describe(text);
    spec_error(
        py,
        e.code().as_str(),
        path,
        &message,
        e.hint().as_deref(),
        None,
    )
}

fn address(py: Python<'_>, text: &str, path: &str) -> PyResult<std::net::IpAddr> {
    hybridplan::cidr::parse_addr(text).map_err(|e| cidr_error(py, e, text, path))
}

/// An address given as text, or as an int for IPv4.
fn ip_arg(ip: &Bound<'_, PyAny>) -> PyResult<std::net::IpAddr> {
    match ip.extract::<u32>() {
        Ok(v4) => Ok(std::net::IpAddr::V4(v4.into())),
        Err(_) => address(ip.py(), &ip.extract::<std::borrow::Cow<'_, str>>()?, "ip"),
    }
}

/// Follows a packet from `src` to `dst` through the route tables of a plan.
///
/// `plan` is what `plan()` returned (only its routing.tables are read); `src` and `dst` are
/// IP addresses as text; `src_node` and `dst_node` name the node each end runs on
/// (`dc-node` or `ecs-node`), which a pod address of an overlay needs; `fail` names devices
/// that are down (`["vbr-2"]`), for the path after that failure. Returns a `Trace`:
/// the hops, and an outcome of `delivered`, `no-route`, `loop`, `unknown-source` or
/// `ambiguous`. Raises `SpecError` for a malformed plan, address or node.
#[pyfunction]
#[pyo3(signature = (plan, src, dst, *, src_node=None, dst_node=None, fail=None))]
fn trace<'py>(
    plan: &Bound<'py, PyAny>,
    src: &str,
    dst: &str,
    src_node: Option<&str>,
    dst_node: Option<&str>,
    fail: Option<Vec<String>>,
) -> PyResult<Bound<'py, PyAny>> {
    let py = plan.py();
    let routes = PlanRoutes::from_json(&json_dumps(plan)?).map_err(|e| from_core(py, e))?;
    let src = Endpoint {
        addr: address(py, src, "src")?,
        node: node(py, src_node, "src_node")?,
    };
    let dst = Endpoint {
        addr: address(py, dst, "dst")?,
        node: node(py, dst_node, "dst_node")?,
    };
    let failed = fail
        .unwrap_or_default()
        .iter()
        .map(|t| {
            t.parse::<Device>()
                .map_err(|e| spec_error(py, "spec-invalid", "fail", &e.to_string(), None, None))
        })
        .collect::<PyResult<Vec<Device>>>()?;
    let trace = routes
        .trace_failed(src, dst, &failed, "fail")
        .map_err(|e| from_core(py, e))?;
    to_py(py, &trace)
}

/// The device `text` names, for the argument `path`.
fn node(py: Python<'_>, text: Option<&str>, path: &str) -> PyResult<Option<Device>> {
    text.map(|t| {
        t.parse::<Device>().map_err(|e| {
            spec_error(
                py,
                "spec-invalid",
                path,
                &e.to_string(),
                Some("dc-node or ecs-node"),
                None,
            )
        })
    })
    .transpose()
}

/// `text` as a prefix; a bad one is refused at `path`.
fn prefix(py: Python<'_>, text: &str, path: &str) -> PyResult<Cidr> {
    text.parse::<Cidr>()
        .map_err(|e| cidr_error(py, e, text, path))
}

/// Longest-prefix match over IPv4 and IPv6 prefixes, any Python object per prefix.
/// Lookups release the GIL; one table can be shared by threads.
#[pyclass(module = "hybridplan")]
struct RouteTable {
    table: lpm::RouteTable<Stored>,
    /// The objects of non-int values (see `Stored`); `None` once removed.
    objects: Vec<Option<Py<PyAny>>>,
    free: Vec<u32>,
}

/// A value as the table keeps it, in 32 bits (never zero, so a leaf's `Option<Stored>`
/// is 4 bytes too) so the lookup structure's leaves stay small: a non-negative int below
/// 2^31 − 1 (the usual next hop, AS number or index) inline as itself + 1, so a lookup
/// reads no Python object; anything else as `OBJECT |` its index in `objects`.
#[derive(Clone, Copy)]
struct Stored(std::num::NonZeroU32);

const OBJECT: u32 = 1 << 31;

impl RouteTable {
    fn value(&self, py: Python<'_>, stored: Option<&Stored>) -> PyResult<Py<PyAny>> {
        Ok(match stored {
            None => py.None(),
            Some(Stored(v)) if v.get() & OBJECT == 0 => {
                (v.get() - 1).into_pyobject(py)?.into_any().unbind()
            }
            Some(Stored(v)) => self.objects[(v.get() & !OBJECT) as usize]
                .as_ref()
                .map_or_else(|| py.None(), |o| o.clone_ref(py)),
        })
    }

    fn store(&mut self, value: &Bound<'_, PyAny>) -> PyResult<Stored> {
        if value.is_exact_instance_of::<pyo3::types::PyInt>()
            && let Ok(i) = value.extract::<u32>()
            && let Some(inline) = std::num::NonZeroU32::new(i.wrapping_add(1))
            && inline.get() & OBJECT == 0
        {
            return Ok(Stored(inline));
        }
        let object = Some(value.clone().unbind());
        let k = match self.free.pop() {
            Some(k) => {
                self.objects[k as usize] = object;
                k
            }
            None => {
                if self.objects.len() >= OBJECT as usize {
                    return Err(PyValueError::new_err(
                        "RouteTable holds at most 2^31 non-int values",
                    ));
                }
                self.objects.push(object);
                (self.objects.len() - 1) as u32
            }
        };
        // Never zero: OBJECT is set.
        std::num::NonZeroU32::new(OBJECT | k)
            .map(Stored)
            .ok_or_else(|| PyValueError::new_err("object index out of range"))
    }

    /// Gives back the value `stored` stands for, freeing its object slot.
    fn release(&mut self, py: Python<'_>, stored: Stored) -> PyResult<Py<PyAny>> {
        let value = self.value(py, Some(&stored))?;
        if stored.0.get() & OBJECT != 0 {
            let k = stored.0.get() & !OBJECT;
            self.objects[k as usize] = None;
            self.free.push(k);
        }
        Ok(value)
    }

    /// The addresses of a buffer of native-endian uint32 (array('I'), bytes, numpy).
    fn buffer_u32(addrs: &Bound<'_, PyAny>) -> PyResult<Vec<u32>> {
        let py = addrs.py();
        let view = py
            .import("builtins")?
            .getattr("memoryview")?
            .call1((addrs,))?;
        let itemsize: usize = view.getattr("itemsize")?.extract()?;
        let format: String = view.getattr("format")?.extract()?;
        let byte_like = itemsize == 1 && matches!(format.as_str(), "B" | "b" | "c");
        let uint32 =
            itemsize == 4 && matches!(format.trim_start_matches(['=', '<', '@']), "I" | "L");
        if !(uint32 || byte_like) {
            return Err(spec_error(
                py,
                "spec-invalid",
                "addrs",
                &format!("a buffer of uint32 is needed, not format {format:?} of {itemsize} bytes"),
                None,
                None,
            ));
        }
        // abi3 below Python 3.11 has no buffer protocol: copy the bytes out (4 MB per million).
        let raw = view.call_method0("tobytes")?;
        let bytes = raw.cast::<PyBytes>()?.as_bytes();
        if bytes.len() % 4 != 0 {
            return Err(spec_error(
                py,
                "spec-invalid",
                "addrs",
                "the buffer is not a whole number of uint32",
                None,
                None,
            ));
        }
        Ok(bytes
            .chunks_exact(4)
            .map(|c| u32::from_ne_bytes([c[0], c[1], c[2], c[3]]))
            .collect())
    }
}

#[pymethods]
impl RouteTable {
    #[new]
    fn new() -> Self {
        RouteTable {
            table: lpm::RouteTable::new(),
            objects: Vec::new(),
            free: Vec::new(),
        }
    }

    fn __len__(&self) -> usize {
        self.table.len()
    }

    /// Adds `prefix` (canonical text) with `value`; returns the value it replaced, or None.
    /// Int values come back from lookups as equal ints; other objects as themselves.
    fn insert(
        &mut self,
        py: Python<'_>,
        prefix_text: &str,
        value: &Bound<'_, PyAny>,
    ) -> PyResult<Py<PyAny>> {
        let p = prefix(py, prefix_text, "prefix")?;
        let stored = self.store(value)?;
        match self.table.insert(p, stored) {
            Some(old) => self.release(py, old),
            None => Ok(py.None()),
        }
    }

    /// Adds many `(prefix, value)` pairs, building the lookup structure once: much faster
    /// than `insert` in a loop for whole routing tables. A prefix given twice keeps the
    /// last value; a prefix already in the table gets the new value. A bad prefix is
    /// refused at `items/N/0` before anything changes.
    fn insert_many(&mut self, py: Python<'_>, items: &Bound<'_, PyAny>) -> PyResult<()> {
        let mut routes = Vec::new();
        for (i, item) in items.try_iter()?.enumerate() {
            let item = item?;
            // A pair as a tuple is read in place; anything else through the general
            // extraction, whose error says what is wrong with it.
            let (text, value) = match item.cast::<PyTuple>() {
                Ok(pair) if pair.len() == 2 => (pair.get_item(0)?, pair.get_item(1)?),
                _ => item.extract::<(Bound<'_, PyAny>, Bound<'_, PyAny>)>()?,
            };
            let text = text.cast::<PyString>()?.to_cow()?;
            let p = text
                .parse::<Cidr>()
                .map_err(|e| cidr_error(py, e, &text, &format!("items/{i}/0")))?;
            routes.push((p, value));
        }
        let replacing = !self.table.is_empty();
        let mut stored = Vec::with_capacity(routes.len());
        for (p, value) in &routes {
            if replacing && let Some(old) = self.table.remove(p) {
                self.release(py, old)?;
            }
            stored.push((*p, self.store(value)?));
        }
        // Of a prefix given twice the first value is replaced by the table; free its
        // slot (values stored inline hold none).
        if stored.iter().any(|(_, s)| s.0.get() & OBJECT != 0) {
            let mut last = std::collections::HashMap::new();
            for (i, (p, _)) in stored.iter().enumerate() {
                if let Some(earlier) = last.insert(*p, i) {
                    let (_, s) = stored[earlier];
                    self.release(py, s)?;
                }
            }
        }
        self.table.extend(stored);
        Ok(())
    }

    /// Removes a prefix; returns its value, or None.
    fn remove(&mut self, py: Python<'_>, prefix_text: &str) -> PyResult<Py<PyAny>> {
        let p = prefix(py, prefix_text, "prefix")?;
        match self.table.remove(p) {
            Some(old) => self.release(py, old),
            None => Ok(py.None()),
        }
    }

    /// The value of the longest prefix containing `ip` (text, or an int for IPv4), or None:
    /// like `dict.get`, and like pytricia's `get`.
    fn lookup(&self, py: Python<'_>, ip: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        // An int takes the IPv4 fast path, without building the matched prefix.
        let found = match ip.extract::<u32>() {
            Ok(v4) => self.table.lookup_v4(v4),
            Err(_) => self.table.lookup(ip_arg(ip)?).map(|(_, v)| v),
        };
        self.value(py, found)
    }

    /// The longest prefix containing `ip` and its value, `(prefix, value)`, or None.
    fn lookup_prefix(
        &self,
        py: Python<'_>,
        ip: &Bound<'_, PyAny>,
    ) -> PyResult<Option<(String, Py<PyAny>)>> {
        self.table
            .lookup(ip_arg(ip)?)
            .map(|(p, v)| Ok((p.to_string(), self.value(py, Some(v))?)))
            .transpose()
    }

    /// The value of the longest match of each address, None where nothing matches: a
    /// buffer of native-endian uint32 IPv4 addresses, or a list of address strings.
    fn lookup_many<'py>(
        &self,
        py: Python<'py>,
        addrs: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyList>> {
        let found: Vec<Option<Stored>> = if let Ok(list) = addrs.cast::<PyList>() {
            let parsed: Vec<std::net::IpAddr> = list
                .iter()
                .map(|a| address(py, &a.extract::<std::borrow::Cow<'_, str>>()?, "addrs"))
                .collect::<PyResult<_>>()?;
            py.detach(|| {
                parsed
                    .iter()
                    .map(|&a| self.table.lookup(a).map(|(_, &v)| v))
                    .collect()
            })
        } else {
            let keys = Self::buffer_u32(addrs)?;
            py.detach(|| {
                let mut found = Vec::with_capacity(keys.len());
                self.table
                    .lookup_many_v4(&keys)
                    .for_each(|v| found.push(v.copied()));
                found
            })
        };
        let values: Vec<Py<PyAny>> = found
            .iter()
            .map(|v| self.value(py, v.as_ref()))
            .collect::<PyResult<_>>()?;
        PyList::new(py, values)
    }
}

#[pymodule]
fn _hybridplan(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("SpecError", m.py().get_type::<SpecError>())?;
    m.add_function(wrap_pyfunction!(plan, m)?)?;
    m.add_function(wrap_pyfunction!(validate, m)?)?;
    m.add_function(wrap_pyfunction!(trace, m)?)?;
    m.add_function(wrap_pyfunction!(import_cluster, m)?)?;
    m.add_function(wrap_pyfunction!(diff, m)?)?;
    m.add_function(wrap_pyfunction!(render_terraform, m)?)?;
    m.add_class::<RouteTable>()?;
    Ok(())
}
