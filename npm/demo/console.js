// The planning console: the spec on the left, checked on every keystroke; the plan on the
// right. All the work is the WebAssembly module's; this file only draws.
import { plan, trace, importCluster, diff, renderTerraform } from "../dist/index.js";

const $ = (id) => document.getElementById(id);
const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
let current = null;
/** The Terraform files of the current spec. */
let terraform = [];
/** The kubectl output last imported: the plan is compared with it as the spec changes. */
let live = null;

/** The line of the spec text a JSON Pointer points at (YAML block style or JSON), or -1. */
function lineOf(text, pointer) {
  const lines = text.split("\n");
  const keys = pointer.split("/").slice(1).filter((k) => !/^\d+$/.test(k));
  let at = 0;
  let found = -1;
  for (const key of keys) {
    const re = new RegExp(`(^|[\\s{,"])${key.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}"?\\s*:`);
    const i = lines.findIndex((l, n) => n >= at && re.test(l));
    if (i < 0) break;
    found = i;
    at = i;
  }
  return found;
}

function highlight(text, diagnostics) {
  const marks = new Map();
  for (const d of diagnostics) {
    const line = lineOf(text, d.path);
    if (line >= 0 && marks.get(line) !== "error") marks.set(line, d.severity);
  }
  $("backdrop").innerHTML = text.split("\n")
    .map((l, i) => (marks.has(i) ? `<mark class="${marks.get(i)}">${esc(l) || " "}</mark>` : esc(l)))
    .join("\n") + "\n";
}

function renderDiagnostics(list) {
  $("diag-count").textContent = list.length ? `${list.length}` : "none";
  $("diagnostics").innerHTML = list.map((d) =>
    `<li class="${d.severity}" data-code="${esc(d.code)}"><code>${esc(d.code)}</code> ` +
    `<span class="path">${esc(d.path)}</span><br>${esc(d.message)}` +
    (d.hint ? `<br><span class="hint">${esc(d.hint)}</span>` : "") + "</li>").join("");
}

function table(head, rows) {
  return `<table><tr>${head.map((h) => `<th>${esc(h)}</th>`).join("")}</tr>` +
    rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join("")}</tr>`).join("") + "</table>";
}

/** DC, then one row per circuit (edge router, Express Connect, VBR), then CEN, the VPC and
 *  its vSwitches, left to right, with their ranges: drawn from the plan alone (its ranges
 *  and route tables). With two circuits each row says whether it carries traffic now
 *  (active, ECMP) or waits (standby), as the transit router's routes to the DC rank them. */
function topology(p) {
  const ranges = (role) => p.addressing.ranges.filter((r) => r.role === role);
  const cidrs = (role) => ranges(role).map((r) => r.cidr).join(", ");
  const tableOf = (device) => p.routing.tables.find((t) => t.device === device);
  const label = (device) => tableOf(device)?.label ?? "";
  const vbrs = p.routing.tables.filter((t) => /^vbr(-\d+)?$/.test(t.device)).map((t) => t.device);
  const toDc = tableOf("cen-tr")?.entries.filter((e) => vbrs.includes(e.nextDevice)) ?? [];
  const state = (vbr) => {
    const role = toDc.find((e) => e.nextDevice === vbr)?.path;
    return role === "backup" ? "standby" : role === "ecmp" ? "active (ECMP)" : role ? "active" : "";
  };
  const circuits = vbrs.map((vbr) => {
    const edge = tableOf(vbr)?.entries.find((e) => /^dc-edge/.test(e.nextDevice ?? ""))?.nextDevice ?? "dc-edge";
    const id = label(vbr).replace(/^VBR (\S+).*$/, "$1");
    const peering = ranges("vbr-peering").filter((r) => r.id === id).map((r) => r.cidr).join(", ");
    return { vbr, edge, peering, state: state(vbr) };
  });
  const w = 170, gap = 22, h = 86, rowGap = 16;
  const rows = Math.max(circuits.length, 1);
  const height = rows * h + (rows - 1) * rowGap;
  const col = (i) => 10 + i * (w + gap);
  let svg = "";
  const box = (x, y, title, lines, dashed) => {
    svg += `<rect x="${x}" y="${y}" width="${w}" height="${h}" rx="6" fill="#eef3fb" stroke="#1d3557"` +
      `${dashed ? ' stroke-dasharray="5 3"' : ""}/>` +
      `<text x="${x + 8}" y="${y + 20}" font-weight="600">${esc(title)}</text>` +
      lines.flatMap((l) => l.match(/.{1,26}(\s|$)|.{1,26}/g) ?? [""]).slice(0, 3)
        .map((l, j) => `<text x="${x + 8}" y="${y + 40 + j * 15}" font-size="11">${esc(l.trim())}</text>`).join("");
  };
  const line = (x1, y1, x2, y2, dashed) => {
    svg += `<line x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}" stroke="#1d3557" stroke-width="2"` +
      `${dashed ? ' stroke-dasharray="5 3"' : ""}/>`;
  };
  const middle = 10 + (height - h) / 2;
  box(col(0), middle, "DC", [`nodes ${cidrs("dc-nodes")}`, `pods ${cidrs("dc-pods")}`, p.mode.selected]);
  circuits.forEach((c, r) => {
    const y = 10 + r * (h + rowGap);
    const standby = c.state === "standby";
    const mark = c.state ? `, ${c.state}` : "";
    box(col(1), y, c.edge === "dc-edge" ? "edge router" : `edge router (${c.edge})`,
      [label(c.edge).replace(/^DC edge router /, "").replace(/, (ends|peers).*$/, "")], standby);
    box(col(2), y, `Express Connect${mark}`, [`peering ${c.peering}`], standby);
    box(col(3), y, c.vbr === "vbr" ? "VBR" : `VBR (${c.vbr})`, [label(c.vbr).replace(/^VBR /, "")], standby);
    line(col(0) + w, middle + h / 2, col(1), y + h / 2, standby);
    line(col(1) + w, y + h / 2, col(2), y + h / 2, standby);
    line(col(2) + w, y + h / 2, col(3), y + h / 2, standby);
    line(col(3) + w, y + h / 2, col(4), middle + h / 2, standby);
  });
  box(col(4), middle, "CEN", [label("cen-tr").replace(/^CEN /, "")]);
  box(col(5), middle, "VPC", [cidrs("vpc")]);
  line(col(4) + w, middle + h / 2, col(5), middle + h / 2);
  const vpcX = col(5);
  const vsw = [...ranges("node-vswitch"), ...ranges("pod-vswitch")];
  vsw.forEach((v, j) => {
    const y = height + 34 + j * 40;
    const kind = v.role === "pod-vswitch" ? "pod" : "node";
    svg += `<line x1="${vpcX + w / 2}" y1="${middle + h}" x2="${vpcX + w / 2}" y2="${y}" stroke="#457b9d"/>` +
      `<rect x="${vpcX - 60}" y="${y}" width="${w + 60}" height="32" rx="4" fill="#f3faf4" stroke="#2a6f3a"/>` +
      `<text x="${vpcX - 52}" y="${y + 20}" font-size="11">${esc(`${kind} vSwitch ${v.id ?? ""} ${v.cidr}`)}</text>`;
  });
  return `<svg role="img" aria-label="topology" viewBox="0 0 ${vpcX + w + 20} ${height + 44 + vsw.length * 40}">${svg}</svg>`;
}

function renderPlan(p) {
  $("mode").textContent = `${p.mode.selected}; ECS nodes: ${p.mode.cloudCni}`;
  $("mode-reasons").innerHTML = p.mode.reasons.map((r) => `<li>${esc(r)}</li>`).join("");
  $("topology").innerHTML = topology(p);
  const a = p.addressing;
  $("budget").innerHTML =
    table(["DC pods", "unit", "per node", "nodes supported", "planned", "headroom"],
      a.dcPods.map((b) => [b.cidrs.join(", "), `${b.unit} /${b.unitPrefixLength}`, b.unitsPerNode, b.nodesSupported, b.nodesPlanned, b.headroomNodes])) +
    (a.cloudPods
      ? table(["zone", "pod vSwitch IPs", "cloud pods planned", "headroom"],
        a.cloudPods.zones.map((z) => [z.zone, z.podVswitchAddresses, z.podsPlanned, z.headroom]))
      : "<p>Cloud pods take addresses from the overlay's pod range (above).</p>");
  const ends = (e) => `${e.name} ${e.cidrs.join(", ")}`;
  $("flows").innerHTML = table(["protocol", "port", "from", "to", "why"],
    p.flows.map((f) => [f.protocol, f.port ?? "", ends(f.from), ends(f.to), f.why]));
  $("steps").innerHTML = p.steps.map((s) =>
    `<li><b>[${esc(s.side)}]</b> ${esc(s.title)}<ul>${s.details.map((d) => `<li>${esc(d)}</li>`).join("")}</ul></li>`).join("");
  $("checks").innerHTML = table(["from", "to", "src → dst", "outcome", "path", "expect"],
    p.connectivity.map((c) => [c.from, c.to, `${c.src} → ${c.dst}`, c.outcome, c.path.join(" › "), c.expect]));
  $("routes").innerHTML = p.routing.tables.map((t) =>
    `<details><summary>${esc(t.device)}: ${esc(t.label)} (${t.entries.length})</summary>` +
    table(["destination", "next hop", "origin"], t.entries.map((e) => [e.destination, e.nextHop, e.origin])) + "</details>").join("");
  $("mode").textContent += `; DC CNI: ${p.cni.plugin} ${p.cni.version} (${p.cni.install}${p.cni.assumed ? ", assumed" : ""})`;
  const value = (v) => v ?? "(none)";
  $("changes").innerHTML = p.changes.length
    ? table(["object", "field", "before → after", "why", "by"],
      p.changes.map((c) => [c.object, c.field || "created", c.field ? `${value(c.before)} → ${value(c.after)}` : value(c.after), c.why, c.by]))
    : "<p>none</p>";
  $("terway").innerHTML = p.terway
    ? table(["parameter", "value", "set in", "becomes"], p.terway.parameters.map((t) => [t.name, t.value, t.setIn, t.field])) +
      `<p>component config: <code>${esc(p.terway.addonConfig)}</code></p>`
    : "<p>the ECS nodes run the DC's overlay</p>";
  $("manifests").innerHTML = p.manifests.length
    ? p.manifests.map((m, i) => `<details><summary>${esc(m.file)} <button data-copy="${i}">copy</button></summary><pre>${esc(m.yaml)}</pre></details>`).join("")
    : "<p>none while errors stand</p>";
}

function renderTerraformFiles(text) {
  terraform = renderTerraform(text);
  $("terraform").innerHTML = terraform.map((f, i) =>
    `<details><summary>${esc(f.name)} <button data-copy="${i}">copy</button> <button data-download="${i}">download</button></summary><pre>${esc(f.content)}</pre></details>`).join("");
}

function download(name, content) {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(new Blob([content], { type: "text/plain" }));
  a.download = name;
  a.click();
  URL.revokeObjectURL(a.href);
}

function renderDrift(text) {
  if (!live) return;
  try {
    const d = diff(text, live);
    $("drift").innerHTML = d.inSync
      ? '<p class="delivered">in sync: the cluster is in the planned state</p>'
      : table(["what", "plan", "cluster", "in the plan", "in the cluster"],
        d.differences.map((x) => [x.what, x.planned ?? "(none)", x.live ?? "(none)", x.planAt, x.clusterAt]));
  } catch (e) {
    $("drift").innerHTML = `<p class="failed">${esc(e.code)}: ${esc(e.message)}</p>`;
  }
}

async function importFile() {
  const file = $("live-file").files[0];
  if (!file) return;
  try {
    const text = await file.text();
    const imported = importCluster(text, { into: $("spec").value });
    live = text;
    $("spec").value = imported.yaml;
    $("import-status").textContent = `imported ${imported.found.length} values from ${file.name}`;
    $("import-missing").innerHTML = imported.missing.map((m) => `<li>fill in <code>${esc(m.path)}</code>: ${esc(m.what)}</li>`).join("");
    update();
  } catch (e) {
    $("import-status").innerHTML = `<span class="failed">${esc(e.code)}</span> ${esc(e.message)}`;
  }
}

function update() {
  const text = $("spec").value;
  try {
    current = plan(text);
    renderDiagnostics(current.diagnostics);
    highlight(text, current.diagnostics);
    renderPlan(current);
    renderTerraformFiles(text);
    renderDrift(text);
  } catch (e) {
    current = null;
    const list = e.diagnostics ?? [{ code: e.code, severity: "error", path: e.path, message: e.message, hint: e.hint }];
    renderDiagnostics(list);
    highlight(text, list);
  }
}

function runTrace(event) {
  event.preventDefault();
  if (!current) return;
  try {
    const t = trace(current, $("trace-src").value.trim(), $("trace-dst").value.trim(),
      { srcNode: $("trace-src-node").value || undefined, dstNode: $("trace-dst-node").value || undefined });
    $("trace-hops").innerHTML = t.hops.map((h) => `<li data-device="${esc(h.device)}">${esc(h.device)}: ${esc(h.matched)} → ${esc(h.nextHop)} (${esc(h.origin)})</li>`).join("");
    $("trace-outcome").innerHTML = `<span class="${t.outcome === "delivered" ? "delivered" : "failed"}">${esc(t.outcome)}</span> ${esc(t.reason)}`;
  } catch (e) {
    $("trace-hops").innerHTML = "";
    $("trace-outcome").innerHTML = `<span class="failed">${esc(e.code)}</span> ${esc(e.message)}`;
  }
}

$("spec").value = await (await fetch("./reference.yaml")).text();
let pending = 0;
$("spec").addEventListener("input", () => { clearTimeout(pending); pending = setTimeout(update, 120); });
$("spec").addEventListener("scroll", () => { $("backdrop").scrollTop = $("spec").scrollTop; $("backdrop").scrollLeft = $("spec").scrollLeft; });
$("trace-form").addEventListener("submit", runTrace);
$("live-file").addEventListener("change", importFile);
$("manifests").addEventListener("click", (e) => {
  const i = e.target?.dataset?.copy;
  if (i !== undefined && current) { e.preventDefault(); navigator.clipboard?.writeText(current.manifests[i].yaml); e.target.textContent = "copied"; }
});
$("terraform").addEventListener("click", (e) => {
  const { copy, download: save } = e.target?.dataset ?? {};
  if (copy !== undefined) { e.preventDefault(); navigator.clipboard?.writeText(terraform[copy].content); e.target.textContent = "copied"; }
  if (save !== undefined) { e.preventDefault(); download(terraform[save].name, terraform[save].content); }
});
update();
document.body.dataset.ready = "true";
