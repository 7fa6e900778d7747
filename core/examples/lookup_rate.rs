//! The native figure beside which `npm run bench` and `bindings-python/bench.py` put their
//! own: `RouteTable::lookup` in a loop over the same 1,000,000 IPv4 queries they make (half
//! uniform, half inside a random table prefix, xorshift64* from the same seed), on the
//! table in `HYBRIDPLAN_BGP_DATA/ipv4-2015.tsv.gz`. Prints one line:
//! `native lookup: <M lookups/s> M lookups/s (median of 7)`.

use hybridplan::{Cidr, lpm::RouteTable};
use std::hint::black_box;
use std::io::Read;
use std::net::Ipv4Addr;

fn main() {
    let Ok(dir) = std::env::var("HYBRIDPLAN_BGP_DATA") else {
        eprintln!("lookup_rate: set HYBRIDPLAN_BGP_DATA (docs/benchmarks.md)");
        std::process::exit(2);
    };
    let raw = std::fs::read(format!("{dir}/ipv4-2015.tsv.gz")).unwrap_or_else(|e| {
        eprintln!("lookup_rate: {dir}/ipv4-2015.tsv.gz: {e}");
        std::process::exit(2)
    });
    let mut text = String::new();
    flate2::read::GzDecoder::new(&raw[..])
        .read_to_string(&mut text)
        .expect("gzip text");
    let rows: Vec<(Cidr, u32)> = text
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with(';'))
        .filter_map(|l| {
            let (prefix, asn) = l.split_once('\t')?;
            Some((prefix.parse().ok()?, asn.trim().parse().ok()?))
        })
        .collect();
    let table: RouteTable<u32> = rows.iter().copied().collect();
    let mut state: u64 = 0x5eed_1234_abcd_0001;
    let mut next = || {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        state.wrapping_mul(0x2545_f491_4f6c_dd1d)
    };
    let queries: Vec<u32> = (0..1_000_000)
        .map(|i| {
            let r = next() as u32;
            if i % 2 == 0 {
                return r;
            }
            let (prefix, _) = rows[(next() % rows.len() as u64) as usize];
            let host = (1u64 << (32 - prefix.len())) - 1;
            prefix.first() as u32 | (r & host as u32)
        })
        .collect();
    let mut rates: Vec<f64> = (0..7)
        .map(|_| {
            let start = std::time::Instant::now();
            let mut sum = 0u64;
            for &q in black_box(&queries[..]) {
                if let Some((_, v)) = table.lookup(Ipv4Addr::from(q)) {
                    sum += u64::from(*v);
                }
            }
            black_box(sum);
            queries.len() as f64 / start.elapsed().as_secs_f64() / 1e6
        })
        .collect();
    rates.sort_by(f64::total_cmp);
    println!("native lookup: {:.1} M lookups/s (median of 7)", rates[3]);
}
