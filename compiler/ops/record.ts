/**
 * The shape of an op record: everything the compiler knows about one op, for
 * every stage that handles it. The checker calls `rule` (symbolic shapes), the
 * elaborator calls `lower` (graph IR node and weights), the ONNX emitter calls
 * `onnx`, the reports call `flops`, and the docs are generated from `summary`,
 * `formals`, `result` and `onnx.doc`. See ../ops.ts for how to add an op.
 */
import type { onnx } from "onnx-proto";
import type { Poly } from "../dims/poly";
import type { Rational } from "../dims/rational";
import type { WeightInit } from "../ir";
import type { TensorType } from "../types";
import type { DiagnosticCode } from "../diagnostics/catalogue";
import type { DiagnosticParts } from "../diagnostics/diagnostic";

/** word: a string ("nearest"); words: a string or a list of them; numbers: a list of numbers. */
export type FormalKind = "tensor" | "tensors" | "int" | "number" | "bool" | "window" | "shape" | "perm" | "word" | "words" | "numbers";

export interface FormalSpec {
  readonly name: string;
  readonly kind: FormalKind;
  /** A default, or "optional" when leaving it out is meaningful, or undefined when required. */
  readonly default?: Poly | boolean | string | readonly Poly[] | "optional";
  /** What the argument is, as the op table shows it after the name. */
  readonly doc: string;
}

/** Arguments as the checker bound them; accessors fail loudly on misuse (a record bug). */
export interface OpArgs {
  tensor(name: string): TensorType;
  tensors(name: string): readonly TensorType[];
  dim(name: string): Poly;
  has(name: string): boolean;
  window(name: string): readonly [Poly, Poly, Poly];
  bool(name: string): boolean | undefined;
  list(name: string): readonly Poly[];
  shape(name: string): TensorType;
  word(name: string): string;
  words(name: string): readonly string[];
}

export interface RuleContext {
  /** The value where every symbol in `p` is bound; undefined in a generic block. */
  valueOf(p: Poly): Rational | undefined;
  floorDiv(n: Poly, d: Poly): Poly;
  ceilDiv(n: Poly, d: Poly): Poly;
  /**
   * Reports (or, in a generic block, records as a requirement) unless `p` is
   * an integer. `atLeast`: the least it may be (1 for a size), so that the
   * roundings a message suggests are values that work.
   */
  requireIntegral(p: Poly, what: string, argName?: string, atLeast?: number): void;
  /** Reports (or, in a generic block, records) unless `divisor` divides `p`. */
  requireMultiple(p: Poly, divisor: Poly, what: string, argName?: string): void;
  /** Reports unless `p` ≥ `min` wherever it can be decided. */
  requireAtLeast(p: Poly, min: number, what: string, argName?: string): void;
  /**
   * Reports unless equal; returns whether they are. In a generic block,
   * sizes that agree only for some arguments become a requirement of the
   * block, unless `proved` asks for equality for all of them: the op then
   * reports any failure itself, and this reports nothing.
   */
  requireEqual(found: Poly, expected: Poly, what: string, argName?: string, proved?: "proved"): boolean;
  /** Reports the failure and abandons this op. */
  fail(code: DiagnosticCode, parts: DiagnosticParts, argName?: string): never;
}

/** A weight an op owns; its parameter count is its element count (buffers count none). */
export interface WeightSpec {
  readonly suffix: string;
  readonly shape: readonly number[];
  readonly init: WeightInit;
  /** A running statistic (BN mean/var): stored, but not a trained parameter. */
  readonly buffer?: boolean;
}

/** Elaboration of an op whose rule has been checked with every parameter bound. */
export interface LowerContext {
  /**
   * A polynomial's value with every parameter bound; the checker has proved
   * it an integer. One past ±2³¹, which no size depends on (a stride of 1e30),
   * is reported (SF0004) and abandons the op, since ONNX would wrap it.
   */
  num(p: Poly): number;
  value(p: Poly): Rational;
  shapeOf(t: TensorType): number[];
}

export type OnnxAttribute = onnx.IAttributeProto;

/** Writes elements `first`, `first` + 1, ... of a float initializer (row-major) into `target`, in platform order; pieces come in order. */
export type FloatValues = (first: number, target: Float32Array) => void;

/** What an op's ONNX lowering writes into; names are made unique by the emitter. */
export interface OnnxWriter {
  readonly opset: number;
  /** The node's data inputs, in the order of its tensor formals. */
  readonly inputs: readonly string[];
  /** The node's weights, in the order the op's `lower` declared them. */
  readonly weights: readonly string[];
  /** The node's single output. */
  readonly output: string;
  /** Shape (without batch) of a data input or the output. */
  shapeOf(value: string): readonly number[];
  add(opType: string, inputs: readonly string[], outputs: readonly string[], attributes?: readonly OnnxAttribute[]): void;
  /** A value only this lowering uses; `batched` false for values computed from weights alone. */
  intermediate(purpose: string, shape: readonly number[], batched?: boolean): string;
  int64Constant(purpose: string, values: readonly number[]): string;
  floatScalar(purpose: string, value: number): string;
  /** A float initializer whose values are in hand (the `values` a source lists). */
  floatConstant(purpose: string, dims: readonly number[], values: readonly number[]): string;
  /**
   * A float initializer as large as its sizes make it (a `fill` constant, an
   * interpolation matrix): its values are made a piece at a time while the
   * model is written, so no JS array of its size ever exists.
   */
  floatValues(purpose: string, dims: readonly number[], values: FloatValues): string;
  /** A value name for a non-float intermediate (a mask), declared without value_info. */
  untyped(purpose: string): string;
  /** The first graph input: constants take their batch dimension from it. */
  readonly batchSource: string | undefined;
  /** Present only when the model is emitted with dynamic shapes (--dynamic). */
  readonly dynamic?: DynamicSizeWriter;
}

/** Run-time sizes, for lowerings that would otherwise bake a size into their nodes. */
export interface DynamicSizeWriter {
  /**
   * The run-time size of axis `axis` (batch excluded) of a data input or the
   * output, as a one-element int64 tensor computed from the graph inputs'
   * shapes; undefined when that size is the same at every valid input size
   * (then shapeOf's number holds).
   */
  size(value: string, axis: number): string | undefined;
  /** Whether that size varies, without emitting anything. */
  varies(value: string, axis: number): boolean;
  /**
   * That size as a polynomial in the dynamic parameters (the others at their
   * compiled values), for lowerings that relate sizes to each other.
   */
  dim(value: string, axis: number): Poly | undefined;
  /** A polynomial in the dynamic parameters as a one-element int64 tensor at run time. */
  sizeOf(p: Poly): string;
  /** A one-element int64 tensor as a 0-d scalar (Range takes scalars). */
  scalar(tensor: string): string;
  /** A name for an int64 value of the lowering's size arithmetic. */
  value(purpose: string): string;
}

export interface OnnxLowering<Op> {
  /** Undefined if `op` can be expressed at `opset` (already within MIN_OPSET..MAX_OPSET); otherwise why not. */
  unsupported(op: Op, opset: number): string | undefined;
  lower(op: Op, out: OnnxWriter): void;
  /** The ONNX ops it becomes and the opsets they need, for the op table. */
  readonly doc: string;
  /**
   * Attributes of the IR node that depend on input sizes and that `lower`
   * recomputes from run-time sizes under --dynamic (through dynamicSize).
   * Any other attribute that changes with a dynamic parameter makes it
   * impossible to leave that parameter symbolic.
   */
  readonly sizeAttributes?: readonly string[];
}

/** Concrete shapes (without batch) a cost rule sees. */
export interface CostInput {
  readonly inputs: readonly (readonly number[])[];
  readonly output: readonly number[];
  /** Weight shapes, in the order the op declared them. */
  readonly weights: readonly (readonly number[])[];
}

/** Everything about one op. `Op` is its graph IR node: `{ kind: <the op's name>, ...attributes }`. */
export interface OpRecord<Op extends { readonly kind: string }> {
  /** One line: what the op computes. */
  readonly summary: string;
  readonly formals: readonly FormalSpec[];
  /** The result type, as the op table shows it. */
  readonly result: string;
  /** The symbolic shape rule; with every parameter bound it gives the concrete shape too. */
  rule(a: OpArgs, c: RuleContext): TensorType;
  /**
   * True where the op, with these arguments, is the identity for every value
   * of the letters (a resize by 1×1²): it then makes no node.
   */
  isIdentity?(a: OpArgs): boolean;
  /**
   * The graph IR node and its weights (shapes and initialisation), with every
   * parameter bound; `constants` are the shapes of the float initializers its
   * ONNX lowering makes from sizes (a `fill` constant, interpolation
   * matrices), which the checker bounds as it bounds weights before any is made.
   */
  lower(a: OpArgs, c: LowerContext): { op: Op; weights: readonly WeightSpec[]; constants?: readonly (readonly number[])[] };
  readonly onnx: OnnxLowering<Op>;
  /** Multiply-adds for one input view (0 for ops the paper does not count). */
  flops(op: Op, io: CostInput): number;
  /** What `flops` counts, for the op table; absent when it counts nothing. */
  readonly flopsDoc?: string;
  /** The weights `lower` declares and how they start without a checkpoint, for the op table; absent when there are none. */
  readonly weightsDoc?: string;
  /** Counted only when asked for (batch norm, which folds into the convolution at inference). */
  readonly flopsOnRequest?: true;
}

/** Types a record inline (in a group's table) as the record of `Op`. */
export function defineOp<Op extends { readonly kind: string }>(record: OpRecord<Op>): OpRecord<Op> {
  return record;
}
