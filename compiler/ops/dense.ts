/** Dense algebra: fully connected layers, matrix products, softmax. */
import { elementCount } from "../shapes";
import { formatType } from "../types";
import { intAttribute, intsAttribute } from "../emit/onnx-attributes";
import { everyOpset, noFlops } from "./common";
import { defineOp, type WeightSpec } from "./record";

export interface LinearOp {
  readonly kind: "linear";
  readonly out: number;
  readonly bias: boolean;
}

export interface MatmulOp {
  readonly kind: "matmul";
}

export interface SoftmaxOp {
  readonly kind: "softmax";
  /** Counts the batch as 0. */
  readonly axis: number;
}

export const DENSE_OPS = {
  linear: defineOp<LinearOp>({
    summary: "fully connected layer: `<C>` → `<out>`",
    formals: [
      { name: "x", kind: "tensor", doc: "vector `<C>`" },
      { name: "out", kind: "int", doc: "int" },
      { name: "bias", kind: "bool", default: true, doc: "bool" },
    ],
    result: "`<out>`",
    rule(a, ctx) {
      const x = a.tensor("x");
      if (x.layout !== "vector")
        ctx.fail(
          "SF0203",
          { message: `\`linear\` needs a vector <C>, found ${formatType(x)}`, label: `this is ${formatType(x)}`, help: "pool it first, e.g. `gap(x)`" },
          "x",
        );
      ctx.requireIntegral(a.dim("out"), "output features", "out", 1);
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
    onnx: {
      doc: "Gemm (transB) for vectors, Transpose and MatMul(-9) (and Add) for higher ranks; without bias, opset 11 (Gemm's bias input is optional from 11)",
      unsupported: (op, opset) => (!op.bias && opset < 11 ? `linear without bias needs opset 11: Gemm's bias input is mandatory before it` : undefined),
      lower(op, out) {
        const x = out.inputs[0]!;
        const [weight, bias] = out.weights;
        if (weight === undefined || (op.bias && bias === undefined)) {
          throw new Error(`IR node ${out.output}: linear needs inputs [x, weight${op.bias ? ", bias" : ""}]`);
        }
        const inputShape = out.shapeOf(x);
        if (inputShape.length === 1) {
          out.add("Gemm", op.bias ? [x, weight, bias!] : [x, weight], [out.output], [intAttribute("transB", 1)]);
          return;
        }
        // Gemm takes only 2-D inputs; a linear over the last axis of a larger
        // tensor (torch.nn.Linear's broadcasting) is MatMul against W^T.
        const inFeatures = inputShape[inputShape.length - 1]!;
        const transposed = out.intermediate("weight_t", [inFeatures, op.out], false);
        out.add("Transpose", [weight], [transposed], [intsAttribute("perm", [1, 0])]);
        if (op.bias) {
          const product = out.intermediate("matmul", [...inputShape.slice(0, -1), op.out]);
          out.add("MatMul", [x, transposed], [product]);
          out.add("Add", [product, bias!], [out.output]);
        } else {
          out.add("MatMul", [x, transposed], [out.output]);
        }
      },
    },
    weightsDoc: "`weight` (out, C): normal, standard deviation 0.01; `bias` (out), with `bias: true`: 0",
    flopsDoc: "out·C (per row of a higher-rank input)",
    // Every weight once per row of the input.
    flops: (_op, io) => elementCount(io.weights[0]!) * (io.output.length > 1 ? elementCount(io.output.slice(0, -1)) : 1),
  }),
  matmul: defineOp<MatmulOp>({
    summary: "matrix product over the last two axes of raw tensors",
    formals: [
      { name: "a", kind: "tensor", doc: "raw tensor" },
      { name: "b", kind: "tensor", doc: "raw tensor of the same rank ≥ 2" },
    ],
    result: "`[.., m, k] × [.., k, n] → [.., m, n]`",
    rule(args, ctx) {
      const x = args.tensor("a");
      const y = args.tensor("b");
      // A video's axes are not rows and columns: its written order is not the ONNX order a product runs over.
      for (const [name, t] of [
        ["a", x],
        ["b", y],
      ] as const)
        if (t.layout !== "raw")
          ctx.fail(
            "SF0203",
            {
              message: `\`matmul\` needs a raw tensor [d0, d1, ...], found ${formatType(t)}`,
              label: `this is ${formatType(t)}`,
              help: "reshape it to the rows and columns you mean first, e.g. `reshape(x, [C, T·H·W])`",
            },
            name,
          );
      if (x.dims.length !== y.dims.length || x.dims.length < 2)
        ctx.fail("SF0203", { message: `\`matmul\` needs operands of one rank ≥ 2, found ${formatType(x)} and ${formatType(y)}`, label: "here" });
      const n = x.dims.length;
      for (let i = 0; i < n - 2; i++) ctx.requireEqual(y.dims[i]!, x.dims[i]!, `axis ${i + 1}`, "b");
      ctx.requireEqual(y.dims[n - 2]!, x.dims[n - 1]!, "inner dimension", "b");
      return { layout: "raw", dims: [...x.dims.slice(0, n - 1), y.dims[n - 1]!] };
    },
    lower: () => ({ op: { kind: "matmul" }, weights: [] }),
    onnx: { doc: "MatMul-9", unsupported: everyOpset, lower: (_op, out) => out.add("MatMul", out.inputs, [out.output]) },
    flopsDoc: "output elements × k",
    // k multiply-adds per output element.
    flops: (_op, io) => elementCount(io.output) * io.inputs[0]![io.inputs[0]!.length - 1]!,
  }),
  softmax: defineOp<SoftmaxOp>({
    summary: "softmax along an axis (default: the last)",
    formals: [
      { name: "x", kind: "tensor", doc: "" },
      { name: "axis", kind: "int", default: "optional", doc: "int (the last)" },
    ],
    result: "same; `axis` counts from 1 over the ONNX-order dimensions without the batch",
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
    onnx: {
      doc: "Softmax-13",
      // Before 13, Softmax flattened the input to 2-D at `axis`: a different function unless the axis is the last.
      unsupported: (_op, opset) =>
        opset < 13 ? `softmax needs opset 13: before it, ONNX Softmax flattens the input to 2-D at the axis instead of normalising along it` : undefined,
      lower: (op, out) => out.add("Softmax", out.inputs, [out.output], [intAttribute("axis", op.axis)]),
    },
    flops: noFlops,
  }),
};
