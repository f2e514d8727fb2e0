/** Normalisation. */
import { Poly } from "../dims/poly";
import { Rational } from "../dims/rational";
import { elementCount } from "../shapes";
import { formatType } from "../types";
import { floatAttribute } from "../emit/onnx-attributes";
import { POSITIVE, checkFloatArgument, everyOpset } from "./common";
import type { OpRecord } from "./record";

export interface BnOp {
  readonly kind: "bn";
  readonly epsilon: number;
  /** PyTorch's momentum: the weight of the new batch statistic. */
  readonly momentum: number;
}

const bn: OpRecord<BnOp> = {
  summary: "batch normalisation over channels (inference: running statistics)",
  formals: [
    { name: "x", kind: "tensor", doc: "video or vector" },
    { name: "eps", kind: "number", default: Poly.constant(Rational.of(1, 100000)), doc: "number > 0" },
    { name: "momentum", kind: "number", default: Poly.constant(Rational.of(1, 10)), doc: "number in [0, 1]" },
    { name: "zero_init", kind: "bool", default: false, doc: "bool" },
  ],
  result: "same as `x`; batch norm with running statistics; `zero_init` starts its scale at 0",
  rule: (a, ctx) => {
    const x = a.tensor("x");
    if (x.layout === "raw") ctx.fail("SF0203", { message: "`bn` needs a video tensor or a vector", label: `this is ${formatType(x)}` }, "x");
    // ε is added to the variance under a square root that divides: at 0 or
    // below, a channel of unit variance (every channel, before training) is NaN.
    checkFloatArgument(a, ctx, "bn", "eps", POSITIVE);
    checkFloatArgument(a, ctx, "bn", "momentum", { min: 0, max: 1 });
    return x;
  },
  lower(a, ctx) {
    const ch = ctx.shapeOf(a.tensor("x"))[0]!;
    return {
      op: { kind: "bn", epsilon: ctx.value(a.dim("eps")).toNumber(), momentum: ctx.value(a.dim("momentum")).toNumber() },
      weights: [
        { suffix: "weight", shape: [ch], init: { kind: "constant", value: a.bool("zero_init") ? 0 : 1 } },
        { suffix: "bias", shape: [ch], init: { kind: "constant", value: 0 } },
        { suffix: "running_mean", shape: [ch], init: { kind: "constant", value: 0 }, buffer: true },
        { suffix: "running_var", shape: [ch], init: { kind: "constant", value: 1 }, buffer: true },
      ],
    };
  },
  onnx: {
    doc: "BatchNormalization-9 (momentum matters only in training)",
    unsupported: everyOpset,
    lower(op, out) {
      // ONNX's momentum weighs the old running value (running = running * m +
      // batch * (1 - m)); PyTorch's weighs the new batch statistic.
      out.add(
        "BatchNormalization",
        [...out.inputs, ...out.weights],
        [out.output],
        [floatAttribute("epsilon", op.epsilon), floatAttribute("momentum", 1 - op.momentum)],
      );
    },
  },
  weightsDoc: "`weight` (C): 1, or 0 with `zero_init`; `bias` (C): 0; buffers `running_mean` (C): 0 and `running_var` (C): 1",
  flopsDoc: "output elements, only with `sfc info --count-bn`",
  // Once folded into scale and shift, one multiply-add per element.
  flops: (_op, io) => elementCount(io.output),
  flopsOnRequest: true,
};

export const NORMALISATION_OPS = { bn };
