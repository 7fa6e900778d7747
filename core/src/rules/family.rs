//! Rules about address families: an IPv4 cluster has no IPv6 ranges, and a dual-stack one
//! has one IPv6 prefix beside the IPv4 one in each list that docs/spec.md names.

use crate::cidr::Family;
use crate::spec::{HybridCluster, IpFamily, SpecCidr};
use crate::{Code, Diagnostic};

pub(crate) fn check(spec: &HybridCluster, out: &mut Vec<Diagnostic>) {
    let op = &spec.on_prem;
    // (list, needs an IPv4 prefix, needs an IPv6 prefix when dual, first must be IPv4)
    let lists: [(&[SpecCidr], bool, bool, bool); 5] = [
        (&op.node_cidrs, true, false, false),
        (&op.pod_cidrs, true, true, false),
        (&op.service_cidrs, true, true, false),
        (&spec.cloud.vpc_cidrs, true, true, true),
        (&spec.cloud_services.extra_cidrs, false, false, false),
    ];
    for (list, needs_v4, dual_needs_v6, primary_v4) in lists {
        let v4 = list
            .iter()
            .filter(|c| c.cidr.family() == Family::V4)
            .count();
        let v6: Vec<&SpecCidr> = list
            .iter()
            .filter(|c| c.cidr.family() == Family::V6)
            .collect();
        if needs_v4 && v4 == 0 && !list.is_empty() {
            out.push(
                Diagnostic::new(
                    Code::SpecInvalid,
                    &list[0].path,
                    "an IPv4 prefix is required here; IPv6-only clusters are not supported",
                )
                .hint("add the IPv4 prefix first, then the IPv6 one"),
            );
        } else if primary_v4
            && let Some(first) = list.first()
            && first.cidr.family() != Family::V4
        {
            out.push(Diagnostic::new(
                Code::SpecInvalid,
                &first.path,
                "the primary VPC CIDR (the first) must be IPv4",
            ));
        }
        match spec.ip_family {
            IpFamily::Ipv4 => {
                for c in v6 {
                    out.push(ipv4_only(&c.path, &c.cidr.to_string()));
                }
            }
            IpFamily::Dual => {
                if dual_needs_v6 && v6.is_empty() && !list.is_empty() {
                    out.push(
                        Diagnostic::new(
                            Code::SpecInvalid,
                            &list[0].path,
                            "ipFamily is dual, but this list has no IPv6 prefix",
                        )
                        .hint("give the list form with one IPv4 and one IPv6 prefix"),
                    );
                }
                if dual_needs_v6 && v6.len() > 1 {
                    out.push(Diagnostic::new(
                        Code::SpecInvalid,
                        &v6[1].path,
                        "only one IPv6 prefix is taken here",
                    ));
                }
            }
        }
    }
    vswitch_families(spec, out);
    vbr_families(spec, out);
    dc_ipv6(spec, out);
}

/// IPv6 pods of a dual-stack DC are routed like the IPv4 ones: the DC nodes need IPv6
/// addresses and the edge routers an IPv6 next hop, or IPv6 has no path to the cloud.
fn dc_ipv6(spec: &HybridCluster, out: &mut Vec<Diagnostic>) {
    let op = &spec.on_prem;
    for (i, er) in op.edge_routers.iter().enumerate() {
        if let (IpFamily::Ipv4, Some(v6)) = (spec.ip_family, er.ipv6) {
            out.push(ipv4_only(
                &format!("/onPrem/edgeRouters/{i}/ipv6"),
                &v6.to_string(),
            ));
        }
    }
    if spec.ip_family != IpFamily::Dual {
        return;
    }
    let node_v6 = op.node_cidrs.iter().any(|c| c.cidr.family() == Family::V6);
    if !node_v6 && let Some(first) = op.node_cidrs.first() {
        out.push(
            Diagnostic::new(
                Code::DcIpv6Missing,
                &first.path,
                "ipFamily is dual, but the DC nodes have no IPv6 range: IPv6 pod routes have no next hop in the DC",
            )
            .hint("add the DC nodes' IPv6 prefix to nodeCidrs"),
        );
    }
    // IPv6 crosses the VBR only on a BGP peer of its own, over the VBR's IPv6 peering
    // (CreateBgpPeer `IpVersion=IPv6`, which needs the VBR's IPv6 addresses).
    for vbr in spec.interconnect.vbrs.iter().filter(|v| v.ipv6.is_none()) {
        out.push(
            Diagnostic::new(
                Code::DcIpv6Missing,
                &vbr.path,
                format!("ipFamily is dual, but VBR {} has no IPv6 peering: no IPv6 route crosses it, so IPv6 has no path between the DC and the cloud over its circuit", vbr.id),
            )
            .hint("give the VBR's IPv6 peering (localGatewayIpv6, peerGatewayIpv6, peeringSubnetIpv6); the DC edge then peers with it over IPv6 too"),
        );
    }
    for (i, er) in op.edge_routers.iter().enumerate() {
        if er.ipv6.is_none() {
            out.push(
                Diagnostic::new(
                    Code::DcIpv6Missing,
                    format!("/onPrem/edgeRouters/{i}"),
                    format!(
                        "ipFamily is dual, but edge router {} has no IPv6 address: DC nodes have no IPv6 default route and no IPv6 BGP session to it",
                        er.ip
                    ),
                )
                .hint("give the router's address on the DC node network as `ipv6`"),
            );
        }
    }
}

fn ipv4_only(path: &str, what: &str) -> Diagnostic {
    Diagnostic::new(
        Code::SpecInvalid,
        path,
        format!("{what} is IPv6, but ipFamily is ipv4"),
    )
    .hint("set `ipFamily: dual` for a dual-stack cluster, or remove the IPv6 value")
}

fn vswitch_families(spec: &HybridCluster, out: &mut Vec<Diagnostic>) {
    for (zi, zone) in spec.cloud.zones.iter().enumerate() {
        for (key, list) in [
            ("nodeVSwitches", &zone.node_vswitches),
            ("podVSwitches", &zone.pod_vswitches),
        ] {
            for (vi, vsw) in list.iter().enumerate() {
                let base = format!("/cloud/zones/{zi}/{key}/{vi}");
                if vsw.cidr.family() != Family::V4 {
                    out.push(
                        Diagnostic::new(
                            Code::SpecInvalid,
                            format!("{base}/cidr"),
                            format!("vSwitch `cidr` {} must be IPv4", vsw.cidr),
                        )
                        .hint("give the IPv6 range as `ipv6Cidr`"),
                    );
                }
                match (spec.ip_family, vsw.ipv6_cidr) {
                    (IpFamily::Ipv4, Some(v6)) => {
                        out.push(ipv4_only(&format!("{base}/ipv6Cidr"), &v6.to_string()))
                    }
                    (IpFamily::Dual, None) => out.push(
                        Diagnostic::new(
                            Code::SpecInvalid,
                            format!("{base}/ipv6Cidr"),
                            format!("ipFamily is dual, but vSwitch {} has no ipv6Cidr", vsw.id),
                        )
                        .hint("enable IPv6 on the vSwitch and give its /64 as `ipv6Cidr`"),
                    ),
                    (_, Some(v6)) if v6.family() != Family::V6 => out.push(Diagnostic::new(
                        Code::SpecInvalid,
                        format!("{base}/ipv6Cidr"),
                        format!("`ipv6Cidr` {v6} is not IPv6"),
                    )),
                    _ => {}
                }
            }
        }
    }
}

fn vbr_families(spec: &HybridCluster, out: &mut Vec<Diagnostic>) {
    for vbr in &spec.interconnect.vbrs {
        let base = vbr.path.as_str();
        match (&vbr.ipv6, spec.ip_family) {
            (Some(_), IpFamily::Ipv4) => out.push(ipv4_only(
                &format!("{base}/peeringSubnetIpv6"),
                "the VBR IPv6 peering",
            )),
            (Some(v6), _) if v6.peering_subnet.family() != Family::V6 => out.push(Diagnostic::new(
                Code::SpecInvalid,
                format!("{base}/peeringSubnetIpv6"),
                format!("`peeringSubnetIpv6` {} is not IPv6", v6.peering_subnet),
            )),
            _ => {}
        }
        if vbr.peering_subnet.family() != Family::V4 {
            out.push(
                Diagnostic::new(
                    Code::SpecInvalid,
                    format!("{base}/peeringSubnet"),
                    "`peeringSubnet` must be IPv4",
                )
                .hint("give the IPv6 peering as `peeringSubnetIpv6`"),
            );
        }
    }
}
