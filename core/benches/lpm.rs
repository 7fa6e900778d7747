//! `lpm`: longest-prefix match on real BGP tables (RouteViews, 2015: 606,138 IPv4 and
//! 27,693 IPv6 prefixes), `RouteTable` against the crates `prefix-trie` and
//! `ip_network_table-deps-treebitmap`, same queries, same run. All three must give the same
//! answer for every query before anything is timed.
//!
//! Queries come from a fixed-seed generator: half uniformly random addresses (IPv6: inside
//! 2000::/3), half inside random table prefixes. Build time and heap size (counted by the
//! allocator) are reported too. The tables are not in the repository: set
//! `HYBRIDPLAN_BGP_DATA` to the folder holding `ipv4-2015.tsv.gz` and `ipv6-2015.tsv.gz`
//! (docs/benchmarks.md says how to make them).

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use hybridplan::{Cidr, Family, lpm::RouteTable};
use ip_network_table_deps_treebitmap::IpLookupTable;
use ipnet::{Ipv4Net, Ipv6Net};
use prefix_trie::PrefixMap;
use std::hint::black_box;
use std::io::Read;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Counts live heap bytes, so table sizes are measured, not estimated.
#[path = "../tests/common/counting_alloc.rs"]
mod counting_alloc;

#[global_allocator]
static ALLOC: counting_alloc::Counting = counting_alloc::Counting;

fn heap_of<T>(build: impl FnOnce() -> T) -> (T, usize) {
    let (value, kept, _) = counting_alloc::measure(build);
    (value, kept)
}

/// Stops the benchmark with a message saying which data it needs and how to point at it.
fn no_data(problem: &str) -> ! {
    eprintln!(
        "lpm benchmark: {problem}\n\
         It needs real BGP tables, which are not in the repository: set HYBRIDPLAN_BGP_DATA \
         to a folder holding ipv4-2015.tsv.gz and ipv6-2015.tsv.gz, gzipped lines of \
         `prefix<TAB>origin AS` taken from a RouteViews table dump (docs/benchmarks.md says \
         how to make them)."
    );
    std::process::exit(2)
}

fn load(file: &str) -> Vec<(Cidr, u32)> {
    let dir = std::env::var("HYBRIDPLAN_BGP_DATA")
        .unwrap_or_else(|_| no_data("HYBRIDPLAN_BGP_DATA is not set."));
    let path = format!("{dir}/{file}");
    let raw = std::fs::read(&path).unwrap_or_else(|e| no_data(&format!("{path}: {e}")));
    let mut text = String::new();
    flate2::read::GzDecoder::new(&raw[..])
        .read_to_string(&mut text)
        .expect("gzip text");
    text.lines()
        .filter_map(|l| {
            let (prefix, asn) = l.split_once('\t')?;
            Some((prefix.parse().ok()?, asn.trim().parse().ok()?))
        })
        .collect()
}

/// xorshift64*: the same queries on every run.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

fn queries(routes: &[(Cidr, u32)], family: Family, n: usize) -> Vec<u128> {
    let mut rng = Rng(0x5EED_1234_ABCD_0001);
    (0..n)
        .map(|i| {
            let r = (u128::from(rng.next()) << 64) | u128::from(rng.next());
            if i % 2 == 0 {
                match family {
                    Family::V4 => r & 0xffff_ffff,
                    Family::V6 => (0x2u128 << 124) | (r >> 3), // inside 2000::/3
                }
            } else {
                let (c, _) = routes[(rng.next() % routes.len() as u64) as usize];
                let host = (1u128 << (family.width() - c.len()) as u32).wrapping_sub(1);
                c.first() | (r & host)
            }
        })
        .collect()
}

/// Runs each lookup loop in turn, round after round, and prints each one's median rate
/// and its median ratios, within the same round, to the first (the peer the targets name)
/// and to the second (`RouteTable::lookup`, which the batch's target names). Criterion
/// times one implementation after another, so a burst of load from elsewhere on the host
/// can land on one and spare the other; alternating spreads it over all of them. Each timed
/// pass follows an untimed one over the same queries, so every structure is measured warm,
/// as in use, not just after another one has filled the caches.
fn interleaved(label: &str, queries: usize, runs: &mut [(&str, &mut dyn FnMut() -> u64)]) {
    const ROUNDS: usize = 21;
    let mut rates = vec![Vec::with_capacity(ROUNDS); runs.len()];
    for _ in 0..ROUNDS {
        for (rate, (_, run)) in rates.iter_mut().zip(runs.iter_mut()) {
            black_box(run());
            let start = std::time::Instant::now();
            black_box(run());
            rate.push(queries as f64 / start.elapsed().as_secs_f64() / 1e6);
        }
    }
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let ratio = |i: usize, to: usize| -> f64 {
        median(
            rates[i]
                .iter()
                .zip(&rates[to])
                .map(|(a, b)| a / b)
                .collect(),
        )
    };
    for (i, (name, _)) in runs.iter().enumerate() {
        eprintln!(
            "{label}: {name:36} {:6.1} M lookups/s, {:5.2}x {}, {:4.2}x {} (medians of {ROUNDS} alternating rounds)",
            median(rates[i].clone()),
            ratio(i, 0),
            runs[0].0,
            ratio(i, 1),
            runs[1].0,
        );
    }
}

/// The five timed lookups of one family: `RouteTable::lookup` in a loop, its batch form
/// taken two ways, and the two peers. Each reads the same integer queries, converts them to its own
/// address type and sums the values found, so no work can be skipped. The query slice,
/// not each query, goes through `black_box`, as the batch's does: per query it is a
/// compiler barrier that made each loop reload its table's fields from memory on every
/// lookup, which no caller's loop does. They run first in
/// alternation (see `interleaved`), then under criterion.
macro_rules! lookup_group {
    ($c:expr, $name:expr, $qs:expr, $ours:expr, $many:ident, $trie:expr, $tbm:expr,
     $addr:ty, $net:ty, $bits:expr) => {{
        let mut lookup = || {
            let mut sum = 0u64;
            for &q in black_box($qs) {
                let a = IpAddr::from(<$addr>::from(q));
                if let Some((_, v)) = $ours.lookup(a) {
                    sum += u64::from(*v);
                }
            }
            sum
        };
        // The batch as its docs say to take it when a default will do (`or`), and with
        // each answer's `Option` matched, as the single lookups' are.
        let mut many = || {
            $ours
                .$many(black_box($qs))
                .or(&0)
                .map(|&v| u64::from(v))
                .sum::<u64>()
        };
        let mut many_options = || {
            $ours
                .$many(black_box($qs))
                .map(|v| v.map_or(0, |v| u64::from(*v)))
                .sum::<u64>()
        };
        let mut prefix_trie = || {
            let mut sum = 0u64;
            for &q in black_box($qs) {
                let p = <$net>::new(<$addr>::from(q), $bits).unwrap();
                if let Some((_, v)) = $trie.get_lpm(&p) {
                    sum += u64::from(*v);
                }
            }
            sum
        };
        let mut treebitmap = || {
            let mut sum = 0u64;
            for &q in black_box($qs) {
                if let Some((_, _, v)) = $tbm.longest_match(<$addr>::from(q)) {
                    sum += u64::from(*v);
                }
            }
            sum
        };
        let many_name = concat!("RouteTable::", stringify!($many), "(..).or");
        let options_name = concat!("RouteTable::", stringify!($many), " (Option)");
        interleaved(
            $name,
            $qs.len(),
            &mut [
                ("prefix-trie", &mut prefix_trie),
                ("RouteTable::lookup", &mut lookup),
                (many_name, &mut many),
                (options_name, &mut many_options),
                ("treebitmap", &mut treebitmap),
            ],
        );
        let mut g = $c.benchmark_group($name);
        g.throughput(Throughput::Elements($qs.len() as u64));
        g.sample_size(20);
        g.bench_function("RouteTable::lookup", |b| b.iter(&mut lookup));
        g.bench_function(many_name, |b| b.iter(&mut many));
        g.bench_function(options_name, |b| b.iter(&mut many_options));
        g.bench_function("prefix-trie", |b| b.iter(&mut prefix_trie));
        g.bench_function("treebitmap", |b| b.iter(&mut treebitmap));
        g.finish();
    }};
}

fn bench_v4(c: &mut Criterion) {
    let routes = load("ipv4-2015.tsv.gz");
    let qs: Vec<u32> = queries(&routes, Family::V4, 1_000_000)
        .into_iter()
        .map(|q| q as u32)
        .collect();

    let build_ours = || routes.iter().copied().collect::<RouteTable<u32>>();
    let build_trie = || {
        let mut m = PrefixMap::<Ipv4Net, u32>::new();
        for (c, v) in &routes {
            m.insert(
                Ipv4Net::new(Ipv4Addr::from(c.first() as u32), c.len()).unwrap(),
                *v,
            );
        }
        m
    };
    let build_tbm = || {
        let mut t = IpLookupTable::<Ipv4Addr, u32>::new();
        for (c, v) in &routes {
            t.insert(Ipv4Addr::from(c.first() as u32), u32::from(c.len()), *v);
        }
        t
    };
    let (ours, ours_heap) = heap_of(build_ours);
    let (trie, trie_heap) = heap_of(build_trie);
    let (tbm, tbm_heap) = heap_of(build_tbm);
    eprintln!(
        "lpm/ipv4: {} prefixes; heap: RouteTable {:.1} MiB, prefix-trie {:.1} MiB, treebitmap {:.1} MiB",
        routes.len(),
        ours_heap as f64 / 1048576.0,
        trie_heap as f64 / 1048576.0,
        tbm_heap as f64 / 1048576.0
    );

    eprintln!(
        "lpm/ipv4: trie shape (direct, nodes, leaves) = {:?}",
        ours.shape()[0]
    );
    // Same answer from all three for every query, before timing anything.
    let batch: Vec<_> = ours.lookup_many_v4(&qs).collect();
    let mut hits = 0;
    for (i, &q) in qs.iter().enumerate() {
        let a = ours
            .lookup(Ipv4Addr::from(q))
            .map(|(c, v)| (c.first() as u32, c.len(), *v));
        let b = trie
            .get_lpm(&Ipv4Net::new(Ipv4Addr::from(q), 32).unwrap())
            .map(|(p, v)| (u32::from(p.network()), p.prefix_len(), *v));
        let t = tbm
            .longest_match(Ipv4Addr::from(q))
            .map(|(a, l, v)| (u32::from(a), l as u8, *v));
        assert_eq!(
            a,
            b,
            "RouteTable and prefix-trie differ on {}",
            Ipv4Addr::from(q)
        );
        assert_eq!(
            a,
            t,
            "RouteTable and treebitmap differ on {}",
            Ipv4Addr::from(q)
        );
        assert_eq!(batch[i].copied(), a.map(|x| x.2), "lookup_many_v4 differs");
        hits += usize::from(a.is_some());
    }
    eprintln!(
        "lpm/ipv4: {} queries, {hits} hits, all three agree",
        qs.len()
    );

    lookup_group!(
        c,
        "lpm/ipv4-lookup",
        &qs,
        ours,
        lookup_many_v4,
        trie,
        tbm,
        Ipv4Addr,
        Ipv4Net,
        32
    );

    let mut g = c.benchmark_group("lpm/ipv4-build");
    g.sample_size(10);
    g.bench_function("RouteTable", |b| {
        b.iter_batched(|| (), |_| build_ours(), BatchSize::PerIteration)
    });
    g.bench_function("prefix-trie", |b| {
        b.iter_batched(|| (), |_| build_trie(), BatchSize::PerIteration)
    });
    g.bench_function("treebitmap", |b| {
        b.iter_batched(|| (), |_| build_tbm(), BatchSize::PerIteration)
    });
    g.finish();
}

fn bench_v6(c: &mut Criterion) {
    let routes = load("ipv6-2015.tsv.gz");
    let qs = queries(&routes, Family::V6, 1_000_000);
    let (ours, ours_heap) = heap_of(|| routes.iter().copied().collect::<RouteTable<u32>>());
    let (trie, trie_heap) = heap_of(|| {
        let mut m = PrefixMap::<Ipv6Net, u32>::new();
        for (c, v) in &routes {
            m.insert(
                Ipv6Net::new(Ipv6Addr::from(c.first()), c.len()).unwrap(),
                *v,
            );
        }
        m
    });
    let (tbm, tbm_heap) = heap_of(|| {
        let mut t = IpLookupTable::<Ipv6Addr, u32>::new();
        for (c, v) in &routes {
            t.insert(Ipv6Addr::from(c.first()), u32::from(c.len()), *v);
        }
        t
    });
    eprintln!(
        "lpm/ipv6: {} prefixes; heap: RouteTable {:.1} MiB, prefix-trie {:.1} MiB, treebitmap {:.1} MiB",
        routes.len(),
        ours_heap as f64 / 1048576.0,
        trie_heap as f64 / 1048576.0,
        tbm_heap as f64 / 1048576.0
    );
    let batch: Vec<_> = ours.lookup_many_v6(&qs).collect();
    for (i, &q) in qs.iter().enumerate() {
        let a = ours
            .lookup(Ipv6Addr::from(q))
            .map(|(c, v)| (c.first(), c.len(), *v));
        let b = trie
            .get_lpm(&Ipv6Net::new(Ipv6Addr::from(q), 128).unwrap())
            .map(|(p, v)| (u128::from(p.network()), p.prefix_len(), *v));
        let t = tbm
            .longest_match(Ipv6Addr::from(q))
            .map(|(a, l, v)| (u128::from(a), l as u8, *v));
        assert_eq!(
            a,
            b,
            "RouteTable and prefix-trie differ on {}",
            Ipv6Addr::from(q)
        );
        assert_eq!(
            a,
            t,
            "RouteTable and treebitmap differ on {}",
            Ipv6Addr::from(q)
        );
        assert_eq!(batch[i].copied(), a.map(|x| x.2), "lookup_many_v6 differs");
    }
    eprintln!("lpm/ipv6: {} queries, all three agree", qs.len());

    lookup_group!(
        c,
        "lpm/ipv6-lookup",
        &qs,
        ours,
        lookup_many_v6,
        trie,
        tbm,
        Ipv6Addr,
        Ipv6Net,
        128
    );
}

/// The median of `runs` timings of `f`, in milliseconds: each run starts from a fresh
/// state made by `setup` (untimed).
fn median_ms<S, T>(runs: usize, mut setup: impl FnMut() -> S, mut f: impl FnMut(S) -> T) -> f64 {
    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let state = setup();
            let start = std::time::Instant::now();
            black_box(f(state));
            start.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

/// A table built one route at a time, emptied one route at a time, and built in bulk, by
/// `RouteTable` and by prefix-trie (whose build is its insert loop), rounds alternating;
/// times are medians, ratios to prefix-trie's insert loop.
fn updates<N: prefix_trie::Prefix + Copy>(
    label: &str,
    routes: &[(Cidr, u32)],
    net: impl Fn(Cidr) -> N,
) {
    const RUNS: usize = 7;
    let nets: Vec<(N, u32)> = routes.iter().map(|&(c, v)| (net(c), v)).collect();
    let ours_built = || routes.iter().copied().collect::<RouteTable<u32>>();
    let trie_built = || {
        let mut m = PrefixMap::<N, u32>::new();
        for &(n, v) in &nets {
            m.insert(n, v);
        }
        m
    };
    let ours_insert = median_ms(RUNS, RouteTable::<u32>::new, |mut t| {
        for &(c, v) in routes {
            t.insert(c, v);
        }
        t
    });
    let trie_insert = median_ms(RUNS, PrefixMap::<N, u32>::new, |mut m| {
        for &(n, v) in &nets {
            m.insert(n, v);
        }
        m
    });
    let ours_remove = median_ms(RUNS, ours_built, |mut t| {
        for &(c, _) in routes {
            t.remove(c);
        }
        assert!(t.is_empty());
        t
    });
    let trie_remove = median_ms(RUNS, trie_built, |mut m| {
        for (n, _) in &nets {
            m.remove(n);
        }
        m
    });
    let ours_bulk = median_ms(RUNS, || (), |_| ours_built());
    eprintln!(
        "{label}: insert loop {ours_insert:.1} ms ({:.2}x prefix-trie's {trie_insert:.1} ms); \
         remove loop {ours_remove:.1} ms ({:.2}x prefix-trie's {trie_remove:.1} ms); \
         bulk build (collect) {ours_bulk:.1} ms ({:.2}x prefix-trie's insert loop); medians of {RUNS}",
        ours_insert / trie_insert,
        ours_remove / trie_remove,
        ours_bulk / trie_insert,
    );
    // The table an insert loop leaves answers as the bulk-built one.
    let (looped, bulk) = (
        routes.iter().fold(RouteTable::new(), |mut t, &(c, v)| {
            t.insert(c, v);
            t
        }),
        ours_built(),
    );
    assert!(
        looped.iter().eq(bulk.iter()),
        "{label}: insert loop and bulk build differ"
    );
}

/// A BGP feed on a full IPv4 table: 100,000 updates, each an announcement of a prefix the
/// table lacks, a withdrawal of one it has, or a new value for one it has (4:4:2), drawn
/// from the real table, of which a random tenth is held back to be announced. prefix-trie
/// takes the same updates in the same run; after each 100 updates both answer the same
/// 100 random addresses (`RouteTable::lookup` checked against prefix-trie). Reports the
/// rate, the median and 99th percentile of each update's own time (timed one by one), and
/// the heap after the feed.
fn feed(routes: &[(Cidr, u32)]) {
    const UPDATES: usize = 100_000;
    let mut rng = Rng(0xFEED_0000_2015_1101);
    let mut held = Vec::new();
    let mut present = Vec::new();
    for &(c, v) in routes {
        if rng.next().is_multiple_of(10) {
            held.push((c, v));
        } else {
            present.push((c, v));
        }
    }
    let v4 = |c: Cidr| Ipv4Net::new(Ipv4Addr::from(c.first() as u32), c.len()).unwrap();
    let (mut ours, heap_before) = heap_of(|| present.iter().copied().collect::<RouteTable<u32>>());
    let mut trie = PrefixMap::<Ipv4Net, u32>::new();
    for &(c, v) in &present {
        trie.insert(v4(c), v);
    }
    let mut times = Vec::with_capacity(UPDATES);
    let (mut ours_total, mut trie_total) = (0.0, 0.0);
    let mut stream = Vec::with_capacity(100);
    let mut checked = 0;
    for batch in 0..UPDATES / 100 {
        stream.clear();
        for _ in 0..100 {
            let pick = rng.next();
            let op = match pick % 10 {
                0..=3 if !held.is_empty() => {
                    let (c, v) = held.swap_remove((pick >> 8) as usize % held.len());
                    present.push((c, v));
                    (c, Some(v))
                }
                0..=7 => {
                    let (c, v) = present.swap_remove((pick >> 8) as usize % present.len());
                    held.push((c, v));
                    (c, None)
                }
                _ => {
                    let i = (pick >> 8) as usize % present.len();
                    present[i].1 ^= 1 + (pick >> 40) as u32;
                    (present[i].0, Some(present[i].1))
                }
            };
            stream.push(op);
        }
        let start = std::time::Instant::now();
        for &(c, v) in &stream {
            let t = std::time::Instant::now();
            match v {
                Some(v) => black_box(ours.insert(c, v)),
                None => black_box(ours.remove(c)),
            };
            times.push(t.elapsed().as_secs_f64() * 1e9);
        }
        ours_total += start.elapsed().as_secs_f64();
        let start = std::time::Instant::now();
        for &(c, v) in &stream {
            match v {
                Some(v) => black_box(trie.insert(v4(c), v)),
                None => black_box(trie.remove(&v4(c))),
            };
        }
        trie_total += start.elapsed().as_secs_f64();
        for _ in 0..100 {
            let a = Ipv4Addr::from(rng.next() as u32 ^ (batch as u32).rotate_left(7));
            let got = ours.lookup(a).map(|(c, v)| (c.first() as u32, c.len(), *v));
            let want = trie
                .get_lpm(&Ipv4Net::new(a, 32).unwrap())
                .map(|(p, v)| (u32::from(p.network()), p.prefix_len(), *v));
            assert_eq!(
                got,
                want,
                "feed: lookup of {a} after {} updates",
                (batch + 1) * 100
            );
            checked += 1;
        }
    }
    times.sort_by(f64::total_cmp);
    let (_, heap_after) = heap_of(|| ours.clone());
    eprintln!(
        "lpm/ipv4-feed: {UPDATES} updates on a table of {}: {:.0} updates/s ({:.2}x prefix-trie's {:.0}); \
         per update median {:.0} ns, 99th percentile {:.0} ns, max {:.0} ns; {checked} lookups between \
         batches agree with prefix-trie; heap {:.1} MiB before, {:.1} MiB after",
        present.len(),
        UPDATES as f64 / ours_total,
        trie_total / ours_total,
        UPDATES as f64 / trie_total,
        times[UPDATES / 2],
        times[UPDATES * 99 / 100],
        times[UPDATES - 1],
        heap_before as f64 / 1048576.0,
        heap_after as f64 / 1048576.0,
    );
}

fn bench_updates(_: &mut Criterion) {
    let v4 = load("ipv4-2015.tsv.gz");
    updates("lpm/ipv4-updates", &v4, |c| {
        Ipv4Net::new(Ipv4Addr::from(c.first() as u32), c.len()).unwrap()
    });
    feed(&v4);
    let v6 = load("ipv6-2015.tsv.gz");
    updates("lpm/ipv6-updates", &v6, |c| {
        Ipv6Net::new(Ipv6Addr::from(c.first()), c.len()).unwrap()
    });
}

criterion_group!(benches, bench_updates, bench_v4, bench_v6);
criterion_main!(benches);
