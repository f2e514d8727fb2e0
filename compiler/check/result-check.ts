/** A body's returned value checked against the result type its declaration writes. */
import type * as A from "../ast";
import type { Poly } from "../dims/poly";
import { writtenPartOfVideoAxis } from "../shapes";
import type { Span } from "../span";
import { axisName, type TensorType } from "../types";
import type { Value } from "../values";
import { requireAll } from "./apply-op";
import { factsOf, type Ctx } from "./context";
import * as M from "./messages";
import type { SizeChange } from "./messages";
import { compareDims } from "./prover";

/**
 * A returned value against the declared result type (of a block or a network):
 * one error for the result, on the op whose padding changed its size when one
 * did (`sizeChanges`, recorded as ops are applied).
 */
export function checkReturned(v: Value, declared: TensorType, declaredExpr: A.TypeExpr, ctx: Ctx, sizeChanges: WeakMap<Poly, SizeChange>): void {
  if (v.kind === "poison") return;
  if (v.kind !== "tensor") return ctx.reporter.report(M.resultNotATensor(v));
  if (v.type.layout !== declared.layout || v.type.dims.length !== declared.dims.length)
    return ctx.reporter.report(M.resultForm(v, declared, declaredExpr.span));
  const facts = factsOf(ctx);
  const wrong: M.WrongAxis[] = [];
  declared.dims.forEach((expected, i) => {
    const found = v.type.dims[i];
    if (!found) return;
    const outcome = compareDims(found, expected, facts);
    const span = dimExprSpan(declaredExpr, i);
    const axis = axisName(declared, i);
    const topic = { sizes: [expected], word: ([size]: readonly Poly[]) => `the declared ${axis} ${size}` };
    switch (outcome.kind) {
      case "proved":
      case "undecided":
        return;
      case "requires":
        // Only divisibility is carried: a result that may differ is wrong.
        if (outcome.claims.every((c) => c.relation === "divides")) {
          requireAll(outcome.claims, topic, span, ctx);
          return;
        }
        wrong.push({ axis, found, expected, span });
        return;
      case "refuted":
        wrong.push({ axis, found, expected, span });
        return;
    }
  });
  const [first] = wrong;
  if (!first) return;
  // One error for the result, on the op whose padding changed its size when one did.
  const change = wrong.map((w) => sizeChanges.get(w.found)).find((c) => c !== undefined);
  if (change) return ctx.reporter.report(M.paddingChangesSize(change, wrong, v, declared, declaredExpr.span));
  if (wrong.length === 1) return ctx.reporter.report(M.resultDimension(v, declared, first.axis, first.found, first.expected, first.span, ctx));
  return ctx.reporter.report(M.resultDimensions(v, declared, wrong, ctx));
}

/** The source span of the i-th dimension (ONNX order) of a written type. */
export function dimExprSpan(t: A.TypeExpr, i: number): Span {
  if (t.form === "raw" || t.dims.length !== 3) return t.dims[i]?.span ?? t.span;
  return t.dims[writtenPartOfVideoAxis(i)]?.span ?? t.span;
}
