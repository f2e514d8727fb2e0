/**
 * The numbers of the ONNX enums the emitter writes, as onnx.proto fixes them
 * (they never change). They are written out here so that the op facts and the
 * emitter's planning do not load protobufjs: `sfc check` never needs it, and
 * only serialisation (serialiseOnnx) loads it, through `onnxProto`.
 */
import type { onnx } from "onnx-proto";

/** TensorProto.DataType */
export const DataType = {
  FLOAT: 1 as onnx.TensorProto.DataType.FLOAT,
  INT64: 7 as onnx.TensorProto.DataType.INT64,
} as const;

/** AttributeProto.AttributeType */
export const AttributeType = {
  FLOAT: 1 as onnx.AttributeProto.AttributeType.FLOAT,
  INT: 2 as onnx.AttributeProto.AttributeType.INT,
  INTS: 7 as onnx.AttributeProto.AttributeType.INTS,
} as const;

let loaded: typeof onnx | undefined;

/** onnx-proto's message classes, loaded on first use. */
export function onnxProto(): typeof onnx {
  loaded ??= (require("onnx-proto") as typeof import("onnx-proto")).onnx;
  return loaded;
}
