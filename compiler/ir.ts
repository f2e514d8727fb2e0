/**
 * The graph IR: what elaboration produces and every back end reads (ONNX
 * emitter, parameter/FLOP counter, weight loader). Everything is concrete:
 * parameters are bound and every value has its shape. Shapes leave out the
 * batch dimension, which stays symbolic ("N") in the emitted model; a video
 * tensor is [C, T, H, W] (ONNX's NCDHW without N), a vector is [C].
 */
import type { IROpOf, OpName } from "./ops";
import type { Poly } from "./dims/poly";
import type { LabelledSpan } from "./diagnostics/diagnostic";
import type { Span } from "./span";

/** Sizes in time, height and width: a kernel, stride or padding. */
export type Triple = readonly [number, number, number];

/** How a weight is filled when no checkpoint provides it (PySlowFast's scheme). */
export type WeightInit =
  | { readonly kind: "msra" } // kaiming normal, fan_out, relu gain: std = sqrt(2 / (out * kt*kh*kw))
  | { readonly kind: "normal"; readonly std: number }
  | { readonly kind: "constant"; readonly value: number };

/** A weight of a node: its name (as a checkpoint is matched against), shape and how it is initialised without one. */
export interface IRWeight {
  /** Stable name derived from the source, e.g. "s2.slow.res0.branch2.a.weight". */
  readonly name: string;
  readonly shape: readonly number[];
  readonly init: WeightInit;
  /** A running statistic (BN mean/var): stored, but not a trained parameter. */
  readonly buffer?: boolean;
  /**
   * Set by a graph pass (compiler/passes/): the values are computed from
   * other weights when the initializers are materialised, not read or drawn
   * under this name. `init` then only matters to reports.
   */
  readonly derived?: WeightDerivation;
}

/**
 * How a pass computes a weight from source weights (each read from the
 * checkpoint or drawn from the seeded generator under its own name).
 */
export type WeightDerivation = {
  /**
   * Batch norm folded into the convolution before it, in float64 and rounded
   * to float32 once: with s = γ / √(var + ε) per output channel,
   * weight' = weight · s and bias' = (bias − mean) · s + β.
   */
  readonly kind: "bn_fold";
  readonly part: "weight" | "bias";
  /** The convolution's own weight (for "weight") or bias, if it had one (for "bias"). */
  readonly conv: IRWeight | undefined;
  readonly gamma: IRWeight;
  readonly beta: IRWeight;
  readonly mean: IRWeight;
  readonly variance: IRWeight;
  readonly epsilon: number;
};

/**
 * The node of each op: `{ kind: <the op's source name>, ...attributes }`,
 * declared by the op's record (compiler/ops/). The union is closed.
 */
export type IROp = IROpOf<OpName>;

export type IROpKind = IROp["kind"];

/** One operation of the graph: what it reads and writes (value names), its weights, and the source it came from. */
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
  /**
   * The calls that led to this node, innermost first, when it was built inside
   * a block body: what a later message about the node (a checkpoint's tensor
   * for its weight) needs to be reported at the user's call.
   */
  readonly calls?: readonly LabelledSpan[];
}

/** A tensor of the graph: its name and concrete shape (batch left out). */
export interface IRValue {
  readonly name: string;
  /** Shape without the batch dimension. */
  readonly shape: readonly number[];
  /**
   * The same shape as polynomials in the network's parameters (what the
   * checker proved), for dynamic-shape emission and symbolic reports; left
   * out by graphs built without a network (tests, hand-built IR).
   */
  readonly dims?: readonly Poly[];
}

/** One elaborated network: its values and nodes with concrete shapes, and where each came from in the source. */
export interface IRGraph {
  readonly name: string;
  readonly inputs: readonly IRValue[];
  readonly outputs: readonly IRValue[];
  /** Every value, inputs and outputs included, by name. */
  readonly values: ReadonlyMap<string, IRValue>;
  /** In topological order. */
  readonly nodes: readonly IRNode[];
  readonly span: Span;
  /** Input name to the pathway that starts from it (`pathway fast = clip`), for messages. */
  readonly inputPathways?: ReadonlyMap<string, string>;
  /** Each stage in the order they began, nested ones after their parent, with what each pathway holds at its end, for reports (`sfc info`). */
  readonly stages?: readonly IRStage[];
  /**
   * The layers written outside every stage, one record per stretch of them
   * between two top-level stages (or before the first, or after the last), in
   * the order they run: reports show them where they run.
   */
  readonly outsideStages?: readonly IROutsideStages[];
  /**
   * The lower bounds the checker decided on sizes that are not themselves
   * values' dimensions (a slice's end within its axis, a selection's frames
   * within the clip, ...), as polynomials in the network's parameters: what
   * a dynamic compile finds the smallest valid sizes from.
   */
  readonly bounds?: readonly IRBound[];
}

/** `size` ≥ `min` wherever the network is valid; `what` names the size as the checker's messages do. */
export interface IRBound {
  readonly size: Poly;
  readonly min: number;
  readonly what: string;
  readonly span: Span;
}

/** One run of a stage: a network may name two stages alike, and each is a record of its own. */
export interface IRStage {
  /** With the names of the stages it is nested in: `s2.a`. */
  readonly name: string;
  /** Pathway name to the value it holds when the stage ends. */
  readonly outputs: ReadonlyMap<string, string>;
  /**
   * The nodes it ran itself, those of the stages nested in it left to
   * theirs, in order; left out by a graph built by hand, whose nodes reports
   * then place by the stage names their names start with.
   */
  readonly nodes?: readonly string[];
  /** Where the stage is written (its name): a hover finds its run by it. Left out by a graph built by hand. */
  readonly span?: Span;
}

/** Layers that run between two top-level stages, or before the first or after the last. */
export interface IROutsideStages {
  /** How many top-level stages ran before them: 0 for layers before the first stage. */
  readonly afterStages: number;
  /** Their nodes' names, in order. */
  readonly nodes: readonly string[];
  /** Pathway name to the value it holds where they end. */
  readonly outputs: ReadonlyMap<string, string>;
}

/** A graph output as the emitted model names it. */
export interface GraphOutput {
  readonly name: string;
  readonly value: IRValue;
}

/**
 * The graph's outputs as the ONNX model names them. ONNX gives each output a
 * value of its own that no graph input is: an output that is an input (a
 * network that returns its input) or repeats an earlier output is copied by
 * an Identity node into a fresh value, `output` (or `output_1`, ...). Named
 * here, from the graph alone, so that the model, its metadata and the Triton
 * configuration agree.
 */
export function graphOutputs(graph: IRGraph): GraphOutput[] {
  const taken = new Set(graph.values.keys());
  for (const node of graph.nodes) for (const weight of node.weights) taken.add(weight.name);
  const own = new Set(graph.inputs.map((input) => input.name));
  return graph.outputs.map((value) => {
    let name = value.name;
    if (own.has(name)) for (let suffix = 0; taken.has(name); suffix++) name = suffix === 0 ? "output" : `output_${suffix}`;
    taken.add(name);
    own.add(value.name);
    return { name, value };
  });
}
