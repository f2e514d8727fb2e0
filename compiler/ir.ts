/**
 * The graph IR: what elaboration produces and every back end reads (ONNX
 * emitter, parameter/FLOP counter, weight loader). Everything is concrete:
 * parameters are bound and every value has its shape. Shapes leave out the
 * batch dimension, which stays symbolic ("N") in the emitted model; a video
 * tensor is [C, T, H, W] (ONNX's NCDHW without N), a vector is [C].
 */
import type { IROpOf, OpName } from "./ops";
import type { Span } from "./span";

export type Triple = readonly [number, number, number];

/** How a weight is filled when no checkpoint provides it (PySlowFast's scheme). */
export type WeightInit =
  | { readonly kind: "msra" } // kaiming normal, fan_out, relu gain: std = sqrt(2 / (out * kt*kh*kw))
  | { readonly kind: "normal"; readonly std: number }
  | { readonly kind: "constant"; readonly value: number };

export interface IRWeight {
  /** Stable name derived from the source, e.g. "s2.slow.res0.branch2.a.weight". */
  readonly name: string;
  readonly shape: readonly number[];
  readonly init: WeightInit;
  /** A running statistic (BN mean/var): stored, but not a trained parameter. */
  readonly buffer?: boolean;
}

/**
 * The node of each op: `{ kind: <the op's source name>, ...attributes }`,
 * declared by the op's record (compiler/ops/). The union is closed.
 */
export type IROp = IROpOf<OpName>;

export type IROpKind = IROp["kind"];

export interface IRNode {
  /** Unique, derived from the source: "s2.slow.res0.branch2.a". */
  readonly name: string;
  readonly op: IROp;
  /** Value names; for conv/bn/linear the weights follow the data input, in ONNX's order. */
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  /** Weights this node owns, in the order they appear in `inputs` after the data inputs. */
  readonly weights: readonly IRWeight[];
  readonly span: Span;
}

export interface IRValue {
  readonly name: string;
  /** Shape without the batch dimension. */
  readonly shape: readonly number[];
}

export interface IRGraph {
  readonly name: string;
  readonly inputs: readonly IRValue[];
  readonly outputs: readonly IRValue[];
  /** Every value, inputs and outputs included, by name. */
  readonly values: ReadonlyMap<string, IRValue>;
  /** In topological order. */
  readonly nodes: readonly IRNode[];
  readonly span: Span;
  /** What each pathway holds at the end of each stage, for reports (`sfc info`). */
  readonly stages?: readonly IRStage[];
}

export interface IRStage {
  readonly name: string;
  /** Pathway name to the value it holds when the stage ends. */
  readonly outputs: ReadonlyMap<string, string>;
}
