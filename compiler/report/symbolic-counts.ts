/**
 * FLOPs as a formula in the dynamic parameters (`sfc info --dynamic T,S`).
 * Each op's own FLOP rule (compiler/ops/) is a product of sizes; which sizes,
 * and to what power, is read off the rule itself by doubling one symbolic
 * size at a time, so no rule is restated here. The formula then replaces each
 * such size by its polynomial in the dynamic parameters.
 */
import { Poly } from "../dims/poly";
import { Rational } from "../dims/rational";
import type { IRGraph } from "../ir";
import { recordOf } from "../ops";

export interface SymbolicCounts {
  /** Multiply-adds, as the paper counts them, for one view. */
  readonly flops: Poly;
}

export function symbolicFlops(graph: IRGraph, dims: ReadonlyMap<string, readonly Poly[]>, countBn: boolean): SymbolicCounts {
  let total = Poly.ZERO;
  for (const node of graph.nodes) {
    const record = recordOf(node.op);
    if (record.flopsOnRequest && !countBn) continue;
    const data = node.inputs.slice(0, node.inputs.length - node.weights.length);
    const values = [...data, node.outputs[0]!];
    const base = values.map((v) => graph.values.get(v)!.shape);
    const cost = (shapes: readonly (readonly number[])[]): number =>
      record.flops(node.op, { inputs: shapes.slice(0, data.length), output: shapes[data.length]!, weights: node.weights.map((w) => w.shape) });
    const f0 = cost(base);
    if (f0 === 0) continue;
    let term = Poly.constant(Rational.of(BigInt(Math.round(f0))));
    values.forEach((value, i) => {
      dims.get(value)?.forEach((p, axis) => {
        if (p.constantValue() !== undefined) return;
        const doubled = base.map((s, j) => (j === i ? s.map((d, a) => (a === axis ? d * 2 : d)) : s));
        const power = Math.log2(cost(doubled) / f0);
        if (!Number.isInteger(power) || power < 0) throw new Error(`the FLOP rule of ${node.op.kind} is not a product of sizes`);
        for (let k = 0; k < power; k++) term = term.mul(p).scale(Rational.of(1n, BigInt(base[i]![axis]!)));
      });
    });
    total = total.add(term);
  }
  return { flops: total };
}
