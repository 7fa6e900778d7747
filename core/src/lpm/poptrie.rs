//! Poptrie (Asai & Ohara, "Poptrie: A Compressed Trie with Population Count for Fast and
//! Scalable Software IP Routing Table Lookup", SIGCOMM 2015): a direct-indexed first level,
//! then nodes of 6-bit stride whose 64 children are located with a bitmap and a population
//! count. Leaves are pushed down (each holds the longest match for its whole range) and
//! runs of equal leaves are stored once. A full IPv4 table takes a few MiB, so lookups
//! mostly hit cache.
//!
//! A leaf is the route's value and its prefix length, kept in two arrays rather than one
//! of pairs: a value lookup (the batch, `lookup_v4`) reads only the values, and a `u32`
//! value array is half the size of one of (len, value) pairs. On a full BGP table, a
//! lookup loop ran 1.4 times as fast with the lengths apart and 2.2 times reading values
//! only: the last, dependent read of a lookup is the one that misses the cache.
//!
//! The structure is built whole from the sorted routes on bulk loads; a single insert or
//! removal changes only the nodes on its path (`update.rs`). Every index a lookup can
//! follow is checked to be in bounds when it is written (`validate`, `check_node`), so
//! that lookups can read without bounds checks.

/// An address as an unsigned integer (u32 for IPv4, u128 for IPv6).
pub(crate) trait Key:
    Copy + Ord + Default + std::fmt::Debug + std::ops::BitOr<Output = Self>
{
    /// `bits` bits starting `offset` bits from the most significant end; bits past the
    /// address width read as zero.
    fn chunk(self, offset: u32, bits: u32) -> usize;
    /// The address with all but the first `len` bits cleared.
    fn masked(self, len: u32) -> Self;
    /// The address shifted left by `bits` (less than the width), zeros shifted in: a
    /// lookup walks down with it, reading each level's chunk from the top.
    fn skip(self, bits: u32) -> Self;
    /// The first `bits` bits (1 to 32).
    fn top(self, bits: u32) -> usize;
    /// The key whose bits `offset..offset + bits` are `index` and all others zero: the
    /// first address of a child's region (bits past the address width are dropped).
    fn at(index: usize, offset: u32, bits: u32) -> Self;
    /// The keys as IPv4 addresses, if they are: the batch's pipeline is written for those.
    fn as_v4(keys: &[Self]) -> Option<&[u32]>;
}

impl Key for u32 {
    #[inline(always)]
    fn chunk(self, offset: u32, bits: u32) -> usize {
        // Left-align in 64 bits so a chunk that runs past bit 32 reads zeros.
        let wide = (u64::from(self) << 32).checked_shl(offset).unwrap_or(0);
        (wide >> (64 - bits)) as usize
    }
    #[inline(always)]
    fn masked(self, len: u32) -> Self {
        self & u32::MAX.checked_shl(32 - len).unwrap_or(0)
    }
    #[inline(always)]
    fn skip(self, bits: u32) -> Self {
        self << bits
    }
    #[inline(always)]
    fn top(self, bits: u32) -> usize {
        (self >> (32 - bits)) as usize
    }
    fn at(index: usize, offset: u32, bits: u32) -> Self {
        // Placed at the top of 64 bits, then moved down: a shift by up to 63 either way.
        ((index as u64) << (64 - bits) >> offset >> 32) as u32
    }
    fn as_v4(keys: &[Self]) -> Option<&[u32]> {
        Some(keys)
    }
}

impl Key for u128 {
    #[inline(always)]
    fn chunk(self, offset: u32, bits: u32) -> usize {
        (self.checked_shl(offset).unwrap_or(0) >> (128 - bits)) as usize
    }
    #[inline(always)]
    fn masked(self, len: u32) -> Self {
        self & u128::MAX.checked_shl(128 - len).unwrap_or(0)
    }
    #[inline(always)]
    fn skip(self, bits: u32) -> Self {
        self << bits
    }
    #[inline(always)]
    fn top(self, bits: u32) -> usize {
        // Only the high word holds the top bits: one 64-bit shift instead of a 128-bit one.
        ((self >> 64) as u64 >> (64 - bits)) as usize
    }
    fn at(index: usize, offset: u32, bits: u32) -> Self {
        ((index as u128) << (128 - bits))
            .checked_shr(offset)
            .unwrap_or(0)
    }
    fn as_v4(_: &[Self]) -> Option<&[u32]> {
        None
    }
}

/// Node stride: 6 bits, 64 children, one `u64` bitmap.
const STRIDE: u32 = 6;
const FANOUT: usize = 1 << STRIDE;
/// A direct-level entry with this bit set is a leaf; otherwise it is a node index.
const LEAF: u32 = 1 << 31;

use super::ones::Ones;

mod batch;
mod update;
pub(crate) use batch::{FindMany, FindManyOr};
pub(crate) use update::Paint;

/// A route as the trie is built from it.
#[derive(Debug)]
pub(crate) struct Route<'a, K, V> {
    pub key: K,
    pub len: u8,
    pub value: &'a V,
}

impl<K: Copy, V> Clone for Route<'_, K, V> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<K: Copy, V> Copy for Route<'_, K, V> {}

/// The leaf index meaning "no route"; real leaves are numbered from 1. "No route" has no
/// leaf: it is known from the direct entry or the node without reading one.
pub(crate) const NO_ROUTE: u32 = 0;

/// In a build, the route a region answers with is its index in the routes (unique, so
/// equal indices are the same route); this one stands for no route.
const NONE: u32 = u32::MAX;

/// 32 bytes, aligned so that reading a node touches one cache line.
#[derive(Clone, Copy, Debug, Default)]
#[repr(C, align(32))]
struct Node {
    /// Bit v set: child v is a node.
    vector: u64,
    /// Bit v set: child v is a leaf with a route that differs from the previous child's
    /// route (children without one skipped): it starts the next of this node's leaves.
    leafvec: u64,
    /// Bit v set: child v is a leaf without a route.
    nonevec: u64,
    /// Leaf index (from 1) of this node's first leaf.
    base0: u32,
    /// Index of this node's first child node in `nodes`.
    base1: u32,
}

#[derive(Clone, Debug)]
pub(crate) struct Poptrie<V> {
    /// Bits resolved by `direct`.
    bits: u32,
    ones: Ones,
    /// A node index, or `LEAF |` a leaf index.
    direct: Vec<u32>,
    nodes: Vec<Node>,
    /// Per leaf (index from 1, at `index - 1`): the route's value, copied so that a lookup
    /// ends where it reads it, and its prefix length.
    values: Vec<V>,
    lens: Vec<u8>,
    /// Leaves of the direct level no longer reachable after changes (leaves and nodes
    /// elsewhere go to `free`).
    garbage: usize,
    /// Blocks of leaves and nodes freed by changes, for the next ones to take.
    free: update::FreeLists,
    /// Scratch for the blocks a change frees.
    freed: update::Freed,
}

/// Marks the path that calls it as rarely taken, for the layout of the code around it: a
/// call to a cold function, which the inliner removes and leaves the hint
/// (`std::hint::cold_path` does this from Rust 1.95, above this crate's minimum).
#[inline(always)]
fn cold_path() {
    #[cold]
    #[inline]
    fn cold() {}
    cold()
}

/// The leaf index of child `v` of `node`, a leaf: `NO_ROUTE` when it has no route, else
/// the node's leaf of the last route run that starts at or before `v`.
#[inline(always)]
fn leaf_in(node: &Node, v: u32, ones: Ones) -> u32 {
    // Shifted up by 63 - v, a bitmap keeps only children 0..=v.
    let index = (node.base0 + ones.count(node.leafvec << (63 - v))).wrapping_sub(1);
    let no_route = ((node.nonevec >> v) & 1) as u32;
    index & no_route.wrapping_sub(1)
}

/// Walks from node `e` down to the leaf that answers for `rest`, the address bits below
/// the direct level (at the top of the key): the lookup's loop, shared by `find` and the
/// batch. `e` must be a node index from a direct entry of a validated trie.
#[inline(always)]
fn descend<K: Key>(nodes: &[Node], mut e: u32, mut rest: K, ones: Ones) -> u32 {
    loop {
        // SAFETY: `e` is a validated direct entry's node or, below, the child of a
        // validated node (`Poptrie::validate`): inside `nodes`.
        let node = unsafe { nodes.get_unchecked(e as usize) };
        let v = rest.top(STRIDE) as u32;
        if node.vector & (1u64 << v) == 0 {
            return leaf_in(node, v, ones);
        }
        // Child v is a node: its bit is set, so the count is at least 1, and the child is
        // one of this node's `vector.count_ones()` children from `base1`.
        e = node.base1 + ones.count(node.vector << (63 - v)) - 1;
        rest = rest.skip(STRIDE);
    }
}

/// The trie is built from keys of one type and walked with addresses of any type that reads
/// its bits in the same order from the top: an IPv4 trie keyed by `u128` (the address in
/// the top 32 bits) is walked with `u32` addresses.
impl<V: Clone> Poptrie<V> {
    /// Builds the trie of `routes`, which must be sorted by (key, len) and unique, with a
    /// direct-indexed first level of `bits` bits.
    pub fn build<K: Key>(routes: &[Route<K, V>], bits: u32) -> Self {
        let mut t = Poptrie {
            bits,
            ones: Ones::detect(),
            direct: vec![LEAF; 1 << bits],
            nodes: Vec::new(),
            values: Vec::new(),
            lens: Vec::new(),
            garbage: 0,
            free: update::FreeLists::default(),
            freed: update::Freed::default(),
        };
        t.fill_direct(routes);
        t
    }

    /// The value of the leaf at `index` (from `find`); `None` for `NO_ROUTE`.
    #[inline(always)]
    pub fn value(&self, index: u32) -> Option<&V> {
        let i = (index as usize).checked_sub(1)?;
        // SAFETY: leaf indices from `find` are at most `values.len()` (`validate`).
        Some(unsafe { self.values.get_unchecked(i) })
    }

    /// The value of the leaf at `index`, or `miss` for `NO_ROUTE`: chosen by a select,
    /// not a branch. In a batch, whether an address has a route is as good as random, and
    /// a branch on it, mispredicted for every few misses, cost 15 to 20 percent.
    #[inline(always)]
    pub fn value_or<'a>(&'a self, index: u32, miss: &'a V) -> &'a V {
        let leaf = self
            .values
            .as_ptr()
            .wrapping_add((index as usize).wrapping_sub(1));
        let found = std::hint::select_unpredictable(index == NO_ROUTE, miss as *const V, leaf);
        // SAFETY: `miss`, or a leaf index from `find`, from 1 to `values.len()` (`validate`).
        unsafe { &*found }
    }

    /// Longest-prefix match: the prefix length and value of the answering leaf. The leaf
    /// arrays are read before `find`'s branches, for the reason given there.
    #[inline(always)]
    pub fn find_leaf<K: Key>(&self, key: K) -> Option<(u8, &V)> {
        let (values, lens) = (&self.values[..], &self.lens[..]);
        let i = (self.find(key) as usize).checked_sub(1)?;
        // SAFETY: leaf indices from `find` are at most `values.len()`, and `lens` is as
        // long as `values` (`validate`).
        unsafe { Some((*lens.get_unchecked(i), values.get_unchecked(i))) }
    }

    /// Longest-prefix match: the value of the answering leaf (the length unused is never
    /// read).
    #[inline(always)]
    pub fn find_value<K: Key>(&self, key: K) -> Option<&V> {
        self.find_leaf(key).map(|(_, value)| value)
    }

    /// Longest-prefix match: the index of the answering leaf, or `NO_ROUTE`.
    #[inline(always)]
    pub fn find<K: Key>(&self, key: K) -> u32 {
        // Every field a lookup may need is read before the first branch: read on every
        // lookup, they are loop-invariant in a caller's loop and kept in registers. Read
        // only on the way to a node, they were reloaded (and the popcount check redone) on
        // each lookup wherever the compiler could not prove the table readable ahead of
        // the branch, as in a closure over it: IPv4 lookups ran 1.1 times slower there.
        let (nodes, ones) = (&self.nodes[..], self.ones);
        // SAFETY: the top `bits` bits of a key are below `1 << bits`, the length of
        // `direct` (`validate`).
        let e = unsafe { *self.direct.get_unchecked(key.top(self.bits)) };
        if e & LEAF != 0 {
            return e & !LEAF;
        }
        // Not rare (half the lookups of a mixed query set), but marked cold so that a
        // direct-level leaf, the shorter path, falls straight through to its answer: laid
        // out the other way, it took three jumps, and how fast a caller's loop ran came to
        // depend on where the linker put it (0.87 to 1.0 times, from build to build).
        cold_path();
        descend(nodes, e, key.skip(self.bits), ones)
    }

    /// Heap bytes held.
    pub fn heap_bytes(&self) -> usize {
        self.direct.capacity() * 4
            + self.nodes.capacity() * std::mem::size_of::<Node>()
            + self.values.capacity() * std::mem::size_of::<V>()
            + self.lens.capacity()
    }

    /// Nodes and leaves in use.
    pub fn live(&self) -> usize {
        (self.nodes.len() + self.values.len()).saturating_sub(self.dead())
    }

    /// Node and leaf slots held but unused: free blocks, and abandoned direct-level leaves.
    pub fn dead(&self) -> usize {
        self.garbage + self.free.slots()
    }

    /// (direct entries, nodes, leaves), for tuning.
    pub fn shape(&self) -> (usize, usize, usize) {
        (self.direct.len(), self.nodes.len(), self.values.len())
    }

    /// A leaf answering with route `route` of `routes`; `NO_ROUTE` for `NONE`.
    fn push_leaf<K>(&mut self, routes: &[Route<K, V>], route: u32) -> u32 {
        if route == NONE {
            return NO_ROUTE;
        }
        let r = &routes[route as usize];
        self.values.push(r.value.clone());
        self.lens.push(r.len);
        self.values.len() as u32
    }

    /// Fills the direct level from all the routes.
    fn fill_direct<K: Key>(&mut self, routes: &[Route<K, V>]) {
        let bits = self.bits;
        let count = 1 << bits;
        let mut source = vec![NONE; count];
        let mut painted = vec![0u8; count];
        // Routes that end at the direct level paint the entries they cover, longest last.
        for (i, r) in routes.iter().enumerate() {
            if u32::from(r.len) > bits {
                continue;
            }
            let start = r.key.chunk(0, bits);
            for d in start..start + (1 << (bits - u32::from(r.len))) {
                if painted[d] <= r.len {
                    painted[d] = r.len;
                    source[d] = i as u32;
                }
            }
        }
        // Entries with longer routes get a node of their own; the rest are leaves, one per
        // run of entries answering with the same route.
        let mut has_node = vec![false; count];
        let mut i = 0;
        while i < routes.len() {
            let d = routes[i].key.chunk(0, bits);
            let end = i + routes[i..]
                .iter()
                .take_while(|r| r.key.chunk(0, bits) == d)
                .count();
            if routes[i..end].iter().any(|r| u32::from(r.len) > bits) {
                let index = self.nodes.len() as u32;
                self.nodes.push(Node::default());
                let node = self.build_node(bits, source[d], routes, i..end);
                self.nodes[index as usize] = node;
                self.direct[d] = index;
                has_node[d] = true;
            }
            i = end;
        }
        let mut previous: Option<(u32, u32)> = None;
        for (d, &node) in has_node.iter().enumerate() {
            if node {
                continue;
            }
            let leaf = match previous {
                Some((route, leaf)) if route == source[d] => leaf,
                _ => self.push_leaf(routes, source[d]),
            };
            previous = Some((source[d], leaf));
            self.direct[d] = LEAF | leaf;
        }
        self.validate(0, count);
    }

    /// Checks that every index a lookup can read from direct entries `first..first +
    /// count` is inside its array: lookups read the arrays without bounds checks on the
    /// strength of it (in a lookup loop those checks cost 10 to 20 percent). Run after
    /// every (re)build of entries; entries elsewhere stay valid, as the arrays only grow
    /// until a full build. Linear in the nodes and leaves checked; a violation is a bug
    /// here, and panics rather than let a lookup read out of bounds.
    fn validate(&self, first: usize, count: usize) {
        assert_eq!(self.direct.len(), 1 << self.bits, "direct level size");
        assert_eq!(self.lens.len(), self.values.len(), "one length per leaf");
        let (nodes, leaves) = (self.nodes.len() as u64, self.values.len() as u64);
        let mut pending = Vec::new();
        for &e in &self.direct[first..first + count] {
            if e & LEAF != 0 {
                assert!(u64::from(e & !LEAF) <= leaves, "direct leaf {e:#x}");
            } else {
                assert!(u64::from(e) < nodes, "direct node {e}");
                pending.push(e);
            }
        }
        while let Some(e) = pending.pop() {
            let node = self.nodes[e as usize];
            // A child node is at `base1 + k` for k below the count of node children; a
            // leaf at `base0 + k - 1` for k up to the count of leaf runs (or is no leaf).
            let children = node.vector.count_ones();
            assert!(
                u64::from(node.base1) + u64::from(children) <= nodes,
                "node {e}: children"
            );
            let last_leaf = u64::from(node.base0) + u64::from(node.leafvec.count_ones());
            assert!(
                node.base0 >= 1 && last_leaf - 1 <= leaves,
                "node {e}: leaves"
            );
            pending.extend(node.base1..node.base1 + children);
        }
    }

    /// Builds the node for the region reached after `offset` bits, whose routes are
    /// `routes[inside]` (sorted, possibly with shorter ones, which are skipped), and whose
    /// longest covering route from above is `routes[default]` (or `NONE`).
    fn build_node<K: Key>(
        &mut self,
        offset: u32,
        default: u32,
        routes: &[Route<K, V>],
        inside: std::ops::Range<usize>,
    ) -> Node {
        let mut source = [default; FANOUT];
        let mut painted = [0u8; FANOUT];
        // Per child, the routes below it: (first, last + 1), or (_, 0) for none.
        let mut deeper = [(0u32, 0u32); FANOUT];
        let (mut vector, mut any_painted) = (0u64, false);
        let limit = offset + STRIDE;
        for i in inside {
            let r = &routes[i];
            let len = u32::from(r.len);
            if len <= offset {
                continue;
            }
            let c = r.key.chunk(offset, STRIDE);
            if len <= limit {
                any_painted = true;
                for x in c..c + (1usize << (limit - len)) {
                    if painted[x] <= r.len {
                        painted[x] = r.len;
                        source[x] = i as u32;
                    }
                }
            } else {
                let (first, end) = &mut deeper[c];
                if *end == 0 {
                    *first = i as u32;
                }
                *end = i as u32 + 1;
                vector |= 1 << c;
            }
        }
        let mut node = Node {
            vector,
            base0: self.values.len() as u32 + 1,
            base1: self.nodes.len() as u32,
            ..Node::default()
        };
        if !any_painted {
            // Every child that is not a node answers with the default: one run, or none.
            // (The path to a long prefix is mostly such nodes.)
            if default == NONE {
                node.nonevec = !vector;
            } else if vector != u64::MAX {
                node.leafvec = 1 << (!vector).trailing_zeros();
                self.push_leaf(routes, default);
            }
        } else {
            // The route of the last leaf pushed: a run of it goes on past children that
            // are nodes or have no route.
            let mut previous = NONE;
            for (c, &route) in source.iter().enumerate() {
                if vector & (1 << c) != 0 {
                    continue;
                } else if route == NONE {
                    node.nonevec |= 1 << c;
                } else if previous != route {
                    node.leafvec |= 1 << c;
                    self.push_leaf(routes, route);
                    previous = route;
                }
            }
        }
        // Children are contiguous: reserve them, then build each in place.
        let children = vector.count_ones() as usize;
        self.nodes
            .resize(self.nodes.len() + children, Node::default());
        let mut rest = vector;
        for k in 0..children {
            let c = rest.trailing_zeros() as usize;
            rest &= rest - 1;
            let (first, end) = deeper[c];
            let child = self.build_node(limit, source[c], routes, first as usize..end as usize);
            self.nodes[node.base1 as usize + k] = child;
        }
        node
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_read_from_the_most_significant_end() {
        let a: u32 = 0x0a01_0203;
        assert_eq!(a.chunk(0, 8), 0x0a);
        assert_eq!(a.chunk(0, 18), (0x0a01_0203 >> 14) as usize);
        assert_eq!(a.chunk(30, 6), (0x3 << 4) as usize);
        assert_eq!(a.chunk(36, 6), 0);
        let b: u128 = 0x2001_0db8 << 96;
        assert_eq!(b.chunk(0, 16), 0x2001);
        assert_eq!(b.chunk(124, 6), 0);
        assert_eq!(a.masked(8), 0x0a00_0000);
        assert_eq!(u32::at(0x0a, 0, 8), 0x0a00_0000);
        assert_eq!(u32::at(0b11_0000, 30, 6), 0b11);
        assert_eq!(u128::at(0x2001, 0, 16), 0x2001u128 << 112);
        assert_eq!(u128::at(0b110000, 124, 6), 0b1100);
        assert_eq!(a.masked(0), 0);
        // Walking down with `skip` reads the same chunks as `chunk` at each offset.
        assert_eq!(a.top(18), a.chunk(0, 18));
        assert_eq!(a.skip(18).top(6), a.chunk(18, 6));
        assert_eq!(a.skip(30).skip(6).top(6), 0);
        assert_eq!(b.top(20), b.chunk(0, 20));
        assert_eq!(b.skip(20).skip(6).top(6), b.chunk(26, 6));
        assert_eq!(b.skip(122).skip(6).top(6), 0);
    }

    /// A trie with nodes two levels deep and leaves at both: 10.0.0.0/8 and 10.1.2.0/24,
    /// 10.1.2.128/25 and 10.1.2.0/30 (a /30 ends two nodes below the direct level).
    fn sample() -> Poptrie<u32> {
        let routes = [
            (0x0a00_0000u32, 8u8, 8u32),
            (0x0a01_0200, 24, 24),
            (0x0a01_0200, 30, 30),
            (0x0a01_0280, 25, 25),
        ];
        Poptrie::build(&routes_of(&routes), 18)
    }

    /// Builder input borrowing from (key, length, value) triples, sorted and unique.
    pub(super) fn routes_of(routes: &[(u32, u8, u32)]) -> Vec<Route<'_, u32, u32>> {
        routes
            .iter()
            .map(|(key, len, value)| Route {
                key: *key,
                len: *len,
                value,
            })
            .collect()
    }

    #[test]
    fn validation_accepts_what_the_builder_makes() {
        let t = sample();
        t.validate(0, t.direct.len());
        assert_eq!(t.value(t.find(0x0a01_0201u32)), Some(&30));
        assert_eq!(t.value(t.find(0x0a01_0281u32)), Some(&25));
        assert_eq!(t.value(t.find(0x0a01_0210u32)), Some(&24));
        assert_eq!(t.value(t.find(0x0aff_0000u32)), Some(&8));
        assert_eq!(t.value(t.find(0x0b00_0000u32)), None);
    }

    #[test]
    #[should_panic(expected = "children")]
    fn validation_refuses_a_child_past_the_nodes() {
        let mut t = sample();
        t.nodes[0].base1 = t.nodes.len() as u32;
        t.validate(0, t.direct.len());
    }

    #[test]
    #[should_panic(expected = "leaves")]
    fn validation_refuses_a_leaf_past_the_values() {
        let mut t = sample();
        let last = t.nodes.len() - 1;
        t.nodes[last].base0 = t.values.len() as u32 + 1;
        t.nodes[last].leafvec |= 1;
        t.validate(0, t.direct.len());
    }

    #[test]
    #[should_panic(expected = "direct node")]
    fn validation_refuses_a_direct_entry_past_the_nodes() {
        let mut t = sample();
        t.direct[7] = t.nodes.len() as u32;
        t.validate(0, t.direct.len());
    }
}
