#!/usr/bin/env python3
"""The Terraform of every plannable vector: judged offline, and tied to its plan and FRR.

usage: terraform_check.py HYBRIDPLAN JUDGE_PYTHON JUDGE_SCRIPT

For each vector whose spec plans (the scenarios and every mode among them):

* `hybridplan render terraform --out DIR` passes the offline judge of the alicloud
  provider's schemas (validate_terraform.py) with no error and no warning;
* the Terraform, read back by python-hcl2 (the judge's parser), says what the plan says:
  each BGP session between a VBR and a DC edge is a BGP group and peer with the same
  addresses and AS numbers and BFD on; each route the plan puts in the transit router's and
  the VPC's tables comes from an attachment (publishing, association, propagation,
  synchronisation) or a route entry; each cloud-service route of the plan is a route entry
  and no entry is extra; each flow into the ECS nodes is a security group rule, and each
  rule a flow;
* the FRR configuration of the DC edge (`hybridplan render frr`) holds the other end of
  every session: its own AS, the VBR's address and AS, and BFD.

Run with the judge's virtual environment (it has python-hcl2).
"""

import json
import pathlib
import re
import subprocess
import sys
import tempfile

import hcl2

ROOT = pathlib.Path(__file__).resolve().parent.parent
SUMMARY = re.compile(r"validate_terraform: (\d+) file\(s\), (\d+) resource\(s\), (\d+) error\(s\), (\d+) warning\(s\)")


def unquote(value):
    if isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1]
    return value


def resources(directory: pathlib.Path) -> tuple[dict, dict]:
    """(type -> name -> arguments, locals) of every .tf file, quotes taken off."""
    out: dict = {}
    local: dict = {}
    for path in sorted(directory.glob("*.tf")):
        with path.open() as f:
            doc = hcl2.load(f)
        for block in doc.get("resource", []):
            for kind, named in block.items():
                for name, body in named.items():
                    out.setdefault(unquote(kind), {})[unquote(name)] = body
        for block in doc.get("locals", []):
            for key, value in block.items():
                if key != "__is_block__":
                    local[key] = value
    return out, local


def reference(expr: str) -> str:
    """`${a.b.c}` -> `a.b.c`."""
    return expr[2:-1] if isinstance(expr, str) and expr.startswith("${") else expr


def check(binary: str, vector: dict, work: pathlib.Path, judge: list[str]) -> tuple[list[str], str]:
    name = vector["name"]
    spec = json.dumps(vector["spec"])
    problems: list[str] = []
    out = work / name
    run = subprocess.run([binary, "render", "terraform", "-", "--out", str(out)], input=spec,
                         capture_output=True, text=True)
    if run.returncode not in (0, 1):
        return [f"{name}: render terraform exited {run.returncode}: {run.stderr.strip()}"], ""
    judged = subprocess.run([*judge, str(out)], capture_output=True, text=True)
    summary = SUMMARY.search(judged.stdout)
    if judged.returncode != 0 or not summary or summary.group(3) != "0" or summary.group(4) != "0":
        problems.append(f"{name}: the judge found:\n{judged.stdout}{judged.stderr}")
    plan = json.loads(subprocess.run([binary, "plan", "-"], input=spec, capture_output=True,
                                     text=True).stdout)
    frr_of: dict[str, list[str]] = {}

    def frr(device: str) -> list[str]:
        """The FRR configuration of a DC edge, as `render frr --device` writes it."""
        if device not in frr_of:
            frr_of[device] = subprocess.run([binary, "render", "frr", "-", "--device", device], input=spec,
                                             capture_output=True, text=True).stdout.splitlines()
        return frr_of[device]

    # Each VBR's BFD setting (`bfd`, default true), by its gateway addresses.
    interconnect = vector["spec"].get("interconnect", {})
    bfd_of = {}
    for v in interconnect.get("vbrs") or [interconnect.get("vbr") or {}]:
        for key in ("localGatewayIp", "localGatewayIpv6"):
            if key in v:
                bfd_of[v[key]] = v.get("bfd", True)
    tf, local = resources(out)

    # BGP: the plan's sessions, the Terraform's groups and peers, the FRR's neighbours.
    groups = tf.get("alicloud_vpc_bgp_group", {})
    peers = tf.get("alicloud_vpc_bgp_peer", {})
    sessions = [s for s in plan["routing"]["bgpSessions"] if s["role"] == "edge-vbr"]
    if len(groups) != len(sessions) or len(peers) != len(sessions):
        problems.append(f"{name}: {len(sessions)} VBR sessions, {len(groups)} BGP groups, {len(peers)} peers")
    for s in sessions:
        edge, vbr = (s["local"], s["peer"]) if s["peer"]["device"].startswith("vbr") else (s["peer"], s["local"])
        bfd = bfd_of.get(vbr["address"], True)
        match = [
            g for g, body in groups.items()
            if body["peer_asn"] == edge["asNumber"] and body["local_asn"] == vbr["asNumber"]
            and any(reference(p["bgp_group_id"]) == f"alicloud_vpc_bgp_group.{g}.id"
                    and unquote(p["peer_ip_address"]) == edge["address"] and p["enable_bfd"] is bfd
                    for p in peers.values())
        ]
        if not match:
            problems.append(f"{name}: no BGP group and peer for the session {edge['address']} AS {edge['asNumber']}"
                            f" - {vbr['address']} AS {vbr['asNumber']}")
        bfd_line = f" neighbor {vbr['address']} bfd"
        for line in (f"router bgp {edge['asNumber']}", f" neighbor {vbr['address']} remote-as {vbr['asNumber']}",
                     *([bfd_line] if bfd else [])):
            if line not in frr(edge["device"]):
                problems.append(f"{name}: the FRR configuration of {edge['device']} lacks {line.strip()!r}")
        if not bfd and bfd_line in frr(edge["device"]):
            problems.append(f"{name}: BFD is off for {vbr['address']}, yet {edge['device']}'s FRR has {bfd_line.strip()!r}")

    # The transit router's and the VPC's routes, by where each comes from. A connection
    # forwards by the table it is associated with and its routes are learned by the tables
    # it propagates into.
    tables = {t["device"]: t["entries"] for t in plan["routing"]["tables"]}
    vbr_attachments = tf.get("alicloud_cen_transit_router_vbr_attachment", {})
    vpc_attachments = tf.get("alicloud_cen_transit_router_vpc_attachment", {})

    def attachment(kind: str, label: str) -> str:
        return f"alicloud_cen_transit_router_{kind}_attachment.{label}.transit_router_attachment_id"

    def wiring(kind: str) -> dict:
        """attachment -> route tables (association: the one it forwards by)."""
        out: dict = {}
        for r in tf.get(f"alicloud_cen_transit_router_route_table_{kind}", {}).values():
            table = reference(r["transit_router_route_table_id"])
            out.setdefault(reference(r["transit_router_attachment_id"]), set()).add(table)
        return out

    associated, propagated = wiring("association"), wiring("propagation")
    vbr_tables = set().union(*[associated.get(attachment("vbr", v), set()) for v in vbr_attachments]) \
        if vbr_attachments else set()
    vpc_tables = associated.get(attachment("vpc", "vpc"), set())
    for label in vbr_attachments:
        if len(associated.get(attachment("vbr", label), set())) != 1:
            problems.append(f"{name}: VBR attachment {label} is not associated with exactly one route table")
    if vpc_attachments and len(vpc_tables) != 1:
        problems.append(f"{name}: the VPC attachment is not associated with exactly one route table")

    routes = local.get("cloud_service_routes", {})
    routes = {unquote(k): unquote(v) for k, v in routes.items()}
    entries = tf.get("alicloud_cen_transit_router_route_entry", {})
    for e in tables.get("cen-tr", []):
        source = e.get("nextDevice") or ""
        if e["origin"] == "propagated" and source.startswith("vbr"):
            # Learned from a VBR: the table the VPC forwards by must learn it.
            label = source.replace("-", "_")
            if label not in vbr_attachments or not vpc_tables <= propagated.get(attachment("vbr", label), set()):
                problems.append(f"{name}: the transit router learns {e['destination']} from {source}, but the "
                                "table the VPC forwards by does not learn from that VBR")
        elif e["origin"] == "propagated" and source == "vpc":
            if "vpc" not in vpc_attachments or not vbr_tables <= propagated.get(attachment("vpc", "vpc"), set()):
                problems.append(f"{name}: the transit router learns {e['destination']} from the VPC, but the "
                                "table the VBR forwards by does not learn from the VPC")
        elif e["origin"] == "static":
            hop = [b for b in entries.values()
                   if reference(b.get("transit_router_route_entry_next_hop_id")) == attachment("vpc", "vpc")
                   and unquote(b["transit_router_route_entry_next_hop_type"]) == "Attachment"
                   and reference(b["transit_router_route_table_id"]) in vbr_tables]
            if e["destination"] not in routes or not hop:
                problems.append(f"{name}: the transit router's static route {e['destination']} has no route entry "
                                "to the VPC connection in the table the VBR forwards by")
    statics = {e["destination"] for e in tables.get("cen-tr", []) if e["origin"] == "static"}
    for extra in sorted(set(routes) - statics):
        problems.append(f"{name}: route entry {extra} is in no table of the plan")
    if vpc_tables & vbr_tables and statics:
        problems.append(f"{name}: the cloud-service routes sit in the table the VPC forwards by: "
                        "synchronised into the VPC, they would point its traffic back at itself")
    for label, body in vbr_attachments.items():
        if body.get("auto_publish_route_enabled") is not True:
            problems.append(f"{name}: VBR attachment {label} does not publish its route table's routes to the VBR")
    learned_by_vbr = [e for t, es in tables.items() if t.startswith("vbr") for e in es
                      if e["origin"] == "propagated"]
    if learned_by_vbr and not vbr_attachments:
        problems.append(f"{name}: the VBR learns routes from the transit router, but nothing attaches it")
    synced = [e for e in tables.get("vpc", []) if e["origin"] == "propagated"]
    vpc = vpc_attachments.get("vpc", {})
    if synced and vpc.get("auto_publish_route_enabled") is not True:
        problems.append(f"{name}: the VPC's table has synchronised routes, but the VPC attachment does not synchronise")
    if any(":" in e["destination"] for e in synced) and \
            unquote(((vpc.get("options") or [{}])[0] or {}).get("ipv6_support")) != "enable":
        problems.append(f"{name}: IPv6 routes cross the transit router, but the VPC attachment does not enable IPv6")

    # Flows into the ECS nodes and their pods: one rule per source range, and no other rule.
    rules = tf.get("alicloud_security_group_rule", {})
    wanted = set()
    for f in plan["flows"]:
        if f["to"]["name"] not in ("ecs-nodes", "cloud-pods"):
            continue
        for cidr in f["from"]["cidrs"]:
            protocol = {"ipip": "all"}.get(f["protocol"], f["protocol"])
            if protocol == "icmp" and ":" in cidr:
                protocol = "icmpv6"
            if protocol in ("all", "icmp", "icmpv6"):
                ports = "-1/-1"
            else:
                ports = f"{f['port']}/{f['port']}" if f.get("port") else "1/65535"
            wanted.add((protocol, ports, cidr))
    have = set()
    for body in rules.values():
        if unquote(body["type"]) != "ingress" or reference(body.get("for_each")) != "toset(var.security_group_ids)":
            problems.append(f"{name}: a rule that is not an ingress rule of every security group: {body}")
        source = unquote(body.get("cidr_ip") or body.get("ipv6_cidr_ip"))
        have.add((unquote(body["ip_protocol"]), unquote(body["port_range"]), source))
    for missing in sorted(wanted - have):
        problems.append(f"{name}: no security group rule for the flow {missing}")
    for extra in sorted(have - wanted):
        problems.append(f"{name}: the rule {extra} is no flow of the plan")
    return problems, summary.group(0) if summary else ""


def main() -> int:
    binary, judge_python, judge_script = sys.argv[1:4]
    judge = [judge_python, judge_script, "-q"]
    vectors = []
    for path in sorted((ROOT / "tests" / "vectors").glob("*.json")):
        v = json.loads(path.read_text())
        if v.get("spec") is not None and isinstance(v["spec"], dict) and v.get("expect", {}).get("mode"):
            vectors.append(v)
    problems: list[str] = []
    modes: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as work:
        for v in vectors:
            found, summary = check(binary, v, pathlib.Path(work), judge)
            problems += found
            # Each mode's line names its scenario vector where it has one.
            held = modes.get(v["expect"]["mode"], "")
            if v["name"] == "scenario-reference" or not held or (
                    v["name"].startswith("scenario-") and not held.startswith("scenario-")):
                if not held.startswith("scenario-reference"):
                    modes[v["expect"]["mode"]] = f"{v['name']}: {summary}"
    for mode, line in sorted(modes.items()):
        print(f"terraform_check: {mode}: {line}")
    if problems:
        print("\n".join(problems))
        print(f"terraform_check: {len(problems)} problem(s) in {len(vectors)} vectors")
        return 1
    print(f"terraform_check: {len(vectors)} vectors: the judge finds nothing, and the Terraform, the plan and FRR agree")
    return 0


if __name__ == "__main__":
    sys.exit(main())
