//! The conformance vectors of `tests/vectors/` through the Rust API. The Node and Python
//! suites read the same files and must give the same answers.

use hybridplan::{Plan, SpecError};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::PathBuf;

fn vectors() -> Vec<(String, Value)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors");
    let mut out: Vec<(String, Value)> = std::fs::read_dir(&dir)
        .expect("tests/vectors exists")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            let v: Value = serde_json::from_str(&text).unwrap();
            (p.file_stem().unwrap().to_string_lossy().into_owned(), v)
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// What one door answers for a vector: codes, mode, exit code and (code, path) pairs.
struct Answer {
    codes: BTreeSet<String>,
    mode: Option<String>,
    exit: i64,
    pairs: BTreeSet<(String, String)>,
}

/// A vector's spec: JSON, raw text, or raw bytes given as hex (`specHex`).
fn answer(vector: &Value) -> Answer {
    let result = match (&vector["spec"], vector["specHex"].as_str()) {
        (_, Some(hex)) => Plan::from_bytes(&from_hex(hex)),
        (Value::String(text), None) => Plan::from_text(text),
        (other, None) => Plan::from_json(&other.to_string()),
    };
    let (diagnostics, mode, exit) = match &result {
        Ok(plan) => (
            plan.diagnostics.clone(),
            Some(plan.mode.selected.as_str().to_owned()),
            i64::from(plan.has_errors()),
        ),
        Err(e @ SpecError::Syntax(_)) => (e.diagnostics().to_vec(), None, 2),
        Err(e) => (e.diagnostics().to_vec(), None, 1),
    };
    Answer {
        codes: diagnostics
            .iter()
            .map(|d| d.code().as_str().to_owned())
            .collect(),
        mode,
        exit,
        pairs: diagnostics
            .iter()
            .map(|d| (d.code().as_str().to_owned(), d.path.clone()))
            .collect(),
    }
}

fn from_hex(hex: &str) -> Vec<u8> {
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("hex"))
        .collect()
}

#[test]
fn every_vector_gives_the_expected_codes_mode_and_exit() {
    let vectors = vectors();
    assert!(vectors.len() >= 40, "only {} vectors found", vectors.len());
    let mut failures = Vec::new();
    for (name, v) in vectors.iter().filter(|(_, v)| !is_live(v)) {
        let expect = &v["expect"];
        let got = answer(v);
        let codes: BTreeSet<String> = expect["codes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap().to_owned())
            .collect();
        if got.codes != codes {
            failures.push(format!("{name}: codes {:?}, expected {codes:?}", got.codes));
        }
        let mode = expect["mode"].as_str().map(str::to_owned);
        if got.mode != mode {
            failures.push(format!("{name}: mode {:?}, expected {mode:?}", got.mode));
        }
        if got.exit != expect["exit"].as_i64().unwrap() {
            failures.push(format!(
                "{name}: exit {}, expected {}",
                got.exit, expect["exit"]
            ));
        }
        for pair in expect["paths"].as_array().unwrap() {
            let pair = (
                pair[0].as_str().unwrap().to_owned(),
                pair[1].as_str().unwrap().to_owned(),
            );
            if !got.pairs.contains(&pair) {
                failures.push(format!("{name}: no {pair:?} among {:?}", got.pairs));
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

/// Every diagnostic any vector gives, whatever the door: the plan's, the spec error's, the
/// import's and the diff's.
fn every_diagnostic(name: &str, v: &Value) -> Vec<(String, hybridplan::Diagnostic)> {
    let mut out = Vec::new();
    let mut push = |list: &[hybridplan::Diagnostic]| {
        out.extend(list.iter().map(|d| (name.to_owned(), d.clone())));
    };
    if !is_live(v) {
        let result = match (&v["spec"], v["specHex"].as_str()) {
            (_, Some(hex)) => Plan::from_bytes(&from_hex(hex)),
            (Value::String(text), None) => Plan::from_text(text),
            (other, None) => Plan::from_json(&other.to_string()),
        };
        match result {
            Ok(plan) => push(&plan.diagnostics),
            Err(e) => push(e.diagnostics()),
        }
        return out;
    }
    let live = live_text(v);
    let base = v["base"]
        .as_object()
        .map(|b| Value::Object(b.clone()).to_string());
    match hybridplan::import(&live, base.as_deref()) {
        Err(e) => push(&e.diagnostics()),
        Ok(imported) => {
            if let Ok(spec) = hybridplan::HybridCluster::from_json(&imported.spec.to_string()) {
                push(&hybridplan::plan(&spec).diagnostics);
                if let Err(e) = hybridplan::diff(&spec, &live) {
                    push(&e.diagnostics());
                }
            }
        }
    }
    out
}

/// A diagnostic's severity is its code's, in Rust and in the JSON every other door reads;
/// and JSON whose severity disagrees with its code does not read back.
#[test]
fn every_diagnostic_of_every_vector_has_its_codes_severity() {
    let mut seen = 0;
    for (name, v) in vectors() {
        for (name, d) in every_diagnostic(&name, &v) {
            seen += 1;
            assert_eq!(d.severity(), d.code().severity(), "{name}: {d}");
            let json = serde_json::to_value(&d).unwrap();
            assert_eq!(
                json["severity"],
                d.code().severity().to_string(),
                "{name}: {d}"
            );
            let back: hybridplan::Diagnostic = serde_json::from_value(json.clone()).unwrap();
            assert_eq!(back, d);
            let mut forged = json;
            forged["severity"] = Value::from(match d.severity() {
                hybridplan::Severity::Error => "info",
                _ => "error",
            });
            assert!(serde_json::from_value::<hybridplan::Diagnostic>(forged).is_err());
        }
    }
    assert!(seen >= 100, "only {seen} diagnostics");
}

/// A vector of the cluster that exists: kubectl output (`live`, a fixture's name, or
/// `liveText`) imported into `base`, planned, and compared with the cluster.
fn is_live(v: &Value) -> bool {
    v.get("live").is_some() || v.get("liveText").is_some()
}

fn live_text(v: &Value) -> String {
    match (&v["live"], v["liveText"].as_str()) {
        (Value::String(name), _) => {
            let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../tests/fixtures/clusters")
                .join(format!("{name}.json"));
            std::fs::read_to_string(path).unwrap()
        }
        (_, Some(text)) => text.to_owned(),
        _ => panic!("no live input"),
    }
}

#[test]
fn every_live_vector_imports_plans_and_diffs_as_expected() {
    let mut failures = Vec::new();
    let mut seen = 0;
    for (name, v) in vectors().iter().filter(|(_, v)| is_live(v)) {
        seen += 1;
        let expect = &v["expect"];
        let live = live_text(v);
        let base = v["base"]
            .as_object()
            .map(|b| Value::Object(b.clone()).to_string());
        let imported = match hybridplan::import(&live, base.as_deref()) {
            Ok(i) => i,
            Err(e) => {
                let codes: Vec<String> = e
                    .diagnostics()
                    .iter()
                    .map(|d| d.code().as_str().to_owned())
                    .collect();
                if expect["exit"] != 2 || Value::from(codes.clone()) != expect["codes"] {
                    failures.push(format!("{name}: import failed with {codes:?}: {e}"));
                }
                continue;
            }
        };
        if expect["exit"] != 0 {
            failures.push(format!("{name}: import read what it should refuse"));
            continue;
        }
        for (key, want) in expect["onPrem"].as_object().unwrap() {
            let got = &imported.spec["onPrem"][key];
            if got != want {
                failures.push(format!("{name}: onPrem.{key} = {got}, expected {want}"));
            }
        }
        let alone = hybridplan::import(&live, None).unwrap();
        let paths: Vec<&str> = alone.missing.iter().map(|m| m.path.as_str()).collect();
        if Value::from(paths.clone()) != expect["missingAlone"] {
            failures.push(format!(
                "{name}: alone, missing {paths:?}, expected {}",
                expect["missingAlone"]
            ));
        }
        if alone.spec["onPrem"] != imported.spec["onPrem"] && base.is_none() {
            failures.push(format!("{name}: the same cluster imports differently"));
        }
        let missing: Vec<&str> = imported.missing.iter().map(|m| m.path.as_str()).collect();
        if Value::from(missing.clone()) != expect["missing"] {
            failures.push(format!(
                "{name}: missing {missing:?}, expected {}",
                expect["missing"]
            ));
        }
        let spec = match hybridplan::HybridCluster::from_json(&imported.spec.to_string()) {
            Ok(s) => s,
            Err(e) => {
                failures.push(format!("{name}: the imported spec does not read: {e}"));
                continue;
            }
        };
        let plan = hybridplan::plan(&spec);
        let codes: Vec<&str> = plan.diagnostics.iter().map(|d| d.code().as_str()).collect();
        if Value::from(codes.clone()) != expect["codes"]
            || plan.mode.selected.as_str() != expect["mode"]
        {
            failures.push(format!(
                "{name}: plan {} {codes:?}, expected {} {}",
                plan.mode.selected, expect["mode"], expect["codes"]
            ));
        }
        let exit = match hybridplan::diff(&spec, &live) {
            Ok(d) => i64::from(!d.in_sync),
            Err(_) => 2,
        };
        if exit != expect["diffExit"].as_i64().unwrap() {
            failures.push(format!(
                "{name}: diff exits {exit}, expected {}",
                expect["diffExit"]
            ));
        }
    }
    assert!(seen >= 8, "{seen} live vectors");
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn every_code_every_mode_and_dual_stack_have_a_vector() {
    let vectors = vectors();
    let expected = |key: &str| -> BTreeSet<String> {
        vectors
            .iter()
            .flat_map(|(_, v)| match &v["expect"][key] {
                Value::Array(items) => items
                    .iter()
                    .filter_map(|c| c.as_str())
                    .map(str::to_owned)
                    .collect(),
                Value::String(s) => vec![s.clone()],
                _ => Vec::new(),
            })
            .collect()
    };
    // Every name of `all` that no vector expects under `key`.
    let uncovered = |key: &str, all: Vec<&'static str>| -> Vec<&'static str> {
        let seen = expected(key);
        all.into_iter()
            .filter(|name| !seen.contains(*name))
            .collect()
    };
    let codes = uncovered(
        "codes",
        hybridplan::Code::ALL.iter().map(|c| c.as_str()).collect(),
    );
    assert!(codes.is_empty(), "codes without a vector: {codes:?}");
    let modes = uncovered(
        "mode",
        hybridplan::NetworkMode::ALL
            .iter()
            .map(|m| m.as_str())
            .collect(),
    );
    assert!(modes.is_empty(), "modes without a vector: {modes:?}");
    assert!(
        vectors
            .iter()
            .any(|(_, v)| v["spec"]["ipFamily"] == "dual" && v["expect"]["exit"] == 0),
        "no clean dual-stack vector"
    );
}
