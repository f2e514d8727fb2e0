/**
 * Test helpers that hold emitted models against the reference implementations:
 * the `onnx` Python package (checker + shape inference, through
 * check_onnx.py) and onnxruntime-node (execution).
 *
 * The onnx check runs under /usr/bin/python3 (Debian's python3-onnx). If that
 * interpreter is missing or cannot import onnx the helpers throw: a model that
 * was never checked must not pass.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import type { IRGraph } from "../../compiler/ir";

export const ONNX_PYTHON = "/usr/bin/python3";
const CHECK_SCRIPT = join(__dirname, "check_onnx.py");

export type InferredShape = (number | string | null)[];

export interface OnnxCheckResult {
  readonly ok: boolean;
  readonly error?: string;
  /** Shapes onnx infers on its own (the emitter's value_info removed), by value name. */
  readonly shapes: Record<string, InferredShape>;
  /** Shapes as the model declares them (inputs, outputs, value_info). */
  readonly declared: Record<string, InferredShape>;
}

/** The interpreter command that runs check_onnx.py; tests of this helper override it. */
export interface CheckOptions {
  readonly interpreter?: readonly [string, ...string[]];
}

/** Checks several models with one Python start-up (about a quarter second each). */
export function checkManyWithOnnx(models: readonly Uint8Array[], options: CheckOptions = {}): OnnxCheckResult[] {
  const [python, ...pythonFlags] = options.interpreter ?? [ONNX_PYTHON];
  const directory = mkdtempSync(join(tmpdir(), "sfc-onnx-check-"));
  try {
    const paths = models.map((model, index) => {
      const path = join(directory, `model${index}.onnx`);
      writeFileSync(path, model);
      return path;
    });
    const run = spawnSync(python, [...pythonFlags, CHECK_SCRIPT, ...paths], {
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    });
    if (run.error) {
      throw new Error(`cannot run ${python} for the onnx check (install python3-onnx): ${run.error.message}`);
    }
    const lines = run.stdout.split("\n").filter((line) => line.trim() !== "");
    const parsed = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const fatal = parsed.find((entry) => typeof entry["fatal"] === "string");
    if (fatal !== undefined || run.status !== 0) {
      throw new Error(`onnx check did not run (exit ${run.status}): ${String(fatal?.["fatal"] ?? "")}\n${run.stderr}`);
    }
    if (parsed.length !== models.length) {
      throw new Error(`onnx check reported ${parsed.length} results for ${models.length} models\n${run.stderr}`);
    }
    return parsed.map((entry) => ({
      ok: entry["ok"] === true,
      ...(typeof entry["error"] === "string" ? { error: entry["error"] } : {}),
      shapes: (entry["shapes"] ?? {}) as Record<string, InferredShape>,
      declared: (entry["declared"] ?? {}) as Record<string, InferredShape>,
    }));
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

/** onnx.checker.check_model(full_check) + strict shape inference on one model. */
export function checkWithOnnx(model: Uint8Array): OnnxCheckResult {
  return checkManyWithOnnx([model])[0]!;
}

/**
 * Throws unless the check passed and onnx's own inferred shape of every IR
 * value equals the IR shape with the symbolic batch "N" in front.
 */
export function assertShapesMatchIR(result: OnnxCheckResult, graph: IRGraph): void {
  if (!result.ok) throw new Error(`onnx check failed for ${graph.name}: ${result.error}`);
  const mismatches: string[] = [];
  for (const [name, value] of graph.values) {
    const expected = JSON.stringify(["N", ...value.shape]);
    for (const [source, shapes] of [
      ["inferred", result.shapes],
      ["declared", result.declared],
    ] as const) {
      const actual = shapes[name];
      if (actual === undefined) mismatches.push(`${name}: no ${source} shape, expected ${expected}`);
      else if (JSON.stringify(actual) !== expected) {
        mismatches.push(`${name}: ${source} ${JSON.stringify(actual)}, expected ${expected}`);
      }
    }
  }
  if (mismatches.length > 0) {
    throw new Error(`shapes of ${graph.name} differ from the IR:\n  ${mismatches.join("\n  ")}`);
  }
}

/** Checks a model with onnx and asserts its shapes; returns the check result. */
export function assertValidModel(model: Uint8Array, graph: IRGraph): OnnxCheckResult {
  const result = checkWithOnnx(model);
  assertShapesMatchIR(result, graph);
  return result;
}

export interface TensorData {
  readonly data: Float32Array;
  /** Full dims, batch included. */
  readonly dims: readonly number[];
}

/** Runs a model in onnxruntime-node (CPU) and returns every graph output. */
export async function runWithOrt(model: Uint8Array, feeds: Record<string, TensorData>): Promise<Record<string, TensorData>> {
  const session = await ort.InferenceSession.create(model, { graphOptimizationLevel: "disabled" });
  try {
    const ortFeeds: Record<string, ort.Tensor> = {};
    for (const [name, tensor] of Object.entries(feeds)) {
      ortFeeds[name] = new ort.Tensor("float32", tensor.data, [...tensor.dims]);
    }
    const results = await session.run(ortFeeds);
    const outputs: Record<string, TensorData> = {};
    for (const [name, tensor] of Object.entries(results)) {
      outputs[name] = { data: tensor.data as Float32Array, dims: [...tensor.dims] };
    }
    return outputs;
  } finally {
    await session.release();
  }
}

/**
 * The graph onnxruntime runs after its own optimisations (level "all", CPU,
 * as `sfc run` and the benchmarks use it): the op types of its nodes, in
 * order, with their names.
 */
export async function ortOptimisedNodes(model: Uint8Array): Promise<Array<{ readonly opType: string; readonly name: string }>> {
  const dir = mkdtempSync(join(tmpdir(), "sfc-ort-opt-"));
  try {
    const file = join(dir, "optimised.onnx");
    const session = await ort.InferenceSession.create(model, {
      graphOptimizationLevel: "all",
      intraOpNumThreads: 1,
      optimizedModelFilePath: file,
      // Not its warning that an NCHWc-optimised model suits this machine only: the test reads it here.
      logSeverityLevel: 3,
    });
    await session.release();
    const { onnx } = require("onnx-proto") as typeof import("onnx-proto");
    return onnx.ModelProto.decode(readFileSync(file)).graph!.node!.map((n) => ({ opType: n.opType ?? "", name: n.name ?? "" }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
