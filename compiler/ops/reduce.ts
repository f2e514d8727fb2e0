/** Reductions over named axes: mean, sum and max. */
import { intAttribute, intsAttribute } from "../emit/onnx-attributes";
import { VIDEO_AXIS } from "../shapes";
import { formatType, type TensorType } from "../types";
import { ONE, noFlops } from "./common";
import { defineOp, type OpArgs, type OpRecord, type RuleContext } from "./record";

type Reduction = "mean" | "sum" | "max";

/** Over `axes` (counting the batch as 0), keeping them as size 1 or dropping them. */
export interface ReduceOp<K extends Reduction = Reduction> {
  readonly kind: K;
  readonly axes: readonly number[];
  readonly keep: boolean;
}

const ONNX_OP: Readonly<Record<Reduction, string>> = { mean: "ReduceMean", sum: "ReduceSum", max: "ReduceMax" };
/** ReduceSum's axes became an input at opset 13, ReduceMean's and ReduceMax's at 18. */
const AXES_INPUT_OPSET: Readonly<Record<Reduction, number>> = { sum: 13, mean: 18, max: 18 };

/** Axis names of a video ([C, T, H, W] without the batch) and of a vector. */
const VIDEO_AXES: Readonly<Record<string, readonly number[]>> = {
  channels: [VIDEO_AXIS.channels],
  time: [VIDEO_AXIS.frames],
  height: [VIDEO_AXIS.height],
  width: [VIDEO_AXIS.width],
  space: [VIDEO_AXIS.height, VIDEO_AXIS.width],
};
const VECTOR_AXES: Readonly<Record<string, readonly number[]>> = { channels: [0] };

function axesOf(x: TensorType, words: readonly string[], ctx: RuleContext): number[] {
  const names = x.layout === "video" ? VIDEO_AXES : x.layout === "vector" ? VECTOR_AXES : undefined;
  if (!names) return ctx.fail("SF0203", { message: `reductions name the axes of a video or a vector, found ${formatType(x)}`, label: "a raw tensor" }, "x");
  const axes = new Set<number>();
  for (const w of words) {
    const found = names[w];
    if (!found)
      ctx.fail(
        "SF0211",
        {
          message: `unknown axis "${w}"`,
          label: "here",
          help: `the axes are ${Object.keys(names)
            .map((n) => `"${n}"`)
            .join(", ")}`,
        },
        "over",
      );
    for (const k of found) axes.add(k);
  }
  if (axes.size === 0) ctx.fail("SF0211", { message: "name at least one axis", label: "here" }, "over");
  return [...axes].sort((p, q) => p - q);
}

function rule(opName: Reduction) {
  return (a: OpArgs, ctx: RuleContext): TensorType => {
    const x = a.tensor("x");
    const axes = axesOf(x, a.words("over"), ctx);
    if (a.bool("keep")) return { layout: x.layout, dims: x.dims.map((d, i) => (axes.includes(i) ? ONE : d)) };
    const rest = x.dims.filter((_, i) => !axes.includes(i));
    if (rest.length === 0)
      ctx.fail("SF0211", { message: `\`${opName}\` over every axis leaves nothing`, label: "here", help: "keep them as size 1 with `keep: true`" }, "over");
    // Time and space dropped from a video leave its channels: a vector, as `gap` gives.
    if (x.layout === "video" && rest.length === 1 && !axes.includes(VIDEO_AXIS.channels)) return { layout: "vector", dims: rest };
    return { layout: "raw", dims: rest };
  };
}

function reduction<K extends Reduction>(kind: K, summary: string, result: string): OpRecord<ReduceOp<K>> {
  return defineOp<ReduceOp<K>>({
    summary,
    formals: [
      { name: "x", kind: "tensor", doc: "video or vector" },
      { name: "over", kind: "words", doc: `an axis or a list of them: "time", "channels", "space" (height and width), "height", "width"` },
      { name: "keep", kind: "bool", default: false, doc: "bool" },
    ],
    result,
    rule: rule(kind),
    lower(a) {
      const x = a.tensor("x");
      const names = x.layout === "video" ? VIDEO_AXES : VECTOR_AXES;
      const axes = [...new Set(a.words("over").flatMap((w) => names[w] ?? []))].sort((p, q) => p - q);
      return { op: { kind, axes: axes.map((k) => k + 1), keep: a.bool("keep") === true }, weights: [] };
    },
    onnx: {
      doc: `${ONNX_OP[kind]}-1 (axes an input from opset ${AXES_INPUT_OPSET[kind]})`,
      unsupported: () => undefined,
      lower(op, out) {
        const keep = intAttribute("keepdims", op.keep ? 1 : 0);
        if (out.opset >= AXES_INPUT_OPSET[kind]) out.add(ONNX_OP[kind], [out.inputs[0]!, out.int64Constant("axes", op.axes)], [out.output], [keep]);
        else out.add(ONNX_OP[kind], [out.inputs[0]!], [out.output], [intsAttribute("axes", op.axes), keep]);
      },
    },
    flops: noFlops,
  });
}

export const REDUCE_OPS = {
  mean: reduction(
    "mean",
    "mean over named axes",
    "the reduced axes become 1 with `keep: true` and are dropped otherwise; time and space dropped from a video leave `<C>`",
  ),
  sum: reduction("sum", "sum over named axes", "as `mean`, the sum"),
  max: reduction("max", "maximum over named axes", "as `mean`, the maximum"),
};
