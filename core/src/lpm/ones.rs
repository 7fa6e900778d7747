//! Population count for the lookup's hot path, using the CPU's POPCNT instruction where
//! it has one, without a function call per lookup.
//!
//! The default x86-64 target does not assume POPCNT, so `u64::count_ones` compiles to a
//! dozen-instruction software count there. Calling into a `#[target_feature]` function
//! instead costs a call per lookup, which cannot be inlined into the caller's loop and
//! lost about a quarter of single-lookup throughput. So the instruction is issued by
//! inline assembly, behind a flag detected once when the table is built, and so is the
//! software count that stands in for it on CPUs without POPCNT.

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

/// The software count (a SWAR sum, as `count_ones` compiles it), in assembly too: to the
/// compiler the block reads and writes no memory, so a caller's loop keeps its table's
/// fields in registers across it (around a call it reloaded them on every lookup); and
/// its constants are loaded inside it, not held in registers across the loop, where the
/// other values then spilled.
#[cfg(all(target_arch = "x86_64", not(target_feature = "popcnt")))]
#[inline(always)]
fn software_count(mut x: u64) -> u32 {
    // SAFETY: plain register arithmetic on `x` and two scratch registers.
    unsafe {
        std::arch::asm!(
            "mov {t}, {x}",
            "shr {t}, 1",
            "movabs {c}, 0x5555555555555555",
            "and {t}, {c}",
            "sub {x}, {t}",
            "movabs {c}, 0x3333333333333333",
            "mov {t}, {x}",
            "and {x}, {c}",
            "shr {t}, 2",
            "and {t}, {c}",
            "add {x}, {t}",
            "mov {t}, {x}",
            "shr {t}, 4",
            "add {x}, {t}",
            "movabs {c}, 0x0f0f0f0f0f0f0f0f",
            "and {x}, {c}",
            "movabs {c}, 0x0101010101010101",
            "imul {x}, {c}",
            "shr {x}, 56",
            x = inout(reg) x,
            t = out(reg) _,
            c = out(reg) _,
            options(pure, nomem, nostack),
        );
    }
    x as u32
}

#[cfg(test)]
mod tests {
    use super::Ones;

    #[test]
    fn counts_like_count_ones() {
        let mut all = vec![Ones::detect()];
        #[cfg(all(target_arch = "x86_64", not(target_feature = "popcnt")))]
        all.push(Ones { hardware: false });
        // Every single bit, every run of ones from either end, and pseudo-random words.
        let mut words = vec![0, u64::MAX, 0x8000_0000_0000_0001, 0x0123_4567_89ab_cdef];
        for k in 0..64 {
            words.extend([1 << k, u64::MAX >> k, u64::MAX << k]);
        }
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..10_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            words.push(x);
        }
        for ones in all {
            for &x in &words {
                assert_eq!(ones.count(x), x.count_ones(), "{x:#x} by {ones:?}");
            }
        }
    }
}
