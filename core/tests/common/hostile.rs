//! Hostile inputs, shared by the `hostile` tests (expected codes, memory) and the
//! `hostile` benchmark (time): each is a spec text built in code and what must come of it.

use hybridplan::spec::limits::{MAX_LIST_ITEMS, MAX_RANGES, MAX_SPEC_BYTES};

/// One hostile input and the outcome it must have.
pub struct Case {
    pub name: &'static str,
    pub bytes: Vec<u8>,
    /// The code that must be reported, and the JSON pointer it must be at.
    pub code: &'static str,
    pub path: &'static str,
}

const REFERENCE: &str = hybridplan::REFERENCE_SPEC;

fn reference_with(from: &str, to: &str) -> Vec<u8> {
    assert!(
        REFERENCE.contains(from),
        "{from:?} is not in the reference spec"
    );
    REFERENCE.replacen(from, to, 1).into_bytes()
}

/// The reference spec with its one pod vSwitch replaced by `count` of them.
fn pod_vswitches(count: usize, cidr: impl Fn(usize) -> String) -> Vec<u8> {
    let list: Vec<String> = (0..count)
        .map(|i| format!("{{id: vsw-p{i}, cidr: {}}}", cidr(i)))
        .collect();
    reference_with(
        "podVSwitches: [{ id: vsw-pod-h, cidr: 10.10.25.0/24 }]",
        &format!("podVSwitches: [{}]", list.join(", ")),
    )
}

/// A "billion laughs": ten levels of anchors, each aliasing the one before nine times.
fn alias_bomb() -> Vec<u8> {
    let mut text = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for level in 1..10 {
        let aliases = vec![format!("*a{}", level - 1); 9].join(", ");
        text.push_str(&format!("a{level}: &a{level} [{aliases}]\n"));
    }
    text.push_str(REFERENCE);
    text.into_bytes()
}

pub fn cases() -> Vec<Case> {
    let ten_k = |i: usize| format!("10.{}.{}.0/24", 20 + i / 256, i % 256);
    vec![
        Case {
            name: "yaml alias bomb",
            bytes: alias_bomb(),
            code: "spec-invalid",
            path: "",
        },
        Case {
            name: "json nested 100,000 deep",
            bytes: format!("{}1{}", r#"{"a":"#.repeat(100_000), "}".repeat(100_000)).into_bytes(),
            code: "spec-invalid",
            path: "",
        },
        Case {
            name: "yaml flow nested 100,000 deep",
            bytes: format!("a: {}{}", "[".repeat(100_000), "]".repeat(100_000)).into_bytes(),
            code: "spec-invalid",
            path: "",
        },
        Case {
            name: "json nested 40 deep",
            bytes: format!(r#"{{"name": {}1{}}}"#, "[".repeat(40), "]".repeat(40)).into_bytes(),
            code: "spec-invalid",
            path: "/name/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0",
        },
        Case {
            name: "50 MB spec",
            bytes: {
                let mut text = REFERENCE.as_bytes().to_vec();
                text.extend(std::iter::repeat_n(b'#', 50 << 20));
                text
            },
            code: "spec-invalid",
            path: "",
        },
        Case {
            name: "100,000 vSwitches",
            bytes: pod_vswitches(100_000, ten_k),
            code: "spec-invalid",
            path: "",
        },
        Case {
            name: "one list past the limit",
            bytes: pod_vswitches(MAX_LIST_ITEMS + 1, ten_k),
            code: "spec-invalid",
            path: "/cloud/zones/0/podVSwitches",
        },
        Case {
            name: "ranges past the limit, no list too long",
            bytes: {
                let zones: Vec<String> = (0..MAX_RANGES / 900 + 1)
                    .map(|z| {
                        let list: Vec<String> = (0..900)
                            .map(|i| format!("{{id: vsw-z{z}p{i}, cidr: {}}}", ten_k(z * 900 + i)))
                            .collect();
                        format!(
                            "    - {{zone: cn-hangzhou-{z}, nodeVSwitches: [], podVSwitches: [{}]}}\n",
                            list.join(", ")
                        )
                    })
                    .collect();
                reference_with("  zones:\n", &format!("  zones:\n{}", zones.concat()))
            },
            code: "spec-invalid",
            path: "",
        },
        Case {
            name: "1,000 identical vSwitches",
            bytes: pod_vswitches(MAX_LIST_ITEMS, |_| "10.10.25.0/24".into()),
            code: "cidr-overlap",
            path: "/cloud/zones/0/podVSwitches/1/cidr",
        },
        Case {
            name: "IPv4 /0 pod range",
            bytes: reference_with("podCidr: 10.100.0.0/16", "podCidr: 0.0.0.0/0"),
            code: "cidr-overlap",
            path: "/onPrem/podCidr",
        },
        Case {
            name: "IPv4 /0 VPC",
            bytes: reference_with("vpcCidr: 10.0.0.0/8", "vpcCidr: 0.0.0.0/0"),
            code: "vpc-cidr-invalid",
            path: "/cloud/vpcCidr",
        },
        Case {
            name: "IPv6 /0 pods",
            bytes: String::from_utf8(reference_with(
                "podCidr: 10.100.0.0/16",
                "podCidrs: [10.100.0.0/16, \"::/0\"]",
            ))
            .unwrap()
            .replace(
                "nodeCidrs: [192.168.0.0/24]",
                "nodeCidrs: [192.168.0.0/24, \"fd00:10::/64\"]",
            )
            .replace("name: reference", "name: reference\nipFamily: dual")
            .into_bytes(),
            code: "cidr-overlap",
            path: "/onPrem/podCidrs/1",
        },
        Case {
            name: "2^32 nodes",
            bytes: reference_with("nodes: 120", "nodes: 4294967296"),
            code: "spec-invalid",
            path: "/onPrem/nodes",
        },
        Case {
            name: "2^32 - 1 nodes",
            bytes: reference_with("nodes: 120\n  maxNodes: 200", "nodes: 4294967295"),
            code: "pod-cidr-capacity",
            path: "/onPrem/podCidr",
        },
        Case {
            name: "NUL in the name",
            bytes: reference_with("name: reference", r#"name: "ref\0erence""#),
            code: "kubernetes-name-invalid",
            path: "/name",
        },
        Case {
            name: "RTL override in the name",
            bytes: reference_with("name: reference", "name: \"ref\u{202e}ecnerefer\""),
            code: "kubernetes-name-invalid",
            path: "/name",
        },
        Case {
            name: "RTL override in a zone id",
            bytes: reference_with("zone: cn-hangzhou-h", "zone: \"cn-hangzhou-h\u{202e}\""),
            code: "cloud-id-invalid",
            path: "/cloud/zones/0/zone",
        },
        Case {
            name: "NUL in a vSwitch id",
            bytes: reference_with("id: vsw-pod-h", r#"id: "vsw-pod\0-h""#),
            code: "cloud-id-invalid",
            path: "/cloud/zones/0/podVSwitches/0/id",
        },
        Case {
            name: "duplicate keys",
            bytes: reference_with("name: reference", "name: reference\nname: other"),
            code: "spec-invalid",
            path: "/name",
        },
        Case {
            name: "non-UTF-8 bytes",
            bytes: {
                let mut b = REFERENCE.as_bytes().to_vec();
                b.extend_from_slice(b"\n# \xff\xfe\n");
                b
            },
            code: "spec-syntax",
            path: "",
        },
        Case {
            name: "a 1 MB string",
            bytes: reference_with(
                "name: reference",
                &format!("name: {}", "a".repeat(MAX_SPEC_BYTES - 2048)),
            ),
            code: "spec-invalid",
            path: "/name",
        },
    ]
}
