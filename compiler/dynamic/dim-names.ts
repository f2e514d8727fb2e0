/**
 * One naming scheme for symbolic dimensions (ONNX dim_param), generated from
 * the dimension algebra's canonical polynomials, and its evaluator, so that a
 * serving system (and `sfc run`) can compute any dimension from the dynamic
 * parameters. Grammar (docs/deploy.md):
 *
 *   expr   = term (("+" | "-") term)*
 *   term   = factor ("*" factor)* ("/" integer)?
 *   factor = integer | name ("^" integer)? | "floor(" expr "/" expr ")"
 *          | "ceil(" expr "/" expr ")" | "(" expr ")"
 *
 * A term's "/ q" is exact (the checker proved the term an integer where
 * needed); floor and ceil round the quotient down and up. No spaces:
 * `T`, `8*T`, `S^2`, `ceil(S/2)`, `floor((S+1)/4)`, `2*T*S`, `T+1`.
 */
import type { Power, Term } from "../dims/monomials";
import { Poly } from "../dims/poly";
import { asCeiling } from "../dims/poly-text";
import { Rational } from "../dims/rational";

/** The symbolic batch dimension of every graph input, output and value. */
export const BATCH_DIM_PARAM = "N";

function degree(t: Term): number {
  return t.powers.reduce((s, p) => s + p.exp, 0);
}

function factorText(p: Power): string {
  const f = p.factor;
  let base: string;
  if (f.kind === "var") base = f.name;
  else {
    // ⌊(m + d − 1)/d⌋ is ⌈m/d⌉, the form a stride's output size has; nested ones are one: ⌈⌈S/2⌉/2⌉ is ⌈S/4⌉.
    const ceiling = asCeiling(f);
    base = ceiling ? `ceil(${wrap(ceiling.num)}/${ceiling.den})` : `floor(${wrap(f.num)}/${wrap(f.den)})`;
  }
  return p.exp === 1 ? base : `${base}^${p.exp}`;
}

function wrap(p: Poly): string {
  const s = dimName(p);
  return p.termList().length > 1 ? `(${s})` : s;
}

function termText(t: Term): string {
  const coef = t.coef.sign() < 0 ? t.coef.neg() : t.coef;
  const factors = t.powers.map(factorText);
  const num = coef.num;
  const parts = num === 1n && factors.length > 0 ? factors : [num.toString(), ...factors];
  const body = parts.join("*");
  return coef.den === 1n ? body : `${body}/${coef.den}`;
}

/** The dim_param name of a polynomial: highest degree first, the constant last. */
export function dimName(p: Poly): string {
  const terms = p.termList().sort((a, b) => degree(b) - degree(a) || (termText(a) < termText(b) ? -1 : termText(a) > termText(b) ? 1 : 0));
  if (terms.length === 0) return "0";
  let out = "";
  terms.forEach((t, i) => {
    const negative = t.coef.sign() < 0;
    out += i === 0 ? (negative ? "-" : "") : negative ? "-" : "+";
    out += termText(t);
  });
  return out;
}

/**
 * The name of the product of two dimensions, each a number or a name whose
 * polynomial `polyOf` gives: `ceil(S/32)^2` for a side times itself, `8*N*T`
 * for the batch times a frame count. A number when both are.
 */
export function productName(a: number | string, b: number | string, polyOf: (name: string) => Poly | undefined): number | string {
  if (typeof a === "number" && typeof b === "number") return a * b;
  const poly = (d: number | string): Poly => {
    if (typeof d === "number") return Poly.constant(d);
    const p = polyOf(d);
    if (p === undefined) throw new Error(`the dimension name ${JSON.stringify(d)} stands for no known polynomial`);
    return p;
  };
  const product = poly(a).mul(poly(b));
  return product.constantValue()?.toNumber() ?? dimName(product);
}

/** Evaluates a dimension name with integer parameter values: a size, or undefined when it cannot be read or is not a whole number. */
export function evaluateDimName(text: string, env: (name: string) => number | undefined): number | undefined {
  const value = dimNameValue(text, env);
  return value !== undefined && Number.isInteger(value) ? value : undefined;
}

/**
 * A dimension name's exact value at integer parameter values, whole or not
 * (S/2 at S = 9 is 4.5, which a requirement that it be an integer refuses);
 * undefined when it cannot be read or a parameter has no value.
 */
export function dimNameValue(text: string, env: (name: string) => number | undefined): number | undefined {
  let i = 0;
  const peek = (): string => text[i] ?? "";
  const fail = (): never => {
    throw new SyntaxError(`cannot read the dimension ${JSON.stringify(text)} at ${i}`);
  };
  const integer = (): bigint => {
    const m = /^\d+/.exec(text.slice(i));
    if (!m) return fail();
    i += m[0].length;
    return BigInt(m[0]);
  };
  const quotient = (round: "floor" | "ceil"): Rational => {
    const n = expr();
    if (peek() !== "/") fail();
    i++;
    const d = expr();
    if (peek() !== ")") fail();
    i++;
    if (d.isZero()) fail();
    const q = n.div(d);
    return Rational.of(round === "floor" ? q.floor() : -q.neg().floor());
  };
  const factor = (): Rational => {
    let base: Rational;
    if (/\d/.test(peek())) base = Rational.of(integer());
    else if (text.startsWith("floor(", i)) {
      i += 6;
      base = quotient("floor");
    } else if (text.startsWith("ceil(", i)) {
      i += 5;
      base = quotient("ceil");
    } else if (peek() === "(") {
      i++;
      base = expr();
      if (peek() !== ")") fail();
      i++;
    } else {
      const m = /^[^\s+\-*/^()\d][^\s+\-*/^()]*/u.exec(text.slice(i));
      if (!m) return fail();
      i += m[0].length;
      const v = env(m[0]);
      if (v === undefined) throw new RangeError(`no value for ${m[0]}`);
      base = Rational.of(BigInt(v));
    }
    if (peek() === "^") {
      i++;
      const e = Number(integer());
      let r = Rational.ONE;
      for (let k = 0; k < e; k++) r = r.mul(base);
      base = r;
    }
    return base;
  };
  const term = (): Rational => {
    let r = factor();
    while (peek() === "*") {
      i++;
      r = r.mul(factor());
    }
    // "/ q" ends a term, unless it is the quotient of an enclosing floor or ceil.
    if (peek() === "/" && /^\/\d+(?![\d(*^])/.test(text.slice(i)) && !insideQuotient()) {
      i++;
      r = r.div(Rational.of(integer()));
    }
    return r;
  };
  // Whether the "/" at i separates a floor's or ceil's numerator from its denominator.
  const insideQuotient = (): boolean => {
    let depth = 0;
    for (let k = i - 1; k >= 0; k--) {
      const ch = text[k];
      if (ch === ")") depth++;
      else if (ch === "(") {
        if (depth === 0) return /(?:floor|ceil)$/.test(text.slice(0, k)) && !text.slice(k + 1, i).includes("/");
        depth--;
      }
    }
    return false;
  };
  const expr = (): Rational => {
    let sign = 1;
    if (peek() === "-") {
      i++;
      sign = -1;
    }
    let r = term();
    if (sign < 0) r = r.neg();
    while (peek() === "+" || peek() === "-") {
      const op = text[i++];
      const t = term();
      r = op === "+" ? r.add(t) : r.sub(t);
    }
    return r;
  };
  try {
    const r = expr();
    return i === text.length ? r.toNumber() : undefined;
  } catch (e) {
    if (e instanceof SyntaxError || e instanceof RangeError) return undefined;
    throw e;
  }
}
