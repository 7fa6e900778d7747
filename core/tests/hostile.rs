//! Hostile input: each case is refused, or planned, with its expected code at its expected
//! pointer, and within 256 MiB of heap (counted by the allocator). Their time is measured
//! by the `hostile` benchmark.

#[path = "common/hostile.rs"]
mod hostile_cases;

use hostile_cases::cases;
#[path = "common/counting_alloc.rs"]
mod counting_alloc;

#[global_allocator]
static ALLOC: counting_alloc::Counting = counting_alloc::Counting;

const HEAP_LIMIT: usize = 256 << 20;

/// One test for all cases, run one after another so that the peak heap is each case's own.
#[test]
fn hostile_inputs_are_refused_or_planned_with_their_codes_in_bounded_memory() {
    let mut failures = Vec::new();
    for case in cases() {
        let (diagnostics, _, peak) =
            counting_alloc::measure(|| match hybridplan::Plan::from_bytes(&case.bytes) {
                Ok(plan) => plan.diagnostics,
                Err(e) => e.diagnostics().to_vec(),
            });
        let found = diagnostics
            .iter()
            .any(|d| d.code().as_str() == case.code && d.path == case.path);
        let summary: Vec<String> = diagnostics
            .iter()
            .take(5)
            .map(|d| {
                format!(
                    "{} at {:?}: {}",
                    d.code().as_str(),
                    d.path,
                    d.message.chars().take(120).collect::<String>()
                )
            })
            .collect();
        eprintln!(
            "{:<40} {:>8.1} MiB peak heap, {} diagnostics",
            case.name,
            peak as f64 / 1048576.0,
            diagnostics.len()
        );
        if !found {
            failures.push(format!(
                "{}: expected {} at {:?}, got {summary:#?}",
                case.name, case.code, case.path
            ));
        }
        if peak > HEAP_LIMIT {
            failures.push(format!("{}: peak heap {peak} bytes", case.name));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
