//! Population count for the lookup's hot path, using the CPU's POPCNT instruction where
//! it has one, without a function call per lookup.
//!
//! The default x86-64 target does not assume POPCNT, so `u64::count_ones` compiles to a
//! dozen-instruction software count there. Calling into a `#[target_feature]` function
//! instead costs a call per lookup, which cannot be inlined into the caller's loop and
//! lost about a quarter of single-lookup throughput. So the instruction is issued by
//! inline assembly, behind a flag detected once when the table is built; the compiler
//! then splits a caller's loop on the flag, and the loop that runs has no software count
//! in it.

/// How to count ones, chosen once per table.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Ones {
    #[cfg(all(target_arch = "x86_64", not(target_feature = "popcnt")))]
    hardware: bool,
}

impl Ones {
    /// The fastest count this CPU supports.
    pub fn detect() -> Self {
        Ones {
            #[cfg(all(target_arch = "x86_64", not(target_feature = "popcnt")))]
            hardware: std::is_x86_feature_detected!("popcnt"),
        }
    }

    /// The number of set bits in `x`.
    #[inline(always)]
    pub fn count(self, x: u64) -> u32 {
        #[cfg(all(target_arch = "x86_64", not(target_feature = "popcnt")))]
        {
            if self.hardware {
                let n: u64;
                // SAFETY: `hardware` is set only when the CPU reports POPCNT, so the
                // instruction exists; it reads and writes registers only.
                unsafe {
                    std::arch::asm!(
                        "popcnt {n}, {x}",
                        x = in(reg) x,
                        n = lateout(reg) n,
                        options(pure, nomem, nostack)
                    );
                }
                n as u32
            } else {
                software_count(x)
            }
        }
        #[cfg(not(all(target_arch = "x86_64", not(target_feature = "popcnt"))))]
        x.count_ones()
    }
}

/// The software count, out of line: inlined, its four constants would hold registers in
/// a caller's lookup loop, whose other values would then spill to the stack.
#[cfg(all(target_arch = "x86_64", not(target_feature = "popcnt")))]
#[cold]
#[inline(never)]
fn software_count(x: u64) -> u32 {
    x.count_ones()
}

#[cfg(test)]
mod tests {
    use super::Ones;

    #[test]
    fn counts_like_count_ones() {
        let mut all = vec![Ones::detect()];
        #[cfg(all(target_arch = "x86_64", not(target_feature = "popcnt")))]
        all.push(Ones { hardware: false });
        for ones in all {
            for x in [0, 1, u64::MAX, 0x8000_0000_0000_0001, 0x0123_4567_89ab_cdef] {
                assert_eq!(ones.count(x), x.count_ones(), "{x:#x} by {ones:?}");
            }
        }
    }
}
