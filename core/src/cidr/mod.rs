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

/// `ceil(log2(n))` for n ≥ 1, 0 for 0 and 1: the host bits of the smallest prefix that
/// holds `n` addresses.
pub(crate) fn ceil_log2(n: u128) -> u32 {
    if n <= 1 {
        0
    } else {
        128 - (n - 1).leading_zeros()
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

    /// `a.b.c.d/len` for the vendor facts: in a `const` item, a prefix that is too long
    /// or has host bits set fails to compile.
    pub(crate) const fn v4(octets: [u8; 4], len: u8) -> Cidr {
        let bits = u32::from_be_bytes(octets) as u128;
        Cidr::checked(Family::V4, bits, len)
    }

    /// `a:b:c:d:e:f:g:h/len` (the eight 16-bit groups) for the vendor facts, checked as
    /// [`Cidr::v4`] is.
    pub(crate) const fn v6(groups: [u16; 8], len: u8) -> Cidr {
        let mut bits = 0u128;
        let mut i = 0;
        while i < groups.len() {
            bits = (bits << 16) | groups[i] as u128;
            i += 1;
        }
        Cidr::checked(Family::V6, bits, len)
    }

    const fn checked(family: Family, bits: u128, len: u8) -> Cidr {
        assert!(
            len <= family.width(),
            "prefix length longer than the family"
        );
        let host_bits = family.width() - len;
        let host_mask = if host_bits == 128 {
            u128::MAX
        } else {
            (1u128 << host_bits) - 1
        };
        assert!(bits & host_mask == 0, "host bits set");
        Cidr { family, bits, len }
    }

    /// The prefix of length `len` that contains the address `bits` (host bits cleared).
    /// `len` is clamped to the family's width. (Integer form, for the benchmarks and fuzz
    /// targets.)
    #[doc(hidden)]
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

    /// The address family.
    pub fn family(&self) -> Family {
        self.family
    }

    /// The prefix length: 0 to 32 for IPv4, 0 to 128 for IPv6.
    ///
    /// ```
    /// let c: hybridplan::Cidr = "10.96.0.0/12".parse().unwrap();
    /// assert_eq!(c.prefix_len(), 12);
    /// assert_eq!(c.max_prefix_len(), 32);
    /// ```
    pub fn prefix_len(&self) -> u8 {
        self.len
    }

    /// The longest prefix length of the family: 32 or 128.
    pub fn max_prefix_len(&self) -> u8 {
        self.family.width()
    }

    /// The prefix length, for the benchmarks and fuzz targets; [`Cidr::prefix_len`].
    #[doc(hidden)]
    #[allow(clippy::len_without_is_empty)]
    pub fn len(&self) -> u8 {
        self.len
    }

    /// Bits that vary inside the prefix.
    pub fn host_bits(&self) -> u8 {
        self.family.width() - self.len
    }

    /// The first address, the network address.
    ///
    /// ```
    /// use std::net::IpAddr;
    /// let c: hybridplan::Cidr = "10.96.0.0/12".parse().unwrap();
    /// assert_eq!(c.network(), "10.96.0.0".parse::<IpAddr>().unwrap());
    /// assert_eq!(c.broadcast(), "10.111.255.255".parse::<IpAddr>().unwrap());
    /// assert_eq!(c.netmask(), "255.240.0.0".parse::<IpAddr>().unwrap());
    /// ```
    pub fn network(&self) -> IpAddr {
        addr_from_bits(self.family, self.bits)
    }

    /// The last address (for IPv4, the broadcast address; IPv6 has none, but the name
    /// follows `ipnet`).
    pub fn broadcast(&self) -> IpAddr {
        addr_from_bits(self.family, self.last())
    }

    /// The network mask: `prefix_len()` one bits, then zeros.
    pub fn netmask(&self) -> IpAddr {
        addr_from_bits(self.family, self.mask())
    }

    /// First address as an integer of its family (IPv4 in the low 32 bits), for the
    /// benchmarks and fuzz targets; [`Cidr::network`].
    #[doc(hidden)]
    pub fn first(&self) -> u128 {
        self.bits
    }

    /// Last address as an integer of its family.
    pub(crate) fn last(&self) -> u128 {
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

#[cfg(feature = "ipnet")]
mod ipnet_conv {
    use super::{Cidr, CidrError};
    use ipnet::{IpNet, Ipv4Net, Ipv6Net};
    use std::net::IpAddr;

    /// Never fails: a `Cidr`'s length always fits its family.
    impl From<Cidr> for IpNet {
        fn from(c: Cidr) -> IpNet {
            match c.network() {
                IpAddr::V4(a) => Ipv4Net::new(a, c.len).map(IpNet::V4),
                IpAddr::V6(a) => Ipv6Net::new(a, c.len).map(IpNet::V6),
            }
            .unwrap_or_else(|_| unreachable!("{c}: prefix length checked when made"))
        }
    }

    /// Fails with [`CidrError::HostBits`] when `net` has host bits set (`10.1.2.3/16`):
    /// a `Cidr` is always its network address. Take `net.trunc()` to drop them.
    impl TryFrom<IpNet> for Cidr {
        type Error = CidrError;

        fn try_from(net: IpNet) -> Result<Cidr, CidrError> {
            Cidr::new(net.addr(), net.prefix_len())
        }
    }

    /// As `TryFrom<IpNet>`.
    impl TryFrom<Ipv4Net> for Cidr {
        type Error = CidrError;

        fn try_from(net: Ipv4Net) -> Result<Cidr, CidrError> {
            Cidr::try_from(IpNet::V4(net))
        }
    }

    /// As `TryFrom<IpNet>`.
    impl TryFrom<Ipv6Net> for Cidr {
        type Error = CidrError;

        fn try_from(net: Ipv6Net) -> Result<Cidr, CidrError> {
            Cidr::try_from(IpNet::V6(net))
        }
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
