/**
 * Polynomials as they are printed: ⌈S/8⌉ rather than the floor atom it is,
 * exact divisions as written (C/r), `·` between multi-letter names.
 */
import type { Factor, Power, Term } from "./monomials";
import { Poly } from "./poly";
import { Rational } from "./rational";

const SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹";

/**
 * A floor atom read as a ceiling, in the simplest equal form the algebra
 * knows: ⌊(n + d − 1)/d⌋ = ⌈n/d⌉ for an integer n and a whole d ≥ 2 (what a
 * strided window leaves), and ⌈⌈m/a⌉/d⌉ = ⌈m/(ad)⌉, so three stride-2 pools
 * print as ⌈S/8⌉ rather than ⌊(⌊(⌊(S + 1)/2⌋ + 1)/2⌋ + 1)/2⌋. Printing and
 * naming only (dimension names use it too): the normal form, and so
 * equality, is unchanged.
 */
export function asCeiling(f: Extract<Factor, { kind: "floor" }>): { num: Poly; den: bigint } | undefined {
  const d = f.den.constantValue();
  if (!d || !d.isInteger() || d.num < 2n) return undefined;
  // Only a numerator whose constant is d − 1 is a ceiling: ⌊S/2⌋ stays a floor.
  if (!f.num.constantTerm().equals(d.sub(Rational.ONE))) return undefined;
  const inner = f.num.sub(Poly.constant(d.sub(Rational.ONE)));
  if (inner.isZero()) return undefined;
  const terms = inner.termList();
  const only = terms.length === 1 ? terms[0] : undefined;
  const nested =
    only && only.coef.equals(Rational.ONE) && only.powers.length === 1 && only.powers[0]!.exp === 1 && only.powers[0]!.factor.kind === "floor"
      ? asCeiling(only.powers[0]!.factor)
      : undefined;
  return nested ? { num: nested.num, den: nested.den * d.num } : { num: inner, den: d.num };
}

/** `last`: the term's last factor, with a whole coefficient, where an exact division may stand unbracketed (2T·C/r). */
function formatFactor(p: Power, last: boolean): string {
  let base: string;
  const ceiling = p.factor.kind === "floor" && !p.factor.exact ? asCeiling(p.factor) : undefined;
  if (p.factor.kind === "var") base = p.factor.name;
  else if (p.factor.exact) {
    const division = `${p.factor.num.operandText()}/${p.factor.den.divisorText()}`;
    base = last && p.exp === 1 ? division : `(${division})`;
  } else if (ceiling) base = `⌈${ceiling.num.operandText()}/${ceiling.den}⌉`;
  else if (p.factor.den.constantValue()?.equals(Rational.ONE)) base = `⌊${p.factor.num}⌋`;
  else base = `⌊${p.factor.num.operandText()}/${p.factor.den.divisorText()}⌋`;
  if (p.exp === 1) return base;
  return base + [...String(p.exp)].map((ch) => SUPERSCRIPTS[Number(ch)]).join("");
}

/** Multi-letter names get a · so that "α·frames" is not read as one name. */
function joinFactors(parts: string[]): string {
  let out = "";
  let previousWasLong = false;
  for (const part of parts) {
    const long = part.length > 1 && !part.startsWith("⌊") && !part.startsWith("⌈") && !/^.[⁰-⁹²³¹]+$/.test(part);
    out += out !== "" && (long || previousWasLong) ? `·${part}` : part;
    previousWasLong = long;
  }
  return out;
}

export function formatTerm(t: Term): string {
  const { num, den } = t.coef;
  const factors = joinFactors(t.powers.map((p, i) => formatFactor(p, i === t.powers.length - 1 && den === 1n)));
  if (factors === "") return t.coef.toString();
  const numPart = num === 1n ? factors : `${num}${/^[0-9]/.test(factors) ? "·" : ""}${factors}`;
  return den === 1n ? numPart : `${numPart}/${den}`;
}
