//! `growth`: how `plan` time (reading included, as a browser tab pays it) grows with the
//! size of a spec, at 1×, 10× and 100× the number of address ranges, vSwitches and nodes.
//! After criterion's own runs it prints each 100× / 1× ratio beside n·log n's, so growth
//! worse than n·log n shows at a glance.

use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::{Value, json};
use std::hint::black_box;
use std::time::Instant;

/// A small clean spec (Calico route reflectors, one zone), the 1× of every axis.
fn base() -> Value {
    json!({
        "name": "growth",
        "performance": "high",
        "onPrem": {
            "nodeCidrs": ["192.168.0.0/20"],
            "podCidrs": ["172.16.0.0/20"],
            "serviceCidr": "172.31.0.0/20",
            "nodes": 100,
            "maxPodsPerNode": 32,
            "calicoBlockSize": 28,
            "edgeRouters": [{ "ip": "192.168.0.1", "asNumber": 65001 }]
        },
        "cloud": {
            "region": "cn-hangzhou",
            "vpcCidr": "10.0.0.0/8",
            "zones": [{
                "zone": "cn-hangzhou-h",
                "nodeVSwitches": [{ "id": "vsw-node-h", "cidr": "10.10.0.0/24" }],
                "podVSwitches": [{ "id": "vsw-pod-0", "cidr": "10.20.0.0/24" }]
            }],
            "nodes": 2,
            "securityGroups": ["sg-growth"]
        },
        "interconnect": {
            "vbr": {
                "id": "vbr-growth", "vlanId": 100,
                "localGatewayIp": "192.168.255.1", "peerGatewayIp": "192.168.255.2",
                "peeringSubnet": "192.168.255.0/30"
            },
            "cen": { "id": "cen-growth" }
        }
    })
}

/// `n` consecutive /24s from `a.b.0.0`.
fn slash24s(a: u32, b: u32, n: usize) -> Vec<String> {
    (0..n as u32)
        .map(|i| format!("{a}.{}.{}.0/24", b + i / 256, i % 256))
        .collect()
}

/// The spec with `scale` times as many of `axis`.
fn scaled(axis: &str, scale: usize) -> String {
    let mut spec = base();
    match axis {
        // DC pod ranges: `scale` disjoint /20s (each holds the 100 nodes on its own).
        "ranges" => {
            let ranges: Vec<String> = (0..scale)
                .map(|i| format!("172.{}.{}.0/20", 16 + i / 16, (i % 16) * 16))
                .collect();
            spec["onPrem"]["podCidrs"] = json!(ranges);
        }
        // Pod vSwitches: 10 × `scale`, spread over zones of 100.
        "vswitches" => {
            let all = slash24s(10, 20, 10 * scale);
            let zones: Vec<Value> = all
                .chunks(100)
                .enumerate()
                .map(|(z, chunk)| {
                    json!({
                        "zone": format!("cn-hangzhou-z{z}"),
                        "nodeVSwitches": [{ "id": format!("vsw-node-{z}"), "cidr": format!("10.{}.0.0/24", 10 + z) }],
                        "podVSwitches": chunk.iter().enumerate().map(|(i, c)| {
                            json!({ "id": format!("vsw-pod-{z}-{i}"), "cidr": c })
                        }).collect::<Vec<_>>(),
                    })
                })
                .collect();
            spec["cloud"]["zones"] = json!(zones);
        }
        // DC nodes: 100 × `scale`, with a pod range that holds them.
        "nodes" => {
            spec["onPrem"]["nodes"] = json!(100 * scale);
            spec["onPrem"]["podCidrs"] = json!(["172.16.0.0/13"]);
            spec["onPrem"]["nodeCidrs"] = json!(["192.168.0.0/17"]);
        }
        _ => unreachable!("axis {axis}"),
    }
    spec.to_string()
}

const AXES: [&str; 3] = ["ranges", "vswitches", "nodes"];
const SCALES: [usize; 3] = [1, 10, 100];

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("growth");
    for axis in AXES {
        for scale in SCALES {
            let text = scaled(axis, scale);
            let plan = hybridplan::Plan::from_json(&text).expect("spec reads");
            assert!(
                !plan.has_errors(),
                "{axis} ×{scale}: {:?}",
                plan.errors().next()
            );
            group.bench_function(format!("{axis}/{scale}x"), |b| {
                b.iter(|| hybridplan::Plan::from_json(black_box(&text)))
            });
        }
    }
    group.finish();
    summary();
}

/// Median wall time of `runs` plans of `text`, in microseconds.
fn median_us(text: &str, runs: usize) -> f64 {
    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            black_box(hybridplan::Plan::from_json(black_box(text)).ok());
            start.elapsed().as_secs_f64() * 1e6
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[runs / 2]
}

fn summary() {
    let n_log_n = |n: f64| n * n.log2();
    eprintln!("\ngrowth: median plan time (reading included) and the 100×/1× ratio");
    for axis in AXES {
        let t: Vec<f64> = SCALES
            .iter()
            .map(|&s| median_us(&scaled(axis, s), 51))
            .collect();
        // The axis's n at 1×: 1 range, 10 vSwitches, 100 nodes; n·log n with n ≥ 2.
        let n0: f64 = match axis {
            "ranges" => 2.0,
            "vswitches" => 10.0,
            _ => 100.0,
        };
        eprintln!(
            "  {axis:<10} 1×: {:>8.0} µs  10×: {:>8.0} µs  100×: {:>8.0} µs  ratio {:>6.1}  (n·log n: {:.0})",
            t[0],
            t[1],
            t[2],
            t[2] / t[0],
            n_log_n(n0 * 100.0) / n_log_n(n0)
        );
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
