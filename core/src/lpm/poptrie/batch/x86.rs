//! The batch's direct stage in AVX-512, sixteen keys at a time, used when the CPU
//! reports it: the default x86-64 target assumes no AVX-512. The stage runs once per
//! group, so the call into code compiled for other features costs nothing per key.

use super::{GROUP, LEAF, Poptrie, Stage, prefetch_at};
use std::arch::x86_64::*;

/// Whether this CPU runs [`stage_direct`].
pub(super) fn has_avx512() -> bool {
    is_x86_feature_detected!("avx512f") && is_x86_feature_detected!("popcnt")
}

/// Whether the CPU is Intel's (read once: in a virtual machine CPUID traps to the host).
pub(super) fn is_intel() -> bool {
    static INTEL: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *INTEL.get_or_init(|| {
        let id = __cpuid(0);
        (id.ebx, id.edx, id.ecx) == (0x756e_6547, 0x4965_6e69, 0x6c65_746e) // "GenuineIntel"
    })
}

/// The direct stage sixteen keys at a time: one gather reads their direct entries; the
/// leaves are stored as found, and the lanes at a node are compressed into the queue
/// with their nodes and remaining bits. Then each queued node is prefetched.
///
/// # Safety
///
/// The CPU must have AVX-512F and POPCNT ([`has_avx512`]).
#[target_feature(enable = "avx512f,popcnt")]
pub(super) unsafe fn stage_direct<V>(trie: &Poptrie<V>, keys: &[u32], stage: &mut Stage) {
    // What the memory accesses below rely on; checked once per group.
    assert!(keys.len() <= GROUP && trie.direct.len() == 1 << trie.bits);
    let leaf = _mm512_set1_epi32(LEAF as i32);
    let to_direct = _mm_cvtsi32_si128(32 - trie.bits as i32);
    let to_rest = _mm_cvtsi32_si128(trie.bits as i32);
    let first_lanes = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    let mut pending = 0;
    for start in (0..keys.len()).step_by(16) {
        let live = (u32::MAX >> (32 - (keys.len() - start).min(16))) as __mmask16;
        // SAFETY (all four blocks): lanes outside `live` are neither read nor written.
        // The live keys are in `keys`. Each direct index is a key's top `bits` bits,
        // below `1 << bits`, the length of `direct`. `found` has a slot per key, and
        // `start + 16 <= GROUP` since both are multiples of 16 and `start < GROUP`.
        let key = unsafe { _mm512_maskz_loadu_epi32(live, keys.as_ptr().add(start).cast()) };
        let index = _mm512_srl_epi32(key, to_direct);
        let entry = unsafe {
            _mm512_mask_i32gather_epi32::<4>(leaf, live, index, trie.direct.as_ptr().cast())
        };
        let found = stage.found.as_mut_ptr();
        unsafe {
            _mm512_mask_storeu_epi32(
                found.add(start).cast(),
                live,
                _mm512_andnot_si512(leaf, entry),
            )
        };
        let at_node = _mm512_mask_testn_epi32_mask(live, entry, leaf);
        // Compressed to the front and stored whole: `pending <= start`, so the sixteen
        // slots from `pending` are inside the queue; those past its end are overwritten
        // by the next store or never read.
        let queue = |v| _mm512_maskz_compress_epi32(at_node, v);
        let lane = _mm512_add_epi32(first_lanes, _mm512_set1_epi32(start as i32));
        unsafe {
            _mm512_storeu_si512(stage.node.as_mut_ptr().add(pending).cast(), queue(entry));
            let rest = _mm512_sll_epi32(key, to_rest);
            _mm512_storeu_si512(stage.rest.as_mut_ptr().add(pending).cast(), queue(rest));
            let lane = _mm512_cvtepi32_epi8(queue(lane));
            _mm_storeu_si128(stage.lane.as_mut_ptr().add(pending).cast(), lane);
        }
        pending += at_node.count_ones() as usize;
    }
    let nodes = trie.nodes.as_ptr();
    for &node in &stage.node[..pending] {
        prefetch_at(nodes, node as usize);
    }
    stage.pending = pending;
}
