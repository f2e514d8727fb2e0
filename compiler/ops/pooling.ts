/** Pooling over windows and over the whole clip. */
import type { Triple } from "../ir";
import { sameShape } from "../shapes";
import type { TensorType } from "../types";
import { intAttribute, intsAttribute } from "../emit/onnx-attributes";
import { ONE, checkWindowArgs, everyOpset, noFlops, requireVideo, triple, uniformWindow, windowedAxes } from "./common";
import { videoType } from "../types";
import { defineOp, type LowerContext, type OpArgs, type RuleContext } from "./record";

export interface PoolOp<K extends "maxpool" | "avgpool"> {
  readonly kind: K;
  readonly kernel: Triple;
  readonly stride: Triple;
  readonly pads: readonly [number, number, number, number, number, number];
  /** avgpool only: PyTorch's default count_include_pad=True. */
  readonly countIncludePad: boolean;
}

export interface GapOp {
  readonly kind: "gap";
  /**
   * The pooled [C] vector reshaped to this shape (without the batch): set by
   * the reshape-merging pass when a reshape reads the pooled vector, so that
   * GlobalAveragePool's [N, C, 1, 1, 1] becomes that shape in one Reshape
   * (or none, when it already has it) instead of Flatten and Reshape.
   */
  readonly shape?: readonly number[];
}

function pooledType(a: OpArgs, ctx: RuleContext, opName: string): TensorType {
  const x = requireVideo(a.tensor("x"), ctx, "x", opName);
  checkWindowArgs(a, ctx, ["kernel", "stride", "pad"]);
  const k = a.window("kernel");
  const s = a.has("stride") ? a.window("stride") : k;
  const p = a.window("pad");
  // onnxruntime refuses a pooling pad as large as its kernel (a window of padding only): so does the check.
  p.forEach((pad, i) =>
    ctx.requireAtLeast(k[i]!.sub(pad), 1, `${["temporal", "height", "width"][i]} kernel minus pad (the pad must be smaller than the kernel)`, "pad"),
  );
  const [frames, height, width] = windowedAxes(x, ctx, k, s, p, [ONE, ONE, ONE]);
  return videoType(frames, height, width, x.channels);
}

function lowerPool<K extends "maxpool" | "avgpool">(kind: K, a: OpArgs, ctx: LowerContext): PoolOp<K> {
  const k = triple(ctx, a.window("kernel"));
  const s = a.has("stride") ? triple(ctx, a.window("stride")) : k;
  const p = triple(ctx, a.window("pad"));
  return { kind, kernel: k, stride: s, pads: [...p, ...p], countIncludePad: a.has("count_include_pad") ? a.bool("count_include_pad") !== false : true };
}

const windowFormals = [
  { name: "x", kind: "tensor", doc: "video" },
  { name: "kernel", kind: "window", doc: "window" },
  { name: "stride", kind: "window", default: "optional", doc: "window (the kernel)" },
] as const;

export const POOLING_OPS = {
  maxpool: defineOp<PoolOp<"maxpool">>({
    summary: "max pooling",
    formals: [...windowFormals, { name: "pad", kind: "window", default: uniformWindow(0), doc: "window" }],
    result: "`<T', H'×W', C>`",
    rule: (a, ctx) => pooledType(a, ctx, "maxpool"),
    lower: (a, ctx) => ({ op: lowerPool("maxpool", a, ctx), weights: [] }),
    onnx: {
      doc: "MaxPool-8",
      unsupported: everyOpset,
      lower: (op, out) =>
        out.add(
          "MaxPool",
          out.inputs,
          [out.output],
          [intsAttribute("kernel_shape", op.kernel), intsAttribute("strides", op.stride), intsAttribute("pads", op.pads)],
        ),
    },
    flops: noFlops,
  }),
  avgpool: defineOp<PoolOp<"avgpool">>({
    summary: "average pooling",
    formals: [
      ...windowFormals,
      { name: "pad", kind: "window", default: uniformWindow(0), doc: "window" },
      { name: "count_include_pad", kind: "bool", default: true, doc: "bool" },
    ],
    result: "`<T', H'×W', C>`",
    rule: (a, ctx) => pooledType(a, ctx, "avgpool"),
    lower: (a, ctx) => ({ op: lowerPool("avgpool", a, ctx), weights: [] }),
    onnx: {
      doc: "AveragePool-7",
      unsupported: everyOpset,
      lower: (op, out) =>
        out.add(
          "AveragePool",
          out.inputs,
          [out.output],
          [
            intsAttribute("kernel_shape", op.kernel),
            intsAttribute("strides", op.stride),
            intsAttribute("pads", op.pads),
            intAttribute("count_include_pad", op.countIncludePad ? 1 : 0),
          ],
        ),
    },
    flops: noFlops,
  }),
  gap: defineOp<GapOp>({
    summary: "global average pooling over time and space: `<T, H×W, C>` → `<C>`",
    formals: [{ name: "x", kind: "tensor", doc: "video" }],
    result: "`<C>`: the mean over time and space",
    rule: (a, ctx) => ({ layout: "vector", dims: [requireVideo(a.tensor("x"), ctx, "x", "gap").channels] }),
    lower: () => ({ op: { kind: "gap" }, weights: [] }),
    onnx: {
      doc: "GlobalAveragePool-1 and Flatten-9 (Reshape-5, or nothing, in place of Flatten where a reshape of the vector was merged into it)",
      unsupported: everyOpset,
      lower(op, out) {
        const x = out.inputs[0]!;
        const [channels, ...spatial] = out.shapeOf(x);
        const pooledShape = [channels!, ...spatial.map(() => 1)];
        if (op.shape !== undefined && sameShape(op.shape, pooledShape)) {
          out.add("GlobalAveragePool", [x], [out.output]);
          return;
        }
        const pooled = out.intermediate("pooled", pooledShape);
        out.add("GlobalAveragePool", [x], [pooled]);
        if (op.shape !== undefined) out.add("Reshape", [pooled, out.int64Constant("shape", [0, ...op.shape])], [out.output]);
        else out.add("Flatten", [pooled], [out.output], [intAttribute("axis", 1)]);
      },
    },
    flops: noFlops,
  }),
};
