/** Temporal sampling: the frames each pathway sees. */
import { Poly } from "../dims/poly";
import { Rational } from "../dims/rational";
import { counted } from "../thousands";
import { intAttribute } from "../emit/onnx-attributes";
import { VIDEO_AXIS, writtenVideo } from "../shapes";
import { noFlops, requireVideo } from "./common";
import { videoType } from "../types";
import { defineOp } from "./record";

/** Frames `from`, `from + every`, ... up to the end of the clip; their count is the output's T. */
export interface FramesStrideOp {
  readonly kind: "frames";
  readonly from: number;
  readonly every: number;
}

/** Frames at explicit indices (PySlowFast's linspace selection). */
export interface FramesGatherOp {
  readonly kind: "frames";
  readonly indices: readonly number[];
  /** The first frame: fixed where the count and the clip's length vary (--dynamic recomputes the rest). */
  readonly from: number;
}

export type FramesOp = FramesStrideOp | FramesGatherOp;

/** The time axis of a batched video tensor [N, C, T, H, W]. */
const TIME_AXIS = 1 + VIDEO_AXIS.frames;

export const FRAMES_OPS = {
  frames: defineOp<FramesOp>({
    summary: "temporal sampling: every s-th frame, or n frames at from + ⌊i(F − 1 − from)/(n − 1)⌋ (PySlowFast's linspace over from .. F − 1)",
    formals: [
      { name: "x", kind: "tensor", doc: "video" },
      { name: "every", kind: "int", default: "optional", doc: "int" },
      { name: "from", kind: "int", default: Poly.ZERO, doc: "int" },
      { name: "count", kind: "int", default: "optional", doc: "int: exactly one of `every` and `count`" },
    ],
    result:
      "`every: s`: ⌈(T − from)/s⌉ frames from, from + s, ...; `count: n`: n frames at from + ⌊i(T − 1 − from)/(n − 1)⌋ (linspace over frames from .. T − 1), n ≤ T − from",
    rule(a, ctx) {
      const x = requireVideo(a.tensor("x"), ctx, "x", "frames");
      if (a.has("every") === a.has("count"))
        ctx.fail("SF0211", { message: "`frames` takes exactly one of `every` (plain stride) and `count` (linspace)", label: "here" });
      if (a.has("count")) {
        const n = a.dim("count");
        ctx.requireIntegral(n, "frame count", "count", 1);
        ctx.requireAtLeast(n, 1, "frame count", "count");
        const from = a.dim("from");
        ctx.requireIntegral(from, "first frame", "from", 0);
        ctx.requireAtLeast(from, 0, "first frame", "from");
        const [total, wanted, first] = [x.frames.constantValue(), n.constantValue(), from.constantValue()];
        // With the sizes known, say it in frames: "`count: 12` asks for 12 frames, but the clip has 8".
        if (total?.isInteger() && wanted?.isInteger() && first?.isInteger()) {
          const clip = counted(Number(total.num), "frame");
          if (first.compare(total) >= 0)
            ctx.fail(
              "SF0211",
              {
                message: `\`from: ${first}\` starts past the clip's last frame: it has ${clip}`,
                label: "past the clip",
                help: `start at frame ${total.sub(Rational.ONE)} at most`,
              },
              "from",
            );
          const have = total.sub(first);
          if (wanted.compare(have) > 0)
            ctx.fail(
              "SF0211",
              {
                message: `\`count: ${wanted}\` asks for ${counted(Number(wanted.num), "frame")}, but the clip has ${first.isZero() ? clip : `${have} from frame ${first}`}`,
                label: "too many frames",
                help: `ask for at most ${have}, or give a longer clip`,
              },
              "count",
            );
        }
        ctx.requireAtLeast(x.frames.sub(from).sub(n), 0, "frames left after selection (the clip must have at least `count` frames from `from`)", "count");
        return videoType(n, x.height, x.width, x.channels);
      }
      const s = a.dim("every");
      const from = a.dim("from");
      ctx.requireIntegral(s, "frame stride", "every", 1);
      ctx.requireAtLeast(s, 1, "frame stride", "every");
      ctx.requireIntegral(from, "first frame", "from", 0);
      ctx.requireAtLeast(from, 0, "first frame", "from");
      const n = ctx.ceilDiv(x.frames.sub(from), s);
      ctx.requireAtLeast(n, 1, "selected frames");
      return videoType(n, x.height, x.width, x.channels);
    },
    lower(a, ctx) {
      if (!a.has("count")) return { op: { kind: "frames", from: ctx.num(a.dim("from")), every: ctx.num(a.dim("every")) }, weights: [] };
      const frames = writtenVideo(ctx.shapeOf(a.tensor("x"))).frames;
      const n = ctx.num(a.dim("count"));
      const from = ctx.num(a.dim("from"));
      const span = BigInt(frames - 1 - from);
      const indices = Array.from({ length: n }, (_, i) => from + (n === 1 ? 0 : Number((BigInt(i) * span) / BigInt(n - 1))));
      return { op: { kind: "frames", indices, from }, weights: [] };
    },
    onnx: {
      doc: "`every`: Slice-10 (the first Slice with a `steps` input); `count`: Gather-1",
      unsupported: (op, opset) => (!("indices" in op) && opset < 10 ? `frames with \`every\` needs opset 10: Slice has no steps input before it` : undefined),
      sizeAttributes: ["indices"],
      lower(op, out) {
        const x = out.inputs[0]!;
        if ("indices" in op) {
          const dynamic = out.dynamic;
          // The indices depend on the clip's length as well as on the count: either varying needs them at run time.
          if (dynamic && (dynamic.varies(out.output, TIME_AXIS - 1) || dynamic.varies(x, TIME_AXIS - 1))) {
            // The same integers at run time: from + i·(F − 1 − from) div max(n − 1, 1) for i < n.
            const count = dynamic.size(out.output, TIME_AXIS - 1) ?? out.int64Constant("count", [op.indices.length]);
            const frames = dynamic.size(x, TIME_AXIS - 1) ?? out.int64Constant("frames", [out.shapeOf(x)[TIME_AXIS - 1]!]);
            const one = out.int64Constant("one", [1]);
            const step = dynamic.value("range");
            const span = dynamic.value("frames_minus_one");
            const gaps = dynamic.value("count_minus_one");
            const divisor = dynamic.value("divisor");
            const scaled = dynamic.value("scaled");
            const indices = dynamic.value("indices");
            out.add("Range", [dynamic.scalar(out.int64Constant("zero", [0])), dynamic.scalar(count), dynamic.scalar(one)], [step]);
            out.add("Sub", [frames, op.from === 0 ? one : out.int64Constant("from_plus_one", [op.from + 1])], [span]);
            out.add("Sub", [count, one], [gaps]);
            out.add("Max", [gaps, one], [divisor]);
            out.add("Mul", [step, span], [scaled]);
            out.add("Div", [scaled, divisor], [indices]);
            let taken = indices;
            if (op.from !== 0) {
              taken = dynamic.value("from_indices");
              out.add("Add", [indices, out.int64Constant("from", [op.from])], [taken]);
            }
            out.add("Gather", [x, taken], [out.output], [intAttribute("axis", TIME_AXIS)]);
            return;
          }
          out.add("Gather", [x, out.int64Constant("indices", op.indices)], [out.output], [intAttribute("axis", TIME_AXIS)]);
          return;
        }
        if (out.dynamic?.varies(x, TIME_AXIS - 1)) {
          // To the end of the clip, whatever its length: Slice clamps the end.
          out.add(
            "Slice",
            [
              x,
              out.int64Constant("starts", [op.from]),
              out.int64Constant("ends", [Number.MAX_SAFE_INTEGER]),
              out.int64Constant("axes", [TIME_AXIS]),
              out.int64Constant("steps", [op.every]),
            ],
            [out.output],
          );
          return;
        }
        // The end is just past the last frame taken, as torch.onnx writes it; the
        // number of frames is the output's, which the shape rule computed.
        const count = writtenVideo(out.shapeOf(out.output)).frames;
        const end = op.from + op.every * (count - 1) + 1;
        out.add(
          "Slice",
          [
            x,
            out.int64Constant("starts", [op.from]),
            out.int64Constant("ends", [end]),
            out.int64Constant("axes", [TIME_AXIS]),
            out.int64Constant("steps", [op.every]),
          ],
          [out.output],
        );
      },
    },
    flops: noFlops,
  }),
};
