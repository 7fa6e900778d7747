//! Writes the TypeScript declarations of the spec, the plan, a trace, an import and a diff (the npm package's
//! types) into `$HYBRIDPLAN_TS_OUT` (default `target/ts`). Runs only with the
//! `typescript` feature: `cargo test -p hybridplan --features typescript --test typescript`.
#![cfg(feature = "typescript")]

use hybridplan::{Diagnostic, Drift, Imported, Plan, Trace, spec::input::SpecInput};
use ts_rs::{Config, TS};

#[test]
fn export_declarations() {
    let dir = std::env::var("HYBRIDPLAN_TS_OUT")
        .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/../target/ts").to_owned());
    // Counts that can pass 2^53 are strings already; the rest are small numbers in JSON.
    // Imports name `.js` files, as Node's ES module resolution (NodeNext) wants; TypeScript
    // maps them to the `.d.ts` beside them.
    let cfg = Config::new()
        .with_out_dir(&dir)
        .with_large_int("number")
        .with_import_extension(Some("js"));
    SpecInput::export_all(&cfg).unwrap();
    Plan::export_all(&cfg).unwrap();
    Trace::export_all(&cfg).unwrap();
    Diagnostic::export_all(&cfg).unwrap();
    Imported::export_all(&cfg).unwrap();
    Drift::export_all(&cfg).unwrap();
    hybridplan::render::TerraformFile::export_all(&cfg).unwrap();
    assert!(std::path::Path::new(&dir).join("Plan.ts").exists());
}
