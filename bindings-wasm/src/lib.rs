//! WebAssembly glue for the npm package `hybridplan` (its API: docs/javascript.md): `plan`,
//! `validate`, `trace`, `importCluster` (`import` is a reserved word in JavaScript), `diff`
//! and `RouteTable`. No logic lives here: values cross the boundary as JSON text
//! parsed by the engine on the JS side, so every rule (unknown keys, strict addresses) is
//! the core's, and numbers beyond 2^53 stay the strings the core writes.

use hybridplan::routing::PlanRoutes;
use hybridplan::{Cidr, Device, Endpoint, HybridCluster, SpecError, lpm};
use js_sys::{Error, JSON, Reflect, Uint8Array, Uint32Array};
use wasm_bindgen::prelude::*;

// Single-threaded WebAssembly (no `atomics`), where talc's lock-free cell is sound.
#[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

/// A spec given as an object, as JSON/YAML text, or as the bytes of such text (a
/// `Uint8Array`, e.g. a file as read), read by the core.
fn read_spec(spec: &JsValue) -> Result<HybridCluster, JsValue> {
    let parsed = if let Some(text) = spec.as_string() {
        HybridCluster::from_text(&text)
    } else if let Some(bytes) = spec.dyn_ref::<Uint8Array>() {
        HybridCluster::from_bytes(&bytes.to_vec())
    } else {
        HybridCluster::from_json(&stringify(spec)?)
    };
    parsed.map_err(spec_error)
}

fn stringify(value: &JsValue) -> Result<String, JsValue> {
    let text = JSON::stringify(value).map_err(|_| {
        error(
            "spec-invalid",
            "",
            "the value cannot be written as JSON",
            None,
        )
    })?;
    Ok(text.as_string().unwrap_or_default())
}

fn to_js<T: serde::Serialize>(value: &T) -> Result<JsValue, JsValue> {
    let text = serde_json::to_string(value)
        .map_err(|e| error("internal", "", &format!("cannot serialise: {e}"), None))?;
    JSON::parse(&text)
}

/// Sets the properties `entries` on the JS object `target`.
fn set_all(target: &JsValue, entries: &[(&str, JsValue)]) {
    for (key, value) in entries {
        let _ = Reflect::set(target, &JsValue::from_str(key), value);
    }
}

/// A JS `Error` named `SpecError` with `code`, `path`, `hint` and, for spec errors, every
/// `diagnostics` entry.
fn error(code: &str, path: &str, message: &str, hint: Option<&str>) -> JsValue {
    let e = Error::new(message);
    e.set_name("SpecError");
    let e = JsValue::from(e);
    set_all(
        &e,
        &[
            ("code", JsValue::from_str(code)),
            ("path", JsValue::from_str(path)),
            ("hint", hint.map_or(JsValue::NULL, JsValue::from_str)),
        ],
    );
    e
}

fn spec_error(err: SpecError) -> JsValue {
    let e = error(
        err.code().as_str(),
        err.path(),
        &err.to_string(),
        err.hint(),
    );
    if let Ok(list) = to_js(&err.diagnostics()) {
        let _ = Reflect::set(&e, &JsValue::from_str("diagnostics"), &list);
    }
    e
}

/// An error of the core's diagnostics: the first one's code, path and hint, all of them in
/// `diagnostics`.
fn diagnostics_error(list: &[hybridplan::Diagnostic], message: &str) -> JsValue {
    let first = list.first();
    let e = error(
        first.map_or("spec-invalid", |d| d.code().as_str()),
        first.map_or("", |d| d.path.as_str()),
        message,
        first.and_then(|d| d.hint.as_deref()),
    );
    if let Ok(list) = to_js(&list) {
        let _ = Reflect::set(&e, &JsValue::from_str("diagnostics"), &list);
    }
    e
}

/// Text given as a string or as bytes (`Uint8Array`).
fn text_of(value: &JsValue, what: &str) -> Result<String, JsValue> {
    if let Some(text) = value.as_string() {
        return Ok(text);
    }
    if let Some(bytes) = value.dyn_ref::<Uint8Array>() {
        return String::from_utf8(bytes.to_vec()).map_err(|_| {
            error(
                "live-unreadable",
                "",
                &format!("{what} is not UTF-8 text"),
                None,
            )
        });
    }
    Err(error(
        "live-unreadable",
        "",
        &format!("{what} must be the text of `kubectl get … -o json` (a string or bytes)"),
        None,
    ))
}

/// The spec of the cluster whose `kubectl get … -o json` output is `live`;
/// `options.into` (a spec object or text) gives the rest (cloud, interconnect).
#[wasm_bindgen(js_name = importCluster)]
pub fn import_cluster(live: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    let live = text_of(&live, "the cluster's objects")?;
    let base = if options.is_undefined() || options.is_null() {
        None
    } else {
        let into = Reflect::get(&options, &JsValue::from_str("into"))?;
        if into.is_undefined() || into.is_null() {
            None
        } else if let Some(text) = into.as_string() {
            Some(text)
        } else {
            Some(stringify(&into)?)
        }
    };
    match hybridplan::import(&live, base.as_deref()) {
        Ok(imported) => to_js(&imported),
        Err(e) => Err(diagnostics_error(&e.diagnostics(), &e.to_string())),
    }
}

/// Compares the plan of `spec` with the cluster whose objects `live` holds.
#[wasm_bindgen]
pub fn diff(spec: JsValue, live: JsValue) -> Result<JsValue, JsValue> {
    let spec = read_spec(&spec)?;
    let live = text_of(&live, "the cluster's objects")?;
    match hybridplan::diff(&spec, &live) {
        Ok(drift) => to_js(&drift),
        Err(e) => Err(diagnostics_error(&e.diagnostics(), &e.to_string())),
    }
}

/// The plan of a spec (object, or JSON/YAML text). Throws `SpecError` when the spec cannot
/// be read; problems of a readable spec are the plan's diagnostics.
#[wasm_bindgen]
pub fn plan(spec: JsValue) -> Result<JsValue, JsValue> {
    to_js(&hybridplan::plan(&read_spec(&spec)?))
}

/// The Alibaba Cloud side of the plan of `spec` as Terraform: `[{ name, content }]`, one
/// module (versions.tf, variables.tf, main.tf, cloud_services.tf, security_groups.tf,
/// outputs.tf). A spec with errors still renders; its plan's diagnostics say what is wrong.
#[wasm_bindgen(js_name = renderTerraform)]
pub fn render_terraform(spec: JsValue) -> Result<JsValue, JsValue> {
    let spec = read_spec(&spec)?;
    let plan = hybridplan::plan(&spec);
    to_js(&hybridplan::render::terraform(&spec, &plan))
}

/// Every diagnostic of a spec, errors first.
#[wasm_bindgen]
pub fn validate(spec: JsValue) -> Result<JsValue, JsValue> {
    to_js(&hybridplan::validate(&read_spec(&spec)?))
}

/// Follows a packet from `src` to `dst` through a plan's route tables; `options` may name
/// the node each end runs on (`{ srcNode: "ecs-node", dstNode: "dc-node" }`), which a pod
/// address of an overlay needs.
#[wasm_bindgen]
pub fn trace(plan: JsValue, src: &str, dst: &str, options: JsValue) -> Result<JsValue, JsValue> {
    let routes = PlanRoutes::from_json(&stringify(&plan)?).map_err(spec_error)?;
    let src = Endpoint {
        addr: address(src, "src")?,
        node: node_option(&options, "srcNode")?,
    };
    let dst = Endpoint {
        addr: address(dst, "dst")?,
        node: node_option(&options, "dstNode")?,
    };
    to_js(&routes.trace_endpoints(src, dst))
}

/// The device named by `options[key]`, if the option is given.
fn node_option(options: &JsValue, key: &str) -> Result<Option<Device>, JsValue> {
    if options.is_undefined() || options.is_null() {
        return Ok(None);
    }
    let value = Reflect::get(options, &JsValue::from_str(key))?;
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    let text = value.as_string().ok_or_else(|| {
        error(
            "spec-invalid",
            key,
            "a node is a string: dc-node or ecs-node",
            None,
        )
    })?;
    text.parse::<Device>().map(Some).map_err(|e| {
        error(
            "spec-invalid",
            key,
            &e.to_string(),
            Some("dc-node or ecs-node"),
        )
    })
}

/// Longest-prefix match over IPv4 and IPv6 prefixes with a number (0..=2^32-1) per prefix.
#[wasm_bindgen]
pub struct RouteTable {
    table: lpm::RouteTable<u32>,
}

/// A `SpecError` for text that is not a valid prefix or address, at `path`.
fn cidr_error(e: hybridplan::CidrError, text: &str, path: &str) -> JsValue {
    error(
        e.code().as_str(),
        path,
        &e.describe(text),
        e.hint().as_deref(),
    )
}

fn prefix(text: &str) -> Result<Cidr, JsValue> {
    text.parse::<Cidr>()
        .map_err(|e| cidr_error(e, text, "prefix"))
}

fn address(text: &str, path: &str) -> Result<std::net::IpAddr, JsValue> {
    hybridplan::cidr::parse_addr(text).map_err(|e| cidr_error(e, text, path))
}

#[wasm_bindgen]
impl RouteTable {
    #[wasm_bindgen(constructor)]
    pub fn new() -> RouteTable {
        RouteTable {
            table: lpm::RouteTable::new(),
        }
    }

    /// Number of prefixes.
    #[wasm_bindgen(getter)]
    pub fn size(&self) -> usize {
        self.table.len()
    }

    /// Adds `prefix` (canonical text, e.g. `10.0.0.0/8`) with `value`; returns the value it
    /// replaced.
    pub fn insert(&mut self, prefix_text: &str, value: u32) -> Result<Option<u32>, JsValue> {
        Ok(self.table.insert(prefix(prefix_text)?, value))
    }

    /// Adds many prefixes at once (`prefixes[i]` gets `values[i]`), building the lookup
    /// structure once: much faster than `insert` in a loop for whole routing tables.
    #[wasm_bindgen(js_name = insertMany)]
    pub fn insert_many(&mut self, prefixes: &js_sys::Array, values: &[u32]) -> Result<(), JsValue> {
        if prefixes.length() as usize != values.len() {
            return Err(error(
                "spec-invalid",
                "values",
                &format!("{} prefixes but {} values", prefixes.length(), values.len()),
                None,
            ));
        }
        let mut routes = Vec::with_capacity(values.len());
        for (i, (text, &value)) in prefixes.iter().zip(values).enumerate() {
            let path = format!("prefixes/{i}");
            let Some(text) = text.as_string() else {
                return Err(error(
                    "spec-invalid",
                    &path,
                    "a prefix must be a string",
                    None,
                ));
            };
            let cidr = text
                .parse::<Cidr>()
                .map_err(|e| cidr_error(e, &text, &path))?;
            routes.push((cidr, value));
        }
        self.table.extend(routes);
        Ok(())
    }

    /// Removes a prefix; returns its value.
    pub fn remove(&mut self, prefix_text: &str) -> Result<Option<u32>, JsValue> {
        Ok(self.table.remove(prefix(prefix_text)?))
    }

    /// The longest prefix containing `ip`: `{ prefix, value }`, or `undefined`.
    pub fn lookup(&self, ip: &str) -> Result<JsValue, JsValue> {
        Ok(match self.table.lookup(address(ip, "ip")?) {
            Some((p, v)) => {
                let found = JsValue::from(js_sys::Object::new());
                set_all(
                    &found,
                    &[
                        ("prefix", JsValue::from_str(&p.to_string())),
                        ("value", JsValue::from(*v)),
                    ],
                );
                found
            }
            None => JsValue::UNDEFINED,
        })
    }

    /// The value of the longest match of each IPv4 address (as a 32-bit number), `miss`
    /// (default 0xFFFFFFFF) where none matches.
    #[wasm_bindgen(js_name = lookupMany)]
    pub fn lookup_many(&self, addrs: &[u32], miss: Option<u32>) -> Uint32Array {
        let miss = miss.unwrap_or(u32::MAX);
        let mut values = Vec::with_capacity(addrs.len());
        self.table
            .lookup_many_v4(addrs)
            .or(&miss)
            .for_each(|&v| values.push(v));
        Uint32Array::from(&values[..])
    }

    /// `lookupMany` for IPv6: four 32-bit words per address, most significant first.
    #[wasm_bindgen(js_name = lookupManyV6)]
    pub fn lookup_many_v6(&self, words: &[u32], miss: Option<u32>) -> Uint32Array {
        let miss = miss.unwrap_or(u32::MAX);
        let addrs: Vec<u128> = words
            .chunks_exact(4)
            .map(|w| w.iter().fold(0u128, |a, &x| (a << 32) | u128::from(x)))
            .collect();
        let mut values = Vec::with_capacity(addrs.len());
        self.table
            .lookup_many_v6(&addrs)
            .or(&miss)
            .for_each(|&v| values.push(v));
        Uint32Array::from(&values[..])
    }
}

impl Default for RouteTable {
    fn default() -> Self {
        Self::new()
    }
}
