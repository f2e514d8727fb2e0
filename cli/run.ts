/** `sfc run`: a compiled model (or a .sf compiled on the fly) through onnxruntime. */
import * as path from "node:path";
import type { onnx } from "onnx-proto";
import { BATCH_DIM_PARAM, dimNameValue, evaluateDimName } from "../compiler/dynamic/dim-names";
import { checkInputs, REQUIREMENTS_FORMAT, type ShapeRequirements } from "../compiler/dynamic/requirements";
import { checkDeclaredInputs, modelRequirements, type DeclaredInput } from "./model-requirements";
import { readNpy, writeNpy, NpyError } from "../runtime/npy";
import { labelCountProblem, LabelsError, MAX_LABEL_FILE_BYTES, parseLabels, printableLabel, type Labels } from "../runtime/labels";
import { deterministicClip, onnxRuntime, OnnxRuntimeMissing, openSession, runModel, topK, type ExecutionProvider } from "../runtime/session";
import { compileFromArgs, diagnosticFormat, positiveIntOption, limitsOf, version, WEIGHT_OPTIONS } from "./common";
import { RUN } from "./commands";
import { NETWORK_OPTION, parseCommand, type Values } from "./options";
import { availableParallelism } from "node:os";
import * as fs from "node:fs";
import { raiseHint, withLimits, type Limits } from "../compiler/limits";
import { COMMAND_LINE } from "../compiler/index";
import { counted } from "../compiler/thousands";
import { makeDiagnostic } from "../compiler/diagnostics/diagnostic";
import { fileStart, type Span } from "../compiler/span";
import { checkOutputBeforeWork, inputsOf, printDiagnostics, readBytes, UsageError, writeAtomically, type Io } from "./io";

/** A dimension a model declares with neither a size nor a name: any size passes, and none can be guessed. */
const UNKNOWN_DIM = "?";

/** A concrete shape for an example clip of one: symbolic dimensions at the values the model was compiled at. */
function exampleShape(spec: DeclaredInput, requirements: ShapeRequirements | undefined): number[] {
  const compiled = (name: string): number | undefined =>
    requirements && Object.hasOwn(requirements.parameters, name) ? requirements.parameters[name]?.compiled : undefined;
  if (spec.dims === undefined) throw new UsageError(`input ${spec.name} states no shape: give the input with --input`);
  const [batch, ...rest] = spec.dims;
  // A batch of one, unless the model fixes another.
  return [typeof batch === "number" ? batch : 1, ...rest].map((d) => {
    if (typeof d === "number") return d;
    if (d === UNKNOWN_DIM) throw new UsageError(`input ${spec.name} has a dimension of unknown size: give the input with --input`);
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
function onnxInputs(decoded: onnx.ModelProto, file: string): DeclaredInput[] {
  const initializers = new Set((decoded.graph?.initializer ?? []).map((i) => i.name));
  return (decoded.graph?.input ?? [])
    .filter((i) => !initializers.has(i.name ?? ""))
    .map((i) => ({
      name: i.name ?? "",
      dims: i.type?.tensorType?.shape?.dim?.map((d) => {
        if (d.dimParam) return d.dimParam;
        if (d.dimValue === null || d.dimValue === undefined) return UNKNOWN_DIM;
        const size = Number(d.dimValue);
        if (!Number.isSafeInteger(size) || size < 0)
          throw new UsageError(`${file}: input ${i.name ?? ""} has a dimension of ${String(d.dimValue)}, not a size`);
        return size;
      }),
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

/**
 * What a model without `requirements` takes: its inputs' shapes as it
 * declares them, and nothing more (two inputs share a batch only where the
 * model names both first axes alike).
 */
function shapesOnly(specs: readonly DeclaredInput[]): ShapeRequirements {
  return {
    format: REQUIREMENTS_FORMAT,
    dynamic: [],
    // An input stated without a shape takes any: its clip is checked by onnxruntime alone.
    inputs: Object.fromEntries(specs.flatMap((s) => (s.dims === undefined ? [] : [[s.name, s.dims]]))),
    outputs: {},
    parameters: {},
    constraints: [],
  };
}

/** One input's clip, and the .npy it was read from (none for the clip sfc makes). */
interface Feed {
  readonly data: Float32Array;
  readonly shape: number[];
  readonly file?: string;
}

/** --input X.npy for a one-input model, --input NAME=X.npy for several. */
function loadInputs(
  specs: readonly DeclaredInput[],
  args: readonly string[],
  limits: Limits,
  requirements: ShapeRequirements | undefined,
): Record<string, Feed> {
  // A Map, not an object: an input named `constructor` is not one Object.prototype already has.
  const feeds = new Map<string, Feed>();
  if (args.length === 0) {
    for (const s of specs) {
      const shape = exampleShape(s, requirements);
      checkClipBytes(`the input clip for ${s.name}`, shape, limits);
      feeds.set(s.name, { data: deterministicClip(shape), shape });
    }
    return Object.fromEntries(feeds);
  }
  for (const { name, file } of inputArguments(specs, args)) {
    let array;
    try {
      checkClipSize(file, limits);
      array = readNpy(readBytes(file));
    } catch (e) {
      if (e instanceof NpyError) throw new UsageError(`cannot read ${file}: ${e.message}`);
      throw e;
    }
    if (array.dtype !== "float32") throw new UsageError(`${file} holds ${array.dtype}; input ${name} takes float32`);
    feeds.set(name, { data: array.data as Float32Array, shape: array.shape, file });
  }
  for (const s of specs) if (!feeds.has(s.name)) throw new UsageError(`no value for input ${s.name}: add --input ${s.name}=FILE.npy`);
  return Object.fromEntries(feeds);
}

/** `--input NAME=FILE` or `--input FILE`: an `=` after a path separator is part of the path. */
function splitInputArgument(arg: string): { name: string | undefined; file: string } {
  const eq = arg.indexOf("=");
  return eq > 0 && !arg.slice(0, eq).includes(path.sep) ? { name: arg.slice(0, eq), file: arg.slice(eq + 1) } : { name: undefined, file: arg };
}

/** Which input each --input gives, checked before any file is read: every name the model's, none given twice. */
function inputArguments(specs: readonly DeclaredInput[], args: readonly string[]): Array<{ name: string; file: string; spec: DeclaredInput }> {
  const given = new Map<string, string>();
  return args.map((arg) => {
    const { name: named, file } = splitInputArgument(arg);
    if (file === "") throw new UsageError(`--input ${arg}: no file after the =; give it as --input NAME=FILE.npy`);
    const name = named ?? (specs.length === 1 ? specs[0]!.name : undefined);
    if (name === undefined) throw new UsageError(`the model has inputs ${specs.map((s) => s.name).join(", ")}: give each as --input NAME=FILE.npy`);
    const spec = specs.find((s) => s.name === name);
    if (!spec) throw new UsageError(`the model has no input ${JSON.stringify(name)}; its inputs are ${specs.map((s) => s.name).join(", ")}`);
    // The second would replace the first unseen; several clips go in one .npy, as its batch.
    const earlier = given.get(name);
    if (earlier !== undefined)
      throw new UsageError(`input ${name} given twice: --input ${earlier} and --input ${arg}; several clips are one .npy of shape (N, ...)`);
    given.set(name, arg);
    return { name, file, spec };
  });
}

/** --labels, read and parsed before the model runs, so that a wrong file costs no run. */
function readLabelFile(file: string): Labels {
  let size: number;
  try {
    size = fs.statSync(file).size;
  } catch {
    size = 0; // reading it says why
  }
  if (size > MAX_LABEL_FILE_BYTES) throw new UsageError(`cannot read ${file}: it is ${size} bytes; a label file is at most ${MAX_LABEL_FILE_BYTES}`);
  try {
    return parseLabels(readBytes(file));
  } catch (e) {
    if (e instanceof LabelsError) throw new UsageError(`cannot read ${file}: ${e.message}`);
    throw e;
  }
}

function checkLabelCount(file: string, labels: Labels, classes: number): void {
  const problem = labelCountProblem(labels, classes);
  if (problem !== undefined) throw new UsageError(`${file} ${problem}`);
}

/**
 * The tensors whose bytes live in other files (ONNX external data), by name
 * and location. onnxruntime would read them from the working directory: a
 * model could make `sfc run` read any file below it.
 */
function externalData(decoded: onnx.ModelProto): string[] {
  const found: string[] = [];
  const tensor = (t: onnx.ITensorProto | null | undefined): void => {
    if (!t) return;
    // DataLocation.EXTERNAL is 1; the type-only import of onnx-proto has no value to compare with.
    if (t.dataLocation === 1 || (t.externalData ?? []).length > 0) {
      const location = (t.externalData ?? []).find((e) => e.key === "location")?.value;
      found.push(`'${t.name ?? ""}'${location ? ` from ${JSON.stringify(location)}` : ""}`);
    }
  };
  const graph = (g: onnx.IGraphProto | null | undefined): void => {
    if (!g) return;
    for (const t of g.initializer ?? []) tensor(t);
    for (const s of g.sparseInitializer ?? []) {
      tensor(s.values);
      tensor(s.indices);
    }
    for (const n of g.node ?? [])
      for (const a of n.attribute ?? []) {
        tensor(a.t);
        for (const t of a.tensors ?? []) tensor(t);
        tensor(a.sparseTensor?.values);
        graph(a.g);
        for (const sub of a.graphs ?? []) graph(sub);
      }
  };
  graph(decoded.graph);
  for (const f of decoded.functions ?? []) for (const n of f.node ?? []) for (const a of n.attribute ?? []) tensor(a.t);
  return found;
}

/**
 * The options that build a model from a FILE.sf. A .onnx is run as it was
 * compiled: taking them silently would let `--weights ckpt.pyth` look used.
 * (--limit stays: the clip and thread limits apply to any model.)
 */
const COMPILE_ONLY = [...Object.keys(NETWORK_OPTION), "set", ...Object.keys(WEIGHT_OPTIONS)] as const;

function refuseCompileOptions(values: Values<typeof RUN.options>, file: string): void {
  const given = COMPILE_ONLY.filter((name) => values[name as keyof typeof values] !== undefined).map((name) => `--${name}`);
  if (given.length === 0) return;
  const one = given.length === 1;
  const list = one ? given[0]! : `${given.slice(0, -1).join(", ")} and ${given.at(-1)!}`;
  throw new UsageError(
    `${list} ${one ? "applies" : "apply"} only to a FILE.sf source; ${file} is already compiled, so ${one ? "it" : "they"} would change nothing: give ${one ? "it" : "them"} to sfc compile`,
  );
}

export async function runCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommand(RUN, argv);
  if (positionals.length !== 1) throw new UsageError("sfc run takes one MODEL.onnx or FILE.sf");
  const file = positionals[0]!;
  if (file.endsWith(".onnx")) refuseCompileOptions(values, file);
  const ep = parseEp(values.ep);
  const limits = withLimits({ threads: availableParallelism(), ...limitsOf(values) });
  const threads = values.threads === undefined ? undefined : positiveIntOption("threads", values.threads, 1);
  if (threads !== undefined && threads > limits.threads)
    throw new UsageError(
      `error[SF0607]: --threads ${threads} asks for more threads than ${values.limit?.some((l) => l.startsWith("threads=")) ? "the limit" : "this machine has cores"}; force it with --limit threads=${threads}`,
    );
  const inputFiles = (values.input ?? []).map((arg) => splitInputArgument(arg).file);
  if (values.output) checkOutputBeforeWork(values.output, [file, ...inputFiles, values.weights ?? ""]);
  const top = positiveIntOption("top", values.top, 5);
  const format = diagnosticFormat(values.format);
  // A machine format owns stdout (one document); the results for people go to stderr beside it.
  const say = format === "human" ? io.out : io.err;
  const labels = values.labels === undefined ? undefined : readLabelFile(values.labels);
  // Before any compiling: without onnxruntime-node there is nothing to run on.
  try {
    onnxRuntime();
  } catch (e) {
    if (e instanceof OnnxRuntimeMissing) throw new UsageError(e.message);
    throw e;
  }
  let model: Uint8Array;
  let specs: DeclaredInput[];
  let sources: ReadonlyMap<string, string> = new Map();
  let scores: ScoreKind;
  let requirements: ShapeRequirements | undefined;
  // The classes of a (batch, classes) first output, when the model states them: --labels is checked against them before the run.
  let classesBeforeRun: number | undefined;
  if (file.endsWith(".onnx")) {
    // Nothing compiled, nothing to report yet: under a machine format the run still writes its one document.
    printDiagnostics(io, format, [], sources, version());
    model = readBytes(file);
    const decoded = decodeOnnx(model, file);
    const external = externalData(decoded);
    if (external.length > 0)
      throw new UsageError(
        `${file} keeps tensors in other files (${external.slice(0, 3).join(", ")}${external.length > 3 ? ", ..." : ""}), which sfc run does not read: ` +
          "it runs only the model file it is given; sfc never writes external data, so run a model sfc compiled",
      );
    specs = onnxInputs(decoded, file);
    scores = onnxScoreKind(decoded);
    requirements = modelRequirements(decoded, file);
    if (requirements) checkDeclaredInputs(requirements, specs, file);
    const outputDims = decoded.graph?.output?.[0]?.type?.tensorType?.shape?.dim ?? [];
    const classDim = outputDims.length === 2 ? Number(outputDims[1]?.dimValue ?? 0) : 0;
    if (Number.isSafeInteger(classDim) && classDim > 0) classesBeforeRun = classDim;
  } else {
    const result = compileFromArgs(file, values);
    printDiagnostics(io, format, result.diagnostics, result.sources, version());
    if (!result.model) return 1;
    model = result.model;
    sources = result.sources;
    const graph = result.graph!;
    requirements = result.dynamic?.requirements;
    specs = graph.inputs.map((i) => ({ name: i.name, dims: requirements?.inputs[i.name] ?? [BATCH_DIM_PARAM, ...i.shape] }));
    const last = graph.nodes.find((n) => n.outputs.includes(graph.outputs[0]!.name));
    scores = last?.op.kind === "softmax" ? "probabilities" : "logits";
    const outputShape = graph.outputs[0]!.shape;
    // A dynamic model's sizes are known only at run time.
    if (!result.dynamic && outputShape.length === 1) classesBeforeRun = outputShape[0];
  }
  if (labels !== undefined && values.labels !== undefined && classesBeforeRun !== undefined) checkLabelCount(values.labels, labels, classesBeforeRun);
  const feeds = loadInputs(specs, values.input ?? [], limits, requirements);
  // A model sfc wrote says which sizes it takes, any other model its input shapes: refuse others here, not in onnxruntime.
  // All the inputs together: a parameter read off one input sizes another, and two inputs' axes may have to agree.
  const checked = requirements ?? shapesOnly(specs);
  const shapes = Object.fromEntries(Object.entries(feeds).flatMap(([name, feed]) => (Object.hasOwn(checked.inputs, name) ? [[name, feed.shape]] : [])));
  const problems = checkInputs(checked, shapes, dimNameValue);
  if (problems.length > 0) {
    // Diagnostics at the input's file, so that the one machine document holds them too.
    const at = (input: string): Span => fileStart(Object.hasOwn(feeds, input) ? (feeds[input]!.file ?? COMMAND_LINE) : COMMAND_LINE);
    const diagnostics = problems.map((p) => makeDiagnostic("SF0703", at(p.input), { message: p.message }));
    printDiagnostics(io, format, diagnostics, sources, version());
    return 1;
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
  if (labels !== undefined && values.labels !== undefined) {
    if (out.shape.length !== 2) throw new UsageError(`--labels needs an output of shape (N, classes); ${name} has shape (${out.shape.join(", ")})`);
    checkLabelCount(values.labels, labels, out.shape[1]!);
  }
  if (values.views) say(`${counted(first.shape[0]!, "view")} averaged: the mean of their softmax scores, as PySlowFast's test loop ensembles them\n`);
  // Only an output of shape (N, classes) holds class scores; any other tensor is described by its shape alone.
  const classScores = out.shape.length === 2;
  const what = !classScores
    ? "a tensor, not a vector of class scores"
    : values.views
      ? "the scores are probabilities (averaged over the views)"
      : scores === "probabilities"
        ? "the scores are probabilities (the network ends in softmax)"
        : "the scores are logits (the network ends without softmax)";
  say(`${name}: shape (${out.shape.join(", ")}) on ${provider} in ${ms.toFixed(1)} ms; ${what}\n`);
  if (classScores) {
    const classes = out.shape[1]!;
    const k = Math.min(top, classes);
    const by = scores === "probabilities" || values.views ? "probability" : "logit";
    topK(out.data, classes, k).forEach((row, b) => {
      const items = row.map((r) => `${r.index}${labels ? ` ${printableLabel(labels[r.index] ?? "")}` : ""} (${r.value.toFixed(4)})`);
      say(`  [${b}] top-${k} by ${by}: ${items.join(", ")}\n`);
    });
  }
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
