/**
 * The model's metadata_props: what the file was compiled from, so a serving
 * system (or a person) can tell one model from another without the source.
 * The keys are a contract, documented in docs/deploy.md:
 *
 *   network         the network's name
 *   parameters      JSON object: every network parameter's value (integers as
 *                   numbers, other rationals as "p/q" strings, choices as
 *                   strings, flags as booleans, blocks as they read:
 *                   "tconv(k: 5, ratio: 2)"); a dynamic one as its own name
 *   source_sha256   SHA-256 of the compiled file and every module it imports
 *                   (standard library included): for each, in path order, its
 *                   path, a NUL byte, its UTF-8 text and a NUL byte
 *   sfc_version     the compiler's version
 *   requirements    JSON: the input shapes and the conditions they must meet
 *                   (see compiler/dynamic/requirements.ts)
 *   weights         with --weights: the checkpoint file as given
 *   weights_sha256  with --weights: SHA-256 of the checkpoint file's bytes
 *                   (library callers pass it in CompileOptions.checkpoint.sha256)
 *   graph_passes    JSON: what the inference passes did (folded batch norms,
 *                   removed dropouts, merged reshapes)
 */
import type * as crypto from "node:crypto";
import type { NetworkParam } from "./elaborate";
import type { MetadataValue } from "./emit/onnx";
import { BlockParamValue } from "./values";

export type MetadataEntry = readonly [key: string, value: MetadataValue];

export interface MetadataInput {
  readonly network: string;
  readonly params: readonly NetworkParam[];
  /** Names of the parameters left symbolic. */
  readonly dynamic: ReadonlySet<string>;
  readonly sources: ReadonlyMap<string, string>;
  readonly sfcVersion: string;
  /** Already JSON. */
  readonly requirements: string;
  /** The checkpoint, as given; its digest when the caller has the file's bytes (the CLI always does), or gives it late. */
  readonly weights?: { readonly file: string; readonly sha256: MetadataValue | undefined };
  readonly passes: unknown;
}

function paramJson(value: NetworkParam["value"]): number | string | boolean | null {
  if (value === undefined) return null;
  if (typeof value === "string" || typeof value === "boolean") return value;
  // A block-valued parameter, as it reads: "tconv(k: 5, ratio: 2)".
  if (value instanceof BlockParamValue) return value.text;
  return value.isInteger() ? value.toNumber() : value.toString();
}

export function parametersJson(params: readonly NetworkParam[], dynamic: ReadonlySet<string>): string {
  const out: Record<string, number | string | boolean | null> = {};
  for (const p of params) out[p.name] = dynamic.has(p.name) ? p.name : paramJson(p.value);
  return JSON.stringify(out);
}

/** SHA-256 of the sources, as the `source_sha256` key describes. */
export function sourceSha256(sources: ReadonlyMap<string, string>): string {
  // node:crypto loads when a model is written: `sfc check` and `info` do without it.
  const hash = (require("node:crypto") as typeof crypto).createHash("sha256");
  for (const path of [...sources.keys()].sort()) {
    hash.update(path, "utf8");
    hash.update(new Uint8Array([0]));
    hash.update(sources.get(path)!, "utf8");
    hash.update(new Uint8Array([0]));
  }
  return hash.digest("hex");
}

export function modelMetadata(input: MetadataInput): MetadataEntry[] {
  const entries: MetadataEntry[] = [
    ["network", input.network],
    ["parameters", parametersJson(input.params, input.dynamic)],
    ["source_sha256", sourceSha256(input.sources)],
    ["sfc_version", input.sfcVersion],
    ["requirements", input.requirements],
  ];
  if (input.weights) entries.push(["weights", input.weights.file]);
  if (input.weights?.sha256 !== undefined) entries.push(["weights_sha256", input.weights.sha256]);
  entries.push(["graph_passes", JSON.stringify(input.passes)]);
  return entries;
}
