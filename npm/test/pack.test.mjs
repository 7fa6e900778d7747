// What `npm publish` would upload: the built package, its README and licenses, package.json,
// and nothing else (no sources, tests, demo or scripts).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const npmDir = fileURLToPath(new URL("..", import.meta.url));

test("npm pack --dry-run lists exactly dist/, README.md, LICENSE-*, package.json", () => {
  const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--loglevel=error"], { cwd: npmDir, encoding: "utf8" });
  const files = JSON.parse(out)[0].files.map((f) => f.path).sort();
  assert.deepEqual(files, [
    "LICENSE-APACHE",
    "LICENSE-MIT",
    "README.md",
    // What npm/scripts/build.mjs writes: entries, glue, the module, SpecError, declarations.
    "dist/error.cjs",
    "dist/error.js",
    "dist/glue.js",
    "dist/index.cjs",
    "dist/index.d.cts",
    "dist/index.d.ts",
    "dist/index.js",
    "dist/wasm.js",
    "package.json",
  ]);
});
