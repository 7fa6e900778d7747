//! Any bytes, read as a YAML spec and planned: never a panic; a refusal always has a code.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(plan) = hybridplan::Plan::from_yaml(text) {
        serde_json::to_string(&plan).expect("plan to JSON");
    }
});
