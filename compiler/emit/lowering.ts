/**
 * Lowering of graph IR nodes to ONNX nodes: the supported opset range, and the
 * writer each op's record (compiler/ops/) lowers itself into. What each op
 * becomes, and at which opsets, is in its record. Model assembly
 * (initializers, value_info, serialisation) lives in onnx.ts.
 *
 * Shapes here leave out the batch dimension, as in the IR; axis attributes
 * that the IR already counts with the batch as 0 (softmax, concat, transpose)
 * pass through unchanged.
 */
import type { onnx } from "onnx-proto";
import { DataType } from "./onnx-enums";
import type { IRNode, IROp } from "../ir";
import { recordOf, type OnnxWriter } from "../ops";
import type { DynamicSizeWriter, FloatValues } from "../ops/record";
import type { DynamicShapes } from "../dynamic/sizes";
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

/**
 * Whether `op` can be expressed at `opset`; undefined if it can, otherwise a
 * sentence saying why not (meant for a CLI error after "--opset N: "). Each
 * op's record says what it needs (its `onnx.unsupported`).
 */
export function unsupportedAtOpset(op: IROp, opset: number): string | undefined {
  if (!Number.isInteger(opset) || opset < MIN_OPSET || opset > MAX_OPSET) {
    return `opset ${opset} is outside the supported range ${MIN_OPSET}..${MAX_OPSET}`;
  }
  return recordOf(op).onnx.unsupported(op, opset);
}

/** A constant the lowering adds as an initializer: its bytes in hand, or float values made as the model is written. */
export type ConstantTensor = {
  readonly name: string;
  readonly dataType: onnx.TensorProto.DataType;
  readonly dims: readonly number[];
} & (
  | {
      /** Little-endian element bytes, as ONNX raw_data stores them. */
      readonly rawData: Uint8Array;
    }
  | { readonly values: FloatValues }
);

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
  /** The first graph input, which constants take their batch dimension from. */
  readonly batchSource: string | undefined;
  /** Under --dynamic: run-time sizes for the lowerings that need them. */
  readonly dynamic?: DynamicShapes;
  /** How a source path is written into doc_strings (EmitOnnxOptions.displayPath). */
  readonly displayPath?: (file: string) => string;
}

type Attribute = onnx.IAttributeProto;

export function int64Bytes(values: readonly number[]): Uint8Array {
  const bytes = new Uint8Array(values.length * 8);
  const view = new DataView(bytes.buffer);
  values.forEach((value, index) => view.setBigInt64(index * 8, BigInt(value), true));
  return bytes;
}

export function float32Bytes(values: readonly number[]): Uint8Array {
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
class NodeLoweringBuilder implements OnnxWriter {
  private readonly pending: PendingNode[] = [];
  private readonly constants: ConstantTensor[] = [];
  private readonly intermediates: IntermediateValue[] = [];
  readonly opset: number;
  readonly inputs: readonly string[];
  readonly weights: readonly string[];
  readonly output: string;
  readonly batchSource: string | undefined;
  readonly dynamic?: DynamicSizeWriter;

  constructor(
    private readonly node: IRNode,
    private readonly context: LoweringContext,
  ) {
    this.opset = context.opset;
    this.inputs = dataInputs(node);
    this.weights = node.inputs.slice(this.inputs.length);
    this.output = singleOutput(node);
    this.batchSource = context.batchSource;
    if (context.dynamic)
      this.dynamic = context.dynamic.writer({
        add: (opType, inputs, outputs, attributes) => this.add(opType, inputs, outputs, attributes),
        int64Constant: (purpose, values) => this.int64Constant(purpose, values),
        freshValue: (purpose) => context.freshValueName(`${node.name}/${purpose}`),
      });
  }

  shapeOf(value: string): readonly number[] {
    return this.context.shapeOf(value);
  }

  add(opType: string, inputs: readonly string[], outputs: readonly string[], attributes: readonly Attribute[] = []): void {
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
      dataType: DataType.INT64,
      dims: [values.length],
      rawData: int64Bytes(values),
    });
    return name;
  }

  floatConstant(purpose: string, dims: readonly number[], values: readonly number[]): string {
    const name = this.context.freshValueName(`${this.node.name}/${purpose}`);
    this.constants.push({ name, dataType: DataType.FLOAT, dims, rawData: float32Bytes(values) });
    return name;
  }

  floatValues(purpose: string, dims: readonly number[], values: FloatValues): string {
    const name = this.context.freshValueName(`${this.node.name}/${purpose}`);
    this.constants.push({ name, dataType: DataType.FLOAT, dims, values });
    return name;
  }

  untyped(purpose: string): string {
    return this.context.freshValueName(`${this.node.name}/${purpose}`);
  }

  floatScalar(purpose: string, value: number): string {
    const name = this.context.freshValueName(`${this.node.name}/${purpose}`);
    this.constants.push({ name, dataType: DataType.FLOAT, dims: [], rawData: float32Bytes([value]) });
    return name;
  }

  finish(): LoweredNode {
    const docString = formatSpan(this.node.span, this.context.displayPath);
    // A one-node lowering keeps the IR name, so tools that show ONNX node names
    // show the .sf names; a multi-node lowering qualifies each part by op type.
    const single = this.pending.length === 1;
    const nodes = this.pending.map((part): onnx.INodeProto => ({
      input: [...part.inputs],
      output: [...part.outputs],
      name: single ? this.node.name : this.context.freshNodeName(`${this.node.name}/${part.opType}`),
      opType: part.opType,
      attribute: [...part.attributes],
      docString,
    }));
    return { nodes, constants: this.constants, intermediates: this.intermediates };
  }
}

function singleOutput(node: IRNode): string {
  if (node.outputs.length !== 1) {
    throw new Error(`IR node ${node.name} (${node.op.kind}) has ${node.outputs.length} outputs; every op has exactly one`);
  }
  return node.outputs[0]!;
}

/** The inputs before the weights; only an op without tensor formals (a constant) has none. */
function dataInputs(node: IRNode): readonly string[] {
  const count = node.inputs.length - node.weights.length;
  const takesTensors = recordOf(node.op).formals.some((f) => f.kind === "tensor" || f.kind === "tensors");
  if (count < (takesTensors ? 1 : 0)) {
    throw new Error(`IR node ${node.name} (${node.op.kind}) has no data input`);
  }
  return node.inputs.slice(0, count);
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
  recordOf(node.op).onnx.lower(node.op, out);
  return out.finish();
}
