//! Set operations on prefixes. A set of prefixes is handled as sorted, merged address
//! intervals per family and turned back into the fewest prefixes that cover exactly the
//! same addresses. Costs are O(n log n) in the number of prefixes, never in addresses.

use super::{Cidr, Family};

/// Closed interval `[first, last]` of addresses of one family.
type Interval = (u128, u128);

/// Sorted, merged intervals of the prefixes of `family` in `cidrs`.
fn merged(family: Family, cidrs: &[Cidr]) -> Vec<Interval> {
    let mut spans: Vec<Interval> = cidrs
        .iter()
        .filter(|c| c.family() == family)
        .map(|c| (c.first(), c.last()))
        .collect();
    spans.sort_unstable();
    let mut out: Vec<Interval> = Vec::with_capacity(spans.len());
    for (first, last) in spans {
        match out.last_mut() {
            Some(prev) if first <= prev.1.saturating_add(1) => prev.1 = prev.1.max(last),
            _ => out.push((first, last)),
        }
    }
    out
}

/// The fewest prefixes whose union is exactly `[first, last]`.
fn interval_to_cidrs(family: Family, (mut first, last): Interval, out: &mut Vec<Cidr>) {
    let width = family.width();
    loop {
        // Largest aligned block starting at `first` that does not pass `last`.
        let align = if first == 0 {
            u32::from(width)
        } else {
            first.trailing_zeros().min(u32::from(width))
        };
        let mut host = align;
        while host > 0 {
            let span = if host >= 128 {
                u128::MAX
            } else {
                (1u128 << host) - 1
            };
            if first.checked_add(span).is_some_and(|end| end <= last) {
                break;
            }
            host -= 1;
        }
        out.push(Cidr::truncate(family, first, width - host as u8));
        let end = if host >= 128 {
            u128::MAX
        } else {
            first + ((1u128 << host) - 1)
        };
        if end >= last {
            return;
        }
        first = end + 1;
    }
}

/// Exact summary: the fewest prefixes covering exactly the union of `cidrs` (per family,
/// IPv4 first). Never a covering prefix that adds addresses not in the input.
/// The smallest single prefix that holds every one of `cidrs` (all of one family), or
/// `None` for an empty list.
pub fn covering(cidrs: &[Cidr]) -> Option<Cidr> {
    let first = cidrs.first()?;
    let lo = cidrs.iter().map(Cidr::first).min()?;
    let hi = cidrs.iter().map(Cidr::last).max()?;
    let differing = 128 - (lo ^ hi).leading_zeros();
    let len = u32::from(first.family().width()).saturating_sub(differing) as u8;
    Some(Cidr::truncate(first.family(), lo, len))
}

pub fn summarize(cidrs: &[Cidr]) -> Vec<Cidr> {
    let mut out = Vec::new();
    for family in [Family::V4, Family::V6] {
        for span in merged(family, cidrs) {
            interval_to_cidrs(family, span, &mut out);
        }
    }
    out
}

/// `from` minus every prefix in `remove` (other families are ignored), as the fewest
/// prefixes, in address order.
pub fn subtract_all(from: Cidr, remove: &[Cidr]) -> Vec<Cidr> {
    let family = from.family();
    let mut out = Vec::new();
    for (first, last) in free_spans(from, remove) {
        interval_to_cidrs(family, (first, last), &mut out);
    }
    out
}

/// Intervals of `within` not covered by `used`.
fn free_spans(within: Cidr, used: &[Cidr]) -> Vec<Interval> {
    let family = within.family();
    let mut cursor = Some(within.first());
    let mut out = Vec::new();
    for (first, last) in merged(family, used) {
        let Some(start) = cursor else { break };
        if last < start || first > within.last() {
            continue;
        }
        if first > start {
            out.push((start, first - 1));
        }
        cursor = last.checked_add(1).filter(|&next| next <= within.last());
    }
    if let Some(start) = cursor {
        out.push((start, within.last()));
    }
    out
}

/// The lowest prefix of length `len` inside `within` that overlaps none of `used`, if any.
pub fn find_free(within: Cidr, len: u8, used: &[Cidr]) -> Option<Cidr> {
    let family = within.family();
    if len < within.prefix_len() || len > family.width() {
        return None;
    }
    let host = u32::from(family.width() - len);
    let block_mask: u128 = if host >= 128 {
        u128::MAX
    } else {
        (1u128 << host) - 1
    };
    for (first, last) in free_spans(within, used) {
        // First aligned start at or after `first`.
        let start = if first & block_mask == 0 {
            first
        } else {
            match (first | block_mask).checked_add(1) {
                Some(s) => s,
                None => continue,
            }
        };
        if start.checked_add(block_mask).is_some_and(|end| end <= last) {
            return Some(Cidr::truncate(family, start, len));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeSet;

    fn c(s: &str) -> Cidr {
        s.parse().unwrap()
    }

    fn cs(list: &[&str]) -> Vec<Cidr> {
        list.iter().map(|s| c(s)).collect()
    }

    #[test]
    fn covering_is_the_smallest_prefix_holding_them_all() {
        assert_eq!(
            covering(&cs(&["10.100.0.0/16", "10.0.0.0/8"])),
            Some(c("10.0.0.0/8"))
        );
        assert_eq!(
            covering(&cs(&["10.1.0.0/16", "10.2.0.0/16"])),
            Some(c("10.0.0.0/14"))
        );
        assert_eq!(
            covering(&cs(&["172.20.0.0/16", "10.0.0.0/8"])),
            Some(c("0.0.0.0/0"))
        );
        assert_eq!(covering(&cs(&["fd00:20::/56"])), Some(c("fd00:20::/56")));
        assert_eq!(covering(&[]), None);
    }

    #[test]
    fn summary_joins_siblings_and_never_covers_more() {
        assert_eq!(
            summarize(&cs(&["10.0.0.0/25", "10.0.0.128/25"])),
            cs(&["10.0.0.0/24"])
        );
        assert_eq!(
            summarize(&cs(&["10.0.0.0/24", "10.0.2.0/24"])),
            cs(&["10.0.0.0/24", "10.0.2.0/24"])
        );
        assert_eq!(
            summarize(&cs(&["10.0.1.0/24", "10.0.2.0/24"])),
            cs(&["10.0.1.0/24", "10.0.2.0/24"])
        );
        assert_eq!(
            summarize(&cs(&["10.0.0.0/8", "10.1.0.0/16"])),
            cs(&["10.0.0.0/8"])
        );
        assert_eq!(
            summarize(&cs(&["fd00::/65", "fd00:0:0:0:8000::/65", "10.0.0.0/8"])),
            cs(&["10.0.0.0/8", "fd00::/64"])
        );
        assert_eq!(summarize(&cs(&["::/1", "8000::/1"])), cs(&["::/0"]));
        assert_eq!(
            summarize(&cs(&["0.0.0.0/1", "128.0.0.0/1"])),
            cs(&["0.0.0.0/0"])
        );
    }

    #[test]
    fn subtraction_leaves_the_fewest_prefixes() {
        assert_eq!(
            c("10.0.0.0/8").subtract(&c("10.0.0.0/9")),
            cs(&["10.128.0.0/9"])
        );
        assert_eq!(c("10.0.0.0/24").subtract(&c("10.0.0.0/24")), vec![]);
        assert_eq!(
            c("10.0.0.0/24").subtract(&c("10.0.0.64/26")),
            cs(&["10.0.0.0/26", "10.0.0.128/25"])
        );
        assert_eq!(c("::/0").subtract(&c("::/1")), cs(&["8000::/1"]));
        assert_eq!(
            c("10.0.0.0/24").subtract(&c("11.0.0.0/8")),
            cs(&["10.0.0.0/24"])
        );
    }

    #[test]
    fn free_space_is_aligned_and_avoids_what_is_used() {
        let used = cs(&["10.0.0.0/16", "10.1.0.0/17"]);
        assert_eq!(
            find_free(c("10.0.0.0/8"), 16, &used),
            Some(c("10.2.0.0/16"))
        );
        assert_eq!(
            find_free(c("10.0.0.0/8"), 17, &used),
            Some(c("10.1.128.0/17"))
        );
        assert_eq!(find_free(c("10.0.0.0/16"), 24, &used), None);
        assert_eq!(find_free(c("10.0.0.0/16"), 8, &[]), None);
        assert_eq!(find_free(c("::/0"), 0, &[]), Some(c("::/0")));
        assert_eq!(find_free(c("::/0"), 1, &cs(&["::/1"])), Some(c("8000::/1")));
    }

    // Property tests against a naive reference: sets of addresses inside 10.0.0.0/24,
    // enumerated (256 addresses is small enough to list).
    fn small_prefix() -> impl Strategy<Value = Cidr> {
        (24u8..=32, any::<u8>())
            .prop_map(|(len, low)| Cidr::truncate(Family::V4, 0x0a00_0000 | u128::from(low), len))
    }

    fn addrs(cidrs: &[Cidr]) -> BTreeSet<u128> {
        cidrs.iter().flat_map(|c| c.first()..=c.last()).collect()
    }

    fn disjoint(cidrs: &[Cidr]) -> bool {
        cidrs
            .iter()
            .enumerate()
            .all(|(i, a)| cidrs[i + 1..].iter().all(|b| !a.overlaps(b)))
    }

    proptest! {
        #[test]
        fn summary_covers_exactly_the_union(set in prop::collection::vec(small_prefix(), 0..12)) {
            let sum = summarize(&set);
            prop_assert_eq!(addrs(&sum), addrs(&set));
            prop_assert!(disjoint(&sum));
            // minimal: no two results can be joined into their parent
            for (i, a) in sum.iter().enumerate() {
                for b in &sum[i + 1..] {
                    let parent = Cidr::truncate(a.family(), a.first(), a.prefix_len().saturating_sub(1));
                    prop_assert!(!(a.prefix_len() == b.prefix_len() && parent.contains(b)));
                }
            }
        }

        #[test]
        fn subtraction_removes_exactly_the_overlap(
            from in small_prefix(),
            remove in prop::collection::vec(small_prefix(), 0..8),
        ) {
            let left = subtract_all(from, &remove);
            let expect: BTreeSet<u128> = addrs(&[from]).difference(&addrs(&remove)).copied().collect();
            prop_assert_eq!(addrs(&left), expect);
            prop_assert!(disjoint(&left));
        }

        #[test]
        fn free_space_is_truly_free_and_the_lowest(
            len in 24u8..=32,
            used in prop::collection::vec(small_prefix(), 0..8),
        ) {
            let within = c("10.0.0.0/24");
            let taken = addrs(&used);
            let naive = (0u128..(256u128 >> (32 - len)))
                .map(|i| Cidr::truncate(Family::V4, 0x0a00_0000 + (i << (32 - len)), len))
                .find(|cand| (cand.first()..=cand.last()).all(|a| !taken.contains(&a)));
            prop_assert_eq!(find_free(within, len, &used), naive);
        }

        #[test]
        fn overlap_agrees_with_shared_addresses(a in small_prefix(), b in small_prefix()) {
            let shared = addrs(&[a]).intersection(&addrs(&[b])).count() > 0;
            prop_assert_eq!(a.overlaps(&b), shared);
            prop_assert_eq!(a.contains(&b), addrs(&[b]).is_subset(&addrs(&[a])));
        }
    }
}
