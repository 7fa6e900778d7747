//! The `ipnet` feature: `Cidr` to and from `ipnet::IpNet`, and a `RouteTable` keyed by
//! `ipnet` prefixes and looked up by `std::net` addresses.
//! `cargo test -p hybridplan --features ipnet --test ipnet`.
#![cfg(feature = "ipnet")]

use hybridplan::{Cidr, CidrError, RouteTable};
use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

fn cidr(s: &str) -> Cidr {
    s.parse().unwrap()
}

fn net(s: &str) -> IpNet {
    s.parse().unwrap()
}

#[test]
fn cidr_and_ipnet_convert_both_ways() {
    for s in [
        "10.96.0.0/12",
        "0.0.0.0/0",
        "192.0.2.1/32",
        "fd00::/8",
        "::/0",
        "2001:db8::1/128",
    ] {
        let c = cidr(s);
        let n = IpNet::from(c);
        assert_eq!(n, net(s));
        assert_eq!(n.prefix_len(), c.prefix_len());
        assert_eq!(n.network(), c.network());
        assert_eq!(n.broadcast(), c.broadcast());
        assert_eq!(n.netmask(), c.netmask());
        assert_eq!(n.max_prefix_len(), c.max_prefix_len());
        assert_eq!(Cidr::try_from(n), Ok(c));
    }
    let v4: Ipv4Net = "10.0.0.0/8".parse().unwrap();
    let v6: Ipv6Net = "fd00::/8".parse().unwrap();
    assert_eq!(Cidr::try_from(v4), Ok(cidr("10.0.0.0/8")));
    assert_eq!(Cidr::try_from(v6), Ok(cidr("fd00::/8")));
}

#[test]
fn an_ipnet_with_host_bits_is_refused() {
    assert_eq!(
        Cidr::try_from(net("10.1.2.3/16")),
        Err(CidrError::HostBits {
            canonical: "10.1.0.0/16".into()
        })
    );
    assert!(Cidr::try_from(net("2001:db8::1/64")).is_err());
    assert_eq!(
        Cidr::try_from(net("10.1.2.3/16").trunc()),
        Ok(cidr("10.1.0.0/16"))
    );
}

#[test]
fn a_route_table_takes_ipnet_prefixes_and_std_addresses() {
    let mut table = RouteTable::new();
    assert_eq!(table.insert(net("10.0.0.0/8"), "vpc"), None);
    table.insert("10.100.0.0/16".parse::<Ipv4Net>().unwrap(), "dc-pods");
    table.insert("fd00::/8".parse::<Ipv6Net>().unwrap(), "ula");
    // Host bits are dropped, as `IpNet::trunc` drops them.
    assert_eq!(table.insert(net("10.100.9.9/16"), "pods"), Some("dc-pods"));
    table.insert(cidr("192.168.0.0/16"), "lab");

    let hit = |a: IpAddr| table.lookup(a).map(|(c, v)| (c.to_string(), *v));
    assert_eq!(
        table
            .lookup(Ipv4Addr::new(10, 100, 1, 1))
            .map(|(c, v)| (IpNet::from(c), *v)),
        Some((net("10.100.0.0/16"), "pods"))
    );
    assert_eq!(
        table
            .lookup(Ipv6Addr::new(0xfd00, 0, 0, 0, 0, 0, 0, 1))
            .map(|(_, v)| *v),
        Some("ula")
    );
    assert_eq!(
        hit("10.1.1.1".parse().unwrap()),
        Some(("10.0.0.0/8".into(), "vpc"))
    );
    assert_eq!(table.lookup(Ipv4Addr::new(192, 0, 2, 1)), None);

    assert_eq!(table.get(net("10.0.0.0/8")), Some(&"vpc"));
    let nets = [net("10.0.0.0/8")];
    assert!(nets.iter().all(|n| table.get(n) == Some(&"vpc")));
    assert_eq!(table.get(cidr("10.0.0.0/8")), Some(&"vpc"));
    assert_eq!(table.remove(net("192.168.0.0/16")), Some("lab"));
    assert_eq!(table.len(), 3);

    let built: RouteTable<u32> = [(net("10.0.0.0/8"), 1), (net("10.0.0.0/24"), 2)]
        .into_iter()
        .collect();
    let many = built.lookup_many(&[Ipv4Addr::new(10, 0, 0, 1), Ipv4Addr::new(10, 9, 0, 1)]);
    let values: Vec<Option<u32>> = many.iter().map(|m| m.map(|(_, v)| *v)).collect();
    assert_eq!(values, [Some(2), Some(1)]);
    let routes: Vec<IpNet> = built.iter().map(|(c, _)| c.into()).collect();
    assert_eq!(routes, [net("10.0.0.0/8"), net("10.0.0.0/24")]);
}
