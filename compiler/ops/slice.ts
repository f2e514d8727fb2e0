/** Contiguous or strided parts of one axis of a video tensor. */
import { Poly } from "../dims/poly";
import { Rational } from "../dims/rational";
import { intAttribute, intsAttribute } from "../emit/onnx-attributes";
import { VIDEO_AXIS } from "../shapes";
import { axisName } from "../types";
import { ONE, noFlops, requireVideo } from "./common";
import { defineOp, type OnnxWriter } from "./record";

/** Elements start, start + step, ... before end along each axis (axes count the batch as 0). */
export interface SliceOp {
  readonly kind: "slice";
  readonly axes: readonly number[];
  readonly starts: readonly number[];
  readonly ends: readonly number[];
  readonly steps: readonly number[];
}

/** Slice takes starts, ends, axes and steps as inputs from opset 10; before, attributes and no steps. */
const SLICE_INPUTS_OPSET = 10;

/** The axes each name selects, in ONNX order without the batch ([C, T, H, W]). */
const AXES: Readonly<Record<string, readonly number[]>> = {
  channels: [VIDEO_AXIS.channels],
  time: [VIDEO_AXIS.frames],
  height: [VIDEO_AXIS.height],
  width: [VIDEO_AXIS.width],
  space: [VIDEO_AXIS.height, VIDEO_AXIS.width],
};
const AXIS_NAMES = Object.keys(AXES)
  .map((n) => `"${n}"`)
  .join(", ");

/** Past any axis: Slice clamps the end to the axis length. */
const TO_THE_END = Number.MAX_SAFE_INTEGER;

/**
 * The ends of a slice whose axis length varies (--dynamic), from the sizes'
 * polynomials: the last index taken is from + step·(count − 1), so the end
 * is one past it. Where that end is a fixed distance from the axis end it is
 * written counted from the end (negative, or past the end when it reaches
 * it); where it is a fixed index, as that index; otherwise it is computed
 * from the inputs' shapes at run time.
 */
function runtimeEnds(op: SliceOp, out: OnnxWriter): string {
  const dynamic = out.dynamic!;
  const x = out.inputs[0]!;
  const ends = op.axes.map((axis, i): number | string => {
    const length = dynamic.dim(x, axis - 1);
    const count = dynamic.dim(out.output, axis - 1);
    if (length === undefined || count === undefined) throw new Error(`slice ${out.output}: no symbolic size for axis ${axis}`);
    const end = count
      .sub(Poly.ONE)
      .scale(Rational.of(op.steps[i]!))
      .add(Poly.constant(op.starts[i]! + 1));
    const fixed = end.constantValue();
    if (fixed !== undefined) return fixed.toNumber();
    const fromTheEnd = end.sub(length).constantValue();
    if (fromTheEnd !== undefined) return fromTheEnd.sign() >= 0 ? TO_THE_END : fromTheEnd.toNumber();
    return dynamic.sizeOf(end);
  });
  if (ends.every((e): e is number => typeof e === "number")) return out.int64Constant("ends", ends);
  const joined = dynamic.value("ends");
  out.add(
    "Concat",
    ends.map((e, i) => (typeof e === "number" ? out.int64Constant(`end${i}`, [e]) : e)),
    [joined],
    [intAttribute("axis", 0)],
  );
  return joined;
}

export const SLICE_OPS = {
  slice: defineOp<SliceOp>({
    summary: "elements from, from + step, ... before `to` along time, channels or space",
    formals: [
      { name: "x", kind: "tensor", doc: "video" },
      { name: "axis", kind: "word", doc: `${AXIS_NAMES} (\`"space"\`: height and width alike)` },
      { name: "from", kind: "int", default: Poly.ZERO, doc: "int" },
      { name: "to", kind: "int", default: "optional", doc: "int, exclusive (the axis length)" },
      { name: "step", kind: "int", default: ONE, doc: "int" },
    ],
    result: 'that axis (both spatial ones for `"space"`) becomes ⌈(to − from)/step⌉; 0 ≤ from, to ≤ its length',
    rule(a, ctx) {
      const x = a.tensor("x");
      requireVideo(x, ctx, "x", "slice");
      const axes = AXES[a.word("axis")];
      if (!axes) return ctx.fail("SF0211", { message: `unknown axis "${a.word("axis")}"`, label: "here", help: `the axes are ${AXIS_NAMES}` }, "axis");
      const from = a.dim("from");
      const step = a.dim("step");
      ctx.requireIntegral(from, "first index", "from", 0);
      ctx.requireAtLeast(from, 0, "first index", "from");
      ctx.requireIntegral(step, "step", "step", 1);
      ctx.requireAtLeast(step, 1, "step", "step");
      const dims = x.dims.map((n, i) => {
        if (!axes.includes(i)) return n;
        const to = a.has("to") ? a.dim("to") : n;
        ctx.requireIntegral(to, "end", "to");
        ctx.requireAtLeast(n.sub(to), 0, `${axisName(x, i)} left after the end (\`to\` is past the end by its negative)`, "to");
        const count = ctx.ceilDiv(to.sub(from), step);
        ctx.requireAtLeast(count, 1, `sliced ${axisName(x, i)}`);
        return count;
      });
      return { layout: "video", dims };
    },
    lower(a, ctx) {
      const shape = ctx.shapeOf(a.tensor("x"));
      const axes = AXES[a.word("axis")]!;
      const from = ctx.num(a.dim("from"));
      const step = ctx.num(a.dim("step"));
      return {
        op: {
          kind: "slice",
          axes: axes.map((k) => k + 1),
          starts: axes.map(() => from),
          ends: axes.map((k) => (a.has("to") ? ctx.num(a.dim("to")) : shape[k]!)),
          steps: axes.map(() => step),
        },
        weights: [],
      };
    },
    onnx: {
      doc: "Slice-10; Slice-1 (attributes) below 10 when every step is 1; under --dynamic, ends counted from the axis end or computed from the run-time sizes",
      unsupported: (op, opset) =>
        opset < SLICE_INPUTS_OPSET && op.steps.some((s) => s !== 1) ? "slice with a step needs opset 10: Slice has no steps before it" : undefined,
      sizeAttributes: ["ends"],
      lower(op, out) {
        const x = out.inputs[0]!;
        if (out.dynamic && op.axes.some((axis) => out.dynamic!.varies(x, axis - 1))) {
          out.add(
            "Slice",
            [x, out.int64Constant("starts", op.starts), runtimeEnds(op, out), out.int64Constant("axes", op.axes), out.int64Constant("steps", op.steps)],
            [out.output],
          );
          return;
        }
        if (out.opset >= SLICE_INPUTS_OPSET) {
          const inputs = [
            out.int64Constant("starts", op.starts),
            out.int64Constant("ends", op.ends),
            out.int64Constant("axes", op.axes),
            out.int64Constant("steps", op.steps),
          ];
          out.add("Slice", [x, ...inputs], [out.output]);
        } else {
          out.add("Slice", [x], [out.output], [intsAttribute("starts", op.starts), intsAttribute("ends", op.ends), intsAttribute("axes", op.axes)]);
        }
      },
    },
    flops: noFlops,
  }),
};
