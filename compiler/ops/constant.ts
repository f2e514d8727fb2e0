/** Tensors written in the source (e.g. the BT.601 luma coefficients). */
import { Rational } from "../dims/rational";
import { intsAttribute } from "../emit/onnx-attributes";
import { elementCount, formatType } from "../types";
import { checkFloatArgument, noFlops, requireFloat32 } from "./common";
import { defineOp, type OnnxWriter } from "./record";

/** `values` row-major over `shape` (without the batch), or `fill` in every element; the same for every batch element. */
export interface ConstantOp {
  readonly kind: "constant";
  readonly shape: readonly number[];
  /**
   * The values the source lists, or the one `fill` value: kept as one
   * number, since an array of a billion would take gigabytes before any limit
   * could speak; the emitter writes it a piece at a time.
   */
  readonly content: { readonly kind: "values"; readonly values: readonly number[] } | { readonly kind: "fill"; readonly value: number };
}

const SLICE_INPUTS_OPSET = 10;

/**
 * The constant with the batch dimension: Where picks it everywhere, broadcast
 * against an [N, 1, ..., 1] mask cut from the first graph input, so that
 * shapes (the symbolic batch included) stay exact for onnx's inference.
 */
function lowerConstant(op: ConstantOp, out: OnnxWriter): void {
  const content = op.content;
  const value =
    content.kind === "fill"
      ? out.floatValues("value", [1, ...op.shape], (_first, target) => target.fill(content.value))
      : out.floatConstant("value", [1, ...op.shape], content.values);
  const source = out.batchSource;
  if (source === undefined) throw new Error("a constant needs a graph input to take its batch dimension from");
  const axes = out.shapeOf(source).map((_, i) => i + 1);
  const corner = out.intermediate(
    "batch_corner",
    axes.map(() => 1),
  );
  const [starts, ends] = [axes.map(() => 0), axes.map(() => 1)];
  if (out.opset >= SLICE_INPUTS_OPSET)
    out.add("Slice", [source, out.int64Constant("starts", starts), out.int64Constant("ends", ends), out.int64Constant("axes", axes)], [corner]);
  else out.add("Slice", [source], [corner], [intsAttribute("starts", starts), intsAttribute("ends", ends), intsAttribute("axes", axes)]);
  // [N, 1, ..., 1] with the constant's rank, whatever the source's.
  const ones = out.intermediate(
    "batch_ones",
    op.shape.map(() => 1),
  );
  out.add("Reshape", [corner, out.int64Constant("ones_shape", [0, ...op.shape.map(() => 1)])], [ones]);
  const mask = out.untyped("batch_mask");
  out.add("IsNaN", [ones], [mask]);
  out.add("Where", [mask, value, value], [out.output]);
}

export const CONSTANT_OPS = {
  constant: defineOp<ConstantOp>({
    summary: "a tensor written in the source, the same for every clip of the batch",
    formals: [
      { name: "type", kind: "shape", doc: "a type `<...>` or `[...]`" },
      { name: "values", kind: "numbers", default: "optional", doc: "a list of numbers in ONNX order ([C, T, H, W])" },
      { name: "fill", kind: "number", default: "optional", doc: "one number for every element: exactly one of `values` and `fill`" },
    ],
    result: "a tensor of that type; `values` needs a known element count",
    rule(a, ctx) {
      const t = a.shape("type");
      t.dims.forEach((d) => {
        ctx.requireIntegral(d, "dimension", "type", 1);
        ctx.requireAtLeast(d, 1, "dimension", "type");
      });
      if (a.has("values") === a.has("fill")) ctx.fail("SF0211", { message: "`constant` takes exactly one of `values` and `fill`", label: "here" });
      if (a.has("fill")) checkFloatArgument(a, ctx, "constant", "fill");
      else
        a.list("values").forEach((p, i) => {
          const v = ctx.valueOf(p);
          if (v !== undefined) requireFloat32(ctx, `value ${i + 1} of \`constant\``, v.toNumber(), {}, "values");
        });
      if (a.has("values")) {
        const count = elementCount(t).constantValue() ?? ctx.valueOf(elementCount(t));
        const given = a.list("values").length;
        if (count === undefined)
          ctx.fail(
            "SF0211",
            {
              message: `the element count ${elementCount(t)} of a constant with \`values\` must be known`,
              label: "here",
              help: "use `fill` for a constant of any size",
            },
            "type",
          );
        if (!count!.equals(Rational.of(given)))
          ctx.fail("SF0208", { message: `${formatType(t)} has ${count} elements, but ${given} values are given`, label: `${given} values` }, "values");
      }
      return t;
    },
    lower(a, ctx) {
      const shape = ctx.shapeOf(a.shape("type"));
      const content = a.has("values")
        ? { kind: "values" as const, values: a.list("values").map((v) => ctx.value(v).toNumber()) }
        : { kind: "fill" as const, value: ctx.value(a.dim("fill")).toNumber() };
      return { op: { kind: "constant", shape, content }, weights: [], constants: [[1, ...shape]] };
    },
    onnx: {
      doc: "an initializer, Where-9 over IsNaN-9 of a one-element Slice of the first input (for the batch)",
      unsupported: () => undefined,
      lower: lowerConstant,
    },
    flops: noFlops,
  }),
};
