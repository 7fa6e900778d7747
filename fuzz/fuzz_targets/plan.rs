//! `plan` on structurally valid random specs: every key is of the right type, so the
//! planner itself (rules, mode, budget, routing, manifests, connectivity) is what runs.
//! Ranges come from a few bases that overlap and nest, so the interesting diagnostics fire.
#![no_main]
use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use serde_json::{Value, json};

#[derive(Arbitrary, Debug)]
struct Range {
    base: u8,
    len: u8,
    offset: u32,
}

const V4_BASES: [u32; 8] = [
    0x0a00_0000, // 10.0.0.0
    0x0a64_0000, // 10.100.0.0
    0xac10_0000, // 172.16.0.0
    0xc0a8_0000, // 192.168.0.0
    0x6440_0000, // 100.64.0.0
    0x0000_0000, // 0.0.0.0
    0xe000_0000, // 224.0.0.0
    0x0b00_0000, // 11.0.0.0
];

impl Range {
    fn v4(&self) -> String {
        let base = V4_BASES[usize::from(self.base) % V4_BASES.len()];
        let len = u32::from(self.len % 33);
        let bits = base.wrapping_add(self.offset << (32 - len.max(8)).min(24));
        let mask = u32::MAX.checked_shl(32 - len).unwrap_or(0);
        format!("{}/{len}", std::net::Ipv4Addr::from(bits & mask))
    }
    fn v6(&self) -> String {
        let bases: [u128; 3] = [0xfd00 << 112, 0x2001_0db8 << 96, 0];
        let base = bases[usize::from(self.base) % bases.len()];
        let len = u32::from(self.len % 129);
        let bits = base | (u128::from(self.offset) << 64);
        let mask = u128::MAX.checked_shl(128 - len).unwrap_or(0);
        format!("{}/{len}", std::net::Ipv6Addr::from(bits & mask))
    }
    fn addr(&self) -> String {
        let text = self.v4();
        text.split('/').next().unwrap_or_default().to_owned()
    }
}

#[derive(Arbitrary, Debug)]
struct VSwitch {
    cidr: Range,
    ipv6: Option<Range>,
}

#[derive(Arbitrary, Debug)]
struct Zone {
    node_vswitches: Vec<VSwitch>,
    pod_vswitches: Vec<VSwitch>,
}

#[derive(Arbitrary, Debug)]
struct Spec {
    dual: bool,
    high: bool,
    mode: u8,
    dc_nodes: Vec<Range>,
    dc_nodes_v6: Option<Range>,
    dc_pods: Vec<Range>,
    dc_pods_v6: Option<Range>,
    services: Vec<Range>,
    nodes: u32,
    max_nodes: Option<u32>,
    max_pods: Option<u16>,
    block_size: Option<u8>,
    route_reflectors: Option<u8>,
    as_number: Option<u32>,
    edges: Vec<(Range, u32, bool)>,
    vpc: Vec<Range>,
    vpc_v6: Option<Range>,
    zones: Vec<Zone>,
    cloud_nodes: u16,
    security_groups: u8,
    terway: Option<(bool, u16, u16)>,
    vbr: (u16, Range, Range, Range),
    vbr_as: Option<u32>,
    extra: Vec<Range>,
    services_off: (bool, bool, bool),
    region: u8,
}

const MODES: [&str; 6] = [
    "auto",
    "flannel-vxlan",
    "calico-ipip",
    "cilium-vxlan",
    "calico-route-reflector",
    "cilium-bgp",
];
const REGIONS: [&str; 4] = [
    "cn-hangzhou",
    "cn-shanghai",
    "ap-southeast-1",
    "xx-nowhere-9",
];

fn ranges(list: &[Range], dual: Option<&Range>) -> Vec<String> {
    let mut out: Vec<String> = list.iter().take(8).map(Range::v4).collect();
    out.extend(dual.map(Range::v6));
    out
}

fn vswitches(list: &[VSwitch], kind: &str, zone: usize) -> Vec<Value> {
    list.iter()
        .take(4)
        .enumerate()
        .map(|(i, v)| {
            let mut o = json!({ "id": format!("vsw-{kind}-{zone}-{i}"), "cidr": v.cidr.v4() });
            if let Some(r) = &v.ipv6 {
                o["ipv6Cidr"] = json!(r.v6());
            }
            o
        })
        .collect()
}

impl Spec {
    /// An IPv6 range, when the spec is dual stack.
    fn dual<'a>(&self, range: &'a Option<Range>) -> Option<&'a Range> {
        range.as_ref().filter(|_| self.dual)
    }

    fn json(&self) -> Value {
        let mut on_prem = json!({
            "nodeCidrs": ranges(&self.dc_nodes, self.dual(&self.dc_nodes_v6)),
            "podCidrs": ranges(&self.dc_pods, self.dual(&self.dc_pods_v6)),
            "serviceCidrs": ranges(&self.services, None),
            "nodes": self.nodes,
            "edgeRouters": self.edges.iter().take(4).map(|(ip, asn, v6)| {
                let mut e = json!({ "ip": ip.addr(), "asNumber": asn });
                if *v6 && self.dual {
                    e["ipv6"] = json!(format!("fd00::{}", asn % 0xffff + 1));
                }
                e
            }).collect::<Vec<_>>(),
        });
        for (key, value) in [
            ("maxNodes", self.max_nodes.map(|n| json!(n))),
            ("maxPodsPerNode", self.max_pods.map(|n| json!(n))),
            ("calicoBlockSize", self.block_size.map(|n| json!(n % 33))),
            ("routeReflectors", self.route_reflectors.map(|n| json!(n))),
            ("asNumber", self.as_number.map(|n| json!(n))),
        ] {
            if let Some(v) = value {
                on_prem[key] = v;
            }
        }
        let zones: Vec<Value> = self
            .zones
            .iter()
            .take(4)
            .enumerate()
            .map(|(i, z)| {
                json!({
                    "zone": format!("zone-{i}"),
                    "nodeVSwitches": vswitches(&z.node_vswitches, "node", i),
                    "podVSwitches": vswitches(&z.pod_vswitches, "pod", i),
                })
            })
            .collect();
        let mut cloud = json!({
            "region": REGIONS[usize::from(self.region) % REGIONS.len()],
            "vpcCidrs": ranges(&self.vpc, self.dual(&self.vpc_v6)),
            "zones": zones,
            "nodes": self.cloud_nodes,
            "securityGroups": (0..self.security_groups % 12).map(|i| format!("sg-{i}")).collect::<Vec<_>>(),
        });
        if let Some((exclusive, enis, ips)) = self.terway {
            cloud["terway"] = json!({
                "mode": if exclusive { "exclusive-eni" } else { "shared-eni" },
                "enisPerNode": enis % 1001,
                "ipsPerEni": ips % 1001,
            });
        }
        let (vlan, local, peer, subnet) = &self.vbr;
        let mut vbr = json!({
            "id": "vbr-fuzz",
            "vlanId": vlan,
            "localGatewayIp": local.addr(),
            "peerGatewayIp": peer.addr(),
            "peeringSubnet": subnet.v4(),
        });
        if let Some(asn) = self.vbr_as {
            vbr["asNumber"] = json!(asn);
        }
        let (cr, prom, oss) = self.services_off;
        json!({
            "name": "fuzz",
            "ipFamily": if self.dual { "dual" } else { "ipv4" },
            "performance": if self.high { "high" } else { "standard" },
            "mode": MODES[usize::from(self.mode) % MODES.len()],
            "onPrem": on_prem,
            "cloud": cloud,
            "interconnect": { "vbr": vbr, "cen": { "id": "cen-fuzz" } },
            "cloudServices": {
                "containerRegistry": !cr,
                "prometheus": !prom,
                "oss": !oss,
                "extraCidrs": ranges(&self.extra, None),
            },
        })
    }
}

fuzz_target!(|spec: Spec| {
    let text = spec.json().to_string();
    match hybridplan::Plan::from_json(&text) {
        Ok(plan) => {
            // The Terraform renders for any plan, and the same plan renders the same bytes.
            let spec = hybridplan::HybridCluster::from_json(&text).expect("read twice alike");
            let terraform = hybridplan::render::terraform(&spec, &plan);
            assert_eq!(terraform, hybridplan::render::terraform(&spec, &plan));
            let out = serde_json::to_string(&plan).expect("plan to JSON");
            // A plan reads back as itself: nothing in it is lost on the way out.
            let back: hybridplan::Plan = serde_json::from_str(&out).expect("plan from JSON");
            assert_eq!(back, plan);
            // Every check's outcome and path are what trace finds through the plan's own
            // tables, from the same nodes.
            for check in &plan.connectivity {
                let (Ok(src), Ok(dst)) = (check.src.parse(), check.dst.parse()) else {
                    panic!("check addresses {} → {} do not parse", check.src, check.dst);
                };
                let src = hybridplan::Endpoint::on(src, check.src_node);
                let dst = hybridplan::Endpoint {
                    addr: dst,
                    node: check.dst_node,
                };
                let t = hybridplan::trace_endpoints(&plan, src, dst);
                assert_eq!(
                    (t.outcome, t.path()),
                    (check.outcome, check.path.clone()),
                    "{} -> {}: {}\nspec: {text}",
                    check.from,
                    check.to,
                    t.reason
                );
            }
        }
        Err(e) => assert!(
            !e.diagnostics().is_empty(),
            "a refusal without diagnostics: {e}"
        ),
    }
});
