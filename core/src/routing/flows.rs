//! The flows the mode needs across Express Connect: what the ECS nodes' security groups
//! and the DC's firewalls must let through, each with why. (The Alibaba side's Terraform
//! turns them into security group rules.)

use super::topology::Topology;
use crate::cidr::{Cidr, Family};
use crate::facts;
use crate::mode::{Cni, ModeDecision};
use crate::spec::{HybridCluster, NetworkMode};
use serde::{Deserialize, Serialize};

/// One flow: packets of `protocol` (to `port`, where it has ports) from `from` to `to`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Flow {
    /// The IP protocol.
    pub protocol: Protocol,
    /// The destination port; absent for protocols without ports and for every port.
    pub port: Option<u16>,
    /// Where the packets come from.
    pub from: FlowEnd,
    /// Where they go.
    pub to: FlowEnd,
    /// What needs the flow.
    pub why: String,
}

/// The protocol of a flow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum Protocol {
    /// TCP.
    Tcp,
    /// UDP.
    Udp,
    /// IP-in-IP, IP protocol 4.
    Ipip,
    /// ICMP echo (ping), as the connectivity checks probe.
    Icmp,
    /// Every protocol and port.
    All,
}

impl Protocol {
    /// The protocol as written in plans (`tcp`).
    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::Tcp => "tcp",
            Protocol::Udp => "udp",
            Protocol::Ipip => "ipip",
            Protocol::Icmp => "icmp",
            Protocol::All => "all",
        }
    }
}

/// One end of a flow: what it is (`dc-nodes`, `ecs-nodes`, `dc-pods`, `cloud-pods`,
/// `dc-edge`, `vbr`, `vpc`) and its addresses.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct FlowEnd {
    /// What it is (`dc-nodes`).
    pub name: String,
    /// Its addresses.
    pub cidrs: Vec<Cidr>,
}

struct Flows {
    dc_nodes: FlowEnd,
    ecs_nodes: FlowEnd,
    out: Vec<Flow>,
}

impl Flows {
    fn add(
        &mut self,
        protocol: Protocol,
        port: Option<u16>,
        from: &FlowEnd,
        to: &FlowEnd,
        why: &str,
    ) {
        if from.cidrs.is_empty() || to.cidrs.is_empty() {
            return;
        }
        self.out.push(Flow {
            protocol,
            port,
            from: from.clone(),
            to: to.clone(),
            why: why.to_owned(),
        });
    }

    /// Both directions between the DC nodes and the ECS nodes.
    fn between_nodes(&mut self, protocol: Protocol, port: Option<u16>, why: &str) {
        let (dc, ecs) = (self.dc_nodes.clone(), self.ecs_nodes.clone());
        self.add(protocol, port, &dc, &ecs, why);
        self.add(protocol, port, &ecs, &dc, why);
    }

    /// Both directions between the node addresses of one family: a tunnel runs over the
    /// node addresses of its underlay's family only.
    fn between_nodes_of(
        &mut self,
        family: Family,
        protocol: Protocol,
        port: Option<u16>,
        why: &str,
    ) {
        let only = |end: &FlowEnd| FlowEnd {
            name: end.name.clone(),
            cidrs: end
                .cidrs
                .iter()
                .copied()
                .filter(|c| c.family() == family)
                .collect(),
        };
        let (dc, ecs) = (only(&self.dc_nodes), only(&self.ecs_nodes));
        self.add(protocol, port, &dc, &ecs, why);
        self.add(protocol, port, &ecs, &dc, why);
    }
}

fn end(name: &str, cidrs: Vec<Cidr>) -> FlowEnd {
    FlowEnd {
        name: name.to_owned(),
        cidrs,
    }
}

pub(crate) fn flows(spec: &HybridCluster, mode: &ModeDecision) -> Vec<Flow> {
    let mut ignored = Vec::new();
    let t = Topology::new(spec, mode, &mut ignored);
    // The families that cross the VBR; node ranges of the others have no path.
    let crossing = |list: &[Cidr]| -> Vec<Cidr> {
        list.iter()
            .copied()
            .filter(|c| t.crosses_vbr(c.family()))
            .collect()
    };
    let node_vswitches: Vec<Cidr> = t.node_vswitches.iter().map(|v| v.0).collect();
    let mut f = Flows {
        dc_nodes: end("dc-nodes", crossing(&t.dc_nodes)),
        ecs_nodes: end("ecs-nodes", crossing(&node_vswitches)),
        out: Vec::new(),
    };
    for circuit in &t.circuits {
        let families = [Family::V4, Family::V6];
        let ends = families.iter().filter_map(|&f| circuit.gateways(f));
        let (vbr_side, edge_side): (Vec<Cidr>, Vec<Cidr>) =
            ends.map(|(v, e)| (Cidr::host(v), Cidr::host(e))).unzip();
        f.add(
            Protocol::Tcp,
            Some(facts::BGP_PORT),
            &end(&circuit.edge.device().to_string(), edge_side),
            &end(&circuit.device().to_string(), vbr_side),
            "eBGP between the DC edge and the VBR on the Express Connect circuit (no security group: the DC edge's own filters)",
        );
    }
    f.between_nodes(
        Protocol::Icmp,
        None,
        "the connectivity checks ping between the DC nodes and the ECS nodes",
    );
    let (dc, ecs) = (f.dc_nodes.clone(), f.ecs_nodes.clone());
    f.add(
        Protocol::Tcp,
        Some(facts::API_SERVER_PORT),
        &ecs,
        &dc,
        "kubelets and pods on ECS nodes reach the API server of the registered cluster in the DC",
    );
    f.add(
        Protocol::Tcp,
        Some(facts::KUBELET_PORT),
        &dc,
        &ecs,
        "the API server reaches the kubelet on ECS nodes (logs, exec, port-forward) and metrics-server scrapes it",
    );
    match mode.cloud_cni {
        Cni::Terway => {
            let pods = end("dc-pods", crossing(&t.dc_pods));
            let cloud_pods: Vec<Cidr> = t.pod_vswitches.iter().map(|v| v.0).collect();
            let cloud = end("cloud-pods", crossing(&cloud_pods));
            let masqueraded = [Family::V4, Family::V6]
                .into_iter()
                .any(|family| t.dc_pods_masqueraded_to_cloud(family));
            if t.routed() && masqueraded {
                f.add(Protocol::All, None, &dc, &cloud, "DC pods reach cloud pods behind their node's address: Cilium masquerades what leaves for outside its native-routing CIDR, which holds the DC pods but not the VPC; Terway's ENIs take the ECS nodes' security groups");
            } else if t.routed() {
                f.add(Protocol::All, None, &pods, &cloud, "pods reach each other with their own addresses: Terway's ENIs take the ECS nodes' security groups");
                f.add(Protocol::All, None, &cloud, &pods, "pods reach each other with their own addresses (DNS, webhooks and metrics on DC pods)");
            }
            f.add(
                Protocol::Tcp,
                None,
                &dc,
                &cloud,
                "the API server calls webhooks and aggregated APIs served by cloud pods",
            );
        }
        _ => overlay_flows(&mut f, &t),
    }
    if spec.cloud_services.prometheus {
        let vpcs = end("vpc", crossing(&t.vpcs));
        f.add(
            Protocol::Tcp,
            Some(facts::NODE_EXPORTER_PORT),
            &vpcs,
            &dc,
            "Managed Service for Prometheus scrapes node-exporter on the DC nodes",
        );
    }
    f.out
}

/// The tunnel and control traffic between the two sides of an overlay.
fn overlay_flows(f: &mut Flows, t: &Topology) {
    let families: Vec<Family> = t.families.clone();
    match t.mode {
        NetworkMode::CalicoIpip => {
            f.between_nodes_of(
                Family::V4,
                Protocol::Ipip,
                None,
                "Calico's IPIP tunnels between nodes carry the pods' IPv4 traffic (IP protocol 4)",
            );
            if families.contains(&Family::V6) {
                let (_, underlay) = t.overlay_encapsulation(Family::V6);
                f.between_nodes_of(
                    underlay,
                    Protocol::Udp,
                    Some(facts::CALICO_VXLAN_PORT),
                    "Calico's VXLAN tunnels carry the IPv6 pool (IPIP is IPv4 only)",
                );
            }
            f.between_nodes(
                Protocol::Tcp,
                Some(facts::BGP_PORT),
                "Calico's BGP full mesh includes the ECS nodes: each node learns the others' blocks",
            );
            let nodes = t
                .spec
                .on_prem
                .planned_nodes()
                .saturating_add(t.spec.cloud.max_nodes.max(t.spec.cloud.nodes));
            if nodes > facts::CALICO_TYPHA_RECOMMENDED_NODES {
                let (dc, ecs) = (f.dc_nodes.clone(), f.ecs_nodes.clone());
                f.add(
                    Protocol::Tcp,
                    Some(facts::CALICO_TYPHA_PORT),
                    &ecs,
                    &dc,
                    "calico-node on ECS nodes reaches Typha (operator installs, and manifest installs past 50 nodes)",
                );
            }
        }
        NetworkMode::FlannelVxlan => f.between_nodes(
            Protocol::Udp,
            Some(facts::LINUX_VXLAN_PORT),
            "Flannel's VXLAN tunnels between nodes carry the pods' traffic",
        ),
        NetworkMode::CiliumVxlan => {
            f.between_nodes(
                Protocol::Udp,
                Some(facts::LINUX_VXLAN_PORT),
                "Cilium's VXLAN tunnels between nodes carry the pods' traffic",
            );
            f.between_nodes(
                Protocol::Tcp,
                Some(facts::CILIUM_HEALTH_PORT),
                "cilium-health checks between nodes",
            );
        }
        NetworkMode::CalicoRouteReflector | NetworkMode::CiliumBgp => {}
    }
}
