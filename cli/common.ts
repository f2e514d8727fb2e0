/** What the CLI's commands share: options, their parsing, and compiling from them. */
import * as fs from "node:fs";
import { compile, type CompileResult, type Setting } from "../compiler/index";
import { describeFsError, packageInfo, readCheckpointFile } from "../compiler/host/node";
import { cliHost } from "./prebuilt-stdlib";
import type { OutputFormat } from "../compiler/render/index";
import { parseLimit, type Limits } from "../compiler/limits";
import { CheckpointError } from "../compiler/weights/tensor";
import { requireSource, UsageError } from "./io";
import { fileSha256InBackground } from "./file-sha256";
import { LAYOUT_MODES, type LayoutMode } from "../compiler/emit/layout";
import type { OptionSpecs } from "./options";

export function version(): string {
  try {
    return packageInfo().version;
  } catch {
    return "0.0.0";
  }
}

export function settingsOf(values: { set?: string[] }): Setting[] {
  return (values.set ?? []).map((text) => ({ text }));
}

/** --limit NAME=VALUE, repeated: raises (or lowers) the limits of compiler/limits.ts. */
export function limitsOf(values: { limit?: string[] }): Partial<Limits> {
  const out: Partial<Record<keyof Limits, number>> = {};
  for (const text of values.limit ?? []) {
    const parsed = parseLimit(text);
    if (typeof parsed === "string") throw new UsageError(`--limit ${text}: ${parsed}`);
    out[parsed.name] = parsed.value;
  }
  return out;
}

export function diagnosticFormat(value: string | undefined): OutputFormat {
  const f = value ?? "human";
  if (f === "human" || f === "json" || f === "sarif" || f === "github") return f;
  throw new UsageError(`unknown --format ${JSON.stringify(f)}: use human, json, sarif or github`);
}

export function intOption(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^-?\d+$/.test(value)) throw new UsageError(`--${name} takes an integer, given ${JSON.stringify(value)}`);
  const n = Number(value);
  // A 30-digit seed would round to another number (or overflow downstream): say so instead.
  if (!Number.isSafeInteger(n)) throw new UsageError(`--${name} takes an integer between -(2^53 - 1) and 2^53 - 1, given ${value}`);
  return n;
}

/** A count (--top, --views, --threads): a whole number from 1, its range said whatever is wrong with the value. */
export function positiveIntOption(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) throw new UsageError(`--${name} takes a whole number from 1 to 2^53 - 1, given ${JSON.stringify(value)}`);
  return n;
}

/** What `compile` and `run` take to build a model. */
export const WEIGHT_OPTIONS = {
  weights: { type: "string", value: "FILE", help: "take the weights from a checkpoint (.safetensors, a torch.save .pyth/.pt, or a Caffe2 .pkl)" },
  "weight-names": {
    type: "string",
    value: "MAP",
    help: "how the checkpoint names weights: sfc (the default), pyslowfast, pytorchvideo, mmaction2, caffe2 (the default for a Caffe2 .pkl), or a names map in scope",
  },
  reinit: {
    type: "string",
    value: "PATTERN",
    multiple: true,
    help: "start the weights matching PATTERN (e.g. 'head.projection.*') from the seeded initialisation instead of the checkpoint, to fine-tune",
  },
  "keep-bn": { type: "boolean", help: "keep batch norm as nodes of its own (by default it is folded into the convolutions)" },
  layout: {
    type: "string",
    value: "auto|ncdhw",
    help: "auto (the default) runs time-local ops as 2-D convolutions where that measures faster; ncdhw keeps every op 3-D",
  },
  dynamic: { type: "string", multiple: true, value: "NAMES", help: "leave these network parameters symbolic in the model, e.g. T,S (see docs/deploy.md)" },
  seed: { type: "string", value: "N", help: "seed of the generated weights when no checkpoint is given (default 0)" },
  opset: { type: "string", value: "N", help: "the ONNX opset to emit (default 17)" },
} as const satisfies OptionSpecs;

/** Compiles FILE's network in memory: shared by `compile` and `run`. */
export function compileFromArgs(
  file: string,
  values: {
    set?: string[];
    limit?: string[];
    network?: string;
    weights?: string;
    "weight-names"?: string;
    reinit?: string[];
    seed?: string;
    opset?: string;
    "keep-bn"?: boolean;
    layout?: string;
    dynamic?: string[];
  },
): CompileResult {
  const host = cliHost();
  requireSource(host, file);
  let checkpoint: Parameters<typeof compile>[0]["checkpoint"];
  if (values.weights !== undefined) {
    try {
      fs.statSync(values.weights);
    } catch (e) {
      // Why it cannot be reached: no such file, a loop of links, a part of the path that is not a folder.
      throw new UsageError(`cannot read ${values.weights}: ${describeFsError(e)}`);
    }
    try {
      const sha256 = fileSha256InBackground(values.weights);
      checkpoint = {
        tensors: readCheckpointFile(values.weights),
        label: values.weights,
        names: values["weight-names"],
        reinit: values.reinit,
        sha256: () => sha256.digest(),
      };
    } catch (e) {
      if (e instanceof CheckpointError) throw new UsageError(`cannot load ${values.weights}: ${e.message}`);
      throw e;
    }
  } else if (values["weight-names"] !== undefined) throw new UsageError("--weight-names goes with --weights FILE");
  else if (values.reinit !== undefined) throw new UsageError("--reinit goes with --weights FILE");
  return compile({
    file,
    host,
    network: values.network,
    settings: settingsOf(values),
    limits: limitsOf(values),
    seed: intOption("seed", values.seed, 0),
    opset: intOption("opset", values.opset, 17),
    checkpoint,
    keepBn: values["keep-bn"] ?? false,
    layout: layoutOption(values.layout),
    dynamic: dynamicNames(values.dynamic),
  });
}

function layoutOption(value: string | undefined): LayoutMode {
  if (value === undefined) return "auto";
  const mode = LAYOUT_MODES.find((m) => m === value);
  if (mode === undefined) throw new UsageError(`--layout takes ${LAYOUT_MODES.join(" or ")}, given ${JSON.stringify(value)}`);
  return mode;
}

/** --dynamic T,S (or --dynamic T --dynamic S): the names, in order, once each. */
export function dynamicNames(values: readonly string[] | undefined): string[] {
  const names = (values ?? []).flatMap((v) => v.split(",")).map((n) => n.trim());
  if (names.some((n) => n === "")) throw new UsageError("--dynamic takes parameter names separated by commas, e.g. --dynamic T,S");
  return [...new Set(names)];
}
