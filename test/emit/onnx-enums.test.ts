/** The ONNX enum numbers written out in onnx-enums.ts are onnx-proto's. */
import { onnx } from "onnx-proto";
import { describe, expect, it } from "vitest";
import { AttributeType, DataType, onnxProto } from "../../compiler/emit/onnx-enums";

describe("the ONNX enums the emitter writes", () => {
  it("have onnx.proto's numbers", () => {
    for (const [name, value] of Object.entries(DataType)) expect(value, name).toBe(onnx.TensorProto.DataType[name as keyof typeof DataType]);
    for (const [name, value] of Object.entries(AttributeType)) expect(value, name).toBe(onnx.AttributeProto.AttributeType[name as keyof typeof AttributeType]);
  });

  it("load onnx-proto's classes on demand", () => {
    expect(onnxProto()).toBe(onnx);
  });
});
