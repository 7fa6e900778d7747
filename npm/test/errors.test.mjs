// SpecError: a real class, the same from the ES module and the CommonJS entry, thrown by
// every function and RouteTable method with one of the core's diagnostic codes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import * as esm from "hybridplan";

const cjs = createRequire(import.meta.url)("hybridplan");
const { SpecError } = esm;

// The core's codes, as the build wrote them into the declarations (generated from `Code`).
const declared = /export type Code = ([^;]+);/.exec(readFileSync(new URL("../dist/index.d.ts", import.meta.url), "utf8"));
const CODES = new Set([...declared[1].matchAll(/"([a-z0-9-]+)"/g)].map((m) => m[1]));
const REFERENCE = readFileSync(new URL("../../core/data/reference.yaml", import.meta.url), "utf8");

test("SpecError is a class exported by both entries, the same one", () => {
  assert.equal(typeof SpecError, "function");
  assert.equal(cjs.SpecError, SpecError, "the CommonJS entry exports the ES module entry's class");
  assert.ok(CODES.has("spec-invalid") && CODES.has("cidr-syntax") && !CODES.has("internal"), [...CODES].join(" "));
  const made = new SpecError("made by hand", { code: "cidr-syntax", path: "src" });
  assert.ok(made instanceof SpecError && made instanceof Error);
  assert.equal(made.name, "SpecError");
  assert.equal(made.message, "made by hand");
  assert.deepEqual([made.code, made.path, made.hint, made.diagnostics], ["cidr-syntax", "src", null, []]);
  assert.equal(new SpecError("bare").code, "spec-invalid");
  assert.match(String(made), /^SpecError: made by hand$/);
});

// Every way in that can refuse its input, for one entry point: [what, call, code, path].
function refusals(m) {
  const p = m.plan(REFERENCE);
  const table = () => new m.RouteTable();
  return [
    ["plan: an unknown key", () => m.plan({ name: "x", onPrem: { podCIRD: "10.0.0.0/8" } }), "spec-invalid"],
    ["plan: not YAML", () => m.plan("{ not json: ["), "spec-syntax", ""],
    ["plan: bytes that are not UTF-8", () => m.plan(new Uint8Array([0x6e, 0xff])), "spec-syntax"],
    ["plan: a value JSON cannot write", () => m.plan({ name: 1n }), "spec-invalid", ""],
    ["validate: a malformed prefix", () => m.validate(REFERENCE.replace("podCidr: 10.100.0.0/16", "podCidr: 10.100.0/16")), "cidr-syntax", "/onPrem/podCidr"],
    ["renderTerraform: not YAML", () => m.renderTerraform("{ not json: ["), "spec-syntax"],
    ["trace: a plan without route tables", () => m.trace({ routing: {} }, "10.100.1.1", "10.10.25.10"), "spec-invalid", "/routing"],
    ["trace: a bad address", () => m.trace(p, "10.100.1.01", "10.10.25.10"), "cidr-syntax", "src"],
    ["trace: an unknown node", () => m.trace(p, "10.100.1.1", "10.10.25.10", { srcNode: "vbr-node" }), "spec-invalid", "srcNode"],
    ["trace: a node that is not a string", () => m.trace(p, "10.100.1.1", "10.10.25.10", { dstNode: 3 }), "spec-invalid", "dstNode"],
    ["trace: options that are not an object", () => m.trace(p, "10.100.1.1", "10.10.25.10", "ecs-node"), "spec-invalid", "options"],
    ["importCluster: not kubectl output", () => m.importCluster("hello"), "live-unreadable"],
    ["importCluster: not text", () => m.importCluster(42), "live-unreadable"],
    ["importCluster: options that are not an object", () => m.importCluster("{}", 7), "spec-invalid", "options"],
    ["importCluster: a base spec that does not read", () => m.importCluster('{"kind": "List", "items": []}', { into: "{ not json: [" }), "spec-syntax"],
    ["diff: a spec that does not read", () => m.diff("{ not json: [", "{}"), "spec-syntax"],
    ["diff: not kubectl output", () => m.diff(REFERENCE, "hello"), "live-unreadable"],
    ["RouteTable.insert: host bits", () => table().insert("10.1.2.3/16", 1), "cidr-host-bits", "prefix"],
    ["RouteTable.insert: not a prefix", () => table().insert("10.0.0.0/33", 1), "cidr-syntax", "prefix"],
    ["RouteTable.insertMany: lengths differ", () => table().insertMany(["10.0.0.0/8"], new Uint32Array([1, 2])), "spec-invalid", "values"],
    ["RouteTable.insertMany: not a string", () => table().insertMany(["10.0.0.0/8", 7], new Uint32Array([1, 2])), "spec-invalid", "prefixes/1"],
    ["RouteTable.remove: not a prefix", () => table().remove("ten"), "cidr-syntax", "prefix"],
    ["RouteTable.lookup: not an address", () => table().lookup("10.0.0.0/8"), "cidr-syntax", "ip"],
    ["RouteTable.lookupManyV6: not whole addresses", () => table().lookupManyV6(new Uint32Array(5)), "spec-invalid", "words"],
  ];
}

for (const [entry, m] of [["ES module", esm], ["CommonJS", cjs]]) {
  test(`${entry}: every refusal is a SpecError with a code of the core`, () => {
    for (const [what, call, code, path] of refusals(m)) {
      assert.throws(call, (e) => {
        assert.ok(e instanceof SpecError, `${what}: ${e?.constructor?.name}: ${e?.message}`);
        assert.ok(e instanceof m.SpecError, what);
        assert.equal(e.name, "SpecError", what);
        assert.ok(CODES.has(e.code), `${what}: ${e.code} is not a code of the core`);
        assert.equal(e.code, code, `${what}: ${e.message}`);
        if (path !== undefined) assert.equal(e.path, path, what);
        assert.ok(typeof e.message === "string" && e.message.length > 0, what);
        assert.ok(e.hint === null || typeof e.hint === "string", what);
        // The first diagnostic is the one code, path and hint describe.
        assert.ok(Array.isArray(e.diagnostics) && e.diagnostics.length > 0, what);
        const [first] = e.diagnostics;
        assert.deepEqual([first.code, first.path, first.hint ?? null], [e.code, e.path, e.hint], what);
        for (const d of e.diagnostics) assert.ok(CODES.has(d.code), `${what}: ${d.code}`);
        return true;
      }, what);
    }
  });
}

test("an error of the CommonJS entry is an instance of the ES module entry's SpecError", () => {
  assert.throws(() => cjs.plan("{ not json: ["), SpecError);
  assert.throws(() => esm.plan("{ not json: ["), cjs.SpecError);
});

test("RouteTable.lookupManyV6 takes four words per address and refuses any other length", () => {
  const t = new esm.RouteTable();
  t.insert("2001:db8::/32", 6);
  assert.deepEqual([...t.lookupManyV6(new Uint32Array(0))], []);
  assert.deepEqual([...t.lookupManyV6(new Uint32Array([0x20010db8, 0, 0, 1, 0x20010db9, 0, 0, 1]))], [6, 0xffffffff]);
  for (const n of [1, 2, 3, 5, 6, 7, 9]) {
    assert.throws(() => t.lookupManyV6(new Uint32Array(n)), (e) =>
      e instanceof SpecError && e.code === "spec-invalid" && e.path === "words" && e.message.startsWith(`${n} words`), `${n} words`);
  }
  assert.equal(t.size, 1, "the table still answers after a refusal");
  assert.equal(t.lookup("2001:db8::1").value, 6);
});
