/** Convolution. */
import { elementCount, writtenVideo } from "../shapes";
import type { Triple } from "../ir";
import { intAttribute, intsAttribute } from "../emit/onnx-attributes";
import { ONE, checkWindowArgs, everyOpset, requireVideo, triple, uniformWindow, windowedAxes } from "./common";
import { videoType } from "../types";
import type { OpRecord, WeightSpec } from "./record";

export interface ConvOp {
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

const conv: OpRecord<ConvOp> = {
  summary: "3-D convolution over (time, height, width)",
  formals: [
    { name: "x", kind: "tensor", doc: "video" },
    { name: "out", kind: "int", doc: "int" },
    { name: "kernel", kind: "window", default: uniformWindow(1), doc: "window" },
    { name: "stride", kind: "window", default: uniformWindow(1), doc: "window" },
    { name: "pad", kind: "window", default: uniformWindow(0), doc: "window" },
    { name: "dilation", kind: "window", default: uniformWindow(1), doc: "window" },
    { name: "groups", kind: "int", default: ONE, doc: "int" },
    { name: "bias", kind: "bool", default: false, doc: "bool" },
  ],
  result: "`<T', H'×W', out>`; `groups` must divide C and `out`",
  rule(a, ctx) {
    const x = requireVideo(a.tensor("x"), ctx, "x", "conv");
    const out = a.dim("out");
    const groups = a.dim("groups");
    ctx.requireIntegral(out, "output channels", "out", 1);
    ctx.requireAtLeast(out, 1, "output channels", "out");
    checkWindowArgs(a, ctx, ["kernel", "stride", "pad", "dilation"]);
    ctx.requireIntegral(groups, "groups", "groups", 1);
    ctx.requireAtLeast(groups, 1, "groups", "groups");
    ctx.requireMultiple(x.channels, groups, "input channels", "groups");
    ctx.requireMultiple(out, groups, "output channels", "groups");
    const [frames, height, width] = windowedAxes(x, ctx, a.window("kernel"), a.window("stride"), a.window("pad"), a.window("dilation"));
    return videoType(frames, height, width, out);
  },
  lower(a, ctx) {
    const cin = writtenVideo(ctx.shapeOf(a.tensor("x"))).channels;
    const out = ctx.num(a.dim("out"));
    const groups = ctx.num(a.dim("groups"));
    const kernel = triple(ctx, a.window("kernel"));
    const p = triple(ctx, a.window("pad"));
    const bias = a.bool("bias") === true;
    const weights: WeightSpec[] = [{ suffix: "weight", shape: [out, cin / groups, ...kernel], init: { kind: "msra" } }];
    if (bias) weights.push({ suffix: "bias", shape: [out], init: { kind: "constant", value: 0 } });
    return {
      op: { kind: "conv", out, kernel, stride: triple(ctx, a.window("stride")), pads: [...p, ...p], dilation: triple(ctx, a.window("dilation")), groups, bias },
      weights,
    };
  },
  onnx: {
    doc: "Conv-1",
    unsupported: everyOpset,
    lower(op, out) {
      out.add(
        "Conv",
        [...out.inputs, ...out.weights],
        [out.output],
        [
          intsAttribute("kernel_shape", op.kernel),
          intsAttribute("strides", op.stride),
          intsAttribute("pads", op.pads),
          intsAttribute("dilations", op.dilation),
          intAttribute("group", op.groups),
        ],
      );
    },
  },
  weightsDoc: "`weight` (out, C/groups, kt, kh, kw): MSRA (He, fan-out); `bias` (out), with `bias: true`: 0",
  flopsDoc: "output elements × (C/groups)·kt·kh·kw",
  // One multiply-add per output element and weight element it reads.
  flops: (_op, io) => elementCount(io.output) * elementCount(io.weights[0]!.slice(1)),
};

export const CONV_OPS = { conv };
