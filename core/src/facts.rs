//! Vendor facts and limits the planner checks against, each with its source. When a vendor
//! changes a number, this is the one place to change it. Each fact names the vendor page or
//! upstream file it comes from.
//!
//! Prefixes are typed [`Cidr`] constants: one that is malformed or has host bits set does
//! not compile.

use crate::cidr::Cidr;

/// Kubernetes: kubelet `--max-pods` default and the documented upper bound per node
/// (https://kubernetes.io/docs/setup/best-practices/cluster-large/).
pub const K8S_DEFAULT_MAX_PODS_PER_NODE: u32 = 110;

/// Calico: the full node-to-node BGP mesh is fine up to "say 100 nodes"; beyond that use
/// route reflectors (https://github.com/tigera/docs/blob/HEAD/calico/networking/configuring/bgp.mdx).
/// Also the overlay/routed boundary of the Alibaba hybrid-cluster document (fewer than 100 DC
/// nodes → overlay).
pub const FULL_MESH_MAX_NODES: u32 = 100;

/// Clients per route reflector before one more is added (tigera/docs bgp.mdx: per-rack
/// RRs past 100 nodes in one L2 domain).
pub const CLIENTS_PER_ROUTE_REFLECTOR: u32 = 100;

/// Clients peer with two RRs for redundancy (tigera/docs bgp.mdx, as above).
pub const MIN_ROUTE_REFLECTORS: u32 = 2;

/// Calico: default AS number of all nodes
/// (https://github.com/projectcalico/calico/blob/HEAD/api/pkg/apis/projectcalico/v3/bgpconfig.go).
pub const CALICO_DEFAULT_ASN: u32 = 64512;

/// Calico IPAM block sizes: default and allowed range per family
/// (https://github.com/projectcalico/calico/blob/HEAD/api/pkg/apis/projectcalico/v3/ippool.go).
pub const CALICO_BLOCK_SIZE_V4_DEFAULT: u8 = 26;
pub const CALICO_BLOCK_SIZE_V6_DEFAULT: u8 = 122;
pub const CALICO_BLOCK_SIZE_V4_RANGE: (u8, u8) = (20, 32);
pub const CALICO_BLOCK_SIZE_V6_RANGE: (u8, u8) = (116, 128);

/// Alibaba Cloud VBR: Alibaba-side default AS number (CreateBgpGroup,
/// https://alibabacloud.com/help/en/vpc/developer-reference/api-vpc-2016-04-28-createbgpgroup).
pub const VBR_DEFAULT_ASN: u32 = 45104;

/// Alibaba Cloud VBR: AS number reserved, may not be used as LocalAsn (CreateBgpGroup, as above).
pub const VBR_RESERVED_ASN: u32 = 65025;

/// AS_TRANS (RFC 6793): stands in for 4-byte ASNs on 2-byte sessions; never a real AS.
pub const AS_TRANS: u32 = 23456;

/// Alibaba Cloud VBR: VLAN ID range of CreateVirtualBorderRouter (API: 0..2999;
/// https://help.aliyun.com/en/express-connect/developer-reference/api-createvirtualborderrouter).
pub const VBR_VLAN_RANGE: (i64, i64) = (0, 2999);

/// Alibaba Cloud VBR: at most 110 dynamic routes per BGP peer; routes beyond are dropped
/// (CreateBgpGroup; quota `ec_quota_bgp_group_max_route_entry_num`,
/// https://help.aliyun.com/en/express-connect/user-guide/quotas/).
pub const VBR_MAX_ROUTES_PER_PEER: usize = 110;

/// An Enterprise Edition transit router's VPC connection needs a vSwitch in each zone it
/// uses, at least two zones in regions where it spans several (cn-hangzhou among them), each
/// vSwitch with a free address for the router's network interface
/// (https://www.alibabacloud.com/help/en/cloud-enterprise-network/latest/regions-supported-by-the-forwarding-router).
pub const TRANSIT_ROUTER_MIN_ZONES: usize = 2;

/// Alibaba Cloud VPC: custom entries per route table (CreateRouteEntry, 48 in older docs;
/// https://alibabacloud.com/help/en/vpc/api-createrouteentry).
pub const VPC_MAX_CUSTOM_ROUTES: usize = 200;

/// Alibaba Cloud VPC: primary CIDR mask range (CreateVpc,
/// https://alibabacloud.com/help/ja/vpc/api-createvpc).
pub const VPC_MASK_RANGE: (u8, u8) = (8, 24);

/// Alibaba Cloud VPC: secondary CIDR mask range (`alicloud_vpc_ipv4_cidr_block`,
/// https://help.aliyun.com/document_detail/2588220.html).
pub const VPC_SECONDARY_MASK_RANGE: (u8, u8) = (8, 28);

/// Alibaba Cloud VPC: the private blocks a primary VPC CIDR must lie in (ACK network planning,
/// https://www.alibabacloud.com/help/en/ack/ack-managed-and-ack-dedicated/user-guide/kubernetes-cluster-network-planning).
pub const VPC_PRIVATE_BLOCKS: [Cidr; 3] = [
    Cidr::v4([10, 0, 0, 0], 8),
    Cidr::v4([172, 16, 0, 0], 12),
    Cidr::v4([192, 168, 0, 0], 16),
];

/// IPv6 unique local addresses, fd00::/8 (the locally assigned half of fc00::/7, RFC 4193):
/// where the planner suggests private IPv6 ranges.
pub const IPV6_ULA_LOCAL: Cidr = Cidr::v6([0xfd00, 0, 0, 0, 0, 0, 0, 0], 8);

/// IPv6 unique local addresses, fc00::/7 (RFC 4193).
pub const IPV6_ULA: Cidr = Cidr::v6([0xfc00, 0, 0, 0, 0, 0, 0, 0], 7);

/// IPv6 global unicast, 2000::/3 (IANA IPv6 address space registry).
pub const IPV6_GLOBAL_UNICAST: Cidr = Cidr::v6([0x2000, 0, 0, 0, 0, 0, 0, 0], 3);

/// Alibaba Cloud vSwitch: IPv4 mask range (CreateVSwitch,
/// https://alibabacloud.com/help/ja/vpc/api-createvswitch).
pub const VSWITCH_MASK_RANGE: (u8, u8) = (16, 29);

/// Alibaba Cloud vSwitch: IPv6 vSwitch CIDRs are /64 (CreateVSwitch `Ipv6CidrBlock`).
pub const VSWITCH_IPV6_MASK: u8 = 64;

/// Alibaba Cloud vSwitch: the first address and the last three are reserved, so usable
/// addresses = size − 4 (CreateVSwitch, as above).
pub const VSWITCH_RESERVED_ADDRESSES: u128 = 4;

/// Terway: ENIs and IPs per ENI of the example instance type ecs.g7.4xlarge, used as the
/// defaults (ACK "Manage pod capacity on nodes",
/// https://www.alibabacloud.com/help/en/ack/ack-managed-and-ack-dedicated/user-guide/adjusting-the-number-of-node-pods).
pub const TERWAY_DEFAULT_ENIS_PER_NODE: u32 = 8;
pub const TERWAY_DEFAULT_IPS_PER_ENI: u32 = 30;

/// Terway shared ENI: a node may join only when (ENIs − 1) × IPs per ENI is above 11
/// (the same ACK page;
/// https://github.com/AliyunContainerService/terway/blob/HEAD/examples/maxpods/maxpods.go).
pub const TERWAY_SHARED_MIN_PODS: u32 = 11;

/// Terway exclusive ENI: nodes need more than 6 ENIs
/// (https://github.com/AliyunContainerService/terway/blob/HEAD/docs/exclusive-eni-node-pool.md).
pub const TERWAY_EXCLUSIVE_MIN_ENIS: u32 = 6;

/// Terway: at most 10 security groups (`security_groups`, `Validate` in
/// https://github.com/AliyunContainerService/terway/blob/HEAD/types/daemon/config.go).
pub const TERWAY_MAX_SECURITY_GROUPS: usize = 10;

/// Ranges no planned range may overlap: "this network", loopback, link-local, multicast,
/// reserved/broadcast, and CGNAT 100.64.0.0/10, which Alibaba Cloud uses for its own
/// services (IANA special-purpose address registries; the VPC route table overview cited at
/// `CLOUD_SERVICES_V4`). The bad-input vectors tests/vectors/bad-input-row-19 and -20-* test
/// them.
pub const RESERVED_V4: [(Cidr, &str); 6] = [
    (Cidr::v4([0, 0, 0, 0], 8), "\"this network\""),
    (Cidr::v4([127, 0, 0, 0], 8), "loopback"),
    (Cidr::v4([169, 254, 0, 0], 16), "link-local"),
    (Cidr::v4([224, 0, 0, 0], 4), "multicast"),
    (Cidr::v4([240, 0, 0, 0], 4), "reserved and broadcast"),
    (
        CLOUD_SERVICES_V4,
        "Alibaba Cloud service range (CGNAT, VPC system route)",
    ),
];

/// IPv6 ranges no planned range may overlap (IANA IPv6 special-purpose registry).
pub const RESERVED_V6: [(Cidr, &str); 5] = [
    (
        Cidr::v6([0, 0, 0, 0, 0, 0, 0, 0], 127),
        "unspecified and loopback",
    ),
    (Cidr::v6([0, 0, 0, 0, 0, 0xffff, 0, 0], 96), "IPv4-mapped"),
    (Cidr::v6([0xfe80, 0, 0, 0, 0, 0, 0, 0], 10), "link-local"),
    (Cidr::v6([0xff00, 0, 0, 0, 0, 0, 0, 0], 8), "multicast"),
    (Cidr::v6([0x64, 0xff9b, 0, 0, 0, 0, 0, 0], 96), "NAT64"),
];

/// The Alibaba Cloud service range: the VPC's system route for cloud services (OSS VIPs,
/// Container Registry and other service endpoints all lie in it); CEN calls it "the
/// 100.64.0.0/10 CIDR block" that cloud services use
/// (https://www.alibabacloud.com/help/en/vpc/user-guide/route-table-overview).
pub const CLOUD_SERVICES_V4: Cidr = Cidr::v4([100, 64, 0, 0], 10);

/// Some Alibaba Cloud services use addresses in 100.0.0.0/8 outside `CLOUD_SERVICES_V4`
/// (ACK Edge network docs,
/// https://help.aliyun.com/zh/ack/ack-edge/user-guide/network-element-configuration-in-leased-line-environment).
pub const CLOUD_SERVICE_V4: Cidr = Cidr::v4([100, 0, 0, 0], 8);

/// Addresses a node's own pod subnet keeps from pods (network and gateway), used to size
/// Flannel and Cilium per-node subnets.
pub const PER_NODE_SUBNET_OVERHEAD: u32 = 2;

/// Smallest per-node subnet Flannel (`node_cidr_mask` 24..28 on ACK) and Cilium are given here.
pub const PER_NODE_SUBNET_MAX_LEN_V4: u8 = 28;

/// Cilium cluster-pool IPv6 per-node mask (`clusterPoolIPv6MaskSize`: 120 is the common
/// choice, as 24 is for IPv4;
/// https://github.com/cilium/cilium/blob/HEAD/Documentation/network/concepts/ipam/cluster-pool.rst).
pub const PER_NODE_SUBNET_MAX_LEN_V6: u8 = 120;

/// ACK registered clusters: every ECS node added through a node pool carries this label
/// with the value `"true"`; Terway runs only there and the DC CNI must stay off those
/// nodes (Alibaba Cloud "Deploy and configure the Terway plugin",
/// https://www.alibabacloud.com/help/en/doc-detail/208052.html).
pub const ECS_NODE_LABEL: &str = "alibabacloud.com/external";

/// Terway's own DaemonSet affinity excludes virtual-kubelet nodes (`type=virtual-kubelet`,
/// https://github.com/AliyunContainerService/terway/blob/HEAD/charts/terway/templates/terwayd/daemonset.yaml).
pub const VIRTUAL_KUBELET_LABEL: (&str, &str) = ("type", "virtual-kubelet");

/// Terway exclusive-ENI mode is chosen per node pool with this node label, on new nodes
/// only (terway `docs/exclusive-eni-node-pool.md`, cited above).
pub const TERWAY_EXCLUSIVE_ENI_LABEL: (&str, &str) =
    ("k8s.aliyun.com/exclusive-mode-eni-type", "eniOnly");

/// Terway's shared-ENI DaemonSet and its ConfigMap (terway chart,
/// https://github.com/AliyunContainerService/terway/tree/HEAD/charts/terway/templates/terwayd).
pub const TERWAY_DAEMONSET: &str = "terway-eniip";
pub const TERWAY_CONFIGMAP: &str = "eni-config";

/// Calico route reflectors: the cluster-ID annotation on a core Node (Kubernetes
/// datastore) and the IPv4-formatted ID the Calico docs use (tigera/docs bgp.mdx, cited at
/// `FULL_MESH_MAX_NODES`).
pub const CALICO_RR_CLUSTER_ID_ANNOTATION: &str = "projectcalico.org/RouteReflectorClusterID";
pub const CALICO_RR_CLUSTER_ID: &str = "244.0.0.1";

/// Flannel VXLAN defaults: VNI 1 and the kernel's port 8472
/// (https://github.com/flannel-io/flannel/blob/HEAD/Documentation/backends.md).
pub const FLANNEL_VXLAN_VNI: u32 = 1;
pub const FLANNEL_VXLAN_PORT: u32 = 8472;

/// Cilium BGP peer timers and graceful restart, the documented defaults
/// (https://github.com/cilium/cilium/blob/HEAD/pkg/k8s/apis/cilium.io/v2/bgp_peer_types.go).
pub const CILIUM_BGP_RESTART_SECONDS: u32 = 120;

// ---- ports and protocols the modes need between the two sides --------------------------

/// BGP (TCP 179; Calico BGPConfiguration `listenPort` default).
pub const BGP_PORT: u16 = 179;
/// VXLAN as Flannel and Cilium use it: the Linux kernel's default port, 8472 (flannel
/// `Documentation/backends.md`: "Port ... defaults to kernel default, currently 8472";
/// Cilium `tunnel-port` default for VXLAN).
pub const LINUX_VXLAN_PORT: u16 = 8472;
/// VXLAN as Calico uses it: the IANA port, 4789 (Calico FelixConfiguration `vxlanPort`).
pub const CALICO_VXLAN_PORT: u16 = 4789;
/// Calico Typha (TCP 5473): calico-node on every node connects to it. Operator installs
/// always run Typha; manifest installs past 50 nodes should (calico-typha.yaml: "We
/// recommend using Typha if you have more than 50 nodes").
pub const CALICO_TYPHA_PORT: u16 = 5473;
pub const CALICO_TYPHA_RECOMMENDED_NODES: u32 = 50;
/// Cilium's health checks between nodes (TCP 4240, Cilium "Firewall Rules").
pub const CILIUM_HEALTH_PORT: u16 = 4240;
/// The kubelet's API (TCP 10250): the API server reaches it for logs, exec and
/// port-forward, metrics-server for metrics (Kubernetes "Ports and Protocols").
pub const KUBELET_PORT: u16 = 10250;
/// The Kubernetes API server (TCP 6443, Kubernetes "Ports and Protocols").
pub const API_SERVER_PORT: u16 = 6443;
/// node-exporter, which Managed Service for Prometheus scrapes (TCP 9100; ACK Edge
/// endpoints page).
pub const NODE_EXPORTER_PORT: u16 = 9100;

/// kube-controller-manager `--node-cidr-mask-size-ipv4` / `-ipv6` defaults (24 and 64):
/// the node subnet Flannel's kube subnet manager takes from `node.spec.podCIDR`
/// (kubernetes `cmd/kube-controller-manager/app/options/nodeipamcontroller.go`).
pub const KCM_NODE_CIDR_MASK_V4_DEFAULT: u8 = 24;
pub const KCM_NODE_CIDR_MASK_V6_DEFAULT: u8 = 64;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vendor_prefixes_print_as_their_sources_write_them() {
        // The constants are checked when compiled (no host bits); this pins their values.
        let written: Vec<String> = RESERVED_V4
            .iter()
            .chain(&RESERVED_V6)
            .map(|(c, _)| c.to_string())
            .collect();
        assert_eq!(
            written,
            [
                "0.0.0.0/8",
                "127.0.0.0/8",
                "169.254.0.0/16",
                "224.0.0.0/4",
                "240.0.0.0/4",
                "100.64.0.0/10",
                "::/127",
                "::ffff:0.0.0.0/96",
                "fe80::/10",
                "ff00::/8",
                "64:ff9b::/96",
            ]
        );
        let private = VPC_PRIVATE_BLOCKS.map(|c| c.to_string());
        assert_eq!(private, ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"]);
        assert_eq!(CLOUD_SERVICE_V4.to_string(), "100.0.0.0/8");
        assert_eq!(IPV6_ULA.to_string(), "fc00::/7");
        assert_eq!(IPV6_ULA_LOCAL.to_string(), "fd00::/8");
        assert_eq!(IPV6_GLOBAL_UNICAST.to_string(), "2000::/3");
    }
}
