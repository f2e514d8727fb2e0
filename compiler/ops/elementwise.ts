/** Ops that map each element on its own: activations, dropout, scaling. */
import { Poly } from "../dims/poly";
import { Rational } from "../dims/rational";
import { floatAttribute } from "../emit/onnx-attributes";
import { ONE, POSITIVE, checkFloatArgument, checkNumberArgument, everyOpset, noFlops, requireFloat32, sameShape } from "./common";
import { defineOp, type OnnxLowering, type OpRecord } from "./record";

type Activation = "relu" | "sigmoid" | "tanh" | "gelu" | "silu";

function activation<K extends Activation>(kind: K, summary: string, result: string, onnx: OnnxLowering<{ readonly kind: K }>): OpRecord<{ readonly kind: K }> {
  return {
    summary,
    formals: [{ name: "x", kind: "tensor", doc: "" }],
    result,
    rule: sameShape,
    lower: () => ({ op: { kind }, weights: [] }),
    onnx,
    flops: noFlops,
  };
}

/** One ONNX op of the same meaning, present at every supported opset. */
function direct<K extends Activation>(opType: string): OnnxLowering<{ readonly kind: K }> {
  return { doc: `${opType}-6`, unsupported: everyOpset, lower: (_op, out) => out.add(opType, out.inputs, [out.output]) };
}

/** The first opset with a native Gelu (approximate="none" is its default). */
const GELU_NATIVE_OPSET = 20;

/** Dropout's ratio moved from an attribute to an optional input at opset 12. */
const DROPOUT_RATIO_INPUT_OPSET = 12;

export interface LeakyReluOp {
  readonly kind: "leaky_relu";
  readonly slope: number;
}

export interface DropoutOp {
  readonly kind: "dropout";
  /** The drop probability (training only): the op is the identity at inference. */
  readonly ratio: number;
}

export interface HardswishOp {
  readonly kind: "hardswish";
}

export interface SwishOp {
  readonly kind: "swish";
  /** x·sigmoid(beta·x). */
  readonly beta: number;
}

/** The first opset with a native HardSwish. */
const HARDSWISH_NATIVE_OPSET = 14;

export interface ScaleOp {
  readonly kind: "scale";
  readonly factor: number;
}

/** by/√d as a float64; 0 where by is 0, whatever d (√d underflows to 0 for d = 1e-400). */
const scaleFactor = (by: Rational, d: Rational): number => (by.isZero() ? 0 : by.toNumber() / Math.sqrt(d.toNumber()));

export const ELEMENTWISE_OPS = {
  relu: activation("relu", "max(x, 0)", "same; max(x, 0)", direct("Relu")),
  sigmoid: activation("sigmoid", "1 / (1 + e^−x)", "same", direct("Sigmoid")),
  tanh: activation("tanh", "tanh x", "same", direct("Tanh")),
  gelu: activation("gelu", "x·Φ(x), the exact (erf) form", "same; exact (erf) form", {
    doc: "Gelu-20; below 20, Div, Erf-9, Add and Mul (as torch.onnx exports it)",
    unsupported: everyOpset,
    lower(_op, out) {
      const x = out.inputs[0]!;
      if (out.opset >= GELU_NATIVE_OPSET) {
        out.add("Gelu", [x], [out.output]);
        return;
      }
      // The exact (erf) GELU, as torch.onnx exports it: 0.5 * x * (1 + erf(x / sqrt 2)).
      const shape = out.shapeOf(x);
      const scaled = out.intermediate("scaled", shape);
      const erf = out.intermediate("erf", shape);
      const erfPlusOne = out.intermediate("erf_plus_one", shape);
      const product = out.intermediate("x_times", shape);
      out.add("Div", [x, out.floatScalar("sqrt2", Math.SQRT2)], [scaled]);
      out.add("Erf", [scaled], [erf]);
      out.add("Add", [erf, out.floatScalar("one", 1)], [erfPlusOne]);
      out.add("Mul", [x, erfPlusOne], [product]);
      out.add("Mul", [product, out.floatScalar("half", 0.5)], [out.output]);
    },
  }),
  silu: activation("silu", "x·sigmoid(x)", "same; x·sigmoid(x)", {
    doc: "Sigmoid-6 and Mul-7",
    unsupported: everyOpset,
    lower(_op, out) {
      const x = out.inputs[0]!;
      const gate = out.intermediate("sigmoid", out.shapeOf(x));
      out.add("Sigmoid", [x], [gate]);
      out.add("Mul", [x, gate], [out.output]);
    },
  }),
  hardswish: defineOp<HardswishOp>({
    summary: "x·min(max(x + 3, 0), 6)/6 (MobileNetV3, X3D)",
    formals: [{ name: "x", kind: "tensor", doc: "" }],
    result: "same; x·min(max(x + 3, 0), 6)/6",
    rule: sameShape,
    lower: () => ({ op: { kind: "hardswish" }, weights: [] }),
    onnx: {
      doc: "HardSwish-14; below 14, HardSigmoid-6 (α = 1/6, β = 1/2) and Mul",
      unsupported: everyOpset,
      lower(_op, out) {
        const x = out.inputs[0]!;
        if (out.opset >= HARDSWISH_NATIVE_OPSET) {
          out.add("HardSwish", [x], [out.output]);
          return;
        }
        const gate = out.intermediate("hardsigmoid", out.shapeOf(x));
        out.add("HardSigmoid", [x], [gate], [floatAttribute("alpha", 1 / 6), floatAttribute("beta", 0.5)]);
        out.add("Mul", [x, gate], [out.output]);
      },
    },
    flops: noFlops,
  }),
  swish: defineOp<SwishOp>({
    summary: "x·sigmoid(βx); β = 1 is silu (X3D's Swish)",
    // The canonical name of `beta` is β, so both spellings reach this argument.
    formals: [
      { name: "x", kind: "tensor", doc: "" },
      { name: "β", kind: "number", default: ONE, doc: "number (also spelled `beta`)" },
    ],
    result: "same; x·sigmoid(βx)",
    rule(a, ctx) {
      checkFloatArgument(a, ctx, "swish", "β");
      return a.tensor("x");
    },
    lower: (a, ctx) => ({ op: { kind: "swish", beta: ctx.value(a.dim("β")).toNumber() }, weights: [] }),
    onnx: {
      doc: "Mul-7 (unless β = 1), Sigmoid-6 and Mul-7",
      unsupported: everyOpset,
      lower(op, out) {
        const x = out.inputs[0]!;
        const shape = out.shapeOf(x);
        let inner = x;
        if (op.beta !== 1) {
          inner = out.intermediate("scaled", shape);
          out.add("Mul", [x, out.floatScalar("beta", op.beta)], [inner]);
        }
        const gate = out.intermediate("sigmoid", shape);
        out.add("Sigmoid", [inner], [gate]);
        out.add("Mul", [x, gate], [out.output]);
      },
    },
    flops: noFlops,
  }),
  leaky_relu: defineOp<LeakyReluOp>({
    summary: "x for x ≥ 0, slope·x otherwise",
    formals: [
      { name: "x", kind: "tensor", doc: "" },
      { name: "slope", kind: "number", default: Poly.constant(Rational.of(1, 100)), doc: "number" },
    ],
    result: "same",
    rule(a, ctx) {
      checkFloatArgument(a, ctx, "leaky_relu", "slope");
      return a.tensor("x");
    },
    lower: (a, ctx) => ({ op: { kind: "leaky_relu", slope: ctx.value(a.dim("slope")).toNumber() }, weights: [] }),
    onnx: {
      doc: "LeakyRelu-6",
      unsupported: everyOpset,
      lower: (op, out) => out.add("LeakyRelu", out.inputs, [out.output], [floatAttribute("alpha", op.slope)]),
    },
    flops: noFlops,
  }),
  dropout: defineOp<DropoutOp>({
    summary: "dropout; the identity at inference",
    formals: [
      { name: "x", kind: "tensor", doc: "" },
      { name: "p", kind: "number", default: Poly.constant(Rational.of(1, 2)), doc: "number in [0, 1)" },
    ],
    result: "same; the identity at inference",
    rule: (a, ctx) => {
      // onnxruntime refuses a ratio of 1 (its float32), even at inference.
      checkFloatArgument(a, ctx, "dropout", "p", { min: 0, max: 1, maxOpen: true });
      return a.tensor("x");
    },
    lower: (a, ctx) => ({ op: { kind: "dropout", ratio: ctx.value(a.dim("p")).toNumber() }, weights: [] }),
    onnx: {
      doc: "Dropout (ratio an attribute below opset 12, an input from 12)",
      unsupported: everyOpset,
      lower(op, out) {
        // Kept as a Dropout node rather than Identity so the exported graph shows
        // where the network drops out; without training_mode it is the identity.
        const x = out.inputs[0]!;
        if (out.opset >= DROPOUT_RATIO_INPUT_OPSET) out.add("Dropout", [x, out.floatScalar("ratio", op.ratio)], [out.output]);
        else out.add("Dropout", [x], [out.output], [floatAttribute("ratio", op.ratio)]);
      },
    },
    flops: noFlops,
  }),
  scale: defineOp<ScaleOp>({
    summary: "multiplication by a constant: by / √over_sqrt (attention's 1/√d)",
    formals: [
      { name: "x", kind: "tensor", doc: "" },
      { name: "by", kind: "number", default: ONE, doc: "number" },
      { name: "over_sqrt", kind: "number", default: ONE, doc: "number" },
    ],
    result: "same; x·by/√over_sqrt (attention's 1/√d); `over_sqrt` must be positive",
    rule(a, ctx) {
      // Only the quotient is written to the model: by 1e30 over √1e-30 is too large even where each part fits.
      const d = checkNumberArgument(a, ctx, "scale", "over_sqrt", POSITIVE);
      const by = ctx.valueOf(a.dim("by"));
      if (by !== undefined && d !== undefined) requireFloat32(ctx, "`by`/√`over_sqrt` of `scale`", scaleFactor(by, d), {});
      return a.tensor("x");
    },
    lower: (a, ctx) => ({ op: { kind: "scale", factor: scaleFactor(ctx.value(a.dim("by")), ctx.value(a.dim("over_sqrt"))) }, weights: [] }),
    onnx: {
      doc: "Mul-7 by a constant",
      unsupported: everyOpset,
      lower: (op, out) => out.add("Mul", [out.inputs[0]!, out.floatScalar("factor", op.factor)], [out.output]),
    },
    flops: noFlops,
  }),
};
