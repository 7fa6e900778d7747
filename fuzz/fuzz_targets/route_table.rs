//! `RouteTable` under any sequence of inserts, removes and lookups, against a naive
//! reference (a map scanned linearly for the longest match).
#![no_main]
use arbitrary::Arbitrary;
use hybridplan::{Cidr, Family, lpm::RouteTable};
use libfuzzer_sys::fuzz_target;
use std::collections::BTreeMap;

#[derive(Arbitrary, Debug)]
enum Op {
    Insert(Prefix, u16),
    Remove(Prefix),
    Lookup(bool, u128),
    /// A batch of addresses of one family (the pipelined path), each checked.
    LookupMany(bool, Vec<u128>),
    /// Many prefixes at once (the bulk path), below each other so they nest.
    Extend(Prefix, Vec<(u8, u16)>),
}

#[derive(Arbitrary, Debug, Clone, Copy)]
struct Prefix {
    v6: bool,
    bits: u128,
    len: u8,
}

impl Prefix {
    fn cidr(self) -> Cidr {
        let (family, width) = if self.v6 {
            (Family::V6, 129)
        } else {
            (Family::V4, 33)
        };
        let bits = if self.v6 {
            self.bits
        } else {
            self.bits & 0xffff_ffff
        };
        Cidr::truncate(family, bits, self.len % width)
    }
}

fn naive(reference: &BTreeMap<Cidr, u16>, family: Family, bits: u128) -> Option<(Cidr, u16)> {
    let host = Cidr::truncate(family, bits, family.width());
    reference
        .iter()
        .filter(|(c, _)| c.contains(&host))
        .max_by_key(|(c, _)| c.len())
        .map(|(c, v)| (*c, *v))
}

fuzz_target!(|ops: Vec<Op>| {
    let mut table = RouteTable::new();
    let mut reference = BTreeMap::new();
    for op in ops.into_iter().take(512) {
        match op {
            Op::Insert(p, v) => {
                assert_eq!(table.insert(p.cidr(), v), reference.insert(p.cidr(), v));
            }
            Op::Remove(p) => assert_eq!(table.remove(&p.cidr()), reference.remove(&p.cidr())),
            Op::Lookup(v6, bits) => {
                let (family, bits) = if v6 {
                    (Family::V6, bits)
                } else {
                    (Family::V4, bits & 0xffff_ffff)
                };
                let addr = hybridplan::cidr::addr_from_bits(family, bits);
                let got = table.lookup(addr).map(|(c, v)| (c, *v));
                assert_eq!(got, naive(&reference, family, bits), "lookup {addr}");
            }
            Op::LookupMany(v6, addrs) => {
                let want: Vec<Option<u16>> = addrs
                    .iter()
                    .map(|&bits| {
                        let (family, bits) = if v6 {
                            (Family::V6, bits)
                        } else {
                            (Family::V4, bits & 0xffff_ffff)
                        };
                        naive(&reference, family, bits).map(|(_, v)| v)
                    })
                    .collect();
                let got: Vec<Option<u16>> = if v6 {
                    table.lookup_many_v6(&addrs).map(|v| v.copied()).collect()
                } else {
                    let v4: Vec<u32> = addrs.iter().map(|&a| a as u32).collect();
                    table.lookup_many_v4(&v4).map(|v| v.copied()).collect()
                };
                assert_eq!(got, want, "lookup_many");
            }
            Op::Extend(base, more) => {
                let base = base.cidr();
                let routes: Vec<(Cidr, u16)> = more
                    .iter()
                    .take(256)
                    .map(|&(extra, v)| {
                        let len = (base.len() + extra % 16).min(base.family().width());
                        let bits = base.first()
                            ^ (u128::from(v) << (base.family().width() - len).min(127));
                        (
                            Cidr::truncate(base.family(), bits & base.family().max_bits(), len),
                            v,
                        )
                    })
                    .collect();
                table.extend(routes.iter().copied());
                reference.extend(routes);
            }
        }
        assert_eq!(table.len(), reference.len());
    }
    let listed: Vec<(Cidr, u16)> = table.iter().map(|(c, v)| (c, *v)).collect();
    let expected: Vec<(Cidr, u16)> = reference.into_iter().collect();
    assert_eq!(listed, expected);
});
