/** Ops that rearrange elements without computing: reshape and transpose. */
import { sameShape } from "../shapes";
import { elementCount, formatType } from "../types";
import { intAttribute, intsAttribute } from "../emit/onnx-attributes";
import { everyOpset, noFlops } from "./common";
import { defineOp } from "./record";

export interface ReshapeOp {
  readonly kind: "reshape";
  /** The target shape without the batch. */
  readonly shape: readonly number[];
}

export interface TransposeOp {
  readonly kind: "transpose";
  /** Over all axes, the batch included: perm[0] = 0. */
  readonly perm: readonly number[];
}

export const LAYOUT_OPS = {
  reshape: defineOp<ReshapeOp>({
    summary: "reinterpret the elements under another shape (row-major, as ONNX)",
    formals: [
      { name: "x", kind: "tensor", doc: "" },
      { name: "to", kind: "shape", doc: "a type `<...>` or a list `[...]` in ONNX order" },
    ],
    result:
      "`to`; the element count must stay the same, in a block for every value of its letters: a reshape that fits only some sizes is an error ([SF0208](diagnostics.md#sf0208)), not a requirement",
    rule(a, ctx) {
      const x = a.tensor("x");
      const to = a.shape("to");
      to.dims.forEach((d) => {
        ctx.requireIntegral(d, "target dimension", "to", 1);
        ctx.requireAtLeast(d, 1, "target dimension", "to");
      });
      const before = elementCount(x);
      const after = elementCount(to);
      // A reshape that keeps the element count only for some sizes is a mistake, not a requirement.
      if (!ctx.requireEqual(after, before, "element count", "to", "proved"))
        ctx.fail("SF0208", { message: "reshape changes the element count", label: `${before} elements become ${after}` }, "to");
      return to;
    },
    lower: (a, ctx) => ({ op: { kind: "reshape", shape: ctx.shapeOf(a.shape("to")) }, weights: [] }),
    onnx: {
      doc: "Reshape-5",
      unsupported: everyOpset,
      sizeAttributes: ["shape"],
      lower(op, out) {
        const outputShape = out.shapeOf(out.output);
        if (!sameShape(op.shape, outputShape)) throw new Error(`invalid IR: reshape ${out.output} targets [${op.shape}] but its output is [${outputShape}]`);
        if (!op.shape.some((_, axis) => out.dynamic?.varies(out.output, axis))) {
          // 0 copies the input's dimension: the symbolic batch passes through.
          out.add("Reshape", [out.inputs[0]!, out.int64Constant("shape", [0, ...op.shape])], [out.output]);
          return;
        }
        // Under --dynamic the target is built at run time from the sizes that vary.
        const sizes = op.shape.map((_, axis) => out.dynamic!.size(out.output, axis));
        const target = out.dynamic!.value("shape");
        const parts = sizes.map((s, axis) => s ?? out.int64Constant(`dim${axis}`, [op.shape[axis]!]));
        out.add("Concat", [out.int64Constant("batch", [0]), ...parts], [target], [intAttribute("axis", 0)]);
        out.add("Reshape", [out.inputs[0]!, target], [out.output]);
      },
    },
    flops: noFlops,
  }),
  transpose: defineOp<TransposeOp>({
    summary: "permute the written axes (the batch stays first)",
    formals: [
      { name: "x", kind: "tensor", doc: "" },
      { name: "perm", kind: "perm", doc: "a permutation of 0 .. rank − 1 over the ONNX-order dimensions" },
    ],
    result: "raw tensor with the axes permuted ([SF0209](diagnostics.md#sf0209) if not a permutation)",
    rule(a, ctx) {
      const x = a.tensor("x");
      const perm = a.list("perm").map((p) => p.constantValue()?.toSafeInteger());
      const n = x.dims.length;
      const valid = perm.length === n && perm.every((p) => p !== undefined && p >= 0 && p < n) && new Set(perm).size === n;
      if (!valid)
        ctx.fail("SF0209", { message: `a permutation of 0..${n - 1} is needed for ${formatType(x)}`, label: "not a permutation of the axes" }, "perm");
      return { layout: "raw", dims: perm.map((p) => x.dims[p!]!) };
    },
    lower: (a) => ({ op: { kind: "transpose", perm: [0, ...a.list("perm").map((p) => p.constantValue()!.toSafeInteger()! + 1)] }, weights: [] }),
    onnx: {
      doc: "Transpose-1",
      unsupported: everyOpset,
      lower: (op, out) => out.add("Transpose", out.inputs, [out.output], [intsAttribute("perm", op.perm)]),
    },
    flops: noFlops,
  }),
};
