/** The names an arithmetic expression reads: a tensor type's dimension, or a parameter's default. */
import type * as A from "./ast";

export type NameExpr = Extract<A.Expr, { kind: "name" }>;

/**
 * Calls `visit` on every name in an arithmetic expression, left to right.
 * Literals, calls, pipes and the other value forms hold no name that a
 * dimension or a default is said to read.
 */
export function eachNameIn(e: A.Expr, visit: (name: NameExpr) => void): void {
  switch (e.kind) {
    case "name":
      visit(e);
      return;
    case "binary":
      eachNameIn(e.lhs, visit);
      eachNameIn(e.rhs, visit);
      return;
    case "neg":
    case "square":
    case "floor":
    case "ceil":
      eachNameIn(e.operand, visit);
      return;
    case "extent":
      for (const p of e.parts) eachNameIn(p, visit);
      return;
    case "conditional":
      eachNameIn(e.test, visit);
      eachNameIn(e.then, visit);
      eachNameIn(e.otherwise, visit);
      return;
    case "number":
    case "string":
    case "bool":
    case "call":
    case "repeat":
    case "pipe":
    case "tuple":
    case "list":
    case "typeLiteral":
      return;
  }
}
