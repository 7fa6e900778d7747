// The API beyond the vectors: errors, trace, RouteTable in both families.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { plan, validate, trace, renderTerraform, RouteTable } from "hybridplan";

test("a YAML string and an object plan alike", () => {
  const text = "name: x\nonPrem: {nodeCidrs: [192.168.0.0/24], podCidr: 172.20.0.0/16, serviceCidr: 172.21.0.0/20, nodes: 10, edgeRouters: [{ip: 192.168.0.1, asNumber: 65001}]}\ncloud: {region: cn-hangzhou, vpcCidr: 10.0.0.0/8, zones: [{zone: cn-hangzhou-h, nodeVSwitches: [{id: vsw-a, cidr: 10.10.24.0/24}], podVSwitches: [{id: vsw-b, cidr: 10.10.32.0/19}]}], nodes: 2, securityGroups: [sg-1]}\ninterconnect: {vbr: {id: vbr-1, vlanId: 100, localGatewayIp: 192.168.255.1, peerGatewayIp: 192.168.255.2, peeringSubnet: 192.168.255.0/30}, cen: {id: cen-1}}\n";
  const fromText = plan(text);
  assert.equal(fromText.mode.selected, "calico-ipip");
  assert.ok(Array.isArray(validate(text)));
});

test("a spec given as bytes: read like text; bytes that are not UTF-8 are spec-syntax", () => {
  const text = readFileSync(new URL("../../core/data/reference.yaml", import.meta.url));
  assert.equal(plan(new Uint8Array(text)).mode.selected, "calico-route-reflector");
  const broken = new Uint8Array([...text, 0x0a, 0xff]);
  assert.throws(() => plan(broken), (e) => {
    assert.equal(e.code, "spec-syntax");
    assert.match(e.message, /not UTF-8 text: invalid byte 0xff at offset \d+/);
    return true;
  });
});

test("unknown keys throw SpecError with code, path and hint", () => {
  assert.throws(() => plan({ name: "x", onPrem: { podCIRD: "10.0.0.0/8" } }), (e) => {
    assert.equal(e.name, "SpecError");
    assert.equal(e.code, "spec-invalid");
    assert.ok(e.diagnostics.some((d) => d.path === "/onPrem/podCIRD"), JSON.stringify(e.diagnostics));
    return true;
  });
  assert.throws(() => plan("{ not json: ["), (e) => e.code === "spec-syntax");
});

test("renderTerraform gives one module, in the order of its files", () => {
  const files = renderTerraform(readFileSync(new URL("../../core/data/reference.yaml", import.meta.url), "utf8"));
  assert.deepEqual(files.map((f) => f.name),
    ["versions.tf", "variables.tf", "main.tf", "cloud_services.tf", "security_groups.tf", "outputs.tf"]);
  assert.match(files[2].content, /resource "alicloud_vpc_bgp_peer" "vbr"/);
  assert.throws(() => renderTerraform("{ not json: ["), (e) => e.name === "SpecError" && e.code === "spec-syntax");
});

test("trace follows the reference plan from a DC pod to a cloud pod", () => {
  const p = plan(REFERENCE);
  const t = trace(p, "10.100.1.1", "10.10.25.10");
  assert.equal(t.outcome, "delivered");
  assert.deepEqual(t.hops.map((h) => h.device), ["dc-node", "dc-edge", "vbr", "cen-tr", "vpc", "ecs-node"]);
  assert.throws(() => trace(p, "10.100.1.01", "10.10.25.10"), (e) => e.code === "cidr-syntax" && e.path === "src");
  // Only the route tables are read; a plan without them is refused where they are missing.
  assert.equal(trace({ routing: { tables: p.routing.tables } }, "10.100.1.1", "10.10.25.10").outcome, "delivered");
  assert.throws(() => trace({ routing: {} }, "10.100.1.1", "10.10.25.10"),
    (e) => e.name === "SpecError" && e.code === "spec-invalid" && e.path === "/routing");
});

test("trace with a circuit down takes the other", () => {
  const vector = JSON.parse(readFileSync(new URL("../../tests/vectors/scenario-two-circuits-active-active.json", import.meta.url)));
  const p = plan(vector.spec);
  const path = (t) => t.hops.map((h) => h.device);
  assert.deepEqual(path(trace(p, "192.168.0.16", "10.10.24.10")), ["dc-node", "dc-edge", "vbr", "cen-tr", "vpc", "ecs-node"]);
  assert.deepEqual(path(trace(p, "192.168.0.16", "10.10.24.10", { fail: ["vbr"] })),
    ["dc-node", "dc-edge", "dc-edge-2", "vbr-2", "cen-tr", "vpc", "ecs-node"]);
  assert.equal(trace(p, "10.10.24.10", "192.168.0.16", { fail: ["vbr", "vbr-2"] }).outcome, "no-route");
  for (const fail of [["vbr-3"], ["router"], "vbr"]) {
    assert.throws(() => trace(p, "192.168.0.16", "10.10.24.10", { fail }),
      (e) => e.name === "SpecError" && e.code === "spec-invalid" && e.path === "fail");
  }
});

test("RouteTable: insert, lookup, lookupMany in both families, remove", () => {
  const t = new RouteTable();
  assert.equal(t.insert("10.0.0.0/8", 1), undefined);
  assert.equal(t.insert("10.100.0.0/16", 2), undefined);
  assert.equal(t.insert("10.100.0.0/16", 3), 2);
  t.insert("2001:db8::/32", 6);
  assert.equal(t.size, 3);
  assert.deepEqual(t.lookup("10.100.1.1"), { prefix: "10.100.0.0/16", value: 3 });
  assert.equal(t.lookup("192.0.2.1"), undefined);
  const ip = (s) => s.split(".").reduce((a, o) => a * 256 + Number(o), 0);
  const out = t.lookupMany(new Uint32Array([ip("10.100.1.1"), ip("10.1.1.1"), ip("192.0.2.1")]));
  assert.ok(out instanceof Uint32Array);
  assert.deepEqual([...out], [3, 1, 0xffffffff]);
  assert.deepEqual([...t.lookupMany(new Uint32Array([ip("192.0.2.1")]), 7)], [7]);
  const v6 = t.lookupManyV6(new Uint32Array([0x20010db8, 0, 0, 1, 0x20010db9, 0, 0, 1]));
  assert.deepEqual([...v6], [6, 0xffffffff]);
  assert.equal(t.remove("10.100.0.0/16"), 3);
  assert.equal(t.lookup("10.100.1.1").value, 1);
  assert.throws(() => t.insert("10.1.2.3/16", 1), (e) => e.code === "cidr-host-bits");
});

test("RouteTable.insertMany loads a table at once and names a bad prefix by its index", () => {
  const t = new RouteTable();
  t.insertMany(["10.0.0.0/8", "10.1.0.0/16", "2001:db8::/32", "10.1.0.0/16"], new Uint32Array([1, 2, 3, 4]));
  assert.equal(t.size, 3);
  assert.deepEqual(t.lookup("10.1.2.3"), { prefix: "10.1.0.0/16", value: 4 });
  assert.throws(() => t.insertMany(["10.0.0.0/8"], new Uint32Array([1, 2])),
    (e) => e.name === "SpecError" && e.code === "spec-invalid" && e.path === "values");
  assert.throws(() => t.insertMany(["10.0.0.0/8", "10.1.2.3/16"], new Uint32Array([1, 2])),
    (e) => e.code === "cidr-host-bits" && e.path === "prefixes/1");
  assert.throws(() => t.insertMany(["10.0.0.0/8", 7], new Uint32Array([1, 2])),
    (e) => e.code === "spec-invalid" && e.path === "prefixes/1");
  assert.throws(() => t.insertMany(["10.0.0.0/8", null], new Uint32Array([1, 2])),
    (e) => e.code === "spec-invalid" && e.path === "prefixes/1");
  // Two prefixes in one string are not one prefix.
  assert.throws(() => t.insertMany(["10.0.0.0/8\n10.2.0.0/16", "10.3.0.0/16"], new Uint32Array([1, 2])),
    (e) => e.name === "SpecError" && e.path === "prefixes/0" && /line break/.test(e.message));
  assert.equal(t.size, 3, "a refused batch adds nothing");
});

test("RouteTable: lookupMany answers like lookup over many groups of a table of thousands of routes", () => {
  // A fixed-seed generator; prefixes from /8 to /32, so that lookups end at every level.
  let seed = 0x2545f491;
  const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
  const t = new RouteTable();
  for (let i = 0; i < 3000; i++) {
    const len = 8 + (next() % 25);
    const addr = (next() >>> (32 - len)) * 2 ** (32 - len);
    t.insert(`${addr >>> 24}.${(addr >>> 16) & 255}.${(addr >>> 8) & 255}.${addr & 255}/${len}`, i);
  }
  const addrs = new Uint32Array(1000).map(() => next());
  const many = t.lookupMany(addrs);
  const one = [...addrs].map((a) => t.lookup(`${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`)?.value ?? 0xffffffff);
  assert.deepEqual([...many], one);
});

const REFERENCE = "name: reference\nperformance: high\nonPrem:\n  nodeCidrs: [192.168.0.0/24]\n  podCidr: 10.100.0.0/16\n  serviceCidr: 172.21.0.0/20\n  nodes: 120\n  maxNodes: 200\n  edgeRouters:\n    - { ip: 192.168.0.1, asNumber: 65001 }\ncloud:\n  region: cn-hangzhou\n  vpcCidr: 10.0.0.0/8\n  zones:\n    - zone: cn-hangzhou-h\n      nodeVSwitches: [{ id: vsw-node-h, cidr: 10.10.24.0/24 }]\n      podVSwitches: [{ id: vsw-pod-h, cidr: 10.10.25.0/24 }]\n  nodes: 2\n  maxPodsPerNode: 110\n  securityGroups: [sg-hybrid]\ninterconnect:\n  vbr:\n    id: vbr-hz-1\n    vlanId: 100\n    localGatewayIp: 192.168.255.1\n    peerGatewayIp: 192.168.255.2\n    peeringSubnet: 192.168.255.0/30\n  cen: { id: cen-hybrid }\n";

test("the WebAssembly module stays within its size budget: 256 KiB gzipped", async () => {
  const { gzipSync } = await import("node:zlib");
  const { default: base64 } = await import("../dist/wasm.js");
  const gzipped = gzipSync(Buffer.from(base64, "base64"), { level: 9 }).length;
  assert.ok(gzipped <= 256 * 1024, `${(gzipped / 1024).toFixed(1)} KiB gzipped`);
});
