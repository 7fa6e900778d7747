// The npm package as its users meet it: `npm pack`, then installed from that tarball into
// empty projects: Node ES modules and CommonJS, TypeScript in both module systems
// (compiled with tsc --strict, then run), and the production builds of Vite, esbuild and
// webpack 5, each without a configuration file, loaded in Chromium.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { chromium } from "playwright-core";

const npmDir = new URL("..", import.meta.url).pathname;
const work = join(npmDir, "../target/npm-package-test");
const tsc = join(npmDir, "node_modules/.bin/tsc");
// The bundlers, pinned: the current major of each.
const BUNDLERS = { vite: "8.4.0", esbuild: "0.28.2", webpack: "5.113.0", "webpack-cli": "7.3.1" };
const SPEC = readFileSync(join(npmDir, "../core/data/reference.yaml"), "utf8");

const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
const npm = (args, cwd) => run("npm", [...args, "--no-audit", "--no-fund", "--loglevel=error"], cwd);

function project(name, packageJson, files) {
  const dir = join(work, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name, private: true, ...packageJson }, null, 2));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
const packed = JSON.parse(npm(["pack", "--json", "--pack-destination", work], npmDir))[0];
const tarball = join(work, packed.filename);

test("the tarball holds the built package, its README and licenses, and one copy of the module", () => {
  const files = packed.files.map((f) => f.path).sort();
  for (const f of files) {
    assert.ok(/^(dist\/|README\.md$|LICENSE|package\.json$)/.test(f), `unexpected file in the tarball: ${f}`);
  }
  for (const f of ["README.md", "LICENSE-MIT", "LICENSE-APACHE", "dist/index.js", "dist/index.cjs", "dist/index.d.ts", "dist/index.d.cts"]) {
    assert.ok(files.includes(f), `${f} missing from the tarball`);
  }
  assert.deepEqual(files.filter((f) => f.endsWith(".wasm") || f.endsWith("wasm.js")), ["dist/wasm.js"]);
  // Almost all of it is the module, inlined as base64 once: the rest (entries, glue,
  // declarations, README, licenses) stays small. The module's own budget is a test of
  // npm/test (gzipped size), so this one need not move when the module grows.
  const module = packed.files.find((f) => f.path === "dist/wasm.js").size;
  assert.ok(packed.unpackedSize - module < 150_000,
    `unpacked ${packed.unpackedSize} bytes, of which ${packed.unpackedSize - module} besides the module`);
});

test("Node: ES modules and CommonJS", () => {
  const dir = project("node-js", {}, {
    "esm.mjs": 'import { plan, trace } from "hybridplan";\nimport { readFileSync } from "node:fs";\n' +
      'const p = plan(readFileSync("spec.yaml", "utf8"));\n' +
      'console.log(p.mode.selected, trace(p, "10.100.1.1", "10.10.25.10").outcome);\n',
    "cjs.cjs": 'const { plan, RouteTable } = require("hybridplan");\nconst fs = require("node:fs");\n' +
      'const t = new RouteTable(); t.insert("10.0.0.0/8", 7);\n' +
      'console.log(plan(fs.readFileSync("spec.yaml", "utf8")).mode.selected, t.lookup("10.1.2.3").value);\n',
    "spec.yaml": SPEC,
  });
  npm(["install", tarball], dir);
  assert.equal(run("node", ["esm.mjs"], dir).trim(), "calico-route-reflector delivered");
  assert.equal(run("node", ["cjs.cjs"], dir).trim(), "calico-route-reflector 7");
});

const consumer = `import { plan, validate, trace, RouteTable, SpecError, type HybridClusterSpec, type Plan } from "hybridplan";
import * as fs from "node:fs";

const p: Plan = plan(fs.readFileSync("spec.yaml", "utf8"));
const outcome: "delivered" | "no-route" | "loop" | "unknown-source" | "ambiguous" = trace(p, "10.100.1.1", "10.10.25.10").outcome;
const table = new RouteTable();
table.insert("10.0.0.0/8", 3);
const values: Uint32Array = table.lookupMany(new Uint32Array([0x0a000001]));
try {
  validate({ onPrem: {} } as unknown as HybridClusterSpec);
} catch (e) {
  if (e instanceof SpecError) console.log(e.code, e.path);
}
console.log(p.mode.selected, outcome, values[0]);
function notAnApi(m: typeof import("hybridplan")) {
  // @ts-expect-error: the module starts when imported; there is no init() to call
  m.init();
}
void notAnApi;
`;

for (const [system, pkg, module] of [["esm", { type: "module" }, "nodenext"], ["cjs", {}, "node16"]]) {
  test(`TypeScript (${system}, module ${module}): tsc --strict compiles, node runs it`, () => {
    const dir = project(`ts-${system}`, pkg, {
      "consumer.ts": consumer,
      "spec.yaml": SPEC,
      "tsconfig.json": JSON.stringify({
        compilerOptions: { strict: true, module, moduleResolution: module, target: "ES2022", types: ["node"], skipLibCheck: false },
        files: ["consumer.ts"],
      }),
    });
    npm(["install", tarball, "@types/node@20"], dir);
    run(tsc, ["-p", "."], dir);
    const out = run("node", ["consumer.js"], dir).trim().split("\n");
    assert.deepEqual(out, ["spec-invalid /onPrem/nodeCidr", "calico-route-reflector delivered 3"]);
  });
}

const freePort = () => new Promise((resolve) => {
  const s = createServer().listen(0, "127.0.0.1", () => { const { port } = s.address(); s.close(() => resolve(port)); });
});

test("bundlers: Vite, esbuild and webpack 5 production builds run in Chromium without configuration", async (t) => {
  const page = (script) => `<!doctype html><meta charset="utf-8"><title>hybridplan</title><body>${script}</body>\n`;
  const dir = project("bundlers", { devDependencies: {} }, {
    // webpack's default entry; Vite and esbuild are pointed at the same file.
    "src/index.js": `import { plan, trace, SpecError } from "hybridplan";\n` +
      `const p = plan(${JSON.stringify(SPEC)});\n` +
      `document.body.dataset.mode = p.mode.selected;\n` +
      `try { plan("{ not json: ["); } catch (e) { document.body.dataset.error = e instanceof SpecError ? e.code : String(e); }\n` +
      `document.body.dataset.trace = trace(p, "10.100.1.1", "10.10.25.10").outcome;\n`,
    "index.html": page('<script type="module" src="/src/index.js"></script>'),
  });
  npm(["install", tarball, ...Object.entries(BUNDLERS).map(([n, v]) => `${n}@${v}`)], dir);
  const bin = (name) => join(dir, "node_modules/.bin", name);
  run(bin("vite"), ["build", "--outDir", "out/vite"], dir);
  run(bin("esbuild"), ["src/index.js", "--bundle", "--minify", "--outfile=out/esbuild/main.js"], dir);
  writeFileSync(join(dir, "out/esbuild/index.html"), page('<script src="main.js"></script>'));
  run(bin("webpack"), ["--mode", "production"], dir);
  writeFileSync(join(dir, "dist/index.html"), page('<script src="main.js"></script>'));

  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  t.after(() => browser.close());
  for (const [bundler, path] of [["vite", "out/vite"], ["esbuild", "out/esbuild"], ["webpack", "dist"]]) {
    // Each build served from its own root, as it would be deployed.
    const port = await freePort();
    const server = spawn("python3", ["-m", "http.server", String(port), "--bind", "127.0.0.1", "--directory", join(dir, path)], { stdio: "ignore" });
    t.after(() => server.kill());
    const tab = await browser.newPage();
    const errors = [];
    tab.on("pageerror", (e) => errors.push(e.message));
    for (let i = 0; ; i++) {
      try { await tab.goto(`http://127.0.0.1:${port}/index.html`); break; } catch (e) {
        if (i > 50) throw e;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    await tab.waitForSelector("body[data-trace]", { timeout: 15000 }).catch(() => {});
    assert.deepEqual(errors, [], `${bundler}: page errors`);
    assert.equal(await tab.getAttribute("body", "data-mode"), "calico-route-reflector", bundler);
    assert.equal(await tab.getAttribute("body", "data-trace"), "delivered", bundler);
    assert.equal(await tab.getAttribute("body", "data-error"), "spec-syntax", `${bundler}: SpecError survives bundling`);
    await tab.close();
  }
});
