/**
 * The graph IR: what elaboration produces and every back end reads (ONNX
 * emitter, parameter/FLOP counter, weight loader). Everything is concrete:
 * parameters are bound and every value has its shape. Shapes leave out the
 * batch dimension, which stays symbolic ("N") in the emitted model; a video
 * tensor is [C, T, H, W] (ONNX's NCDHW without N), a vector is [C].
 */
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

/** Attributes of each op, one variant per op kind. The union is closed. */
export type IROp =
  | {
      readonly kind: "conv";
      readonly out: number;
      readonly kernel: Triple;
      readonly stride: Triple;
      /** [t_begin, h_begin, w_begin, t_end, h_end, w_end], as ONNX orders pads. */
      readonly pads: readonly [number, number, number, number, number, number];
      readonly dilation: Triple;
      readonly groups: number;
      readonly bias: boolean;
    }
  | { readonly kind: "batchnorm"; readonly epsilon: number; readonly momentum: number }
  | { readonly kind: "relu" }
  | { readonly kind: "sigmoid" }
  | { readonly kind: "tanh" }
  | { readonly kind: "leaky_relu"; readonly slope: number }
  | { readonly kind: "gelu" }
  | { readonly kind: "silu" }
  | {
      readonly kind: "maxpool" | "avgpool";
      readonly kernel: Triple;
      readonly stride: Triple;
      readonly pads: readonly [number, number, number, number, number, number];
      /** avgpool only: PyTorch's default count_include_pad=True. */
      readonly countIncludePad: boolean;
    }
  | { readonly kind: "global_avgpool" } // [C, T, H, W] -> [C]
  | { readonly kind: "dropout"; readonly ratio: number } // identity at inference
  | { readonly kind: "linear"; readonly out: number; readonly bias: boolean } // [C] -> [out]
  | { readonly kind: "softmax"; readonly axis: number } // axis counts the batch as 0
  | { readonly kind: "concat"; readonly axis: number } // axis counts the batch as 0
  | { readonly kind: "add" }
  | { readonly kind: "mul_scalar"; readonly factor: number }
  | { readonly kind: "matmul" }
  | { readonly kind: "reshape"; readonly shape: readonly number[] } // target shape without batch
  | { readonly kind: "transpose"; readonly perm: readonly number[] } // over all axes, perm[0] = 0
  /** Frames start, start+step, ... (count of them) along the time axis (axis 2). */
  | { readonly kind: "frames_stride"; readonly start: number; readonly step: number; readonly count: number }
  /** Frames at explicit indices along the time axis (PySlowFast's linspace selection). */
  | { readonly kind: "frames_gather"; readonly indices: readonly number[] };

export type IROpKind = IROp["kind"];

export interface IRNode {
  /** Unique, derived from the source: "s2.slow.res0.branch2.a". */
  readonly name: string;
  readonly op: IROp;
  /** Value names; for conv/batchnorm/linear the weights follow the data input, in ONNX's order. */
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
