// Builds the package: cargo (wasm32, profile `wasm`, std compiled along) -> wasm-bindgen
// for Node (CommonJS), the browser (ES module, `init()` first) and bundlers -> wasm-opt,
// once for the module all three share. Installs the pinned wasm-bindgen-cli when it is
// missing, the wasm32 target and rust-src.
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const npm = dirname(dirname(fileURLToPath(import.meta.url)));
const root = dirname(npm);
const dist = join(npm, "dist");
const run = (cmd, args, opts = {}) => execFileSync(cmd, args, { stdio: "inherit", cwd: root, ...opts });

// The CLI must be the version of the `wasm-bindgen` crate (bindings-wasm/Cargo.toml).
const pinned = /wasm-bindgen = "=([^"]+)"/.exec(readFileSync(join(root, "bindings-wasm/Cargo.toml"), "utf8"))[1];
let installed = "";
try {
  installed = execFileSync("wasm-bindgen", ["--version"], { encoding: "utf8" }).trim().split(" ")[1];
} catch {}
if (installed !== pinned) {
  run("cargo", ["install", "wasm-bindgen-cli", "--version", `=${pinned}`]);
}
run("rustup", ["target", "add", "wasm32-unknown-unknown"]);
// The standard library is compiled with the module, for size, with panics that stop at
// once: a panic in WebAssembly is a trap whatever it would print, so its message
// formatting (about 10 KiB gzipped) can never be seen. Both are unstable options, which
// the stable toolchain takes with RUSTC_BOOTSTRAP=1; std's source comes from rust-src.
// A target folder of its own keeps these flags from rebuilding the rest of the workspace.
run("rustup", ["component", "add", "rust-src"]);
const targetDir = join(root, "target/npm-wasm");
run("cargo", ["build", "--locked", "-p", "hybridplan-wasm", "--target", "wasm32-unknown-unknown", "--profile", "wasm",
  "-Zbuild-std=std,panic_abort", "--target-dir", targetDir],
  { env: { ...process.env, RUSTC_BOOTSTRAP: "1", RUSTFLAGS: "-Zunstable-options -Cpanic=immediate-abort" } });
const wasm = join(targetDir, "wasm32-unknown-unknown/wasm/hybridplan_wasm.wasm");

rmSync(dist, { recursive: true, force: true });
const wasmOpt = join(npm, "node_modules/.bin/wasm-opt");
const targets = [["nodejs", "node"], ["web", "web"], ["bundler", "bundler"]];
for (const [target, dir] of targets) {
  run("wasm-bindgen", ["--target", target, "--out-dir", join(dist, dir), wasm]);
}
// The three targets differ in their JS glue only: optimise the module once and share it.
const module = (dir) => join(dist, dir, "hybridplan_wasm_bg.wasm");
const [first, ...others] = targets.map(([, dir]) => module(dir));
for (const other of others) {
  if (!readFileSync(other).equals(readFileSync(first))) throw new Error(`${other} differs from ${first}`);
}
run(wasmOpt, ["--flatten", "--rereloop", "-Oz", "-Oz", "--enable-bulk-memory", "--enable-nontrapping-float-to-int",
  "--enable-sign-ext", "--enable-mutable-globals", "--enable-reference-types", "--enable-multivalue", first, "-o", first]);
for (const other of others) copyFileSync(first, other);
// Node: the CommonJS module under a .cjs name (the package is "type": "module"), and an
// ES module that re-exports it.
renameSync(join(dist, "node/hybridplan_wasm.js"), join(dist, "node/hybridplan_wasm.cjs"));
writeFileSync(join(dist, "node/index.mjs"),
  'import { createRequire } from "node:module";\n' +
  'const wasm = createRequire(import.meta.url)("./hybridplan_wasm.cjs");\n' +
  "export const { plan, validate, trace, RouteTable } = wasm;\nexport default wasm;\n");
// Browser: instantiate once, then the same functions as in Node.
writeFileSync(join(dist, "web/index.js"),
  'import init, { plan, validate, trace, RouteTable } from "./hybridplan_wasm.js";\n' +
  "export { init, plan, validate, trace, RouteTable };\nexport default init;\n");
// Types: the spec, plan and trace declarations generated from the Rust types, and the API.
const types = join(dist, "types");
mkdirSync(types, { recursive: true });
run("cargo", ["test", "--locked", "-q", "-p", "hybridplan", "--features", "typescript", "--test", "typescript"],
  { env: { ...process.env, HYBRIDPLAN_TS_OUT: types } });
for (const f of readdirSync(types)) {
  if (f.endsWith(".ts") && !f.endsWith(".d.ts")) renameSync(join(types, f), join(types, f.replace(/\.ts$/, ".d.ts")));
}
copyFileSync(join(npm, "types/index.d.ts"), join(types, "index.d.ts"));
// The console page's starting spec.
copyFileSync(join(root, "core/data/reference.yaml"), join(dist, "reference.yaml"));
console.log("built", dist);
