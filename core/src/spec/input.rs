//! The spec as people write it (JSON or YAML), described for TypeScript. The decoder reads
//! the text itself; these types exist so the npm package's declarations come from the
//! same key lists (a test holds each type to the decoder's keys). Each key is documented
//! once, in docs/spec.md; a field's doc here would be copied into every generated type.
#![allow(missing_docs)]

use ts_rs::TS;

/// A hybrid cluster spec (docs/spec.md). Lists have a single-value form (`podCidr`) beside the
/// list form (`podCidrs`); give one of them.
#[derive(TS)]
#[ts(rename = "HybridClusterSpec", rename_all = "camelCase")]
pub struct SpecInput {
    #[ts(optional)]
    pub name: Option<String>,
    #[ts(optional, type = "\"ipv4\" | \"dual\"")]
    pub ip_family: Option<String>,
    #[ts(optional, type = "\"standard\" | \"high\"")]
    pub performance: Option<String>,
    #[ts(
        optional,
        type = "\"auto\" | \"flannel-vxlan\" | \"calico-ipip\" | \"cilium-vxlan\" | \"calico-route-reflector\" | \"cilium-bgp\""
    )]
    pub mode: Option<String>,
    pub on_prem: OnPremInput,
    pub cloud: CloudInput,
    pub interconnect: InterconnectInput,
    #[ts(optional)]
    pub cloud_services: Option<CloudServicesInput>,
}

/// The data center.
#[derive(TS)]
#[ts(rename = "OnPremSpec", rename_all = "camelCase")]
pub struct OnPremInput {
    #[ts(optional)]
    pub node_cidr: Option<String>,
    #[ts(optional)]
    pub node_cidrs: Option<Vec<String>>,
    #[ts(optional)]
    pub pod_cidr: Option<String>,
    #[ts(optional)]
    pub pod_cidrs: Option<Vec<String>>,
    #[ts(optional)]
    pub service_cidr: Option<String>,
    #[ts(optional)]
    pub service_cidrs: Option<Vec<String>>,
    pub nodes: u32,
    #[ts(optional)]
    pub max_nodes: Option<u32>,
    #[ts(optional)]
    pub max_pods_per_node: Option<u32>,
    #[ts(optional)]
    pub as_number: Option<u32>,
    #[ts(optional)]
    pub calico_block_size: Option<u8>,
    #[ts(optional)]
    pub calico_block_size_v6: Option<u8>,
    #[ts(optional)]
    pub route_reflectors: Option<u32>,
    #[ts(optional)]
    pub route_reflector_nodes: Option<Vec<String>>,
    #[ts(optional)]
    pub node_cidr_mask_size: Option<u8>,
    #[ts(optional)]
    pub node_cidr_mask_size_v6: Option<u8>,
    pub edge_routers: Vec<EdgeRouterInput>,
    #[ts(optional)]
    pub cni: Option<DcCniInput>,
}

/// The CNI the registered cluster runs today.
#[derive(TS)]
#[ts(rename = "DcCniSpec", rename_all = "camelCase")]
pub struct DcCniInput {
    #[ts(optional, type = "\"calico\" | \"cilium\" | \"flannel\"")]
    pub plugin: Option<String>,
    #[ts(optional, type = "\"manifest\" | \"operator\" | \"helm\"")]
    pub install: Option<String>,
    /// The running release, as its image tags show it (`"3.28.2"`).
    #[ts(optional)]
    pub version: Option<String>,
    #[ts(optional)]
    pub existing_pools: Option<Vec<ExistingPoolInput>>,
    #[ts(optional)]
    pub existing_peers: Option<Vec<ExistingPeerInput>>,
}

/// A BGP peering the cluster has with an edge router: the Calico BGPPeer (or Cilium's
/// CiliumBGPClusterConfig) that holds it.
#[derive(TS)]
#[ts(rename = "ExistingPeerSpec", rename_all = "camelCase")]
pub struct ExistingPeerInput {
    pub name: String,
    #[ts(rename = "peerIP")]
    pub peer_ip: String,
    pub as_number: u32,
}

/// A Calico IP pool the cluster has.
#[derive(TS)]
#[ts(rename = "ExistingPoolSpec", rename_all = "camelCase")]
pub struct ExistingPoolInput {
    pub name: String,
    pub cidr: String,
    #[ts(optional)]
    pub block_size: Option<u8>,
    #[ts(optional, type = "\"Always\" | \"CrossSubnet\" | \"Never\"")]
    pub ipip_mode: Option<String>,
    #[ts(optional, type = "\"Always\" | \"CrossSubnet\" | \"Never\"")]
    pub vxlan_mode: Option<String>,
    #[ts(optional)]
    pub nat_outgoing: Option<bool>,
    #[ts(optional)]
    pub node_selector: Option<String>,
    #[ts(optional)]
    pub disabled: Option<bool>,
}

#[derive(TS)]
#[ts(rename = "EdgeRouterSpec", rename_all = "camelCase")]
pub struct EdgeRouterInput {
    pub ip: String,
    #[ts(optional)]
    pub ipv6: Option<String>,
    pub as_number: u32,
}

/// The Alibaba Cloud side.
#[derive(TS)]
#[ts(rename = "CloudSpec", rename_all = "camelCase")]
pub struct CloudInput {
    pub region: String,
    #[ts(optional)]
    pub vpc_cidr: Option<String>,
    #[ts(optional)]
    pub vpc_cidrs: Option<Vec<String>>,
    pub zones: Vec<ZoneInput>,
    pub nodes: u32,
    #[ts(optional)]
    pub max_nodes: Option<u32>,
    #[ts(optional)]
    pub max_pods_per_node: Option<u32>,
    pub security_groups: Vec<String>,
    #[ts(optional, type = "\"auto\" | \"terway\"")]
    pub cni: Option<String>,
    #[ts(optional)]
    pub terway: Option<TerwayInput>,
    #[ts(optional)]
    pub node_pools: Option<Vec<NodePoolInput>>,
    #[ts(optional, rename = "transitRouterVSwitches")]
    pub transit_router_vswitches: Option<Vec<TransitRouterVSwitchInput>>,
}

/// A vSwitch of the transit router's VPC connection: one per zone, each with a free address.
#[derive(TS)]
#[ts(rename = "TransitRouterVSwitchSpec", rename_all = "camelCase")]
pub struct TransitRouterVSwitchInput {
    pub zone: String,
    pub id: String,
    /// Needed unless `id` names a vSwitch of `zones`.
    #[ts(optional)]
    pub cidr: Option<String>,
}

/// An ECS node pool with Terway settings of its own.
#[derive(TS)]
#[ts(rename = "NodePoolSpec", rename_all = "camelCase")]
pub struct NodePoolInput {
    pub name: String,
    #[ts(optional)]
    pub security_groups: Option<Vec<String>>,
    #[ts(optional, rename = "podVSwitches")]
    pub pod_vswitches: Option<Vec<String>>,
}

#[derive(TS)]
#[ts(rename = "ZoneSpec", rename_all = "camelCase")]
pub struct ZoneInput {
    pub zone: String,
    #[ts(rename = "nodeVSwitches")]
    pub node_vswitches: Vec<VSwitchInput>,
    #[ts(optional, rename = "podVSwitches")]
    pub pod_vswitches: Option<Vec<VSwitchInput>>,
}

#[derive(TS)]
#[ts(rename = "VSwitchSpec", rename_all = "camelCase")]
pub struct VSwitchInput {
    pub id: String,
    pub cidr: String,
    #[ts(optional)]
    pub ipv6_cidr: Option<String>,
}

#[derive(TS)]
#[ts(rename = "TerwaySpec", rename_all = "camelCase")]
pub struct TerwayInput {
    #[ts(optional, type = "\"shared-eni\" | \"exclusive-eni\"")]
    pub mode: Option<String>,
    #[ts(optional)]
    pub enis_per_node: Option<u32>,
    #[ts(optional)]
    pub ips_per_eni: Option<u32>,
}

#[derive(TS)]
#[ts(rename = "InterconnectSpec", rename_all = "camelCase")]
pub struct InterconnectInput {
    /// One circuit's VBR (or `vbrs` for two or more).
    #[ts(optional)]
    pub vbr: Option<VbrInput>,
    /// The VBRs of two or more circuits, each with `edgeRouter`.
    #[ts(optional)]
    pub vbrs: Option<Vec<VbrInput>>,
    /// `active-active` (default) or `active-standby`.
    #[ts(optional)]
    pub redundancy: Option<crate::spec::Redundancy>,
    pub cen: CenInput,
}

#[derive(TS)]
#[ts(rename = "VbrSpec", rename_all = "camelCase")]
pub struct VbrInput {
    pub id: String,
    pub vlan_id: u32,
    pub local_gateway_ip: String,
    pub peer_gateway_ip: String,
    pub peering_subnet: String,
    #[ts(optional)]
    pub local_gateway_ipv6: Option<String>,
    #[ts(optional)]
    pub peer_gateway_ipv6: Option<String>,
    #[ts(optional)]
    pub peering_subnet_ipv6: Option<String>,
    #[ts(optional)]
    pub as_number: Option<u32>,
    /// The `ip` of the edge router that ends the circuit.
    #[ts(optional)]
    pub edge_router: Option<String>,
    /// BFD on the VBR's BGP peer (default true).
    #[ts(optional)]
    pub bfd: Option<bool>,
}

#[derive(TS)]
#[ts(rename = "CenSpec")]
pub struct CenInput {
    pub id: String,
}

#[derive(TS)]
#[ts(rename = "CloudServicesSpec", rename_all = "camelCase")]
pub struct CloudServicesInput {
    #[ts(optional)]
    pub container_registry: Option<bool>,
    #[ts(optional)]
    pub prometheus: Option<bool>,
    #[ts(optional)]
    pub oss: Option<bool>,
    #[ts(optional)]
    pub extra_cidr: Option<String>,
    #[ts(optional)]
    pub extra_cidrs: Option<Vec<String>>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// The field names of a TypeScript declaration `type X = { a: …, b?: … };`.
    fn fields<T: TS>() -> BTreeSet<String> {
        let decl = T::decl(&ts_rs::Config::default());
        let body = &decl[decl.find('{').unwrap() + 1..decl.rfind('}').unwrap()];
        body.split([',', ';'])
            .filter_map(|f| f.split(':').next())
            .map(|k| k.trim().trim_end_matches('?').trim_matches('"').to_owned())
            .filter(|k| !k.is_empty())
            .collect()
    }

    fn keys(list: &[&str]) -> BTreeSet<String> {
        list.iter().map(|k| (*k).to_owned()).collect()
    }

    #[test]
    fn the_mode_type_names_every_mode() {
        let decl = SpecInput::decl(&ts_rs::Config::default());
        for mode in crate::spec::NetworkMode::ALL {
            assert!(
                decl.contains(&format!("\"{}\"", mode.as_str())),
                "{mode} missing: {decl}"
            );
        }
    }

    #[test]
    fn every_declared_type_has_exactly_the_decoders_keys() {
        use super::super::*;
        assert_eq!(fields::<SpecInput>(), keys(TOP_KEYS));
        assert_eq!(fields::<OnPremInput>(), keys(ON_PREM_KEYS));
        assert_eq!(fields::<EdgeRouterInput>(), keys(EDGE_ROUTER_KEYS));
        assert_eq!(fields::<CloudInput>(), keys(CLOUD_KEYS));
        assert_eq!(fields::<ZoneInput>(), keys(ZONE_KEYS));
        assert_eq!(fields::<VSwitchInput>(), keys(VSWITCH_KEYS));
        assert_eq!(fields::<TerwayInput>(), keys(TERWAY_KEYS));
        assert_eq!(fields::<InterconnectInput>(), keys(INTERCONNECT_KEYS));
        assert_eq!(fields::<VbrInput>(), keys(VBR_KEYS));
        assert_eq!(fields::<CenInput>(), keys(CEN_KEYS));
        assert_eq!(fields::<CloudServicesInput>(), keys(CLOUD_SERVICES_KEYS));
    }
}
