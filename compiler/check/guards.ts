/**
 * The conditions a path through a generic block assumed: each `if` it could
 * not decide, a boolean parameter (`if project`) or a comparison of numbers
 * (`if k > 2`), taken one way. What the path needs of the block's callers (a
 * requirement, a `return`) is needed only where its conditions hold, so each
 * call decides them again with its own values: a condition false at the call
 * drops what it guards, one still open is passed on in the caller's symbols.
 */
import { Poly } from "../dims/poly";
import { gcd, Rational } from "../dims/rational";
import type { ComparisonOp, Condition, Value } from "../values";
import { factsOf, type Ctx } from "./context";
import { signForSizes, type SignBound } from "./prover";

/** A condition, and which way the path took it. */
export interface Assumption {
  readonly condition: Condition;
  readonly holds: boolean;
}

export type Assumptions = readonly Assumption[];

/**
 * `lhs op rhs` decided where it can be: with the values bound here (a
 * network's parameters, a call's constants), else for every size, since
 * dimension variables count from 1 (C >= 1 and 2C > C hold for every C).
 * Undefined where it depends on values not known here. One rule for a
 * block's own comparisons and for those a callee carries to its calls.
 */
export function decideComparison(lhs: Poly, op: ComparisonOp, rhs: Poly, ctx: Ctx): boolean | undefined {
  const diff = lhs.sub(rhs);
  const facts = factsOf(ctx);
  const v = diff.constantValue() ?? diff.evaluate(facts.valueOf);
  if (v === undefined) return comparedForSizes(op, signForSizes(diff, facts));
  const s = v.sign();
  return { "==": s === 0, "!=": s !== 0, "<": s < 0, "<=": s <= 0, ">": s > 0, ">=": s >= 0 }[op];
}

/**
 * `a op b` from what the sizes fix of the sign of a − b. Undefined where the
 * bound leaves it open (C − 1 ≥ 0 decides `>=` but not `>`).
 */
function comparedForSizes(op: ComparisonOp, sign: SignBound | undefined): boolean | undefined {
  switch (sign) {
    case undefined:
      return undefined;
    case "positive":
      return { "==": false, "!=": true, "<": false, "<=": false, ">": true, ">=": true }[op];
    case "negative":
      return { "==": false, "!=": true, "<": true, "<=": true, ">": false, ">=": false }[op];
    case "non-negative":
      return { "==": undefined, "!=": undefined, "<": false, "<=": undefined, ">": undefined, ">=": true }[op];
    case "non-positive":
      return { "==": undefined, "!=": undefined, "<": undefined, "<=": true, ">": false, ">=": undefined }[op];
  }
}

/**
 * A callee's assumption at one call: true or false where the call decides
 * it (with its values, or for every size of the caller's); else the same condition in the caller's symbols; undefined where it
 * cannot be said there (it may then hold).
 * `vars`: the callee's formals bound at the call; `bindings`: its numbers.
 */
export function assumptionAtCall(
  a: Assumption,
  vars: ReadonlyMap<string, Value>,
  bindings: ReadonlyMap<string, Poly>,
  ctx: Ctx,
): boolean | Assumption | undefined {
  const c = a.condition;
  switch (c.kind) {
    case "flag": {
      const v = vars.get(c.name);
      if (v?.kind !== "bool") return undefined;
      if (v.value !== undefined) return v.value === a.holds;
      return v.condition ? { condition: v.condition, holds: a.holds } : undefined;
    }
    case "compare": {
      const unbound = [...c.lhs.symbols(), ...c.rhs.symbols()].some((n) => !bindings.has(n));
      if (unbound) return undefined;
      const ints = factsOf(ctx).isInteger;
      const lhs = c.lhs.substitute((n) => bindings.get(n), ints);
      const rhs = c.rhs.substitute((n) => bindings.get(n), ints);
      const decided = decideComparison(lhs, c.op, rhs, ctx);
      if (decided !== undefined) return decided === a.holds;
      return { condition: { kind: "compare", lhs, op: c.op, rhs }, holds: a.holds };
    }
  }
}

/**
 * A callee's assumptions at one call: "skip" where the call takes another
 * path, else those left open, in the caller's symbols, to be added to the
 * caller's own (an open one that cannot be said there is left out: what it
 * guards then applies whichever way it goes).
 */
export function assumptionsAtCall(when: Assumptions, vars: ReadonlyMap<string, Value>, bindings: ReadonlyMap<string, Poly>, ctx: Ctx): "skip" | Assumption[] {
  const open: Assumption[] = [];
  for (const a of when) {
    const at = assumptionAtCall(a, vars, bindings, ctx);
    if (at === false) return "skip";
    if (typeof at === "object") open.push(at);
  }
  return open;
}

const NEGATED: Record<ComparisonOp, ComparisonOp> = { "==": "!=", "!=": "==", "<": ">=", "<=": ">", ">": "<=", ">=": "<" };

/** `project = false`, `k > 2`, `k <= 2`: as messages say which path. */
export function assumptionText(a: Assumption): string {
  const c = a.condition;
  switch (c.kind) {
    case "flag":
      return `${c.name} = ${a.holds}`;
    case "compare": {
      const { lhs, op, rhs } = simplestComparison(c.lhs, c.op, c.rhs);
      return `${lhs} ${a.holds ? op : NEGATED[op]} ${rhs}`;
    }
  }
}

const MIRRORED: Record<ComparisonOp, ComparisonOp> = { "==": "==", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<=" };

/**
 * A comparison as simply as the algebra writes it, for messages: the terms
 * that add on the left, those that subtract and the constant on the right,
 * over their common whole factor. A condition carried from `k > 2` with
 * k = n + 1 reads `n > 1`, not `n + 1 > 2`; `2 > S` reads `S < 2`.
 */
function simplestComparison(lhs: Poly, op: ComparisonOp, rhs: Poly): { lhs: Poly; op: ComparisonOp; rhs: Poly } {
  const diff = lhs.sub(rhs);
  // Nothing adds (2 − S > 0): read the other way round, so that the left side is not empty.
  const turned = diff.bySign().plus.isZero();
  const { plus, minus, constant } = (turned ? diff.neg() : diff).bySign();
  if (plus.isZero()) return { lhs, op, rhs };
  const right = minus.sub(Poly.constant(constant));
  const over = Rational.ONE.div(commonWholeFactor(plus, right));
  return { lhs: plus.scale(over), op: turned ? MIRRORED[op] : op, rhs: right.scale(over) };
}

/** The largest whole number dividing every coefficient of `left` (all whole) and of `right` (2 for 2S and 4); else 1. */
function commonWholeFactor(left: Poly, right: Poly): Rational {
  const coefs = [...left.termList(), ...right.termList()].map((t) => t.coef);
  if (!coefs.every((c) => c.isInteger())) return Rational.ONE;
  const g = coefs.reduce((acc, c) => gcd(acc, c.num), 0n);
  return g > 1n ? Rational.of(g) : Rational.ONE;
}

/** All of them, joined: "go = false, k > 2". */
export function assumptionsText(when: Assumptions): string {
  return when.map(assumptionText).join(", ");
}
