//! Rules about the BGP side of the interconnect: AS numbers and the VBR's gateway
//! addresses and VLAN.

use crate::cidr::{Cidr, Family};
use crate::facts;
use crate::spec::HybridCluster;
use crate::{Code, Diagnostic};
use std::net::IpAddr;

pub(crate) fn check(spec: &HybridCluster, out: &mut Vec<Diagnostic>) {
    asns(spec, out);
    gateways(spec, out);
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
    let vbr_asn = spec.interconnect.vbr.as_number;
    let vbr_path = "/interconnect/vbr/asNumber";
    let dc_path = "/onPrem/asNumber";
    let mut check_one = |asn: u32, path: &str, vs_vbr: bool| {
        if let Some(why) = unusable(asn) {
            out.push(
                Diagnostic::new(Code::AsnInvalid, path, why)
                    .hint("use a private AS number: 64512..=65534 or 4200000000..=4294967294"),
            );
        } else if vs_vbr && asn == vbr_asn {
            out.push(
                Diagnostic::new(
                    Code::AsnInvalid,
                    path,
                    format!(
                        "AS {asn} is the VBR's AS as well: the session to the VBR must be eBGP"
                    ),
                )
                .related(vbr_path)
                .hint(format!(
                    "pick a private AS other than {vbr_asn} (64512..=65534, except 65025)"
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
    check_one(vbr_asn, vbr_path, false);
}

fn gateways(spec: &HybridCluster, out: &mut Vec<Diagnostic>) {
    let vbr = &spec.interconnect.vbr;
    let (lo, hi) = facts::VBR_VLAN_RANGE;
    if !(lo..=hi).contains(&vbr.vlan_id) {
        out.push(
            Diagnostic::new(
                Code::VbrGateway,
                "/interconnect/vbr/vlanId",
                format!("VLAN {} is outside {lo}..={hi}", vbr.vlan_id),
            )
            .hint("use the VLAN agreed for this VBR on the Express Connect circuit"),
        );
    }
    let base = "/interconnect/vbr";
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
