//! Strict text parsing of addresses and prefixes. Everything that some other tool reads
//! differently (leading zeros, inet_aton short forms, netmask notation, zones, IPv4-mapped
//! IPv6, signs or zeros in the length, white space, host bits) is refused with a message
//! that says how to write it instead. The bad-input vectors (tests/vectors/bad-input-row-*)
//! exercise each of these classes.

use super::{Cidr, Family, addr_bits};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use thiserror::Error;

/// Why a text is not a canonical address or prefix.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum CidrError {
    #[error("empty value")]
    Empty,
    #[error("white space around or inside the value; write it without spaces or line breaks")]
    Whitespace,
    #[error("non-ASCII characters; addresses use ASCII digits only")]
    NonAscii,
    #[error("missing prefix length; write e.g. `{0}/24` (a bare address is not a range)")]
    MissingLength(String),
    #[error(
        "prefix length `{0}` is not a plain decimal number (no sign, no leading zero, no netmask)"
    )]
    BadLength(String),
    #[error("netmask notation `/{0}` is not accepted; write the prefix length, e.g. `/24`")]
    Netmask(String),
    #[error("prefix length {len} is longer than {max}, the width of the address family")]
    LengthOutOfRange { len: String, max: u8 },
    #[error(
        "`{0}` has leading zeros, which some tools read as octal; write each octet without them"
    )]
    LeadingZeros(String),
    #[error(
        "`{0}` is a short, hex or integer IPv4 form; write all four octets in decimal (a.b.c.d)"
    )]
    InetAtonForm(String),
    #[error("`{0}` is not a valid IPv4 or IPv6 address")]
    BadAddress(String),
    #[error("`{0}` carries an IPv6 zone (`%…`); zones are not allowed in ranges")]
    Zone(String),
    #[error(
        "`{0}` writes an IPv4 address inside IPv6 notation; use the plain IPv4 form for IPv4 ranges"
    )]
    EmbeddedIpv4(String),
    #[error(
        "`{0}` is an IPv4-mapped IPv6 address (::ffff:0:0/96); tools disagree on its family, use plain IPv4"
    )]
    Ipv4Mapped(String),
    #[error("`{0}` is a deprecated IPv4-compatible IPv6 address (::/96)")]
    Ipv4Compatible(String),
    #[error("host bits are set; the range starting at the network address is `{canonical}`")]
    HostBits { canonical: String },
}

impl CidrError {
    /// The message for `text`, the value refused: the text quoted, then why.
    pub fn describe(&self, text: &str) -> String {
        format!("{}: {self}", crate::diagnostic::quoted(text))
    }

    /// How to write the value instead, where there is one obvious answer.
    pub fn hint(&self) -> Option<String> {
        match self {
            CidrError::HostBits { canonical } => Some(format!("write `{canonical}`")),
            CidrError::Netmask(_) | CidrError::BadLength(_) => {
                Some("write the prefix length as a plain number, e.g. `10.0.0.0/8`".into())
            }
            CidrError::MissingLength(addr) => {
                Some(format!("write `{addr}/32` for a single address"))
            }
            _ => None,
        }
    }

    /// The diagnostic code this error is reported under.
    pub fn code(&self) -> crate::Code {
        match self {
            CidrError::HostBits { .. } => crate::Code::CidrHostBits,
            _ => crate::Code::CidrSyntax,
        }
    }
}

fn check_text(s: &str) -> Result<(), CidrError> {
    if s.is_empty() {
        return Err(CidrError::Empty);
    }
    if s.chars().any(char::is_whitespace) {
        return Err(CidrError::Whitespace);
    }
    if !s.is_ascii() {
        return Err(CidrError::NonAscii);
    }
    Ok(())
}

/// Parses one address strictly: dotted-quad IPv4 without leading zeros, or IPv6 without a
/// zone, an embedded IPv4 part, or an IPv4-mapped/compatible value.
pub fn parse_addr(s: &str) -> Result<IpAddr, CidrError> {
    check_text(s)?;
    if s.contains(':') {
        parse_v6(s).map(IpAddr::V6)
    } else {
        parse_v4(s).map(IpAddr::V4)
    }
}

fn parse_v4(s: &str) -> Result<Ipv4Addr, CidrError> {
    if let Ok(addr) = s.parse::<Ipv4Addr>() {
        return Ok(addr);
    }
    let parts: Vec<&str> = s.split('.').collect();
    let all_digits = parts
        .iter()
        .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    if parts.len() == 4 && all_digits && parts.iter().any(|p| p.len() > 1 && p.starts_with('0')) {
        return Err(CidrError::LeadingZeros(s.to_owned()));
    }
    let hex = parts
        .iter()
        .any(|p| p.starts_with("0x") || p.starts_with("0X"));
    if hex || (parts.len() < 4 && parts.iter().all(|p| !p.is_empty())) {
        let aton_like = parts.iter().all(|p| {
            let digits = p
                .strip_prefix("0x")
                .or_else(|| p.strip_prefix("0X"))
                .unwrap_or(p);
            !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_hexdigit())
        });
        if aton_like {
            return Err(CidrError::InetAtonForm(s.to_owned()));
        }
    }
    Err(CidrError::BadAddress(s.to_owned()))
}

fn parse_v6(s: &str) -> Result<Ipv6Addr, CidrError> {
    if s.contains('%') {
        return Err(CidrError::Zone(s.to_owned()));
    }
    let addr: Ipv6Addr = s.parse().map_err(|_| CidrError::BadAddress(s.to_owned()))?;
    if s.contains('.') {
        return Err(CidrError::EmbeddedIpv4(s.to_owned()));
    }
    let bits = u128::from(addr);
    if bits >> 32 == 0xffff {
        return Err(CidrError::Ipv4Mapped(s.to_owned()));
    }
    if bits >> 32 == 0 && bits > 1 {
        return Err(CidrError::Ipv4Compatible(s.to_owned()));
    }
    Ok(addr)
}

/// Parses a prefix strictly: `address/length`, the length in plain decimal (no sign, no
/// leading zero, no netmask), host bits zero. IPv6 is accepted in any valid spelling;
/// compare `to_string()` with the input to see whether it was written canonically.
pub fn parse_cidr(s: &str) -> Result<Cidr, CidrError> {
    match parse_plain_v4(s.as_bytes()) {
        Some(cidr) => Ok(cidr),
        None => parse_cidr_in_full(s),
    }
}

/// `parse_cidr` without its fast path.
fn parse_cidr_in_full(s: &str) -> Result<Cidr, CidrError> {
    check_text(s)?;
    let Some((addr_text, len_text)) = s.rsplit_once('/') else {
        return Err(CidrError::MissingLength(s.to_owned()));
    };
    let addr = parse_addr(addr_text)?;
    let family = Family::of(addr);
    let len = parse_len(len_text, family)?;
    let cidr = Cidr::truncate(family, addr_bits(addr), len);
    if cidr.first() != addr_bits(addr) {
        return Err(CidrError::HostBits {
            canonical: cidr.to_string(),
        });
    }
    Ok(cidr)
}

/// The common case in one pass: a canonical IPv4 prefix, `a.b.c.d/n` without leading
/// zeros or host bits; `None` for anything else, which the full parser reads (and names
/// what is wrong with). A full BGP table loads in a third of the time.
fn parse_plain_v4(s: &[u8]) -> Option<Cidr> {
    let mut addr = 0u32;
    let mut i = 0;
    for separator in [b'.', b'.', b'.', b'/'] {
        let start = i;
        let mut octet = 0u32;
        while i < s.len() && i - start < 3 && s[i].is_ascii_digit() {
            octet = octet * 10 + u32::from(s[i] - b'0');
            i += 1;
        }
        let digits = i - start;
        if digits == 0
            || octet > 255
            || (digits > 1 && s[start] == b'0')
            || s.get(i) != Some(&separator)
        {
            return None;
        }
        addr = addr << 8 | octet;
        i += 1;
    }
    let len_text = &s[i..];
    let plain_len = matches!(len_text.len(), 1 | 2)
        && len_text.iter().all(u8::is_ascii_digit)
        && (len_text.len() == 1 || len_text[0] != b'0');
    if !plain_len {
        return None;
    }
    let len = len_text
        .iter()
        .fold(0u32, |n, &b| n * 10 + u32::from(b - b'0'));
    let host_bits = u32::MAX.checked_shr(len).unwrap_or(0);
    if len > 32 || addr & host_bits != 0 {
        return None;
    }
    Some(Cidr::from_masked(Family::V4, u128::from(addr), len as u8))
}

fn parse_len(text: &str, family: Family) -> Result<u8, CidrError> {
    if text.contains('.') || (family == Family::V6 && text.contains(':')) {
        return Err(CidrError::Netmask(text.to_owned()));
    }
    let plain = !text.is_empty()
        && text.len() <= 3
        && text.bytes().all(|b| b.is_ascii_digit())
        && (text == "0" || !text.starts_with('0'));
    if !plain {
        return Err(CidrError::BadLength(text.to_owned()));
    }
    let len: u16 = text
        .parse()
        .map_err(|_| CidrError::BadLength(text.to_owned()))?;
    if len > u16::from(family.width()) {
        return Err(CidrError::LengthOutOfRange {
            len: text.to_owned(),
            max: family.width(),
        });
    }
    Ok(len as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rejects(s: &str) -> CidrError {
        parse_cidr(s).expect_err(s)
    }

    #[test]
    fn accepts_canonical_prefixes_of_both_families() {
        for s in [
            "10.0.0.0/8",
            "0.0.0.0/0",
            "255.255.255.255/32",
            "192.168.255.0/30",
            "fd00::/64",
            "::/0",
            "2001:db8::/32",
            "::1/128",
        ] {
            assert_eq!(parse_cidr(s).unwrap().to_string(), s);
        }
    }

    #[test]
    fn normalises_ipv6_spelling_to_rfc_5952() {
        assert_eq!(
            parse_cidr("FD00:0:0::/64").unwrap().to_string(),
            "fd00::/64"
        );
        assert_eq!(
            parse_cidr("2001:0db8::/32").unwrap().to_string(),
            "2001:db8::/32"
        );
    }

    /// Every class of malformed input that is refused, numbered as the bad-input vectors
    /// (tests/vectors/bad-input-row-*) are.
    #[test]
    fn rejects_every_bad_input_row() {
        // 1, 2: leading zeros, octal/hex/short/integer forms
        assert!(matches!(rejects("010.0.0.0/8"), CidrError::LeadingZeros(_)));
        assert!(matches!(
            parse_addr("010.1.1.1"),
            Err(CidrError::LeadingZeros(_))
        ));
        assert!(matches!(
            parse_addr("0127.0.0.1"),
            Err(CidrError::LeadingZeros(_))
        ));
        assert!(matches!(
            parse_addr("0x0a.0.0.1"),
            Err(CidrError::InetAtonForm(_))
        ));
        assert!(matches!(
            parse_addr("10.1"),
            Err(CidrError::InetAtonForm(_))
        ));
        assert!(matches!(
            parse_addr("167772161"),
            Err(CidrError::InetAtonForm(_))
        ));
        // 3: host bits
        assert_eq!(
            rejects("10.1.1.1/8"),
            CidrError::HostBits {
                canonical: "10.0.0.0/8".into()
            }
        );
        assert_eq!(rejects("192.168.0.5/24").code(), crate::Code::CidrHostBits);
        // 4: leading zeros or signs in the length
        for s in [
            "10.0.0.0/08",
            "10.0.0.0/024",
            "10.0.0.0/0000000008",
            "10.0.0.0/+8",
            "10.0.0.0/-0",
        ] {
            assert!(matches!(rejects(s), CidrError::BadLength(_)), "{s}");
        }
        // 5: netmask / hostmask notation
        for s in [
            "10.0.0.0/255.0.0.0",
            "10.0.0.0/0.255.255.255",
            "10.0.0.0/255.0.255.0",
        ] {
            assert!(matches!(rejects(s), CidrError::Netmask(_)), "{s}");
        }
        // 8: out of range
        assert!(matches!(
            rejects("10.0.0.0/33"),
            CidrError::LengthOutOfRange { .. }
        ));
        assert!(matches!(
            rejects("::/129"),
            CidrError::LengthOutOfRange { .. }
        ));
        assert!(matches!(rejects("10.0.0.0/-1"), CidrError::BadLength(_)));
        // 9, 10: IPv4-mapped and IPv4-compatible IPv6
        assert!(matches!(
            rejects("::ffff:10.0.0.0/104"),
            CidrError::EmbeddedIpv4(_)
        ));
        assert!(matches!(
            rejects("::ffff:a00:0/104"),
            CidrError::Ipv4Mapped(_)
        ));
        assert!(matches!(
            parse_addr("::10.0.0.1"),
            Err(CidrError::EmbeddedIpv4(_))
        ));
        assert!(matches!(
            parse_addr("::a00:1"),
            Err(CidrError::Ipv4Compatible(_))
        ));
        // 11: zones
        assert!(matches!(rejects("fe80::1%eth0/64"), CidrError::Zone(_)));
        assert!(matches!(rejects("fe80::%eth0/64"), CidrError::Zone(_)));
        // 12: `::` standing for no group at all
        assert!(matches!(
            rejects("1:2:3:4:5:6:7::8/128"),
            CidrError::BadAddress(_)
        ));
        assert!(matches!(
            rejects("::1:2:3:4:5:6:7:8/128"),
            CidrError::BadAddress(_)
        ));
        // 14: white space, also a YAML block scalar's trailing newline
        assert_eq!(rejects(" 10.0.0.0/8"), CidrError::Whitespace);
        assert_eq!(rejects("10.0.0.0/8\n"), CidrError::Whitespace);
        // 15: Unicode digits
        assert_eq!(rejects("１０.0.0.0/8"), CidrError::NonAscii);
        assert_eq!(rejects("١٠.0.0.0/8"), CidrError::NonAscii);
        // a missing mask
        assert!(matches!(rejects("10.0.0.0"), CidrError::MissingLength(_)));
        assert_eq!(rejects(""), CidrError::Empty);
    }

    #[test]
    fn every_rejection_has_a_code_and_a_message_a_person_can_act_on() {
        for s in [
            "010.0.0.0/8",
            "10.1.1.1/8",
            "10.0.0.0/255.0.0.0",
            "10.0.0.0",
        ] {
            let e = rejects(s);
            assert!(e.to_string().len() > 20, "{e}");
            assert!(matches!(
                e.code(),
                crate::Code::CidrSyntax | crate::Code::CidrHostBits
            ));
        }
    }

    mod properties {
        use super::super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn canonical_text_round_trips(bits in any::<u128>(), len in 0u8..=128, v4 in any::<bool>()) {
                let family = if v4 { Family::V4 } else { Family::V6 };
                let cidr = Cidr::truncate(family, bits & family.max_bits(), len);
                let text = cidr.to_string();
                match parse_cidr(&text) {
                    Ok(back) => prop_assert_eq!(back, cidr),
                    // Only IPv4-mapped/compatible IPv6 values are refused on purpose.
                    Err(e) => prop_assert!(
                        matches!(e, CidrError::Ipv4Mapped(_) | CidrError::Ipv4Compatible(_) | CidrError::EmbeddedIpv4(_)),
                        "{text}: {e}"
                    ),
                }
            }

            #[test]
            fn address_parser_is_never_laxer_than_std(text in "[0-9a-fA-F.:x%/ ]{0,24}") {
                if let Ok(addr) = parse_addr(&text) {
                    prop_assert_eq!(text.parse::<IpAddr>().ok(), Some(addr));
                }
            }

            /// The fast path reads what the full parser accepts, the same way, and leaves
            /// everything else (leading zeros, host bits, lengths past 32, stray text) to it.
            #[test]
            fn the_fast_path_agrees_with_the_full_parser(
                text in "(0|00|01|[1-9][0-9]{0,3}|256|299)\\.[0-9]{1,3}\\.[0-9]{1,3}\\.(0|[0-9]{1,3})/(0|00|[0-9]{1,3}|3[0-3])x?",
                bits in any::<u32>(),
                len in 0u8..=32,
            ) {
                if let Some(fast) = parse_plain_v4(text.as_bytes()) {
                    prop_assert_eq!(Ok(fast), parse_cidr_in_full(&text), "{}", text);
                }
                let canonical = Cidr::truncate(Family::V4, u128::from(bits), len).to_string();
                prop_assert_eq!(parse_plain_v4(canonical.as_bytes()), Some(parse_cidr_in_full(&canonical).unwrap()));
                prop_assert_eq!(parse_cidr(&text), parse_cidr_in_full(&text), "{}", text);
            }

            #[test]
            fn plain_std_addresses_are_accepted(bits in any::<u32>()) {
                let addr = Ipv4Addr::from(bits);
                prop_assert_eq!(parse_addr(&addr.to_string()), Ok(IpAddr::V4(addr)));
            }

            #[test]
            fn arbitrary_text_never_panics(text in "\\PC{0,40}") {
                let _ = parse_cidr(&text);
                let _ = parse_addr(&text);
            }
        }
    }
}
