//! Longest-prefix match for IPv4 and IPv6: [`RouteTable`]. The hot path of `trace`, of
//! the connectivity checks, and of anyone who loads a whole BGP table.
//!
//! Each family keeps its routes twice: in an ordered map (exact lookups, updates,
//! iteration in address order) and in a Poptrie (`poptrie.rs`) compiled from them for
//! lookups.

mod ones;
mod poptrie;

use crate::cidr::{Cidr, Family};
use poptrie::{Key, Paint, Poptrie, Route};
use std::collections::BTreeMap;
use std::collections::btree_map::Entry;
use std::net::IpAddr;

/// Below this many routes a family uses a small direct-indexed level (256 entries) so
/// that small tables stay small; at and above it, the full-size one.
const SMALL_TABLE_ROUTES: usize = 1024;
const SMALL_DIRECT_BITS: u32 = 8;
/// Bits resolved by the direct-indexed first level of a large IPv4 table (1 MiB).
const V4_DIRECT_BITS: u32 = 18;
/// The same for IPv6 (256 KiB). 20 bits would save a level on the way to the common /32
/// and /48 prefixes, for a direct level of 4 MiB, four times the rest of a full table:
/// IPv6 lookups ran 1.1 times as fast with it, and the table took twice the memory.
const V6_DIRECT_BITS: u32 = 16;

/// How an IPv4 route is keyed in its family's route store and trie build. Natively a `u32`.
/// With the feature `wide-v4-keys` (the npm package's WebAssembly) a `u128` holding the
/// address in its top 32 bits, as IPv6 keys do: the map and the trie builder are then
/// compiled once for both families (8 KiB less of the gzipped module). Lookups walk the
/// trie with `u32` addresses either way.
#[cfg(not(feature = "wide-v4-keys"))]
type V4Key = u32;
#[cfg(feature = "wide-v4-keys")]
type V4Key = u128;

/// The key of an IPv4 address.
#[inline(always)]
fn v4_key(addr: u32) -> V4Key {
    #[cfg(not(feature = "wide-v4-keys"))]
    return addr;
    #[cfg(feature = "wide-v4-keys")]
    return u128::from(addr) << 96;
}

/// The IPv4 address of a key.
fn v4_addr(key: V4Key) -> u32 {
    #[cfg(not(feature = "wide-v4-keys"))]
    return key;
    #[cfg(feature = "wide-v4-keys")]
    return (key >> 96) as u32;
}

/// A prefix a [`RouteTable`] is keyed by: a [`Cidr`] or a reference to one; with the
/// feature `ipnet`, also `ipnet::IpNet`, `Ipv4Net` and `Ipv6Net` (and references to them),
/// whose host bits are dropped as `IpNet::trunc` drops them (`10.1.2.3/16` is the route
/// `10.1.0.0/16`). Sealed: the crate implements it for these types only.
pub trait Prefix: sealed::Sealed {
    /// The prefix as a [`Cidr`].
    #[doc(hidden)]
    fn to_cidr(&self) -> Cidr;
}

mod sealed {
    pub trait Sealed {}
}

impl sealed::Sealed for Cidr {}
impl Prefix for Cidr {
    fn to_cidr(&self) -> Cidr {
        *self
    }
}

impl<P: Prefix> sealed::Sealed for &P {}
impl<P: Prefix> Prefix for &P {
    fn to_cidr(&self) -> Cidr {
        (**self).to_cidr()
    }
}

#[cfg(feature = "ipnet")]
mod ipnet_prefix {
    use super::{Prefix, sealed::Sealed};
    use crate::cidr::Cidr;
    use ipnet::{IpNet, Ipv4Net, Ipv6Net};

    impl Sealed for IpNet {}
    impl Prefix for IpNet {
        fn to_cidr(&self) -> Cidr {
            Cidr::truncate(
                crate::cidr::Family::of(self.addr()),
                crate::cidr::addr_bits(self.addr()),
                self.prefix_len(),
            )
        }
    }

    impl Sealed for Ipv4Net {}
    impl Prefix for Ipv4Net {
        fn to_cidr(&self) -> Cidr {
            IpNet::V4(*self).to_cidr()
        }
    }

    impl Sealed for Ipv6Net {}
    impl Prefix for Ipv6Net {
        fn to_cidr(&self) -> Cidr {
            IpNet::V6(*self).to_cidr()
        }
    }
}

/// The answers of [`RouteTable::lookup_many_v4`] and [`RouteTable::lookup_many_v6`]: the
/// value of the longest match of each address, in order. Consumed by internal iteration
/// (`for_each`, `fold`, `sum`), it hands over a group of answers at a time, the fastest
/// way: in WebAssembly, filling a vector through `for_each` ran about 1.3 times as fast as
/// `collect`, which calls `next` for each answer.
pub struct LookupMany<'t, 'k, K, V>(poptrie::FindMany<'t, 'k, K, V>);

/// The iterator impls of a public batch type: each forwards to the trie's own iterator,
/// `fold` included, which takes a group of answers at a time.
macro_rules! forward_iterator {
    ($name:ident, $item:ty) => {
        impl<'t, K: Key, V: Clone> Iterator for $name<'t, '_, K, V> {
            type Item = $item;

            #[inline(always)]
            fn next(&mut self) -> Option<Self::Item> {
                self.0.next()
            }

            fn size_hint(&self) -> (usize, Option<usize>) {
                self.0.size_hint()
            }

            #[inline(always)]
            fn fold<B, F: FnMut(B, Self::Item) -> B>(self, init: B, f: F) -> B {
                self.0.fold(init, f)
            }
        }

        impl<K: Key, V: Clone> ExactSizeIterator for $name<'_, '_, K, V> {}
    };
}

forward_iterator!(LookupMany, Option<&'t V>);

// `K` is `u32` or `u128`, fixed by the method that made the iterator; callers never name it.
#[expect(private_bounds)]
impl<'t, 'k, K: Key, V: Clone> LookupMany<'t, 'k, K, V> {
    /// The answers with `miss` standing for "no route": the fastest way to take an IPv4
    /// batch when a default will do (a dense array of results, a sum). Whether an address
    /// has a route is as good as random, and a branch on each answer's `Option`,
    /// mispredicted every few misses, made a full-table IPv4 batch 1.15 to 1.2 times
    /// slower; this chooses each answer without one. (IPv6 and WebAssembly batches are
    /// lookups in a loop, whose own branches dominate: there it changes little.)
    ///
    /// ```
    /// use hybridplan::{Cidr, lpm::RouteTable};
    /// let mut table = RouteTable::new();
    /// table.insert("10.0.0.0/8".parse::<Cidr>().unwrap(), 7u32);
    /// let found: Vec<u32> = table
    ///     .lookup_many_v4(&[0x0a01_0203, 0xc000_0201])
    ///     .or(&0)
    ///     .copied()
    ///     .collect();
    /// assert_eq!(found, [7, 0]);
    /// ```
    pub fn or(self, miss: &'t V) -> LookupManyOr<'t, 'k, K, V> {
        LookupManyOr(self.0.or(miss))
    }
}

/// The answers of [`LookupMany::or`]: each address's value, or the miss value.
pub struct LookupManyOr<'t, 'k, K, V>(poptrie::FindManyOr<'t, 'k, K, V>);

forward_iterator!(LookupManyOr, &'t V);

/// A longest-prefix-match table from prefixes to values, IPv4 and IPv6 together.
///
/// Keyed by any [`Prefix`] ([`Cidr`]; `ipnet` prefixes with the feature `ipnet`); looked
/// up by any `std::net` address.
///
/// ```
/// use hybridplan::{Cidr, RouteTable};
/// use std::net::Ipv4Addr;
/// let mut table = RouteTable::new();
/// table.insert("10.0.0.0/8".parse::<Cidr>().unwrap(), "vpc");
/// table.insert("10.100.0.0/16".parse::<Cidr>().unwrap(), "dc-pods");
/// let (prefix, value) = table.lookup(Ipv4Addr::new(10, 100, 1, 1)).unwrap();
/// assert_eq!((prefix.to_string().as_str(), *value), ("10.100.0.0/16", "dc-pods"));
/// assert!(table.lookup(Ipv4Addr::new(192, 0, 2, 1)).is_none());
/// ```
#[derive(Clone, Debug)]
pub struct RouteTable<V> {
    v4: FamilyTable<V4Key, V>,
    v6: FamilyTable<u128, V>,
}

#[derive(Clone, Debug)]
struct FamilyTable<K, V> {
    /// The lookup structure; it holds copies of the values in its leaves.
    trie: Poptrie<V>,
    /// prefix (address, length) → value: the routes themselves.
    routes: BTreeMap<(K, u8), V>,
    /// Bits of the direct-indexed first level once the table is large.
    large_direct_bits: u32,
    /// Routes per prefix length: a removal looks for the route left covering the removed
    /// one only at lengths some route has.
    per_len: [u32; 129],
}

impl<V: Clone> Default for RouteTable<V> {
    fn default() -> Self {
        Self::new()
    }
}

/// Values are copied into the lookup structure's leaves (about 1.1 leaves per route), so
/// that a lookup ends where it reads its answer; hence `V: Clone`.
impl<V: Clone> RouteTable<V> {
    /// An empty table.
    pub fn new() -> Self {
        RouteTable {
            v4: FamilyTable::new(V4_DIRECT_BITS),
            v6: FamilyTable::new(V6_DIRECT_BITS),
        }
    }

    /// Number of routes.
    pub fn len(&self) -> usize {
        self.v4.routes.len() + self.v6.routes.len()
    }

    /// Whether the table has no route.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Adds a route, or replaces the value of an existing one and returns the old value.
    pub fn insert(&mut self, prefix: impl Prefix, value: V) -> Option<V> {
        let prefix = prefix.to_cidr();
        let len = prefix.prefix_len();
        match prefix.family() {
            Family::V4 => self.v4.insert(v4_key(prefix.first() as u32), len, value),
            Family::V6 => self.v6.insert(prefix.first(), len, value),
        }
    }

    /// Removes a route and returns its value.
    pub fn remove(&mut self, prefix: impl Prefix) -> Option<V> {
        let prefix = prefix.to_cidr();
        let len = prefix.prefix_len();
        match prefix.family() {
            Family::V4 => self.v4.remove(v4_key(prefix.first() as u32), len),
            Family::V6 => self.v6.remove(prefix.first(), len),
        }
    }

    /// The value of exactly this prefix.
    pub fn get(&self, prefix: impl Prefix) -> Option<&V> {
        let prefix = prefix.to_cidr();
        let len = prefix.prefix_len();
        match prefix.family() {
            Family::V4 => self.v4.get(v4_key(prefix.first() as u32), len),
            Family::V6 => self.v6.get(prefix.first(), len),
        }
    }

    /// The longest prefix containing `addr`, with its value.
    // Always inlined: in a caller's loop the lookups then overlap in the CPU; as a call
    // each, IPv4 lookups ran at half the rate.
    #[inline(always)]
    pub fn lookup(&self, addr: impl Into<IpAddr>) -> Option<(Cidr, &V)> {
        // Masked in the family's own width: cheaper than the general 128-bit truncation.
        match addr.into() {
            IpAddr::V4(a) => {
                let key = u32::from(a);
                let (len, value) = self.v4.lookup(key)?;
                let prefix = key.masked(u32::from(len));
                Some((Cidr::from_masked(Family::V4, prefix.into(), len), value))
            }
            IpAddr::V6(a) => {
                let key = u128::from(a);
                let (len, value) = self.v6.lookup(key)?;
                let prefix = key.masked(u32::from(len));
                Some((Cidr::from_masked(Family::V6, prefix, len), value))
            }
        }
    }

    /// The value of the longest match of an IPv4 address given as `u32`: the single-lookup
    /// fast path for callers that hold addresses as numbers (bindings, packet code).
    #[inline]
    pub fn lookup_v4(&self, addr: u32) -> Option<&V> {
        self.v4.value(addr)
    }

    /// `lookup` for each address, in order.
    pub fn lookup_many<A: Into<IpAddr> + Copy>(&self, addrs: &[A]) -> Vec<Option<(Cidr, &V)>> {
        addrs.iter().map(|&a| self.lookup(a)).collect()
    }

    /// The value of the longest match of each IPv4 address (as `u32`), in order: the batch
    /// form for large query sets. On x86-64 lookups run in groups through a prefetching
    /// pipeline whose memory accesses overlap, its first stage in AVX-512 where the CPU
    /// has it. On a full BGP table, taken through [`LookupMany::or`], 1.7 to 2 times the
    /// rate of `lookup` in a loop; taken as `Option`s, 1.4 to 1.8 times (the more the
    /// busier the host's shared cache). Elsewhere (WebAssembly) the pipeline runs without
    /// prefetches.
    /// The answers are yielded as they are found; see [`LookupMany`] for the fastest way
    /// to take them.
    ///
    /// ```
    /// use hybridplan::{Cidr, lpm::RouteTable};
    /// let mut table = RouteTable::new();
    /// table.insert("10.0.0.0/8".parse::<Cidr>().unwrap(), 7u32);
    /// let found: Vec<_> = table.lookup_many_v4(&[0x0a01_0203, 0xc000_0201]).collect();
    /// assert_eq!(found, [Some(&7), None]);
    /// ```
    pub fn lookup_many_v4<'k>(&self, addrs: &'k [u32]) -> LookupMany<'_, 'k, u32, V> {
        self.v4.lookup_many(addrs)
    }

    /// The value of the longest match of each IPv6 address (as `u128`), in order; see
    /// `lookup_many_v4`. A full IPv6 table is small enough to stay in cache, where a
    /// pipeline gains nothing, so this is `lookup` in a loop: the form for addresses held
    /// as numbers, not a faster one.
    pub fn lookup_many_v6<'k>(&self, addrs: &'k [u128]) -> LookupMany<'_, 'k, u128, V> {
        self.v6.lookup_many(addrs)
    }

    /// Every route, IPv4 first, in address order (shorter prefixes before longer ones
    /// at the same address).
    pub fn iter(&self) -> impl Iterator<Item = (Cidr, &V)> {
        let v4 = self
            .v4
            .iter()
            .map(|(k, len, v)| (Cidr::truncate(Family::V4, u128::from(v4_addr(k)), len), v));
        let v6 = self
            .v6
            .iter()
            .map(|(k, len, v)| (Cidr::truncate(Family::V6, k, len), v));
        v4.chain(v6)
    }

    /// Sizes of the lookup structures per family: (direct entries, nodes, leaves).
    #[doc(hidden)]
    pub fn shape(&self) -> [(usize, usize, usize); 2] {
        [self.v4.trie.shape(), self.v6.trie.shape()]
    }

    /// Heap bytes held by the lookup structures and the route store (estimated for the
    /// ordered map).
    pub fn heap_bytes(&self) -> usize {
        self.v4.heap_bytes() + self.v6.heap_bytes()
    }
}

impl<P: Prefix, V: Clone> FromIterator<(P, V)> for RouteTable<V> {
    /// Builds the table in one pass (much faster than inserting one route at a time).
    /// A prefix given twice keeps the last value.
    fn from_iter<I: IntoIterator<Item = (P, V)>>(iter: I) -> Self {
        let mut table = RouteTable::new();
        table.extend(iter);
        table
    }
}

impl<P: Prefix, V: Clone> Extend<(P, V)> for RouteTable<V> {
    /// Adds many routes, then rebuilds the lookup structures once.
    fn extend<I: IntoIterator<Item = (P, V)>>(&mut self, iter: I) {
        let (mut v4, mut v6) = (Vec::new(), Vec::new());
        for (prefix, value) in iter {
            let prefix = prefix.to_cidr();
            let len = prefix.prefix_len();
            match prefix.family() {
                Family::V4 => v4.push((v4_key(prefix.first() as u32), len, value)),
                Family::V6 => v6.push((prefix.first(), len, value)),
            }
        }
        self.v4.extend(v4);
        self.v6.extend(v6);
    }
}

/// Bits of the direct level for a table of `routes` routes whose large tables take `large`.
fn direct_bits(large: u32, routes: usize) -> u32 {
    if routes < SMALL_TABLE_ROUTES {
        SMALL_DIRECT_BITS
    } else {
        large
    }
}

/// Whether a change of the routes is to rebuild the trie whole rather than be painted:
/// when the direct level is to change size (the table crossed the small-table bound), or
/// the unused space outgrows the used.
fn needs_rebuild<V: Clone>(trie: &Poptrie<V>, direct_bits: u32) -> bool {
    trie.shape().0 != 1 << direct_bits || trie.dead() > trie.live() + (1 << 16)
}

/// The longest of `routes` shorter than `len` that covers `key/len` (`per_len`: how many
/// routes each length has).
fn covering<'a, K: Key, V>(
    routes: &'a BTreeMap<(K, u8), V>,
    per_len: &[u32; 129],
    key: K,
    len: u8,
) -> Option<(K, u8, &'a V)> {
    (0..len)
        .rev()
        .filter(|&l| per_len[usize::from(l)] > 0)
        .find_map(|l| {
            let covering = key.masked(u32::from(l));
            Some((covering, l, routes.get(&(covering, l))?))
        })
}

impl<K: Key, V: Clone> FamilyTable<K, V> {
    fn new(large_direct_bits: u32) -> Self {
        FamilyTable {
            trie: Poptrie::build::<K>(&[], SMALL_DIRECT_BITS),
            routes: BTreeMap::new(),
            large_direct_bits,
            per_len: [0; 129],
        }
    }

    fn direct_bits_for(&self, routes: usize) -> u32 {
        direct_bits(self.large_direct_bits, routes)
    }

    fn get(&self, key: K, len: u8) -> Option<&V> {
        self.routes.get(&(key, len))
    }

    fn insert(&mut self, key: K, len: u8, value: V) -> Option<V> {
        let before = self.routes.len();
        let (old, value) = match self.routes.entry((key, len)) {
            Entry::Vacant(entry) => {
                self.per_len[usize::from(len)] += 1;
                (None, &*entry.insert(value))
            }
            Entry::Occupied(entry) => {
                let entry = entry.into_mut();
                (Some(std::mem::replace(entry, value)), &*entry)
            }
        };
        let after = before + usize::from(old.is_none());
        if needs_rebuild(&self.trie, direct_bits(self.large_direct_bits, after)) {
            self.rebuild_all();
        } else {
            self.trie.paint(&Paint {
                key,
                len,
                insert: true,
                target: Some((key, len, value)),
            });
        }
        old
    }

    fn remove(&mut self, key: K, len: u8) -> Option<V> {
        let old = self.routes.remove(&(key, len))?;
        self.per_len[usize::from(len)] -= 1;
        if needs_rebuild(&self.trie, self.direct_bits_for(self.routes.len())) {
            self.rebuild_all();
        } else {
            let target = covering(&self.routes, &self.per_len, key, len);
            self.trie.paint(&Paint {
                key,
                len,
                insert: false,
                target,
            });
        }
        Some(old)
    }

    fn rebuild_all(&mut self) {
        let routes: Vec<Route<K, V>> = self
            .routes
            .iter()
            .map(|(&(key, len), value)| Route { key, len, value })
            .collect();
        self.trie = Poptrie::build(&routes, self.direct_bits_for(routes.len()));
    }

    fn extend(&mut self, added: Vec<(K, u8, V)>) {
        if added.is_empty() {
            return;
        }
        if self.routes.is_empty() {
            // Bulk load: the map's own `from_iter` sorts (stably) and builds in one pass,
            // keeping the last value given for a prefix.
            self.routes = added
                .into_iter()
                .map(|(key, len, value)| ((key, len), value))
                .collect();
        } else {
            for (key, len, value) in added {
                self.routes.insert((key, len), value);
            }
        }
        self.per_len = [0; 129];
        for &(_, len) in self.routes.keys() {
            self.per_len[usize::from(len)] += 1;
        }
        self.rebuild_all();
    }

    /// The match of `addr`, an address of the family (its key or the address itself:
    /// both read their bits from the top alike).
    #[inline(always)]
    fn lookup<A: Key>(&self, addr: A) -> Option<(u8, &V)> {
        self.trie.find_leaf(addr)
    }

    /// The value of the match of `addr`, without its prefix length (one read fewer).
    #[inline(always)]
    fn value<A: Key>(&self, addr: A) -> Option<&V> {
        self.trie.find_value(addr)
    }

    fn lookup_many<'k, A: Key>(&self, addrs: &'k [A]) -> LookupMany<'_, 'k, A, V> {
        LookupMany(self.trie.find_many(addrs))
    }

    fn iter(&self) -> impl Iterator<Item = (K, u8, &V)> {
        self.routes.iter().map(|(&(key, len), v)| (key, len, v))
    }

    fn heap_bytes(&self) -> usize {
        // A B-tree entry costs about its key and value plus a share of node overhead.
        let entry = std::mem::size_of::<((K, u8), V)>();
        self.trie.heap_bytes() + self.routes.len() * entry * 3 / 2
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    /// The reference: a linear scan for the longest matching prefix.
    fn naive(routes: &BTreeMap<Cidr, u32>, addr: IpAddr) -> Option<(Cidr, u32)> {
        routes
            .iter()
            .filter(|(c, _)| c.contains_addr(addr))
            .max_by_key(|(c, _)| c.prefix_len())
            .map(|(c, v)| (*c, *v))
    }

    /// Prefixes clustered around a few addresses so that they nest and overlap a lot.
    fn prefix() -> impl Strategy<Value = Cidr> {
        prop_oneof![prefix_v4(), prefix_v6()]
    }

    fn prefix_v4() -> impl Strategy<Value = Cidr> {
        (0u8..=32, 0usize..4, any::<u32>()).prop_map(|(len, base, noise)| {
            let bases = [0x0a00_0000u32, 0x0a64_0000, 0xc0a8_0000, 0xffff_ff00];
            let bits = bases[base] ^ (noise >> (len / 2 + 8));
            Cidr::truncate(Family::V4, u128::from(bits), len)
        })
    }

    fn prefix_v6() -> impl Strategy<Value = Cidr> {
        (0u8..=128, 0usize..3, any::<u128>()).prop_map(|(len, base, noise)| {
            let bases = [0x2001_0db8u128 << 96, 0xfd00u128 << 112, u128::MAX];
            let bits = bases[base] ^ (noise >> (len / 2 + 16));
            Cidr::truncate(Family::V6, bits, len)
        })
    }

    /// `count` distinct routes of each family from `seed`, around the same addresses as
    /// `prefix` makes, nested as densely.
    fn spread_routes(seed: u64, count: usize) -> Vec<(Cidr, u32)> {
        let mut state = seed | 1;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut routes = BTreeMap::new();
        for family in [Family::V4, Family::V6] {
            let mut added = 0;
            while added < count {
                let r = (u128::from(next()) << 64) | u128::from(next());
                let c = match family {
                    Family::V4 => {
                        let len = 8 + (r % 25) as u8;
                        let bases = [0x0a00_0000u32, 0x0a64_0000, 0xc0a8_0000, 0xffff_ff00];
                        let bits = bases[(r >> 8) as usize % 4] ^ ((r >> 64) as u32 >> (len / 3));
                        Cidr::truncate(Family::V4, u128::from(bits), len)
                    }
                    Family::V6 => {
                        let len = 16 + (r % 49) as u8;
                        let bases = [0x2001_0db8u128 << 96, 0xfd00u128 << 112, u128::MAX];
                        let bits = bases[(r >> 8) as usize % 3] ^ (r >> (len / 3 + 8));
                        Cidr::truncate(Family::V6, bits, len)
                    }
                };
                if routes.insert(c, r as u32).is_none() {
                    added += 1;
                }
            }
        }
        routes.into_iter().collect()
    }

    fn probe(routes: &[Cidr], extra: &[u128]) -> Vec<IpAddr> {
        let mut out = Vec::new();
        for c in routes {
            for a in [
                c.first(),
                c.last(),
                c.first().wrapping_sub(1),
                c.last().wrapping_add(1),
            ] {
                let a = a & c.family().max_bits();
                out.push(crate::cidr::addr_from_bits(c.family(), a));
            }
        }
        for &x in extra {
            out.push(crate::cidr::addr_from_bits(Family::V4, x & 0xffff_ffff));
            out.push(crate::cidr::addr_from_bits(Family::V6, x));
        }
        out
    }

    fn check(
        table: &RouteTable<u32>,
        reference: &BTreeMap<Cidr, u32>,
        addrs: &[IpAddr],
    ) -> Result<(), TestCaseError> {
        for &addr in addrs {
            let got = table.lookup(addr).map(|(c, v)| (c, *v));
            prop_assert_eq!(got, naive(reference, addr), "lookup {}", addr);
        }
        let many: Vec<_> = table
            .lookup_many(addrs)
            .into_iter()
            .map(|o| o.map(|(c, v)| (c, *v)))
            .collect();
        let one: Vec<_> = addrs.iter().map(|&a| naive(reference, a)).collect();
        prop_assert_eq!(many, one);
        // The batch forms: the same answers, in order, with an exact length up front.
        let (mut v4, mut v6) = (Vec::new(), Vec::new());
        for &a in addrs {
            match a {
                IpAddr::V4(a) => v4.push(u32::from(a)),
                IpAddr::V6(a) => v6.push(u128::from(a)),
            }
        }
        let want = |addrs: Vec<IpAddr>| -> Vec<Option<u32>> {
            addrs
                .into_iter()
                .map(|a| naive(reference, a).map(|(_, v)| v))
                .collect()
        };
        let batch = table.lookup_many_v4(&v4);
        prop_assert_eq!(batch.len(), v4.len());
        prop_assert_eq!(
            batch.map(|o| o.copied()).collect::<Vec<_>>(),
            want(v4.iter().map(|&a| IpAddr::V4(a.into())).collect())
        );
        let batch = table.lookup_many_v6(&v6);
        prop_assert_eq!(batch.len(), v6.len());
        prop_assert_eq!(
            batch.map(|o| o.copied()).collect::<Vec<_>>(),
            want(v6.iter().map(|&a| IpAddr::V6(a.into())).collect())
        );
        // And with a value for "no route", by `next` and by `fold`.
        let or_miss = |found: Vec<Option<u32>>| -> Vec<u32> {
            found.into_iter().map(|v| v.unwrap_or(u32::MAX)).collect()
        };
        let want_v4 = or_miss(want(v4.iter().map(|&a| IpAddr::V4(a.into())).collect()));
        let batch = table.lookup_many_v4(&v4).or(&u32::MAX);
        prop_assert_eq!(batch.len(), v4.len());
        prop_assert_eq!(&batch.copied().collect::<Vec<_>>(), &want_v4);
        let mut folded = Vec::new();
        table
            .lookup_many_v4(&v4)
            .or(&u32::MAX)
            .for_each(|&v| folded.push(v));
        prop_assert_eq!(&folded, &want_v4);
        let want_v6 = or_miss(want(v6.iter().map(|&a| IpAddr::V6(a.into())).collect()));
        let batch = table.lookup_many_v6(&v6).or(&u32::MAX);
        prop_assert_eq!(&batch.copied().collect::<Vec<_>>(), &want_v6);
        let listed: Vec<(Cidr, u32)> = table.iter().map(|(c, v)| (c, *v)).collect();
        let expect: Vec<(Cidr, u32)> = reference.iter().map(|(c, v)| (*c, *v)).collect();
        prop_assert_eq!(listed, expect);
        prop_assert_eq!(table.len(), reference.len());
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(32))]

        #[test]
        fn agrees_with_a_linear_scan_under_inserts_and_removes(
            ops in prop::collection::vec((any::<bool>(), prefix(), any::<u32>()), 0..300),
            extra in prop::collection::vec(any::<u128>(), 0..50),
        ) {
            let mut table = RouteTable::new();
            let mut reference = BTreeMap::new();
            for (insert, c, v) in &ops {
                if *insert {
                    prop_assert_eq!(table.insert(*c, *v), reference.insert(*c, *v));
                } else {
                    prop_assert_eq!(table.remove(c), reference.remove(c));
                }
                prop_assert_eq!(table.get(c), reference.get(c));
            }
            let keys: Vec<Cidr> = reference.keys().copied().chain(ops.iter().map(|o| o.1)).collect();
            check(&table, &reference, &probe(&keys, &extra))?;
        }

        /// Lookups between updates answer from the routes as they are at that moment, on
        /// tables past the small-table bound (the full-size direct level), where updates
        /// change the trie in place: each update is followed by lookups at and around its
        /// prefix and at random addresses, against a linear scan.
        #[test]
        fn lookups_between_updates_agree_with_a_linear_scan(
            seed in any::<u64>(),
            ops in prop::collection::vec((0u8..3, prefix(), any::<u32>(), any::<u128>()), 1..150),
        ) {
            let base = spread_routes(seed, SMALL_TABLE_ROUTES + 200);
            let mut table: RouteTable<u32> = base.iter().copied().collect();
            let mut reference: BTreeMap<Cidr, u32> = BTreeMap::new();
            for (c, v) in &base {
                reference.insert(*c, *v);
            }
            prop_assert!(table.shape().iter().all(|s| s.0 > 1 << SMALL_DIRECT_BITS));
            let known: Vec<Cidr> = reference.keys().copied().collect();
            for (i, (kind, c, v, noise)) in ops.iter().enumerate() {
                // Removals mostly of routes the table has, so that they change something.
                let c = if *kind == 2 { known[(*noise as usize) % known.len()] } else { *c };
                if *kind == 0 {
                    prop_assert_eq!(table.insert(c, *v), reference.insert(c, *v));
                } else {
                    prop_assert_eq!(table.remove(c), reference.remove(&c));
                }
                let mut addrs = probe(&[c], &[*noise, noise.rotate_left(64)]);
                let inside = c.first() | (*noise & (c.last() - c.first()));
                addrs.push(crate::cidr::addr_from_bits(c.family(), inside));
                for &addr in &addrs {
                    let got = table.lookup(addr).map(|(c, v)| (c, *v));
                    prop_assert_eq!(got, naive(&reference, addr), "lookup {} after update {}", addr, i);
                }
            }
            let keys: Vec<Cidr> = ops.iter().map(|o| o.1).collect();
            check(&table, &reference, &probe(&keys, &[]))?;
        }

        #[test]
        fn bulk_build_agrees_with_a_linear_scan(
            routes in prop::collection::vec((prefix(), any::<u32>()), 0..1500),
            extra in prop::collection::vec(any::<u128>(), 0..50),
        ) {
            let table: RouteTable<u32> = routes.iter().copied().collect();
            let mut reference = BTreeMap::new();
            for (c, v) in &routes {
                reference.insert(*c, *v);
            }
            let keys: Vec<Cidr> = reference.keys().copied().collect();
            check(&table, &reference, &probe(&keys, &extra))?;
        }
    }

    #[test]
    fn growing_past_the_small_table_size_and_back_keeps_every_answer() {
        let mut table = RouteTable::new();
        let mut reference = BTreeMap::new();
        let prefixes: Vec<Cidr> = (0..3000u32)
            .map(|i| {
                Cidr::truncate(
                    Family::V4,
                    u128::from(i.wrapping_mul(2_654_435_761)),
                    (8 + i % 25) as u8,
                )
            })
            .collect();
        for (i, c) in prefixes.iter().enumerate() {
            table.insert(*c, i as u32);
            reference.insert(*c, i as u32);
        }
        for c in prefixes.iter().step_by(2) {
            assert_eq!(table.remove(c), reference.remove(c));
        }
        let addrs = probe(&prefixes, &[]);
        check(&table, &reference, &addrs).unwrap();
        for c in &prefixes {
            table.remove(c);
        }
        assert!(table.is_empty());
        assert!(
            table
                .lookup("10.0.0.1".parse::<IpAddr>().unwrap())
                .is_none()
        );
    }

    /// Changes keep the trie as compact as a build: a table under churn ends with about
    /// the nodes and leaves in use that a build of the same routes has (runs of a route
    /// merge again, nodes whose children all answer alike become leaves), and the space
    /// it holds unused stays within what makes it rebuild.
    #[test]
    fn churn_keeps_the_trie_compact() {
        let routes = spread_routes(7, 3000);
        let mut table: RouteTable<u32> = routes.iter().copied().collect();
        let live = |t: &RouteTable<u32>| t.v4.trie.live() + t.v6.trie.live();
        let built = live(&table);
        for round in 0..100 {
            for (c, v) in routes.iter().skip(round % 7).step_by(7) {
                assert_eq!(table.remove(c), Some(*v));
            }
            for (c, v) in routes.iter().skip(round % 7).step_by(7) {
                table.insert(*c, *v);
            }
        }
        // About 85,000 updates, each rewriting a node or more.
        assert!(
            live(&table) <= built + built / 10,
            "{} in use, {built} after the build",
            live(&table)
        );
        for trie in [&table.v4.trie, &table.v6.trie] {
            assert!(trie.dead() <= trie.live() + (1 << 16));
        }
        // The same answers as a build of the routes (itself checked against a linear scan).
        let fresh: RouteTable<u32> = routes.iter().copied().collect();
        let keys: Vec<Cidr> = routes.iter().map(|r| r.0).collect();
        for addr in probe(&keys, &[]) {
            assert_eq!(table.lookup(addr), fresh.lookup(addr), "lookup {addr}");
        }
        assert!(table.iter().eq(fresh.iter()));
    }

    /// A /8, and 1,100 /24s elsewhere so that the table has its full-size direct level.
    fn table_with_a_covering_route() -> RouteTable<u32> {
        let v4 = |a: u32, l| Cidr::truncate(Family::V4, u128::from(a), l);
        (0..1100u32)
            .map(|i| (v4(0xac10_0000 | (i << 8), 24), i))
            .chain([(v4(0x0a00_0000, 8), 7)])
            .collect()
    }

    /// A route added and removed again, over and over, under a covering route: its
    /// direct-level leaf, replaced by a node and back each time, is counted as unused and
    /// reclaimed, not kept as a leaf in use.
    #[test]
    fn repeated_insert_and_remove_reclaims_leaves() {
        let mut table = table_with_a_covering_route();
        let leaves = table.shape()[0].2;
        let route = Cidr::truncate(Family::V4, 0x0a01_0000, 24);
        for _ in 0..200_000 {
            table.insert(route, 1);
            table.remove(route);
        }
        let now = table.shape()[0].2;
        assert!(
            now < leaves + (1 << 16) + 1000,
            "leaves grew from {leaves} to {now}"
        );
        assert_eq!(
            table.lookup(IpAddr::from([10, 1, 0, 1])).map(|(_, v)| *v),
            Some(7)
        );
    }

    /// Removing a route that split a run of its covering route's leaves (R, X, R) joins
    /// them again: the trie returns to the shape a build gives, wherever the route was.
    #[test]
    fn a_removal_joins_what_its_insertion_split() {
        let mut table = table_with_a_covering_route();
        let built = table.shape()[0];
        for i in 0..1000u32 {
            // Child 2 of a node below a different direct entry each time.
            let route = Cidr::truncate(Family::V4, u128::from(0x0a00_0200 | (i << 14)), 24);
            table.insert(route, 1);
            table.remove(route);
        }
        // The node each insertion makes is freed by its removal and its slot taken by
        // the next one: one slot more than the build, whatever the number of routes.
        assert!(
            table.shape()[0].1 <= built.1 + 1,
            "nodes: {:?}, built {built:?}",
            table.shape()[0]
        );
        assert!(table.v4.trie.live() <= built.1 + built.2, "slots in use");
    }

    #[test]
    fn default_routes_and_host_routes() {
        let mut table = RouteTable::new();
        table.insert("0.0.0.0/0".parse::<Cidr>().unwrap(), 0);
        table.insert("::/0".parse::<Cidr>().unwrap(), 1);
        table.insert("10.1.2.3/32".parse::<Cidr>().unwrap(), 2);
        table.insert("2001:db8::1/128".parse::<Cidr>().unwrap(), 3);
        let at = |s: &str| {
            table
                .lookup(s.parse::<IpAddr>().unwrap())
                .map(|(c, v)| (c.to_string(), *v))
        };
        assert_eq!(at("10.1.2.3"), Some(("10.1.2.3/32".into(), 2)));
        assert_eq!(at("10.1.2.4"), Some(("0.0.0.0/0".into(), 0)));
        assert_eq!(at("2001:db8::1"), Some(("2001:db8::1/128".into(), 3)));
        assert_eq!(at("2001:db8::2"), Some(("::/0".into(), 1)));
        assert_eq!(at("255.255.255.255"), Some(("0.0.0.0/0".into(), 0)));
    }
}
