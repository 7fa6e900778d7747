// The conformance vectors of tests/vectors through the npm package: the same codes,
// mode, exit status and (code, path) pairs as the Rust API and the CLI.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { plan, importCluster, diff } from "hybridplan";

const dir = new URL("../../tests/vectors/", import.meta.url);
const vectors = readdirSync(dir)
  .filter((f) => f.endsWith(".json"))
  .map((f) => JSON.parse(readFileSync(new URL(f, dir), "utf8")));

function answer(spec) {
  try {
    const p = plan(spec);
    const exit = p.diagnostics.some((d) => d.severity === "error") ? 1 : 0;
    return { diagnostics: p.diagnostics, mode: p.mode.selected, exit };
  } catch (e) {
    assert.equal(e.name, "SpecError");
    assert.ok(e instanceof Error);
    assert.equal(typeof e.code, "string");
    assert.equal(typeof e.path, "string");
    return { diagnostics: e.diagnostics, mode: null, exit: e.code === "spec-syntax" ? 2 : 1 };
  }
}

test("at least 80 vectors", () => assert.ok(vectors.length >= 80, `${vectors.length}`));

const fixtures = new URL("../../tests/fixtures/clusters/", import.meta.url);

// kubectl output imported into the vector's base spec, planned, then compared.
function liveVector(v) {
  const expect = v.expect;
  if (v.liveText !== undefined) {
    assert.throws(() => importCluster(v.liveText), (e) => e.name === "SpecError" && e.code === "live-unreadable");
    return;
  }
  const live = readFileSync(new URL(`${v.live}.json`, fixtures));
  const alone = importCluster(live);
  assert.deepEqual(alone.missing.map((m) => m.path), expect.missingAlone);
  const imported = importCluster(live, { into: v.base });
  for (const [key, value] of Object.entries(expect.onPrem)) {
    assert.deepEqual(imported.spec.onPrem[key], value, key);
  }
  assert.deepEqual(imported.missing.map((m) => m.path), expect.missing);
  assert.deepEqual(plan(imported.yaml), plan(imported.spec), "the YAML is the same spec");
  const p = plan(imported.spec);
  assert.deepEqual(p.diagnostics.map((d) => d.code), expect.codes);
  assert.equal(p.mode.selected, expect.mode);
  assert.equal(diff(imported.spec, live).inSync ? 0 : 1, expect.diffExit);
}

for (const v of vectors) {
  test(v.name, () => {
    if (v.live !== undefined || v.liveText !== undefined) return liveVector(v);
    // Raw bytes (text that is not UTF-8) travel as hex and reach the package as bytes.
    const got = answer(v.specHex ? new Uint8Array(Buffer.from(v.specHex, "hex")) : v.spec);
    const codes = [...new Set(got.diagnostics.map((d) => d.code))].sort();
    assert.deepEqual(codes, [...new Set(v.expect.codes)].sort(), v.description);
    assert.equal(got.mode, v.expect.mode);
    assert.equal(got.exit, v.expect.exit);
    const pairs = new Set(got.diagnostics.map((d) => `${d.code} ${d.path}`));
    for (const [code, path] of v.expect.paths ?? []) {
      assert.ok(pairs.has(`${code} ${path}`), `${code} at ${path}; got ${[...pairs].join(", ")}`);
    }
  });
}

test("CommonJS require gives the same module", () => {
  const cjs = createRequire(import.meta.url)("hybridplan");
  const clean = vectors.find((v) => v.expect.exit === 0);
  assert.deepEqual(cjs.plan(clean.spec), plan(clean.spec));
});
