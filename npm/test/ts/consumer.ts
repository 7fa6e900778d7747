// Compiled with `tsc --noEmit --strict`: right shapes compile, wrong ones are caught.
import { plan, validate, trace, RouteTable, SpecError, type Code, type Diagnostic, type HybridClusterSpec, type Plan } from "hybridplan";

const spec: HybridClusterSpec = {
  name: "idc",
  onPrem: {
    nodeCidrs: ["192.168.0.0/24"],
    podCidr: "10.100.0.0/16",
    serviceCidr: "172.21.0.0/20",
    nodes: 40,
    edgeRouters: [{ ip: "192.168.0.1", asNumber: 65001 }],
  },
  cloud: {
    region: "cn-hangzhou",
    vpcCidr: "10.0.0.0/8",
    zones: [{ zone: "cn-hangzhou-h", nodeVSwitches: [{ id: "vsw-a", cidr: "10.10.24.0/24" }], podVSwitches: [{ id: "vsw-b", cidr: "10.10.25.0/24" }] }],
    nodes: 2,
    securityGroups: ["sg-1"],
    terway: { mode: "shared-eni" },
  },
  interconnect: {
    vbr: { id: "vbr-1", vlanId: 100, localGatewayIp: "192.168.255.1", peerGatewayIp: "192.168.255.2", peeringSubnet: "192.168.255.0/30" },
    cen: { id: "cen-1" },
  },
  mode: "calico-route-reflector",
};

const p: Plan = plan(spec);
const fromText: Plan = plan("name: x");
const selected: "flannel-vxlan" | "calico-ipip" | "cilium-vxlan" | "calico-route-reflector" | "cilium-bgp" = p.mode.selected;
const firstCode: string | undefined = validate(spec)[0]?.code;
const hops: string[] = trace(p, "10.100.1.1", "10.10.25.10").hops.map((h) => h.device);
const budget: string = p.addressing.dcPods[0].units; // beyond 2^53: a string
const table = new RouteTable();
const replaced: number | undefined = table.insert("10.0.0.0/8", 1);
const values: Uint32Array = table.lookupMany(new Uint32Array([167772161]));
try {
  plan({ ...spec, name: "y" });
} catch (e) {
  // A class: `instanceof` narrows `unknown` to it.
  if (e instanceof SpecError) {
    const where: string = e.path;
    const code: Code = e.code;
    const hint: string | null = e.hint;
    const first: Diagnostic | undefined = e.diagnostics[0];
    const name: "SpecError" = e.name;
    // @ts-expect-error: the properties are read-only
    e.code = "cidr-syntax";
    void where, code, hint, first, name;
  }
}
const made: Error = new SpecError("made by hand", { code: "cidr-syntax", path: "src" });
// @ts-expect-error: "internal" is not a code of the core
new SpecError("made by hand", { code: "internal" });

// @ts-expect-error: unknown key
const typo: HybridClusterSpec = { ...spec, onPrem: { ...spec.onPrem, podCIRD: "10.0.0.0/8" } };
// @ts-expect-error: not a mode
const badMode: HybridClusterSpec = { ...spec, mode: "calico-bgp" };
// @ts-expect-error: nodes is a number
const badNodes: HybridClusterSpec = { ...spec, onPrem: { ...spec.onPrem, nodes: "40" } };
// @ts-expect-error: the interconnect is required
const noInterconnect: HybridClusterSpec = { name: "x", onPrem: spec.onPrem, cloud: spec.cloud };
// @ts-expect-error: counts are strings, not numbers
const wrongCount: number = p.addressing.dcPods[0].units;
// @ts-expect-error: lookupMany takes a Uint32Array
table.lookupMany([1, 2, 3]);
// @ts-expect-error: trace needs a plan, not a spec
trace(spec, "10.0.0.1", "10.0.0.2");

void made, fromText, selected, firstCode, hops, budget, replaced, values, typo, badMode, badNodes, noInterconnect, wrongCount;
