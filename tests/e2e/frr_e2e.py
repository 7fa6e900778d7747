#!/usr/bin/env python3
"""End-to-end proof of a routing plan on real routers.

For a spec, builds the hybrid network out of Linux network namespaces and veth pairs (DC
pod, DC node, route-reflector stand-in, DC edge, VBR, CEN transit router, VPC router, ECS
node, cloud pod) with the plan's addresses, runs Debian's FRR (zebra, staticd, bgpd as the
`frr` user, sockets in a temporary folder) on the routers, configures the DC edge with
`hybridplan render frr` and the stand-ins from the plan's tables and sessions, waits for
the BGP sessions, then checks:

* the BGP routes each router learned equal the plan's `bgp` entries for that device;
* every connectivity check of the plan holds as real traffic (ping and a TCP connect), and
  `traceroute` shows the hops `trace` predicted;
* a spec that triggers `vbr-route-limit` really overflows a VBR that accepts 110 prefixes,
  and the summary the plan suggests converges.

usage: frr_e2e.py HYBRIDPLAN_BINARY [SCENARIO ...]   (scenarios: reference, cilium-bgp,
       dual-stack, two-edges, two-edges-cilium, overflow; default all). Needs root; without it, says so and exits 77 (skipped).
"""

from __future__ import annotations

import ipaddress
import json
import os
import pathlib
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]
FRR = pathlib.Path("/usr/lib/frr")
SKIP = 77

# Stand-in links between the VBR, the transit router and the VPC router: RFC 2544
# benchmarking space, which no plan uses.
VBR_CEN = ("198.18.0.1/30", "198.18.0.2/30")
CEN_VPC = ("198.18.0.5/30", "198.18.0.6/30")
# The same for IPv6: RFC 5180 benchmarking space.
VBR_CEN6 = ("2001:2::1/64", "2001:2::2/64")
CEN_VPC6 = ("2001:2:0:1::1/64", "2001:2:0:1::2/64")
# The gateway a Calico or Terway pod routes through, answered by proxy ARP on the host side.
POD_GATEWAY = "169.254.1.1"


def sh(*args: str, check: bool = True, timeout: float = 30) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, text=True, check=check, timeout=timeout)


class Failure(Exception):
    pass


class Lab:
    """Namespaces, links and daemons of one run; `close` removes all of them."""

    def __init__(self) -> None:
        self.tag = "hp" + secrets.token_hex(3)
        self.namespaces: list[str] = []
        self.tmp = pathlib.Path(tempfile.mkdtemp(prefix=f"{self.tag}-"))
        shutil.chown(self.tmp, "frr", "frr")
        self.links = 0
        self.addresses: dict[str, str] = {}  # address -> device
        self.daemons: list[pathlib.Path] = []
        self.listeners: list[subprocess.Popen] = []

    def ns(self, device: str) -> str:
        return f"{self.tag}-{device}"

    def add(self, device: str) -> None:
        ns = self.ns(device)
        sh("ip", "netns", "add", ns)
        self.namespaces.append(ns)
        self.run(device, "ip", "link", "set", "lo", "up")
        # Forwarding on; ICMP errors unthrottled, so traceroutes in quick succession each
        # hear every hop (the kernel limits them per destination to one a second).
        for key in ("net.ipv4.ip_forward=1", "net.ipv6.conf.all.forwarding=1",
                    "net.ipv4.icmp_ratelimit=0", "net.ipv6.icmp.ratelimit=0"):
            self.run(device, "sysctl", "-qw", key)

    def run(self, device: str, *args: str, check: bool = True, timeout: float = 30):
        return sh("ip", "netns", "exec", self.ns(device), *args, check=check, timeout=timeout)

    def link(self, a: str, b: str) -> tuple[str, str]:
        """A veth pair between two devices; returns the interface names (a side, b side)."""
        self.links += 1
        ia, ib = f"{self.tag}{self.links}a", f"{self.tag}{self.links}b"
        sh("ip", "link", "add", ia, "type", "veth", "peer", "name", ib)
        sh("ip", "link", "set", ia, "netns", self.ns(a))
        sh("ip", "link", "set", ib, "netns", self.ns(b))
        self.run(a, "ip", "link", "set", ia, "up")
        self.run(b, "ip", "link", "set", ib, "up")
        return ia, ib

    def stub(self, device: str, interface: str) -> None:
        """An interface that is up with nothing behind it (a veth pair kept in one
        namespace: kernels without the dummy module have veth)."""
        self.run(device, "ip", "link", "add", interface, "type", "veth", "peer", "name", f"{interface}-x")
        self.run(device, "ip", "link", "set", interface, "up")
        self.run(device, "ip", "link", "set", f"{interface}-x", "up")

    def address(self, device: str, interface: str, cidr: str) -> None:
        nodad = ["nodad"] if ":" in cidr else []
        self.run(device, "ip", "addr", "replace", cidr, "dev", interface, *nodad)
        self.addresses[cidr.split("/")[0]] = device

    def route(self, device: str, *spec: str) -> None:
        family = "-6" if ":" in spec[0] else "-4"
        self.run(device, "ip", family, "route", "replace", *spec)

    def frr(self, device: str) -> pathlib.Path:
        """Starts zebra, staticd, bfdd and bgpd in the device's namespace; returns the socket
        folder."""
        folder = self.tmp / device
        folder.mkdir()
        shutil.chown(folder, "frr", "frr")
        for daemon in ("zebra", "staticd", "bfdd", "bgpd"):
            # bfdd's control socket defaults to one path for the whole machine.
            own = ["--bfdctl", str(folder / "bfdd.sock")] if daemon == "bfdd" else []
            self.run(
                device, str(FRR / daemon), "-d", "-u", "frr", "-g", "frr",
                "-z", str(folder / "zserv.api"), "-i", str(folder / f"{daemon}.pid"),
                "--vty_socket", str(folder), *own,
            )
            self.daemons.append(folder / f"{daemon}.pid")
            if daemon == "zebra":
                wait(lambda: (folder / "zserv.api").exists(), 10, f"zebra of {device}")
        wait(lambda: (folder / "bgpd.vty").exists(), 10, f"bgpd of {device}")
        return folder

    def vtysh(self, device: str, *commands: str, config: str | None = None) -> str:
        folder = self.tmp / device
        args = ["vtysh", "--vty_socket", str(folder)]
        if config is not None:
            path = folder / "frr.conf"
            path.write_text(config)
            args += ["-f", str(path)]
        for c in commands:
            args += ["-c", c]
        r = self.run(device, *args, check=False)
        errors = [l for l in (r.stdout + r.stderr).splitlines() if "%" in l or l.startswith("line ")]
        if r.returncode != 0 or (config is not None and errors):
            raise Failure(f"vtysh on {device} refused:\n" + "\n".join(errors or [r.stderr]))
        return r.stdout

    def bgp_json(self, device: str, what: str) -> dict:
        return json.loads(self.vtysh(device, what) or "{}")

    def listen(self, device: str, address: str, port: int) -> None:
        code = (
            "import socket,sys\n"
            f"s=socket.socket(socket.AF_INET6 if ':' in {address!r} else socket.AF_INET)\n"
            "s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)\n"
            f"s.bind(({address!r},{port}));s.listen(16)\n"
            "while True:\n c,_=s.accept();c.close()\n"
        )
        p = subprocess.Popen(["ip", "netns", "exec", self.ns(device), sys.executable, "-c", code])
        self.listeners.append(p)

    def close(self) -> None:
        if os.environ.get("HYBRIDPLAN_E2E_KEEP"):
            print(f"frr_e2e: kept namespaces {self.tag}-* and {self.tmp} for inspection")
            return
        for p in self.listeners:
            p.kill()
        for pid_file in self.daemons:
            try:
                os.kill(int(pid_file.read_text().strip()), 15)
            except (OSError, ValueError):
                pass
        time.sleep(0.3)
        for ns in self.namespaces:
            for pid in sh("ip", "netns", "pids", ns, check=False).stdout.split():
                try:
                    os.kill(int(pid), 9)
                except OSError:
                    pass
            sh("ip", "netns", "del", ns, check=False)
        shutil.rmtree(self.tmp, ignore_errors=True)


def wait(ready, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if ready():
            return
        time.sleep(0.2)
    raise Failure(f"timed out waiting for {what}")


def hybridplan(binary: str, *args: str, spec: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([binary, *args], input=spec, capture_output=True, text=True, timeout=60)


def host(cidr: str, index: int) -> str:
    net = ipaddress.ip_network(cidr)
    return str(net.network_address + index)


def with_len(address: str, cidr: str) -> str:
    return f"{address}/{ipaddress.ip_network(cidr).prefixlen}"


def inside(address: str, cidrs) -> str | None:
    a = ipaddress.ip_address(address)
    for c in cidrs:
        if a.version == ipaddress.ip_network(c).version and a in ipaddress.ip_network(c):
            return c
    return None


def v6(address: str) -> bool:
    return ":" in address


def host_prefix(address: str) -> str:
    return f"{address}/128" if v6(address) else f"{address}/32"


def peer_lines(address: str, asn: int) -> list[str]:
    """A BGP neighbour of a stand-in, with test timing: retry the connection every 2 s and
    send updates at once (FRR's traditional defaults wait up to 120 s and 30 s)."""
    return [f" neighbor {address} remote-as {asn}", f" neighbor {address} timers connect 2",
            f" neighbor {address} advertisement-interval 0"]


def vbr_config(vbr: dict, edge_as: int, peers: dict[int, str], networks: list[str]) -> str:
    """The VBR stand-in: Alibaba's VBR AS, its limit of 110 prefixes per peer, and BFD as
    the Terraform's BGP peer enables it; it originates `networks` (the vSwitch routes the
    CEN gives it)."""
    lines = [f"router bgp {vbr.get('asNumber', 45104)}", f" bgp router-id {vbr['localGatewayIp']}",
             " no bgp ebgp-requires-policy", " no bgp default ipv4-unicast"]
    for peer in peers.values():
        lines += peer_lines(peer, edge_as) + [f" neighbor {peer} bfd"]
    for f, peer in peers.items():
        lines.append(f" address-family {afi(f)} unicast")
        lines += [f"  network {c}" for c in networks if family(c) == f]
        lines += [f"  neighbor {peer} activate", f"  neighbor {peer} maximum-prefix 110", " exit-address-family"]
    return "\n".join(lines + ["exit"]) + "\n"


def configure_edge(binary: str, lab: "Lab", text: str, edge_as: int, vbr_gateways: list[str],
                   device: str = "dc-edge") -> None:
    """A DC edge: exactly what `hybridplan render frr` writes, plus the test's timing."""
    run = hybridplan(binary, "render", "frr", "-", "--device", device, spec=text)
    if run.returncode not in (0, 1):  # 1: the spec has errors, the config still renders
        raise Failure(f"render frr failed: {run.stderr}")
    lab.vtysh(device, config=run.stdout)
    if vbr_gateways:
        lab.vtysh(device, "configure terminal", f"router bgp {edge_as}",
                  *[f"neighbor {g} advertisement-interval 0" for g in vbr_gateways])


class Scenario:
    """One spec built as a network: which namespace holds which address, and the FRR setup.
    Both families where the spec is dual-stack."""

    def __init__(self, binary: str, name: str, spec_text: str) -> None:
        self.binary, self.name, self.spec_text = binary, name, spec_text
        self.spec = json.loads(spec_text)
        run = hybridplan(binary, "plan", "-", "--format", "json", spec=spec_text)
        self.plan = json.loads(run.stdout)
        self.tables = {t["device"]: t["entries"] for t in self.plan["routing"]["tables"]}
        self.mode = self.plan["mode"]["selected"]
        self.families = [4, 6] if self.spec.get("ipFamily") == "dual" else [4]

    def check_src(self, frm: str, family: int) -> str | None:
        """The source address the plan's checks use for `frm` in `family`."""
        for c in self.plan["connectivity"]:
            if c["from"].split(" (")[0] == frm and ipaddress.ip_address(c["src"]).version == family:
                return c["src"]
        return None

    # --- the network -------------------------------------------------------------------
    def build(self, lab: Lab) -> None:
        op, cloud, vbr = self.spec["onPrem"], self.spec["cloud"], self.spec["interconnect"]["vbr"]
        edge = op["edgeRouters"][0]
        node_cidrs = op.get("nodeCidrs") or [op["nodeCidr"]]
        dc_node_ip = self.check_src("DC node", 4)
        lan = {4: inside(dc_node_ip, node_cidrs)}
        v6_nodes = [c for c in node_cidrs if v6(c)]
        if 6 in self.families and v6_nodes and edge.get("ipv6"):
            lan[6] = v6_nodes[0]
        self.route_reflector = self.plan["mode"]["bgpTopology"] == "route-reflectors"
        # Further edge routers peer with the cluster only: dc-edge-2, ….
        self.more_edges = [(f"dc-edge-{i + 2}", e) for i, e in enumerate(op["edgeRouters"][1:])]
        devices = ["dc-pod", "dc-node", "dc-edge", "vbr", "cen-tr", "vpc", "ecs-node", "cloud-pod"]
        devices += [d for d, _ in self.more_edges]
        if self.route_reflector:
            devices.append("rr")
        for d in devices:
            lab.add(d)
        edge_ip = {4: edge["ip"], 6: edge.get("ipv6")}

        # DC LAN: a bridge on the edge, the DC node and the route reflector on it.
        lab.run("dc-edge", "ip", "link", "add", "lan", "type", "bridge")
        lab.run("dc-edge", "ip", "link", "set", "lan", "up")
        for f, net in lan.items():
            lab.address("dc-edge", "lan", with_len(edge_ip[f], net))
        self.node_ips: dict[str, dict[int, str]] = {}
        for d, e in self.more_edges:
            a, b = lab.link(d, "dc-edge")
            lab.run("dc-edge", "ip", "link", "set", b, "master", "lan")
            for f, net in lan.items():
                ip = e["ip"] if f == 4 else e.get("ipv6")
                if ip:
                    lab.address(d, a, with_len(ip, net))
        lan_members = ["dc-node"] + (["rr"] if self.route_reflector else [])
        for i, d in enumerate(lan_members):
            a, b = lab.link(d, "dc-edge")
            lab.run("dc-edge", "ip", "link", "set", b, "master", "lan")
            self.node_ips[d] = {}
            for f, net in lan.items():
                planned = self.check_src("DC node", f) if d == "dc-node" else None
                ip = planned or host(net, 0x10 if d == "dc-node" else 200 + i)
                self.node_ips[d][f] = ip
                lab.address(d, a, with_len(ip, net))
            if d == "rr":
                for f in lan:
                    lab.route(d, "::/0" if f == 6 else "default", "via", edge_ip[f])
        # Other DC ranges the edge holds as connected networks.
        lab.stub("dc-edge", "dcnets")
        for c in node_cidrs:
            if c not in lan.values():
                lab.address("dc-edge", "dcnets", with_len(host(c, 1), c))

        # Edge <-> VBR (VLAN link), VBR <-> CEN <-> VPC.
        e_if, v_if = lab.link("dc-edge", "vbr")
        lab.address("dc-edge", e_if, with_len(vbr["peerGatewayIp"], vbr["peeringSubnet"]))
        lab.address("vbr", v_if, with_len(vbr["localGatewayIp"], vbr["peeringSubnet"]))
        vbr_v6 = 6 in self.families and "peerGatewayIpv6" in vbr
        if vbr_v6:
            lab.address("dc-edge", e_if, with_len(vbr["peerGatewayIpv6"], vbr["peeringSubnetIpv6"]))
            lab.address("vbr", v_if, with_len(vbr["localGatewayIpv6"], vbr["peeringSubnetIpv6"]))
        links = {}
        for (x, y), pair in ((("vbr", "cen-tr"), (VBR_CEN, VBR_CEN6)), (("cen-tr", "vpc"), (CEN_VPC, CEN_VPC6))):
            a, b = lab.link(x, y)
            for f, (ax, bx) in zip((4, 6), pair):
                if f in self.families:
                    lab.address(x, a, ax)
                    lab.address(y, b, bx)
            links[(x, y)] = {f: pair[i][1].split("/")[0] for i, f in enumerate((4, 6))}
            links[(y, x)] = {f: pair[i][0].split("/")[0] for i, f in enumerate((4, 6))}

        # VPC router = the vSwitch gateway; the ECS node on the node vSwitch; the cloud pod on it.
        ecs_ip = {4: self.check_src("ECS node", 4)}
        node_vsw = next(v for z in cloud["zones"] for v in z["nodeVSwitches"] if inside(ecs_ip[4], [v["cidr"]]))
        a, b = lab.link("vpc", "ecs-node")
        vsw = {4: node_vsw["cidr"]}
        if 6 in self.families and node_vsw.get("ipv6Cidr"):
            vsw[6] = node_vsw["ipv6Cidr"]
            ecs_ip[6] = self.check_src("ECS node", 6) or host(vsw[6], 0x10)
        for f, net in vsw.items():
            lab.address("vpc", a, with_len(host(net, 1), net))
            lab.address("ecs-node", b, with_len(ecs_ip[f], net))
            lab.route("ecs-node", "::/0" if f == 6 else "default", "via", host(net, 1))

        # Pods, routed the Calico and Terway way: a host route on the node, the node as gateway.
        pod_if, host_if = lab.link("dc-pod", "dc-node")
        self.pod(lab, "dc-pod", pod_if, "dc-node", host_if, "DC pod")
        pod_if, host_if = lab.link("cloud-pod", "ecs-node")
        self.pod(lab, "cloud-pod", pod_if, "ecs-node", host_if, "cloud pod")

        # Services answered on each node (kube-proxy); OSS VIPs at the VPC (the service side).
        for c in self.plan["connectivity"]:
            dst = c["dst"]
            if c["to"].startswith("service"):
                for d in ("dc-node", "ecs-node"):
                    # Host scope: the node answers for it, but never sends from it.
                    # (IPv6 ignores the scope when choosing a source: deprecate it instead.)
                    lab.run(d, "ip", "addr", "replace", host_prefix(dst), "dev", "lo", "scope", "host",
                            *(["preferred_lft", "0"] if v6(dst) else []))
            elif c["to"] in ("OSS", "Container Registry"):
                lab.address("vpc", "lo", host_prefix(dst))

        self.gateway = {
            ("dc-node", "dc-edge"): edge_ip,
            ("dc-edge", "vbr"): {4: vbr["localGatewayIp"], 6: vbr.get("localGatewayIpv6")},
            ("vbr", "dc-edge"): {4: vbr["peerGatewayIp"], 6: vbr.get("peerGatewayIpv6")},
            ("vpc", "ecs-node"): ecs_ip,
            **links,
        }
        # Static, propagated and system routes of the stand-ins, from the plan's tables.
        for device in ("dc-node", "cen-tr", "vpc", "vbr"):
            for e in self.tables.get(device, []):
                nxt = e.get("nextDevice")
                if e["origin"] in ("bgp", "connected") or not nxt:
                    continue
                family = ipaddress.ip_network(e["destination"]).version
                via = self.gateway.get((device, nxt), {}).get(family)
                # A destination that holds its own gateway is the connected link itself.
                link = ipaddress.ip_network(e["destination"]).prefixlen > 0 and inside(via or "", [e["destination"]])
                if via and family in self.families and not link:
                    lab.route(device, e["destination"], "via", via)

    def pod(self, lab: Lab, pod: str, pod_if: str, node: str, host_if: str, kind: str) -> None:
        lab.route(pod, POD_GATEWAY, "dev", pod_if, "scope", "link")
        lab.run(node, "sysctl", "-qw", f"net.ipv4.conf.{host_if}.proxy_arp=1")
        lab.address(node, host_if, "fe80::1/64")
        for f in self.families:
            ip = self.check_src(kind, f)
            if not ip:
                continue
            lab.address(pod, pod_if, host_prefix(ip))
            if f == 4:
                lab.route(pod, "default", "via", POD_GATEWAY, "dev", pod_if)
            else:
                lab.route(pod, "::/0", "via", "fe80::1", "dev", pod_if)
            lab.route(node, host_prefix(ip), "dev", host_if)

    # --- BGP ---------------------------------------------------------------------------
    def configure_bgp(self, lab: Lab) -> None:
        op, vbr = self.spec["onPrem"], self.spec["interconnect"]["vbr"]
        edge = op["edgeRouters"][0]
        dc_as, edge_as = op.get("asNumber", 64512), edge["asNumber"]
        edge_ip = {4: edge["ip"], 6: edge.get("ipv6")}
        speakers = ["dc-node"] + (["rr"] if self.route_reflector else [])
        for d in ["dc-edge", "vbr", *speakers, *[d for d, _ in self.more_edges]]:
            lab.frr(d)
        sessions = self.plan["routing"]["bgpSessions"]
        # What the VBR publishes: the vSwitches, in every family whose session exists.
        cloud_routes = [c for s in sessions if s["role"] == "edge-vbr" for c in s["peer"]["advertises"]]
        self.families_up = [f for f in self.families if f == 4 or "peerGatewayIpv6" in vbr]

        peers = {f: vbr["peerGatewayIp"] if f == 4 else vbr["peerGatewayIpv6"] for f in self.families_up}
        lab.vtysh("vbr", config=vbr_config(vbr, edge_as, peers, cloud_routes))

        # The DC node: its pod block (Calico) or PodCIDR (Cilium) and the service range,
        # which Calico (serviceClusterIPs) and Cilium (a ClusterIP advertisement) announce.
        origin: dict[int, list[str]] = {}
        for budget in self.plan["addressing"]["dcPods"]:
            f = 6 if budget["family"] == "ipv6" else 4
            pod_ip = self.check_src("DC pod", f)
            if f in self.families and pod_ip:
                block = str(ipaddress.ip_network(f"{pod_ip}/{budget['unitPrefixLength']}", strict=False))
                origin[f] = [block]
        for c in op.get("serviceCidrs", [op.get("serviceCidr")]):
            if c and family(c) in origin:
                origin[family(c)].append(c)
        uplink = "rr" if self.route_reflector else None
        node_lines = [f"{'ipv6' if f == 6 else 'ip'} route {c} blackhole" for f in origin for c in origin[f]]
        node_lines += [f"router bgp {dc_as}", f" bgp router-id {self.node_ips['dc-node'][4]}",
                       " no bgp ebgp-requires-policy", " no bgp default ipv4-unicast"]
        # Every edge router's address, per family: the node (or the reflector) peers with each.
        edges = [edge] + [e for _, e in self.more_edges]
        edge_ips = {f: [e["ip"] if f == 4 else e["ipv6"] for e in edges if f == 4 or e.get("ipv6")] for f in (4, 6)}
        if uplink:
            node_peer = {f: [(self.node_ips["rr"][f], dc_as)] for f in origin if f in self.node_ips["dc-node"]}
        else:
            node_peer = {f: [(ip, e["asNumber"]) for ip, e in zip(edge_ips[f], edges)]
                         for f in origin if f in self.node_ips["dc-node"]}
        for pairs in node_peer.values():
            for peer, asn in pairs:
                node_lines += peer_lines(peer, asn)
        for f, pairs in node_peer.items():
            node_lines.append(f" address-family {afi(f)} unicast")
            node_lines += [f"  network {c}" for c in origin[f]]
            node_lines += [f"  neighbor {peer} activate" for peer, _ in pairs]
            node_lines.append(" exit-address-family")
        lab.vtysh("dc-node", config="\n".join(node_lines + ["exit"]) + "\n")

        if uplink:
            rr = self.node_ips["rr"]
            client = self.node_ips["dc-node"]
            rr_lines = [f"router bgp {dc_as}", f" bgp router-id {rr[4]}", " no bgp ebgp-requires-policy",
                        " no bgp default ipv4-unicast"]
            for f in rr:
                rr_lines.append(f" neighbor {client[f]} remote-as {dc_as}")
                for ip, e in zip(edge_ips[f], edges):
                    rr_lines += peer_lines(ip, e["asNumber"])
            for f in rr:
                rr_lines += [f" address-family {afi(f)} unicast",
                             f"  neighbor {client[f]} activate",
                             f"  neighbor {client[f]} route-reflector-client"]
                for ip in edge_ips[f]:
                    # Calico's nextHopMode: Keep: the edge routes to the node owning the block.
                    rr_lines += [f"  neighbor {ip} activate", f"  neighbor {ip} attribute-unchanged next-hop"]
                rr_lines.append(" exit-address-family")
            lab.vtysh("rr", config="\n".join(rr_lines + ["exit"]) + "\n")

        vbr_side = {4: vbr["localGatewayIp"], 6: vbr.get("localGatewayIpv6")}
        configure_edge(self.binary, lab, self.spec_text, edge_as, [vbr_side[f] for f in self.families_up])
        for d, e in self.more_edges:
            configure_edge(self.binary, lab, self.spec_text, e["asNumber"], [], device=d)

    def peers_up(self, lab: Lab, device: str, f: int) -> int:
        summary = lab.bgp_json(device, f"show bgp {afi(f)} unicast summary json")
        return sum(1 for p in summary.get("peers", {}).values() if p.get("state") == "Established")

    @staticmethod
    def bfd_up(lab: Lab, peer: str) -> bool:
        peers = json.loads(lab.vtysh("dc-edge", "show bfd peers json") or "[]")
        return any(p.get("peer") == peer and p.get("status") == "up" for p in peers)

    def wait_converged(self, lab: Lab) -> None:
        wait(lambda: all(self.peers_up(lab, "vbr", f) >= 1 and self.peers_up(lab, "dc-edge", f) >= 2
                         for f in self.families_up)
             and all(self.peers_up(lab, d, 4) >= 1 for d, _ in self.more_edges), 60, "BGP sessions to come up")
        vbr = self.spec["interconnect"]["vbr"]
        vbr_side = {4: vbr["localGatewayIp"], 6: vbr.get("localGatewayIpv6")}
        wait(lambda: all(self.bfd_up(lab, vbr_side[f]) for f in self.families_up), 30,
             "BFD between the DC edge and the VBR")
        expected = set(self.plan["routing"]["vbrAdvertisement"]["prefixes"])
        expected = {p for p in expected if family(p) in self.families_up}
        wait(lambda: set(self.learned(lab, "vbr")) == expected, 60, "the VBR to learn the DC summary")
        # Then give the rest of the updates a moment to settle before comparing tables.
        try:
            wait(lambda: not self.check_routes(lab), 15, "the learned routes to match the plan")
        except Failure:
            pass  # check_routes reports the difference

    def learned(self, lab: Lab, device: str) -> list[str]:
        """Prefixes the device learned from a BGP neighbour (not originated by itself)."""
        out = []
        for f in self.families_up:
            table = lab.bgp_json(device, f"show bgp {afi(f)} unicast json").get("routes", {})
            for prefix, paths in table.items():
                if any(p.get("peerId") not in (None, "(unspec)", "0.0.0.0", "::") for p in paths):
                    out.append(prefix)
        return sorted(out)

    def check_routes(self, lab: Lab) -> list[str]:
        problems = []
        pods = [c for b in self.plan["addressing"]["dcPods"] for c in b["cidrs"]]
        for device in ("dc-edge", "vbr", *[d for d, _ in self.more_edges]):
            planned = {e["destination"] for e in self.tables[device]
                       if e["origin"] == "bgp" and family(e["destination"]) in self.families_up}
            learned = set(self.learned(lab, device))
            # Per-block (or per-node) routes stand for the DC pod range they fall in.
            seen = {(inside(p.split("/")[0], pods) or p) if p not in planned else p for p in learned}
            if seen != planned:
                problems.append(f"{device}: learned {sorted(learned)}, plan says {sorted(planned)}")
        return problems

    # --- traffic -----------------------------------------------------------------------
    def check_traffic(self, lab: Lab) -> list[str]:
        problems = []
        where = {"DC node": "dc-node", "DC pod": "dc-pod", "ECS node": "ecs-node", "cloud pod": "cloud-pod"}
        port = {"DC node": 10250, "ECS node": 10250, "DC pod": 8080, "cloud pod": 8080, "service": 443, "OSS": 443,
                "Container Registry": 443}
        started = set()
        for c in self.plan["connectivity"]:
            frm, to = c["from"].split(" (")[0], c["to"].split(" (")[0]
            if family(c["dst"]) not in self.families_up:
                continue
            src_ns = where[frm]
            dst_ns = where.get(to) or ("vpc" if to in ("OSS", "Container Registry")
                                       else {"dc-pod": "dc-node", "cloud-pod": "ecs-node"}[src_ns])
            tcp = port[to]
            if (dst_ns, c["dst"], tcp) not in started:
                lab.listen(dst_ns, c["dst"], tcp)
                started.add((dst_ns, c["dst"], tcp))
            sides = ["--src-node", c["srcNode"]] + (["--dst-node", c["dstNode"]] if c.get("dstNode") else [])
            trace = json.loads(hybridplan(self.binary, "trace", "-", c["src"], c["dst"], *sides, "--format", "json",
                                          spec=self.spec_text).stdout)
            if trace["outcome"] != c["outcome"]:
                problems.append(f"{c['from']} -> {c['to']}: the check says {c['outcome']}, trace {trace['outcome']}")
            expect_ok = trace["outcome"] == "delivered"
            time.sleep(0.2)
            connect = lab.run(src_ns, sys.executable, "-c",
                              "import socket,sys;s=socket.create_connection((sys.argv[1],int(sys.argv[2])),2,(sys.argv[3],0))",
                              c["dst"], str(tcp), c["src"], check=False)
            # Neighbour discovery along six hops can cost the first echo: send three.
            ping = lab.run(src_ns, "ping", "-c", "3", "-i", "0.2", "-W", "2", "-I", c["src"], c["dst"], check=False)
            ok = ping.returncode == 0 and connect.returncode == 0
            label = f"{c['from']} -> {c['to']} ({c['src']} -> {c['dst']})"
            if ok != expect_ok:
                problems.append(f"{label}: plan expects {'delivery' if expect_ok else 'no delivery'}, "
                                f"ping rc {ping.returncode}, tcp rc {connect.returncode} "
                                f"{connect.stderr.strip()[-120:]}")
                continue
            if not expect_ok or len(c["path"]) < 2:
                continue
            hops = self.traceroute(lab, src_ns, c["src"], c["dst"])
            predicted = [h["device"] for h in trace["hops"]]
            if src_ns == predicted[0]:
                predicted = predicted[1:]
            if hops != predicted:
                problems.append(f"{label}: traceroute went {hops}, trace predicted {predicted}")
        return problems

    def traceroute(self, lab: Lab, ns: str, src: str, dst: str) -> list[str]:
        six = ["-6"] if v6(dst) else []
        r = lab.run(ns, "traceroute", *six, "-n", "-q", "1", "-w", "1", "-m", "12", "-s", src, dst, check=False)
        hops = []
        for line in r.stdout.splitlines()[1:]:
            m = re.match(r"\s*\d+\s+(\S+)", line)
            if not m:
                continue
            addr = m.group(1)
            if addr == dst:
                # The destination answered: a node is a hop of the path, a pod is not.
                owner = lab.addresses.get(dst)
                if owner and not owner.endswith("-pod"):
                    hops.append(owner)
                break
            hops.append(lab.addresses.get(addr, addr))
        return hops


def family(prefix: str) -> int:
    return 6 if v6(prefix) else 4


def afi(f: int) -> str:
    return "ipv6" if f == 6 else "ipv4"


def spec_of(vector: str) -> str:
    v = json.loads((ROOT / "tests" / "vectors" / f"{vector}.json").read_text())
    return json.dumps(v["spec"])


def run_scenario(binary: str, name: str, vector: str) -> list[str]:
    scenario = Scenario(binary, name, spec_of(vector))
    lab = Lab()
    try:
        scenario.build(lab)
        scenario.configure_bgp(lab)
        scenario.wait_converged(lab)
        problems = scenario.check_routes(lab) + scenario.check_traffic(lab)
        return [f"{name}: {p}" for p in problems]
    except (Failure, subprocess.SubprocessError) as e:
        return [f"{name}: {e}"]
    finally:
        lab.close()


def overflow(binary: str) -> list[str]:
    """The spec of the `vbr-route-limit` vector overflows a 110-prefix VBR; renumbered into
    the summary block its hint names, it converges."""
    spec = json.loads(spec_of("code-vbr-route-limit"))
    plan = json.loads(hybridplan(binary, "plan", "-", spec=json.dumps(spec)).stdout)
    diag = next(d for d in plan["diagnostics"] if d["code"] == "vbr-route-limit")
    block = re.search(r"e\.g\. (\S+?),", diag["hint"]).group(1)
    problems = []
    for label, nodes, want_up in (("overflow", None, False), ("summarised", [block], True)):
        s = json.loads(json.dumps(spec))
        if nodes:
            s["onPrem"]["nodeCidrs"] = nodes
        text = json.dumps(s)
        lab = Lab()
        try:
            edge_session_up = edge_vbr_only(binary, lab, s, text)
            if edge_session_up != want_up:
                problems.append(f"{label}: VBR session {'up' if edge_session_up else 'down'}, expected "
                                f"{'up' if want_up else 'dropped at 110 prefixes'}")
        except (Failure, subprocess.SubprocessError) as e:
            problems.append(f"{label}: {e}")
        finally:
            lab.close()
    return problems


def edge_vbr_only(binary: str, lab: Lab, spec: dict, text: str) -> bool:
    """Edge and VBR only; True when the session stays up with every prefix, False when the
    VBR tears it down for exceeding its prefix limit."""
    vbr = spec["interconnect"]["vbr"]
    op = spec["onPrem"]
    edge_as = op["edgeRouters"][0]["asNumber"]
    for d in ("dc-edge", "vbr"):
        lab.add(d)
    lab.stub("dc-edge", "dcnets")
    for c in op.get("nodeCidrs") or [op["nodeCidr"]]:
        lab.address("dc-edge", "dcnets", with_len(host(c, 1), c))
    a, b = lab.link("dc-edge", "vbr")
    lab.address("dc-edge", a, with_len(vbr["peerGatewayIp"], vbr["peeringSubnet"]))
    lab.address("vbr", b, with_len(vbr["localGatewayIp"], vbr["peeringSubnet"]))
    for d in ("dc-edge", "vbr"):
        lab.frr(d)
    peer = vbr["peerGatewayIp"]
    lab.vtysh("vbr", config=vbr_config(vbr, edge_as, {4: peer}, []))
    configure_edge(binary, lab, text, edge_as, [vbr["localGatewayIp"]])
    expected = len(plan_prefixes(binary, text))
    # The session comes up, then either the VBR accepts every prefix and stays up, or it
    # counts past 110 and tears the session down (state "Idle (PfxCt)").
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        peer_state = lab.bgp_json("vbr", "show bgp ipv4 unicast summary json").get("peers", {}).get(peer, {})
        if peer_state.get("peerState") == "PfxCt":
            return False
        if peer_state.get("state") == "Established" and peer_state.get("pfxRcd") == expected:
            time.sleep(2)  # still up a moment later, nothing more arriving
            again = lab.bgp_json("vbr", "show bgp ipv4 unicast summary json")["peers"][peer]
            return again.get("state") == "Established"
        time.sleep(0.3)
    raise Failure(f"VBR session neither converged on {expected} prefixes nor overflowed in 30 s")


def plan_prefixes(binary: str, text: str) -> list[str]:
    plan = json.loads(hybridplan(binary, "plan", "-", spec=text).stdout)
    return [p for p in plan["routing"]["vbrAdvertisement"]["prefixes"] if ":" not in p]


SCENARIOS = {
    "reference": "scenario-reference",
    "cilium-bgp": "scenario-cilium-bgp",
    "dual-stack": "scenario-dual-stack-routed",
    "two-edges": "scenario-two-edges-dual-stack",
    "two-edges-cilium": "scenario-two-edges-cilium-bgp",
}


def main() -> int:
    if os.geteuid() != 0:
        print("frr_e2e: SKIPPED: needs root (network namespaces, FRR daemons)")
        return SKIP
    if not (FRR / "bgpd").exists() or not shutil.which("traceroute"):
        print("frr_e2e: FRR or traceroute missing: apt-get install frr traceroute", file=sys.stderr)
        return 1
    binary = sys.argv[1]
    wanted = sys.argv[2:] or [*SCENARIOS, "overflow"]
    problems = []
    for name in wanted:
        start = time.monotonic()
        found = overflow(binary) if name == "overflow" else run_scenario(binary, name, SCENARIOS[name])
        status = "ok" if not found else f"{len(found)} problem(s)"
        print(f"frr_e2e: {name}: {status} ({time.monotonic() - start:.1f} s)")
        problems += found
    return finish(problems)


def finish(problems: list[str]) -> int:
    """Lists the problems found; the exit status: 1 if there are any."""
    for p in problems:
        print(f"  {p}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
