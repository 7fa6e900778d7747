//! Addresses and prefixes: strict parsing (see `parse`), one canonical prefix type for both
//! families, and the set operations the planner needs (see `set`). All size arithmetic is in
//! `u128` with checked operations; nothing here enumerates addresses.

mod parse;
mod set;

pub use parse::{CidrError, parse_addr, parse_cidr};
pub use set::{covering, find_free, subtract_all, summarize};

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Address family. `V4` sorts before `V6`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum Family {
    #[serde(rename = "ipv4")]
    V4,
    #[serde(rename = "ipv6")]
    V6,
}

impl Family {
    /// Bits in an address of this family.
    pub const fn width(self) -> u8 {
        match self {
            Family::V4 => 32,
            Family::V6 => 128,
        }
    }

    /// The largest address of the family as an integer.
    pub const fn max_bits(self) -> u128 {
        match self {
            Family::V4 => u32::MAX as u128,
            Family::V6 => u128::MAX,
        }
    }

    pub fn of(addr: IpAddr) -> Family {
        match addr {
            IpAddr::V4(_) => Family::V4,
            IpAddr::V6(_) => Family::V6,
        }
    }
}

impl fmt::Display for Family {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            Family::V4 => "IPv4",
            Family::V6 => "IPv6",
        })
    }
}

/// An address as an integer of its family (IPv4 in the low 32 bits).
pub fn addr_bits(addr: IpAddr) -> u128 {
    match addr {
        IpAddr::V4(a) => u32::from(a) as u128,
        IpAddr::V6(a) => u128::from(a),
    }
}

/// The address of `family` whose integer value is `bits`.
pub fn addr_from_bits(family: Family, bits: u128) -> IpAddr {
    match family {
        Family::V4 => IpAddr::V4(Ipv4Addr::from(bits as u32)),
        Family::V6 => IpAddr::V6(Ipv6Addr::from(bits)),
    }
}

/// A canonical IP prefix: the host bits are always zero, so equal prefixes compare equal
/// and print the same (RFC 5952 for IPv6). Orders by family, then address, then length.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS), ts(type = "string"))]
pub struct Cidr {
    family: Family,
    bits: u128,
    len: u8,
}

impl Cidr {
    /// The prefix `addr/len`; fails when `len` is too long for the family or host bits are set.
    pub fn new(addr: IpAddr, len: u8) -> Result<Cidr, CidrError> {
        let family = Family::of(addr);
        if len > family.width() {
            return Err(CidrError::LengthOutOfRange {
                len: len.to_string(),
                max: family.width(),
            });
        }
        let bits = addr_bits(addr);
        let cidr = Cidr::truncate(family, bits, len);
        if cidr.bits != bits {
            return Err(CidrError::HostBits {
                canonical: cidr.to_string(),
            });
        }
        Ok(cidr)
    }

    /// Reads a vendor constant such as `::ffff:0:0/96`: std's address parser and the
    /// host-bit check, without the strict input rules (which refuse IPv4-mapped values).
    pub fn from_table(text: &str) -> Option<Cidr> {
        let (addr, len) = text.split_once('/')?;
        Cidr::new(addr.parse().ok()?, len.parse().ok()?).ok()
    }

    /// The prefix of length `len` that contains the address `bits` (host bits cleared).
    /// `len` is clamped to the family's width.
    pub fn truncate(family: Family, bits: u128, len: u8) -> Cidr {
        let len = len.min(family.width());
        let cidr = Cidr {
            family,
            bits: 0,
            len,
        };
        Cidr {
            bits: bits & cidr.mask(),
            ..cidr
        }
    }

    /// The prefix of `bits`/`len`, for callers whose `bits` already have no host bits and
    /// whose `len` fits the family (the route lookup, on its hot path).
    #[inline(always)]
    pub(crate) fn from_masked(family: Family, bits: u128, len: u8) -> Cidr {
        debug_assert!(len <= family.width());
        debug_assert_eq!(Cidr::truncate(family, bits, len).bits, bits);
        Cidr { family, bits, len }
    }

    /// The single-address prefix (/32 or /128) of `addr`.
    pub fn host(addr: IpAddr) -> Cidr {
        let family = Family::of(addr);
        Cidr {
            family,
            bits: addr_bits(addr),
            len: family.width(),
        }
    }

    pub fn family(&self) -> Family {
        self.family
    }

    /// Prefix length.
    pub fn len(&self) -> u8 {
        self.len
    }

    /// Always false: a prefix holds at least one address. Present for API symmetry.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Bits that vary inside the prefix.
    pub fn host_bits(&self) -> u8 {
        self.family.width() - self.len
    }

    pub fn network(&self) -> IpAddr {
        addr_from_bits(self.family, self.bits)
    }

    /// First address as an integer of its family.
    pub fn first(&self) -> u128 {
        self.bits
    }

    /// Last address as an integer of its family.
    pub fn last(&self) -> u128 {
        self.bits | self.host_mask()
    }

    /// Number of addresses; `None` only for `::/0`, whose 2^128 does not fit in `u128`.
    pub fn addresses(&self) -> Option<u128> {
        1u128.checked_shl(u32::from(self.host_bits()))
    }

    /// Number of addresses, saturating at `u128::MAX` (for `::/0`).
    pub fn addresses_saturating(&self) -> u128 {
        self.addresses().unwrap_or(u128::MAX)
    }

    fn host_mask(&self) -> u128 {
        match 1u128.checked_shl(u32::from(self.host_bits())) {
            Some(n) => n - 1,
            None => u128::MAX,
        }
    }

    fn mask(&self) -> u128 {
        self.family.max_bits() & !self.host_mask()
    }

    /// True when every address of `other` is in `self` (a prefix contains itself).
    pub fn contains(&self, other: &Cidr) -> bool {
        self.family == other.family
            && self.len <= other.len
            && (other.bits & self.mask()) == self.bits
    }

    pub fn contains_addr(&self, addr: IpAddr) -> bool {
        self.contains(&Cidr::host(addr))
    }

    /// True when the two prefixes share at least one address. Prefixes either nest or are
    /// disjoint, so this is containment one way or the other.
    pub fn overlaps(&self, other: &Cidr) -> bool {
        self.contains(other) || other.contains(self)
    }

    /// The address `offset` places after the network address, if it is inside the prefix.
    pub fn nth(&self, offset: u128) -> Option<IpAddr> {
        if offset > self.host_mask() {
            return None;
        }
        Some(addr_from_bits(self.family, self.bits + offset))
    }

    /// The two halves of the prefix, or `None` for a single address.
    pub fn halves(&self) -> Option<(Cidr, Cidr)> {
        if self.len == self.family.width() {
            return None;
        }
        let len = self.len + 1;
        let lower = Cidr { len, ..*self };
        let upper = Cidr {
            bits: self.bits | (1u128 << (self.family.width() - len)),
            ..lower
        };
        Some((lower, upper))
    }

    /// The prefix minus `other`: the prefixes that cover exactly what is left.
    pub fn subtract(&self, other: &Cidr) -> Vec<Cidr> {
        subtract_all(*self, std::slice::from_ref(other))
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.network(), self.len)
    }
}

impl std::str::FromStr for Cidr {
    type Err = CidrError;

    /// Strict: see [`parse_cidr`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_cidr(s)
    }
}

impl Serialize for Cidr {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Cidr {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        parse_cidr(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(s: &str) -> Cidr {
        s.parse().unwrap()
    }

    #[test]
    fn containment_and_overlap_follow_the_prefix_tree() {
        assert!(c("10.0.0.0/8").contains(&c("10.100.0.0/16")));
        assert!(!c("10.100.0.0/16").contains(&c("10.0.0.0/8")));
        assert!(c("10.100.0.0/16").overlaps(&c("10.0.0.0/8")));
        assert!(!c("10.0.0.0/8").overlaps(&c("11.0.0.0/8")));
        assert!(!c("10.0.0.0/8").overlaps(&c("a00::/8")));
        assert!(c("0.0.0.0/0").contains(&c("255.255.255.255/32")));
        assert!(c("::/0").contains(&c("ffff::/16")));
    }

    #[test]
    fn sizes_are_exact_and_never_overflow() {
        assert_eq!(c("10.0.0.0/8").addresses(), Some(1 << 24));
        assert_eq!(c("0.0.0.0/0").addresses(), Some(1 << 32));
        assert_eq!(c("fd00::/64").addresses(), Some(1 << 64));
        assert_eq!(c("::/1").addresses(), Some(1 << 127));
        assert_eq!(c("::/0").addresses(), None);
        assert_eq!(c("::/0").last(), u128::MAX);
        assert_eq!(c("255.255.255.255/32").last(), u32::MAX as u128);
    }

    #[test]
    fn halves_split_evenly() {
        let (a, b) = c("10.0.0.0/8").halves().unwrap();
        assert_eq!((a, b), (c("10.0.0.0/9"), c("10.128.0.0/9")));
        assert!(c("10.0.0.1/32").halves().is_none());
    }

    #[test]
    fn display_is_canonical() {
        assert_eq!(c("2001:db8::/32").to_string(), "2001:db8::/32");
        assert_eq!(
            Cidr::truncate(Family::V4, 0x0a01_0203, 16).to_string(),
            "10.1.0.0/16"
        );
    }
}
