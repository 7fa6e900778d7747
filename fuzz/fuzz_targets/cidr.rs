//! CIDR and address parsing against `std::net`: whatever we accept, the standard library
//! reads as the same address, and our text form reads back as the same prefix.
#![no_main]
use hybridplan::Cidr;
use libfuzzer_sys::fuzz_target;
use std::net::IpAddr;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(addr) = hybridplan::cidr::parse_addr(text) {
        let std_addr: IpAddr = text
            .parse()
            .unwrap_or_else(|e| panic!("accepted address {text:?}, but std::net refuses it: {e}"));
        assert_eq!(addr, std_addr, "{text:?}");
    }
    let Ok(cidr) = text.parse::<Cidr>() else {
        return;
    };
    let (addr, len) = text
        .split_once('/')
        .expect("an accepted prefix has a slash");
    let std_addr: IpAddr = addr
        .parse()
        .unwrap_or_else(|e| panic!("accepted {text:?}, but std::net refuses {addr:?}: {e}"));
    let bits = match std_addr {
        IpAddr::V4(a) => u128::from(u32::from(a)),
        IpAddr::V6(a) => u128::from(a),
    };
    assert_eq!(
        cidr.first(),
        bits,
        "{text:?}: address differs from std::net"
    );
    assert_eq!(
        u32::from(cidr.len()),
        len.parse::<u32>().expect("length"),
        "{text:?}"
    );
    assert_eq!(
        cidr.family() == hybridplan::Family::V4,
        std_addr.is_ipv4(),
        "{text:?}"
    );
    let again: Cidr = cidr.to_string().parse().expect("canonical text reads back");
    assert_eq!(again, cidr, "{text:?}");
});
