// The API of the package. The build joins it with the spec, plan and trace types that
// ts-rs generates from the Rust types (the imports below name them for editors; the build
// drops them) into one file per module system: dist/index.d.ts and dist/index.d.cts.
// The module starts when it is imported: there is no `init()` to call.
import type { HybridClusterSpec } from "./types/HybridClusterSpec.js";
import type { Plan } from "./types/Plan.js";
import type { Trace } from "./types/Trace.js";
import type { Diagnostic } from "./types/Diagnostic.js";
import type { Code } from "./types/Code.js";
import type { Imported } from "./types/Imported.js";
import type { Drift } from "./types/Drift.js";
import type { TerraformFile } from "./types/TerraformFile.js";

export type * from "./types/HybridClusterSpec.js";
export type * from "./types/Plan.js";
export type * from "./types/Trace.js";
export type * from "./types/Diagnostic.js";
export type * from "./types/Imported.js";
export type * from "./types/Drift.js";
export type * from "./types/TerraformFile.js";

/** What a `SpecError` carries besides its message. */
export interface SpecErrorDetail {
  code?: Code;
  path?: string;
  hint?: string | null;
  diagnostics?: Diagnostic[];
}

/** The one error every function and `RouteTable` method throws: a spec that cannot be read
 * (syntax, schema), a malformed prefix or address (`cidr-syntax`, `cidr-host-bits`), an
 * argument of the wrong shape (`spec-invalid`), or cluster objects given to
 * `importCluster` / `diff` that are not `kubectl … -o json` output (`live-unreadable`).
 * `err instanceof SpecError` holds for errors of either entry (ES module or CommonJS). */
export class SpecError extends Error {
  constructor(message: string, detail?: SpecErrorDetail);
  name: "SpecError";
  /** The diagnostic code of the first problem. */
  readonly code: Code;
  /** Where the first problem is: a JSON Pointer into the spec or plan (`/onPrem/podCidr`),
   * or the argument's name (`src`, `prefix`, `prefixes/3`). */
  readonly path: string;
  /** What to do about it, where there is one obvious answer. */
  readonly hint: string | null;
  /** Every problem found (at least one). */
  readonly diagnostics: Diagnostic[];
}

/** The plan of a spec given as an object, as JSON/YAML text, or as that text's bytes. */
export function plan(spec: HybridClusterSpec | string | Uint8Array): Plan;
/** Every diagnostic of a spec, errors first. */
export function validate(spec: HybridClusterSpec | string | Uint8Array): Diagnostic[];
/** The node each end of a trace runs on: a pod address of an overlay may be on either side. */
export interface TraceOptions {
  srcNode?: "dc-node" | "ecs-node";
  dstNode?: "dc-node" | "ecs-node";
  /** Devices down for this trace (`["vbr-2"]`, `["dc-edge"]`): the path after that failure. */
  fail?: string[];
}
/** Follows a packet from `src` to `dst` through a plan's route tables. */
export function trace(plan: Plan, src: string, dst: string, options?: TraceOptions): Trace;

/** Options of `importCluster`. */
export interface ImportOptions {
  /** A spec that gives what kubectl cannot show (cloud, interconnect); its onPrem values
   * are replaced by what the cluster shows. */
  into?: HybridClusterSpec | string;
}
/** The spec's onPrem read from the cluster: `live` is the output of the `kubectl get … -o
 * json` command in the README (a List, one object, or several documents). (`import` is a
 * reserved word in JavaScript.) */
export function importCluster(live: string | Uint8Array, options?: ImportOptions): Imported;
/** Compares the plan of `spec` with the cluster whose objects `live` holds. Throws
 * `SpecError` when either cannot be read, or the spec has errors. */
export function diff(spec: HybridClusterSpec | string | Uint8Array, live: string | Uint8Array): Drift;

/** The Alibaba Cloud side of the plan of `spec` as Terraform for the `aliyun/alicloud`
 * provider: one module of files (versions.tf, variables.tf, main.tf, cloud_services.tf,
 * security_groups.tf, outputs.tf). A spec with errors still renders; its plan's
 * diagnostics say what is wrong. */
export function renderTerraform(spec: HybridClusterSpec | string | Uint8Array): TerraformFile[];

/** Longest-prefix match over IPv4 and IPv6 prefixes, one 32-bit number per prefix. */
export class RouteTable {
  constructor();
  readonly size: number;
  /** Adds a prefix (`10.0.0.0/8`); returns the value it replaced. */
  insert(prefix: string, value: number): number | undefined;
  /** Adds many prefixes, building the lookup structure once. */
  insertMany(prefixes: string[], values: Uint32Array): void;
  remove(prefix: string): number | undefined;
  lookup(ip: string): { prefix: string; value: number } | undefined;
  /** IPv4 addresses as 32-bit numbers; `miss` (default 0xFFFFFFFF) where nothing matches. */
  lookupMany(addrs: Uint32Array, miss?: number): Uint32Array;
  /** IPv6: four 32-bit words per address, most significant first. */
  lookupManyV6(words: Uint32Array, miss?: number): Uint32Array;
  free(): void;
}
