/** Resampling of time and space: nearest or linear, by factors or to a size. */
import type { Poly } from "../dims/poly";
import type { Rational } from "../dims/rational";
import type { DiagnosticParts } from "../diagnostics/diagnostic";
import { intAttribute } from "../emit/onnx-attributes";
import { DataType } from "../emit/onnx-enums";
import { writtenVideo } from "../shapes";
import { videoType, type TensorType } from "../types";
import { noFlops, requireVideo } from "./common";
import { defineOp, type FloatValues, type OnnxAttribute, type OnnxLowering, type OnnxWriter, type OpArgs, type OpRecord, type RuleContext } from "./record";

/** How `resize` and `upsample` interpolate. */
export type ResizeMode = "nearest" | "linear";

/**
 * Nearest (PyTorch's source index ⌊d·in/out⌋) or linear (half-pixel, as
 * align_corners=False) resampling of a video to `sizes`, [C, T, H, W].
 */
export interface ResizeOp<K extends "resize" | "upsample" = "resize" | "upsample"> {
  readonly kind: K;
  readonly mode: ResizeMode;
  readonly sizes: readonly number[];
}

const AXES = ["frames", "height", "width"] as const;

/** The resized frames, height and width. */
function resizedDims(a: OpArgs): [Poly, Poly, Poly] {
  const x = writtenVideo(a.tensor("x").dims);
  const axes = [x.frames, x.height, x.width];
  const [t, h, w] = a.has("by") ? a.window("by").map((f, i) => axes[i]!.mul(f)) : a.window("to");
  return [t!, h!, w!];
}

function rule(opName: string) {
  return (a: OpArgs, ctx: RuleContext): TensorType => {
    const x = requireVideo(a.tensor("x"), ctx, "x", opName);
    const spatial = [x.frames, x.height, x.width];
    const mode = a.word("mode");
    if (mode !== "nearest" && mode !== "linear")
      ctx.fail("SF0211", { message: `\`${opName}\` mode must be "nearest" or "linear", found "${mode}"`, label: "here" }, "mode");
    if (a.has("by") === a.has("to"))
      ctx.fail("SF0211", { message: `\`${opName}\` takes exactly one of \`by\` (factors t×h×w) and \`to\` (a size t×h×w)`, label: "here" });
    if (a.has("by"))
      a.window("by").forEach((f, i) => {
        const v = ctx.valueOf(f);
        if (v !== undefined && v.sign() <= 0) ctx.fail("SF0211", { message: `the ${AXES[i]} factor must be positive, found ${v}`, label: "here" }, "by");
        const resized = spatial[i]!.mul(f);
        const rv = ctx.valueOf(resized);
        if (rv !== undefined && !rv.isInteger()) ctx.fail("SF0205", fractionalResize(opName, i, spatial, a.window("by"), ctx), "by");
        ctx.requireIntegral(resized, `resized ${AXES[i]} ${resized}`, "by", 1);
      });
    else
      a.window("to").forEach((n, i) => {
        ctx.requireIntegral(n, `target ${AXES[i]}`, "to", 1);
        ctx.requireAtLeast(n, 1, `target ${AXES[i]}`, "to");
      });
    return videoType(...resizedDims(a), x.channels);
  };
}

/**
 * A factor that makes axis `i` a fraction (8 × 1/3): said in the terms the
 * user wrote, the size and the factor, with the sizes `to` could give instead.
 */
function fractionalResize(opName: string, i: number, sizes: readonly Poly[], factors: readonly Poly[], ctx: RuleContext): DiagnosticParts {
  const size = ctx.valueOf(sizes[i]!) ?? sizes[i]!;
  const factor = ctx.valueOf(factors[i]!) ?? factors[i]!;
  const resized = sizes.map((n, j) => ctx.valueOf(n.mul(factors[j]!)));
  // Each fractional size rounded down (where that leaves one) or up: `to: 4×2²` or `to: 4×3²`.
  const rounded = (round: (r: Rational) => bigint) =>
    resized.every((r) => r !== undefined) ? resized.map((r) => (r.isInteger() ? r.num : round(r))) : undefined;
  const targets = [rounded((r) => r.floor()), rounded((r) => r.ceil())].filter((t): t is bigint[] => t !== undefined && t.every((n) => n >= 1n));
  const window = ([t, h, w]: readonly bigint[]) => (h === w ? `${t}×${h}²` : `${t}×${h}×${w}`);
  const sizesText = [...new Set(targets.map(window))].map((t) => `\`to: ${t}\``).join(" or ");
  return {
    message: `\`${opName}\` makes the ${AXES[i]} ${size} × ${factor} = ${resized[i]}, not a whole number`,
    label: `${AXES[i]} factor ${factor}`,
    help: `give a factor that leaves the ${AXES[i]} whole${sizesText ? `, or the size you mean: ${sizesText}` : ""}`,
  };
}

/** The source indices one output index reads along an axis, i0 ≤ i1 (equal at an edge and for nearest), and i1's weight λ. */
interface Taps {
  readonly i0: number;
  readonly i1: number;
  readonly lambda: number;
}

/**
 * The taps of output index `dst`, as PyTorch's interpolate computes them:
 * nearest takes ⌊dst·in/out⌋; linear (align_corners=False) samples at
 * (dst + 0.5)·in/out − 0.5, clamped at 0. Both indices grow with `dst`.
 */
function tapsOf(dst: number, inSize: number, outSize: number, mode: ResizeMode): Taps {
  if (mode === "nearest") {
    const i = Math.min(Math.floor((dst * inSize) / outSize), inSize - 1);
    return { i0: i, i1: i, lambda: 0 };
  }
  const src = Math.max(0, ((dst + 0.5) * inSize) / outSize - 0.5);
  const i0 = Math.min(Math.floor(src), inSize - 1);
  return { i0, i1: Math.min(i0 + 1, inSize - 1), lambda: src - i0 };
}

/** The matrix entry for source index `src`: 1 − λ at i0 plus λ at i1, summed in float64 and rounded once, where they coincide. */
function weightOf(t: Taps, src: number): number {
  return (src === t.i0 ? 1 - t.lambda : 0) + (src === t.i1 ? t.lambda : 0);
}

/**
 * One axis's interpolation matrix, [out, in] (a row per output index) or
 * `transposed` [in, out], written a piece at a time with only its non-zeros
 * computed: at 30,000 × 30,000 a matrix of JS numbers took gigabytes before
 * anything was written.
 */
export function interpolationValues(inSize: number, outSize: number, mode: ResizeMode, transposed: boolean): FloatValues {
  const minor = transposed ? outSize : inSize;
  /** The first output index in [lo, hi) whose i1 reaches `src`: those reading `src` follow it in a run. */
  const firstReading = (src: number, lo: number, hi: number): number => {
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (tapsOf(mid, inSize, outSize, mode).i1 < src) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  return (first, target) => {
    target.fill(0);
    const end = first + target.length;
    for (let major = Math.floor(first / minor); major * minor < end; major++) {
      const at = major * minor - first;
      const [lo, hi] = [Math.max(0, -at), Math.min(minor, end - major * minor)];
      if (!transposed) {
        const t = tapsOf(major, inSize, outSize, mode);
        for (const src of [t.i0, t.i1]) if (src >= lo && src < hi) target[at + src] = weightOf(t, src);
        continue;
      }
      for (let dst = firstReading(major, lo, hi); dst < hi; dst++) {
        const t = tapsOf(dst, inSize, outSize, mode);
        if (t.i0 > major) break;
        target[at + dst] = weightOf(t, major);
      }
    }
  };
}

/** One axis that changes size, and the interpolation matrix lowerResize multiplies it by. */
interface ResizeStep {
  readonly axis: "width" | "height" | "frames";
  /** Width's [in, out], multiplied on the right; height's and time's [out, in], on the left. */
  readonly matrixDims: readonly [number, number];
  readonly matrix: FloatValues;
}

/** The axes that change size from [C, T, H, W] `input` to `sizes`, in the order lowerResize resizes them: width, height, time. */
function resizeSteps(input: readonly number[], sizes: readonly number[], mode: ResizeMode): ResizeStep[] {
  const [x, y] = [writtenVideo(input), writtenVideo(sizes)];
  return (["width", "height", "frames"] as const)
    .filter((axis) => y[axis] !== x[axis])
    .map((axis) => {
      const transposed = axis === "width";
      const [inSize, outSize] = [x[axis], y[axis]];
      return { axis, matrixDims: transposed ? [inSize, outSize] : [outSize, inSize], matrix: interpolationValues(inSize, outSize, mode, transposed) };
    });
}

/**
 * One matrix product per axis that changes size: width on the right, height
 * on the left, time on the left of a [C, T, H·W] view. Shapes stay exact for
 * onnx's inference with the symbolic batch (ONNX Resize loses the batch's name).
 */
function lowerResize(op: ResizeOp, out: OnnxWriter): void {
  const x = out.inputs[0]!;
  if (out.dynamic && [0, 1, 2, 3].some((axis) => out.dynamic!.varies(x, axis) || out.dynamic!.varies(out.output, axis))) {
    lowerResizeAtRunTime(op, out);
    return;
  }
  const { channels: c, frames: t0, height: h0, width: w0 } = writtenVideo(out.shapeOf(x));
  const { frames: t1, height: h1, width: w1 } = writtenVideo(op.sizes);
  const steps = resizeSteps(out.shapeOf(x), op.sizes, op.mode);
  if (steps.length === 0) {
    out.add("Identity", [x], [out.output]);
    return;
  }
  let current = x;
  let [t, h, w] = [t0, h0, w0];
  steps.forEach(({ axis, matrixDims, matrix }, k) => {
    const last = k === steps.length - 1;
    if (axis === "width") {
      const next = last ? out.output : out.intermediate("resized_width", [c, t, h, w1]);
      out.add("MatMul", [current, out.floatValues("width_matrix", matrixDims, matrix)], [next]);
      [current, w] = [next, w1];
    } else if (axis === "height") {
      const next = last ? out.output : out.intermediate("resized_height", [c, t, h1, w]);
      out.add("MatMul", [out.floatValues("height_matrix", matrixDims, matrix), current], [next]);
      [current, h] = [next, h1];
    } else {
      const flat = out.intermediate("frames_by_pixels", [c, t, h * w]);
      out.add("Reshape", [current, out.int64Constant("flat_shape", [0, c, t, h * w])], [flat]);
      const mixed = out.intermediate("resized_time", [c, t1, h * w]);
      out.add("MatMul", [out.floatValues("time_matrix", matrixDims, matrix), flat], [mixed]);
      const next = last ? out.output : out.intermediate("resized_frames", [c, t1, h, w]);
      out.add("Reshape", [mixed, out.int64Constant("shape", [0, c, t1, h, w])], [next]);
      [current, t] = [next, t1];
    }
  });
}

/**
 * Under --dynamic, where a size varies: the same sampling with indices and
 * weights computed from the run-time sizes, one axis at a time (Gather along
 * it), so one model resizes every valid input. Nearest takes source
 * ⌊d·in/out⌋ in int64 arithmetic, exactly the interpolation matrix's index;
 * linear gathers the two neighbours and mixes them by the fraction λ, each
 * computed as the interpolation matrices are (float32 here, float64 there).
 */
function lowerResizeAtRunTime(op: ResizeOp, out: OnnxWriter): void {
  const dynamic = out.dynamic!;
  const x = out.inputs[0]!;
  const sizeOf = (value: string, axis: number): string => dynamic.sizeOf(dynamic.dim(value, axis)!);
  const axes = [1, 2, 3].filter((axis) => !dynamic.dim(x, axis)!.equals(dynamic.dim(out.output, axis)!));
  if (axes.length === 0) {
    out.add("Identity", [x], [out.output]);
    return;
  }
  const one = out.int64Constant("one", [1]);
  let current = x;
  axes.forEach((axis, k) => {
    const next = k === axes.length - 1 ? out.output : dynamic.value(`resized_${AXES[axis - 1]}`);
    const [inSize, outSize] = [sizeOf(x, axis), sizeOf(out.output, axis)];
    const destination = dynamic.value(`${AXES[axis - 1]}_destination`);
    out.add("Range", [dynamic.scalar(out.int64Constant("zero", [0])), dynamic.scalar(outSize), dynamic.scalar(one)], [destination]);
    const onnxAxis = [intAttribute("axis", axis + 1)];
    if (op.mode === "nearest") {
      const scaled = dynamic.value("destination_times_in");
      const source = dynamic.value("source");
      out.add("Mul", [destination, inSize], [scaled]);
      out.add("Div", [scaled, outSize], [source]);
      out.add("Gather", [current, source], [next], onnxAxis);
    } else {
      const float = (value: string): string => {
        const cast = dynamic.value("float");
        out.add("Cast", [value], [cast], [intAttribute("to", DataType.FLOAT)]);
        return cast;
      };
      const step = (opType: string, inputs: readonly string[], purpose: string, attributes: readonly OnnxAttribute[] = []): string => {
        const made = dynamic.value(purpose);
        out.add(opType, inputs, [made], attributes);
        return made;
      };
      const half = out.floatScalar("half", 0.5);
      // (d + ½)·in/out − ½, clamped at 0; its floor and the next index, both clamped at in − 1.
      const centre = step("Div", [step("Mul", [step("Add", [float(destination), half], "centre"), float(inSize)], "scaled"), float(outSize)], "ratio");
      const position = step("Max", [step("Sub", [centre, half], "shifted"), out.floatScalar("zero", 0)], "position");
      const floor = dynamic.value("floor");
      out.add("Cast", [step("Floor", [position], "floor_float")], [floor], [intAttribute("to", DataType.INT64)]);
      const last = step("Sub", [inSize, one], "last");
      const lower = step("Min", [floor, last], "lower");
      const upper = step("Min", [step("Add", [lower, one], "next"), last], "upper");
      const fraction = step("Sub", [position, float(lower)], "fraction");
      // λ along the resized axis, broadcast over the axes after it.
      const weights = step("Reshape", [fraction, out.int64Constant("fraction_shape", [-1, ...Array<number>(3 - axis).fill(1)])], "fraction_column");
      const below = step("Gather", [current, lower], "below", onnxAxis);
      const above = step("Gather", [current, upper], "above", onnxAxis);
      const difference = step("Sub", [above, below], "difference");
      out.add("Add", [below, step("Mul", [difference, weights], "weighted")], [next]);
    }
    current = next;
  });
}

const onnx: OnnxLowering<ResizeOp> = {
  doc: "MatMul-9 by an interpolation matrix per resized axis (Reshape-5 around the time axis); under --dynamic where a size varies, Gather-1 along each resized axis at indices computed from the run-time sizes (linear: two Gathers mixed by run-time weights)",
  unsupported: () => undefined,
  lower: lowerResize,
  sizeAttributes: ["sizes"],
};

function record<K extends "resize" | "upsample">(kind: K, summary: string, formals: OpRecord<ResizeOp<K>>["formals"], result: string): OpRecord<ResizeOp<K>> {
  return defineOp<ResizeOp<K>>({
    summary,
    formals,
    result,
    rule: rule(kind),
    isIdentity: (a) => {
      const x = writtenVideo(a.tensor("x").dims);
      return resizedDims(a).every((d, i) => d.sub([x.frames, x.height, x.width][i]!).isZero());
    },
    lower: (a, ctx) => {
      const sizes = ctx.shapeOf(videoType(...resizedDims(a), writtenVideo(a.tensor("x").dims).channels));
      const mode = a.word("mode") === "linear" ? "linear" : "nearest";
      return {
        op: { kind, mode, sizes },
        weights: [],
        // Each matrix holds in × out numbers: bounded where the op is written, before the emitter makes it.
        constants: resizeSteps(ctx.shapeOf(a.tensor("x")), sizes, mode).map((step) => step.matrixDims),
      };
    },
    onnx,
    flops: noFlops,
  });
}

const MODE = { name: "mode", kind: "word", default: "nearest", doc: `\`"nearest"\` or \`"linear"\`` } as const;

export const RESAMPLE_OPS = {
  resize: record(
    "resize",
    "resampling of time and space by factors or to a size, nearest or linear",
    [
      { name: "x", kind: "tensor", doc: "video" },
      { name: "by", kind: "window", default: "optional", doc: "factors t×h×w, whole or fractions" },
      { name: "to", kind: "window", default: "optional", doc: "a size t×h×w: exactly one of `by` and `to`" },
      MODE,
    ],
    "`<T·ft, H·fh×W·fw, C>`, each a whole number (a requirement where it depends on a letter), or the size `to`; nearest takes source ⌊d·n/m⌋, linear samples at (d + ½)·n/m − ½ (PyTorch's `interpolate`, `align_corners=False`)",
  ),
  upsample: record(
    "upsample",
    "resize by factors: upsample(x, 1×2²)",
    [{ name: "x", kind: "tensor", doc: "video" }, { name: "by", kind: "window", doc: "factors t×h×w" }, MODE],
    "`resize(x, by: ...)`: `upsample(x, 1×2²)` doubles height and width",
  ),
};
