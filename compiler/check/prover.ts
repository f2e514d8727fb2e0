/**
 * The checker's decision procedures, over polynomials and what is known of
 * their symbols (which are integers, which have values). Each returns an
 * outcome and reports nothing:
 *  - proved: holds wherever the facts hold;
 *  - requires: holds wherever the listed claims hold (a generic block records
 *    them as requirements of its signature; a call decides them again);
 *  - refuted: fails at the evidence, an assignment of values to its symbols
 *    (the bound values in an instance, a counterexample in a generic block);
 *  - undecided: nothing can be said here (and nothing need be recorded).
 * What an outcome means where it arises is the interpreter's business, and
 * check/messages.ts words it.
 */
import type { IntegerSymbols } from "../dims/monomials";
import { Poly } from "../dims/poly";
import { Rational } from "../dims/rational";

/** What is known of the symbols of the polynomials being compared. */
export interface Facts {
  readonly isInteger: IntegerSymbols;
  /** A bound value (network parameters); undefined for a generic block's symbols. */
  readonly valueOf: (name: string) => Rational | undefined;
  /**
   * Sizes: a block's dimension variables, whole numbers at least 1 at every
   * call. Absent, nothing is known to be positive (an `int` parameter may be 0).
   */
  readonly isSize?: (name: string) => boolean;
}

/** A claim about dimensions: divisor | dividend, or lhs = rhs. */
export type Claim =
  { readonly relation: "divides"; readonly dividend: Poly; readonly divisor: Poly } | { readonly relation: "equal"; readonly lhs: Poly; readonly rhs: Poly };

/** Values of symbols under which a claim fails. */
export type Assignment = ReadonlyMap<string, Rational>;

export type Outcome =
  | { readonly kind: "proved" }
  | { readonly kind: "requires"; readonly claims: readonly Claim[] }
  | {
      readonly kind: "refuted";
      readonly evidence: Assignment;
      /** Present where it fails for every size, not only at the evidence (a divisibility no call can meet). */
      readonly never?: Bracket;
    }
  | { readonly kind: "undecided" };

const PROVED: Outcome = { kind: "proved" };
const UNDECIDED: Outcome = { kind: "undecided" };

export function valueOf(p: Poly, facts: Facts): Rational | undefined {
  return p.evaluate(facts.valueOf);
}

/** The bound values of the symbols of `polys`: the evidence in an instance. */
function boundValues(polys: readonly Poly[], facts: Facts): Assignment {
  const names = new Set<string>();
  for (const p of polys) p.symbols(names);
  const out = new Map<string, Rational>();
  for (const n of names) {
    const v = facts.valueOf(n);
    if (v !== undefined) out.set(n, v);
  }
  return out;
}

/**
 * Whether divisor | dividend: proved, refuted by the bound values, refuted
 * for every size (S/(S + 1): 0 < S < S + 1), or required.
 */
export function decideDivides(dividend: Poly, divisor: Poly, facts: Facts): Outcome {
  const q = dividend.divExact(divisor);
  if (q && q.isIntegral(facts.isInteger)) return PROVED;
  const a = valueOf(dividend, facts);
  const b = valueOf(divisor, facts);
  if (a !== undefined && b !== undefined && !b.isZero())
    return a.div(b).isInteger() ? PROVED : { kind: "refuted", evidence: boundValues([dividend, divisor], facts) };
  const never = bracket(dividend, divisor, facts);
  if (never) return { kind: "refuted", evidence: atSmallestSizes([dividend, divisor], facts), never };
  return { kind: "requires", claims: [{ relation: "divides", dividend, divisor }] };
}

/** Whether `p` is an integer. */
export function decideIntegral(p: Poly, facts: Facts): Outcome {
  return decideDivides(p, Poly.ONE, facts);
}

/**
 * Equality of dimensions: by normal form; in an instance, by value; then, for
 * a generic block, by reading floors as exact (what S/2 means for a stride-2
 * output) under the divisibility that makes it so. Sizes that differ by a
 * non-constant amount may agree for some arguments: that is a requirement.
 */
export function compareDims(found: Poly, expected: Poly, facts: Facts): Outcome {
  if (found.equals(expected)) return PROVED;
  const fv = valueOf(found, facts);
  const ev = valueOf(expected, facts);
  if (fv !== undefined && ev !== undefined) return fv.equals(ev) ? PROVED : { kind: "refuted", evidence: boundValues([found, expected], facts) };
  const a = found.withoutFloors(facts.isInteger);
  const b = expected.withoutFloors(facts.isInteger);
  if (a.poly.equals(b.poly)) {
    const decided = [...a.divisibility, ...b.divisibility].map((d) => decideDivides(d.dividend, d.divisor, facts));
    if (!decided.some((o) => o.kind === "refuted")) {
      const claims = decided.flatMap((o) => (o.kind === "requires" ? o.claims : []));
      return claims.length === 0 ? PROVED : { kind: "requires", claims };
    }
  }
  const difference = found.sub(expected);
  if (difference.constantValue() === undefined && !nonZeroForSizes(difference, facts))
    return { kind: "requires", claims: [{ relation: "equal", lhs: found, rhs: expected }] };
  // They differ by a constant, or by an amount of one sign at every size (2D against D): wherever both are defined.
  const evidence = counterexample({ relation: "equal", lhs: found, rhs: expected }, facts);
  return evidence ? { kind: "refuted", evidence } : { kind: "requires", claims: [{ relation: "equal", lhs: found, rhs: expected }] };
}

export function decide(claim: Claim, facts: Facts): Outcome {
  return claim.relation === "divides" ? decideDivides(claim.dividend, claim.divisor, facts) : compareDims(claim.lhs, claim.rhs, facts);
}

/** Whether `p` ≥ `min`; undecided while it has no value. */
export function decideAtLeast(p: Poly, min: Rational, facts: Facts): Outcome {
  const v = valueOf(p, facts);
  if (v === undefined) return UNDECIDED;
  return v.compare(min) < 0 ? { kind: "refuted", evidence: boundValues([p], facts) } : PROVED;
}

/** A claim made at a callee's symbols, stated at the caller's (dimension variables bound). */
export function bindClaim(claim: Claim, bindings: ReadonlyMap<string, Poly>, isInteger: IntegerSymbols): Claim {
  const bind = (p: Poly) => p.substitute((n) => bindings.get(n), isInteger);
  return claim.relation === "divides"
    ? { relation: "divides", dividend: bind(claim.dividend), divisor: bind(claim.divisor) }
    : { relation: "equal", lhs: bind(claim.lhs), rhs: bind(claim.rhs) };
}

export type Solution =
  /** X = value, wherever the claims hold (none: always). */
  | { readonly kind: "solved"; readonly value: Poly; readonly claims: readonly Claim[] }
  /** With the bound values, X = quotient, which is not a positive integer. */
  | { readonly kind: "refuted"; readonly quotient: Rational; readonly evidence: Assignment }
  | { readonly kind: "unsolvable" };

/** Solves a·X + b = actual for the dimension variable X, which must be a positive integer. */
export function solveLinear(lin: { readonly a: Poly; readonly b: Poly }, actual: Poly, facts: Facts): Solution {
  const rhs = actual.sub(lin.b);
  const exact = rhs.divExact(lin.a);
  const rv = valueOf(rhs, facts);
  const av = valueOf(lin.a, facts);
  // A dimension is a positive whole number: βC = 4 with β = −1/4 would make C = −16, refuted below with the values.
  const notPositive = rv !== undefined && av !== undefined && !av.isZero() && rv.div(av).sign() <= 0;
  if (exact && exact.isIntegral(facts.isInteger) && !notPositive) return { kind: "solved", value: exact, claims: [] };
  if (rv !== undefined && av !== undefined && !av.isZero()) {
    const q = rv.div(av);
    if (q.isInteger() && q.sign() > 0) return { kind: "solved", value: exact ?? Poly.constant(q), claims: [] };
    return { kind: "refuted", quotient: q, evidence: boundValues([rhs, lin.a], facts) };
  }
  if (exact) return { kind: "solved", value: exact, claims: [{ relation: "divides", dividend: rhs, divisor: lin.a }] };
  return { kind: "unsolvable" };
}

/** Whether the claim holds under the assignment; undefined where it is not defined there. */
export function holdsAt(claim: Claim, at: Assignment): boolean | undefined {
  const env = (n: string) => at.get(n);
  if (claim.relation === "divides") {
    const a = claim.dividend.evaluate(env);
    const b = claim.divisor.evaluate(env);
    if (a === undefined || b === undefined || b.isZero()) return undefined;
    return a.div(b).isInteger();
  }
  const l = claim.lhs.evaluate(env);
  const r = claim.rhs.evaluate(env);
  if (l === undefined || r === undefined) return undefined;
  return l.equals(r);
}

/**
 * Values under which the claim fails, searched among small positive integers
 * for the symbols without a bound value (dimensions and parameters are
 * positive). Undefined when none of those fails it.
 */
export function counterexample(claim: Claim, facts: Facts): Assignment | undefined {
  const names = new Set<string>();
  if (claim.relation === "divides") [claim.dividend, claim.divisor].forEach((p) => p.symbols(names));
  else [claim.lhs, claim.rhs].forEach((p) => p.symbols(names));
  const bound = new Map<string, Rational>();
  const free: string[] = [];
  for (const n of names) {
    const v = facts.valueOf(n);
    if (v === undefined) free.push(n);
    else bound.set(n, v);
  }
  const LARGEST = 7;
  const LIMIT = 4096;
  const digits = free.map(() => 1);
  for (let tries = 0; tries < LIMIT; tries++) {
    const at = new Map(bound);
    free.forEach((n, i) => at.set(n, Rational.of(digits[i] ?? 1)));
    if (holdsAt(claim, at) === false) return at;
    // The next point of the grid {1..LARGEST}^free, last symbol fastest.
    let i = free.length - 1;
    while (i >= 0 && (digits[i] ?? 1) === LARGEST) digits[i--] = 1;
    if (i < 0) return undefined;
    digits[i] = (digits[i] ?? 1) + 1;
  }
  return undefined;
}

/**
 * Why divisor ∤ dividend at every size: dividend = quotient·divisor +
 * remainder, with the quotient a whole number and 0 < remainder < divisor
 * wherever the sizes are at least 1, so dividend/divisor lies strictly
 * between the quotient and the quotient + 1.
 */
export interface Bracket {
  readonly quotient: Poly;
  readonly remainder: Poly;
}

/**
 * A bracket for divisor | dividend, where the symbols without a value are
 * all sizes and no floor atom is involved; undefined where none is found
 * (which proves nothing either way).
 */
function bracket(dividend: Poly, divisor: Poly, facts: Facts): Bracket | undefined {
  const isSize = facts.isSize;
  if (!isSize) return undefined;
  const names = new Set<string>();
  dividend.symbols(names);
  divisor.symbols(names);
  const free = [...names].filter((n) => facts.valueOf(n) === undefined);
  if (free.length === 0 || !free.every(isSize)) return undefined;
  const known = (n: string) => {
    const v = facts.valueOf(n);
    return v === undefined ? undefined : Poly.constant(v);
  };
  const a = dividend.substitute(known, facts.isInteger);
  const b = divisor.substitute(known, facts.isInteger);
  if (a.hasFloorAtoms() || b.hasFloorAtoms()) return undefined;
  for (const quotient of quotients(a, b, free)) {
    if (!quotient.isIntegral(facts.isInteger)) continue;
    const remainder = a.sub(quotient.mul(b));
    if (positiveForSizes(remainder) && positiveForSizes(b.sub(remainder))) return { quotient, remainder };
  }
  return undefined;
}

/**
 * Candidates for ⌊a/b⌋: a whole constant read off the ratio at the smallest
 * sizes and at large ones, alone or added to a's polynomial part over b
 * (C for (2C + 1)/2). Each is only a guess: bracket() proves it or drops it.
 */
function quotients(a: Poly, b: Poly, free: readonly string[]): Poly[] {
  const bases = [Poly.ZERO];
  const part = a.sub(Poly.constant(a.constantTerm())).divExact(b);
  if (part && !part.isZero()) bases.push(part);
  const out: Poly[] = [];
  for (const base of bases) {
    const rest = a.sub(base.mul(b));
    for (const size of [1, 1024]) {
      const at = (n: string) => (free.includes(n) ? Rational.of(size) : undefined);
      const r = rest.evaluate(at);
      const d = b.evaluate(at);
      if (r !== undefined && d !== undefined && !d.isZero()) out.push(base.add(Poly.constant(r.div(d).floor())));
    }
  }
  return out;
}

/**
 * p > 0 wherever each of its symbols is at least 1: written in y = symbol − 1
 * (y ≥ 0), no coefficient is negative and the constant is positive.
 */
function positiveForSizes(p: Poly): boolean {
  const shifted = shiftedToSizes(p);
  return shifted.constantTerm().sign() > 0 && shifted.termList().every((t) => t.coef.sign() >= 0);
}

/** p ≥ 0 wherever each of its symbols is at least 1: no coefficient in y = symbol − 1 is negative (C − 1, C² − C). */
function nonNegativeForSizes(p: Poly): boolean {
  return shiftedToSizes(p)
    .termList()
    .every((t) => t.coef.sign() >= 0);
}

function shiftedToSizes(p: Poly): Poly {
  return p.substitute(
    (n) => Poly.symbol(n).add(Poly.ONE),
    () => true,
  );
}

/** A bound on the sign of a dimension, as `sign(p)` compares with 0. */
export type SignBound = "positive" | "non-negative" | "negative" | "non-positive";

/**
 * What sizes being at least 1 say of the sign of `p`, where every symbol
 * without a value is a size and no floor atom is involved: C − 1 ≥ 0 and
 * C > 0 for every C. Undefined where they say nothing (S − 7, or an `int`
 * parameter, which may be 0).
 */
export function signForSizes(p: Poly, facts: Facts): SignBound | undefined {
  const q = withSizesOnly(p, facts);
  if (q === undefined) return undefined;
  if (positiveForSizes(q)) return "positive";
  if (positiveForSizes(q.neg())) return "negative";
  if (nonNegativeForSizes(q)) return "non-negative";
  if (nonNegativeForSizes(q.neg())) return "non-positive";
  return undefined;
}

/** `p` with the bound values substituted, where every other symbol is a size and no floor atom is left; else undefined. */
function withSizesOnly(p: Poly, facts: Facts): Poly | undefined {
  const isSize = facts.isSize;
  if (!isSize) return undefined;
  const names = new Set<string>();
  p.symbols(names);
  if (![...names].every((n) => facts.valueOf(n) !== undefined || isSize(n))) return undefined;
  const known = (n: string) => {
    const v = facts.valueOf(n);
    return v === undefined ? undefined : Poly.constant(v);
  };
  const q = p.substitute(known, facts.isInteger);
  return q.hasFloorAtoms() ? undefined : q;
}

/**
 * Whether `p` is never 0 where its symbols without a value are sizes: it has
 * no floor atom and one sign at every size (D for 2D − D, since D ≥ 1).
 */
function nonZeroForSizes(p: Poly, facts: Facts): boolean {
  const sign = signForSizes(p, facts);
  return sign === "positive" || sign === "negative";
}

/** The bound values, and 1 for every size without one: where a bracketed claim fails. */
function atSmallestSizes(polys: readonly Poly[], facts: Facts): Assignment {
  const names = new Set<string>();
  for (const p of polys) p.symbols(names);
  const out = new Map<string, Rational>();
  for (const n of names) out.set(n, facts.valueOf(n) ?? Rational.ONE);
  return out;
}
