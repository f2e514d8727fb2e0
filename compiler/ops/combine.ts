/** Ops that combine several tensors. */
import { Poly } from "../dims/poly";
import { formatType } from "../types";
import { intAttribute } from "../emit/onnx-attributes";
import { everyOpset, noFlops } from "./common";
import { defineOp } from "./record";

export interface ConcatOp {
  readonly kind: "concat";
  /** Counts the batch as 0. */
  readonly axis: number;
}

export const COMBINE_OPS = {
  concat: defineOp<ConcatOp>({
    summary: "concatenation along channels (the first written axis for raw tensors)",
    formals: [{ name: "xs", kind: "tensors", doc: "two or more tensors, positional" }],
    result: "channels summed (the first ONNX axis), the other dimensions equal",
    rule(a, ctx) {
      const xs = a.tensors("xs");
      if (xs.length < 2)
        ctx.fail("SF0118", { message: "`concat` needs at least two tensors", label: `${xs.length === 1 ? "one tensor" : `${xs.length} tensors`} given` });
      const first = xs[0]!;
      xs.slice(1).forEach((x, k) => {
        if (x.layout !== first.layout || x.dims.length !== first.dims.length) {
          const kinds = new Set([first.layout, x.layout]);
          ctx.fail("SF0203", {
            message: `cannot concatenate ${formatType(first)} and ${formatType(x)}`,
            label: "these differ in kind",
            // The head's concat of pooled pathways is the usual one: a video among vectors wants its own pooling.
            help: kinds.has("video") && kinds.has("vector") ? "pool the video first, e.g. `gap(x)`, to concatenate vectors" : undefined,
          });
        }
        for (let i = 1; i < x.dims.length; i++)
          ctx.requireEqual(x.dims[i]!, first.dims[i]!, `${["channels", "frames", "height", "width"][i] ?? `axis ${i + 1}`} of concat's tensor ${k + 2}`);
      });
      return { layout: first.layout, dims: [xs.reduce((s, x) => s.add(x.dims[0]!), Poly.ZERO), ...first.dims.slice(1)] };
    },
    lower: () => ({ op: { kind: "concat", axis: 1 }, weights: [] }),
    onnx: {
      doc: "Concat-4",
      unsupported: everyOpset,
      lower: (op, out) => out.add("Concat", out.inputs, [out.output], [intAttribute("axis", op.axis)]),
    },
    flops: noFlops,
  }),
};
