/**
 * Canonical polynomials over named symbols with exact rational coefficients:
 * the dimension algebra every shape goes through. A polynomial's normal form
 * is unique (terms keyed by their sorted monomial), so two dimensions are
 * equal exactly when their keys are. Integer division that does not come out
 * exact is kept as an opaque floor atom ⌊n/d⌋, itself canonicalised, so
 * ⌊(S−1)/2⌋ + 1 and ⌈S/2⌉ have one normal form.
 */
import { Rational, gcd } from "./rational";
import {
  byKey,
  dividePowers,
  integralMonomial,
  monomialKey,
  multiplyPowers,
  termOrder,
  type Factor,
  type IntegerSymbols,
  type KeyedTerm,
  type Term,
} from "./monomials";
import { formatTerm } from "./poly-text";

/** The most terms a long division's quotient may have before it is given up (see longDivide). */
const QUOTIENT_TERMS_SHOWN = 256;

/** Bounds on a polynomial's size: see Poly.excess. */
export interface PolyBounds {
  readonly terms: number;
  readonly degree: number;
  readonly digits: number;
}

/** Which bound a polynomial is past, and its size there (for digits: the bound). */
export interface PolyExcess {
  readonly kind: "terms" | "degree" | "digits";
  readonly found: number;
}

/** A dimension as a polynomial in the network's symbols, with floors and ceilings of quotients (`ceil(S/32)`). */
export class Poly {
  private cachedKey: string | undefined;
  private cachedSymbols: readonly string[] | undefined;

  /**
   * Terms sorted by monomial key, keys distinct, no zero coefficient: the
   * normal form. An array rather than a Map: a polynomial is a handful of
   * terms, made by the thousand while a network elaborates, and building a
   * Map and iterating it (before V8 optimises the code) cost more than the
   * arithmetic.
   */
  private constructor(private readonly terms: readonly KeyedTerm[]) {}

  static readonly ZERO = new Poly([]);
  static readonly ONE = Poly.constant(Rational.ONE);

  static constant(value: Rational | bigint | number): Poly {
    const r = value instanceof Rational ? value : Rational.of(value);
    if (r.isZero()) return Poly.ZERO;
    return new Poly([{ powers: [], coef: r, key: "" }]);
  }

  static symbol(name: string): Poly {
    const factor: Factor = { kind: "var", name, key: name };
    return new Poly([{ powers: [{ factor, exp: 1 }], coef: Rational.ONE, key: name }]);
  }

  /** The normal form of a sum of terms: like terms added, zeros dropped, sorted by key. */
  private static fromTerms(terms: readonly Term[]): Poly {
    const keyed: KeyedTerm[] = [];
    for (const t of terms) if (!t.coef.isZero()) keyed.push({ powers: t.powers, coef: t.coef, key: monomialKey(t.powers) });
    keyed.sort(byKey);
    const out: KeyedTerm[] = [];
    for (const t of keyed) {
      const last = out[out.length - 1];
      if (last === undefined || last.key !== t.key) out.push(t);
      else {
        const coef = last.coef.add(t.coef);
        if (coef.isZero()) out.pop();
        else out[out.length - 1] = { powers: last.powers, coef, key: t.key };
      }
    }
    return new Poly(out);
  }

  private static atom(num: Poly, den: Poly, exact: boolean): Poly {
    const key = `⌊(${num.key})/(${den.key})⌋`;
    const factor: Factor = exact ? { kind: "floor", num, den, key, exact } : { kind: "floor", num, den, key };
    return Poly.fromTerms([{ powers: [{ factor, exp: 1 }], coef: Rational.ONE }]);
  }

  /** The canonical key: equal polynomials have equal keys. */
  get key(): string {
    this.cachedKey ??= this.terms.map((t) => `${t.coef}*${t.key}`).join("+");
    return this.cachedKey;
  }

  equals(other: Poly): boolean {
    return this.key === other.key;
  }

  /** The two sorted term lists merged, like terms added. */
  add(o: Poly): Poly {
    const a = this.terms;
    const b = o.terms;
    if (b.length === 0) return this;
    if (a.length === 0) return o;
    const out: KeyedTerm[] = [];
    let i = 0;
    let j = 0;
    while (i < a.length && j < b.length) {
      const x = a[i]!;
      const y = b[j]!;
      const c = byKey(x, y);
      if (c < 0) {
        out.push(x);
        i++;
      } else if (c > 0) {
        out.push(y);
        j++;
      } else {
        const coef = x.coef.add(y.coef);
        if (!coef.isZero()) out.push({ powers: x.powers, coef, key: x.key });
        i++;
        j++;
      }
    }
    while (i < a.length) out.push(a[i++]!);
    while (j < b.length) out.push(b[j++]!);
    return new Poly(out);
  }
  sub(o: Poly): Poly {
    return this.add(o.neg());
  }
  neg(): Poly {
    return this.scale(Rational.of(-1));
  }
  scale(r: Rational): Poly {
    if (r.isZero()) return Poly.ZERO;
    if (r.equals(Rational.ONE)) return this;
    // A non-zero factor keeps every term non-zero and the keys in order.
    return new Poly(this.terms.map((t) => ({ powers: t.powers, coef: t.coef.mul(r), key: t.key })));
  }
  mul(o: Poly): Poly {
    // A constant factor only scales the other's terms: no products of powers to sort and merge.
    const c = o.constantValue();
    if (c !== undefined) return this.scale(c);
    const d = this.constantValue();
    if (d !== undefined) return o.scale(d);
    const out: Term[] = [];
    for (const a of this.terms) for (const b of o.terms) out.push({ powers: multiplyPowers(a.powers, b.powers), coef: a.coef.mul(b.coef) });
    return Poly.fromTerms(out);
  }

  isZero(): boolean {
    return this.terms.length === 0;
  }

  /**
   * The first bound the polynomial is past, if any: more than `terms` terms,
   * a term of total degree above `degree`, or a coefficient of more than
   * `digits` digits, counting what floor and ceiling brackets hold (⌈T²/2⌉
   * is of degree 2). Arithmetic on polynomials within them stays cheap;
   * repeated squaring outgrows any of them in a few dozen steps.
   */
  excess(bounds: PolyBounds): PolyExcess | undefined {
    const measured = this.measure(bounds, { terms: 0 });
    return typeof measured === "number" ? undefined : measured;
  }

  /** The degree, or the bound it is past; `counted`: the terms seen so far, brackets' included. */
  private measure(bounds: PolyBounds, counted: { terms: number }): number | PolyExcess {
    counted.terms += this.terms.length;
    if (counted.terms > bounds.terms) return { kind: "terms", found: counted.terms };
    let highest = 0;
    for (const t of this.terms) {
      if (t.coef.exceedsDigits(bounds.digits)) return { kind: "digits", found: bounds.digits };
      let degree = 0;
      for (const p of t.powers) {
        if (p.factor.kind === "var") {
          degree += p.exp;
          continue;
        }
        const num = p.factor.num.measure(bounds, counted);
        if (typeof num !== "number") return num;
        const den = p.factor.den.measure(bounds, counted);
        if (typeof den !== "number") return den;
        degree += num * p.exp;
      }
      if (degree > bounds.degree) return { kind: "degree", found: degree };
      highest = Math.max(highest, degree);
    }
    return highest;
  }

  /** The value when the polynomial has no symbols. */
  constantValue(): Rational | undefined {
    if (this.terms.length === 0) return Rational.ZERO;
    if (this.terms.length === 1 && this.terms[0]!.key === "") return this.terms[0]!.coef;
    return undefined;
  }

  /** The constant term (0 when there is none). */
  constantTerm(): Rational {
    // "" sorts first.
    return this.terms[0]?.key === "" ? this.terms[0].coef : Rational.ZERO;
  }

  /**
   * Names of the symbols it mentions, floor atoms' insides included, in the
   * order the printed form shows them (αC + D: α, C, D), which messages list.
   */
  symbols(into: Set<string> = new Set()): Set<string> {
    for (const name of this.symbolList()) into.add(name);
    return into;
  }

  /** The symbols in printed order, found once: the checker asks of the same sizes again and again. */
  private symbolList(): readonly string[] {
    if (this.cachedSymbols !== undefined) return this.cachedSymbols;
    const found = new Set<string>();
    const terms = this.terms.length > 1 ? [...this.terms].sort(termOrder) : this.terms;
    for (const t of terms)
      for (const p of t.powers) {
        if (p.factor.kind === "var") found.add(p.factor.name);
        else {
          p.factor.num.symbols(found);
          p.factor.den.symbols(found);
        }
      }
    this.cachedSymbols = [...found];
    return this.cachedSymbols;
  }

  /** As an operand of a product or a quotient: a sum in brackets, (S + 1). */
  operandText(): string {
    return this.terms.length > 1 ? `(${this})` : this.toString();
  }

  /**
   * As a divisor: in brackets unless a constant, or one symbol or floor atom
   * (to a power) with coefficient 1. S/2m would read as (S/2)·m, since a
   * product by juxtaposition binds less tightly than `/`: S/(2m).
   */
  divisorText(): string {
    const [only] = this.terms;
    const bare = this.constantValue() !== undefined || (this.terms.length === 1 && only!.coef.equals(Rational.ONE) && only!.powers.length === 1);
    return bare ? this.toString() : `(${this})`;
  }

  hasFloorAtoms(): boolean {
    for (const t of this.terms) if (t.powers.some((p) => p.factor.kind === "floor")) return true;
    return false;
  }

  /** True when it takes an integer value wherever its integer symbols are integers. */
  isIntegral(ints: IntegerSymbols): boolean {
    for (let k = 0; k < this.terms.length; k++) {
      const t = this.terms[k]!;
      if (!t.coef.isInteger()) return false;
      for (let j = 0; j < t.powers.length; j++) {
        const f = t.powers[j]!.factor;
        if (f.kind === "var" && !ints(f.name)) return false;
      }
    }
    return true;
  }

  substitute(binding: (name: string) => Poly | undefined, ints: IntegerSymbols): Poly {
    let sum: Poly = Poly.ZERO;
    let changed = false;
    for (const t of this.terms) {
      let acc = Poly.constant(t.coef);
      for (const p of t.powers) {
        let base: Poly;
        if (p.factor.kind === "var") {
          const bound = binding(p.factor.name);
          if (bound !== undefined) changed = true;
          base = bound ?? Poly.symbol(p.factor.name);
        } else {
          changed = true;
          const [num, den] = [p.factor.num.substitute(binding, ints), p.factor.den.substitute(binding, ints)];
          base = p.factor.exact ? exactDiv(num, den, ints) : floorDiv(num, den, ints);
        }
        for (let i = 0; i < p.exp; i++) acc = acc.mul(base);
      }
      sum = sum.add(acc);
    }
    // Nothing bound: the polynomial itself, with its cached key.
    return changed ? sum : this;
  }

  /** The value under `env`, or undefined when a symbol is unbound. */
  evaluate(env: (name: string) => Rational | undefined): Rational | undefined {
    const safe = this.evaluateSafeInteger(env);
    if (safe === undefined) return undefined;
    if (!Number.isNaN(safe)) return Rational.of(safe);
    let sum = Rational.ZERO;
    for (const t of this.terms) {
      let acc = t.coef;
      for (const p of t.powers) {
        let v: Rational | undefined;
        if (p.factor.kind === "var") v = env(p.factor.name);
        else {
          const n = p.factor.num.evaluate(env);
          const d = p.factor.den.evaluate(env);
          if (n === undefined || d === undefined || d.isZero()) return undefined;
          v = Rational.of(n.div(d).floor());
        }
        if (v === undefined) return undefined;
        for (let i = 0; i < p.exp; i++) acc = acc.mul(v);
      }
      sum = sum.add(acc);
    }
    return sum;
  }

  /**
   * evaluate's value in JS numbers, for the usual case where every
   * coefficient, value and partial result is a safe integer: NaN as soon as
   * one is not (evaluate then computes exactly), undefined where evaluate
   * gives undefined. Shapes are integers, and bigint arithmetic, which V8
   * runs slowly in code not yet optimised, was most of elaborating a network.
   */
  private evaluateSafeInteger(env: (name: string) => Rational | undefined): number | undefined {
    let sum = 0;
    // Indexed loops: for...of allocates an iterator result per step until V8 optimises the code.
    for (let k = 0; k < this.terms.length; k++) {
      const t = this.terms[k]!;
      let acc = t.coef.toSafeInteger() ?? Number.NaN;
      if (Number.isNaN(acc)) return Number.NaN;
      for (let j = 0; j < t.powers.length; j++) {
        const p = t.powers[j]!;
        let v: number;
        if (p.factor.kind === "var") {
          const bound = env(p.factor.name);
          if (bound === undefined) return undefined;
          v = bound.toSafeInteger() ?? Number.NaN;
        } else {
          const n = p.factor.num.evaluateSafeInteger(env);
          const d = p.factor.den.evaluateSafeInteger(env);
          if (n === undefined || d === undefined || d === 0) return undefined;
          v = floorOfQuotient(n, d);
        }
        for (let i = 0; i < p.exp; i++) acc *= v;
        if (!Number.isSafeInteger(acc)) return Number.NaN;
      }
      sum += acc;
      if (!Number.isSafeInteger(sum)) return Number.NaN;
    }
    return sum;
  }

  /**
   * this / d as a polynomial, when d divides it exactly: (C² + C)/(C + 1) = C.
   * Floor atoms count as symbols of their own, so this proves divisibility
   * only where it holds for every value; undefined means "not shown".
   */
  divExact(d: Poly): Poly | undefined {
    const c = d.constantValue();
    if (c !== undefined) {
      if (c.isZero()) return undefined;
      // By one, as every integrality check divides: itself, with no reciprocal made.
      return c.equals(Rational.ONE) ? this : this.scale(Rational.ONE.div(c));
    }
    if (d.terms.length === 1) {
      const dt = d.terms[0]!;
      const out: Term[] = [];
      for (const t of this.terms) {
        const powers = dividePowers(t.powers, dt.powers);
        if (!powers) return undefined;
        out.push({ powers, coef: t.coef.div(dt.coef) });
      }
      return Poly.fromTerms(out);
    }
    return this.longDivide(d);
  }

  /**
   * Division by a sum, term by term from the leading terms (graded order,
   * termOrder): a single divisor is a Gröbner basis of the multiples it
   * generates, so the division leaves nothing exactly when d divides this.
   * It stops at the first leading term d's does not divide, since nothing
   * later could cancel it, and after QUOTIENT_TERMS_SHOWN terms, which only
   * leaves a divisibility unshown.
   */
  private longDivide(d: Poly): Poly | undefined {
    const lead = (p: Poly): KeyedTerm => p.terms.reduce((best, t) => (termOrder(t, best) < 0 ? t : best));
    const dLead = lead(d);
    const quotient: Term[] = [];
    for (let rest: Poly = this; !rest.isZero();) {
      if (quotient.length === QUOTIENT_TERMS_SHOWN) return undefined;
      const rLead = lead(rest);
      const powers = dividePowers(rLead.powers, dLead.powers);
      if (!powers) return undefined;
      const step: Term = { powers, coef: rLead.coef.div(dLead.coef) };
      quotient.push(step);
      rest = rest.sub(Poly.fromTerms([step]).mul(d));
    }
    return Poly.fromTerms(quotient);
  }

  /** The terms with a positive coefficient, and the others negated, constants apart: this = plus − minus + constant. */
  bySign(): { plus: Poly; minus: Poly; constant: Rational } {
    const symbolic = this.terms.filter((t) => t.key !== "");
    const plus = Poly.fromTerms(symbolic.filter((t) => t.coef.sign() > 0));
    const minus = Poly.fromTerms(symbolic.filter((t) => t.coef.sign() < 0).map((t) => ({ powers: t.powers, coef: t.coef.neg() })));
    return { plus, minus, constant: this.constantTerm() };
  }

  /** Splits into terms, for canonicalising floors and for printing. */
  termList(): Term[] {
    return [...this.terms];
  }

  /**
   * Replaces every top-level floor atom ⌊n/d⌋ by the exact quotient n/d and
   * returns what must hold for that to be right (d divides n).
   */
  withoutFloors(ints: IntegerSymbols): { poly: Poly; divisibility: Array<{ dividend: Poly; divisor: Poly }> } {
    const divisibility: Array<{ dividend: Poly; divisor: Poly }> = [];
    const out: Poly[] = [];
    for (const t of this.terms) {
      let acc = Poly.constant(t.coef);
      for (const p of t.powers) {
        let base: Poly;
        if (p.factor.kind === "var") base = Poly.symbol(p.factor.name);
        else {
          // ⌊(q + r)/d⌋ = q/d + ⌊r/d⌋ when d divides q, for a constant r: the
          // condition a user means by writing S/2 for a stride-2 output.
          const inner = p.factor.num.withoutFloors(ints);
          const r = inner.poly.constantTerm();
          const q = inner.poly.sub(Poly.constant(r));
          const den = p.factor.den;
          const dc = den.constantValue();
          const rest = dc !== undefined ? Poly.constant(Rational.of(r.div(dc).floor())) : floorDiv(Poly.constant(r), den, ints);
          divisibility.push(...inner.divisibility);
          const exact = q.divExact(den);
          // Only a floor actually read as exact needs d | q; one that stays a
          // floor (a symbolic divisor not dividing q) needs nothing.
          if (exact && !q.isZero()) divisibility.push({ dividend: q, divisor: den });
          base = exact ? exact.add(rest) : floorDiv(inner.poly, den, ints);
        }
        for (let i = 0; i < p.exp; i++) acc = acc.mul(base);
      }
      out.push(acc);
    }
    return { poly: out.reduce((a, b) => a.add(b), Poly.ZERO), divisibility };
  }

  /** The coefficient of `name` when the polynomial is linear in it: this = a·name + b. */
  linearIn(name: string): { a: Poly; b: Poly } | undefined {
    const aTerms: Term[] = [];
    const bTerms: Term[] = [];
    for (const t of this.terms) {
      const i = t.powers.findIndex((p) => p.factor.kind === "var" && p.factor.name === name);
      if (i < 0) {
        for (const p of t.powers) if (p.factor.kind === "floor" && (p.factor.num.symbols().has(name) || p.factor.den.symbols().has(name))) return undefined;
        bTerms.push(t);
        continue;
      }
      if (t.powers[i]!.exp !== 1) return undefined;
      const rest = t.powers.filter((_, j) => j !== i);
      if (rest.some((p) => p.factor.kind === "floor" && (p.factor.num.symbols().has(name) || p.factor.den.symbols().has(name)))) return undefined;
      aTerms.push({ powers: rest, coef: t.coef });
    }
    if (aTerms.length === 0) return undefined;
    return { a: Poly.fromTerms(aTerms), b: Poly.fromTerms(bTerms) };
  }

  /** The paper's notation: αβC, 2βC, αT − 1, S/2, ⌊(S − 1)/2⌋. */
  toString(): string {
    const terms = this.termList().sort((x, y) => termOrder(x, y));
    if (terms.length === 0) return "0";
    // A sum over one denominator reads as the paper writes it: (k − 1)/2, not k/2 − 1/2.
    const den = terms.reduce((l, t) => (l * t.coef.den) / gcd(l, t.coef.den), 1n);
    if (terms.length > 1 && den > 1n) return `(${this.scale(Rational.of(den)).toString()})/${den}`;
    let s = "";
    terms.forEach((t, i) => {
      const negative = t.coef.sign() < 0;
      const body = formatTerm(negative ? { powers: t.powers, coef: t.coef.neg() } : t);
      if (i === 0) s = negative ? `−${body}` : body;
      else s += negative ? ` − ${body}` : ` + ${body}`;
    });
    return s;
  }

  /** For floorDiv and exactDiv: the terms, so integer multiples of the divisor can be taken out. */
  static splitFloor(n: Poly, d: Poly, ints: IntegerSymbols, exact = false): Poly {
    const c = d.constantValue();
    if (c !== undefined) {
      if (c.sign() <= 0) throw new RangeError("floor division by a non-positive constant");
      // ⌊n/c⌋ depends only on the polynomial n/c, so the form is built from
      // that quotient: ⌊(3S/2)/1⌋, ⌊3S/2⌋, ⌊S/(2/3)⌋ and ⌊6S/4⌋ come out alike.
      const quotient = n.scale(Rational.ONE.div(c));
      // Both parts keep the quotient's terms in its order, each with a non-zero coefficient: already in normal form.
      const outside: KeyedTerm[] = [];
      const inside: KeyedTerm[] = [];
      let allIntegral = true;
      for (const t of quotient.terms) {
        if (!integralMonomial(t.powers, ints)) {
          allIntegral = false;
          inside.push(t);
          continue;
        }
        // coef = k + f with k an integer and 0 ≤ f < 1: k times an integer comes out exactly.
        const k = t.coef.floor();
        const f = t.coef.sub(Rational.of(k));
        if (k !== 0n) outside.push({ powers: t.powers, coef: Rational.of(k), key: t.key });
        if (!f.isZero()) inside.push({ powers: t.powers, coef: f, key: t.key });
      }
      const out = new Poly(outside);
      const rest = new Poly(inside);
      const restConstant = rest.constantValue();
      if (restConstant !== undefined) return out.add(Poly.constant(Rational.of(restConstant.floor())));
      // Over the common denominator m: ⌊N/m⌋, integral terms' coefficients in [0, m).
      let m = 1n;
      for (const t of rest.termList()) m = (m / gcd(m, t.coef.den)) * t.coef.den;
      let num = rest.scale(Rational.of(m));
      // An exact division prints as one only while its atom keeps the quotient's value (below, b/g may be floored).
      let asWritten = exact;
      if (allIntegral) {
        // ⌊(gX + b)/(gm')⌋ = ⌊(X + ⌊b/g⌋)/m'⌋ for integer X (nested floors), so
        // ⌈2S/4⌉ and ⌈S/2⌉ meet: reduce by the gcd of m and the symbolic coefficients.
        let g = m;
        for (const t of num.termList()) if (t.powers.length > 0) g = gcd(g, t.coef.num);
        if (g > 1n) {
          const b = num.constantTerm();
          asWritten &&= b.div(Rational.of(g)).isInteger();
          const reduced = num.sub(Poly.constant(b)).scale(Rational.of(1n, g));
          num = reduced.add(Poly.constant(Rational.of(b.div(Rational.of(g)).floor())));
          m /= g;
        }
      }
      return out.add(Poly.atom(num, Poly.constant(m), asWritten));
    }
    // A symbolic divisor: take out the terms it divides, then settle a constant remainder.
    if (!d.isIntegral(ints)) return Poly.atom(n, d, exact);
    if (d.terms.length > 1) {
      // A sum divides no single term (q·d has at least two terms), but it may divide the whole: ⌊(C² + C)/(C + 1)⌋ = C.
      const whole = n.divExact(d);
      if (whole?.isIntegral(ints)) return whole;
    }
    const outside: Poly[] = [];
    // The terms left inside keep n's order: already in normal form.
    const inside: KeyedTerm[] = [];
    for (const t of n.terms) {
      const q = new Poly([t]).divExact(d);
      if (q && q.isIntegral(ints)) outside.push(q);
      else inside.push(t);
    }
    const out = outside.reduce((a, b) => a.add(b), Poly.ZERO);
    const rest = new Poly(inside);
    if (rest.isZero()) return out;
    const r = rest.constantValue();
    // d ≥ 1: a remainder in [0, 1) floors to 0 and one in [−1, 0) to −1.
    if (r !== undefined && r.compare(Rational.ONE) < 0 && r.compare(Rational.of(-1)) >= 0) {
      return r.sign() >= 0 ? out : out.sub(Poly.ONE);
    }
    return out.add(Poly.atom(rest, d, exact));
  }
}

/** ⌊n/d⌋ in canonical form; d must be positive. Exact when it can be. */
export function floorDiv(n: Poly, d: Poly, ints: IntegerSymbols): Poly {
  return Poly.splitFloor(n, d, ints);
}

/**
 * n/d written as an exact division that is not a polynomial (C/r): the floor,
 * which it equals wherever d divides n (a requirement its caller records),
 * printed as the division written.
 */
export function exactDiv(n: Poly, d: Poly, ints: IntegerSymbols): Poly {
  return Poly.splitFloor(n, d, ints, true);
}

/** ⌈n/d⌉ = ⌊(n + d − 1)/d⌋ for integer n and positive integer d. */
export function ceilDiv(n: Poly, d: Poly, ints: IntegerSymbols): Poly {
  return floorDiv(n.add(d).sub(Poly.ONE), d, ints);
}

/** ⌊n/d⌋ of safe integers, exactly (NaN in, NaN out): n − n % d is a multiple of d, so the division is exact. */
function floorOfQuotient(n: number, d: number): number {
  const r = n % d;
  const q = (n - r) / d;
  return r !== 0 && r < 0 !== d < 0 ? q - 1 : q;
}
