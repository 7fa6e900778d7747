#!/usr/bin/env python3
"""Two Express Connect circuits on real routers: failover proven with real BGP, BFD and packets.

For each redundancy design (active/active, active/standby) the plan of a two-circuit spec is
built out of network namespaces: a DC node on a LAN with two DC edge routers (FRR, configured
by `hybridplan render frr`), each edge on its own circuit to its own VBR stand-in (FRR, BFD,
110 prefixes per peer), both VBRs joined to a transit-router stand-in (FRR, ECMP over both),
then the VPC router and an ECS node. At each stage (both circuits up, one circuit's link down
by `ip link set down` on the veth, the link back up) it checks that:

* the routes each edge router and the transit router use are the plan's for that stage
  (`hybridplan plan --fail DEVICE`): per destination, the devices of the paths in use;
* traffic takes the planned circuits: packets counted on each circuit link (active/active:
  both carry flows; active/standby: only the primary);
* with a circuit down, the DC node still reaches the ECS node, and the time from the link
  going down to the first reply over the surviving circuit is measured and reported.

usage: frr_failover.py HYBRIDPLAN_BINARY [active-active|active-standby ...]. Needs root;
without it, says so and exits 77 (skipped).
"""

from __future__ import annotations

import ipaddress
import json
import os
import pathlib
import shutil
import subprocess
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from frr_e2e import FRR, SKIP, Failure, Lab, finish, hybridplan, peer_lines, wait, with_len  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]
VECTORS = {"active-active": "scenario-two-circuits-active-active",
           "active-standby": "scenario-two-circuits-active-standby"}
# Stand-in links between the VBRs, the transit router and the VPC router: RFC 2544 space.
VBR_TR = [("198.18.0.1/30", "198.18.0.2/30"), ("198.18.0.5/30", "198.18.0.6/30")]
TR_VPC = ("198.18.0.9/30", "198.18.0.10/30")
FLOWS = 64
# BFD (every 300 ms each way) and BGP keepalives cross an idle circuit too: a circuit that
# carries no flow still counts a few packets while the flows are sent.
IDLE = 12


class Circuits:
    def __init__(self, binary: str, design: str) -> None:
        self.binary, self.design = binary, design
        vector = json.loads((ROOT / "tests/vectors" / f"{VECTORS[design]}.json").read_text())
        self.spec = vector["spec"]
        self.text = json.dumps(self.spec)
        self.plan = self.plan_after([])
        self.vbrs = self.spec["interconnect"]["vbrs"]
        self.edges = self.spec["onPrem"]["edgeRouters"]
        checks = self.plan["connectivity"]
        self.dc_ip = next(c["src"] for c in checks if c["from"] == "DC node")
        self.ecs_ip = next(c["src"] for c in checks if c["from"] == "ECS node")

    def plan_after(self, failed: list[str]) -> dict:
        args = [a for d in failed for a in ("--fail", d)]
        run = hybridplan(self.binary, "plan", "-", "--format", "json", *args, spec=self.text)
        return json.loads(run.stdout)

    # --- the network -------------------------------------------------------------------
    def build(self, lab: Lab) -> None:
        for d in ("lan", "dc-node", "dc-edge", "dc-edge-2", "vbr", "vbr-2", "cen-tr", "vpc", "ecs-node"):
            lab.add(d)
        lab.run("lan", "ip", "link", "add", "switch", "type", "bridge")
        lab.run("lan", "ip", "link", "set", "switch", "up")
        net = self.spec["onPrem"]["nodeCidrs"][0]
        # The node's planned address, and more of the node range to probe from: ECMP spreads
        # flows by their addresses, and the failover is timed on a ping that crosses the
        # circuit that fails.
        hosts = ipaddress.ip_network(net).hosts()
        self.sources = [self.dc_ip] + [str(h) for h, _ in zip((h for h in hosts if int(h) & 0xff >= 100), range(16))]
        for d, ip in (("dc-node", self.dc_ip), ("dc-edge", self.edges[0]["ip"]), ("dc-edge-2", self.edges[1]["ip"])):
            a, b = lab.link(d, "lan")
            lab.run("lan", "ip", "link", "set", b, "master", "switch")
            lab.address(d, a, with_len(ip, net))
            if d == "dc-node":
                for extra in self.sources[1:]:
                    lab.run(d, "ip", "addr", "add", with_len(extra, net), "dev", a, check=False)
        self.circuit_if: dict[str, str] = {}  # VBR device -> the edge's interface on the circuit
        for i, (vbr, edge, vbr_dev) in enumerate(zip(self.vbrs, ("dc-edge", "dc-edge-2"), ("vbr", "vbr-2"))):
            e_if, v_if = lab.link(edge, vbr_dev)
            lab.address(edge, e_if, with_len(vbr["peerGatewayIp"], vbr["peeringSubnet"]))
            lab.address(vbr_dev, v_if, with_len(vbr["localGatewayIp"], vbr["peeringSubnet"]))
            self.circuit_if[vbr_dev] = e_if
            a, b = lab.link(vbr_dev, "cen-tr")
            lab.address(vbr_dev, a, VBR_TR[i][0])
            lab.address("cen-tr", b, VBR_TR[i][1])
        a, b = lab.link("cen-tr", "vpc")
        lab.address("cen-tr", a, TR_VPC[0])
        lab.address("vpc", b, TR_VPC[1])
        vsw = next(v["cidr"] for z in self.spec["cloud"]["zones"] for v in z["nodeVSwitches"])
        gw = str(next(ipaddress.ip_network(vsw).hosts()))
        a, b = lab.link("vpc", "ecs-node")
        lab.address("vpc", a, with_len(gw, vsw))
        lab.address("ecs-node", b, with_len(self.ecs_ip, vsw))
        lab.route("ecs-node", "default", "via", gw)
        # Flows spread over equal paths by their ports, as a DC's and the cloud's ECMP do.
        for d in ("dc-node", "cen-tr"):
            lab.run(d, "sysctl", "-qw", "net.ipv4.fib_multipath_hash_policy=1")
        # The DC node's default routes: the plan's paths, equal (ECMP) or ranked (metric).
        paths = [e for e in self.table("dc-node") if e["destination"] == "0.0.0.0/0"]
        via = {"dc-edge": self.edges[0]["ip"], "dc-edge-2": self.edges[1]["ip"]}
        if all(e["path"] == "ecmp" for e in paths):
            hops = [w for e in paths for w in ("nexthop", "via", via[e["nextDevice"]])]
            lab.route("dc-node", "default", *hops)
        else:
            for rank, e in enumerate(paths):
                lab.run("dc-node", "ip", "route", "add", "default", "via", via[e["nextDevice"]],
                        "metric", str(10 * (rank + 1)))
        # The VPC router: the DC's prefixes through the transit router.
        for e in self.table("vpc"):
            if e.get("nextDevice") == "cen-tr":
                lab.route("vpc", e["destination"], "via", TR_VPC[0].split("/")[0])

    def table(self, device: str, plan: dict | None = None) -> list[dict]:
        plan = plan or self.plan
        return next((t["entries"] for t in plan["routing"]["tables"] if t["device"] == device), [])

    def configure(self, lab: Lab) -> None:
        for d in ("dc-node", "dc-edge", "dc-edge-2", "vbr", "vbr-2", "cen-tr"):
            lab.frr(d)
        dc_as = self.spec["onPrem"].get("asNumber", 64512)
        # The DC side of the sessions (route reflectors in the plan): the node's block and
        # the service range, to both edges.
        block = str(ipaddress.ip_network(f"{self.spec['onPrem']['podCidr']}").subnets(new_prefix=26).__next__())
        lines = [f"ip route {block} blackhole", f"router bgp {dc_as}", f" bgp router-id {self.dc_ip}",
                 " no bgp ebgp-requires-policy", " no bgp default ipv4-unicast"]
        for e in self.edges:
            lines += peer_lines(e["ip"], e["asNumber"])
        lines += [" address-family ipv4 unicast", f"  network {block}"]
        lines += [f"  neighbor {e['ip']} activate" for e in self.edges]
        lab.vtysh("dc-node", config="\n".join(lines + [" exit-address-family", "exit"]) + "\n")
        for i, (edge, device) in enumerate(zip(self.edges, ("dc-edge", "dc-edge-2"))):
            run = hybridplan(self.binary, "render", "frr", "-", "--device", device, spec=self.text)
            lab.vtysh(device, config=run.stdout)
            others = [e["ip"] for e in self.edges if e is not edge]
            # Test timing only: retry connections every 2 s, send updates at once.
            lab.vtysh(device, "configure terminal", f"router bgp {edge['asNumber']}",
                      *[f"neighbor {n} {t}" for n in [self.vbrs[i]["localGatewayIp"], *others]
                        for t in ("timers connect 2", "advertisement-interval 0")])
        sessions = self.plan["routing"]["bgpSessions"]
        tr_as = self.vbrs[0].get("asNumber", 45104)
        tr = [f"router bgp {tr_as}", f" bgp router-id {TR_VPC[0].split('/')[0]}", " no bgp ebgp-requires-policy",
              " no bgp default ipv4-unicast"]
        tr_af = [" address-family ipv4 unicast", "  maximum-paths ibgp 2"]
        for i, (vbr, device) in enumerate(zip(self.vbrs, ("vbr", "vbr-2"))):
            cloud = [c for s in sessions if s["role"] == "edge-vbr" and s["peer"]["device"] == device
                     for c in s["peer"]["advertises"]]
            # The VBR's routes toward the cloud: through the transit router.
            for e in self.table(device):
                if e.get("nextDevice") == "cen-tr":
                    lab.route(device, e["destination"], "via", VBR_TR[i][1].split("/")[0])
            peer, tr_side = vbr["peerGatewayIp"], VBR_TR[i][1].split("/")[0]
            edge_as = self.edges[i]["asNumber"]
            v = [f"router bgp {tr_as}", f" bgp router-id {vbr['localGatewayIp']}", " no bgp ebgp-requires-policy",
                 " no bgp default ipv4-unicast", *peer_lines(peer, edge_as), f" neighbor {peer} bfd",
                 *peer_lines(tr_side, tr_as), " address-family ipv4 unicast",
                 *[f"  network {c}" for c in cloud], f"  neighbor {peer} activate",
                 f"  neighbor {peer} maximum-prefix 110", f"  neighbor {tr_side} activate",
                 f"  neighbor {tr_side} next-hop-self", " exit-address-family", "exit"]
            lab.vtysh(device, config="\n".join(v) + "\n")
            tr += peer_lines(VBR_TR[i][0].split("/")[0], tr_as)
            tr_af.append(f"  neighbor {VBR_TR[i][0].split('/')[0]} activate")
        for e in self.table("cen-tr"):
            if e.get("nextDevice") == "vpc":
                lab.route("cen-tr", e["destination"], "via", TR_VPC[1].split("/")[0])
        lab.vtysh("cen-tr", config="\n".join(tr + tr_af + [" exit-address-family", "exit"]) + "\n")

    # --- what the routers use ----------------------------------------------------------
    def device_of(self, lab: Lab, address: str) -> str:
        if address in (VBR_TR[0][0].split("/")[0],):
            return "vbr"
        if address in (VBR_TR[1][0].split("/")[0],):
            return "vbr-2"
        return lab.addresses.get(address, address)

    def in_use(self, lab: Lab, device: str, prefix: str) -> set[str]:
        routes = json.loads(lab.vtysh(device, f"show ip route {prefix} longer-prefixes json") or "{}")
        for r in routes.get(prefix, []):
            if r.get("selected"):
                return {self.device_of(lab, h["ip"]) for h in r.get("nexthops", [])
                        if h.get("active") and "ip" in h}
        return set()

    def route_problems(self, lab: Lab, plan: dict) -> list[str]:
        problems = []
        routers = ("dc-edge", "dc-edge-2", "vbr", "vbr-2", "cen-tr", "dc-node", "vpc", "ecs-node")
        for device in ("dc-edge", "dc-edge-2", "cen-tr"):
            if not any(t["device"] == device for t in plan["routing"]["tables"]):
                continue
            best: dict[str, set[str]] = {}
            for e in self.table(device, plan):
                nxt = e.get("nextDevice")
                if nxt not in routers or nxt == "dc-node" or e["origin"] == "connected":
                    continue
                if e["destination"] in best and e.get("path") == "backup":
                    continue
                if e.get("path") == "backup":
                    best[e["destination"]] = {nxt}
                    continue
                best.setdefault(e["destination"], set()).add(nxt)
            for prefix, devices in best.items():
                used = self.in_use(lab, device, prefix)
                if used != devices:
                    problems.append(f"{device} {prefix}: uses {sorted(used)}, plan says {sorted(devices)}")
        # What each VBR that is up learned from its edge: the plan's BGP entries, prefix for prefix.
        for device in ("vbr", "vbr-2"):
            if not any(t["device"] == device for t in plan["routing"]["tables"]):
                continue
            planned = {e["destination"] for e in self.table(device, plan) if e["origin"] == "bgp"}
            routes = json.loads(lab.vtysh(device, "show bgp ipv4 unicast json") or "{}").get("routes", {})
            edge_ip = self.vbrs[0 if device == "vbr" else 1]["peerGatewayIp"]
            learned = {prefix for prefix, paths in routes.items()
                       if any(p.get("peerId") == edge_ip for p in paths)}
            if learned != planned:
                problems.append(f"{device} learned {sorted(learned)}, plan says {sorted(planned)}")
        return problems

    def converge(self, lab: Lab, plan: dict, what: str) -> list[str]:
        try:
            wait(lambda: not self.route_problems(lab, plan), 45, f"the routes {what} to match the plan")
        except Failure:
            pass
        return [f"{what}: {p}" for p in self.route_problems(lab, plan)]

    # --- traffic -----------------------------------------------------------------------
    def counters(self, lab: Lab) -> dict[str, int]:
        out = {}
        for vbr_dev, edge in (("vbr", "dc-edge"), ("vbr-2", "dc-edge-2")):
            iface = self.circuit_if[vbr_dev]
            stats = lab.run(edge, "cat", f"/sys/class/net/{iface}/statistics/tx_packets",
                            f"/sys/class/net/{iface}/statistics/rx_packets").stdout.split()
            out[vbr_dev] = int(stats[0]) + int(stats[1])
        return out

    def flows(self, lab: Lab) -> dict[str, int]:
        """UDP flows both ways (FLOWS source ports each): packets counted on each circuit."""
        before = self.counters(lab)
        send = ("import socket,sys\n"
                "for p in range(40000,40000+int(sys.argv[3])):\n"
                " s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM);s.bind((sys.argv[1],p))\n"
                " s.sendto(b'x'*64,(sys.argv[2],9));s.close()\n")
        lab.run("dc-node", sys.executable, "-c", send, self.dc_ip, self.ecs_ip, str(FLOWS))
        lab.run("ecs-node", sys.executable, "-c", send, self.ecs_ip, self.dc_ip, str(FLOWS))
        time.sleep(0.3)
        after = self.counters(lab)
        return {k: after[k] - before[k] for k in after}

    def source_across(self, lab: Lab, vbr_dev: str) -> tuple[str, int]:
        """A DC node address whose ping to the ECS node crosses `vbr_dev` (flows spread over
        equal paths by their addresses), and how many of 20 echoes' packets did."""
        best = (self.dc_ip, -1)
        for source in self.sources:
            before = self.counters(lab)[vbr_dev]
            lab.run("dc-node", "ping", "-n", "-q", "-c", "20", "-i", "0.005", "-W", "1", "-I", source,
                    self.ecs_ip, check=False)
            crossed = self.counters(lab)[vbr_dev] - before
            if crossed > best[1]:
                best = (source, crossed)
            if crossed >= 40:  # requests and replies
                break
        return best

    def failover_time(self, lab: Lab, vbr_dev: str, source: str) -> float | None:
        """Seconds from the circuit's link going down to the first reply after it."""
        edge = "dc-edge" if vbr_dev == "vbr" else "dc-edge-2"
        ping = subprocess.Popen(["ip", "netns", "exec", lab.ns("dc-node"), "ping", "-D", "-n", "-i", "0.01",
                                 "-W", "1", "-c", "400", "-I", source, self.ecs_ip],
                                stdout=subprocess.PIPE, text=True)
        time.sleep(1.0)
        down = time.time()
        lab.run(edge, "ip", "link", "set", self.circuit_if[vbr_dev], "down")
        out, _ = ping.communicate(timeout=15)
        for line in out.splitlines():
            if line.startswith("[") and "bytes from" in line:
                stamp = float(line[1:line.index("]")])
                if stamp > down + 0.0005:
                    return stamp - down
        print(f"frr_failover: no reply after {vbr_dev} went down; ping said:\n{out[-600:]}")
        return None


def run(binary: str, design: str) -> tuple[list[str], list[str]]:
    c = Circuits(binary, design)
    lab = Lab()
    problems, report = [], []
    try:
        c.build(lab)
        c.configure(lab)
        problems += c.converge(lab, c.plan, "both circuits up")
        both = c.flows(lab)
        report.append(f"{design}, both up: packets on vbr {both['vbr']}, on vbr-2 {both['vbr-2']}")
        if design == "active-active" and not (both["vbr"] > IDLE + FLOWS // 4 and both["vbr-2"] > IDLE + FLOWS // 4):
            problems.append(f"{design}: both circuits should carry flows: {both}")
        if design == "active-standby" and both["vbr-2"] > IDLE:
            problems.append(f"{design}: only the primary should carry flows: {both}")
        for vbr_dev in ("vbr", "vbr-2"):
            edge = "dc-edge" if vbr_dev == "vbr" else "dc-edge-2"
            source, crossed = c.source_across(lab, vbr_dev)
            seconds = c.failover_time(lab, vbr_dev, source)
            plan = c.plan_after([vbr_dev])
            problems += c.converge(lab, plan, f"{vbr_dev}'s link down")
            moved = c.flows(lab)
            timing = "none" if seconds is None else f"{seconds * 1000:.0f} ms"
            standby = design == "active-standby" and vbr_dev != "vbr"
            if standby:
                timing += " (the standby carried no ping: nothing to fail over)"
            else:
                timing += f" (ping from {source}; {crossed} packets on {vbr_dev} in 20 echoes before)"
                if crossed < 20:
                    problems.append(f"{design}: no DC node address found whose ping crosses {vbr_dev}")
            report.append(f"{design}, {vbr_dev}'s link down: first reply after {timing}; "
                          f"packets on vbr {moved['vbr']}, on vbr-2 {moved['vbr-2']}")
            if seconds is None:
                problems.append(f"{design}: no reply after {vbr_dev}'s link went down")
            if moved[vbr_dev] > 0:  # the link is down: not even BFD crosses it
                problems.append(f"{design}: {moved[vbr_dev]} packets still on the failed circuit {vbr_dev}")
            lab.run(edge, "ip", "link", "set", c.circuit_if[vbr_dev], "up")
            problems += c.converge(lab, c.plan, f"{vbr_dev}'s link back up")
            back = c.flows(lab)
            report.append(f"{design}, {vbr_dev}'s link back: packets on vbr {back['vbr']}, on vbr-2 {back['vbr-2']}")
            if design == "active-standby" and back["vbr-2"] > IDLE:
                problems.append(f"{design}: after {vbr_dev} returned, the standby still carries flows: {back}")
            if design == "active-active" and not (back["vbr"] > 0 and back["vbr-2"] > 0):
                problems.append(f"{design}: after {vbr_dev} returned, both should carry flows: {back}")
    except Failure as e:
        problems.append(f"{design}: {e}")
    finally:
        lab.close()
    return problems, report


def main() -> int:
    if os.geteuid() != 0:
        print("frr_failover: SKIPPED: needs root (network namespaces, FRR daemons)")
        return SKIP
    if not (FRR / "bgpd").exists():
        print("frr_failover: FRR missing: apt-get install frr", file=sys.stderr)
        return 1
    binary = sys.argv[1]
    problems = []
    for design in sys.argv[2:] or list(VECTORS):
        start = time.monotonic()
        found, report = run(binary, design)
        for line in report:
            print(f"frr_failover: {line}")
        print(f"frr_failover: {design}: {'ok' if not found else f'{len(found)} problem(s)'} "
              f"({time.monotonic() - start:.1f} s)")
        problems += found
    return finish(problems)


if __name__ == "__main__":
    sys.exit(main())
