/**
 * The pieces of a polynomial (compiler/dims/poly.ts): factors, powers and
 * terms, their keys and the two orders they are kept in, and the products
 * and quotients of monomials.
 */
import type { Poly } from "./poly";
import type { Rational } from "./rational";

/** Which symbols take only integer values (dimension variables, int params). */
export type IntegerSymbols = (name: string) => boolean;

export type Factor =
  | { readonly kind: "var"; readonly name: string; readonly key: string }
  /**
   * ⌊num/den⌋. `exact`: a division written exact (C/r), which is whole
   * wherever the requirement that den divides num holds, so it prints as
   * written. Not part of the key: it equals the floor wherever it is defined.
   */
  | { readonly kind: "floor"; readonly num: Poly; readonly den: Poly; readonly key: string; readonly exact?: true };

export interface Power {
  readonly factor: Factor;
  readonly exp: number;
}

export interface Term {
  readonly powers: readonly Power[]; // sorted by factor order, exponents > 0
  readonly coef: Rational;
}

/** A term with its monomial key, as a polynomial stores it. */
export interface KeyedTerm extends Term {
  readonly key: string;
}

const GREEK = "αβγδεζηθικλμνξοπρστυφχψω";

/** Paper order: Greek parameters first (αβC, not Cαβ), then names, then floor atoms. */
function factorRank(f: Factor): [number, string] {
  if (f.kind === "floor") return [2, f.key];
  const g = GREEK.indexOf(f.name[0] ?? "");
  return g >= 0 ? [0, f.name] : [1, f.name];
}

export function compareFactors(a: Factor, b: Factor): number {
  const [ra, ka] = factorRank(a);
  const [rb, kb] = factorRank(b);
  return ra !== rb ? ra - rb : ka < kb ? -1 : ka > kb ? 1 : 0;
}

export function monomialKey(powers: readonly Power[]): string {
  return powers.map((p) => (p.exp === 1 ? p.factor.key : `${p.factor.key}^${p.exp}`)).join("·");
}

/** The order of a polynomial's terms: by monomial key, as `<` orders strings (its key lists them so). */
export const byKey = (a: KeyedTerm, b: KeyedTerm): number => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/** A product of integer symbols and floor atoms: integer wherever they are. */
export function integralMonomial(powers: readonly Power[], ints: IntegerSymbols): boolean {
  return powers.every((p) => p.factor.kind === "floor" || ints(p.factor.name));
}

export function multiplyPowers(a: readonly Power[], b: readonly Power[]): Power[] {
  const out: Power[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length) out.push(a[i++]!);
    else if (i >= a.length) out.push(b[j++]!);
    else {
      const c = compareFactors(a[i]!.factor, b[j]!.factor);
      if (c < 0) out.push(a[i++]!);
      else if (c > 0) out.push(b[j++]!);
      else out.push({ factor: a[i]!.factor, exp: a[i++]!.exp + b[j++]!.exp });
    }
  }
  return out;
}

export function dividePowers(a: readonly Power[], b: readonly Power[]): Power[] | undefined {
  const out: Power[] = [];
  const remaining = new Map(b.map((p) => [p.factor.key, p.exp]));
  for (const p of a) {
    const e = remaining.get(p.factor.key) ?? 0;
    if (e > p.exp) return undefined;
    remaining.delete(p.factor.key);
    if (p.exp > e) out.push({ factor: p.factor, exp: p.exp - e });
  }
  return remaining.size === 0 ? out : undefined;
}

function degree(t: Term): number {
  return t.powers.reduce((s, p) => s + p.exp, 0);
}

export function termOrder(a: Term, b: Term): number {
  const da = degree(a);
  const db = degree(b);
  if (da !== db) return db - da; // highest degree first, constant last
  for (let i = 0; i < Math.min(a.powers.length, b.powers.length); i++) {
    const c = compareFactors(a.powers[i]!.factor, b.powers[i]!.factor);
    if (c !== 0) return c;
    // Same factor, different power (S²T against ST²): without this the order,
    // and so the printed form, would follow the insertion order of the terms.
    const e = b.powers[i]!.exp - a.powers[i]!.exp;
    if (e !== 0) return e;
  }
  return a.powers.length - b.powers.length;
}
