"""Types of the spec, the plan and a trace, generated from the Rust types
(`python3 scripts/python_types.py`; do not edit). `plan()` returns a `Plan`,
`trace()` a `Trace`; a spec may be written as a `HybridClusterSpec`."""

from typing import Any, Literal, Optional, TypedDict


CloudServicesSpec = TypedDict("CloudServicesSpec", {
    "containerRegistry": bool,
    "prometheus": bool,
    "oss": bool,
    "extraCidr": str,
    "extraCidrs": list[str],
}, total=False)


# An ECS node pool with Terway settings of its own.
_NodePoolSpecRequired = TypedDict("_NodePoolSpecRequired", {
    "name": str,
})


class NodePoolSpec(_NodePoolSpecRequired, total=False):
    securityGroups: list[str]
    podVSwitches: list[str]


TerwaySpec = TypedDict("TerwaySpec", {
    "mode": Literal["shared-eni", "exclusive-eni"],
    "enisPerNode": int,
    "ipsPerEni": int,
}, total=False)


# A vSwitch of the transit router's VPC connection: one per zone, each with a free
# address.
_TransitRouterVSwitchSpecRequired = TypedDict("_TransitRouterVSwitchSpecRequired", {
    "zone": str,
    "id": str,
})


class TransitRouterVSwitchSpec(_TransitRouterVSwitchSpecRequired, total=False):
    # Needed unless `id` names a vSwitch of `zones`.
    cidr: str


_VSwitchSpecRequired = TypedDict("_VSwitchSpecRequired", {
    "id": str,
    "cidr": str,
})


class VSwitchSpec(_VSwitchSpecRequired, total=False):
    ipv6Cidr: str


_ZoneSpecRequired = TypedDict("_ZoneSpecRequired", {
    "zone": str,
    "nodeVSwitches": list[VSwitchSpec],
})


class ZoneSpec(_ZoneSpecRequired, total=False):
    podVSwitches: list[VSwitchSpec]


# The Alibaba Cloud side.
_CloudSpecRequired = TypedDict("_CloudSpecRequired", {
    "region": str,
    "zones": list[ZoneSpec],
    "nodes": int,
    "securityGroups": list[str],
})


class CloudSpec(_CloudSpecRequired, total=False):
    vpcCidr: str
    vpcCidrs: list[str]
    maxNodes: int
    maxPodsPerNode: int
    cni: Literal["auto", "terway"]
    terway: TerwaySpec
    nodePools: list[NodePoolSpec]
    transitRouterVSwitches: list[TransitRouterVSwitchSpec]


CenSpec = TypedDict("CenSpec", {
    "id": str,
})


# How the circuits of a redundant interconnect carry traffic (Alibaba Cloud's designs:
# <https://www.alibabacloud.com/help/en/express-connect/latest/establish-active-or-active-connections-between-a-data-center-and-alibaba-cloud>,
# <https://www.alibabacloud.com/help/doc-detail/162394.htm>).
Redundancy = Literal["active-active", "active-standby"]


_VbrSpecRequired = TypedDict("_VbrSpecRequired", {
    "id": str,
    "vlanId": int,
    "localGatewayIp": str,
    "peerGatewayIp": str,
    "peeringSubnet": str,
})


class VbrSpec(_VbrSpecRequired, total=False):
    localGatewayIpv6: str
    peerGatewayIpv6: str
    peeringSubnetIpv6: str
    asNumber: int
    # The `ip` of the edge router that ends the circuit.
    edgeRouter: str
    # BFD on the VBR's BGP peer (default true).
    bfd: bool


_InterconnectSpecRequired = TypedDict("_InterconnectSpecRequired", {
    "cen": CenSpec,
})


class InterconnectSpec(_InterconnectSpecRequired, total=False):
    # One circuit's VBR (or `vbrs` for two or more).
    vbr: VbrSpec
    # The VBRs of two or more circuits, each with `edgeRouter`.
    vbrs: list[VbrSpec]
    # `active-active` (default) or `active-standby`.
    redundancy: Redundancy


# A BGP peering the cluster has with an edge router: the Calico BGPPeer (or Cilium's
# CiliumBGPClusterConfig) that holds it.
ExistingPeerSpec = TypedDict("ExistingPeerSpec", {
    "name": str,
    "peerIP": str,
    "asNumber": int,
})


# A Calico IP pool the cluster has.
_ExistingPoolSpecRequired = TypedDict("_ExistingPoolSpecRequired", {
    "name": str,
    "cidr": str,
})


class ExistingPoolSpec(_ExistingPoolSpecRequired, total=False):
    blockSize: int
    ipipMode: Literal["Always", "CrossSubnet", "Never"]
    vxlanMode: Literal["Always", "CrossSubnet", "Never"]
    natOutgoing: bool
    nodeSelector: str
    disabled: bool


# The CNI the registered cluster runs today.
DcCniSpec = TypedDict("DcCniSpec", {
    "plugin": Literal["calico", "cilium", "flannel"],
    "install": Literal["manifest", "operator", "helm"],
    # The running release, as its image tags show it (`"3.28.2"`).
    "version": str,
    "existingPools": list[ExistingPoolSpec],
    "existingPeers": list[ExistingPeerSpec],
}, total=False)


_EdgeRouterSpecRequired = TypedDict("_EdgeRouterSpecRequired", {
    "ip": str,
    "asNumber": int,
})


class EdgeRouterSpec(_EdgeRouterSpecRequired, total=False):
    ipv6: str


# The data center.
_OnPremSpecRequired = TypedDict("_OnPremSpecRequired", {
    "nodes": int,
    "edgeRouters": list[EdgeRouterSpec],
})


class OnPremSpec(_OnPremSpecRequired, total=False):
    nodeCidr: str
    nodeCidrs: list[str]
    podCidr: str
    podCidrs: list[str]
    serviceCidr: str
    serviceCidrs: list[str]
    maxNodes: int
    maxPodsPerNode: int
    asNumber: int
    calicoBlockSize: int
    calicoBlockSizeV6: int
    routeReflectors: int
    routeReflectorNodes: list[str]
    nodeCidrMaskSize: int
    nodeCidrMaskSizeV6: int
    cni: DcCniSpec


# A hybrid cluster spec (docs/spec.md). Lists have a single-value form (`podCidr`) beside
# the list form (`podCidrs`); give one of them.
_HybridClusterSpecRequired = TypedDict("_HybridClusterSpecRequired", {
    "onPrem": OnPremSpec,
    "cloud": CloudSpec,
    "interconnect": InterconnectSpec,
})


class HybridClusterSpec(_HybridClusterSpecRequired, total=False):
    name: str
    ipFamily: Literal["ipv4", "dual"]
    performance: Literal["standard", "high"]
    mode: Literal["auto", "flannel-vxlan", "calico-ipip", "cilium-vxlan", "calico-route-reflector", "cilium-bgp"]
    cloudServices: CloudServicesSpec


# How Terway gives pods their addresses.
TerwayMode = Literal["shared-eni", "exclusive-eni"]


# An exact count of addresses or nodes, written in JSON as a decimal string: it may pass
# 2^53 (IPv6 sizes), which JavaScript numbers would round.
Count = str


# One zone's pod vSwitch addresses against the cloud pods planned in it.
ZoneBudget = TypedDict("ZoneBudget", {
    # The zone id (`cn-hangzhou-h`).
    "zone": str,
    # JSON Pointer of the zone in the spec.
    "path": str,
    # Usable addresses of the zone's IPv4 pod vSwitches (size − 4 each).
    "podVswitchAddresses": Count,
    # Cloud pods planned in the zone (spread evenly over the zones).
    "podsPlanned": int,
    # Addresses left once the planned pods have theirs (negative: short by that many).
    "headroom": Count,
})


# Terway's pods on the ECS nodes against the zones' pod vSwitches.
CloudPodBudget = TypedDict("CloudPodBudget", {
    # The Terway mode the ECS nodes run.
    "terwayMode": TerwayMode,
    # Pods one ECS node can hold, from its ENIs.
    "podsPerNodeLimit": int,
    # Pods planned per ECS node.
    "podsPerNode": int,
    # ECS nodes planned.
    "nodesPlanned": int,
    # Cloud pods planned: nodes times pods per node.
    "podsPlanned": int,
    # Each zone's pod vSwitches against its share of the pods.
    "zones": list[ZoneBudget],
})


# A canonical IP prefix: the host bits are always zero, so equal prefixes compare equal
# and print the same (RFC 5952 for IPv6). Orders by family, then address, then length.
Cidr = str


# Address family. `V4` sorts before `V6`.
Family = Literal["ipv4", "ipv6"]


# How a DC pod range is handed to nodes.
UnitKind = Literal["calico-block", "node-subnet"]


# The DC pod ranges of one family against the nodes that take addresses from them.
PodRangeBudget = TypedDict("PodRangeBudget", {
    # The address family.
    "family": Family,
    # The pod ranges of that family.
    "cidrs": list[Cidr],
    # How the ranges are handed to nodes.
    "unit": UnitKind,
    # Prefix length of one unit (Calico block size, or the per-node subnet).
    "unitPrefixLength": int,
    # Addresses in one unit.
    "addressesPerUnit": Count,
    # Addresses each node needs: its pods, plus a tunnel address in Calico IPIP (the
    # larger of a DC node's and an ECS node's where both take from the range).
    "addressesPerNode": int,
    # Units each node takes.
    "unitsPerNode": int,
    # Units the ranges hold.
    "units": Count,
    # Nodes the ranges can hold.
    "nodesSupported": Count,
    # Nodes that take addresses from the range: the DC nodes, and the ECS nodes where they
    # run the DC's overlay.
    "nodesPlanned": int,
    # DC nodes planned (the larger of today's count and the planned growth).
    "dcNodesPlanned": int,
    # ECS nodes planned that take addresses from the range (0 unless they run the DC's
    # overlay).
    "cloudNodesPlanned": int,
    # Who hands the units to nodes, with the settings the plan relies on.
    "allocatedBy": str,
    # Nodes the range can hold beyond the plan (negative: short by that many).
    "headroomNodes": Count,
})


# What a range of the spec is for.
Role = Literal["dc-nodes", "dc-pods", "services", "vpc", "node-vswitch", "pod-vswitch", "transit-router-vswitch", "vbr-peering", "cloud-service-extra", "live-pool", "temporary-pool"]


# One range of the spec with its size.
RangeBudget = TypedDict("RangeBudget", {
    # What the range is for.
    "role": Role,
    # The range.
    "cidr": Cidr,
    # JSON Pointer of the spec field that gives it; empty for a range the plan adds.
    "path": str,
    # The vSwitch or VBR id, where the range has one.
    "id": Optional[str],
    # Addresses in the range.
    "addresses": Count,
    # Addresses that can be handed out (vSwitches keep 4).
    "usable": Count,
})


# A replacement or additional range for one that is too small.
Suggestion = TypedDict("Suggestion", {
    # The field the suggestion replaces or adds to.
    "path": str,
    # Why: what the range is short of.
    "reason": str,
    # The longest prefix length that would be large enough.
    "minimumPrefixLength": int,
    # A free range of that length, clashing with nothing in the spec, if one was found.
    "cidr": Optional[Cidr],
})


# The address budget: every range with its size, the DC pod ranges against the nodes they
# must hold, the cloud pods against the pod vSwitches, and replacement ranges.
Addressing = TypedDict("Addressing", {
    # Every range of the spec with its size.
    "ranges": list[RangeBudget],
    # DC pod ranges per family against the DC nodes they must hold.
    "dcPods": list[PodRangeBudget],
    # Terway pods per ECS node and each zone's pod vSwitch addresses; absent where the ECS
    # nodes run the DC's overlay (their pods then count in `dcPods`).
    "cloudPods": Optional[CloudPodBudget],
    # Replacement ranges for those that are too small.
    "suggestions": list[Suggestion],
})


# One field of one live object that the plan changes.
Change = TypedDict("Change", {
    # The object, as `Kind namespace/name` (`IPPool default-ipv4-ippool`, `DaemonSet
    # kube-system/calico-node`).
    "object": str,
    # The field, as a dotted path in the object (`spec.ipipMode`); empty for the whole
    # object (created or deleted).
    "field": str,
    # Today's value; `null`: not set, or the object does not exist yet.
    "before": Optional[str],
    # The planned value; `null`: removed.
    "after": Optional[str],
    # Where today's value comes from: a spec pointer (`/onPrem/cni/existingPools/0`), or
    # the default install the plan assumes.
    "knownFrom": str,
    # Why the change, and why at this point of the rollout.
    "why": str,
    # The manifest file that makes it, or the step that does.
    "by": str,
})


Device = str


# How a trace ended.
Outcome = Literal["delivered", "no-route", "loop", "unknown-source", "ambiguous"]


# A check to run after rollout: a probe from one place to another and what must happen.
Check = TypedDict("Check", {
    # What the probe starts from, in words.
    "from": str,
    # What it reaches, in words.
    "to": str,
    # The source address.
    "src": str,
    # The destination address.
    "dst": str,
    # The node the source runs on (a pod address of an overlay may be on either side).
    "srcNode": Device,
    # The node the destination runs on, where it is a node or a pod.
    "dstNode": Optional[Device],
    # Devices the packet passes, in order, as `trace` finds them.
    "path": list[Device],
    # What the operator should see.
    "expect": str,
    # What `trace` finds through this plan: `delivered`, or how the packet is meant to
    # fail (`no-route`).
    "outcome": Outcome,
    # How to probe it.
    "probe": str,
    # The devices down for this check (a failover check: what must still reply with a
    # circuit down); empty for the checks of the whole network.
    "failed": list[Device],
})


# Stable diagnostic codes (docs/diagnostics.md). New codes may be added; none is ever
# renamed. Each code has one severity.
Code = Literal["cidr-syntax", "cidr-host-bits", "cidr-normalized", "cidr-overlap", "reserved-range", "cloud-service-range", "vpc-cidr-invalid", "vswitch-outside-vpc", "vswitch-mask", "route-inside-vswitch", "pod-cidr-in-vpc", "dc-range-in-vpc", "pod-cidr-capacity", "vswitch-capacity", "terway-pods-per-node", "terway-pods-limit", "security-group-limit", "calico-block-size", "mesh-too-large", "route-reflector-redundancy", "vbr-route-limit", "vpc-route-limit", "oss-region-unknown", "dc-ipv6-missing", "asn-invalid", "vbr-gateway", "mode-mismatch", "field-unused", "cloud-id-invalid", "kubernetes-name-invalid", "terway-beside-overlay", "vswitch-unused", "cni-assumed", "cni-version-unsupported", "cni-version-newer", "cni-install-unsupported", "cni-mismatch", "pool-migration", "pool-conflict", "next-hop-self", "vswitch-unknown", "transit-router-zones", "vbr-edge-unknown", "vbr-same-edge", "failover-without-bfd", "live-unreadable", "spec-invalid", "spec-syntax"]


# How bad a diagnostic is. Each code has one severity.
Severity = Literal["error", "warning", "info"]


# One problem found in a spec.
Diagnostic = TypedDict("Diagnostic", {
    # The stable code: what kind of problem.
    "code": Code,
    # How bad it is: always the severity of its code.
    "severity": Severity,
    # What is wrong, in words.
    "message": str,
    # JSON Pointer of the offending field (`/onPrem/podCidr`); empty for the whole spec.
    "path": str,
    # JSON Pointers of the other fields involved (an overlap names both sides).
    "related": list[str],
    # What to do about it, where the planner can tell.
    "hint": Optional[str],
})


# One end of a flow: what it is (`dc-nodes`, `ecs-nodes`, `dc-pods`, `cloud-pods`,
# `dc-edge`, `vbr`, `vpc`) and its addresses.
FlowEnd = TypedDict("FlowEnd", {
    # What it is (`dc-nodes`).
    "name": str,
    # Its addresses.
    "cidrs": list[Cidr],
})


# The protocol of a flow.
Protocol = Literal["tcp", "udp", "ipip", "icmp", "all"]


# One flow: packets of `protocol` (to `port`, where it has ports) from `from` to `to`.
Flow = TypedDict("Flow", {
    # The IP protocol.
    "protocol": Protocol,
    # The destination port; absent for protocols without ports and for every port.
    "port": Optional[int],
    # Where the packets come from.
    "from": FlowEnd,
    # Where they go.
    "to": FlowEnd,
    # What needs the flow.
    "why": str,
})


# A CNI plugin.
Cni = Literal["calico", "flannel", "cilium", "terway"]


# The CNI the plan changes.
InstalledCni = TypedDict("InstalledCni", {
    # The plugin.
    "plugin": Cni,
    # `manifest`, `operator` or `helm`: how the plan changes it.
    "install": Literal["manifest", "operator", "helm"],
    # The release the emitted fields exist in (`3.28.2`).
    "version": str,
    # The spec does not say (`onPrem.cni`, or its `version`): a default install of the
    # newest supported release is assumed.
    "assumed": bool,
})


# One file to apply: multi-document YAML for `kubectl` or `calicoctl`, or a Helm values
# file.
Manifest = TypedDict("Manifest", {
    # `calico`, `terway`, `flannel` or `cilium`.
    "component": str,
    # File name to write it under (`--out DIR`); the number gives the order to apply.
    "file": str,
    # The command that applies it, run where the file is.
    "apply": str,
    # The file's text.
    "yaml": str,
})


# How the DC nodes exchange routes.
BgpTopology = Literal["none", "full-mesh", "route-reflectors"]


# A network mode for the DC side.
NetworkMode = Literal["flannel-vxlan", "calico-ipip", "cilium-vxlan", "calico-route-reflector", "cilium-bgp"]


# One mode considered, ranked.
Candidate = TypedDict("Candidate", {
    # The mode.
    "mode": NetworkMode,
    # 1 is the best.
    "rank": int,
    # Whether the mode meets the size/performance rule for this spec.
    "fits": bool,
    # Why it ranks where it does.
    "reasons": list[str],
})


# The mode chosen for the DC side, why, and every candidate ranked.
ModeDecision = TypedDict("ModeDecision", {
    # The mode chosen (or forced by the spec's `mode`).
    "selected": NetworkMode,
    # Why this mode: the facts of the spec and the rule they meet.
    "reasons": list[str],
    # Every mode, best first.
    "candidates": list[Candidate],
    # The CNI on the ECS nodes: the DC's overlay in the overlay modes (it spans both
    # sides), Terway beside a routed DC (Alibaba Cloud's scenarios for registered
    # clusters).
    "cloudCni": Cni,
    # How the DC nodes exchange routes: `full-mesh`, `route-reflectors` or `none`.
    "bgpTopology": BgpTopology,
    # Route reflector nodes planned (0 unless `bgpTopology` is `route-reflectors`).
    "routeReflectors": int,
})


# Routes a speaker exports that the DC edge must aggregate before they reach the VBR.
Aggregation = TypedDict("Aggregation", {
    # Who exports the routes (`calico-blocks`, `cilium-node-cidrs`).
    "source": str,
    # Routes exported at the planned size (one per IPAM block or node CIDR in use).
    "routes": Count,
    # Their prefix length.
    "prefixLength": int,
    # The prefixes the DC edge must aggregate them into.
    "aggregateTo": list[Cidr],
    # Why, and how to configure it.
    "note": str,
})


# One end of a BGP session.
BgpSpeaker = TypedDict("BgpSpeaker", {
    # The device.
    "device": Device,
    # An address, or the range the speakers' addresses come from.
    "address": str,
    # Its AS number.
    "asNumber": int,
    # Prefixes this side advertises to the other.
    "advertises": list[Cidr],
    # What `advertises` stands for, where it is more than the list (per-block routes).
    "note": Optional[str],
})


# Whether a session is within one AS or between two.
SessionKind = Literal["ibgp", "ebgp"]


# What a session is for.
SessionRole = Literal["edge-vbr", "client-reflector", "reflector-reflector", "reflector-edge", "node-mesh", "node-edge", "edge-edge"]


# One BGP session, or a group of like sessions (`count` > 1: every client node with every
# route reflector, say), in one address family.
BgpSession = TypedDict("BgpSession", {
    # One end.
    "local": BgpSpeaker,
    # The other end.
    "peer": BgpSpeaker,
    # The address family the session carries: IPv6 routes travel on sessions between IPv6
    # addresses, IPv4 routes on IPv4 ones.
    "family": Family,
    # How many sessions of this shape the design has (a full mesh of 2^32 nodes has more
    # than 2^53, so a decimal string like every count that can grow that large).
    "count": Count,
    # iBGP or eBGP.
    "kind": SessionKind,
    # What the session is for.
    "role": SessionRole,
})


# How a route ranks among the routes of its destination over redundant circuits.
PathRole = Literal["ecmp", "primary", "backup"]


# Where a route comes from.
RouteOrigin = Literal["connected", "static", "bgp", "system", "propagated"]


# How an overlay encapsulates packets between nodes.
Encapsulation = Literal["ipip", "vxlan"]


# One side's end of a tunnel.
TunnelEndpoint = TypedDict("TunnelEndpoint", {
    # `dc-node` or `ecs-node`.
    "device": Device,
    # The node addresses on that side.
    "range": Cidr,
})


# An overlay's tunnel between nodes.
Tunnel = TypedDict("Tunnel", {
    # How packets are encapsulated.
    "encapsulation": Encapsulation,
    # The node ranges the tunnel ends in, per side: the outer packet goes to the node that
    # hosts the destination pod.
    "endpoints": list[TunnelEndpoint],
})


# One route.
RouteEntry = TypedDict("RouteEntry", {
    # The prefix routed.
    "destination": Cidr,
    # The next hop as an operator writes it: an address, an interface or an attachment.
    "nextHop": str,
    # Where the route comes from.
    "origin": RouteOrigin,
    # The device a packet goes to next; absent when it is delivered at this device (or,
    # with a `tunnel`, at the node of the pod in question).
    "nextDevice": Optional[Device],
    # Pods of an overlay: the packet is encapsulated toward the node that hosts the
    # destination pod, whose address lies in one of the endpoints' ranges.
    "tunnel": Optional[Tunnel],
    # Where redundant circuits give the destination more than one route, how this one
    # ranks; the routes of a destination are listed best first. Absent for an only route.
    "path": Optional[PathRole],
})


# The route table of one hop.
HopTable = TypedDict("HopTable", {
    # The device.
    "device": Device,
    # What the device is, with its address and AS where it has them.
    "label": str,
    # Its routes.
    "entries": list[RouteEntry],
})


# What the DC edge advertises to the VBR.
VbrAdvertisement = TypedDict("VbrAdvertisement", {
    # The prefixes advertised.
    "prefixes": list[Cidr],
    # Routes the VBR accepts from one BGP peer before it drops the rest.
    "limit": int,
})


# The routing of a plan: the route table of every hop, the BGP sessions, what the DC
# advertises to the VBR, and what must be aggregated.
Routing = TypedDict("Routing", {
    # One table per hop.
    "tables": list[HopTable],
    # The BGP sessions of the design, grouped by shape.
    "bgpSessions": list[BgpSession],
    # Exactly what the DC edge advertises to the VBR (the exact summary of the DC's
    # prefixes), and the VBR's limit for it.
    "vbrAdvertisement": Optional[VbrAdvertisement],
    # Routes a speaker exports that must be aggregated before they leave the DC.
    "aggregation": list[Aggregation],
})


# Where a step is done.
Side = Literal["cloud", "dc"]


# One step of the rollout.
Step = TypedDict("Step", {
    # Where it is done: `cloud` (Alibaba Cloud) or `dc` (the data center and its cluster).
    "side": Side,
    # What to do, in a line.
    "title": str,
    # What to do, one item a line.
    "details": list[str],
    # Where the fact it rests on comes from.
    "source": Optional[str],
})


# An ECS node pool's own Terway config.
TerwayNodePool = TypedDict("TerwayNodePool", {
    # The node pool (`cloud.nodePools[].name`).
    "name": str,
    # The label its nodes carry: `terway-config=<configMap>`.
    "label": str,
    # The ConfigMap in `kube-system` that holds its config.
    "configMap": str,
    # Its `eni_conf`: a merge patch over the cluster's (a JSON string).
    "eniConf": str,
})


# One Terway parameter the plan sets.
TerwayParameter = TypedDict("TerwayParameter", {
    # The parameter, as the console and the API name it.
    "name": str,
    # Its value.
    "value": str,
    # Where it is set: the registered cluster's Terway parameters, or the component's
    # `config` key.
    "setIn": str,
    # The field of `eni-config` it becomes.
    "field": str,
})


# Terway as the registered cluster's component.
TerwayComponent = TypedDict("TerwayComponent", {
    # The parameters, a row each: what, the value, where it is set, the `eni-config` field
    # it becomes.
    "parameters": list[TerwayParameter],
    # The component's `config` for InstallClusterAddons or ModifyClusterAddon
    # (`terway-eniip`), a JSON string.
    "addonConfig": str,
    # What the plan needs in `eni_conf` beyond the parameters, as an RFC 7396 merge patch
    # (a JSON string); `null` when nothing.
    "eniConfPatch": Optional[str],
    # ECS node pools whose settings differ: one dynamic config each.
    "nodePools": list[TerwayNodePool],
})


# The plan for one spec. All keys are always present.
Plan = TypedDict("Plan", {
    # Every problem found, errors first.
    "diagnostics": list[Diagnostic],
    # The network mode chosen for the DC side, why, and every candidate ranked.
    "mode": ModeDecision,
    # The DC's CNI as it runs today, which the manifests change.
    "cni": InstalledCni,
    # The address budget: every range with its size, and what is too small.
    "addressing": Addressing,
    # The route table of every hop, the BGP sessions, and what the DC advertises to the
    # VBR.
    "routing": Routing,
    # What the security groups and the DC's firewalls must let through across Express
    # Connect, each with why.
    "flows": list[Flow],
    # Empty while any error diagnostic stands.
    "manifests": list[Manifest],
    # Each change the manifests make to a live object, before and after, in the order they
    # are applied.
    "changes": list[Change],
    # Terway as the ACK component of the registered cluster (routed modes): its
    # parameters, and the per-node-pool configs.
    "terway": Optional[TerwayComponent],
    # What to do, in order, on each side: what the manifests and the route tables need
    # beyond themselves.
    "steps": list[Step],
    # The checks to run after rollout, each with the path a packet takes.
    "connectivity": list[Check],
})


# One device on the path, and the route it used.
Hop = TypedDict("Hop", {
    # The device.
    "device": Device,
    # The route that matched (longest prefix), if any.
    "matched": Optional[Cidr],
    # The matched route's next hop.
    "nextHop": Optional[str],
    # The matched route's origin.
    "origin": Optional[RouteOrigin],
    # The tunnel that carries the packet on this hop (`vxlan 10.10.24.10 ->
    # 192.168.0.10`), when it travels encapsulated.
    "tunnel": Optional[str],
    # How the matched route ranks among its destination's routes over redundant circuits
    # (`ecmp`: the trace follows the first of the equal routes).
    "path": Optional[PathRole],
})


# The path of one packet.
Trace = TypedDict("Trace", {
    # The source address.
    "src": str,
    # The destination address.
    "dst": str,
    # The devices passed, in order, with the route each used.
    "hops": list[Hop],
    # How the trace ended.
    "outcome": Outcome,
    # Why the trace ended, in words.
    "reason": str,
})


# Where one value of the imported spec came from.
Found = TypedDict("Found", {
    # JSON Pointer of the value in the spec.
    "path": str,
    # The object (and field) it was read from.
    "from": str,
})


# A value the spec needs that the cluster did not show.
Missing = TypedDict("Missing", {
    # JSON Pointer of the value the spec needs.
    "path": str,
    # What to fill in, and where to find it.
    "what": str,
})


# The spec read from the cluster.
Imported = TypedDict("Imported", {
    # The spec: `onPrem` as found (merged into the base spec when one is given).
    "spec": dict[str, Any],
    # The same spec as YAML, each value under a comment naming where it came from.
    "yaml": str,
    # Where each value came from.
    "found": list[Found],
    # What the cluster did not show, and what to fill in.
    "missing": list[Missing],
})


# One value the plan and the cluster disagree on.
Difference = TypedDict("Difference", {
    # What differs.
    "what": str,
    # The plan's value; `null`: the plan has no such object.
    "planned": Optional[str],
    # The cluster's; `null`: the cluster has no such object.
    "live": Optional[str],
    # Where it is in the plan: the manifest file that writes it, or the spec pointer.
    "planAt": str,
    # Where it is in the cluster: the object and field.
    "clusterAt": str,
})


# The result of a comparison.
Drift = TypedDict("Drift", {
    # No difference.
    "inSync": bool,
    # Each value the plan and the cluster disagree on.
    "differences": list[Difference],
})


# One file of the Terraform configuration.
TerraformFile = TypedDict("TerraformFile", {
    # The file name (`main.tf`); all files form one module, in one directory.
    "name": str,
    # The file's text (HCL).
    "content": str,
})


__all__ = [
    "Addressing",
    "Aggregation",
    "BgpSession",
    "BgpSpeaker",
    "BgpTopology",
    "Candidate",
    "CenSpec",
    "Change",
    "Check",
    "Cidr",
    "CloudPodBudget",
    "CloudServicesSpec",
    "CloudSpec",
    "Cni",
    "Code",
    "Count",
    "DcCniSpec",
    "Device",
    "Diagnostic",
    "Difference",
    "Drift",
    "EdgeRouterSpec",
    "Encapsulation",
    "ExistingPeerSpec",
    "ExistingPoolSpec",
    "Family",
    "Flow",
    "FlowEnd",
    "Found",
    "Hop",
    "HopTable",
    "HybridClusterSpec",
    "Imported",
    "InstalledCni",
    "InterconnectSpec",
    "Manifest",
    "Missing",
    "ModeDecision",
    "NetworkMode",
    "NodePoolSpec",
    "OnPremSpec",
    "Outcome",
    "PathRole",
    "Plan",
    "PodRangeBudget",
    "Protocol",
    "RangeBudget",
    "Redundancy",
    "Role",
    "RouteEntry",
    "RouteOrigin",
    "Routing",
    "SessionKind",
    "SessionRole",
    "Severity",
    "Side",
    "Step",
    "Suggestion",
    "TerraformFile",
    "TerwayComponent",
    "TerwayMode",
    "TerwayNodePool",
    "TerwayParameter",
    "TerwaySpec",
    "Trace",
    "TransitRouterVSwitchSpec",
    "Tunnel",
    "TunnelEndpoint",
    "UnitKind",
    "VSwitchSpec",
    "VbrAdvertisement",
    "VbrSpec",
    "ZoneBudget",
    "ZoneSpec",
]
