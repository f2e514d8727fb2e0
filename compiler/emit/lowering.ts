/**
 * Per-op lowering from the graph IR to ONNX nodes, and the opset requirements
 * of each lowering. Model assembly (initializers, value_info, serialisation)
 * lives in onnx.ts.
 *
 * Shapes here leave out the batch dimension, as in the IR; axis attributes
 * that the IR already counts with the batch as 0 (softmax, concat, transpose)
 * pass through unchanged.
 */
import { onnx } from "onnx-proto";
import type { IRNode, IROp } from "../ir";
import { formatSpan } from "../span";

/**
 * The oldest opset the lowering targets. Below 9 there is no Erf (GELU) and
 * BatchNormalization still has the `spatial` attribute; nothing this project
 * produces needs to go that far back.
 */
export const MIN_OPSET = 9;

/**
 * The newest opset the lowering targets. Every op used here kept its semantics
 * from the versions named below up to 23 (later revisions only added element
 * types); the tests run one model with every op at each opset in range.
 */
export const MAX_OPSET = 23;

/** The first opset with a native Gelu (approximate="none" is its default). */
const GELU_NATIVE_OPSET = 20;

/** Dropout's ratio moved from an attribute to an optional input at opset 12. */
const DROPOUT_RATIO_INPUT_OPSET = 12;

/**
 * Whether `op` can be expressed at `opset`; undefined if it can, otherwise a
 * sentence saying why not (meant for a CLI error after "--opset N: ").
 *
 * What each op needs (the lowering's floor is MIN_OPSET = 9):
 *   conv -> Conv-1; batchnorm -> BatchNormalization-9 (momentum is ignored
 *   at inference); relu/sigmoid/tanh/leaky_relu -> Relu/Sigmoid/Tanh/LeakyRelu-6;
 *   gelu -> Div/Erf-9/Add/Mul below 20, Gelu-20 from 20; silu -> Sigmoid*Mul;
 *   maxpool -> MaxPool-8; avgpool -> AveragePool-7 (count_include_pad);
 *   global_avgpool -> GlobalAveragePool-1 + Flatten-9; dropout -> Dropout
 *   (ratio attribute below 12, ratio input from 12); linear -> Gemm (transB=1,
 *   rank-1 inputs) or Transpose+MatMul(+Add) (higher ranks); Gemm's bias input
 *   is optional only from 11, so a bias-free linear needs 11; softmax ->
 *   Softmax-13 (before 13 Softmax flattened the input to 2-D at `axis`, a
 *   different function unless axis is last, so softmax needs 13); concat ->
 *   Concat-4; add -> Add-7; mul_scalar -> Mul-7; matmul -> MatMul-9; reshape ->
 *   Reshape-5; transpose -> Transpose-1; frames_stride -> Slice-10 (the first
 *   Slice with a `steps` input); frames_gather -> Gather-1.
 */
export function unsupportedAtOpset(op: IROp, opset: number): string | undefined {
  if (!Number.isInteger(opset) || opset < MIN_OPSET || opset > MAX_OPSET) {
    return `opset ${opset} is outside the supported range ${MIN_OPSET}..${MAX_OPSET}`;
  }
  switch (op.kind) {
    case "softmax":
      return opset < 13
        ? `softmax needs opset 13: before it, ONNX Softmax flattens the input to 2-D at the axis instead of normalising along it`
        : undefined;
    case "frames_stride":
      return opset < 10 ? `frames_stride needs opset 10: Slice has no steps input before it` : undefined;
    case "linear":
      return !op.bias && opset < 11
        ? `linear without bias needs opset 11: Gemm's bias input is mandatory before it`
        : undefined;
    case "conv":
    case "batchnorm":
    case "relu":
    case "sigmoid":
    case "tanh":
    case "leaky_relu":
    case "gelu":
    case "silu":
    case "maxpool":
    case "avgpool":
    case "global_avgpool":
    case "dropout":
    case "concat":
    case "add":
    case "mul_scalar":
    case "matmul":
    case "reshape":
    case "transpose":
    case "frames_gather":
      return undefined;
    default: {
      const unhandled: never = op;
      throw new Error(`unsupportedAtOpset: unknown op ${JSON.stringify(unhandled)}`);
    }
  }
}

/** A small constant the lowering adds as an initializer (shapes, indices, scalars). */
export interface ConstantTensor {
  readonly name: string;
  readonly dataType: onnx.TensorProto.DataType;
  readonly dims: readonly number[];
  /** Little-endian element bytes, as ONNX raw_data stores them. */
  readonly rawData: Uint8Array;
}

/** A value that exists only inside a multi-node lowering. */
export interface IntermediateValue {
  readonly name: string;
  /** Without the batch dimension when `batched`; the full shape otherwise. */
  readonly shape: readonly number[];
  /** False for values computed from weights alone, which have no batch dimension. */
  readonly batched: boolean;
}

export interface LoweredNode {
  readonly nodes: readonly onnx.INodeProto[];
  readonly constants: readonly ConstantTensor[];
  readonly intermediates: readonly IntermediateValue[];
}

export interface LoweringContext {
  readonly opset: number;
  /** IR shape (without batch) of a data input. */
  shapeOf(valueName: string): readonly number[];
  /** A value/initializer name starting with `base` that no other value, weight or constant uses. */
  freshValueName(base: string): string;
  /** A node name starting with `base` that no other node uses. */
  freshNodeName(base: string): string;
}

type Attribute = onnx.IAttributeProto;
const AttributeType = onnx.AttributeProto.AttributeType;

const intAttribute = (name: string, value: number): Attribute => ({ name, type: AttributeType.INT, i: value });
const intsAttribute = (name: string, values: readonly number[]): Attribute => ({
  name,
  type: AttributeType.INTS,
  ints: [...values],
});
const floatAttribute = (name: string, value: number): Attribute => ({ name, type: AttributeType.FLOAT, f: value });

function int64Bytes(values: readonly number[]): Uint8Array {
  const bytes = new Uint8Array(values.length * 8);
  const view = new DataView(bytes.buffer);
  values.forEach((value, index) => view.setBigInt64(index * 8, BigInt(value), true));
  return bytes;
}

function float32Bytes(values: readonly number[]): Uint8Array {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  values.forEach((value, index) => view.setFloat32(index * 4, value, true));
  return bytes;
}

interface PendingNode {
  readonly opType: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes: readonly Attribute[];
}

/** Collects the ONNX pieces of one IR node; names are settled in `finish`. */
class NodeLoweringBuilder {
  private readonly pending: PendingNode[] = [];
  private readonly constants: ConstantTensor[] = [];
  private readonly intermediates: IntermediateValue[] = [];

  constructor(
    private readonly node: IRNode,
    private readonly context: LoweringContext,
  ) {}

  add(opType: string, inputs: readonly string[], outputs: readonly string[], attributes: Attribute[] = []): void {
    this.pending.push({ opType, inputs, outputs, attributes });
  }

  intermediate(purpose: string, shape: readonly number[], batched = true): string {
    const name = this.context.freshValueName(`${this.node.name}/${purpose}`);
    this.intermediates.push({ name, shape, batched });
    return name;
  }

  int64Constant(purpose: string, values: readonly number[]): string {
    const name = this.context.freshValueName(`${this.node.name}/${purpose}`);
    this.constants.push({
      name,
      dataType: onnx.TensorProto.DataType.INT64,
      dims: [values.length],
      rawData: int64Bytes(values),
    });
    return name;
  }

  floatScalar(purpose: string, value: number): string {
    const name = this.context.freshValueName(`${this.node.name}/${purpose}`);
    this.constants.push({ name, dataType: onnx.TensorProto.DataType.FLOAT, dims: [], rawData: float32Bytes([value]) });
    return name;
  }

  finish(): LoweredNode {
    const docString = formatSpan(this.node.span);
    // A one-node lowering keeps the IR name, so tools that show ONNX node names
    // show the .sf names; a multi-node lowering qualifies each part by op type.
    const single = this.pending.length === 1;
    const nodes = this.pending.map(
      (part): onnx.INodeProto => ({
        input: [...part.inputs],
        output: [...part.outputs],
        name: single ? this.node.name : this.context.freshNodeName(`${this.node.name}/${part.opType}`),
        opType: part.opType,
        attribute: [...part.attributes],
        docString,
      }),
    );
    return { nodes, constants: this.constants, intermediates: this.intermediates };
  }
}

function singleOutput(node: IRNode): string {
  if (node.outputs.length !== 1) {
    throw new Error(`IR node ${node.name} (${node.op.kind}) has ${node.outputs.length} outputs; every op has exactly one`);
  }
  return node.outputs[0]!;
}

function dataInputs(node: IRNode): readonly string[] {
  const count = node.inputs.length - node.weights.length;
  if (count < 1) {
    throw new Error(`IR node ${node.name} (${node.op.kind}) has no data input`);
  }
  return node.inputs.slice(0, count);
}

function firstDataInput(node: IRNode): string {
  return dataInputs(node)[0]!;
}

/**
 * The ONNX nodes, constants and intermediate values for one IR node. Callers
 * check `unsupportedAtOpset` first; an op the opset cannot express is a
 * programmer error here.
 */
export function lowerNode(node: IRNode, context: LoweringContext): LoweredNode {
  const why = unsupportedAtOpset(node.op, context.opset);
  if (why !== undefined) {
    throw new Error(`cannot lower ${node.name} at opset ${context.opset}: ${why}`);
  }
  const out = new NodeLoweringBuilder(node, context);
  const output = singleOutput(node);
  const op = node.op;
  switch (op.kind) {
    case "conv":
      out.add("Conv", node.inputs, [output], [
        intsAttribute("kernel_shape", op.kernel),
        intsAttribute("strides", op.stride),
        intsAttribute("pads", op.pads),
        intsAttribute("dilations", op.dilation),
        intAttribute("group", op.groups),
      ]);
      break;
    case "batchnorm":
      // ONNX's momentum weighs the old running value (running = running * m +
      // batch * (1 - m)); PyTorch's weighs the new batch statistic.
      out.add("BatchNormalization", node.inputs, [output], [
        floatAttribute("epsilon", op.epsilon),
        floatAttribute("momentum", 1 - op.momentum),
      ]);
      break;
    case "relu":
      out.add("Relu", dataInputs(node), [output]);
      break;
    case "sigmoid":
      out.add("Sigmoid", dataInputs(node), [output]);
      break;
    case "tanh":
      out.add("Tanh", dataInputs(node), [output]);
      break;
    case "leaky_relu":
      out.add("LeakyRelu", dataInputs(node), [output], [floatAttribute("alpha", op.slope)]);
      break;
    case "gelu": {
      const x = firstDataInput(node);
      if (context.opset >= GELU_NATIVE_OPSET) {
        out.add("Gelu", [x], [output]);
        break;
      }
      // The exact (erf) GELU, as torch.onnx exports it: 0.5 * x * (1 + erf(x / sqrt 2)).
      const shape = context.shapeOf(x);
      const scaled = out.intermediate("scaled", shape);
      const erf = out.intermediate("erf", shape);
      const erfPlusOne = out.intermediate("erf_plus_one", shape);
      const product = out.intermediate("x_times", shape);
      out.add("Div", [x, out.floatScalar("sqrt2", Math.SQRT2)], [scaled]);
      out.add("Erf", [scaled], [erf]);
      out.add("Add", [erf, out.floatScalar("one", 1)], [erfPlusOne]);
      out.add("Mul", [x, erfPlusOne], [product]);
      out.add("Mul", [product, out.floatScalar("half", 0.5)], [output]);
      break;
    }
    case "silu": {
      const x = firstDataInput(node);
      const gate = out.intermediate("sigmoid", context.shapeOf(x));
      out.add("Sigmoid", [x], [gate]);
      out.add("Mul", [x, gate], [output]);
      break;
    }
    case "maxpool":
      out.add("MaxPool", dataInputs(node), [output], [
        intsAttribute("kernel_shape", op.kernel),
        intsAttribute("strides", op.stride),
        intsAttribute("pads", op.pads),
      ]);
      break;
    case "avgpool":
      out.add("AveragePool", dataInputs(node), [output], [
        intsAttribute("kernel_shape", op.kernel),
        intsAttribute("strides", op.stride),
        intsAttribute("pads", op.pads),
        intAttribute("count_include_pad", op.countIncludePad ? 1 : 0),
      ]);
      break;
    case "global_avgpool": {
      const x = firstDataInput(node);
      const [channels, ...spatial] = context.shapeOf(x);
      const pooled = out.intermediate("pooled", [channels!, ...spatial.map(() => 1)]);
      out.add("GlobalAveragePool", [x], [pooled]);
      out.add("Flatten", [pooled], [output], [intAttribute("axis", 1)]);
      break;
    }
    case "dropout": {
      // Kept as a Dropout node rather than Identity so the exported graph shows
      // where the network drops out; without training_mode it is the identity.
      const x = firstDataInput(node);
      if (context.opset >= DROPOUT_RATIO_INPUT_OPSET) {
        out.add("Dropout", [x, out.floatScalar("ratio", op.ratio)], [output]);
      } else {
        out.add("Dropout", [x], [output], [floatAttribute("ratio", op.ratio)]);
      }
      break;
    }
    case "linear": {
      const x = firstDataInput(node);
      const [weight, bias] = node.inputs.slice(1);
      if (weight === undefined || (op.bias && bias === undefined)) {
        throw new Error(`IR node ${node.name}: linear needs inputs [x, weight${op.bias ? ", bias" : ""}]`);
      }
      const inputShape = context.shapeOf(x);
      if (inputShape.length === 1) {
        out.add("Gemm", op.bias ? [x, weight, bias!] : [x, weight], [output], [intAttribute("transB", 1)]);
        break;
      }
      // Gemm takes only 2-D inputs; a linear over the last axis of a larger
      // tensor (torch.nn.Linear's broadcasting) is MatMul against W^T.
      const inFeatures = inputShape[inputShape.length - 1]!;
      const transposed = out.intermediate("weight_t", [inFeatures, op.out], false);
      out.add("Transpose", [weight], [transposed], [intsAttribute("perm", [1, 0])]);
      if (op.bias) {
        const product = out.intermediate("matmul", [...inputShape.slice(0, -1), op.out]);
        out.add("MatMul", [x, transposed], [product]);
        out.add("Add", [product, bias!], [output]);
      } else {
        out.add("MatMul", [x, transposed], [output]);
      }
      break;
    }
    case "softmax":
      out.add("Softmax", dataInputs(node), [output], [intAttribute("axis", op.axis)]);
      break;
    case "concat":
      out.add("Concat", dataInputs(node), [output], [intAttribute("axis", op.axis)]);
      break;
    case "add":
      out.add("Add", dataInputs(node), [output]);
      break;
    case "mul_scalar":
      out.add("Mul", [firstDataInput(node), out.floatScalar("factor", op.factor)], [output]);
      break;
    case "matmul":
      out.add("MatMul", dataInputs(node), [output]);
      break;
    case "reshape":
      // 0 copies the input's dimension: the symbolic batch passes through.
      out.add("Reshape", [firstDataInput(node), out.int64Constant("shape", [0, ...op.shape])], [output]);
      break;
    case "transpose":
      out.add("Transpose", dataInputs(node), [output], [intsAttribute("perm", op.perm)]);
      break;
    case "frames_stride": {
      const end = op.start + op.step * (op.count - 1) + 1;
      out.add("Slice", [
        firstDataInput(node),
        out.int64Constant("starts", [op.start]),
        out.int64Constant("ends", [end]),
        out.int64Constant("axes", [2]),
        out.int64Constant("steps", [op.step]),
      ], [output]);
      break;
    }
    case "frames_gather":
      out.add("Gather", [firstDataInput(node), out.int64Constant("indices", op.indices)], [output], [
        intAttribute("axis", 2),
      ]);
      break;
    default: {
      const unhandled: never = op;
      throw new Error(`lowerNode: unknown op ${JSON.stringify(unhandled)}`);
    }
  }
  return out.finish();
}
