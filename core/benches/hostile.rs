//! `hostile`: time to refuse (or plan) each hostile input of `tests/common/hostile.rs`.
//! Target: each under 1 second. Their codes and memory are checked by `tests/hostile.rs`.

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

#[path = "../tests/common/hostile.rs"]
mod hostile_cases;

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("hostile");
    group.sample_size(10);
    for case in hostile_cases::cases() {
        // What is timed is the right answer: the expected code at the expected pointer.
        let diagnostics = match hybridplan::Plan::from_bytes(&case.bytes) {
            Ok(plan) => plan.diagnostics,
            Err(e) => e.diagnostics().to_vec(),
        };
        assert!(
            diagnostics
                .iter()
                .any(|d| d.code().as_str() == case.code && d.path == case.path),
            "{}: no {} at {}",
            case.name,
            case.code,
            case.path
        );
        group.bench_function(case.name, |b| {
            b.iter(|| hybridplan::Plan::from_bytes(black_box(&case.bytes)).is_ok())
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
