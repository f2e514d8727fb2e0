/**
 * The op set: a closed table, one entry per op, shared by the checker (its
 * shape rule, over polynomials) and the elaborator (its lowering to the graph
 * IR). Adding an op touches this file only. No rule knows about SlowFast.
 */
import { Poly } from "./dims/poly";
import { Rational } from "./dims/rational";
import type { IROp, IRWeight, Triple, WeightInit } from "./ir";
import { elementCount, formatType, type TensorType } from "./types";
import type { DiagnosticCode } from "./diagnostics/catalogue";
import type { DiagnosticParts } from "./diagnostics/diagnostic";

export type OpName =
  | "conv"
  | "bn"
  | "relu"
  | "sigmoid"
  | "tanh"
  | "leaky_relu"
  | "gelu"
  | "silu"
  | "maxpool"
  | "avgpool"
  | "gap"
  | "dropout"
  | "linear"
  | "softmax"
  | "concat"
  | "add"
  | "scale"
  | "matmul"
  | "reshape"
  | "transpose"
  | "frames";

export type FormalKind = "tensor" | "tensors" | "int" | "number" | "bool" | "window" | "shape" | "perm";

export interface FormalSpec {
  readonly name: string;
  readonly kind: FormalKind;
  /** A default, or "optional" when leaving it out is meaningful, or undefined when required. */
  readonly default?: Poly | boolean | readonly Poly[] | "optional";
  readonly doc: string;
}

/** Arguments as the checker bound them; accessors fail loudly on misuse (a table bug). */
export interface OpArgs {
  tensor(name: string): TensorType;
  tensors(name: string): readonly TensorType[];
  dim(name: string): Poly;
  has(name: string): boolean;
  window(name: string): readonly [Poly, Poly, Poly];
  bool(name: string): boolean | undefined;
  list(name: string): readonly Poly[];
  shape(name: string): TensorType;
}

export interface RuleContext {
  /** The value where every symbol in `p` is bound; undefined in a generic block. */
  valueOf(p: Poly): Rational | undefined;
  floorDiv(n: Poly, d: Poly): Poly;
  ceilDiv(n: Poly, d: Poly): Poly;
  /** Reports (or, in a generic block, records as a requirement) unless `p` is an integer. */
  requireIntegral(p: Poly, what: string, argName?: string): void;
  /** Reports (or, in a generic block, records) unless `divisor` divides `p`. */
  requireMultiple(p: Poly, divisor: Poly, what: string, argName?: string): void;
  /** Reports unless `p` ≥ `min` wherever it can be decided. */
  requireAtLeast(p: Poly, min: number, what: string, argName?: string): void;
  /**
   * Reports unless equal; returns whether they are. In a generic block,
   * sizes that agree only for some arguments become a requirement of the
   * block, unless `proved` asks for equality for all of them.
   */
  requireEqual(found: Poly, expected: Poly, what: string, argName?: string, proved?: "proved"): boolean;
  /** Reports the failure and abandons this op. */
  fail(code: DiagnosticCode, parts: DiagnosticParts, argName?: string): never;
}

export interface WeightSpec {
  readonly suffix: string;
  readonly shape: readonly number[];
  readonly init: WeightInit;
  readonly buffer?: boolean;
}

export interface LowerContext {
  /** A polynomial's value with every parameter bound; the checker has proved it an integer. */
  num(p: Poly): number;
  value(p: Poly): Rational;
  shapeOf(t: TensorType): number[];
}

export interface OpSpec {
  readonly summary: string;
  readonly formals: readonly FormalSpec[];
  rule(a: OpArgs, c: RuleContext): TensorType;
  lower(a: OpArgs, c: LowerContext): { op: IROp; weights: readonly WeightSpec[] };
}

const ONE = Poly.ONE;
const c = (n: number) => Poly.constant(n);
const win = (n: number): readonly Poly[] => [c(n), c(n), c(n)];

function requireVideo(t: TensorType, ctx: RuleContext, argName: string, opName: string): readonly [Poly, Poly, Poly, Poly] {
  if (t.layout !== "video")
    ctx.fail("SF0203", { message: `\`${opName}\` needs a video tensor <T, H×W, C>, found ${formatType(t)}`, label: `this is ${formatType(t)}` }, argName);
  return t.dims as unknown as readonly [Poly, Poly, Poly, Poly];
}

function triple(ctx: LowerContext, w: readonly [Poly, Poly, Poly]): Triple {
  return [ctx.num(w[0]), ctx.num(w[1]), ctx.num(w[2])];
}

/** Output extent of a strided window: ⌊(n + 2p − d(k − 1) − 1)/s⌋ + 1. */
function windowExtent(ctx: RuleContext, n: Poly, k: Poly, s: Poly, p: Poly, d: Poly): Poly {
  const span = d.mul(k.sub(ONE)).add(ONE);
  return ctx.floorDiv(n.add(p.scale(Rational.of(2))).sub(span), s).add(ONE);
}

function checkWindowArgs(a: OpArgs, ctx: RuleContext, names: readonly string[]): void {
  for (const name of names) {
    if (!a.has(name)) continue;
    const w = a.window(name);
    const axis = ["temporal", "height", "width"];
    w.forEach((p, i) => {
      ctx.requireIntegral(p, `${axis[i]} ${name}`, name);
      ctx.requireAtLeast(p, name === "pad" ? 0 : 1, `${axis[i]} ${name}`, name);
    });
  }
}

function pooledType(a: OpArgs, ctx: RuleContext, opName: string): TensorType {
  const [ch, t, h, w] = requireVideo(a.tensor("x"), ctx, "x", opName);
  checkWindowArgs(a, ctx, ["kernel", "stride", "pad"]);
  const k = a.window("kernel");
  const s = a.has("stride") ? a.window("stride") : k;
  const p = a.window("pad");
  const dims = [t, h, w].map((n, i) => windowExtent(ctx, n, k[i]!, s[i]!, p[i]!, ONE));
  dims.forEach((d, i) => ctx.requireAtLeast(d, 1, `output ${["frames", "height", "width"][i]}`));
  return { layout: "video", dims: [ch, ...dims] };
}

function lowerPool(kind: "maxpool" | "avgpool", a: OpArgs, ctx: LowerContext): IROp {
  const k = triple(ctx, a.window("kernel"));
  const s = a.has("stride") ? triple(ctx, a.window("stride")) : k;
  const p = triple(ctx, a.window("pad"));
  return { kind, kernel: k, stride: s, pads: [...p, ...p], countIncludePad: a.has("count_include_pad") ? a.bool("count_include_pad") !== false : true };
}

/** The rule of elementwise ops: the input's type. */
const sameShape = (a: OpArgs): TensorType => a.tensor("x");

const activation = (summary: string, kind: "relu" | "sigmoid" | "tanh" | "gelu" | "silu"): OpSpec => ({
  summary,
  formals: [{ name: "x", kind: "tensor", doc: "input" }],
  rule: sameShape,
  lower: () => ({ op: { kind }, weights: [] }),
});

export const OPS: { readonly [K in OpName]: OpSpec } = {
  conv: {
    summary: "3-D convolution over (time, height, width)",
    formals: [
      { name: "x", kind: "tensor", doc: "video input <T, H×W, C>" },
      { name: "out", kind: "int", doc: "output channels" },
      { name: "kernel", kind: "window", default: win(1), doc: "kt×kh×kw (e.g. 3×1², 1×7²)" },
      { name: "stride", kind: "window", default: win(1), doc: "st×sh×sw" },
      { name: "pad", kind: "window", default: win(0), doc: "zero padding on both sides of each axis" },
      { name: "dilation", kind: "window", default: win(1), doc: "dilation per axis" },
      { name: "groups", kind: "int", default: ONE, doc: "channel groups" },
      { name: "bias", kind: "bool", default: false, doc: "add a learned bias" },
    ],
    rule(a, ctx) {
      const [cin, t, h, w] = requireVideo(a.tensor("x"), ctx, "x", "conv");
      const out = a.dim("out");
      const groups = a.dim("groups");
      ctx.requireIntegral(out, "output channels", "out");
      ctx.requireAtLeast(out, 1, "output channels", "out");
      checkWindowArgs(a, ctx, ["kernel", "stride", "pad", "dilation"]);
      ctx.requireIntegral(groups, "groups", "groups");
      ctx.requireAtLeast(groups, 1, "groups", "groups");
      ctx.requireMultiple(cin, groups, "input channels", "groups");
      ctx.requireMultiple(out, groups, "output channels", "groups");
      const [k, s, p, d] = ["kernel", "stride", "pad", "dilation"].map((n) => a.window(n));
      const dims = [t, h, w].map((n, i) => windowExtent(ctx, n, k![i]!, s![i]!, p![i]!, d![i]!));
      dims.forEach((dim, i) => ctx.requireAtLeast(dim, 1, `output ${["frames", "height", "width"][i]}`));
      return { layout: "video", dims: [out, ...dims] };
    },
    lower(a, ctx) {
      const [cin] = ctx.shapeOf(a.tensor("x"));
      const out = ctx.num(a.dim("out"));
      const groups = ctx.num(a.dim("groups"));
      const kernel = triple(ctx, a.window("kernel"));
      const p = triple(ctx, a.window("pad"));
      const bias = a.bool("bias") === true;
      const weights: WeightSpec[] = [{ suffix: "weight", shape: [out, cin! / groups, ...kernel], init: { kind: "msra" } }];
      if (bias) weights.push({ suffix: "bias", shape: [out], init: { kind: "constant", value: 0 } });
      return {
        op: { kind: "conv", out, kernel, stride: triple(ctx, a.window("stride")), pads: [...p, ...p], dilation: triple(ctx, a.window("dilation")), groups, bias },
        weights,
      };
    },
  },
  bn: {
    summary: "batch normalisation over channels (inference: running statistics)",
    formals: [
      { name: "x", kind: "tensor", doc: "input" },
      { name: "eps", kind: "number", default: Poly.constant(Rational.of(1, 100000)), doc: "ε added to the variance" },
      { name: "momentum", kind: "number", default: Poly.constant(Rational.of(1, 10)), doc: "PyTorch's running-average momentum" },
      { name: "zero_init", kind: "bool", default: false, doc: "initialise the scale to 0 (the last BN of a residual branch)" },
    ],
    rule: (a, ctx) => {
      const x = a.tensor("x");
      if (x.layout === "raw") ctx.fail("SF0203", { message: "`bn` needs a video tensor or a vector", label: `this is ${formatType(x)}` }, "x");
      return x;
    },
    lower(a, ctx) {
      const ch = ctx.shapeOf(a.tensor("x"))[0]!;
      return {
        op: { kind: "batchnorm", epsilon: ctx.value(a.dim("eps")).toNumber(), momentum: ctx.value(a.dim("momentum")).toNumber() },
        weights: [
          { suffix: "weight", shape: [ch], init: { kind: "constant", value: a.bool("zero_init") ? 0 : 1 } },
          { suffix: "bias", shape: [ch], init: { kind: "constant", value: 0 } },
          { suffix: "running_mean", shape: [ch], init: { kind: "constant", value: 0 }, buffer: true },
          { suffix: "running_var", shape: [ch], init: { kind: "constant", value: 1 }, buffer: true },
        ],
      };
    },
  },
  relu: activation("max(x, 0)", "relu"),
  sigmoid: activation("1 / (1 + e^−x)", "sigmoid"),
  tanh: activation("tanh x", "tanh"),
  gelu: activation("x·Φ(x), the exact (erf) form", "gelu"),
  silu: activation("x·sigmoid(x)", "silu"),
  leaky_relu: {
    summary: "x for x ≥ 0, slope·x otherwise",
    formals: [
      { name: "x", kind: "tensor", doc: "input" },
      { name: "slope", kind: "number", default: Poly.constant(Rational.of(1, 100)), doc: "negative slope" },
    ],
    rule: sameShape,
    lower: (a, ctx) => ({ op: { kind: "leaky_relu", slope: ctx.value(a.dim("slope")).toNumber() }, weights: [] }),
  },
  maxpool: {
    summary: "max pooling",
    formals: [
      { name: "x", kind: "tensor", doc: "video input" },
      { name: "kernel", kind: "window", doc: "window" },
      { name: "stride", kind: "window", default: "optional", doc: "defaults to the kernel, as in PyTorch" },
      { name: "pad", kind: "window", default: win(0), doc: "padding (ignored by the max)" },
    ],
    rule: (a, ctx) => pooledType(a, ctx, "maxpool"),
    lower: (a, ctx) => ({ op: lowerPool("maxpool", a, ctx), weights: [] }),
  },
  avgpool: {
    summary: "average pooling",
    formals: [
      { name: "x", kind: "tensor", doc: "video input" },
      { name: "kernel", kind: "window", doc: "window" },
      { name: "stride", kind: "window", default: "optional", doc: "defaults to the kernel, as in PyTorch" },
      { name: "pad", kind: "window", default: win(0), doc: "zero padding" },
      { name: "count_include_pad", kind: "bool", default: true, doc: "count padded zeros in the average (PyTorch's default)" },
    ],
    rule: (a, ctx) => pooledType(a, ctx, "avgpool"),
    lower: (a, ctx) => ({ op: lowerPool("avgpool", a, ctx), weights: [] }),
  },
  gap: {
    summary: "global average pooling over time and space: <T, H×W, C> → <C>",
    formals: [{ name: "x", kind: "tensor", doc: "video input" }],
    rule: (a, ctx) => ({ layout: "vector", dims: [requireVideo(a.tensor("x"), ctx, "x", "gap")[0]] }),
    lower: () => ({ op: { kind: "global_avgpool" }, weights: [] }),
  },
  dropout: {
    summary: "dropout; the identity at inference",
    formals: [
      { name: "x", kind: "tensor", doc: "input" },
      { name: "p", kind: "number", default: Poly.constant(Rational.of(1, 2)), doc: "drop probability (training only)" },
    ],
    rule: (a, ctx) => {
      const p = ctx.valueOf(a.dim("p"));
      if (p !== undefined && (p.sign() < 0 || p.compare(Rational.ONE) >= 0))
        ctx.fail("SF0211", { message: "dropout probability must be a number in [0, 1)", label: "here" }, "p");
      return a.tensor("x");
    },
    lower: (a, ctx) => ({ op: { kind: "dropout", ratio: ctx.value(a.dim("p")).toNumber() }, weights: [] }),
  },
  linear: {
    summary: "fully connected layer: <C> → <out>",
    formals: [
      { name: "x", kind: "tensor", doc: "vector input <C>" },
      { name: "out", kind: "int", doc: "output features" },
      { name: "bias", kind: "bool", default: true, doc: "add a learned bias" },
    ],
    rule(a, ctx) {
      const x = a.tensor("x");
      if (x.layout !== "vector") ctx.fail("SF0203", { message: `\`linear\` needs a vector <C>, found ${formatType(x)}`, label: `this is ${formatType(x)}`, help: "pool it first, e.g. `gap(x)`" }, "x");
      ctx.requireIntegral(a.dim("out"), "output features", "out");
      ctx.requireAtLeast(a.dim("out"), 1, "output features", "out");
      return { layout: "vector", dims: [a.dim("out")] };
    },
    lower(a, ctx) {
      const cin = ctx.shapeOf(a.tensor("x"))[0]!;
      const out = ctx.num(a.dim("out"));
      const bias = a.bool("bias") !== false;
      const weights: WeightSpec[] = [{ suffix: "weight", shape: [out, cin], init: { kind: "normal", std: 0.01 } }];
      if (bias) weights.push({ suffix: "bias", shape: [out], init: { kind: "constant", value: 0 } });
      return { op: { kind: "linear", out, bias }, weights };
    },
  },
  softmax: {
    summary: "softmax along an axis (default: the last)",
    formals: [
      { name: "x", kind: "tensor", doc: "input" },
      { name: "axis", kind: "int", default: "optional", doc: "axis, 1-based over the written dimensions; default the last" },
    ],
    rule(a, ctx) {
      const x = a.tensor("x");
      if (a.has("axis")) {
        const axis = ctx.valueOf(a.dim("axis"));
        if (!axis || !axis.isInteger() || axis.toNumber() < 1 || axis.toNumber() > x.dims.length)
          ctx.fail("SF0211", { message: `softmax axis must be between 1 and ${x.dims.length}`, label: "here" }, "axis");
      }
      return x;
    },
    lower: (a, ctx) => {
      const rank = ctx.shapeOf(a.tensor("x")).length;
      return { op: { kind: "softmax", axis: a.has("axis") ? ctx.num(a.dim("axis")) : rank }, weights: [] };
    },
  },
  concat: {
    summary: "concatenation along channels (the first written axis for raw tensors)",
    formals: [{ name: "xs", kind: "tensors", doc: "two or more inputs" }],
    rule(a, ctx) {
      const xs = a.tensors("xs");
      if (xs.length < 2) ctx.fail("SF0108", { message: "`concat` needs at least two tensors", label: "here" });
      const first = xs[0]!;
      xs.slice(1).forEach((x, k) => {
        if (x.layout !== first.layout || x.dims.length !== first.dims.length)
          ctx.fail("SF0203", { message: `cannot concatenate ${formatType(first)} and ${formatType(x)}`, label: "these differ in kind" });
        for (let i = 1; i < x.dims.length; i++) ctx.requireEqual(x.dims[i]!, first.dims[i]!, `${["channels", "frames", "height", "width"][i] ?? `axis ${i + 1}`} of input ${k + 2}`);
      });
      return { layout: first.layout, dims: [xs.reduce((s, x) => s.add(x.dims[0]!), Poly.ZERO), ...first.dims.slice(1)] };
    },
    lower: () => ({ op: { kind: "concat", axis: 1 }, weights: [] }),
  },
  add: {
    summary: "elementwise sum of tensors of one shape",
    formals: [{ name: "xs", kind: "tensors", doc: "two or more inputs" }],
    rule(a, ctx) {
      const xs = a.tensors("xs");
      if (xs.length !== 2) ctx.fail("SF0108", { message: "`add` takes two tensors", label: "here" });
      const [x, y] = xs as [TensorType, TensorType];
      if (x.layout !== y.layout || x.dims.length !== y.dims.length)
        ctx.fail("SF0203", { message: `cannot add ${formatType(x)} and ${formatType(y)}`, label: "these differ in kind" });
      x.dims.forEach((d, i) => ctx.requireEqual(y.dims[i]!, d, x.layout === "video" ? ["channels", "frames", "height", "width"][i]! : `axis ${i + 1}`));
      return x;
    },
    lower: () => ({ op: { kind: "add" }, weights: [] }),
  },
  scale: {
    summary: "multiplication by a constant: by / √over_sqrt (attention's 1/√d)",
    formals: [
      { name: "x", kind: "tensor", doc: "input" },
      { name: "by", kind: "number", default: ONE, doc: "the factor" },
      { name: "over_sqrt", kind: "number", default: ONE, doc: "divide by the square root of this" },
    ],
    rule(a, ctx) {
      const d = ctx.valueOf(a.dim("over_sqrt"));
      if (d !== undefined && d.sign() <= 0) ctx.fail("SF0211", { message: "`over_sqrt` must be positive", label: "here" }, "over_sqrt");
      return a.tensor("x");
    },
    lower: (a, ctx) => ({ op: { kind: "mul_scalar", factor: ctx.value(a.dim("by")).toNumber() / Math.sqrt(ctx.value(a.dim("over_sqrt")).toNumber()) }, weights: [] }),
  },
  matmul: {
    summary: "matrix product over the last two axes of raw tensors: [.., m, k] × [.., k, n] → [.., m, n]",
    formals: [
      { name: "a", kind: "tensor", doc: "left operand" },
      { name: "b", kind: "tensor", doc: "right operand" },
    ],
    rule(args, ctx) {
      const x = args.tensor("a");
      const y = args.tensor("b");
      if (x.dims.length !== y.dims.length || x.dims.length < 2)
        ctx.fail("SF0203", { message: `\`matmul\` needs operands of one rank ≥ 2, found ${formatType(x)} and ${formatType(y)}`, label: "here" });
      const n = x.dims.length;
      for (let i = 0; i < n - 2; i++) ctx.requireEqual(y.dims[i]!, x.dims[i]!, `axis ${i + 1}`, "b");
      ctx.requireEqual(y.dims[n - 2]!, x.dims[n - 1]!, "inner dimension", "b");
      return { layout: "raw", dims: [...x.dims.slice(0, n - 1), y.dims[n - 1]!] };
    },
    lower: () => ({ op: { kind: "matmul" }, weights: [] }),
  },
  reshape: {
    summary: "reinterpret the elements under another shape (row-major, as ONNX)",
    formals: [
      { name: "x", kind: "tensor", doc: "input" },
      { name: "to", kind: "shape", doc: "a type <...> or a list [d0, d1, ...] in ONNX order without the batch" },
    ],
    rule(a, ctx) {
      const x = a.tensor("x");
      const to = a.shape("to");
      to.dims.forEach((d) => {
        ctx.requireIntegral(d, "target dimension", "to");
        ctx.requireAtLeast(d, 1, "target dimension", "to");
      });
      const before = elementCount(x);
      const after = elementCount(to);
      // A reshape that keeps the element count only for some sizes is a mistake, not a requirement.
      if (!ctx.requireEqual(after, before, "element count", "to", "proved")) ctx.fail("SF0208", { message: "reshape changes the element count", label: `${before} elements become ${after}` }, "to");
      return to;
    },
    lower: (a, ctx) => ({ op: { kind: "reshape", shape: ctx.shapeOf(a.shape("to")) }, weights: [] }),
  },
  transpose: {
    summary: "permute the written axes (the batch stays first)",
    formals: [
      { name: "x", kind: "tensor", doc: "input" },
      { name: "perm", kind: "perm", doc: "new order of the written axes, 0-based: [2, 0, 1, 3, 4]" },
    ],
    rule(a, ctx) {
      const x = a.tensor("x");
      const perm = a.list("perm").map((p) => p.constantValue()?.toSafeInteger());
      const n = x.dims.length;
      const valid = perm.length === n && perm.every((p) => p !== undefined && p >= 0 && p < n) && new Set(perm).size === n;
      if (!valid) ctx.fail("SF0209", { message: `a permutation of 0..${n - 1} is needed for ${formatType(x)}`, label: "not a permutation of the axes" }, "perm");
      return { layout: "raw", dims: perm.map((p) => x.dims[p!]!) };
    },
    lower: (a) => ({ op: { kind: "transpose", perm: [0, ...a.list("perm").map((p) => p.constantValue()!.toSafeInteger()! + 1)] }, weights: [] }),
  },
  frames: {
    summary: "temporal sampling: every s-th frame, or T frames at ⌊i(F − 1)/(T − 1)⌋ (PySlowFast's linspace)",
    formals: [
      { name: "x", kind: "tensor", doc: "video input with F frames" },
      { name: "every", kind: "int", default: "optional", doc: "plain stride s: frames from, from+s, ... (⌈(F − from)/s⌉ of them)" },
      { name: "from", kind: "int", default: Poly.ZERO, doc: "first frame for a plain stride" },
      { name: "count", kind: "int", default: "optional", doc: "linspace selection of this many frames" },
    ],
    rule(a, ctx) {
      const [ch, t, h, w] = requireVideo(a.tensor("x"), ctx, "x", "frames");
      if (a.has("every") === a.has("count"))
        ctx.fail("SF0211", { message: "`frames` takes exactly one of `every` (plain stride) and `count` (linspace)", label: "here" });
      if (a.has("count")) {
        const n = a.dim("count");
        ctx.requireIntegral(n, "frame count", "count");
        ctx.requireAtLeast(n, 1, "frame count", "count");
        ctx.requireAtLeast(t.sub(n), 0, "frames left after selection (the clip must have at least `count` frames)", "count");
        return { layout: "video", dims: [ch, n, h, w] };
      }
      const s = a.dim("every");
      const from = a.dim("from");
      ctx.requireIntegral(s, "frame stride", "every");
      ctx.requireAtLeast(s, 1, "frame stride", "every");
      ctx.requireAtLeast(from, 0, "first frame", "from");
      const n = ctx.ceilDiv(t.sub(from), s);
      ctx.requireAtLeast(n, 1, "selected frames");
      return { layout: "video", dims: [ch, n, h, w] };
    },
    lower(a, ctx) {
      const frames = ctx.shapeOf(a.tensor("x"))[1]!;
      if (a.has("count")) {
        const n = ctx.num(a.dim("count"));
        const indices = Array.from({ length: n }, (_, i) => (n === 1 ? 0 : Number((BigInt(i) * BigInt(frames - 1)) / BigInt(n - 1))));
        return { op: { kind: "frames_gather", indices }, weights: [] };
      }
      const step = ctx.num(a.dim("every"));
      const start = ctx.num(a.dim("from"));
      return { op: { kind: "frames_stride", start, step, count: Math.ceil((frames - start) / step) }, weights: [] };
    },
  },
};

export function isOpName(name: string): name is OpName {
  return Object.prototype.hasOwnProperty.call(OPS, name);
}

export function weightFromSpec(prefix: string, w: WeightSpec): IRWeight {
  return { name: `${prefix}.${w.suffix}`, shape: w.shape, init: w.init, ...(w.buffer ? { buffer: true } : {}) };
}
