/** Elementwise arithmetic between two tensors, with numpy broadcasting of size-1 axes. */
import { Rational } from "../dims/rational";
import type { Poly } from "../dims/poly";
import { axisName, formatType, type TensorType } from "../types";
import { everyOpset, noFlops } from "./common";
import { defineOp, type OpArgs, type OpRecord, type RuleContext } from "./record";

type Arithmetic = "add" | "sub" | "mul" | "div";

const ONNX_OP: Readonly<Record<Arithmetic, string>> = { add: "Add", sub: "Sub", mul: "Mul", div: "Div" };

function provablyOne(p: Poly, ctx: RuleContext): boolean {
  const v = p.constantValue() ?? ctx.valueOf(p);
  return v !== undefined && v.equals(Rational.ONE);
}

/**
 * Two tensors of one kind and rank: an axis is shared where both sides are
 * provably equal and stretched where one side is provably 1; anything else
 * must be equal (a requirement in a generic block, SF0202 naming the axis
 * otherwise).
 */
function broadcast(opName: Arithmetic, a: OpArgs, ctx: RuleContext): TensorType {
  const xs = a.tensors("xs");
  if (xs.length !== 2)
    ctx.fail("SF0118", { message: `\`${opName}\` takes two tensors`, label: `${xs.length === 1 ? "one tensor" : `${xs.length} tensors`} given` });
  const [x, y] = xs as [TensorType, TensorType];
  if (x.layout !== y.layout || x.dims.length !== y.dims.length) {
    const vectorAndVideo = new Set([x.layout, y.layout]).has("vector") && new Set([x.layout, y.layout]).has("video");
    ctx.fail("SF0203", {
      message: `cannot ${opName} ${formatType(x)} and ${formatType(y)}`,
      label: "these differ in kind",
      help: vectorAndVideo ? "reshape the vector to <1, 1², C> to broadcast it over time and space" : undefined,
    });
  }
  const dims = x.dims.map((d, i) => {
    const e = y.dims[i]!;
    if (d.sub(e).isZero()) return d;
    if (provablyOne(e, ctx)) return d;
    if (provablyOne(d, ctx)) return e;
    ctx.requireEqual(e, d, axisName(x, i));
    return d;
  });
  return { layout: x.layout, dims };
}

function arithmetic<K extends Arithmetic>(kind: K, summary: string, result: string): OpRecord<{ readonly kind: K }> {
  return defineOp<{ readonly kind: K }>({
    summary,
    formals: [{ name: "xs", kind: "tensors", doc: "two tensors of one kind and rank, positional" }],
    result,
    rule: (a, ctx) => broadcast(kind, a, ctx),
    lower: () => ({ op: { kind }, weights: [] }),
    onnx: { doc: `${ONNX_OP[kind]}-7 (numpy broadcasting)`, unsupported: everyOpset, lower: (_op, out) => out.add(ONNX_OP[kind], out.inputs, [out.output]) },
    flops: noFlops,
  });
}

export const ARITHMETIC_OPS = {
  add: arithmetic(
    "add",
    "elementwise sum; axes of size 1 stretch (broadcast)",
    "elementwise sum: each axis equal on both sides, or provably 1 on one side, which is stretched",
  ),
  sub: arithmetic("sub", "elementwise difference; axes of size 1 stretch (broadcast)", "elementwise difference, broadcast as `add`"),
  mul: arithmetic("mul", "elementwise product; axes of size 1 stretch (broadcast)", "elementwise product, broadcast as `add`"),
  div: arithmetic("div", "elementwise quotient; axes of size 1 stretch (broadcast)", "elementwise quotient, broadcast as `add`"),
};
