/** `sfc run`: a compiled model (or a .sf compiled on the fly) through onnxruntime. */
import * as path from "node:path";
import type { onnx } from "onnx-proto";
import { evaluateDimName } from "../compiler/dynamic/dim-names";
import { checkInput, REQUIREMENTS_FORMAT, type ShapeRequirements } from "../compiler/dynamic/requirements";
import { readNpy, writeNpy, NpyError } from "../runtime/npy";
import { deterministicClip, onnxRuntime, OnnxRuntimeMissing, openSession, runModel, topK, type ExecutionProvider } from "../runtime/session";
import { compileFromArgs, diagnosticFormat, intOption, limitsOf, version } from "./common";
import { RUN } from "./commands";
import { parseCommand } from "./options";
import { availableParallelism } from "node:os";
import * as fs from "node:fs";
import { raiseHint, withLimits, type Limits } from "../compiler/limits";
import { checkOutputPath, inputsOf, printDiagnostics, readBytes, UsageError, writeAtomically, type Io } from "./io";

interface InputSpec {
  readonly name: string;
  /** Dimensions after the batch: numbers, or dim_param names under --dynamic. */
  readonly shape: ReadonlyArray<number | string>;
}

/** The `requirements` metadata of a model sfc wrote; undefined for other models. */
function modelRequirements(decoded: onnx.ModelProto): ShapeRequirements | undefined {
  const text = decoded.metadataProps?.find((p) => p.key === "requirements")?.value;
  if (!text) return undefined;
  try {
    const parsed = JSON.parse(text) as ShapeRequirements;
    return parsed.format === REQUIREMENTS_FORMAT ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** A concrete shape for an example clip: symbolic dimensions at the values the model was compiled at. */
function exampleShape(spec: InputSpec, requirements: ShapeRequirements | undefined): number[] {
  const compiled = (name: string): number | undefined => requirements?.parameters[name]?.compiled;
  return spec.shape.map((d) => {
    if (typeof d === "number") return d;
    const v = evaluateDimName(d, compiled);
    if (v === undefined) throw new UsageError(`input ${spec.name} has a dimension ${d} with no example size: give the input with --input`);
    return v;
  });
}

/** What is printed of a model's first output: its scores are logits unless a softmax made them probabilities. */
type ScoreKind = "logits" | "probabilities";

function decodeOnnx(model: Uint8Array, file: string): onnx.ModelProto {
  // protobufjs only here, and only for a .onnx given to run.
  const { onnx: proto } = require("onnx-proto") as typeof import("onnx-proto");
  let decoded: onnx.ModelProto;
  try {
    decoded = proto.ModelProto.decode(model);
  } catch (e) {
    throw new UsageError(`${file} is not an ONNX model: ${(e as Error).message}`);
  }
  // An empty file decodes as an empty model: refuse it here rather than let onnxruntime throw.
  if (!decoded.graph || (decoded.graph.node ?? []).length === 0 || (decoded.graph.output ?? []).length === 0)
    throw new UsageError(`${file} is not an ONNX model: it has ${decoded.graph ? "an empty graph" : "no graph"}`);
  return decoded;
}

function onnxScoreKind(decoded: onnx.ModelProto): ScoreKind {
  const output = decoded.graph?.output?.[0]?.name;
  const producer = (decoded.graph?.node ?? []).find((n) => (n.output ?? []).includes(output ?? ""));
  return producer?.opType === "Softmax" ? "probabilities" : "logits";
}

/** The graph inputs of an ONNX model, read from its proto. */
function onnxInputs(decoded: onnx.ModelProto): InputSpec[] {
  const initializers = new Set((decoded.graph?.initializer ?? []).map((i) => i.name));
  return (decoded.graph?.input ?? [])
    .filter((i) => !initializers.has(i.name ?? ""))
    .map((i) => ({
      name: i.name ?? "",
      shape: (i.type?.tensorType?.shape?.dim ?? []).slice(1).map((d) => (d.dimParam ? d.dimParam : Number(d.dimValue ?? 0))),
    }));
}

function parseEp(value: string | undefined): ExecutionProvider {
  const ep = value ?? "cpu";
  if (ep === "cpu" || ep === "cuda" || ep === "webgpu") return ep;
  throw new UsageError(`unknown --ep ${JSON.stringify(ep)}: use cpu, cuda or webgpu`);
}

/** Refuses a clip over the limit before a byte of it is allocated (SF0606). */
function checkClipBytes(what: string, shape: readonly number[], limits: Limits): void {
  const bytes = shape.reduce((n, d) => n * Math.max(0, d), 4);
  if (bytes > limits.clipBytes)
    throw new UsageError(
      `error[SF0606]: ${what} (${shape.join(", ")}) would take ${(bytes / 1e9).toFixed(1)} GB of float32; ${raiseHint("clipBytes", limits)}`,
    );
}

/** An .npy larger than the clip limit is refused before it is read. */
function checkClipSize(file: string, limits: Limits): void {
  let size: number;
  try {
    size = fs.statSync(file).size;
  } catch {
    return; // reading it says why
  }
  if (size > limits.clipBytes + 4096) throw new UsageError(`error[SF0606]: ${file} holds ${(size / 1e9).toFixed(1)} GB; ${raiseHint("clipBytes", limits)}`);
}

/** --input X.npy for a one-input model, --input NAME=X.npy for several. */
function loadInputs(
  specs: readonly InputSpec[],
  args: readonly string[],
  limits: Limits,
  requirements: ShapeRequirements | undefined,
): Record<string, { data: Float32Array; shape: number[] }> {
  const feeds: Record<string, { data: Float32Array; shape: number[] }> = {};
  if (args.length === 0) {
    for (const s of specs) {
      const shape = [1, ...exampleShape(s, requirements)];
      checkClipBytes(`the input clip for ${s.name}`, shape, limits);
      feeds[s.name] = { data: deterministicClip(shape), shape };
    }
    return feeds;
  }
  for (const arg of args) {
    const eq = arg.indexOf("=");
    const named = eq > 0 && !arg.slice(0, eq).includes(path.sep);
    const name = named ? arg.slice(0, eq) : specs.length === 1 ? specs[0]!.name : undefined;
    const file = named ? arg.slice(eq + 1) : arg;
    if (name === undefined) throw new UsageError(`the model has inputs ${specs.map((s) => s.name).join(", ")}: give each as --input NAME=FILE.npy`);
    const spec = specs.find((s) => s.name === name);
    if (!spec) throw new UsageError(`the model has no input ${JSON.stringify(name)}; its inputs are ${specs.map((s) => s.name).join(", ")}`);
    let array;
    try {
      checkClipSize(file, limits);
      array = readNpy(readBytes(file));
    } catch (e) {
      if (e instanceof NpyError) throw new UsageError(`cannot read ${file}: ${e.message}`);
      throw e;
    }
    if (array.dtype !== "float32") throw new UsageError(`${file} holds ${array.dtype}; input ${name} takes float32`);
    const want = `(N, ${spec.shape.join(", ")})`;
    if (array.shape.length !== spec.shape.length + 1 || spec.shape.some((d, i) => typeof d === "number" && d !== array.shape[i + 1]) || array.shape[0]! < 1)
      throw new UsageError(`${file} has shape (${array.shape.join(", ")}); input ${name} takes ${want}`);
    feeds[name] = { data: array.data as Float32Array, shape: array.shape };
  }
  for (const s of specs) if (!feeds[s.name]) throw new UsageError(`no value for input ${s.name}: add --input ${s.name}=FILE.npy`);
  return feeds;
}

/**
 * Class names from --labels: one per line (Kinetics' label files), a JSON
 * array, or a JSON object from name to index (PySlowFast's classnames file).
 */
export function readLabels(file: string, classes: number): string[] {
  const text = readBytes(file)
    .toString("utf8")
    .replace(/^\uFEFF/, "");
  let labels: string[];
  if (/^\s*[[{]/.test(text)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      throw new UsageError(`cannot read ${file}: not JSON (${(e as Error).message})`);
    }
    if (Array.isArray(parsed) && parsed.every((x) => typeof x === "string")) labels = parsed;
    else if (parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)) {
      labels = [];
      for (const [name, index] of Object.entries(parsed)) {
        if (typeof index !== "number" || !Number.isInteger(index) || index < 0 || index >= classes || labels[index] !== undefined)
          throw new UsageError(`cannot read ${file}: ${JSON.stringify(name)} has index ${JSON.stringify(index)}; each of 0..${classes - 1} must be given once`);
        labels[index] = name;
      }
    } else throw new UsageError(`cannot read ${file}: a JSON label file is an array of names or an object from name to index`);
  } else
    labels = text
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l, i, all) => l !== "" || i < all.length - 1);
  if (labels.length !== classes || labels.some((l) => l === undefined))
    throw new UsageError(`${file} names ${labels.filter((l) => l !== undefined).length} classes; the model has ${classes}`);
  return labels;
}

export async function runCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommand(RUN, argv);
  if (positionals.length !== 1) throw new UsageError("sfc run takes one MODEL.onnx or FILE.sf");
  const file = positionals[0]!;
  const ep = parseEp(values.ep);
  const limits = withLimits({ threads: availableParallelism(), ...limitsOf(values) });
  const threads = values.threads === undefined ? undefined : intOption("threads", values.threads, 0);
  if (threads !== undefined && threads < 1) throw new UsageError("--threads takes a positive integer");
  if (threads !== undefined && threads > limits.threads)
    throw new UsageError(
      `error[SF0607]: --threads ${threads} asks for more threads than ${values.limit?.some((l) => l.startsWith("threads=")) ? "the limit" : "this machine has cores"}; force it with --limit threads=${threads}`,
    );
  const inputFiles = (values.input ?? []).map((arg) =>
    arg.indexOf("=") > 0 && !arg.slice(0, arg.indexOf("=")).includes(path.sep) ? arg.slice(arg.indexOf("=") + 1) : arg,
  );
  if (values.output) checkOutputPath(values.output, [file, ...inputFiles, values.weights ?? ""]);
  const top = intOption("top", values.top, 5);
  if (top < 1) throw new UsageError("--top takes a positive integer");
  const format = diagnosticFormat(values.format);
  // Before any compiling: without onnxruntime-node there is nothing to run on.
  try {
    onnxRuntime();
  } catch (e) {
    if (e instanceof OnnxRuntimeMissing) throw new UsageError(e.message);
    throw e;
  }
  let model: Uint8Array;
  let specs: InputSpec[];
  let sources: ReadonlyMap<string, string> = new Map();
  let scores: ScoreKind;
  let requirements: ShapeRequirements | undefined;
  if (file.endsWith(".onnx")) {
    model = readBytes(file);
    const decoded = decodeOnnx(model, file);
    specs = onnxInputs(decoded);
    scores = onnxScoreKind(decoded);
    requirements = modelRequirements(decoded);
  } else {
    const result = compileFromArgs(file, values);
    printDiagnostics(io, format, result.diagnostics, result.sources, version());
    if (!result.model) return 1;
    model = result.model;
    sources = result.sources;
    const graph = result.graph!;
    requirements = result.dynamic?.requirements;
    specs = graph.inputs.map((i) => ({ name: i.name, shape: (requirements?.inputs[i.name] ?? ["N", ...i.shape]).slice(1) }));
    const last = graph.nodes.find((n) => n.outputs.includes(graph.outputs[0]!.name));
    scores = last?.op.kind === "softmax" ? "probabilities" : "logits";
  }
  const feeds = loadInputs(specs, values.input ?? [], limits, requirements);
  // A model sfc wrote says which sizes it takes: refuse others here, not in onnxruntime.
  if (requirements) {
    const problems = Object.entries(feeds).flatMap(([name, feed]) => checkInput(requirements, name, feed.shape, evaluateDimName));
    if (problems.length > 0) {
      for (const p of problems) io.err(`error: ${p}\n`);
      return 1;
    }
  }
  let outputs: Awaited<ReturnType<typeof runModel>>;
  let provider: string;
  let started = process.hrtime.bigint();
  try {
    const opened = await openSession(model, { ep, threads });
    provider = opened.provider;
    for (const w of opened.warnings) io.err(`warning: ${w}\n`);
    started = process.hrtime.bigint();
    outputs = await runModel(opened.session, feeds);
  } catch (e) {
    // onnxruntime's own failures (a model it refuses, an allocation it cannot make) are one line, not a trace.
    throw new UsageError(`onnxruntime could not run ${file}: ${String((e as Error).message ?? e).split("\n")[0]}`);
  }
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const [name, first] = Object.entries(outputs)[0]!;
  if (values.views && first.shape.length !== 2)
    throw new UsageError(`--views needs an output of shape (views, classes); ${name} has shape (${first.shape.join(", ")})`);
  const out = values.views ? averageOfViews(first, scores) : first;
  if (values.views) io.out(`${first.shape[0]} views averaged: the mean of their softmax scores, as PySlowFast's test loop ensembles them\n`);
  const what = values.views
    ? "probabilities (averaged over the views)"
    : scores === "probabilities"
      ? "probabilities (the network ends in softmax)"
      : "logits (the network ends without softmax)";
  io.out(`${name}: shape (${out.shape.join(", ")}) on ${provider} in ${ms.toFixed(1)} ms; the scores are ${what}\n`);
  if (out.shape.length === 2) {
    const classes = out.shape[1]!;
    const labels = values.labels === undefined ? undefined : readLabels(values.labels, classes);
    const k = Math.min(top, classes);
    const by = scores === "probabilities" || values.views ? "probability" : "logit";
    topK(out.data, classes, k).forEach((row, b) => {
      const items = row.map((r) => `${r.index}${labels ? ` ${labels[r.index]}` : ""} (${r.value.toFixed(4)})`);
      io.out(`  [${b}] top-${k} by ${by}: ${items.join(", ")}\n`);
    });
  } else if (values.labels !== undefined) throw new UsageError(`--labels needs an output of shape (N, classes); ${name} has shape (${out.shape.join(", ")})`);
  if (values.output) writeAtomically(values.output, writeNpy(out.data, out.shape), inputsOf(sources, file, values.weights, ...inputFiles));
  return 0;
}

/**
 * Several views of one video (PySlowFast tests 10 clips × 3 crops): each row's
 * softmax (unless the network already ends in one), averaged over the rows,
 * in float64. One row of `classes` scores.
 */
function averageOfViews(out: { data: Float32Array; shape: number[] }, scores: ScoreKind): { data: Float32Array; shape: number[] } {
  const [views, classes] = out.shape as [number, number];
  const sum = new Float64Array(classes);
  for (let v = 0; v < views; v++) {
    const row = out.data.subarray(v * classes, (v + 1) * classes);
    if (scores === "probabilities") {
      for (let c = 0; c < classes; c++) sum[c]! += row[c]!;
      continue;
    }
    let max = -Infinity;
    for (const x of row) max = Math.max(max, x);
    let total = 0;
    for (const x of row) total += Math.exp(x - max);
    for (let c = 0; c < classes; c++) sum[c]! += Math.exp(row[c]! - max) / total;
  }
  return { data: Float32Array.from(sum, (x) => x / views), shape: [1, classes] };
}
