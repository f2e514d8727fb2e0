/**
 * The op registry: every op of the language, one record each (ops/record.ts says
 * what a record holds). Every stage reads an op's facts from its record and
 * from nowhere else: the checker its formals and shape rule, the elaborator its
 * graph IR node and weights, the ONNX emitter its lowering per opset, the
 * reports its FLOP rule (parameters are its weights' element counts), and
 * docs/language.md its op table (generated from the records). The graph IR
 * names an op as the source does, and its node type is the union of the
 * records' `Op` types, so a stage cannot meet an op without a record.
 *
 * How to add an op
 *   1. Write its record in the group file of compiler/ops/ it belongs to (elementwise.ts,
 *      pooling.ts, ...) or in a new file `compiler/ops/<op>.ts` exporting
 *      `<GROUP>_OPS = { <op>: defineOp<<Op>Op>({ ... }) }`; a new file is also
 *      spread into `OPS` below. The record needs: `summary`, `formals` (the
 *      signature), `result` (for the op table), `rule` (the symbolic shape
 *      rule; it serves concrete shapes too), `lower` (its IR node attributes
 *      and its weights with their initialisation), `onnx` (`unsupported` says
 *      why an opset cannot express it, `lower` writes the ONNX nodes, `doc`
 *      names them), and `flops` (with `flopsDoc` and `weightsDoc` where it
 *      counts FLOPs or owns weights). The compiler will not build until every
 *      required part is there.
 *   2. Test it: a numeric test of its ONNX lowering against a reference,
 *      compiled from .sf source and run in onnxruntime (test/emit/), checker
 *      tests of its rule (test/checker/), and a UI test for each new
 *      diagnostic (test/ui/).
 *   3. Refresh the op table: `npx vitest run -u test/docs` (and add the op to
 *      the "every op once" example in docs/language.md).
 * docs/internals.md says the same at more length, with an example. No record
 * knows about SlowFast.
 */
import type { IRWeight } from "./ir";
import { ARITHMETIC_OPS } from "./ops/arithmetic";
import { COMBINE_OPS } from "./ops/combine";
import { CONSTANT_OPS } from "./ops/constant";
import { CONV_OPS } from "./ops/conv";
import { DENSE_OPS } from "./ops/dense";
import { ELEMENTWISE_OPS } from "./ops/elementwise";
import { FRAMES_OPS } from "./ops/frames";
import { LAYOUT_OPS } from "./ops/layout";
import { NORMALISATION_OPS } from "./ops/normalisation";
import { POOLING_OPS } from "./ops/pooling";
import { REDUCE_OPS } from "./ops/reduce";
import { RESAMPLE_OPS } from "./ops/resample";
import { SLICE_OPS } from "./ops/slice";
import type { OpRecord, WeightSpec } from "./ops/record";

export type { CostInput, FormalKind, FormalSpec, LowerContext, OnnxWriter, OpArgs, OpRecord, RuleContext, WeightSpec } from "./ops/record";

export const OPS = {
  ...CONV_OPS,
  ...NORMALISATION_OPS,
  ...ELEMENTWISE_OPS,
  ...POOLING_OPS,
  ...DENSE_OPS,
  ...COMBINE_OPS,
  ...ARITHMETIC_OPS,
  ...LAYOUT_OPS,
  ...FRAMES_OPS,
  ...SLICE_OPS,
  ...RESAMPLE_OPS,
  ...REDUCE_OPS,
  ...CONSTANT_OPS,
};

export type OpName = keyof typeof OPS;

type OpOf<R> = R extends OpRecord<infer Op> ? Op : never;

/** The graph IR node of each op, keyed by the op's name. */
export type IROpOf<K extends OpName> = OpOf<(typeof OPS)[K]>;

/** A record's `Op` must be named by its key: `{ relu: defineOp<{ kind: "relu" }>(...) }`. */
type MisnamedOps = { [K in OpName]: IROpOf<K>["kind"] extends K ? never : K }[OpName];
const everyKindIsItsKey: [MisnamedOps] extends [never] ? true : MisnamedOps = true;
void everyKindIsItsKey;

/** The record of an IR node's op, typed for that node. */
export function recordOf<Op extends IROpOf<OpName>>(op: Op): OpRecord<Op> {
  return OPS[op.kind as OpName] as unknown as OpRecord<Op>;
}

export function isOpName(name: string): name is OpName {
  return Object.prototype.hasOwnProperty.call(OPS, name);
}

export function weightFromSpec(prefix: string, w: WeightSpec): IRWeight {
  return { name: `${prefix}.${w.suffix}`, shape: w.shape, init: w.init, ...(w.buffer ? { buffer: true } : {}) };
}
