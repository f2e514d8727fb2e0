/**
 * A Triton Inference Server model configuration (`config.pbtxt`, protobuf
 * text format of `inference.ModelConfig` from triton-inference-server/common's
 * model_config.proto) for an emitted model. The model's batch is its first,
 * symbolic dimension, which Triton owns: `max_batch_size` > 0 and `dims`
 * without the batch. A dimension the model leaves open (`--dynamic`: a
 * dim_param in the ONNX model) is written -1, a fixed one as its number; which
 * is which comes from the model's shape requirements, the record its
 * dim_params are written from.
 */
import { dynamicAxes, fixedRequirements, type ShapeRequirements } from "../dynamic/requirements";
import { graphOutputs, type IRGraph, type IRValue } from "../ir";

export type TritonKind = "gpu" | "cpu";

export interface TritonOptions {
  readonly kind: TritonKind;
  /** The largest batch Triton may form; the model itself takes any. */
  readonly maxBatchSize: number;
  /** Instances of the model per device (per GPU for kind gpu). */
  readonly instances: number;
}

export const TRITON_DEFAULTS: TritonOptions = { kind: "gpu", maxBatchSize: 8, instances: 1 };

/** A name Triton accepts as a model folder and `name`: letters, digits, '_', '-' and '.'. */
export function tritonModelName(graphName: string): string {
  return graphName.replace(/[^A-Za-z0-9_.-]/g, "_");
}

/** `dynamic` counts the batch as axis 0, as ONNX does; `v.shape` leaves it out. */
function tensor(v: IRValue, dynamic: readonly number[] = []): string {
  const dims = v.shape.map((d, i) => (dynamic.includes(i + 1) ? -1 : d));
  // Every value sfc emits is float32 (TYPE_FP32 in Triton's DataType).
  return ["  {", `    name: ${quote(v.name)}`, "    data_type: TYPE_FP32", `    dims: [ ${dims.join(", ")} ]`, "  }"].join("\n");
}

function quote(s: string): string {
  return `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

/** `requirements`: the compile's (CompileResult.dynamic.requirements with --dynamic); all fixed without. */
export function tritonConfig(graph: IRGraph, options: TritonOptions = TRITON_DEFAULTS, requirements: ShapeRequirements = fixedRequirements(graph)): string {
  const kind: Record<TritonKind, string> = { gpu: "KIND_GPU", cpu: "KIND_CPU" };
  const open = dynamicAxes(requirements);
  return [
    `name: ${quote(tritonModelName(graph.name))}`,
    'platform: "onnxruntime_onnx"',
    `max_batch_size: ${options.maxBatchSize}`,
    `input [\n${graph.inputs.map((v) => tensor(v, open.inputs[v.name])).join(",\n")}\n]`,
    `output [\n${graphOutputs(graph)
      .map(({ name, value }) => tensor({ ...value, name }, open.outputs[name]))
      .join(",\n")}\n]`,
    // Requests from many clients are batched up to max_batch_size, waiting at most 100 µs for company.
    "dynamic_batching {\n  max_queue_delay_microseconds: 100\n}",
    `instance_group [\n  {\n    count: ${options.instances}\n    kind: ${kind[options.kind]}\n  }\n]`,
    "",
  ].join("\n");
}
