/**
 * The library API. `check` and `compile` read sources only through a
 * SourceHost and never write files, print or exit (compile reads this
 * package's package.json for the producer, unless given one); the CLI is a
 * thin shell over them.
 */
// onnx-proto's typings, which the graph's types reach, name protobufjs's global `Long` without
// saying where it comes from: a caller whose tsconfig lists its `types`, or whose package manager
// does not hoist @types/long, would see "Cannot find name 'Long'". This says it, in the .d.ts too.
/// <reference types="long" preserve="true" />
import { canonicalName } from "./greek";
import { parseSettings } from "./settings";
import { hasErrors, makeDiagnostic, type Diagnostic } from "./diagnostics/diagnostic";
import { reportedDiagnostics } from "./diagnostics/reported";
import { checkModuleParameters, elaborateNetwork, type NetworkParam, type ParamOverride } from "./elaborate";
import { LAYOUT_MODES, type LayoutMode } from "./emit/layout";
import {
  DEFAULT_OPSET,
  MAX_OPSET,
  MIN_OPSET,
  serialisedBytes,
  serialiseOnnx,
  unsupportedAtOpset,
  type LazyBytes,
  type MetadataValue,
  type SerialisedModel,
} from "./emit/onnx";
import type { IRGraph } from "./ir";
import { IRBuilder } from "./ir-builder";
import { Interpreter } from "./check/interpreter";
import { unknownSorts } from "./check/signature";
import { loadProgram, stdlibBlocks, stdlibNameMaps, type Program, type SourceHost } from "./program";
import { withLimits, type Limits } from "./limits";
import { buildScopes, suggest, type BlockEntry, type ModuleScope } from "./scope";
import { fixedRequirements, type ShapeRequirements } from "./dynamic/requirements";
import { planFor, type DynamicPlan } from "./dynamic/plan";
import { prepareDynamic } from "./dynamic/prepare";
import { RuntimeSizes } from "./dynamic/sizes";
import { SymbolicNetworkMode } from "./dynamic/symbolic-mode";
import { packageInfo } from "./host/node";
import { modelMetadata } from "./metadata";
import { inferenceGraph, withCheckpointBnNames, type PassReport } from "./passes/index";
import { collectFacts, type SourceFacts } from "./facts/facts";
import { TypeFactRecorder } from "./facts/types";
import { traceToUser } from "./trace";
import { bindCheckpoint } from "./weights/bind";
import { NameMap } from "./weights/names";
import { chooseNaming, defaultNames, mapImportHint as mapImportHintFor } from "./weights/naming";
import type { Checkpoint } from "./weights/tensor";
import { CommandLine } from "./command-line";

// Every type the functions below take or return, so that no caller imports from dist/.
export type { Diagnostic, LabelledSpan, ParameterFix, Severity } from "./diagnostics/diagnostic";
export type { DiagnosticCode } from "./diagnostics/catalogue";
export type { Span } from "./span";
export type { SourceHost } from "./program";
export type { Limits } from "./limits";
export type { IRBound, IRGraph, IRNode, IROp, IROutsideStages, IRStage, IRValue, IRWeight, Triple, WeightDerivation, WeightInit } from "./ir";
export type { NetworkParam, ParamOrigin } from "./elaborate";
export type { ResizeMode } from "./ops/resample";
export type { Poly } from "./dims/poly";
export type { Rational } from "./dims/rational";
export type { BlockParamValue } from "./values";
export type { LayoutMode } from "./emit/layout";
export type { ByteSink, SerialisedModel } from "./emit/onnx";
export type { PassReport } from "./passes/index";
export type { FoldedBatchNorm } from "./passes/fold-batchnorm";
export type { DynamicPlan, ParameterRead } from "./dynamic/plan";
export type { NameMap } from "./weights/names";
export type { ByteSource, Checkpoint, CheckpointFormat, LoadedTensor, TensorDType } from "./weights/tensor";
// A checkpoint from bytes in memory (any host), and what its readers throw.
export { readCheckpoint } from "./weights/read";
export { CheckpointError } from "./weights/tensor";
export type { SourceFacts, FileFacts, Occurrence, NameKind, TypeFact, FactRole } from "./facts/facts";

export { parseValue } from "./settings";

// Diagnostics as text, in each format the CLI prints (`--format human|json|sarif|github`).
export { renderDiagnostics, OUTPUT_FORMATS, type OutputFormat, type RenderOptions, type ToolNotification } from "./render/index";

export { COMMAND_LINE } from "./command-line";

/** A network parameter set from outside the source, as `--set NAME=VALUE` does. */
export interface Setting {
  /** NAME=VALUE as written, e.g. "alpha=4" or "β=1/8". */
  readonly text: string;
}

/** What `check` checks: files read through `host`, with settings and limits. */
export interface CheckOptions {
  readonly files: readonly string[];
  readonly host: SourceHost;
  /** Parameter overrides (--set), applied to every network that has the parameter. */
  readonly settings?: readonly Setting[];
  /** Resource limits raised or lowered from compiler/limits.ts's defaults (--limit); a value that is not a positive integer is a RangeError. */
  readonly limits?: Partial<Limits>;
  /** Keep what the checker learnt (names, types of spans, graphs) for tools, in `facts`. */
  readonly facts?: boolean;
  /**
   * Keep each network's graph in its report (default true). A caller that
   * wants the diagnostics alone passes false: a network's graph is then
   * dropped once it is checked, so that a file of many networks (each alias
   * of SlowFast R50 holds about 0.7 MB) takes the memory of one.
   */
  readonly graphs?: boolean;
}

/** A network `check` elaborated: its parameters' values and its graph (undefined when it failed, or when not kept). */
export interface NetworkReport {
  readonly name: string;
  readonly file: string;
  readonly params: readonly NetworkParam[];
  readonly graph: IRGraph | undefined;
}

/** What `check` found: `ok` when no diagnostic is an error; the diagnostics sorted by file and position. */
export interface CheckResult {
  readonly diagnostics: readonly Diagnostic[];
  /** Every source read, the command line included, for rendering excerpts. */
  readonly sources: ReadonlyMap<string, string>;
  readonly networks: readonly NetworkReport[];
  readonly ok: boolean;
  /** When asked for with `facts: true`. */
  readonly facts?: SourceFacts;
}

interface Session {
  readonly program: Program;
  readonly scopes: Map<string, ModuleScope>;
  readonly interpreter: Interpreter;
  readonly diagnostics: Diagnostic[];
  readonly sources: Map<string, string>;
  readonly commandLine: CommandLine;
  readonly overrides: ParamOverride[];
  readonly recorder: TypeFactRecorder | undefined;
  readonly limits: Limits;
}

function open(files: readonly string[], host: SourceHost, settings: readonly Setting[], diagnostics: Diagnostic[], limits: Limits, facts = false): Session {
  const sources = new Map<string, string>();
  const commandLine = new CommandLine();
  const program = loadProgram(files, host, diagnostics, limits);
  // A file the program could not read has no source: each file is read once, by loadProgram.
  for (const f of files) {
    if (!program.sources.has(f))
      diagnostics.push(makeDiagnostic("SF0103", commandLine.span(f), { message: `cannot read ${f}`, label: host.whyUnreadable?.(f) ?? "no such file" }));
  }
  for (const [k, v] of program.sources) sources.set(k, v);
  const scopes = buildScopes(program, diagnostics);
  const overrides = parseSettings(settings, (part) => commandLine.span(part), diagnostics, limits);
  const recorder = facts ? new TypeFactRecorder() : undefined;
  return {
    program,
    scopes,
    interpreter: new Interpreter(diagnostics, recorder, () => stdlibBlocks(host.stdlib), limits),
    diagnostics,
    sources,
    commandLine,
    overrides,
    recorder,
    limits,
  };
}

function entryNetworks(session: Session): BlockEntry[] {
  const out: BlockEntry[] = [];
  for (const file of session.program.entries) for (const e of session.scopes.get(file)?.own ?? []) if (e.decl.kind === "network") out.push(e);
  return out;
}

function checkAllBlocks(session: Session): void {
  for (const scope of session.scopes.values()) {
    for (const e of scope.own) if (e.decl.kind === "block") session.interpreter.signatureOf(e);
    session.diagnostics.push(...unknownSorts(scope));
  }
}

function elaborate(session: Session, entry: BlockEntry, overrides: readonly ParamOverride[]): NetworkReport {
  const builder = new IRBuilder(session.limits);
  session.recorder?.beginNetwork(entry.decl.name.name, builder, entry.alias !== undefined);
  const before = session.diagnostics.length;
  const result = elaborateNetwork(entry, overrides, session.interpreter, builder, session.diagnostics);
  // No graph is an error that says why; without one, the fault is sfc's, and said so rather than exiting with nothing.
  if (!result.graph && !hasErrors(session.diagnostics)) throw new Error(`network \`${entry.decl.name.text}\` built no graph, and no error says why`);
  traceToUser(session.diagnostics, before, entry, result.params);
  session.recorder?.endNetwork(entry.decl.name.name, result.graph);
  return { name: entry.decl.name.name, file: entry.module.module.path, params: result.params, graph: result.graph };
}

/**
 * Checks every block of the given files (and what they import) symbolically,
 * and elaborates every network they declare with its defaults and the settings.
 * Problems in the sources or settings are diagnostics; a limit that is not a
 * positive integer is a RangeError, and what the host throws is passed on.
 */
export function check(options: CheckOptions): CheckResult {
  const diagnostics: Diagnostic[] = [];
  const session = open(options.files, options.host, options.settings ?? [], diagnostics, withLimits(options.limits), options.facts);
  checkAllBlocks(session);
  const networks: NetworkReport[] = [];
  const all = entryNetworks(session);
  for (const entry of all) {
    const names = new Set(paramsOf(entry));
    const report = elaborate(
      session,
      entry,
      session.overrides.filter((o) => names.has(o.name)),
    );
    networks.push(options.graphs === false ? { ...report, graph: undefined } : report);
  }
  // A module's params are checked where a network binds them; the others on their own.
  const bound = new Set(all.map((e) => e.module));
  for (const scope of session.scopes.values())
    if (!bound.has(scope) && scope.params.size > 0) checkModuleParameters(scope, session.interpreter, new IRBuilder(session.limits), diagnostics);
  for (const o of session.overrides) {
    if (!all.some((e) => paramsOf(e).includes(o.name)))
      diagnostics.push(makeDiagnostic("SF0111", o.span, { message: `no network in these files has a parameter \`${o.written}\``, label: "unknown parameter" }));
  }
  return finish(session, networks);
}

function paramsOf(entry: BlockEntry): string[] {
  return [...entry.module.params.keys(), ...entry.decl.formals.filter((f) => !f.type).map((f) => f.name.name)];
}

function finish(session: Session, networks: NetworkReport[]): CheckResult {
  const diagnostics = reportedDiagnostics(session.diagnostics, session.limits);
  const facts = session.recorder ? collectFacts(session.program, session.scopes, session.recorder) : undefined;
  return { diagnostics, sources: session.commandLine.addTo(new Map(session.sources)), networks, ok: !hasErrors(diagnostics), ...(facts ? { facts } : {}) };
}

/** What `compile` compiles: one network of one file, and how to emit it (the options of `sfc compile`). */
export interface CompileOptions {
  readonly file: string;
  readonly host: SourceHost;
  /** Which network; may be left out when the file declares exactly one. */
  readonly network?: string;
  readonly settings?: readonly Setting[];
  /** As in CheckOptions: a value that is not a positive integer is a RangeError. */
  readonly limits?: Partial<Limits>;
  /** Seeds the weights no checkpoint gives: a safe integer, else a RangeError is thrown (default 0). */
  readonly seed?: number;
  readonly opset?: number;
  /** A checkpoint to take the weights from, and how its names map onto sfc's. */
  readonly checkpoint?: {
    readonly tensors: Checkpoint;
    /** Shown in messages and recorded in the metadata (`weights`): the file it came from. */
    readonly label: string;
    /**
     * "sfc" (the names as written), "caffe2", or a names map visible to the
     * network, e.g. "pyslowfast"; by default "caffe2" for a Caffe2 pickle and
     * "sfc" otherwise.
     */
    readonly names?: string;
    /** Glob patterns of weights to start from the seeded initialisation instead (fine-tuning a new head). */
    readonly reinit?: readonly string[];
    /**
     * SHA-256 of the file's bytes, hex, for the metadata (`weights_sha256`); or
     * a function that gives it, called when the metadata is written (after
     * the weights), so that the file can be hashed while the compiler works.
     */
    readonly sha256?: string | (() => string);
  };
  /** Keep BatchNormalization nodes (named as in the checkpoint) instead of folding them. */
  readonly keepBn?: boolean;
  /** "auto" (default): the layout pass, folding time into the batch where it pays; "ncdhw": the plain lowering; anything else, a RangeError. */
  readonly layout?: LayoutMode;
  /** Network parameters left symbolic in the model (--dynamic T,S); see docs/deploy.md. */
  readonly dynamic?: readonly string[];
  /** The package this compiler is, for producer_name/producer_version and `sfc_version`; default: package.json. */
  readonly producer?: { readonly name: string; readonly version: string };
}

/** `graph` is the graph as emitted (after the inference passes) when there is a model. */
export interface CompileResult extends Elaborated {
  /**
   * The model's bytes, produced on first use. To write a large model to a
   * file without holding it in memory, stream `serialised` instead.
   */
  readonly model: Uint8Array | undefined;
  /** The model, ready to be written in order into any sink (see emit/onnx.ts). */
  readonly serialised: SerialisedModel | undefined;
  /** The graph as elaborated, before the passes. */
  readonly elaborated?: IRGraph;
  readonly passes?: PassReport;
  /** With --dynamic: the symbolic shapes and what the inputs must satisfy. */
  readonly dynamic?: DynamicPlan;
  /**
   * With a model: what its inputs must satisfy, as its `requirements`
   * metadata says (docs/deploy.md), for `checkInputs` and `dynamicAxes`; a
   * fixed-size model's are its input and output shapes.
   */
  readonly requirements?: ShapeRequirements;
}

/** Resolves the network to compile: by name among the file's own and imported networks. */
function findNetwork(scope: ModuleScope | undefined, name: string | undefined): { entry?: BlockEntry; problem?: string; help?: string } {
  if (!scope) return { problem: "the file could not be read" };
  const networks = [...scope.blocks.values()].filter((b) => b.decl.kind === "network");
  if (name === undefined) {
    const own = networks.filter((n) => (n.alias?.module ?? n.module) === scope);
    if (own.length === 1) return { entry: own[0] };
    return {
      problem: own.length === 0 ? "the file declares no network" : "the file declares several networks",
      help: `choose one with --network: ${networks.map((n) => n.decl.name.name).join(", ")}`,
    };
  }
  const entry = networks.find((n) => n.decl.name.name === name);
  if (entry) return { entry };
  return {
    problem: `no network named \`${name}\``,
    help:
      suggest(
        name,
        networks.map((n) => n.decl.name.name),
      ) ?? `the networks are ${networks.map((n) => n.decl.name.name).join(", ") || "none"}`,
  };
}

/** One network elaborated: what `check` reports for it, and its graph before the inference passes. */
export interface Elaborated extends CheckResult {
  readonly graph: IRGraph | undefined;
  /** Weight-name maps visible to the network: the compiled file's, then the network's module's. */
  readonly nameMaps: ReadonlyMap<string, NameMap>;
}

function nameMapsFor(session: Session, file: string, entry: BlockEntry | undefined): Map<string, NameMap> {
  const maps = new Map<string, NameMap>();
  for (const scope of [session.scopes.get(file), entry?.module, entry?.alias?.module]) {
    for (const [name, decl] of scope?.names ?? []) if (!maps.has(name)) maps.set(name, new NameMap(decl.rules));
  }
  return maps;
}

/**
 * Checks a file and elaborates one network, as `compile` does, without
 * emitting a model: what `sfc info` and `sfc graph` report from.
 */
export function elaborateOnly(options: Omit<CompileOptions, "seed" | "opset" | "checkpoint">): Elaborated {
  return elaborateInSession(options).result;
}

function elaborateInSession(options: Omit<CompileOptions, "seed" | "opset" | "checkpoint">): { session: Session; result: Elaborated; entry?: BlockEntry } {
  const diagnostics: Diagnostic[] = [];
  const session = open([options.file], options.host, options.settings ?? [], diagnostics, withLimits(options.limits));
  checkAllBlocks(session);
  const found = findNetwork(session.scopes.get(options.file), options.network);
  if (!found.entry) {
    const span = session.commandLine.span(options.network !== undefined ? `--network ${options.network}` : options.file);
    if (!hasErrors(diagnostics) || options.network !== undefined)
      diagnostics.push(makeDiagnostic("SF0110", span, { message: found.problem!, label: "here", help: found.help }));
    return { session, result: { ...finish(session, []), graph: undefined, nameMaps: new Map() } };
  }
  const report = elaborate(session, found.entry, session.overrides);
  return {
    session,
    result: { ...finish(session, [report]), graph: report.graph, nameMaps: nameMapsFor(session, options.file, found.entry) },
    entry: found.entry,
  };
}

/**
 * Checks a file and compiles one network to ONNX. The model is in the
 * result (`model`, `serialised`) when `ok`; every problem found in the
 * sources, settings, opset or checkpoint is a diagnostic, not an exception.
 * Thrown: a RangeError for a seed or a limit that is not an integer, or a
 * layout that is not a mode (see the options), and whatever the host or the
 * checkpoint's reads throw.
 */
export function compile(options: CompileOptions): CompileResult {
  // Refused before any work, not when the model is first written.
  if (options.seed !== undefined && !Number.isSafeInteger(options.seed)) throw new RangeError(`seed must be a safe integer, given ${options.seed}`);
  if (options.layout !== undefined && !LAYOUT_MODES.includes(options.layout))
    throw new RangeError(`layout is one of ${LAYOUT_MODES.join(", ")}, given ${JSON.stringify(options.layout)}`);
  const { session, result: checked, entry } = elaborateInSession(options);
  const opset = options.opset ?? DEFAULT_OPSET;
  if (!checked.ok || !checked.graph) return { ...checked, model: undefined, serialised: undefined };
  const graph = checked.graph;
  const extra: Diagnostic[] = [];
  const failed = (): CompileResult => ({
    ...checked,
    sources: session.commandLine.addTo(new Map(checked.sources)),
    diagnostics: [...checked.diagnostics, ...extra],
    ok: false,
    model: undefined,
    serialised: undefined,
  });
  if (!Number.isInteger(opset) || opset < MIN_OPSET || opset > MAX_OPSET) {
    extra.push(
      makeDiagnostic("SF0501", session.commandLine.span(`--opset ${opset}`), {
        message: `opset ${opset} is not supported`,
        label: `use ${MIN_OPSET}..${MAX_OPSET}`,
        help: `the default is ${DEFAULT_OPSET}`,
      }),
    );
    return failed();
  }
  for (const node of graph.nodes) {
    const why = unsupportedAtOpset(node.op, opset);
    if (why)
      extra.push(
        makeDiagnostic("SF0501", node.span, {
          message: `\`${node.op.kind}\` cannot be expressed at opset ${opset}: ${why}`,
          label: "this op",
          help: `use --opset ${DEFAULT_OPSET}`,
        }),
      );
  }
  if (extra.length > 0) return failed();
  let plan: DynamicPlan | undefined;
  if (options.dynamic !== undefined && options.dynamic.length > 0) {
    const prepared = dynamicPlanFor(session, options, graph, checked.networks[0]?.params ?? [], opset);
    extra.push(...prepared.diagnostics);
    if (extra.length > 0 || !prepared.plan) return failed();
    plan = prepared.plan;
  }
  let weights: Map<string, LazyBytes> | undefined;
  let sourceMap: NameMap | undefined;
  if (options.checkpoint) {
    const { tensors, label } = options.checkpoint;
    const where = session.commandLine.span(`--weights ${label}`);
    const names = options.checkpoint.names ?? defaultNames(tensors);
    const namesSpan = options.checkpoint.names !== undefined ? session.commandLine.span(`--weight-names ${names}`) : where;
    const reinit = (options.checkpoint.reinit ?? []).map((pattern) => ({ pattern, span: session.commandLine.span(`--reinit ${pattern}`) }));
    const file = options.host.displayPath?.(options.file) ?? options.file;
    const mapImportHint = (map: string): string | undefined => mapImportHintFor(map, checked.nameMaps, () => stdlibNameMaps(options.host.stdlib), file);
    const choice = chooseNaming(names, tensors, checked.nameMaps, mapImportHint);
    if ("problem" in choice) {
      extra.push(makeDiagnostic("SF0405", namesSpan, { message: choice.problem, label: "unknown map", help: choice.help }));
    } else {
      const { naming, checkpoint, padTrailingOnes } = choice.ok;
      sourceMap = choice.ok.sourceMap;
      const before = extra.length;
      weights = bindCheckpoint(graph, checkpoint, naming, where, extra, { reinit, padTrailingOnes, mapImportHint });
      // A layer of the standard library whose tensor is missing or mis-shaped is reported in the user's file, as elaboration's problems are.
      if (entry) traceToUser(extra, before, entry, checked.networks[0]?.params ?? []);
    }
    if (extra.length > 0) return failed();
  }
  let emitted = inferenceGraph(graph, { keepBn: options.keepBn });
  if (options.keepBn && options.checkpoint && weights) {
    const renamed = withCheckpointBnNames(emitted.graph, weights, sourceMap ?? NameMap.identity());
    emitted = { graph: renamed.graph, report: emitted.report };
    weights = renamed.weights;
  }
  const producer = options.producer ?? packageInfo();
  const dynamic = new Set<string>(plan?.names ?? []);
  const displayPath = (file: string): string => options.host.displayPath?.(file) ?? file;
  const requirements = plan?.requirements ?? fixedRequirements(emitted.graph);
  const metadata = modelMetadata({
    network: graph.name,
    params: checked.networks[0]?.params ?? [],
    dynamic,
    sources: new Map([...session.program.sources].map(([file, text]) => [displayPath(file), text])),
    sfcVersion: producer.version,
    requirements: JSON.stringify(requirements),
    weights: options.checkpoint ? { file: options.checkpoint.label, sha256: lateDigest(options.checkpoint.sha256) } : undefined,
    passes: {
      folded_batch_norms: emitted.report.foldedBatchNorms.length,
      kept_batch_norms: emitted.report.keptBatchNorms,
      removed_dropouts: emitted.report.removedDropouts.length,
      merged_reshapes: emitted.report.mergedReshapes.length,
    },
  });
  const sizes = plan ? new RuntimeSizes(planFor(plan, emitted.graph)) : undefined;
  const serialised = serialiseOnnx(emitted.graph, {
    opset,
    seed: options.seed ?? 0,
    weights,
    layout: options.layout ?? "auto",
    producerName: producer.name,
    producerVersion: producer.version,
    metadata,
    displayPath,
    ...(sizes ? { dynamic: sizes } : {}),
  });
  return withLazyModel({
    ...checked,
    serialised,
    graph: emitted.graph,
    elaborated: graph,
    passes: emitted.report,
    requirements,
    ...(plan ? { dynamic: plan } : {}),
  });
}

/** A digest given as a function is asked for when the model's metadata, written after its weights, is reached. */
function lateDigest(sha256: string | (() => string) | undefined): MetadataValue | undefined {
  return typeof sha256 === "function" ? { byteLength: SHA256_HEX_LENGTH, value: sha256 } : sha256;
}

const SHA256_HEX_LENGTH = 64;

/** Adds `model`, the serialised bytes, computed once when first read. */
function withLazyModel(result: Omit<CompileResult, "model"> & { readonly serialised: SerialisedModel }): CompileResult {
  let bytes: Uint8Array | undefined;
  return Object.defineProperty(result, "model", {
    enumerable: true,
    get(): Uint8Array {
      bytes ??= serialisedBytes(result.serialised);
      return bytes;
    },
  }) as CompileResult;
}

/** --dynamic: the network checked with the names unbound and compiled at other values of them. */
function dynamicPlanFor(
  session: Session,
  options: CompileOptions,
  graph: IRGraph,
  params: readonly NetworkParam[],
  opset: number,
): { plan?: DynamicPlan; diagnostics: Diagnostic[] } {
  const names = [...new Set(options.dynamic!.map((n) => canonicalName(n)))];
  const span = session.commandLine.span(`--dynamic ${options.dynamic!.join(",")}`);
  const entry = findNetwork(session.scopes.get(options.file), options.network).entry!;
  // Runs whose diagnostics are the caller's to judge, not the compile's.
  const isolated = <T>(run: () => T): { value: T; diagnostics: Diagnostic[] } => {
    const before = session.diagnostics.length;
    const value = run();
    return { value, diagnostics: session.diagnostics.splice(before) };
  };
  return prepareDynamic({
    names,
    span,
    graph,
    params,
    opset,
    elaborateAt: (name, value) => {
      const override: ParamOverride = { name, written: name, value, span };
      const overrides = [...session.overrides.filter((o) => o.name !== name), override];
      const run = isolated(() => elaborate(session, entry, overrides));
      return hasErrors(run.diagnostics) ? undefined : run.value.graph;
    },
    symbolicCheck: () => {
      const mode = new SymbolicNetworkMode();
      const run = isolated(() =>
        elaborateNetwork(entry, session.overrides, session.interpreter, new IRBuilder(), session.diagnostics, { names: new Set(names), mode }),
      );
      return { requirements: mode.requirements, diagnostics: run.diagnostics.filter((d) => d.severity === "error") };
    },
  });
}

// Dynamic shapes: the requirements metadata's form, and which axes vary (for serving configurations).
export {
  dynamicAxes,
  checkInputs,
  type AxisRef,
  type Constraint,
  type DimEntry,
  type DimensionEvaluator,
  type InputProblem,
  type InputShapes,
  type ParameterSource,
  type ShapeRequirements,
} from "./dynamic/requirements";
export { readRequirements, type RequirementsReading } from "./dynamic/read-requirements";
export { dimName, dimNameValue, evaluateDimName } from "./dynamic/dim-names";

// The Node host (reads files and the standard library from disk) for callers
// that have a file system; compile() and check() themselves never touch it.
export { nodeHost, loadStdlib, readCheckpointFile, fileUri } from "./host/node";
