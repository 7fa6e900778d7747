//! `Count`: an exact address or node count that may exceed 2^53 (IPv6 sizes), so it is
//! written as a decimal string: JavaScript numbers would silently round it.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// An exact count of addresses or nodes, written in JSON as a decimal string: it may pass
/// 2^53 (IPv6 sizes), which JavaScript numbers would round.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS), ts(type = "string"))]
pub struct Count(pub i128);

impl From<u128> for Count {
    fn from(n: u128) -> Count {
        Count(i128::try_from(n).unwrap_or(i128::MAX))
    }
}

impl From<u64> for Count {
    fn from(n: u64) -> Count {
        Count(n.into())
    }
}

impl fmt::Display for Count {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl Serialize for Count {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Count {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map(Count).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_counts_round_trip_as_strings() {
        let big = Count::from(1u128 << 64);
        let json = serde_json::to_string(&big).unwrap();
        assert_eq!(json, "\"18446744073709551616\"");
        assert_eq!(serde_json::from_str::<Count>(&json).unwrap(), big);
        assert_eq!(Count::from(u128::MAX).0, i128::MAX);
    }
}
