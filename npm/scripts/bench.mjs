// Size and speed of the npm package, measured (not asserted): the .wasm raw and gzipped,
// `plan` on the reference scenario (median of 1,000 calls), and `lookupMany` over 1 million
// addresses on a real IPv4 BGP table (RouteViews 2015, 606,138 prefixes), read from the
// folder HYBRIDPLAN_BGP_DATA names; docs/benchmarks.md says how to make it.
import { execFileSync } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { gzipSync, gunzipSync } from "node:zlib";
import { plan, RouteTable } from "hybridplan";

const here = (p) => new URL(p, import.meta.url);
const wasm = Buffer.from((await import("../dist/wasm.js")).default, "base64");
const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
console.log(`wasm: ${kib(wasm.length)} raw, ${kib(gzipSync(wasm, { level: 9 }).length)} gzipped`);
// What a page downloads: the module inlined as base64 (dist/wasm.js), plus the glue.
const shipped = Buffer.concat(["../dist/wasm.js", "../dist/glue.js", "../dist/index.js"].map((f) => readFileSync(here(f))));
console.log(`as shipped (inlined, with its glue): ${kib(shipped.length)} raw, ${kib(gzipSync(shipped, { level: 9 }).length)} gzipped`);

const reference = readFileSync(here("../../core/data/reference.yaml"), "utf8");
const times = [];
for (let i = 0; i < 1000; i++) {
  const t = process.hrtime.bigint();
  plan(reference);
  times.push(Number(process.hrtime.bigint() - t) / 1e6);
}
times.sort((a, b) => a - b);
console.log(`plan(reference): median ${times[500].toFixed(3)} ms over 1,000 calls`);

const noData = (problem) => {
  console.error(`bench: ${problem}\nThe lookupMany figures need a real BGP table, which is not in the ` +
    "repository: set HYBRIDPLAN_BGP_DATA to a folder holding ipv4-2015.tsv.gz, gzipped lines of " +
    "`prefix<TAB>origin AS` taken from a RouteViews table dump (docs/benchmarks.md says how to make it).");
  process.exit(2);
};
const data = process.env.HYBRIDPLAN_BGP_DATA ?? noData("HYBRIDPLAN_BGP_DATA is not set.");
let gz;
try {
  gz = readFileSync(`${data}/ipv4-2015.tsv.gz`);
} catch (e) {
  noData(e.message);
}
const rows = gunzipSync(gz).toString("utf8").split("\n")
  .filter((l) => l && !l.startsWith(";")).map((l) => l.split("\t"));
// insertMany of the whole table into a new RouteTable, median of 5 (the arrays made first).
const prefixes = rows.map((r) => r[0]);
const asns = Uint32Array.from(rows, (r) => Number(r[1]));
let table;
const loads = [];
for (let round = 0; round < 5; round++) {
  table?.free();
  table = new RouteTable();
  const t = process.hrtime.bigint();
  table.insertMany(prefixes, asns);
  loads.push(Number(process.hrtime.bigint() - t) / 1e6);
}
loads.sort((a, b) => a - b);
console.log(`insertMany: ${rows.length} prefixes in ${loads[2].toFixed(0)} ms (median of 5 loads: ${loads.map((x) => x.toFixed(0)).join(", ")} ms)`);
let t0;

// The benchmark's query mix: half uniform, half inside a random table prefix (xorshift64*).
let s = 0x5eed1234abcd0001n;
const next = () => {
  s ^= s >> 12n; s ^= (s << 25n) & 0xffffffffffffffffn; s ^= s >> 27n;
  return (s * 0x2545f4914f6cdd1dn) & 0xffffffffffffffffn;
};
const n = 1_000_000;
const queries = new Uint32Array(n);
for (let i = 0; i < n; i++) {
  const r = Number(next() & 0xffffffffn);
  if (i % 2 === 0) { queries[i] = r; continue; }
  const [prefix] = rows[Number(next() % BigInt(rows.length))];
  const [addr, len] = prefix.split("/");
  const base = addr.split(".").reduce((a, o) => a * 256 + Number(o), 0);
  const host = len === "0" ? 0xffffffff : (2 ** (32 - Number(len))) - 1;
  queries[i] = (base + (r & host)) >>> 0;
}
const rates = [];
for (let round = 0; round < 7; round++) {
  t0 = process.hrtime.bigint();
  const out = table.lookupMany(queries);
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  if (out.length !== n) throw new Error("lookupMany lost answers");
  rates.push(n / s / 1e6);
}
rates.sort((a, b) => a - b);
console.log(`lookupMany: median ${rates[3].toFixed(1)} M lookups/s over ${n.toLocaleString()} addresses (7 rounds)`);

// The native figure, same table, same queries, same machine, now: `RouteTable::lookup` in
// a Rust loop (core/examples/lookup_rate.rs).
const native = execFileSync("cargo", ["run", "-q", "--release", "--locked", "-p", "hybridplan", "--example", "lookup_rate"],
  { cwd: here("../.."), encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim();
const nativeRate = Number(/([0-9.]+) M lookups/.exec(native)[1]);
console.log(`${native}; lookupMany at ${(rates[3] / nativeRate).toFixed(2)}x the native lookup`);
