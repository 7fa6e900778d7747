//! WebAssembly glue for the npm package `hybridplan` (its API: docs/javascript.md): `plan`,
//! `validate`, `trace`, `importCluster` (`import` is a reserved word in JavaScript), `diff`,
//! `renderTerraform`, `RouteTable`, and the `SpecError` they throw. No logic lives here: values cross the boundary as JSON text
//! parsed by the engine on the JS side, so every rule (unknown keys, strict addresses) is
//! the core's, and numbers beyond 2^53 stay the strings the core writes.

use hybridplan::routing::PlanRoutes;
use hybridplan::{Cidr, Code, Device, Diagnostic, Endpoint, HybridCluster, SpecError, lpm};
use js_sys::{JSON, Reflect, Uint8Array, Uint32Array};
use wasm_bindgen::prelude::*;

// Single-threaded WebAssembly (no `atomics`), where talc's lock-free cell is sound.
#[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

// Every error thrown is the package's `SpecError` class, which is JavaScript: a class
// written in JS is what `instanceof`, subclassing and TypeScript's `export class` expect,
// and the package exports that very class. npm/scripts/build.mjs writes it beside the glue
// (dist/error.js for ES modules, dist/error.cjs for CommonJS); the glue imports it by this
// declaration, so Rust constructs it directly and no wrapper has to catch and convert.
// Rust passes only what the core says: the message and `{ code, path, hint, diagnostics }`.
#[wasm_bindgen(raw_module = "./error.js")]
extern "C" {
    #[wasm_bindgen(js_name = SpecError)]
    type JsSpecError;
    #[wasm_bindgen(constructor, js_class = "SpecError")]
    fn new(message: &str, detail: JsValue) -> JsSpecError;
}

/// The properties of a thrown `SpecError`: the first problem's code, path and hint, and
/// every problem in `diagnostics`.
#[derive(serde::Serialize)]
struct Detail<'a> {
    code: Code,
    path: &'a str,
    hint: Option<&'a str>,
    diagnostics: &'a [Diagnostic],
}

/// A `SpecError` to throw: `message`, and the core's `diagnostics`.
fn thrown(message: &str, diagnostics: &[Diagnostic]) -> JsValue {
    let first = diagnostics.first();
    let detail = Detail {
        code: first.map_or(Code::SpecInvalid, |d| d.code()),
        path: first.map_or("", |d| d.path.as_str()),
        hint: first.and_then(|d| d.hint.as_deref()),
        diagnostics,
    };
    JsSpecError::new(message, to_js(&detail)).into()
}

/// A `SpecError` of one problem found here, in the arguments, rather than by the core.
fn invalid(code: Code, path: &str, message: &str, hint: Option<&str>) -> JsValue {
    let mut diagnostic = Diagnostic::new(code, path, message);
    diagnostic.hint = hint.map(str::to_owned);
    thrown(message, &[diagnostic])
}

fn spec_error(err: SpecError) -> JsValue {
    thrown(&err.to_string(), err.diagnostics())
}

/// A spec given as an object, as JSON/YAML text, or as the bytes of such text (a
/// `Uint8Array`, e.g. a file as read), read by the core.
fn read_spec(spec: &JsValue) -> Result<HybridCluster, JsValue> {
    let parsed = if let Some(text) = spec.as_string() {
        HybridCluster::from_text(&text)
    } else if let Some(bytes) = spec.dyn_ref::<Uint8Array>() {
        HybridCluster::from_bytes(&bytes.to_vec())
    } else {
        HybridCluster::from_json(&stringify(spec, "")?)
    };
    parsed.map_err(spec_error)
}

/// `value` as JSON text; `path` names the argument in the error.
fn stringify(value: &JsValue, path: &str) -> Result<String, JsValue> {
    let text = JSON::stringify(value).map_err(|_| {
        invalid(
            Code::SpecInvalid,
            path,
            "the value cannot be written as JSON",
            None,
        )
    })?;
    Ok(text.as_string().unwrap_or_default())
}

/// A result of the core as a JS value. The core's types are plain data that serde_json
/// always writes (string keys, counts past 2^53 as strings) and JSON.parse always reads
/// back, so neither step can fail: there is no error code for it.
fn to_js<T: serde::Serialize>(value: &T) -> JsValue {
    let text = serde_json::to_string(value).expect("the core's types serialize to JSON");
    JSON::parse(&text).expect("serde_json writes valid JSON")
}

/// Sets the properties `entries` on the JS object `target`.
fn set_all(target: &JsValue, entries: &[(&str, JsValue)]) {
    for (key, value) in entries {
        let _ = Reflect::set(target, &JsValue::from_str(key), value);
    }
}

/// `options[key]` of an optional options object (`undefined` when either is missing).
fn option(options: &JsValue, key: &str) -> Result<JsValue, JsValue> {
    if options.is_undefined() || options.is_null() {
        return Ok(JsValue::UNDEFINED);
    }
    let refused = || {
        invalid(
            Code::SpecInvalid,
            "options",
            "the options are an object",
            None,
        )
    };
    if !options.is_object() {
        return Err(refused());
    }
    // A getter that throws is refused like a value that is not an object.
    Reflect::get(options, &JsValue::from_str(key)).map_err(|_| refused())
}

/// Text given as a string or as bytes (`Uint8Array`).
fn text_of(value: &JsValue, what: &str) -> Result<String, JsValue> {
    if let Some(text) = value.as_string() {
        return Ok(text);
    }
    if let Some(bytes) = value.dyn_ref::<Uint8Array>() {
        return String::from_utf8(bytes.to_vec()).map_err(|_| {
            invalid(
                Code::LiveUnreadable,
                "",
                &format!("{what} is not UTF-8 text"),
                None,
            )
        });
    }
    Err(invalid(
        Code::LiveUnreadable,
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
    let into = option(&options, "into")?;
    let base = if into.is_undefined() || into.is_null() {
        None
    } else if let Some(text) = into.as_string() {
        Some(text)
    } else {
        Some(stringify(&into, "into")?)
    };
    match hybridplan::import(&live, base.as_deref()) {
        Ok(imported) => Ok(to_js(&imported)),
        Err(e) => Err(thrown(&e.to_string(), &e.diagnostics())),
    }
}

/// Compares the plan of `spec` with the cluster whose objects `live` holds.
#[wasm_bindgen]
pub fn diff(spec: JsValue, live: JsValue) -> Result<JsValue, JsValue> {
    let spec = read_spec(&spec)?;
    let live = text_of(&live, "the cluster's objects")?;
    match hybridplan::diff(&spec, &live) {
        Ok(drift) => Ok(to_js(&drift)),
        Err(e) => Err(thrown(&e.to_string(), &e.diagnostics())),
    }
}

/// The plan of a spec (object, or JSON/YAML text). Throws `SpecError` when the spec cannot
/// be read; problems of a readable spec are the plan's diagnostics.
#[wasm_bindgen]
pub fn plan(spec: JsValue) -> Result<JsValue, JsValue> {
    Ok(to_js(&hybridplan::plan(&read_spec(&spec)?)))
}

/// The Alibaba Cloud side of the plan of `spec` as Terraform: `[{ name, content }]`, one
/// module (versions.tf, variables.tf, main.tf, cloud_services.tf, security_groups.tf,
/// outputs.tf). A spec with errors still renders; its plan's diagnostics say what is wrong.
#[wasm_bindgen(js_name = renderTerraform)]
pub fn render_terraform(spec: JsValue) -> Result<JsValue, JsValue> {
    let spec = read_spec(&spec)?;
    let plan = hybridplan::plan(&spec);
    Ok(to_js(&hybridplan::render::terraform(&spec, &plan)))
}

/// Every diagnostic of a spec, errors first.
#[wasm_bindgen]
pub fn validate(spec: JsValue) -> Result<JsValue, JsValue> {
    Ok(to_js(&hybridplan::validate(&read_spec(&spec)?)))
}

/// Follows a packet from `src` to `dst` through a plan's route tables; `options` may name
/// the node each end runs on (`{ srcNode: "ecs-node", dstNode: "dc-node" }`), which a pod
/// address of an overlay needs.
#[wasm_bindgen]
pub fn trace(plan: JsValue, src: &str, dst: &str, options: JsValue) -> Result<JsValue, JsValue> {
    let routes = PlanRoutes::from_json(&stringify(&plan, "")?).map_err(spec_error)?;
    let src = Endpoint {
        addr: address(src, "src")?,
        node: node_option(&options, "srcNode")?,
    };
    let dst = Endpoint {
        addr: address(dst, "dst")?,
        node: node_option(&options, "dstNode")?,
    };
    let fail = option(&options, "fail")?;
    let failed = if fail.is_undefined() || fail.is_null() {
        Vec::new()
    } else {
        if !js_sys::Array::is_array(&fail) {
            return Err(invalid(
                Code::SpecInvalid,
                "fail",
                "`fail` is a list of device names",
                Some("e.g. [\"vbr-2\"]"),
            ));
        }
        let names = js_sys::Array::from(&fail);
        names
            .iter()
            .map(|n| {
                let text = n.as_string().unwrap_or_default();
                text.parse::<Device>()
                    .map_err(|e| invalid(Code::SpecInvalid, "fail", &e.to_string(), None))
            })
            .collect::<Result<Vec<Device>, JsValue>>()?
    };
    let trace = routes
        .trace_failed(src, dst, &failed, "fail")
        .map_err(spec_error)?;
    Ok(to_js(&trace))
}

/// The device named by `options[key]`, if the option is given.
fn node_option(options: &JsValue, key: &str) -> Result<Option<Device>, JsValue> {
    let value = option(options, key)?;
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    let text = value.as_string().ok_or_else(|| {
        invalid(
            Code::SpecInvalid,
            key,
            "a node is a string: dc-node or ecs-node",
            None,
        )
    })?;
    text.parse::<Device>().map(Some).map_err(|e| {
        invalid(
            Code::SpecInvalid,
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
    invalid(e.code(), path, &e.describe(text), e.hint().as_deref())
}

fn prefix(text: &str) -> Result<Cidr, JsValue> {
    text.parse::<Cidr>()
        .map_err(|e| cidr_error(e, text, "prefix"))
}

/// Why `prefixes[i]` of an `insertMany` is refused.
fn refused_prefix(prefixes: &js_sys::Array, i: usize) -> JsValue {
    let path = format!("prefixes/{i}");
    match prefixes.get(i as u32).as_string() {
        Some(text) => match text.parse::<Cidr>() {
            Err(e) => cidr_error(e, &text, &path),
            Ok(_) => invalid(Code::SpecInvalid, &path, "a prefix must be one line", None),
        },
        None => invalid(Code::SpecInvalid, &path, "a prefix must be a string", None),
    }
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
            return Err(invalid(
                Code::SpecInvalid,
                "values",
                &format!("{} prefixes but {} values", prefixes.length(), values.len()),
                None,
            ));
        }
        // The prefixes cross into WebAssembly as one string, not one string each: a
        // crossing per prefix (a call, a UTF-8 copy and an allocation) took 1.6 s of a
        // full table's load. Any prefix that does not read cleanly this way is looked at
        // on its own, for an error that names it.
        let joined = String::from(prefixes.join("\n"));
        let mut lines = joined.split('\n');
        let mut routes = Vec::with_capacity(values.len());
        for (i, &value) in values.iter().enumerate() {
            match lines.next().map(str::parse::<Cidr>) {
                Some(Ok(cidr)) => routes.push((cidr, value)),
                _ => return Err(refused_prefix(prefixes, i)),
            }
        }
        if lines.next().is_some() {
            let i = (0..values.len())
                .find(|&i| {
                    prefixes
                        .get(i as u32)
                        .as_string()
                        .is_none_or(|t| t.contains('\n'))
                })
                .unwrap_or(0);
            return Err(refused_prefix(prefixes, i));
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

    /// `lookupMany` for IPv6: four 32-bit words per address, most significant first. A
    /// length that is not a multiple of four is refused, as the Python binding refuses a
    /// buffer that is not whole addresses: a silently dropped tail would be a wrong answer.
    #[wasm_bindgen(js_name = lookupManyV6)]
    pub fn lookup_many_v6(&self, words: &[u32], miss: Option<u32>) -> Result<Uint32Array, JsValue> {
        if !words.len().is_multiple_of(4) {
            return Err(invalid(
                Code::SpecInvalid,
                "words",
                &format!(
                    "{} words are not whole IPv6 addresses (four 32-bit words each)",
                    words.len()
                ),
                Some("give four words per address, most significant first"),
            ));
        }
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
        Ok(Uint32Array::from(&values[..]))
    }
}

impl Default for RouteTable {
    fn default() -> Self {
        Self::new()
    }
}
