/**
 * A model another producer might write, built by hand: each input through
 * Relu to an output of the same shape, float32, IR version 8, opset 17.
 */
import { onnx } from "onnx-proto";

/** One input: its name, and each dimension as a dim_param name or a size. */
export interface ReluInput {
  readonly name: string;
  readonly dims: ReadonlyArray<string | number>;
}

/** `inputs[i]` → Relu → `outputs[i]`. */
export function reluModel(inputs: readonly ReluInput[], outputs: readonly string[], producerName = "sfc-test"): Uint8Array {
  const float = onnx.TensorProto.DataType.FLOAT;
  const io = (name: string, dims: ReluInput["dims"]): onnx.IValueInfoProto => ({
    name,
    type: { tensorType: { elemType: float, shape: { dim: dims.map((d) => (typeof d === "string" ? { dimParam: d } : { dimValue: d })) } } },
  });
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: "", version: 17 }],
    producerName,
    graph: {
      name: "relu",
      node: inputs.map((input, i) => ({ opType: "Relu", input: [input.name], output: [outputs[i]!], name: `relu${i}` })),
      input: inputs.map((input) => io(input.name, input.dims)),
      output: inputs.map((input, i) => io(outputs[i]!, input.dims)),
    },
  });
  return onnx.ModelProto.encode(model).finish();
}
