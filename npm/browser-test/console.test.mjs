// The console page in a real browser (Debian chromium driven by playwright-core): the
// reference plan renders, an overlap typed into the spec shows `cidr-overlap`, a trace
// runs, a kubectl output file imports into the spec and diffs with its plan, and a
// screenshot is saved under npm/test-output/.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { createServer } from "node:net";
import { chromium } from "playwright-core";

const npm = new URL("..", import.meta.url).pathname;
const browserPath = process.env.CHROMIUM ?? "/usr/bin/chromium";

const freePort = () => new Promise((resolve) => {
  const s = createServer().listen(0, "127.0.0.1", () => { const { port } = s.address(); s.close(() => resolve(port)); });
});

test("the console plans, flags an overlap as you type, and traces", async (t) => {
  const port = await freePort();
  // The one-line static server of the README.
  const server = spawn("python3", ["-m", "http.server", String(port), "--bind", "127.0.0.1", "--directory", npm], { stdio: "ignore" });
  t.after(() => server.kill());
  const browser = await chromium.launch({
    executablePath: browserPath,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  t.after(() => browser.close());
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  for (let i = 0; ; i++) {
    try { await page.goto(`http://127.0.0.1:${port}/demo/index.html`); break; } catch (e) {
      if (i > 50) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  await page.waitForSelector("body[data-ready=true]", { timeout: 15000 });

  assert.ok((await page.textContent("#mode")).startsWith("calico-route-reflector; ECS nodes: terway; DC CNI: calico"));
  assert.ok((await page.textContent("#flows")).includes("10250"), "the flows are listed");
  assert.ok((await page.locator("#steps > li").count()) >= 3, "the steps are listed");
  assert.ok(await page.locator("#topology svg").count() === 1, "topology drawn");
  assert.ok((await page.textContent("#routes")).includes("cen-tr"));
  assert.ok((await page.locator("#manifests details").count()) >= 5, "manifests listed");
  assert.equal(await page.locator("#terraform details").count(), 6, "the Terraform files listed");
  assert.ok((await page.textContent("#terraform")).includes('resource "alicloud_vpc_bgp_peer" "vbr"'));
  const [saved] = await Promise.all([page.waitForEvent("download"),
    page.locator('#terraform button[data-download="2"]').click()]);
  assert.equal(saved.suggestedFilename(), "main.tf", "a Terraform file downloads under its name");

  // Make the pod range overlap the DC node range, as someone typing would.
  const spec = await page.inputValue("#spec");
  await page.fill("#spec", spec.replace("podCidr: 10.100.0.0/16", "podCidr: 192.168.0.0/16"));
  await page.locator('#diagnostics li[data-code="cidr-overlap"]').first().waitFor({ timeout: 5000 });
  assert.ok((await page.locator("#backdrop mark.error").count()) >= 1, "the offending line is highlighted");
  assert.equal(await page.locator("#manifests details").count(), 0, "no manifests while errors stand");

  // Back to the reference, then trace a DC pod to a cloud pod.
  await page.fill("#spec", spec);
  await page.locator('#diagnostics li[data-code="cidr-overlap"]').first().waitFor({ state: "detached", timeout: 5000 });
  await page.click("#trace-run");
  await page.locator("#trace-hops li").first().waitFor({ timeout: 5000 });
  const hops = await page.locator("#trace-hops li").evaluateAll((els) => els.map((e) => e.dataset.device));
  assert.deepEqual(hops, ["dc-node", "dc-edge", "vbr", "cen-tr", "vpc", "ecs-node"]);
  assert.ok((await page.textContent("#trace-outcome")).includes("delivered"));

  // An overlay: pods of both sides in one range, reached through the tunnel; the trace
  // needs the side of each pod.
  const overlay = spec.replace("performance: high", "performance: standard").replace("maxNodes: 200", "maxNodes: 60")
    .replace("nodes: 120", "nodes: 40");
  await page.fill("#spec", overlay);
  await page.waitForFunction(() => document.querySelector("#mode").textContent.startsWith("calico-ipip"), null, { timeout: 5000 });
  assert.ok((await page.textContent("#flows")).includes("ipip"), "IPIP crosses Express Connect");
  await page.fill("#trace-src", "10.100.1.1");
  await page.selectOption("#trace-src-node", "dc-node");
  await page.fill("#trace-dst", "10.100.128.10");
  await page.selectOption("#trace-dst-node", "ecs-node");
  await page.click("#trace-run");
  await page.waitForFunction(() => document.querySelector("#trace-hops li:last-child")?.dataset.device === "ecs-node", null, { timeout: 5000 });
  assert.ok((await page.textContent("#trace-outcome")).includes("delivered"));

  mkdirSync(new URL("../test-output/", import.meta.url), { recursive: true });
  // Two circuits, active/standby: the topology draws both, the second as the standby.
  const twoCircuits = spec
    .replace("    - { ip: 192.168.0.1, asNumber: 65001 }",
      "    - { ip: 192.168.0.1, asNumber: 65001 }\n    - { ip: 192.168.0.2, asNumber: 65001 }")
    .replace(/  vbr:[\s\S]*?(?=\n  cen:)/, [
      "  redundancy: active-standby",
      "  vbrs:",
      "    - { id: vbr-hz-1, vlanId: 100, localGatewayIp: 192.168.255.1, peerGatewayIp: 192.168.255.2, peeringSubnet: 192.168.255.0/30, edgeRouter: 192.168.0.1 }",
      "    - { id: vbr-hz-2, vlanId: 200, localGatewayIp: 192.168.254.1, peerGatewayIp: 192.168.254.2, peeringSubnet: 192.168.254.0/30, edgeRouter: 192.168.0.2 }",
    ].join("\n"));
  assert.notEqual(twoCircuits, spec, "the reference spec has the single VBR to replace");
  await page.fill("#spec", twoCircuits);
  await page.waitForFunction(() => document.querySelector("#topology").textContent.includes("standby"), null, { timeout: 5000 });
  const topo = await page.textContent("#topology");
  assert.ok(topo.includes("VBR (vbr-2)") && topo.includes("vbr-hz-2"), "both circuits drawn");
  assert.ok(topo.includes("Express Connect, active") && topo.includes("Express Connect, standby"), "the active one marked");
  await page.screenshot({ path: new URL("../test-output/console-two-circuits.png", import.meta.url).pathname, fullPage: true });

  // The cluster that exists: kubectl output of a Calico 3.28 manifest install, imported
  // into the reference spec; the plan then changes that Calico, and the drift shows what
  // is not yet as planned.
  await page.fill("#spec", spec);
  await page.waitForFunction(() => document.querySelector("#mode").textContent.startsWith("calico-route-reflector"), null, { timeout: 5000 });
  const fixture = new URL("../../tests/fixtures/clusters/calico-3.28-manifest.json", import.meta.url).pathname;
  await page.setInputFiles("#live-file", fixture);
  await page.waitForFunction(() => document.querySelector("#spec").value.includes("existingPools"), null, { timeout: 5000 });
  const imported = await page.inputValue("#spec");
  assert.ok(imported.includes("version: '3.28.2'"), "the release read from the image tag");
  assert.ok(imported.includes("# from IPPool default-ipv4-ippool"), "each value says where it came from");
  await page.waitForFunction(() => document.querySelector("#drift table") !== null, null, { timeout: 5000 });
  assert.ok((await page.textContent("#drift")).includes("node-to-node mesh"), "the drift lists the mesh");
  assert.ok((await page.textContent("#changes")).includes("spec.ipipMode"), "the pool's change is shown before and after");
  assert.ok((await page.textContent("#mode")).includes("DC CNI: calico 3.28.2 (manifest)"));

  await page.screenshot({ path: new URL("../test-output/console.png", import.meta.url).pathname, fullPage: true });
  assert.deepEqual(errors, [], "no errors in the page");
});
