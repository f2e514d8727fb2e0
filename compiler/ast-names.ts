/**
 * Walking expressions: the names an arithmetic expression reads (a tensor
 * type's dimension, or a parameter's default), and the operands of the forms
 * that only combine other expressions, which every walker of whole bodies
 * descends into alike.
 */
import type * as A from "./ast";

export type NameExpr = Extract<A.Expr, { kind: "name" }>;

/** The forms made of other expressions alone: arithmetic, extents, tuples, lists, conditionals and type literals. */
export type CompoundExpr = Extract<
  A.Expr,
  { kind: "binary" | "neg" | "square" | "floor" | "ceil" | "extent" | "tuple" | "list" | "conditional" | "typeLiteral" }
>;

export function isCompound(e: A.Expr): e is CompoundExpr {
  switch (e.kind) {
    case "binary":
    case "neg":
    case "square":
    case "floor":
    case "ceil":
    case "extent":
    case "tuple":
    case "list":
    case "conditional":
    case "typeLiteral":
      return true;
    case "number":
    case "string":
    case "bool":
    case "name":
    case "call":
    case "repeat":
    case "pipe":
      return false;
  }
}

/** A compound form's operands, left to right. */
export function operandsOf(e: CompoundExpr): readonly A.Expr[] {
  switch (e.kind) {
    case "binary":
      return [e.lhs, e.rhs];
    case "neg":
    case "square":
    case "floor":
    case "ceil":
      return [e.operand];
    case "extent":
      return e.parts;
    case "tuple":
    case "list":
      return e.items;
    case "conditional":
      return [e.test, e.then, e.otherwise];
    case "typeLiteral":
      return e.type.dims;
  }
}

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
