//! Any text, read as `kubectl get … -o json` output: import and diff never panic; an
//! imported spec's YAML always reads back (at worst as an incomplete spec, never as text
//! that is not YAML).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(imported) = hybridplan::import(text, Some(hybridplan::REFERENCE_SPEC)) {
        if let Err(hybridplan::SpecError::Syntax(d)) =
            hybridplan::HybridCluster::from_yaml(&imported.yaml)
        {
            panic!(
                "the imported YAML does not read: {}\n{}",
                d.message, imported.yaml
            );
        }
        if let Ok(spec) = hybridplan::HybridCluster::from_json(&imported.spec.to_string()) {
            let _ = hybridplan::diff(&spec, text);
        }
    }
    let _ = hybridplan::diff(&hybridplan::reference(), text);
});
