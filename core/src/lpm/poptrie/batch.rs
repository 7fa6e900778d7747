//! The batch lookup, [`Poptrie::find_many`]: IPv4 addresses go in groups through a
//! software pipeline whose memory accesses overlap; other keys are looked up one by one.

use super::{Key, LEAF, NO_ROUTE, Poptrie, descend};

#[cfg(target_arch = "x86_64")]
mod x86;

/// Keys per group; a multiple of the AVX-512 direct stage's sixteen lanes.
const GROUP: usize = 64;
const _: () = assert!(GROUP.is_multiple_of(16) && GROUP <= 256);

/// How a batch runs, chosen when it starts from the key type and the CPU.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Path {
    /// `find` for each key in turn, as the answers are taken. For IPv6, whose full table
    /// stays in cache, where the pipeline's bookkeeping cost more than its overlap gained
    /// (0.95 to 0.98 times `find` in a loop, same run).
    KeyByKey,
    /// The pipeline, in portable code. In WebAssembly, which cannot prefetch, its stages
    /// still issue a group's independent loads together: in Node 20, on a full IPv4 table,
    /// `lookupMany` ran 1.1 times as fast as key by key.
    Pipeline,
    /// The pipeline, its direct stage in AVX-512, sixteen keys at a time.
    #[cfg(target_arch = "x86_64")]
    PipelineAvx512,
}

impl Path {
    /// The fastest path for IPv4 keys here (other keys go key by key).
    fn fastest_v4() -> Path {
        #[cfg(target_arch = "x86_64")]
        {
            if x86::has_avx512() {
                return Path::PipelineAvx512;
            }
            Path::Pipeline
        }
        #[cfg(not(target_arch = "x86_64"))]
        Path::Pipeline
    }

    /// Whether the pipeline should also prefetch ahead of its direct stage (see
    /// [`prefetch_ahead`]): where a miss beyond L2 is slow. On a Xeon guest (2 MiB of L2,
    /// about 40 ns to its L3) the direct stage otherwise waited on its gather, and the
    /// prefetches made a full-table batch 1.2 to 1.45 times as fast, same run. On a Zen 4
    /// guest, whose L3 is a third as far, prefetching the direct entries cost more
    /// instructions than it saved (0.93 to 0.96 times). Intel's CPUs are told apart by
    /// vendor: of what the two measured CPUs differ in, the one cheap to ask.
    fn prefetches_ahead() -> bool {
        #[cfg(target_arch = "x86_64")]
        return x86::is_intel();
        #[cfg(not(target_arch = "x86_64"))]
        false
    }
}

/// One group's progress through the pipeline.
#[derive(Clone, Copy)]
struct Stage {
    /// Per lane: the leaf found so far.
    found: [u32; GROUP],
    /// The lanes still at a node (the first `pending`), each with its node and the
    /// address bits left below the direct level.
    lane: [u8; GROUP],
    node: [u32; GROUP],
    rest: [u32; GROUP],
    pending: usize,
}

impl Default for Stage {
    fn default() -> Self {
        Stage {
            found: [NO_ROUTE; GROUP],
            lane: [0; GROUP],
            node: [0; GROUP],
            rest: [0; GROUP],
            pending: 0,
        }
    }
}

/// The batch lookup, as an iterator over the value of each key's leaf.
///
/// Keys go in groups through three stages, software-pipelined so that each stage works
/// on a different group: the direct level of group k + 2 (prefetching the nodes it points
/// at), the nodes of group k + 1 (prefetching the leaves they answer with) and the
/// leaves of group k, which the iterator yields. Where far misses are slow, the direct
/// entries of group k + 3 are prefetched too, and the keys of group k + 6. Each prefetch
/// so has a whole group's work to arrive, and the memory accesses of many lookups
/// overlap. Yielding instead of filling a vector spares the caller a pass over one when
/// it only wants to map the answers.
pub(crate) struct FindMany<'t, 'k, K, V> {
    trie: &'t Poptrie<V>,
    keys: &'k [K],
    path: Path,
    /// Whether the pipeline prefetches ahead of its direct stage ([`Path::prefetches_ahead`]);
    /// key by key, nothing reads it.
    ahead: bool,
    stages: [Stage; 3],
    /// The next pipeline step.
    step: usize,
    /// The stage whose group is being yielded, the next lane and the group's size.
    emitting: usize,
    at: usize,
    len: usize,
    /// Keys yielded before the current group (key by key: keys yielded).
    emitted: usize,
}

/// Group `k` of the batch's keys.
fn group<K>(keys: &[K], k: usize) -> &[K] {
    &keys[k * GROUP..((k + 1) * GROUP).min(keys.len())]
}

impl<V: Clone> Poptrie<V> {
    /// Batch lookup: the leaf of each key, in order (see [`FindMany`]).
    pub fn find_many<'t, 'k, K: Key>(&'t self, keys: &'k [K]) -> FindMany<'t, 'k, K, V> {
        self.find_many_by(keys, Path::fastest_v4())
    }

    fn find_many_by<'t, 'k, K: Key>(&'t self, keys: &'k [K], path: Path) -> FindMany<'t, 'k, K, V> {
        // The pipeline is written for IPv4 keys.
        let path = if K::as_v4(keys).is_some() {
            path
        } else {
            Path::KeyByKey
        };
        FindMany {
            trie: self,
            keys,
            path,
            ahead: Path::prefetches_ahead(),
            stages: [Stage::default(); 3],
            step: 0,
            emitting: 0,
            at: 0,
            len: 0,
            emitted: 0,
        }
    }
}

impl<K: Key, V: Clone> FindMany<'_, '_, K, V> {
    /// Runs pipeline steps until a group's leaves are ready; false when none are left.
    #[inline(always)]
    fn advance(&mut self) -> bool {
        let trie = self.trie;
        let Some(keys) = K::as_v4(self.keys) else {
            return false;
        };
        let groups = keys.len().div_ceil(GROUP);
        while self.step < groups + 2 {
            let k = self.step;
            self.step += 1;
            if self.ahead && k + 1 < groups {
                prefetch_ahead(trie, keys, k);
            }
            if k < groups {
                let (keys, stage) = (group(keys, k), &mut self.stages[k % 3]);
                match self.path {
                    // SAFETY: this path is chosen only on a CPU with AVX-512F and POPCNT
                    // (`Path::fastest_v4`).
                    #[cfg(target_arch = "x86_64")]
                    Path::PipelineAvx512 => unsafe { x86::stage_direct(trie, keys, stage) },
                    _ => stage_direct(trie, keys, stage),
                }
            }
            if (1..=groups).contains(&k) {
                stage_nodes(trie, &mut self.stages[(k - 1) % 3]);
            }
            if k >= 2 {
                self.emitted += self.len;
                self.emitting = (k - 2) % 3;
                self.at = 0;
                self.len = group(keys, k - 2).len();
                return true;
            }
        }
        false
    }
}

impl<K: Key, V: Clone> FindMany<'_, '_, K, V> {
    /// The next key's leaf.
    #[inline(always)]
    fn next_leaf(&mut self) -> Option<u32> {
        if self.path == Path::KeyByKey {
            let &key = self.keys.get(self.emitted)?;
            self.emitted += 1;
            return Some(self.trie.find(key));
        }
        if self.at == self.len && !self.advance() {
            return None;
        }
        let leaf = self.stages[self.emitting].found[self.at];
        self.at += 1;
        Some(leaf)
    }

    /// Folds the leaves of the keys left, a group at a time.
    #[inline(always)]
    fn fold_leaves<B>(mut self, init: B, mut f: impl FnMut(B, u32) -> B) -> B {
        if self.path == Path::KeyByKey {
            let trie = self.trie;
            let keys = &self.keys[self.emitted..];
            return keys.iter().fold(init, |acc, &key| f(acc, trie.find(key)));
        }
        let mut acc = init;
        loop {
            for &leaf in &self.stages[self.emitting].found[self.at..self.len] {
                acc = f(acc, leaf);
            }
            self.at = self.len;
            if !self.advance() {
                return acc;
            }
        }
    }

    fn left(&self) -> usize {
        self.keys.len() - self.emitted - self.at
    }
}

impl<'t, K: Key, V: Clone> Iterator for FindMany<'t, '_, K, V> {
    type Item = Option<&'t V>;

    #[inline(always)]
    fn next(&mut self) -> Option<Self::Item> {
        let leaf = self.next_leaf()?;
        Some(self.trie.value(leaf))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left(), Some(self.left()))
    }

    /// Internal iteration (`sum`, `for_each`, `fold` and the like; not `collect`, which
    /// calls `next`) runs a group at a time, without `next`'s check per answer.
    #[inline(always)]
    fn fold<B, F: FnMut(B, Self::Item) -> B>(self, init: B, mut f: F) -> B {
        let trie = self.trie;
        self.fold_leaves(init, |acc, leaf| f(acc, trie.value(leaf)))
    }
}

impl<K: Key, V: Clone> ExactSizeIterator for FindMany<'_, '_, K, V> {}

/// [`FindMany`] with a value standing in for "no route": each answer is a value, chosen
/// without a branch (see [`Poptrie::value_or`]).
pub(crate) struct FindManyOr<'t, 'k, K, V> {
    many: FindMany<'t, 'k, K, V>,
    miss: &'t V,
}

impl<'t, 'k, K: Key, V: Clone> FindMany<'t, 'k, K, V> {
    /// The answers with `miss` for keys without a route.
    pub fn or(self, miss: &'t V) -> FindManyOr<'t, 'k, K, V> {
        FindManyOr { many: self, miss }
    }
}

impl<'t, K: Key, V: Clone> Iterator for FindManyOr<'t, '_, K, V> {
    type Item = &'t V;

    #[inline(always)]
    fn next(&mut self) -> Option<Self::Item> {
        let leaf = self.many.next_leaf()?;
        Some(self.many.trie.value_or(leaf, self.miss))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.many.size_hint()
    }

    #[inline(always)]
    fn fold<B, F: FnMut(B, Self::Item) -> B>(self, init: B, mut f: F) -> B {
        let (trie, miss) = (self.many.trie, self.miss);
        self.many
            .fold_leaves(init, |acc, leaf| f(acc, trie.value_or(leaf, miss)))
    }
}

impl<K: Key, V: Clone> ExactSizeIterator for FindManyOr<'_, '_, K, V> {}

/// At the step that reads group `k`'s direct entries (`k + 1` below the number of groups):
/// prefetches those of group k + 1, and the keys of group k + 4, which that prefetch reads
/// three steps on. Keys are read in order, yet with the fill buffers taken by the
/// pipeline's scattered loads the hardware prefetcher fell behind, and the first read of
/// each key stalled: prefetching them gained another 1.04 to 1.07 times.
#[inline(always)]
fn prefetch_ahead<V>(trie: &Poptrie<V>, keys: &[u32], k: usize) {
    let direct = trie.direct.as_ptr();
    for &key in group(keys, k + 1) {
        prefetch_at(direct, key.top(trie.bits));
    }
    // One prefetch per cache line of keys; past the end it is a hint about nothing.
    let later = keys.as_ptr().wrapping_add((k + 4) * GROUP);
    for line in (0..GROUP).step_by(64 / size_of::<u32>()) {
        prefetch_at(later, line);
    }
}

/// Direct level of a group: every lane records its entry; lanes that point at a node
/// are queued and the node prefetched. Lanes with a leaf prefetch node 0 instead,
/// which costs less than a mispredicted branch.
///
/// Each stage is a call of its own, once per group: inlined into the caller's loop,
/// the three stages' values outnumbered the registers and spilled to the stack.
#[inline(never)]
fn stage_direct<V>(trie: &Poptrie<V>, keys: &[u32], stage: &mut Stage) {
    // Read once: through `trie` the compiler reloads them after every store to `stage`,
    // which it cannot tell apart from the trie.
    let (direct, bits, nodes) = (&trie.direct[..], trie.bits, trie.nodes.as_ptr());
    let mut pending = 0;
    for (i, &key) in keys.iter().enumerate() {
        let e = direct[key.top(bits)];
        let is_node = e & LEAF == 0;
        // `pending <= i < GROUP`; the mask, a no-op, lets the compiler drop the bounds
        // checks.
        stage.found[i % GROUP] = e & !LEAF;
        stage.node[pending % GROUP] = e;
        stage.rest[pending % GROUP] = key.skip(bits);
        stage.lane[pending % GROUP] = i as u8;
        pending += usize::from(is_node);
        prefetch_at(nodes, (e & u32::from(is_node).wrapping_neg()) as usize);
    }
    stage.pending = pending;
}

/// Nodes of a group: each queued lane walks to its leaf (for IPv4 almost always at the
/// first node) and prefetches it.
#[inline(never)]
fn stage_nodes<V>(trie: &Poptrie<V>, stage: &mut Stage) {
    // Read once, as in `stage_direct`.
    let (nodes, values, ones) = (&trie.nodes[..], trie.values.as_ptr(), trie.ones);
    for p in 0..stage.pending.min(GROUP) {
        let i = usize::from(stage.lane[p]) % GROUP;
        let leaf = descend(nodes, stage.node[p], stage.rest[p], ones);
        stage.found[i] = leaf;
        prefetch_at(values, (leaf as usize).wrapping_sub(1));
    }
}

/// Asks the CPU to start loading element `index` of the array at `base`; a hint, never a
/// fault. The index may be out of bounds: the address is only computed, never read.
#[inline(always)]
fn prefetch_at<T>(base: *const T, index: usize) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch reads nothing and cannot fault, whatever the address.
    unsafe {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        _mm_prefetch::<_MM_HINT_T0>(base.wrapping_add(index).cast());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = (base, index);
}

#[cfg(test)]
mod tests {
    use super::super::tests::routes_of;
    use super::*;
    use proptest::prelude::*;

    /// Every path this CPU can run, the fastest last.
    fn paths_here() -> Vec<Path> {
        let mut paths = vec![Path::KeyByKey, Path::Pipeline];
        #[cfg(target_arch = "x86_64")]
        {
            if x86::has_avx512() {
                paths.push(Path::PipelineAvx512);
            }
        }
        paths
    }

    #[test]
    fn the_fastest_path_is_one_this_cpu_runs_and_ipv6_goes_key_by_key() {
        assert!(paths_here().contains(&Path::fastest_v4()));
        let trie = Poptrie::<u32>::build::<u128>(&[], 8);
        assert_eq!(trie.find_many(&[0u128]).path, Path::KeyByKey);
        assert_eq!(
            trie.find_many_by(&[0u128], Path::Pipeline).path,
            Path::KeyByKey
        );
    }

    /// Every path gives `find`'s answer for every key, in order, by `next`, by `fold` and
    /// by both, for batches that end anywhere in a group and tables with short, long and
    /// nested prefixes.
    fn every_path_agrees_with_find(
        mut routes: Vec<(u32, u8, u32)>,
        mut keys: Vec<u32>,
        bits: u32,
    ) -> Result<(), TestCaseError> {
        for r in &mut routes {
            r.0 = r.0.masked(u32::from(r.1));
        }
        routes.sort_by_key(|r| (r.0, r.1));
        routes.dedup_by_key(|r| (r.0, r.1));
        let routes = routes_of(&routes);
        let trie = Poptrie::build(&routes, bits);
        // Keys at, inside and just past each route, besides the random ones.
        for r in &routes {
            let last = r.key | !u32::MAX.checked_shl(32 - u32::from(r.len)).unwrap_or(0);
            keys.extend([
                r.key,
                r.key + (last - r.key) / 2,
                last,
                last.wrapping_add(1),
            ]);
        }
        let want: Vec<Option<u32>> = keys
            .iter()
            .map(|&k| trie.value(trie.find(k)).copied())
            .collect();
        // Prefetching ahead is a hint, run both ways on every pipeline.
        for (path, ahead) in paths_here()
            .into_iter()
            .flat_map(|p| [(p, false), (p, true)])
        {
            let start = || {
                let mut batch = trie.find_many_by(&keys[..], path);
                batch.ahead = ahead;
                batch
            };
            let batch = start();
            prop_assert_eq!(batch.len(), keys.len());
            let got: Vec<Option<u32>> = batch.map(|v| v.copied()).collect();
            prop_assert_eq!(&got, &want, "{:?} {}, by next", path, ahead);
            let mut folded = Vec::new();
            start().for_each(|v| folded.push(v.copied()));
            prop_assert_eq!(&folded, &want, "{:?} {}, by fold", path, ahead);
            // A third by `next`, the rest by `fold`, from where `next` stopped.
            let mut both = start();
            let mut mixed: Vec<Option<u32>> = both
                .by_ref()
                .take(keys.len() / 3)
                .map(|v| v.copied())
                .collect();
            prop_assert_eq!(both.len(), keys.len() - mixed.len());
            both.for_each(|v| mixed.push(v.copied()));
            prop_assert_eq!(&mixed, &want, "{:?} {}, by next then fold", path, ahead);
            // With a value for "no route", by `next` and by `fold`.
            let want_or: Vec<u32> = want.iter().map(|v| v.unwrap_or(u32::MAX)).collect();
            let or = start().or(&u32::MAX);
            prop_assert_eq!(or.len(), keys.len());
            let got: Vec<u32> = or.copied().collect();
            prop_assert_eq!(&got, &want_or, "{:?} {}, or, by next", path, ahead);
            let mut folded = Vec::new();
            start().or(&u32::MAX).for_each(|&v| folded.push(v));
            prop_assert_eq!(&folded, &want_or, "{:?} {}, or, by fold", path, ahead);
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn batches_agree_with_find(
            routes in prop::collection::vec((any::<u32>(), 0u8..=32, any::<u32>()), 0..400),
            keys in prop::collection::vec(any::<u32>(), 0..300),
            bits in prop_oneof![Just(8u32), Just(18)],
        ) {
            every_path_agrees_with_find(routes, keys, bits)?;
        }
    }
}
