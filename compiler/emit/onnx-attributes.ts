/** ONNX node attributes, as op lowerings write them. */
import type { onnx } from "onnx-proto";
import { AttributeType } from "./onnx-enums";

type Attribute = onnx.IAttributeProto;

export const intAttribute = (name: string, value: number): Attribute => ({ name, type: AttributeType.INT, i: value });
export const intsAttribute = (name: string, values: readonly number[]): Attribute => ({
  name,
  type: AttributeType.INTS,
  ints: [...values],
});
export const floatAttribute = (name: string, value: number): Attribute => ({ name, type: AttributeType.FLOAT, f: value });
