//! `plan`: core time to plan the reference scenario and a 5,000-node scenario, from a
//! parsed spec and from text. Target: under 5 ms each.

use criterion::{Criterion, criterion_group, criterion_main};
use hybridplan::{HybridCluster, plan};
use std::hint::black_box;

const LARGE_VECTOR: &str = include_str!("../../tests/vectors/scenario-large.json");

fn large_spec_json() -> String {
    let v: serde_json::Value = serde_json::from_str(LARGE_VECTOR).expect("vector is JSON");
    v["spec"].to_string()
}

fn bench(c: &mut Criterion) {
    let large_json = large_spec_json();
    let cases = [
        ("reference", hybridplan::REFERENCE_SPEC.to_owned()),
        ("5000-nodes", large_json),
    ];
    let mut group = c.benchmark_group("plan");
    for (name, text) in &cases {
        let spec = HybridCluster::from_text(text).expect("scenario parses");
        assert!(!plan(&spec).has_errors(), "{name} plans without errors");
        group.bench_function(format!("{name}/plan"), |b| {
            b.iter(|| plan(black_box(&spec)))
        });
        group.bench_function(format!("{name}/parse+plan"), |b| {
            b.iter(|| hybridplan::Plan::from_text(black_box(text)))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
