//! Rules about the BGP side of the interconnect: AS numbers and the VBR's gateway
//! addresses and VLAN, and the circuits of a redundant interconnect.

use crate::cidr::{Cidr, Family};
use crate::diagnostic::quoted;
use crate::facts;
use crate::spec::{HybridCluster, Vbr};
use crate::{Code, Diagnostic};
use std::net::IpAddr;

pub(crate) fn check(spec: &HybridCluster, out: &mut Vec<Diagnostic>) {
    asns(spec, out);
    for vbr in &spec.interconnect.vbrs {
        gateways(vbr, out);
    }
    circuits(spec, out);
}

/// Why an AS number can never be used, if it cannot.
fn unusable(asn: u32) -> Option<&'static str> {
    match asn {
        0 => Some("AS 0 is reserved (RFC 7607)"),
        facts::AS_TRANS => Some("AS 23456 is AS_TRANS (RFC 6793), a stand-in, never a real AS"),
        facts::VBR_RESERVED_ASN => Some("AS 65025 is reserved by Alibaba Cloud for the VBR"),
        _ => None,
    }
}

fn asns(spec: &HybridCluster, out: &mut Vec<Diagnostic>) {
    let vbrs = &spec.interconnect.vbrs;
    let dc_path = "/onPrem/asNumber";
    let mut check_one = |asn: u32, path: &str, vs_vbr: bool| {
        if let Some(why) = unusable(asn) {
            out.push(
                Diagnostic::new(Code::AsnInvalid, path, why)
                    .hint("use a private AS number: 64512..=65534 or 4200000000..=4294967294"),
            );
        } else if let Some(vbr) = vbrs.iter().find(|v| vs_vbr && v.as_number == asn) {
            out.push(
                Diagnostic::new(
                    Code::AsnInvalid,
                    path,
                    format!(
                        "AS {asn} is the AS of VBR {} as well: the session to the VBR must be eBGP",
                        vbr.id
                    ),
                )
                .related(format!("{}/asNumber", vbr.path))
                .hint(format!(
                    "pick a private AS other than {asn} (64512..=65534, except 65025)"
                )),
            );
        }
    };
    check_one(spec.on_prem.as_number, dc_path, true);
    for (i, er) in spec.on_prem.edge_routers.iter().enumerate() {
        check_one(
            er.as_number,
            &format!("/onPrem/edgeRouters/{i}/asNumber"),
            true,
        );
    }
    for vbr in vbrs {
        check_one(vbr.as_number, &format!("{}/asNumber", vbr.path), false);
    }
}

/// The circuits of the interconnect: each VBR ends on an edge router that exists, two
/// circuits on one edge router share its failure, and a redundant design finds a failed
/// circuit fast only with BFD (Alibaba's redundancy guides:
/// <https://www.alibabacloud.com/help/en/express-connect/latest/establish-active-or-active-connections-between-a-data-center-and-alibaba-cloud>,
/// <https://www.alibabacloud.com/help/doc-detail/162394.htm>).
fn circuits(spec: &HybridCluster, out: &mut Vec<Diagnostic>) {
    let vbrs = &spec.interconnect.vbrs;
    let mut ends: Vec<(usize, &Vbr)> = Vec::new();
    for (i, vbr) in vbrs.iter().enumerate() {
        if let Some(first) = vbrs[..i].iter().find(|v| v.id == vbr.id) {
            out.push(
                Diagnostic::new(
                    Code::SpecInvalid,
                    format!("{}/id", vbr.path),
                    format!("VBR {} is listed twice", quoted(&vbr.id)),
                )
                .related(format!("{}/id", first.path))
                .hint("each circuit has a VBR of its own: give each its id"),
            );
        }
        match (vbr.edge_router, spec.circuit_edge(vbr)) {
            (None, _) if vbrs.len() > 1 => out.push(
                Diagnostic::new(
                    Code::SpecInvalid,
                    format!("{}/edgeRouter", vbr.path),
                    format!("VBR {} does not say which edge router ends its circuit", vbr.id),
                )
                .hint("with two or more VBRs, give each `edgeRouter`: the `ip` of the onPrem.edgeRouters entry its circuit ends on"),
            ),
            (Some(ip), None) => out.push(
                Diagnostic::new(
                    Code::VbrEdgeUnknown,
                    format!("{}/edgeRouter", vbr.path),
                    format!("VBR {}'s circuit ends on {ip}, which is not the `ip` of any onPrem.edgeRouters entry", vbr.id),
                )
                .related("/onPrem/edgeRouters")
                .hint("name one of the edge routers' `ip`, or add the router that ends this circuit to onPrem.edgeRouters"),
            ),
            (_, Some(edge)) => {
                if let Some((_, other)) = ends.iter().find(|(e, _)| *e == edge) {
                    out.push(
                        Diagnostic::new(
                            Code::VbrSameEdge,
                            format!("{}/edgeRouter", vbr.path),
                            format!(
                                "VBRs {} and {} end on the same edge router {}: one device (or its port) failing takes both circuits down",
                                other.id, vbr.id, spec.on_prem.edge_routers[edge].ip
                            ),
                        )
                        .related(format!("{}/edgeRouter", other.path))
                        .hint("end each circuit on its own edge router (Alibaba's redundancy guides warn against one customer device for both)"),
                    );
                }
                ends.push((edge, vbr));
            }
            (None, None) => {}
        }
    }
    if vbrs.len() > 1 {
        for vbr in vbrs.iter().filter(|v| !v.bfd) {
            out.push(
                Diagnostic::new(
                    Code::FailoverWithoutBfd,
                    format!("{}/bfd", vbr.path),
                    format!(
                        "VBR {}'s BGP peer runs without BFD in a redundant ({}) design: a circuit that fails without its link going down is found only when the BGP hold time expires, and traffic is lost until then",
                        vbr.id,
                        spec.interconnect.redundancy.as_str()
                    ),
                )
                .hint("enable BFD on both circuits (`bfd: true`, the default): the VBR and the DC edge then find a failed circuit in about a second"),
            );
        }
    }
}

fn gateways(vbr: &Vbr, out: &mut Vec<Diagnostic>) {
    let (lo, hi) = facts::VBR_VLAN_RANGE;
    let base = vbr.path.as_str();
    if !(lo..=hi).contains(&vbr.vlan_id) {
        out.push(
            Diagnostic::new(
                Code::VbrGateway,
                format!("{base}/vlanId"),
                format!("VLAN {} is outside {lo}..={hi}", vbr.vlan_id),
            )
            .hint("use the VLAN agreed for this VBR on the Express Connect circuit"),
        );
    }
    check_pair(
        vbr.local_gateway_ip,
        vbr.peer_gateway_ip,
        vbr.peering_subnet,
        [
            format!("{base}/localGatewayIp"),
            format!("{base}/peerGatewayIp"),
            format!("{base}/peeringSubnet"),
        ],
        out,
    );
    if let Some(v6) = &vbr.ipv6 {
        check_pair(
            v6.local_gateway_ip,
            v6.peer_gateway_ip,
            v6.peering_subnet,
            [
                format!("{base}/localGatewayIpv6"),
                format!("{base}/peerGatewayIpv6"),
                format!("{base}/peeringSubnetIpv6"),
            ],
            out,
        );
    }
}

/// The gateway pair of one family: distinct, inside the peering subnet, and not its
/// network or broadcast address.
fn check_pair(
    local: IpAddr,
    peer: IpAddr,
    subnet: Cidr,
    [local_path, peer_path, subnet_path]: [String; 3],
    out: &mut Vec<Diagnostic>,
) {
    if local == peer {
        out.push(
            Diagnostic::new(
                Code::VbrGateway,
                &peer_path,
                format!("the DC-side gateway {peer} equals the Alibaba-side gateway"),
            )
            .related(&local_path)
            .hint(format!("give each side its own address in {subnet}")),
        );
    }
    for (ip, path, side) in [
        (local, &local_path, "Alibaba-side"),
        (peer, &peer_path, "DC-side"),
    ] {
        if !subnet.contains_addr(ip) {
            out.push(
                Diagnostic::new(
                    Code::VbrGateway,
                    path,
                    format!("the {side} gateway {ip} is outside the peering subnet {subnet}"),
                )
                .related(&subnet_path)
                .hint(format!("both gateways must be addresses of {subnet}")),
            );
        } else if subnet.family() == Family::V4 && subnet.prefix_len() <= 30 {
            let edge = if Some(ip) == subnet.nth(0) {
                Some("network")
            } else if crate::cidr::addr_bits(ip) == subnet.last() {
                Some("broadcast")
            } else {
                None
            };
            if let Some(edge) = edge {
                out.push(
                    Diagnostic::new(
                        Code::VbrGateway,
                        path,
                        format!("the {side} gateway {ip} is the {edge} address of {subnet}"),
                    )
                    .related(&subnet_path)
                    .hint("use a host address of the subnet (in a /30: .1 and .2)"),
                );
            }
        }
    }
}
