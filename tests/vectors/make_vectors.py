#!/usr/bin/env python3
"""Writes the conformance vectors in this folder: one JSON file per case, each
{name, description, spec, expect: {codes, mode, exit, paths}}.

`spec` is the spec as a JSON object, or a string holding raw spec text (to test what is
not JSON/YAML at all). `expect.codes` is the exact set of diagnostic codes (sorted);
`expect.mode` the selected mode, or null when the spec cannot be planned; `expect.exit`
the CLI exit code; `expect.paths` [code, JSON pointer] pairs that must be among the
diagnostics. The expectations are written here by hand from the rules in docs/ and the
vendors' documentation, never copied from the planner's output.

Run `python3 tests/vectors/make_vectors.py` after changing it; the test command checks
that the committed files match.
"""

import copy
import json
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "fixtures"))
import make_fixtures  # noqa: E402

# The reference scenario (core/data/reference.yaml) as JSON.
REFERENCE = {
    "name": "reference",
    "performance": "high",
    "onPrem": {
        "nodeCidrs": ["192.168.0.0/24"],
        "podCidr": "10.100.0.0/16",
        "serviceCidr": "172.21.0.0/20",
        "nodes": 120,
        "maxNodes": 200,
        "edgeRouters": [{"ip": "192.168.0.1", "asNumber": 65001}],
    },
    "cloud": {
        "region": "cn-hangzhou",
        "vpcCidr": "10.0.0.0/8",
        "zones": [
            {
                "zone": "cn-hangzhou-h",
                "nodeVSwitches": [{"id": "vsw-node-h", "cidr": "10.10.24.0/24"}],
                "podVSwitches": [{"id": "vsw-pod-h", "cidr": "10.10.25.0/24"}],
            }
        ],
        "nodes": 2,
        "maxPodsPerNode": 110,
        "securityGroups": ["sg-hybrid"],
    },
    "interconnect": {
        "vbr": {
            "id": "vbr-hz-1",
            "vlanId": 100,
            "localGatewayIp": "192.168.255.1",
            "peerGatewayIp": "192.168.255.2",
            "peeringSubnet": "192.168.255.0/30",
        },
        "cen": {"id": "cen-hybrid"},
    },
}

def with_(base, **changes):
    """A copy of `base` with `path=value` changes; a path is `a.b.0.c`; value None deletes."""
    s = copy.deepcopy(base)
    for dotted, value in changes.items():
        keys = [int(k) if k.isdigit() else k for k in dotted.split("__")]
        node = s
        for k in keys[:-1]:
            node = node[k]
        if value is None:
            del node[keys[-1]]
        else:
            node[keys[-1]] = value
    return s


# The transit router's VPC connection in two zones, a /29 of its own in each.
TWO_ZONES = [{"zone": "cn-hangzhou-h", "id": "vsw-tr-h", "cidr": "10.10.64.0/29"},
             {"zone": "cn-hangzhou-i", "id": "vsw-tr-i", "cidr": "10.10.64.8/29"}]

# A small, clean overlay cluster: no diagnostic at all. DC pods outside the VPC. The ECS
# nodes run the DC's overlay, so they need no pod vSwitch (Terway's).
CLEAN = with_(
    REFERENCE,
    name="idc-small",
    performance=None,
    onPrem__podCidr="172.20.0.0/16",
    onPrem__nodes=40,
    onPrem__maxNodes=60,
    cloud__zones__0__podVSwitches=None,
    cloud__nodes=10,
    cloud__maxNodes=20,
    cloud__maxPodsPerNode=None,
    cloud__transitRouterVSwitches=TWO_ZONES,
)

# The same cluster routed (performance high): Calico route reflection, Terway on the ECS
# nodes with a /19 pod vSwitch.
ROUTED = with_(CLEAN, performance="high")
ROUTED["cloud"]["zones"][0]["podVSwitches"] = [{"id": "vsw-pod-h", "cidr": "10.10.32.0/19"}]


def dual_stack():
    s = copy.deepcopy(CLEAN)
    s["name"] = "idc-dual"
    s["ipFamily"] = "dual"
    op = s["onPrem"]
    del op["podCidr"], op["serviceCidr"]
    op["podCidrs"] = ["172.20.0.0/16", "fd00:20::/56"]
    op["serviceCidrs"] = ["172.21.0.0/20", "fd00:21::/108"]
    # IPv6 on the DC node network too, so IPv6 pods have a next hop (dc-ipv6-missing).
    op["nodeCidrs"] = ["192.168.0.0/24", "fd00:10::/64"]
    op["edgeRouters"][0]["ipv6"] = "fd00:10::1"
    c = s["cloud"]
    del c["vpcCidr"]
    c["vpcCidrs"] = ["10.0.0.0/8", "2408:4005:300::/56"]
    c["zones"][0]["nodeVSwitches"][0]["ipv6Cidr"] = "2408:4005:300:1::/64"
    s["interconnect"]["vbr"].update(
        {
            "localGatewayIpv6": "2408:4005:3ff::1",
            "peerGatewayIpv6": "2408:4005:3ff::2",
            "peeringSubnetIpv6": "2408:4005:3ff::/126",
        }
    )
    return s


def dual_stack_routed():
    """The dual-stack cluster with Terway's pod vSwitch, for the routed modes."""
    s = dual_stack()
    s["cloud"]["zones"][0]["podVSwitches"] = [
        {"id": "vsw-pod-h", "cidr": "10.10.32.0/19", "ipv6Cidr": "2408:4005:300:2::/64"}
    ]
    return s


def two_edges(base):
    """`base` with a second DC edge router (the first peers with the VBR)."""
    s = copy.deepcopy(base)
    second = {"ip": "192.168.0.2", "asNumber": 65001}
    if "ipv6" in s["onPrem"]["edgeRouters"][0]:
        second["ipv6"] = "fd00:10::2"
    s["onPrem"]["edgeRouters"].append(second)
    return s


def two_circuits(base, redundancy=None):
    """`base` with two Express Connect circuits, each VBR on its own DC edge router."""
    s = two_edges(base)
    first = s["interconnect"].pop("vbr")
    first["edgeRouter"] = s["onPrem"]["edgeRouters"][0]["ip"]
    second = {"id": "vbr-hz-2", "vlanId": 200, "localGatewayIp": "192.168.254.1",
              "peerGatewayIp": "192.168.254.2", "peeringSubnet": "192.168.254.0/30",
              "edgeRouter": s["onPrem"]["edgeRouters"][1]["ip"]}
    if "localGatewayIpv6" in first:
        second.update(localGatewayIpv6="2408:4000:2::1", peerGatewayIpv6="2408:4000:2::2",
                      peeringSubnetIpv6="2408:4000:2::/126")
    s["interconnect"]["vbrs"] = [first, second]
    if redundancy:
        s["interconnect"]["redundancy"] = redundancy
    return s


def large():
    """5,000 DC nodes, the Kubernetes upper bound, in Calico route-reflector mode."""
    return {
        "name": "idc-large",
        "onPrem": {
            "nodeCidrs": ["10.0.0.0/19"],
            "podCidr": "10.16.0.0/12",
            "serviceCidr": "10.32.0.0/16",
            "nodes": 4000,
            "maxNodes": 5000,
            "edgeRouters": [
                {"ip": "10.0.0.1", "asNumber": 65001},
                {"ip": "10.0.0.2", "asNumber": 65001},
            ],
        },
        "cloud": {
            "region": "cn-shanghai",
            "vpcCidr": "172.16.0.0/12",
            "zones": [
                {
                    "zone": "cn-shanghai-b",
                    "nodeVSwitches": [{"id": "vsw-node-b", "cidr": "172.16.0.0/20"}],
                    "podVSwitches": [{"id": "vsw-pod-b", "cidr": "172.17.0.0/16"}],
                },
                {
                    "zone": "cn-shanghai-g",
                    "nodeVSwitches": [{"id": "vsw-node-g", "cidr": "172.16.16.0/20"}],
                    "podVSwitches": [{"id": "vsw-pod-g", "cidr": "172.18.0.0/16"}],
                },
            ],
            "nodes": 200,
            "maxNodes": 400,
            "securityGroups": ["sg-hybrid"],
        },
        "interconnect": {
            "vbr": {
                "id": "vbr-sh-1",
                "vlanId": 200,
                "localGatewayIp": "192.168.255.1",
                "peerGatewayIp": "192.168.255.2",
                "peeringSubnet": "192.168.255.0/30",
            },
            "cen": {"id": "cen-hybrid"},
        },
    }


V = []


def vector(name, description, spec, codes, mode, exit, paths=()):
    """`spec` is a dict (JSON), a str (raw text) or bytes (raw bytes, stored as `specHex`)."""
    raw = isinstance(spec, bytes)
    # The rule of onPrem.cni: a plannable spec that does not give the CNI's version gets
    # the note that a default install is assumed.
    # Calico modes assume the pools too when it does not list them.
    if mode is not None and isinstance(spec, str) and "cni:" not in spec:
        codes = [*codes, "cni-assumed"]
    if mode is not None and isinstance(spec, dict):
        cni = (spec.get("onPrem") or {}).get("cni") or {}
        calico = cni.get("plugin", "calico" if mode.startswith("calico") else "") == "calico"
        if "version" not in cni or (calico and not cni.get("existingPools")):
            codes = [*codes, "cni-assumed"]
    # The rule of transitRouterVSwitches: the transit router's VPC connection wants
    # vSwitches in two zones; without the list, each zone's first node vSwitch serves.
    if mode is not None and isinstance(spec, str) and "transitRouterVSwitches" not in spec \
            and spec.count("zone:") < 2:
        codes = [*codes, "transit-router-zones"]
    if mode is not None and isinstance(spec, dict):
        cloud = spec.get("cloud") or {}
        named = cloud.get("transitRouterVSwitches")
        zones = len(named) if named else sum(1 for z in cloud.get("zones", []) if z.get("nodeVSwitches"))
        if zones < 2:
            codes = [*codes, "transit-router-zones"]
    V.append(
        {
            "name": name,
            "description": description,
            "spec": None if raw else spec,
            **({"specHex": spec.hex()} if raw else {}),
            "expect": {
                "codes": sorted(set(codes)),
                "mode": mode,
                "exit": exit,
                "paths": [list(p) for p in paths],
            },
        }
    )


RR, IPIP = "calico-route-reflector", "calico-ipip"


# ---- scenarios -------------------------------------------------------------------------
vector("scenario-reference", "the reference scenario of the Alibaba hybrid-cluster document: "
       "pod range inside the VPC but in no vSwitch is a warning, not an error",
       REFERENCE, ["pod-cidr-in-vpc"], RR, 0, [("pod-cidr-in-vpc", "/onPrem/podCidr")])
vector("scenario-clean-overlay", "60 DC nodes at standard performance: Calico IPIP, no diagnostic",
       CLEAN, [], IPIP, 0)
vector("scenario-dual-stack", "dual stack: one IPv6 prefix beside each IPv4 one, no diagnostic",
       dual_stack(), [], IPIP, 0)
vector("scenario-large", "5,000 DC nodes in route-reflector mode, two zones",
       large(), [], RR, 0)
vector("scenario-cilium-bgp", "Cilium BGP requested for a 150-node DC",
       with_(ROUTED, mode="cilium-bgp", performance=None, onPrem__maxNodes=150), [], "cilium-bgp", 0)
vector("scenario-flannel", "Flannel VXLAN requested for a small DC",
       with_(CLEAN, mode="flannel-vxlan"), [], "flannel-vxlan", 0)
vector("scenario-cilium-vxlan", "Cilium VXLAN requested for a small DC",
       with_(CLEAN, mode="cilium-vxlan"), [], "cilium-vxlan", 0)
vector("scenario-high-performance", "performance high picks a routed mode even for 60 nodes",
       ROUTED, [], RR, 0)
vector("scenario-overlay-ecs-nodes", "Terway's settings and pod vSwitches for an overlay DC: the ECS "
       "nodes run the overlay instead, and say so",
       with_(CLEAN, cloud__terway={"mode": "shared-eni"},
             cloud__zones__0__podVSwitches=[{"id": "vsw-pod-h", "cidr": "10.10.32.0/19"}]),
       ["field-unused", "vswitch-unused"], IPIP, 0,
       [("field-unused", "/cloud/terway"), ("vswitch-unused", "/cloud/zones/0/podVSwitches")])
vector("scenario-two-edges-route-reflectors", "two DC edge routers beside route reflectors",
       two_edges(REFERENCE), ["pod-cidr-in-vpc"], RR, 0)
vector("scenario-two-edges-full-mesh", "two DC edge routers beside Calico's full mesh (reflectors off)",
       with_(two_edges(ROUTED), onPrem__routeReflectors=0), [], RR, 0)
vector("scenario-two-edges-cilium-bgp", "two DC edge routers beside Cilium BGP",
       with_(two_edges(ROUTED), mode="cilium-bgp"), [], "cilium-bgp", 0)
vector("scenario-two-edges-dual-stack", "two DC edge routers, dual stack, route reflectors",
       with_(two_edges(dual_stack_routed()), name="idc-dual-edges", performance="high"), [], RR, 0)
vector("scenario-two-circuits-active-active", "two circuits, each VBR on its own DC edge, "
       "ECMP over both (Calico route reflection)", two_circuits(ROUTED), [], RR, 0)
vector("scenario-two-circuits-active-standby", "two circuits, the second a standby (AS-path "
       "prepending, local preference)", two_circuits(ROUTED, "active-standby"), [], RR, 0)
vector("scenario-two-circuits-overlay", "two circuits under Calico IPIP: the nodes' default "
       "routes over both edges", two_circuits(CLEAN), [], IPIP, 0)
vector("scenario-two-circuits-dual-stack", "two circuits, dual stack: an IPv6 peer on each VBR",
       with_(two_circuits(dual_stack_routed()), name="idc-dual-circuits", performance="high"),
       [], RR, 0)
vector("scenario-dual-stack-routed", "dual stack in route-reflector mode with named route "
       "reflectors and exclusive-ENI Terway, no diagnostic",
       with_(dual_stack_routed(), name="idc-dual-rr", performance="high", onPrem__nodes=150,
             onPrem__maxNodes=200,
             onPrem__routeReflectorNodes=["dc-rr-1", "dc-rr-2", "dc-rr-3"],
             cloud__terway={"mode": "exclusive-eni", "enisPerNode": 8}),
       [], RR, 0)
vector("scenario-dual-stack-cilium-bgp", "dual stack with Cilium BGP, no diagnostic",
       with_(dual_stack_routed(), name="idc-dual-cilium", mode="cilium-bgp", onPrem__maxNodes=150),
       [], "cilium-bgp", 0)
vector("scenario-yaml-text", "a spec given as YAML text, lists in the single-value forms",
       "name: idc-text\nonPrem:\n  nodeCidr: 192.168.0.0/24\n  podCidr: 172.20.0.0/16\n"
       "  serviceCidr: 172.21.0.0/20\n  nodes: 10\n  edgeRouters: [{ip: 192.168.0.1, asNumber: 65001}]\n"
       "cloud:\n  region: cn-hangzhou\n  vpcCidr: 10.0.0.0/8\n  zones:\n    - zone: cn-hangzhou-h\n"
       "      nodeVSwitches: [{id: vsw-n, cidr: 10.10.24.0/24}]\n"
       "  nodes: 2\n"
       "  securityGroups: [sg-1]\ninterconnect:\n  vbr:\n    id: vbr-1\n    vlanId: 0\n"
       "    localGatewayIp: 192.168.255.1\n    peerGatewayIp: 192.168.255.2\n"
       "    peeringSubnet: 192.168.255.0/30\n  cen: {id: cen-1}\n",
       [], IPIP, 0)

# ---- one vector per diagnostic code ------------------------------------------------------
vector("code-cidr-syntax", "leading zeros in an octet", with_(CLEAN, onPrem__podCidr="010.100.0.0/16"),
       ["cidr-syntax"], None, 1, [("cidr-syntax", "/onPrem/podCidr")])
vector("code-cidr-host-bits", "host bits set: an error, while every other rule still runs on "
       "the prefix it stands for", with_(CLEAN, onPrem__podCidr="172.20.0.1/16"),
       ["cidr-host-bits"], IPIP, 1, [("cidr-host-bits", "/onPrem/podCidr")])
d = dual_stack()
d["onPrem"]["podCidrs"][1] = "FD00:20:0::/56"
vector("code-cidr-normalized", "IPv6 in upper case and uncompressed: accepted, normalised, noted",
       d, ["cidr-normalized"], IPIP, 0, [("cidr-normalized", "/onPrem/podCidrs/1")])
vector("code-cidr-overlap", "service range overlaps the DC pod range",
       with_(CLEAN, onPrem__serviceCidr="172.20.16.0/20"), ["cidr-overlap"], IPIP, 1,
       [("cidr-overlap", "/onPrem/serviceCidr")])
vector("code-reserved-range", "DC pods in link-local space",
       with_(CLEAN, onPrem__podCidr="169.254.0.0/16"), ["reserved-range"], IPIP, 1,
       [("reserved-range", "/onPrem/podCidr")])
vector("code-cloud-service-range", "DC pods in 100.0.0.0/8 outside 100.64.0.0/10",
       with_(CLEAN, onPrem__podCidr="100.200.0.0/16"), ["cloud-service-range"], IPIP, 0,
       [("cloud-service-range", "/onPrem/podCidr")])
vector("code-vpc-cidr-invalid", "VPC /7: larger than /8 and not inside 10.0.0.0/8",
       with_(CLEAN, cloud__vpcCidr="10.0.0.0/7"), ["vpc-cidr-invalid"], IPIP, 1,
       [("vpc-cidr-invalid", "/cloud/vpcCidr")])
vector("code-vswitch-outside-vpc", "pod vSwitch outside the VPC",
       with_(ROUTED, cloud__zones__0__podVSwitches__0__cidr="172.30.0.0/19"),
       ["vswitch-outside-vpc"], RR, 1,
       [("vswitch-outside-vpc", "/cloud/zones/0/podVSwitches/0/cidr")])
vector("code-vswitch-mask", "node vSwitch /30 is below the /29 minimum",
       with_(CLEAN, cloud__zones__0__nodeVSwitches__0__cidr="10.10.24.0/30"),
       ["vswitch-mask"], IPIP, 1, [("vswitch-mask", "/cloud/zones/0/nodeVSwitches/0/cidr")])
vector("code-route-inside-vswitch", "DC node range inside a node vSwitch",
       with_(CLEAN, onPrem__nodeCidrs=["10.10.24.0/25"],
             onPrem__edgeRouters=[{"ip": "10.10.24.1", "asNumber": 65001}]),
       ["route-inside-vswitch"], IPIP, 1, [("route-inside-vswitch", "/onPrem/nodeCidrs/0")])
vector("code-pod-cidr-in-vpc", "DC pods inside the VPC, in no vSwitch",
       with_(CLEAN, onPrem__podCidr="10.100.0.0/16"), ["pod-cidr-in-vpc"], IPIP, 0,
       [("pod-cidr-in-vpc", "/onPrem/podCidr")])
vector("code-dc-range-in-vpc", "DC nodes inside the VPC, in no vSwitch",
       with_(CLEAN, onPrem__nodeCidrs=["10.50.0.0/24"],
             onPrem__edgeRouters=[{"ip": "10.50.0.1", "asNumber": 65001}]),
       ["dc-range-in-vpc"], IPIP, 0, [("dc-range-in-vpc", "/onPrem/nodeCidrs/0")])
vector("code-pod-cidr-capacity", "a /24 holds 4 blocks of /26 = 2 nodes at 110 pods; 60 planned",
       with_(CLEAN, onPrem__podCidr="172.20.0.0/24"), ["pod-cidr-capacity"], IPIP, 1,
       [("pod-cidr-capacity", "/onPrem/podCidr")])
vector("code-vswitch-capacity", "100 ECS nodes x 110 pods do not fit a /19 pod vSwitch (8188 IPs)",
       with_(ROUTED, cloud__maxNodes=100), ["vswitch-capacity"], RR, 1,
       [("vswitch-capacity", "/cloud/zones/0/podVSwitches")])
vector("code-terway-pods-per-node", "(2 - 1) x 6 = 6 pods per node: ACK needs more than 11",
       with_(ROUTED, cloud__terway={"enisPerNode": 2, "ipsPerEni": 6}),
       ["terway-pods-per-node"], RR, 1, [("terway-pods-per-node", "/cloud/terway/enisPerNode")])
vector("code-terway-pods-per-node-exclusive", "exclusive ENI needs more than 6 ENIs",
       with_(ROUTED, cloud__terway={"mode": "exclusive-eni", "enisPerNode": 4}),
       ["terway-pods-per-node"], RR, 1)
vector("code-terway-pods-limit", "250 pods per ECS node asked, ENIs allow 210",
       with_(ROUTED, cloud__maxPodsPerNode=250), ["terway-pods-limit"], RR, 0,
       [("terway-pods-limit", "/cloud/maxPodsPerNode")])
vector("code-security-group-limit", "11 security groups; Terway takes at most 10",
       with_(CLEAN, cloud__securityGroups=[f"sg-{i}" for i in range(11)]),
       ["security-group-limit"], IPIP, 1)
vector("code-calico-block-size", "block size /33 on IPv4",
       with_(CLEAN, onPrem__calicoBlockSize=33), ["calico-block-size"], IPIP, 1,
       [("calico-block-size", "/onPrem/calicoBlockSize")])
vector("code-mesh-too-large", "route reflectors switched off for 150 nodes: a full mesh",
       with_(ROUTED, onPrem__maxNodes=150, onPrem__routeReflectors=0),
       ["mesh-too-large"], RR, 0, [("mesh-too-large", "/onPrem/routeReflectors")])
vector("code-route-reflector-redundancy", "a single route reflector",
       with_(ROUTED, onPrem__routeReflectors=1),
       ["route-reflector-redundancy"], RR, 0)
vector("code-vbr-route-limit", "120 separate DC node /24s: more than the VBR's 110 routes per peer",
       with_(CLEAN, onPrem__nodeCidrs=[f"172.16.{2 * i}.0/24" for i in range(120)],
             onPrem__edgeRouters=[{"ip": "172.16.0.1", "asNumber": 65001}]),
       ["vbr-route-limit"], IPIP, 1, [("vbr-route-limit", "/onPrem/nodeCidrs")])
vector("code-vpc-route-limit", "210 separate DC node /24s: past the VBR's 110 and the VPC route "
       "table's 200 custom entries",
       with_(CLEAN, onPrem__nodeCidrs=[f"172.{16 + i // 128}.{2 * (i % 128)}.0/24" for i in range(210)],
             onPrem__edgeRouters=[{"ip": "172.16.0.1", "asNumber": 65001}]),
       ["vbr-route-limit", "vpc-route-limit"], IPIP, 1,
       [("vbr-route-limit", "/onPrem/nodeCidrs"), ("vpc-route-limit", "/onPrem/nodeCidrs")])
vector("code-vbr-route-limit-summarised", "256 adjacent DC node /24s summarise into one /16: no limit hit",
       with_(CLEAN, onPrem__nodeCidrs=[f"172.16.{i}.0/24" for i in range(256)],
             onPrem__edgeRouters=[{"ip": "172.16.0.1", "asNumber": 65001}]),
       [], IPIP, 0)
vector("code-oss-region-unknown", "a region whose OSS VIP ranges are not recorded",
       with_(CLEAN, cloud__region="cn-zhongwei"), ["oss-region-unknown"], IPIP, 0,
       [("oss-region-unknown", "/cloud/region")])
vector("code-dc-ipv6-missing", "dual stack without an IPv6 DC node range or edge address",
       with_(dual_stack(), onPrem__nodeCidrs=["192.168.0.0/24"],
             onPrem__edgeRouters=[{"ip": "192.168.0.1", "asNumber": 65001}]),
       ["dc-ipv6-missing"], IPIP, 0,
       [("dc-ipv6-missing", "/onPrem/nodeCidrs/0"), ("dc-ipv6-missing", "/onPrem/edgeRouters/0")])
vector("code-spec-invalid-edge-ipv6", "an edge router's `ipv6` given an IPv4 address",
       with_(dual_stack(), onPrem__edgeRouters=[{"ip": "192.168.0.1", "ipv6": "192.168.0.2",
                                                  "asNumber": 65001}]),
       ["spec-invalid"], None, 1, [("spec-invalid", "/onPrem/edgeRouters/0/ipv6")])
vector("code-asn-invalid", "DC AS equals the VBR's AS 45104",
       with_(CLEAN, onPrem__asNumber=45104), ["asn-invalid"], IPIP, 1,
       [("asn-invalid", "/onPrem/asNumber")])
vector("code-asn-invalid-reserved", "edge router uses 65025, reserved by Alibaba Cloud",
       with_(CLEAN, onPrem__edgeRouters=[{"ip": "192.168.0.1", "asNumber": 65025}]),
       ["asn-invalid"], IPIP, 1, [("asn-invalid", "/onPrem/edgeRouters/0/asNumber")])
vector("code-vbr-gateway", "VLAN 3000 is outside 0..2999",
       with_(CLEAN, interconnect__vbr__vlanId=3000), ["vbr-gateway"], IPIP, 1,
       [("vbr-gateway", "/interconnect/vbr/vlanId")])
vector("code-vbr-gateway-equal", "both gateways the same address",
       with_(CLEAN, interconnect__vbr__peerGatewayIp="192.168.255.1"), ["vbr-gateway"], IPIP, 1,
       [("vbr-gateway", "/interconnect/vbr/peerGatewayIp")])
vector("code-vbr-gateway-outside", "DC gateway outside the peering subnet",
       with_(CLEAN, interconnect__vbr__peerGatewayIp="192.168.254.2"), ["vbr-gateway"], IPIP, 1,
       [("vbr-gateway", "/interconnect/vbr/peerGatewayIp")])
vector("code-mode-mismatch", "Flannel requested with performance high",
       with_(CLEAN, mode="flannel-vxlan", performance="high"), ["mode-mismatch"],
       "flannel-vxlan", 0, [("mode-mismatch", "/mode")])
vector("code-spec-invalid", "a typo in a key gets a did-you-mean hint",
       with_(with_(CLEAN, onPrem__podCidr=None), onPrem__podCIRD="172.20.0.0/16"),
       ["spec-invalid"], None, 1, [("spec-invalid", "/onPrem/podCIRD"), ("spec-invalid", "/onPrem/podCidr")])
vector("code-spec-invalid-type", "a quoted number where an integer belongs",
       with_(CLEAN, onPrem__nodes="40"), ["spec-invalid"], None, 1, [("spec-invalid", "/onPrem/nodes")])
vector("code-spec-invalid-missing", "a required section missing",
       with_(CLEAN, interconnect=None), ["spec-invalid"], None, 1, [("spec-invalid", "/interconnect")])
vector("code-spec-invalid-max-nodes", "planned growth below today's node count",
       with_(CLEAN, onPrem__maxNodes=30), ["spec-invalid"], IPIP, 1, [("spec-invalid", "/onPrem/maxNodes")])
vector("code-spec-invalid-duplicate-key", "a key given twice",
       "name: a\nname: b\n", ["spec-invalid"], None, 1, [("spec-invalid", "/name")])
vector("code-field-unused", "route reflectors asked for, but the plan picks an overlay mode",
       with_(CLEAN, onPrem__routeReflectors=2, onPrem__routeReflectorNodes=["dc-rr-1", "dc-rr-2"]),
       ["field-unused"], IPIP, 0,
       [("field-unused", "/onPrem/routeReflectors"), ("field-unused", "/onPrem/routeReflectorNodes")])
vector("code-cloud-id-invalid", "a vSwitch id that is not `vsw-...`",
       with_(CLEAN, cloud__zones__0__nodeVSwitches__0__id="vsw_node_h"), ["cloud-id-invalid"], IPIP, 1,
       [("cloud-id-invalid", "/cloud/zones/0/nodeVSwitches/0/id")])
vector("code-kubernetes-name-invalid", "a name that cannot go into Kubernetes object names",
       with_(CLEAN, name="IDC_small"), ["kubernetes-name-invalid"], IPIP, 1,
       [("kubernetes-name-invalid", "/name")])
vector("every-problem-at-once", "a malformed id, host bits and an overlap: all three reported",
       with_(CLEAN, cloud__zones__0__nodeVSwitches__0__id="node-h", onPrem__podCidr="172.20.0.1/16",
             onPrem__serviceCidr="172.20.16.0/20"),
       ["cloud-id-invalid", "cidr-host-bits", "cidr-overlap"], IPIP, 1,
       [("cloud-id-invalid", "/cloud/zones/0/nodeVSwitches/0/id"), ("cidr-host-bits", "/onPrem/podCidr"),
        ("cidr-overlap", "/onPrem/serviceCidr")])
vector("code-terway-beside-overlay", "Terway forced onto the ECS nodes beside an overlay DC",
       with_(ROUTED, performance=None, cloud__cni="terway"), ["terway-beside-overlay"], IPIP, 1,
       [("terway-beside-overlay", "/cloud/cni")])
vector("code-vswitch-unused", "a pod vSwitch in an overlay, whose ECS nodes run the overlay",
       with_(ROUTED, performance=None), ["vswitch-unused"], IPIP, 0,
       [("vswitch-unused", "/cloud/zones/0/podVSwitches")])
vector("code-dc-ipv6-missing-vbr", "dual stack without the VBR's IPv6 peering: IPv6 cannot cross it",
       with_(dual_stack_routed(), performance="high", interconnect__vbr__localGatewayIpv6=None,
             interconnect__vbr__peerGatewayIpv6=None, interconnect__vbr__peeringSubnetIpv6=None),
       ["dc-ipv6-missing"], RR, 0, [("dc-ipv6-missing", "/interconnect/vbr")])
vector("code-spec-syntax", "text that is not YAML at all", "onPrem: [\n", ["spec-syntax"], None, 2)

# ---- the cluster that exists (onPrem.cni) -------------------------------------------------
POOL = {"name": "default-ipv4-ippool", "cidr": "172.20.0.0/16", "blockSize": 26,
        "ipipMode": "Always", "vxlanMode": "Never", "natOutgoing": True}


def running(base, **cni):
    """`base` whose DC runs the CNI `cni` describes (onPrem.cni)."""
    s = copy.deepcopy(base)
    s["onPrem"]["cni"] = cni
    return s


vector("cni-calico-manifest", "Calico 3.28 from its manifest with the default pool over the pod range: "
       "the plan changes that pool, nothing is assumed",
       running(ROUTED, install="manifest", version="3.28.2", existingPools=[POOL]), [], RR, 0)
vector("cni-calico-operator", "Calico 3.32 by tigera-operator, the default pool of custom-resources.yaml",
       running(ROUTED, install="operator", version="3.32.1",
               existingPools=[dict(POOL, ipipMode="Never", vxlanMode="CrossSubnet")]), [], RR, 0)
vector("cni-plugin-picks-the-mode", "auto mode keeps the CNI that runs: Flannel, an overlay mode fits",
       running(CLEAN, plugin="flannel", version="0.26.7"), [], "flannel-vxlan", 0)
vector("cni-plugin-without-fitting-mode", "the rule asks for a routed mode but Flannel runs: "
       "the plan keeps Flannel and warns",
       running(ROUTED, plugin="flannel", install="helm", version="0.28.9"),
       ["mode-mismatch", "vswitch-unused"], "flannel-vxlan", 0, [("mode-mismatch", "/onPrem/cni/plugin")])
vector("code-cni-version-unsupported", "Calico 3.27: before the operator changes pools",
       running(ROUTED, version="3.27.5", existingPools=[POOL]), ["cni-version-unsupported"], RR, 1,
       [("cni-version-unsupported", "/onPrem/cni/version")])
vector("code-cni-version-unsupported-other-cni", "a Cilium release number where Calico runs",
       running(ROUTED, version="1.19.6", existingPools=[POOL]), ["cni-version-unsupported"], RR, 1,
       [("cni-version-unsupported", "/onPrem/cni/version")])
vector("code-cni-version-newer", "Calico 3.33: newer than the schemas the output was judged against",
       running(ROUTED, version="3.33.0", existingPools=[POOL]), ["cni-version-newer"], RR, 0,
       [("cni-version-newer", "/onPrem/cni/version")])
vector("code-cni-install-unsupported", "Cilium installed by an operator: Cilium is changed through Helm",
       running(with_(CLEAN, mode="cilium-vxlan"), install="operator", version="1.17.3"),
       ["cni-install-unsupported"], "cilium-vxlan", 1, [("cni-install-unsupported", "/onPrem/cni/install")])
vector("code-cni-mismatch", "calico-ipip forced where Flannel runs: the plan does not replace a CNI",
       running(with_(CLEAN, mode="calico-ipip"), plugin="flannel", version="0.26.7"),
       ["cni-mismatch"], IPIP, 1, [("cni-mismatch", "/onPrem/cni/plugin")])
vector("code-pool-migration", "the live pool is another range: its pods move to a new pool",
       running(ROUTED, version="3.30.2", existingPools=[dict(POOL, cidr="172.30.0.0/16")]),
       ["pool-migration"], RR, 0, [("pool-migration", "/onPrem/podCidr")])
vector("code-pool-migration-block-size", "a block size other than the live pool's: through a temporary pool",
       running(with_(ROUTED, onPrem__calicoBlockSize=24), version="3.30.2", existingPools=[POOL]),
       ["pool-migration"], RR, 0, [("pool-migration", "/onPrem/podCidr")])
vector("code-pool-conflict", "the live pool holds the pod range without being it: Calico refuses the new pool",
       running(ROUTED, version="3.30.2", existingPools=[dict(POOL, cidr="172.20.0.0/15")]),
       ["pool-conflict"], RR, 1, [("pool-conflict", "/onPrem/podCidr")])
vector("code-next-hop-self", "Calico 3.28 route reflectors toward an edge in the DC's own AS",
       running(with_(ROUTED, onPrem__asNumber=65001), version="3.28.2", existingPools=[POOL]),
       ["next-hop-self"], RR, 0, [("next-hop-self", "/onPrem/edgeRouters/0/asNumber")])
vector("cni-node-pools", "an ECS node pool with its own pod vSwitch and security group: Terway's dynamic config",
       with_(ROUTED, cloud__nodePools=[{"name": "gpu", "podVSwitches": ["vsw-pod-h"],
                                       "securityGroups": ["sg-gpu"]}]), [], RR, 0)
vector("cloud-transit-router-vswitches", "the transit router's VPC connection named in two zones: a node vSwitch, and a /29 of its own in the second",
       with_(ROUTED, cloud__transitRouterVSwitches=[
           {"zone": "cn-hangzhou-h", "id": "vsw-node-h"},
           {"zone": "cn-hangzhou-i", "id": "vsw-tr-i", "cidr": "10.10.64.8/29"}]), [], RR, 0)
vector("code-vbr-same-edge", "both circuits end on one edge router",
       with_(two_circuits(ROUTED), interconnect__vbrs__1__edgeRouter="192.168.0.1"),
       ["vbr-same-edge"], RR, 0, [("vbr-same-edge", "/interconnect/vbrs/1/edgeRouter")])
vector("code-vbr-edge-unknown", "a VBR's circuit ends on an address no edge router has",
       with_(two_circuits(ROUTED), interconnect__vbrs__1__edgeRouter="192.168.0.9"),
       ["vbr-edge-unknown"], RR, 1, [("vbr-edge-unknown", "/interconnect/vbrs/1/edgeRouter")])
vector("code-failover-without-bfd", "a standby circuit without BFD",
       with_(two_circuits(ROUTED, "active-standby"), interconnect__vbrs__1__bfd=False),
       ["failover-without-bfd"], RR, 0, [("failover-without-bfd", "/interconnect/vbrs/1/bfd")])
vector("code-cidr-overlap-peering", "two circuits' peering subnets overlap",
       with_(two_circuits(ROUTED), interconnect__vbrs__1__peeringSubnet="192.168.255.0/29",
             interconnect__vbrs__1__localGatewayIp="192.168.255.5",
             interconnect__vbrs__1__peerGatewayIp="192.168.255.6"),
       ["cidr-overlap"], RR, 1, [("cidr-overlap", "/interconnect/vbrs/1/peeringSubnet")])
vector("code-spec-invalid-vbr-and-vbrs", "both `vbr` and `vbrs` given",
       with_(two_circuits(ROUTED), interconnect__vbr=REFERENCE["interconnect"]["vbr"]),
       ["spec-invalid"], None, 1, [("spec-invalid", "/interconnect/vbrs")])
vector("code-spec-invalid-vbr-edge-missing", "two VBRs, one without `edgeRouter`",
       with_(two_circuits(ROUTED), interconnect__vbrs__1__edgeRouter=None),
       ["spec-invalid"], RR, 1, [("spec-invalid", "/interconnect/vbrs/1/edgeRouter")])
vector("code-transit-router-zones", "the transit router's VPC connection in one zone only",
       with_(ROUTED, cloud__transitRouterVSwitches=[{"zone": "cn-hangzhou-h", "id": "vsw-node-h"}]),
       ["transit-router-zones"], RR, 0, [("transit-router-zones", "/cloud/transitRouterVSwitches")])
vector("code-transit-router-vswitch-invalid", "a transit router vSwitch named twice in one zone, one without its range",
       with_(ROUTED, cloud__transitRouterVSwitches=[
           {"zone": "cn-hangzhou-h", "id": "vsw-node-h"},
           {"zone": "cn-hangzhou-h", "id": "vsw-tr-h"}]), ["spec-invalid"], None, 1,
       [("spec-invalid", "/cloud/transitRouterVSwitches/1/zone"), ("spec-invalid", "/cloud/transitRouterVSwitches/1")])
vector("code-vswitch-unknown", "a node pool names a pod vSwitch no zone has",
       with_(ROUTED, cloud__nodePools=[{"name": "gpu", "podVSwitches": ["vsw-nope"]}]),
       ["vswitch-unknown"], RR, 1, [("vswitch-unknown", "/cloud/nodePools/0/podVSwitches/0")])

# ---- bad inputs: malformed prefixes, unusable ranges and AS numbers, refused -------------
rows = [
    ("01", "010.0.0.0/16", "cidr-syntax"),
    ("02-octal", "0127.0.0.0/16", "cidr-syntax"),
    ("02-hex", "0x0a.0.0.0/16", "cidr-syntax"),
    ("02-short", "10.1/16", "cidr-syntax"),
    ("02-integer", "167772160/16", "cidr-syntax"),
    ("03", "172.20.1.1/16", "cidr-host-bits"),
    ("04-leading-zero", "172.20.0.0/016", "cidr-syntax"),
    ("04-many-zeros", "172.20.0.0/0000000016", "cidr-syntax"),
    ("04-sign", "172.20.0.0/+16", "cidr-syntax"),
    ("04-minus-zero", "172.20.0.0/-0", "cidr-syntax"),
    ("05-netmask", "172.20.0.0/255.255.0.0", "cidr-syntax"),
    ("05-hostmask", "172.20.0.0/0.0.255.255", "cidr-syntax"),
    ("08-too-long", "172.20.0.0/33", "cidr-syntax"),
    ("08-negative", "172.20.0.0/-1", "cidr-syntax"),
    ("09-mapped-dotted", "::ffff:172.20.0.0/112", "cidr-syntax"),
    ("09-mapped", "::ffff:ac14:0/112", "cidr-syntax"),
    ("10-compatible", "::172.20.0.0/112", "cidr-syntax"),
    ("11-zone", "fe80::%eth0/64", "cidr-syntax"),
    ("12-empty-group", "1:2:3:4:5:6:7::8/128", "cidr-syntax"),
    ("14-leading-space", " 172.20.0.0/16", "cidr-syntax"),
    ("14-trailing-newline", "172.20.0.0/16\n", "cidr-syntax"),
    ("15-unicode-digits", "１７２.20.0.0/16", "cidr-syntax"),
    ("missing-mask", "172.20.0.0", "cidr-syntax"),
]
for row, text, code in rows:
    # A prefix with host bits still stands for one prefix: planned, with the error.
    readable = code == "cidr-host-bits"
    vector(f"bad-input-row-{row}", f"bad input: pod range {text!r} is refused",
           with_(CLEAN, onPrem__podCidr=text), [code], IPIP if readable else None, 1,
           [(code, "/onPrem/podCidr")])
# Row 6: 0.0.0.0/0 as a pool overlaps every reserved range and every other range.
vector("bad-input-row-06", "bad input: 0.0.0.0/0 as the DC pod range",
       with_(CLEAN, onPrem__podCidr="0.0.0.0/0"), ["reserved-range", "cidr-overlap"], IPIP, 1,
       [("reserved-range", "/onPrem/podCidr")])
# Row 7: a /32 pool cannot hold a /26 block.
vector("bad-input-row-07", "bad input: a /32 pool holds no Calico block",
       with_(CLEAN, onPrem__podCidr="172.20.0.0/32"), ["calico-block-size"], IPIP, 1)
# Row 17: block size 0 (Calico reads 0 as "default", we refuse it).
vector("bad-input-row-17", "bad input: Calico block size 0",
       with_(CLEAN, onPrem__calicoBlockSize=0), ["calico-block-size"], IPIP, 1)
# Row 18: pool prefix longer than the block.
vector("bad-input-row-18", "bad input: a /28 pool with /26 blocks",
       with_(CLEAN, onPrem__podCidr="172.20.0.0/28"), ["calico-block-size"], IPIP, 1)
# Row 19: link-local.
vector("bad-input-row-19", "bad input: pods overlapping 169.254.0.0/16",
       with_(CLEAN, onPrem__podCidr="169.254.0.0/16"), ["reserved-range"], IPIP, 1)
# Row 20: CGNAT 100.64.0.0/10 (Alibaba Cloud services), multicast, loopback.
vector("bad-input-row-20-cgnat", "bad input: pods in 100.64.0.0/10",
       with_(CLEAN, onPrem__podCidr="100.64.0.0/16"), ["reserved-range"], IPIP, 1)
vector("bad-input-row-20-multicast", "bad input: services in multicast space",
       with_(CLEAN, onPrem__serviceCidr="224.0.0.0/20"), ["reserved-range"], IPIP, 1)
vector("bad-input-row-20-loopback", "bad input: DC nodes in loopback space",
       with_(CLEAN, onPrem__nodeCidrs=["127.0.0.0/24"],
             onPrem__edgeRouters=[{"ip": "127.0.0.1", "asNumber": 65001}]),
       ["reserved-range"], IPIP, 1)
# Row 21: AS numbers.
vector("bad-input-row-21-zero", "bad input: AS 0", with_(CLEAN, onPrem__asNumber=0),
       ["asn-invalid"], IPIP, 1)
vector("bad-input-row-21-as-trans", "bad input: AS 23456 (AS_TRANS)",
       with_(CLEAN, onPrem__asNumber=23456), ["asn-invalid"], IPIP, 1)
vector("bad-input-row-21-too-large", "bad input: AS 4294967296",
       with_(CLEAN, onPrem__asNumber=4294967296), ["asn-invalid"], None, 1,
       [("asn-invalid", "/onPrem/asNumber")])
vector("bad-input-row-21-string", "bad input: AS number as a string",
       with_(CLEAN, onPrem__asNumber="64512"), ["spec-invalid"], None, 1)
vector("bad-input-row-21-four-byte", "a 4-byte private AS is legal",
       with_(CLEAN, onPrem__asNumber=4200000001), [], IPIP, 0)
# Row 22: an IPv6 /64 pool: sizes in u128, nothing enumerated.
d = dual_stack()
d["onPrem"]["podCidrs"][1] = "fd00:20::/64"
vector("bad-input-row-22", "bad input: an IPv6 /64 pod range is sized, never enumerated",
       d, [], IPIP, 0)
# Row 23: mixed families are handled per family; an IPv6 prefix in an IPv4 cluster is refused.
vector("bad-input-row-23", "bad input: an IPv6 pod prefix with ipFamily ipv4",
       with_(with_(CLEAN, onPrem__podCidr=None), onPrem__podCidrs=["172.20.0.0/16", "fd00:20::/56"]),
       ["spec-invalid"], IPIP, 1, [("spec-invalid", "/onPrem/podCidrs/1")])

# ---- hostile input (limits in core/src/spec/limits.rs); the 50 MB and 100,000-vSwitch
# cases are built in code by core/tests/hostile.rs rather than stored here ------------------
LIMIT = [("spec-invalid", "")]
bomb = "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]\n" for i in range(1, 10))
vector("hostile-yaml-alias-bomb", "a billion laughs: aliases past the limit are refused",
       bomb, ["spec-invalid"], None, 1, LIMIT)
vector("hostile-json-nested-200", "JSON nested 200 deep is refused at the parser",
       '{"a":' * 200 + "1" + "}" * 200, ["spec-invalid"], None, 1, LIMIT)
vector("hostile-yaml-nested-300", "YAML flow lists nested 300 deep are refused at the parser",
       "a: " + "[" * 300 + "]" * 300, ["spec-invalid"], None, 1, LIMIT)
nested = 1
for _ in range(40):
    nested = [nested]
vector("hostile-nested-40", "a value nested 40 deep: refused where it passes 32 levels",
       with_(CLEAN, name=nested), ["spec-invalid"], None, 1,
       [("spec-invalid", "/name" + "/0" * 31)])
many = [{"id": f"vsw-p{i}", "cidr": f"10.{20 + i // 256}.{i % 256}.0/24"} for i in range(1001)]
vector("hostile-list-1001", "a list of 1,001 vSwitches: one past the limit",
       with_(CLEAN, cloud__zones__0__podVSwitches=many), ["spec-invalid"], None, 1,
       [("spec-invalid", "/cloud/zones/0/podVSwitches")])
zones = [{"zone": f"cn-hangzhou-{z}", "nodeVSwitches": [],
          "podVSwitches": [{"id": f"vsw-z{z}p{i}", "cidr": f"10.{20 + (z * 700 + i) // 256}.{(z * 700 + i) % 256}.0/24"}
                           for i in range(700)]} for z in range(3)]
vector("hostile-ranges-2100", "2,100 vSwitches over three zones: past the limit on ranges",
       with_(CLEAN, cloud__zones=zones), ["spec-invalid"], None, 1, LIMIT)
same = [{"id": f"vsw-p{i}", "cidr": "10.10.32.0/19"} for i in range(200)]
vector("hostile-identical-200", "200 identical pod vSwitches: 100 overlaps listed, the rest counted",
       with_(ROUTED, cloud__zones__0__podVSwitches=same), ["cidr-overlap"], RR, 1,
       [("cidr-overlap", f"/cloud/zones/0/podVSwitches/{i}/cidr") for i in range(1, 15)])
vector("hostile-ipv4-pods-zero", "DC pods 0.0.0.0/0: overlaps every other range",
       with_(CLEAN, onPrem__podCidr="0.0.0.0/0"), ["cidr-overlap", "reserved-range"],
       IPIP, 1, [("cidr-overlap", "/onPrem/podCidr")])
d = dual_stack()
d["onPrem"]["podCidrs"][1] = "::/0"
vector("hostile-ipv6-pods-zero", "IPv6 DC pods ::/0: overlaps every other IPv6 range",
       d, ["cidr-overlap", "reserved-range"], IPIP, 1, [("cidr-overlap", "/onPrem/podCidrs/1")])
vector("hostile-nodes-2-32", "2^32 DC nodes: out of range",
       with_(CLEAN, onPrem__nodes=2**32), ["spec-invalid"], None, 1, [("spec-invalid", "/onPrem/nodes")])
vector("hostile-nodes-max", "2^32 - 1 DC nodes: planned (route reflectors, not a mesh); the "
       "pod range cannot hold them",
       with_(ROUTED, onPrem__nodes=2**32 - 1, onPrem__maxNodes=None), ["pod-cidr-capacity"],
       RR, 1, [("pod-cidr-capacity", "/onPrem/podCidr")])
vector("hostile-name-nul", "a NUL in the name: not a DNS label",
       with_(CLEAN, name="idc\u0000small"), ["kubernetes-name-invalid"], IPIP, 1,
       [("kubernetes-name-invalid", "/name")])
vector("hostile-name-rtl", "an RTL override in the name: not a DNS label",
       with_(CLEAN, name="idc\u202esmall"), ["kubernetes-name-invalid"], IPIP, 1,
       [("kubernetes-name-invalid", "/name")])
vector("hostile-zone-rtl", "an RTL override in a zone id",
       with_(CLEAN, cloud__zones__0__zone="cn-hangzhou-h\u202e"), ["cloud-id-invalid"], IPIP, 1,
       [("cloud-id-invalid", "/cloud/zones/0/zone")])
vector("hostile-vswitch-id-newline", "a vSwitch id that would start a new YAML document",
       with_(CLEAN, cloud__zones__0__nodeVSwitches__0__id="vsw-a\n---\nkind: Secret"),
       ["cloud-id-invalid"], IPIP, 1, [("cloud-id-invalid", "/cloud/zones/0/nodeVSwitches/0/id")])
vector("hostile-non-utf8", "bytes that are not UTF-8 text",
       json.dumps(CLEAN).encode() + b"\n\xff\xfe", ["spec-syntax"], None, 2, [("spec-syntax", "")])
vector("hostile-long-string", "a 5,000-byte name: past the string limit",
       with_(CLEAN, name="a" * 5000), ["spec-invalid"], None, 1, [("spec-invalid", "/name")])


# ---- the cluster that exists: import, then plan, then diff -------------------------------
# Each fixture of tests/fixtures (an upstream install plus what a running cluster adds) is
# imported into a base spec that gives what kubectl cannot show (the cloud side, the
# edge routers where the cluster has no BGP peer yet); the plan of the result has no error,
# and the cluster, as installed, is not in the planned state yet (diff exits 1).
LIVE = []
for name, description, _, expect, missing, additions in make_fixtures.fixtures():
    overlay = name.startswith("flannel")
    base = copy.deepcopy(CLEAN if overlay else ROUTED)
    base["name"] = name.replace(".", "-")
    base["onPrem"] = dict(additions)
    base["cloud"]["transitRouterVSwitches"] = TWO_ZONES
    plugin = expect["cni"]["plugin"]
    mode = {"flannel": "flannel-vxlan", "cilium": "cilium-bgp", "calico": RR}[plugin]
    LIVE.append({
        "name": f"live-{name}",
        "description": description,
        "live": name,
        "base": base,
        # A default Flannel install with the cluster's Network is the planned state already.
        # `missingAlone`: what import without the base spec cannot find; with it, nothing.
        "expect": {"onPrem": expect, "missingAlone": missing, "missing": [], "mode": mode,
                   "codes": [], "exit": 0,
                   "diffExit": 0 if overlay else 1},
    })


LIVE.append({
    "name": "live-unreadable-yaml", "description": "kubectl's YAML output: import reads -o json",
    "liveText": "apiVersion: v1\nkind: List\nitems: []\n",
    "expect": {"codes": ["live-unreadable"], "exit": 2},
})
LIVE.append({
    "name": "live-unreadable-not-objects", "description": "JSON that is not Kubernetes objects",
    "liveText": '{"items": [{"name": "dc-1"}]}',
    "expect": {"codes": ["live-unreadable"], "exit": 2},
})


def main():
    check = "--check" in sys.argv
    wanted = {f"{v['name']}.json": json.dumps(v, indent=2, ensure_ascii=False) + "\n" for v in V + LIVE}
    stale = make_fixtures.write(check)
    for name, text in wanted.items():
        path = HERE / name
        if check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(name)
        else:
            path.write_text(text, encoding="utf-8")
    for path in HERE.glob("*.json"):
        if path.name not in wanted:
            stale.append(path.name) if check else path.unlink()
    if check and stale:
        print("vectors out of date (run tests/vectors/make_vectors.py):", *stale, sep="\n  ")
        return 1
    if not check:
        print(f"wrote {len(wanted)} vectors")
    return 0


if __name__ == "__main__":
    sys.exit(main())
