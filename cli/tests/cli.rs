//! The command line as a user runs it: output formats, exit codes, `--out`.

use serde_json::Value;
use std::path::PathBuf;
use std::process::{Command, Output};

fn hybridplan(args: &[&str], stdin: Option<&[u8]>) -> Output {
    use std::io::Write;
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_hybridplan"));
    cmd.args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().expect("the binary runs");
    if let Some(text) = stdin {
        child.stdin.take().unwrap().write_all(text).unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

fn stdout_json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).expect("stdout is JSON")
}

fn codes(plan: &Value) -> Vec<String> {
    plan["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn plan_without_a_spec_plans_the_reference_scenario() {
    let out = hybridplan(&["plan"], None);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let plan = stdout_json(&out);
    assert_eq!(plan["mode"]["selected"], "calico-route-reflector");
    assert_eq!(
        codes(&plan),
        ["pod-cidr-in-vpc", "transit-router-zones", "cni-assumed"]
    );
    for key in [
        "diagnostics",
        "mode",
        "cni",
        "addressing",
        "routing",
        "flows",
        "manifests",
        "changes",
        "terway",
        "steps",
        "connectivity",
    ] {
        assert!(plan.get(key).is_some(), "top-level key {key} missing");
    }
}

#[test]
fn yaml_and_text_formats_render_the_same_plan() {
    let yaml = hybridplan(&["plan", "--format", "yaml"], None);
    assert_eq!(yaml.status.code(), Some(0));
    let text = String::from_utf8(yaml.stdout).unwrap();
    assert!(text.contains("selected: calico-route-reflector"), "{text}");

    let out = hybridplan(&["plan", "--format", "text"], None);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with("Diagnostics: 0 errors, 2 warnings"),
        "{text}"
    );
    assert!(text.contains("Mode: calico-route-reflector"), "{text}");
}

#[test]
fn text_format_lists_errors_before_warnings() {
    let spec = hybridplan::REFERENCE_SPEC
        .replace("serviceCidr: 172.21.0.0/20", "serviceCidr: 10.100.0.0/20");
    let out = hybridplan(&["plan", "-", "--format", "text"], Some(spec.as_bytes()));
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    let error = text
        .find("error   cidr-overlap")
        .expect("the overlap is listed");
    let warning = text
        .find("warning pod-cidr-in-vpc")
        .expect("the warning is listed");
    assert!(error < warning, "{text}");
    assert!(text.contains("Manifests: none while errors stand"));
}

#[test]
fn a_schema_problem_exits_1_with_the_pointer_and_a_suggestion() {
    let spec = hybridplan::REFERENCE_SPEC.replace("podCidr:", "podCIRD:");
    let out = hybridplan(&["plan", "-"], Some(spec.as_bytes()));
    assert_eq!(out.status.code(), Some(1));
    let body = stdout_json(&out);
    let typo = body["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["path"] == "/onPrem/podCIRD")
        .expect("the typo is reported at its pointer");
    assert_eq!(typo["code"], "spec-invalid");
    assert_eq!(typo["hint"], "did you mean `podCidr`?");
}

#[test]
fn a_bad_cidr_exits_1_with_its_code() {
    let spec = hybridplan::REFERENCE_SPEC.replace("10.100.0.0/16", "10.100.0.0/255.255.0.0");
    let out = hybridplan(&["plan", "-"], Some(spec.as_bytes()));
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(codes(&stdout_json(&out)), ["cidr-syntax"]);
}

#[test]
fn text_that_is_not_yaml_unreadable_files_and_bad_flags_exit_2() {
    let out = hybridplan(&["plan", "-"], Some(b"onPrem: [\n"));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not valid YAML"));

    let out = hybridplan(&["plan", "/no/such/spec.yaml"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read"));

    let out = hybridplan(&["plan", "--format", "xml"], None);
    assert_eq!(out.status.code(), Some(2));
    let out = hybridplan(&["plann"], None);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn non_utf8_input_is_refused_with_a_message() {
    let dir = temp_dir("non-utf8");
    let path = dir.join("spec.yaml");
    std::fs::write(&path, b"name: \xff\xfe\n").unwrap();
    let out = hybridplan(&["plan", path.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not UTF-8"));
}

#[test]
fn out_writes_plan_json() {
    let dir = temp_dir("out");
    let out = hybridplan(&["plan", "--out", dir.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(0));
    let written: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("plan.json")).unwrap()).unwrap();
    assert_eq!(written, stdout_json(&out));
    // Each manifest is written under its file name, with the plan's exact text.
    let manifests = written["manifests"].as_array().unwrap();
    assert!(manifests.len() >= 5, "{manifests:?}");
    for m in manifests {
        let file = m["file"].as_str().unwrap();
        let text = std::fs::read_to_string(dir.join(file)).unwrap();
        assert_eq!(text, m["yaml"].as_str().unwrap(), "{file}");
    }
    // The Terraform beside them, as `render terraform --out` writes it.
    let rendered = temp_dir("out-terraform");
    let out = hybridplan(
        &["render", "terraform", "--out", rendered.to_str().unwrap()],
        None,
    );
    assert_eq!(out.status.code(), Some(0));
    for name in hybridplan::render::TERRAFORM_FILES {
        let beside = std::fs::read_to_string(dir.join("terraform").join(name)).unwrap();
        assert_eq!(
            beside,
            std::fs::read_to_string(rendered.join(name)).unwrap(),
            "{name}"
        );
    }
}

#[test]
fn render_terraform_prints_each_file_under_its_name_and_text_names_the_order() {
    let out = hybridplan(&["render", "terraform", "reference"], None);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    let names: Vec<&str> = text
        .lines()
        .filter_map(|l| l.strip_prefix("# ==> "))
        .filter_map(|l| l.strip_suffix(" <=="))
        .collect();
    assert_eq!(names, hybridplan::render::TERRAFORM_FILES);
    assert!(text.contains("version = \"1.289.0\""), "{text}");
    // --out is for Terraform only.
    let frr = hybridplan(&["render", "frr", "--out", "x"], None);
    assert_eq!(frr.status.code(), Some(2));
    let summary =
        String::from_utf8(hybridplan(&["plan", "--format", "text"], None).stdout).unwrap();
    let order = summary.find("Apply in this order: the Terraform (terraform/: versions.tf");
    assert!(order.is_some(), "{summary}");
}

#[test]
fn every_vector_exits_as_expected() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors");
    let mut failures = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|x| x != "json") {
            continue;
        }
        let v: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        if v.get("live").is_some() || v.get("liveText").is_some() {
            failures.extend(live_vector(&path, &v));
            continue;
        }
        let spec: Vec<u8> = match (&v["spec"], v["specHex"].as_str()) {
            (_, Some(hex)) => (0..hex.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
                .collect(),
            (Value::String(s), None) => s.clone().into_bytes(),
            (other, None) => other.to_string().into_bytes(),
        };
        let out = hybridplan(&["plan", "-"], Some(&spec));
        let expected = v["expect"]["exit"].as_i64().unwrap();
        if i64::from(out.status.code().unwrap_or(-1)) != expected {
            failures.push(format!(
                "{}: exit {:?}, expected {expected}",
                path.display(),
                out.status.code()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// `import` into the vector's base spec, then `diff` of the result with the cluster: the
/// exit codes the vector gives.
fn live_vector(path: &std::path::Path, v: &Value) -> Vec<String> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let live = match (&v["live"], v["liveText"].as_str()) {
        (Value::String(name), _) => {
            std::fs::read(root.join(format!("tests/fixtures/clusters/{name}.json"))).unwrap()
        }
        (_, Some(text)) => text.as_bytes().to_vec(),
        _ => unreachable!("a live vector"),
    };
    let dir = temp_dir(path.file_stem().unwrap().to_str().unwrap());
    let base = dir.join("base.json");
    std::fs::write(&base, v["base"].to_string()).unwrap();
    let out = hybridplan(
        &["import", "-", "--into", base.to_str().unwrap()],
        Some(&live),
    );
    let mut failures = Vec::new();
    let expected = v["expect"]["exit"].as_i64().unwrap();
    if i64::from(out.status.code().unwrap_or(-1)) != expected {
        failures.push(format!(
            "{}: import exits {:?}, expected {expected}",
            path.display(),
            out.status.code()
        ));
    }
    if expected != 0 {
        return failures;
    }
    let spec = dir.join("spec.yaml");
    std::fs::write(&spec, &out.stdout).unwrap();
    let live_file = dir.join("live.json");
    std::fs::write(&live_file, &live).unwrap();
    let out = hybridplan(
        &["diff", spec.to_str().unwrap(), live_file.to_str().unwrap()],
        None,
    );
    let expected = v["expect"]["diffExit"].as_i64().unwrap();
    if i64::from(out.status.code().unwrap_or(-1)) != expected {
        failures.push(format!(
            "{}: diff exits {:?}, expected {expected}\n{}{}",
            path.display(),
            out.status.code(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    failures
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hybridplan-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn trace_prints_the_hops_and_exits_by_outcome() {
    let out = hybridplan(&["trace", "reference", "10.100.1.1", "10.10.25.10"], None);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    for hop in ["dc-node", "dc-edge", "vbr", "cen-tr", "vpc", "ecs-node"] {
        assert!(text.contains(hop), "{text}");
    }
    assert!(text.contains("delivered"), "{text}");

    let out = hybridplan(
        &["trace", "-", "10.10.25.10", "8.8.8.8", "--format", "json"],
        Some(hybridplan::REFERENCE_SPEC.as_bytes()),
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout_json(&out)["outcome"], "no-route");

    let out = hybridplan(&["trace", "reference", "010.100.1.1", "10.10.25.10"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("leading zeros"));
}

#[test]
fn reference_names_the_built_in_scenario_in_every_command() {
    let named = hybridplan(&["plan", "reference"], None);
    let default = hybridplan(&["plan"], None);
    assert_eq!(named.status.code(), Some(0));
    assert_eq!(named.stdout, default.stdout);
    let frr = hybridplan(&["render", "frr", "reference"], None);
    assert_eq!(frr.status.code(), Some(0));
}

#[test]
fn trace_of_a_spec_with_errors_says_so_on_stderr_and_exits_1() {
    // An overlapping service range: the trace still runs, but the plan is not one to roll out.
    let spec = hybridplan::REFERENCE_SPEC
        .replace("serviceCidr: 172.21.0.0/20", "serviceCidr: 10.100.0.0/20");
    let out = hybridplan(
        &["trace", "-", "10.100.1.1", "10.10.25.10"],
        Some(spec.as_bytes()),
    );
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stdout.starts_with("trace 10.100.1.1 -> 10.10.25.10"),
        "{stdout}"
    );
    assert!(stderr.contains("cidr-overlap"), "{stderr}");
    assert!(stderr.contains("not one to roll out"), "{stderr}");
}

#[test]
fn trace_takes_the_side_of_an_overlay_pod() {
    let spec = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/vectors/scenario-clean-overlay.json"
    ))
    .unwrap();
    let spec = serde_json::from_str::<Value>(&spec).unwrap()["spec"].to_string();
    // A pod address of the overlay: on which side it runs, the address cannot say.
    let args = ["trace", "-", "172.20.128.10", "172.20.1.1"];
    let out = hybridplan(&args, Some(spec.as_bytes()));
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("ambiguous"));
    let placed = [
        &args[..],
        &["--src-node", "ecs-node", "--dst-node", "dc-node"],
    ]
    .concat();
    let out = hybridplan(&placed, Some(spec.as_bytes()));
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.contains("[in ipip 10.10.24.10 -> 192.168.0.10]"),
        "{text}"
    );
    let out = hybridplan(
        &[
            "trace",
            "-",
            "172.20.1.1",
            "172.20.1.2",
            "--src-node",
            "vpc",
        ],
        Some(spec.as_bytes()),
    );
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn fail_shows_the_path_and_the_tables_with_a_circuit_down_and_refuses_an_unknown_device() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let vector: Value = serde_json::from_str(
        &std::fs::read_to_string(
            root.join("tests/vectors/scenario-two-circuits-active-active.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let spec = vector["spec"].to_string();
    let hops = |args: &[&str]| -> Vec<String> {
        let out = hybridplan(args, Some(spec.as_bytes()));
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let trace = stdout_json(&out);
        trace["hops"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["device"].as_str().unwrap().to_owned())
            .collect()
    };
    let trace = [
        "trace",
        "-",
        "192.168.0.16",
        "10.10.24.10",
        "--format",
        "json",
    ];
    assert!(hops(&trace).contains(&"vbr".to_owned()));
    let failed = hops(&[&trace[..], &["--fail", "vbr"]].concat());
    assert_eq!(
        failed,
        [
            "dc-node",
            "dc-edge",
            "dc-edge-2",
            "vbr-2",
            "cen-tr",
            "vpc",
            "ecs-node"
        ]
    );

    let out = hybridplan(&["plan", "-", "--fail", "vbr-2"], Some(spec.as_bytes()));
    let tables = stdout_json(&out)["routing"]["tables"].clone();
    let devices: Vec<&str> = tables
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["device"].as_str().unwrap())
        .collect();
    assert!(
        devices.contains(&"vbr") && !devices.contains(&"vbr-2"),
        "{devices:?}"
    );

    for args in [&trace[..], &["plan", "-"]] {
        let out = hybridplan(
            &[args, &["--fail", "vbr-3"]].concat(),
            Some(spec.as_bytes()),
        );
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("vbr-3 is not a device of this plan (it has dc-node"),
            "{err}"
        );
    }
}
