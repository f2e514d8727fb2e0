import type * as Ort from "onnxruntime-node";

/**
 * onnxruntime-node is an optional peer dependency: checking and compiling
 * never load it (it is large, and its install can fail without network), so
 * it is required here on first use rather than imported at the top.
 */
export class OnnxRuntimeMissing extends Error {
  constructor(cause: string) {
    // One line, as every message of a failed command is (a line feed in one is printed escaped).
    super(
      `running a model needs onnxruntime-node, an optional peer dependency that is not installed (${cause}): ` +
        "add it beside this package with `npm install onnxruntime-node`, or with `ONNXRUNTIME_NODE_INSTALL=skip npm install onnxruntime-node` " +
        "where its install script cannot download the CUDA libraries",
    );
  }
}

let loaded: typeof Ort | undefined;

export function onnxRuntime(): typeof Ort {
  if (loaded === undefined) {
    try {
      loaded = require("onnxruntime-node") as typeof Ort;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "MODULE_NOT_FOUND") throw new OnnxRuntimeMissing("cannot find module onnxruntime-node");
      throw new OnnxRuntimeMissing(firstLine(e));
    }
  }
  return loaded;
}

export type ExecutionProvider = "cpu" | "cuda" | "webgpu";

/** onnxruntime's log severity for fatal messages only (0 verbose, 1 info, 2 warning, 3 error, 4 fatal). */
const FATAL_ONLY = 4;

export interface SessionOptions {
  ep?: ExecutionProvider;
  /** intra-op threads; onnxruntime picks when omitted */
  threads?: number;
}

export interface OpenedSession {
  session: Ort.InferenceSession;
  /** The provider the session was actually created with. */
  provider: ExecutionProvider;
  /** Why the requested provider was not used, for the CLI to print. */
  warnings: string[];
}

export interface FloatTensor {
  data: Float32Array;
  shape: number[];
}

const INSTALL_HINT: Partial<Record<ExecutionProvider, string>> = {
  cuda: "reinstall with `ONNXRUNTIME_NODE_INSTALL=cuda12 npm install onnxruntime-node` on a machine with CUDA 12",
};

/**
 * Opens a session on the requested provider, falling back to CPU with a warning
 * (rather than failing) when the provider is not in the installed onnxruntime
 * build or cannot start, since a slower run is more useful than none.
 */
export async function openSession(model: Uint8Array, opts: SessionOptions = {}): Promise<OpenedSession> {
  const ort = onnxRuntime();
  const requested = opts.ep ?? "cpu";
  const warnings: string[] = [];
  // onnxruntime's own log lines (coloured warnings, and errors it also throws) would reach stderr beside
  // sfc's one-line message; only fatal ones are let through, and failures arrive as exceptions.
  const base: Ort.InferenceSession.SessionOptions = { graphOptimizationLevel: "all", logSeverityLevel: FATAL_ONLY };
  if (opts.threads !== undefined) {
    if (!Number.isInteger(opts.threads) || opts.threads < 1) {
      throw new RangeError(`threads must be a positive integer, got ${opts.threads}`);
    }
    base.intraOpNumThreads = opts.threads;
  }

  if (requested !== "cpu") {
    const backends = ort.listSupportedBackends();
    const entry = backends.find((b) => b.name === requested);
    if (!entry || !entry.bundled) {
      const bundled = backends.filter((b) => b.bundled).map((b) => b.name);
      const hint = INSTALL_HINT[requested];
      warnings.push(
        `execution provider '${requested}' is not available in the installed onnxruntime-node ` +
          `(available: ${bundled.join(", ")}); running on cpu${hint ? ` (${hint})` : ""}`,
      );
    } else {
      try {
        const session = await ort.InferenceSession.create(model, { ...base, executionProviders: [requested] });
        return { session, provider: requested, warnings };
      } catch (e) {
        warnings.push(`execution provider '${requested}' failed to start (${providerFailure(e)}); running on cpu`);
      }
    }
  }

  const session = await ort.InferenceSession.create(model, { ...base, executionProviders: ["cpu"] });
  return { session, provider: "cpu", warnings };
}

/**
 * onnxruntime's reason a provider could not start, without the source
 * location and failed condition its checks put first ("/onnxruntime_src/…/
 * webgpu_context.cc:136 onnxruntime::webgpu::WebGpuContext::Initialize(…)
 * adapter_result.status == … was false. Failed to get a WebGPU adapter: No
 * supported adapters" says "Failed to get a WebGPU adapter: No supported
 * adapters"); any other message, its first line.
 */
export function providerFailure(e: unknown): string {
  const line = firstLine(e);
  return /^\S+\.(?:cc|cpp|h):\d+ .* was false\. (.+)$/.exec(line)?.[1] ?? line;
}

function firstLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.split("\n")[0] ?? msg;
}

/** Runs the session on float32 inputs; every output is returned as float32. */
export async function runModel(session: Ort.InferenceSession, inputs: Record<string, FloatTensor>): Promise<Record<string, FloatTensor>> {
  const ort = onnxRuntime();
  const feeds: Record<string, Ort.Tensor> = {};
  for (const name of session.inputNames) {
    const x = inputs[name];
    if (!x) {
      throw new Error(`model input '${name}' was not given (the model takes ${session.inputNames.join(", ")})`);
    }
    let n = 1;
    for (const d of x.shape) n *= d;
    if (n !== x.data.length) {
      throw new Error(`input '${name}': shape [${x.shape.join(", ")}] holds ${n} values but ${x.data.length} were given`);
    }
    feeds[name] = new ort.Tensor("float32", x.data, x.shape);
  }
  for (const name of Object.keys(inputs)) {
    if (!session.inputNames.includes(name)) {
      throw new Error(`'${name}' is not an input of the model (it takes ${session.inputNames.join(", ")})`);
    }
  }

  const results = await session.run(feeds, { logSeverityLevel: FATAL_ONLY });
  const out: Record<string, FloatTensor> = {};
  for (const name of session.outputNames) {
    const t = results[name];
    if (!t) throw new Error(`onnxruntime returned no output ${name}`);
    out[name] = { data: asFloat32(name, t), shape: t.dims.slice() };
  }
  return out;
}

function asFloat32(name: string, t: Ort.Tensor): Float32Array {
  const d = t.data;
  if (d instanceof Float32Array) return d;
  if (d instanceof BigInt64Array || d instanceof BigUint64Array) return Float32Array.from(d, (v) => Number(v));
  if (
    d instanceof Float64Array ||
    d instanceof Int32Array ||
    d instanceof Uint32Array ||
    d instanceof Int16Array ||
    d instanceof Uint16Array ||
    d instanceof Int8Array ||
    d instanceof Uint8Array
  ) {
    if (t.type === "float16") throw new Error(`output '${name}' is float16; cast it to float32 in the model`);
    return Float32Array.from(d);
  }
  throw new Error(`output '${name}' has type ${t.type}, which cannot be returned as float32`);
}

/**
 * The reference fixture's input: x.flat[i] = float32(((i * 2654435761) mod 2^32) / 2^32 * 2 - 1).
 * Math.imul gives the product modulo 2^32 exactly, which float multiplication
 * would not once i * 2654435761 exceeds 2^53.
 */
export function deterministicClip(shape: readonly number[]): Float32Array {
  let n = 1;
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) throw new RangeError(`shape [${shape.join(", ")}] must hold non-negative integers`);
    n *= d;
  }
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const h = Math.imul(i, 2654435761) >>> 0;
    out[i] = (h / 4294967296) * 2 - 1;
  }
  return out;
}

/** The k largest logits of each batch row, largest first; ties keep the lower class index first. */
export function topK(logits: Float32Array, classes: number, k: number): { index: number; value: number }[][] {
  if (!Number.isInteger(classes) || classes < 1 || logits.length % classes !== 0) {
    throw new RangeError(`${logits.length} logits do not split into rows of ${classes} classes`);
  }
  const kk = Math.max(0, Math.min(k, classes));
  const rows: { index: number; value: number }[][] = [];
  for (let r = 0; r < logits.length / classes; r++) {
    const row = logits.subarray(r * classes, (r + 1) * classes);
    const order = Array.from({ length: classes }, (_, i) => i);
    // NaN sorts last so that a broken output does not masquerade as a confident class.
    order.sort((a, b) => {
      const va = row[a] ?? NaN;
      const vb = row[b] ?? NaN;
      if (Number.isNaN(va) || Number.isNaN(vb)) return Number.isNaN(va) ? (Number.isNaN(vb) ? a - b : 1) : -1;
      return vb - va || a - b;
    });
    rows.push(order.slice(0, kk).map((index) => ({ index, value: row[index] ?? NaN })));
  }
  return rows;
}
