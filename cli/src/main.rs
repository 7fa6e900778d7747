//! `hybridplan`: plan a hybrid ACK cluster network from one spec.
//!
//! Exit codes: 0 no error diagnostics; 1 the spec has errors (the plan or the
//! diagnostics are still printed); 2 usage error, unreadable file, or text that is not JSON
//! or YAML at all. `trace` exits 0 when the packet is delivered, 1 when it is not or when the
//! spec has errors (named on standard error). `diff` exits 0 when the cluster is in the
//! planned state, 1 on drift, 2 when the spec or the cluster's objects cannot be read (or
//! the spec has errors).

use clap::{Parser, Subcommand, ValueEnum};
use hybridplan::{Device, Diagnostic, Endpoint, Plan, SpecError};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "hybridplan",
    version,
    about = "Plans the network of a hybrid ACK cluster: DC (Calico/Flannel/Cilium) + ECS (Terway) over Express Connect, VBR and CEN"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Plan a spec: diagnostics, mode, address budget, routing, manifests, checks.
    Plan {
        /// The spec (JSON or YAML); `-` reads standard input, `reference` or nothing the
        /// built-in reference scenario.
        spec: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Json)]
        format: Format,
        /// Also write each manifest to DIR under its file name, plan.json, and the
        /// Terraform in DIR/terraform.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Show the route tables as they stand with DEVICE down (`vbr-2`, `dc-edge`):
        /// its routes and those learned through it withdrawn, backups in use. Repeatable.
        #[arg(long, value_name = "DEVICE")]
        fail: Vec<Device>,
    },
    /// Follow a packet hop by hop through the plan's route tables.
    Trace {
        /// The spec (JSON or YAML); `-` reads standard input, `reference` plans the
        /// built-in reference scenario.
        spec: PathBuf,
        /// Source address (a DC or cloud node or pod).
        src: String,
        /// Destination address.
        dst: String,
        /// The node the source runs on, `dc-node` or `ecs-node`: needed for a pod address of
        /// an overlay that spans both sides.
        #[arg(long, value_name = "NODE")]
        src_node: Option<Device>,
        /// The node the destination runs on, likewise.
        #[arg(long, value_name = "NODE")]
        dst_node: Option<Device>,
        /// Trace with DEVICE down (`vbr-2`, `dc-edge`): the path after that failure.
        /// Repeatable.
        #[arg(long, value_name = "DEVICE")]
        fail: Vec<Device>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Read the spec's onPrem from the cluster: the output of the kubectl command in the
    /// README (`kubectl get … -o json`).
    Import {
        /// The kubectl output (JSON, one or more documents); `-` reads standard input.
        live: PathBuf,
        /// A spec that gives the rest (cloud, interconnect): the output is that spec with
        /// the onPrem values the cluster shows.
        #[arg(long, value_name = "SPEC")]
        into: Option<PathBuf>,
        /// Output format: YAML with a comment on where each value came from, or JSON.
        #[arg(long, value_enum, default_value_t = SpecFormat::Yaml)]
        format: SpecFormat,
    },
    /// Compare the plan of a spec with the cluster: exit 0 in sync, 1 on drift, 2 when
    /// either cannot be read.
    Diff {
        /// The spec (JSON or YAML); `reference` plans the built-in reference scenario.
        spec: PathBuf,
        /// The kubectl output, as for `import`; `-` reads standard input.
        live: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Write configuration from the plan: FRR for a DC edge router, or the Alibaba Cloud
    /// side as Terraform.
    Render {
        /// What to render.
        #[arg(value_enum)]
        target: RenderTarget,
        /// The spec (JSON or YAML); `-` reads standard input, `reference` or nothing the
        /// built-in reference scenario.
        spec: Option<PathBuf>,
        /// The device (frr): `dc-edge` (peers with the VBR), `dc-edge-2`, … for further edge
        /// routers.
        #[arg(long, default_value = "dc-edge")]
        device: Device,
        /// Write the Terraform files into DIR (terraform) instead of printing them.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum RenderTarget {
    /// FRR `frr.conf` (bgpd, zebra, staticd, bfdd).
    Frr,
    /// Terraform for the `aliyun/alicloud` provider: BGP on the VBR, the transit router's
    /// connections and routes, the security group rules. Printed one file after another
    /// (each under a `# ==> NAME <==` line) unless `--out` is given.
    Terraform,
}

#[derive(Clone, Copy, ValueEnum)]
enum SpecFormat {
    Yaml,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Json,
    Yaml,
    Text,
}

const EXIT_ERRORS: u8 = 1;
/// The name that stands for the built-in reference scenario wherever a spec is expected.
const REFERENCE: &str = "reference";
const EXIT_USAGE: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Plan {
            spec,
            format,
            out,
            fail,
        } => plan(spec.as_deref(), format, out.as_deref(), &fail),
        Command::Trace {
            spec,
            src,
            dst,
            src_node,
            dst_node,
            fail,
            format,
        } => trace(&spec, (&src, src_node), (&dst, dst_node), &fail, format),
        Command::Render {
            target,
            spec,
            device,
            out,
        } => render(target, spec.as_deref(), device, out.as_deref()),
        Command::Import { live, into, format } => import(&live, into.as_deref(), format),
        Command::Diff { spec, live, format } => diff(&spec, &live, format),
    }
}

/// Reads a file as text, or standard input for `-`.
fn read_text(path: &Path, what: &str) -> Result<String, String> {
    let bytes = read_spec(Some(path))
        .map_err(|e| e.replace("cannot read", &format!("cannot read {what}")))?;
    String::from_utf8(bytes).map_err(|_| format!("{what} {} is not UTF-8 text", path.display()))
}

fn import(live: &Path, into: Option<&Path>, format: SpecFormat) -> ExitCode {
    let texts = read_text(live, "the cluster's objects").and_then(|live| {
        let base = into.map(|p| read_text(p, "the spec")).transpose()?;
        Ok((live, base))
    });
    let (live, base) = match texts {
        Ok(t) => t,
        Err(message) => {
            eprintln!("hybridplan: {message}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    match hybridplan::import(&live, base.as_deref()) {
        Ok(imported) => {
            emit(&match format {
                SpecFormat::Yaml => imported.yaml.clone(),
                SpecFormat::Json => to_json(&imported.spec),
            });
            for m in &imported.missing {
                eprintln!("hybridplan: not found, fill in {}: {}", m.path, m.what);
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprint!(
                "{}",
                hybridplan::report::render_diagnostics(&e.diagnostics())
            );
            ExitCode::from(EXIT_USAGE)
        }
    }
}

fn diff(spec: &Path, live: &Path, format: Format) -> ExitCode {
    let inputs =
        read_spec(Some(spec)).and_then(|s| Ok((s, read_text(live, "the cluster's objects")?)));
    let (bytes, live) = match inputs {
        Ok(t) => t,
        Err(message) => {
            eprintln!("hybridplan: {message}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let cluster = match hybridplan::HybridCluster::from_bytes(&bytes) {
        Ok(c) => c,
        Err(e) => {
            eprint!(
                "{}",
                hybridplan::report::render_diagnostics(e.diagnostics())
            );
            return ExitCode::from(EXIT_USAGE);
        }
    };
    match hybridplan::diff(&cluster, &live) {
        Ok(drift) => {
            emit(&match format {
                Format::Json => to_json(&drift),
                Format::Yaml => to_yaml(&drift),
                Format::Text => hybridplan::report::render_drift(&drift),
            });
            if drift.in_sync {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(EXIT_ERRORS)
            }
        }
        Err(e) => {
            eprint!(
                "{}",
                hybridplan::report::render_diagnostics(&e.diagnostics())
            );
            ExitCode::from(EXIT_USAGE)
        }
    }
}

/// Prints (or writes) the configuration; a spec with errors still renders (to show what
/// would be built), with its errors on standard error and exit code 1.
fn render(
    target: RenderTarget,
    spec: Option<&Path>,
    device: Device,
    out: Option<&Path>,
) -> ExitCode {
    let bytes = match read_spec(spec) {
        Ok(t) => t,
        Err(message) => {
            eprintln!("hybridplan: {message}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let cluster = match hybridplan::HybridCluster::from_bytes(&bytes) {
        Ok(c) => c,
        Err(SpecError::Syntax(d)) => {
            eprintln!("hybridplan: {}", d.message);
            return ExitCode::from(EXIT_USAGE);
        }
        Err(e) => {
            let list = e.diagnostics();
            eprint!("{}", render_diagnostics(list, Format::Text));
            return ExitCode::from(EXIT_ERRORS);
        }
    };
    let plan = hybridplan::plan(&cluster);
    match (target, out) {
        (RenderTarget::Frr, Some(_)) => {
            eprintln!(
                "hybridplan: --out writes Terraform; redirect the FRR configuration to a file instead"
            );
            return ExitCode::from(EXIT_USAGE);
        }
        (RenderTarget::Frr, None) => match hybridplan::render::frr(&cluster, &plan, device) {
            Ok(config) => emit(&config),
            Err(e) => {
                eprintln!("hybridplan: {e}");
                return ExitCode::from(EXIT_USAGE);
            }
        },
        (RenderTarget::Terraform, None) => {
            let files = hybridplan::render::terraform(&cluster, &plan);
            let text: Vec<String> = files
                .iter()
                .map(|f| format!("# ==> {} <==\n{}", f.name, f.content))
                .collect();
            emit(&text.join("\n"));
        }
        (RenderTarget::Terraform, Some(dir)) => {
            let files = hybridplan::render::terraform(&cluster, &plan);
            if let Err(message) = write_terraform(dir, &files) {
                eprintln!("hybridplan: {message}");
                return ExitCode::from(EXIT_USAGE);
            }
            eprintln!(
                "hybridplan: wrote {} Terraform files to {}",
                files.len(),
                dir.display()
            );
        }
    }
    if report_errors(&plan) {
        return ExitCode::from(EXIT_ERRORS);
    }
    ExitCode::SUCCESS
}

fn trace(
    spec: &Path,
    src: (&str, Option<Device>),
    dst: (&str, Option<Device>),
    fail: &[Device],
    format: Format,
) -> ExitCode {
    let end = |(text, node): (&str, Option<Device>), what: &str| {
        hybridplan::cidr::parse_addr(text)
            .map(|addr| Endpoint { addr, node })
            .map_err(|e| format!("{what} `{text}`: {e}"))
    };
    let (src, dst) = match (end(src, "source"), end(dst, "destination")) {
        (Ok(s), Ok(d)) => (s, d),
        (Err(message), _) | (_, Err(message)) => {
            eprintln!("hybridplan: {message}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let bytes = match read_spec(Some(spec)) {
        Ok(t) => t,
        Err(message) => {
            eprintln!("hybridplan: {message}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let plan = match Plan::from_bytes(&bytes) {
        Ok(plan) => plan,
        Err(SpecError::Syntax(d)) => {
            eprintln!("hybridplan: {}", d.message);
            return ExitCode::from(EXIT_USAGE);
        }
        Err(e) => {
            let list = e.diagnostics();
            emit(&render_diagnostics(list, format));
            return ExitCode::from(EXIT_ERRORS);
        }
    };
    let trace = match hybridplan::trace_failed(&plan, src, dst, fail) {
        Ok(trace) => trace,
        Err(e) => {
            eprintln!("hybridplan: --fail: {e}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    emit(&match format {
        Format::Json => to_json(&trace),
        Format::Yaml => to_yaml(&trace),
        Format::Text => hybridplan::report::render_trace(&trace),
    });
    // The routes of a spec with errors are not the ones to roll out: the trace is shown,
    // and the errors beside it, as `render frr` does.
    if report_errors(&plan) {
        return ExitCode::from(EXIT_ERRORS);
    }
    if trace.outcome == hybridplan::routing::Outcome::Delivered {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_ERRORS)
    }
}

/// Writes the plan's errors to standard error; whether there were any.
fn report_errors(plan: &Plan) -> bool {
    let errors: Vec<Diagnostic> = plan.errors().cloned().collect();
    if errors.is_empty() {
        return false;
    }
    eprint!(
        "hybridplan: the spec has {} error(s); the plan is not one to roll out:\n{}",
        errors.len(),
        render_diagnostics(&errors, Format::Text)
    );
    true
}

/// The spec's bytes: the built-in reference without a path or for `reference` (in every
/// command alike), standard input for `-`.
fn read_spec(path: Option<&Path>) -> Result<Vec<u8>, String> {
    match path {
        None => Ok(hybridplan::REFERENCE_SPEC.as_bytes().to_vec()),
        Some(p) if p == Path::new(REFERENCE) => Ok(hybridplan::REFERENCE_SPEC.as_bytes().to_vec()),
        Some(p) if p == Path::new("-") => {
            let mut bytes = Vec::new();
            std::io::stdin()
                .read_to_end(&mut bytes)
                .map_err(|e| format!("cannot read standard input: {e}"))?;
            Ok(bytes)
        }
        Some(p) => std::fs::read(p).map_err(|e| format!("cannot read {}: {e}", p.display())),
    }
}

fn plan(spec: Option<&Path>, format: Format, out: Option<&Path>, fail: &[Device]) -> ExitCode {
    let bytes = match read_spec(spec) {
        Ok(t) => t,
        Err(message) => {
            eprintln!("hybridplan: {message}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    match hybridplan::HybridCluster::from_bytes(&bytes) {
        Ok(cluster) => {
            let mut plan = hybridplan::plan(&cluster);
            if !fail.is_empty() {
                match plan.routing.tables_after(fail) {
                    Ok(tables) => plan.routing.tables = tables,
                    Err(e) => {
                        eprintln!("hybridplan: --fail: {e}");
                        return ExitCode::from(EXIT_USAGE);
                    }
                }
            }
            if let Some(dir) = out
                && let Err(message) = write_out(dir, &cluster, &plan)
            {
                eprintln!("hybridplan: {message}");
                return ExitCode::from(EXIT_USAGE);
            }
            let rendered = match format {
                Format::Json => to_json(&plan),
                Format::Yaml => to_yaml(&plan),
                Format::Text => hybridplan::report::render_text(&plan),
            };
            emit(&rendered);
            if plan.has_errors() {
                ExitCode::from(EXIT_ERRORS)
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(SpecError::Syntax(d)) => {
            eprintln!("hybridplan: {}", d.message);
            ExitCode::from(EXIT_USAGE)
        }
        Err(e) => {
            let list = e.diagnostics();
            emit(&render_diagnostics(list, format));
            ExitCode::from(EXIT_ERRORS)
        }
    }
}

/// Diagnostics of a spec that could not be planned, as `{"diagnostics": [...]}`.
fn render_diagnostics(list: &[Diagnostic], format: Format) -> String {
    #[derive(serde::Serialize)]
    struct Only<'a> {
        diagnostics: &'a [Diagnostic],
    }
    match format {
        Format::Json => to_json(&Only { diagnostics: list }),
        Format::Yaml => to_yaml(&Only { diagnostics: list }),
        Format::Text => hybridplan::report::render_diagnostics(list),
    }
}

fn to_json<T: serde::Serialize>(value: &T) -> String {
    // Serialising plain data structures cannot fail.
    let mut s = serde_json::to_string_pretty(value).unwrap_or_default();
    s.push('\n');
    s
}

fn to_yaml<T: serde::Serialize>(value: &T) -> String {
    serde_saphyr::to_string(value).unwrap_or_default()
}

fn emit(text: &str) {
    let mut stdout = std::io::stdout().lock();
    // A closed pipe (`| head`) is not an error worth a panic.
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
}

/// Writes `body` as `name` in `dir` (created if missing).
fn write_file(dir: &Path, name: &str, body: &str) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    // Names come from the planner; still, never let one leave the directory.
    let file = Path::new(name)
        .file_name()
        .ok_or_else(|| format!("bad file name {name:?}"))?;
    let path = dir.join(file);
    std::fs::write(&path, body).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

fn write_terraform(dir: &Path, files: &[hybridplan::render::TerraformFile]) -> Result<(), String> {
    files
        .iter()
        .try_for_each(|f| write_file(dir, &f.name, &f.content))
}

/// The manifests, plan.json, and the Terraform in `terraform/`.
fn write_out(dir: &Path, spec: &hybridplan::HybridCluster, plan: &Plan) -> Result<(), String> {
    for m in &plan.manifests {
        write_file(dir, &m.file, &m.yaml)?;
    }
    write_file(dir, "plan.json", &to_json(plan))?;
    let terraform = hybridplan::render::terraform(spec, plan);
    write_terraform(&dir.join("terraform"), &terraform)?;
    eprintln!(
        "hybridplan: wrote {} manifest files, plan.json and {} Terraform files (terraform/) to {}",
        plan.manifests.len(),
        terraform.len(),
        dir.display()
    );
    Ok(())
}
