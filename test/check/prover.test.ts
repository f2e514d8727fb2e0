/**
 * Property tests of the checker's decision procedures (compiler/check/prover.ts)
 * over random polynomials with floors: what a procedure calls proved holds at
 * random values of the symbols it was not told; what it proves under claims
 * holds wherever the claims do; what it refutes fails at the evidence it
 * gives, and that evidence keeps every value the facts fixed.
 */
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { ceilDiv, floorDiv, Poly } from "../../compiler/dims/poly";
import { Rational } from "../../compiler/dims/rational";
import {
  compareDims,
  decideAtLeast,
  decideDivides,
  holdsAt,
  signForSizes,
  solveLinear,
  type Assignment,
  type Claim,
  type Facts,
} from "../../compiler/check/prover";

const RUNS = { numRuns: 300 };

/** Dimension-like integer symbols and one rational parameter (β, the paper's channel ratio). */
const INTEGERS = ["S", "T", "C", "α"] as const;
const NAMES = [...INTEGERS, "β"] as const;
const isInteger = (name: string): boolean => (INTEGERS as readonly string[]).includes(name);

const smallInteger = fc.integer({ min: -4, max: 6 }).map((n) => Rational.of(n));
const smallRational = fc.tuple(fc.integer({ min: -6, max: 6 }), fc.integer({ min: 1, max: 4 })).map(([n, d]) => Rational.of(n, d));
const coef = fc.oneof({ weight: 3, arbitrary: smallInteger }, { weight: 1, arbitrary: smallRational });
const symbol = fc.constantFrom(...NAMES).map((n) => Poly.symbol(n));

/** a·b·c of constants and symbols. */
const monomial = fc.tuple(coef, fc.array(symbol, { maxLength: 2 })).map(([c, syms]) => syms.reduce((p, s) => p.mul(s), Poly.constant(c)));
const flat = fc.array(monomial, { minLength: 1, maxLength: 3 }).map((ms) => ms.reduce((a, b) => a.add(b), Poly.ZERO));
/** A constant divisor (1..6) or an integer symbol: strides and group counts. */
const divisor = fc.oneof(
  fc.integer({ min: 1, max: 6 }).map((n) => Poly.constant(n)),
  fc.constantFrom(...INTEGERS).map((n) => Poly.symbol(n)),
);
const rounding = fc.tuple(flat, divisor, fc.boolean()).map(([n, d, ceil]) => (ceil ? ceilDiv(n, d, isInteger) : floorDiv(n, d, isInteger)));
/** Sums of products of monomials and floors/ceilings of flat sums. */
const poly = fc
  .array(fc.tuple(coef, fc.array(fc.oneof({ weight: 3, arbitrary: symbol }, { weight: 2, arbitrary: rounding }), { maxLength: 2 })), { maxLength: 4 })
  .map((terms) => terms.reduce((acc, [c, fs]) => acc.add(fs.reduce((p, f) => p.mul(f), Poly.constant(c))), Poly.ZERO));

/** A second polynomial related to the first as the checker meets them. */
const pair = fc.tuple(poly, fc.integer({ min: 0, max: 3 }), poly, smallRational).map(([a, how, other, c]): [Poly, Poly] => {
  switch (how) {
    case 0:
      return [a, a.withoutFloors(isInteger).poly]; // a floor read as exact: S/2 for ⌊S/2⌋
    case 1:
      return [a, a.add(Poly.constant(c))]; // off by a constant
    case 2:
      return [a.add(other), other.add(a)]; // the same, built another way
    default:
      return [a, other];
  }
});

/** Integer coefficients over integer symbols: an integer wherever they are. */
const integral = (p: Poly): boolean =>
  p.termList().every((t) => t.coef.isInteger() && t.powers.every((f) => f.factor.kind !== "var" || isInteger(f.factor.name)));

type Env = ReadonlyMap<string, Rational>;

/**
 * A value for each symbol: positive integers for the integer ones, a positive
 * fraction for β. Symbols are sizes and ratios, and the algebra divides by
 * them (⌊n/S⌋ needs S ≥ 1), so values outside that domain say nothing.
 */
const positiveRational = fc.tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 4 })).map(([n, d]) => Rational.of(n, d));
const valueFor = (name: string) => (isInteger(name) ? fc.integer({ min: 1, max: 12 }).map((n) => Rational.of(n)) : positiveRational);
const env: fc.Arbitrary<Env> = fc.tuple(...NAMES.map(valueFor)).map((vs) => new Map(NAMES.map((n, i) => [n, vs[i]!])));

/** Facts that bind some symbols (none: a generic block; all: an instance) to values. */
const facts: fc.Arbitrary<{ facts: Facts; bound: Env }> = fc
  .tuple(env, fc.oneof(fc.constant(0), fc.constant(31), fc.integer({ min: 0, max: 31 })))
  .map(([values, mask]) => {
    const bound = new Map([...values].filter((_, i) => (mask >> i) & 1));
    return { facts: { isInteger, valueOf: (n) => bound.get(n) }, bound };
  });

/** Random values for the free symbols, the facts' values for the bound ones. */
const consistent = (free: Env, bound: Env): Assignment => new Map([...free, ...bound]);

const keepsFacts = (evidence: Assignment, bound: Env): void => {
  for (const [n, v] of evidence) if (bound.has(n)) expect(v.equals(bound.get(n)!), `evidence changes the bound ${n}`).toBe(true);
};

const allHold = (claims: readonly Claim[], at: Assignment): boolean | undefined => {
  let all: boolean | undefined = true;
  for (const c of claims) {
    const h = holdsAt(c, at);
    if (h === false) return false;
    if (h === undefined) all = undefined;
  }
  return all;
};

describe("compareDims", () => {
  test("proved: equal at random values; proved under claims: equal wherever they hold; refuted: differ at the evidence", () => {
    fc.assert(
      fc.property(pair, facts, env, ([a, b], { facts, bound }, free) => {
        const outcome = compareDims(a, b, facts);
        const equal: Claim = { relation: "equal", lhs: a, rhs: b };
        const at = consistent(free, bound);
        switch (outcome.kind) {
          case "proved":
            expect(holdsAt(equal, at)).not.toBe(false);
            return;
          case "requires":
            if (allHold(outcome.claims, at) === true) expect(holdsAt(equal, at)).not.toBe(false);
            return;
          case "refuted":
            keepsFacts(outcome.evidence, bound);
            expect(holdsAt(equal, outcome.evidence)).toBe(false);
            return;
          case "undecided":
            return;
        }
      }),
      RUNS,
    );
  });

  test("⌊nk/k⌋ = n for an integer n is never refuted", () => {
    fc.assert(
      fc.property(flat, fc.integer({ min: 2, max: 6 }), (n, k) => {
        fc.pre(integral(n));
        const d = Poly.constant(k);
        const outcome = compareDims(floorDiv(n.mul(d), d, isInteger), n, { isInteger, valueOf: () => undefined });
        expect(outcome.kind === "proved" || outcome.kind === "requires").toBe(true);
      }),
      RUNS,
    );
  });

  test("sizes that differ by a constant are refuted, with a counterexample, in a generic block", () => {
    fc.assert(
      fc.property(poly, fc.integer({ min: 1, max: 5 }), (a, c) => {
        const b = a.add(Poly.constant(c));
        const outcome = compareDims(a, b, { isInteger, valueOf: () => undefined });
        if (outcome.kind === "refuted") expect(holdsAt({ relation: "equal", lhs: a, rhs: b }, outcome.evidence)).toBe(false);
        else expect(outcome.kind).toBe("requires"); // only where no small positive values define both
      }),
      RUNS,
    );
  });
});

describe("decideDivides", () => {
  test("proved: divides at random values; refuted: does not at the evidence", () => {
    fc.assert(
      fc.property(poly, divisor, facts, env, (n, d, { facts, bound }, free) => {
        const outcome = decideDivides(n, d, facts);
        const claim: Claim = { relation: "divides", dividend: n, divisor: d };
        switch (outcome.kind) {
          case "proved":
            expect(holdsAt(claim, consistent(free, bound))).not.toBe(false);
            return;
          case "requires":
            expect(outcome.claims).toEqual([claim]);
            return;
          case "refuted":
            keepsFacts(outcome.evidence, bound);
            expect(holdsAt(claim, outcome.evidence)).toBe(false);
            return;
          case "undecided":
            throw new Error("divisibility is always proved, required or refuted");
        }
      }),
      RUNS,
    );
  });

  test("multiples of the divisor with integer coefficients are proved without values", () => {
    fc.assert(
      fc.property(flat, divisor, (q, d) => {
        fc.pre(integral(q));
        expect(decideDivides(q.mul(d), d, { isInteger, valueOf: () => undefined }).kind).toBe("proved");
      }),
      RUNS,
    );
  });
});

describe("decideDivides over sizes (a block's dimension variables, each at least 1)", () => {
  const isSize = isInteger;
  const generic: Facts = { isInteger, valueOf: () => undefined, isSize };
  const S = Poly.symbol("S");
  const C = Poly.symbol("C");
  /** Sizes 1..12 for the integer symbols, any rational for β (not a size). */
  const sizes: fc.Arbitrary<Env> = fc
    .tuple(...NAMES.map((n) => (isSize(n) ? fc.integer({ min: 1, max: 12 }).map((v) => Rational.of(v)) : smallRational)))
    .map((vs) => new Map(NAMES.map((n, i) => [n, vs[i]!])));
  /** q·b + r with a small divisor b and r often strictly between 0 and b: what a refutation is made of, and its near misses. */
  const nearMultiple = fc
    .tuple(flat, fc.constantFrom(...INTEGERS), fc.integer({ min: 0, max: 3 }), flat, smallRational, fc.boolean())
    .map(([q, s, k, other, r, constantRest]): [Poly, Poly] => {
      const b = Poly.symbol(s).add(Poly.constant(k));
      return [q.mul(b).add(constantRest ? Poly.constant(r) : other), b];
    });

  test("refuted for every size only where it fails at every size, with a bracket that adds up", () => {
    let refutations = 0;
    fc.assert(
      fc.property(fc.oneof(nearMultiple, fc.tuple(poly, divisor), fc.tuple(flat, flat)), sizes, ([n, d], at) => {
        const outcome = decideDivides(n, d, generic);
        if (outcome.kind !== "refuted" || !outcome.never) return;
        refutations++;
        const claim: Claim = { relation: "divides", dividend: n, divisor: d };
        expect(holdsAt(claim, outcome.evidence)).toBe(false);
        // Sound: no sizes meet it (where it is defined at all).
        expect(holdsAt(claim, at)).not.toBe(true);
        const { quotient, remainder } = outcome.never;
        expect(quotient.mul(d).add(remainder).equals(n)).toBe(true);
        const get = (name: string) => at.get(name);
        expect(remainder.evaluate(get)!.sign()).toBe(1);
        expect(d.sub(remainder).evaluate(get)!.sign()).toBe(1);
      }),
      { numRuns: 1000 },
    );
    expect(refutations, "the claims drawn include refutable ones").toBeGreaterThan(10);
  });

  test("S/(S + 1), (2C + 1)/2 and C + 1/2 are refuted at the smallest sizes; 3S/(S + 1) is met at S = 2 and stays a requirement", () => {
    const refuted = (n: Poly, d: Poly) => {
      const o = decideDivides(n, d, generic);
      return o.kind === "refuted" && o.never ? [...o.evidence].map(([k, v]) => `${k}=${v}`).join(" ") : o.kind;
    };
    expect(refuted(S, S.add(Poly.ONE))).toBe("S=1");
    expect(refuted(C.scale(Rational.of(2)).add(Poly.ONE), Poly.constant(2))).toBe("C=1");
    expect(refuted(C.add(Poly.constant(Rational.of(1, 2))), Poly.ONE)).toBe("C=1");
    expect(refuted(S.scale(Rational.of(3)), S.add(Poly.ONE))).toBe("requires");
    expect(refuted(S.add(Poly.ONE), S)).toBe("requires"); // S = 1 meets it
  });

  test("nothing is refuted for every value of a symbol that is not a size (an int parameter may be 0)", () => {
    const r = Poly.symbol("r");
    const claim = { dividend: r, divisor: r.add(Poly.ONE) };
    expect(decideDivides(claim.dividend, claim.divisor, { isInteger: () => true, valueOf: () => undefined, isSize: (n) => n !== "r" }).kind).toBe("requires");
    expect(decideDivides(S, S.add(Poly.ONE), { isInteger, valueOf: () => undefined }).kind).toBe("requires");
  });
});

describe("compareDims over sizes (a block's dimension variables, each at least 1)", () => {
  const generic: Facts = { isInteger, valueOf: () => undefined, isSize: isInteger };
  const sizes: fc.Arbitrary<Env> = fc
    .tuple(...NAMES.map((n) => (isInteger(n) ? fc.integer({ min: 1, max: 12 }).map((v) => Rational.of(v)) : smallRational)))
    .map((vs) => new Map(NAMES.map((n, i) => [n, vs[i]!])));
  const D = Poly.symbol("C");
  const S = Poly.symbol("S");

  test("refuted only where no sizes meet it: two sizes that differ by a constant or by an amount of one sign", () => {
    let refutations = 0;
    fc.assert(
      fc.property(flat, flat, sizes, (a, difference, at) => {
        const b = a.add(difference);
        const outcome = compareDims(a, b, generic);
        if (outcome.kind !== "refuted") return;
        refutations++;
        const claim: Claim = { relation: "equal", lhs: a, rhs: b };
        expect(holdsAt(claim, outcome.evidence)).toBe(false);
        expect(holdsAt(claim, at)).not.toBe(true);
      }),
      { numRuns: 1000 },
    );
    expect(refutations, "the pairs drawn include refutable ones").toBeGreaterThan(10);
  });

  test("2C against C and C + S against S are refuted; C² against C is met at C = 1; a symbol that is not a size may be 0", () => {
    const kind = (a: Poly, b: Poly, facts: Facts = generic) => compareDims(a, b, facts).kind;
    expect(kind(D.scale(Rational.of(2)), D)).toBe("refuted");
    expect(kind(D.add(S), S)).toBe("refuted");
    expect(kind(D.mul(D), D)).toBe("requires");
    expect(kind(D.mul(S), S)).toBe("requires"); // C = 1
    expect(kind(D.scale(Rational.of(2)), D, { isInteger, valueOf: () => undefined })).toBe("requires");
    expect(kind(D.scale(Rational.of(2)), D, { ...generic, isSize: (n) => n !== "C" })).toBe("requires");
    // A floor can be what its argument is not: ⌈S/2⌉ = S at S = 1.
    expect(kind(ceilDiv(S, Poly.constant(2), isInteger), S)).toBe("requires");
  });
});

describe("signForSizes (a block's dimension variables, each at least 1)", () => {
  const generic: Facts = { isInteger, valueOf: () => undefined, isSize: isInteger };
  const sizes: fc.Arbitrary<Env> = fc
    .tuple(...NAMES.map((n) => (isInteger(n) ? fc.integer({ min: 1, max: 12 }).map((v) => Rational.of(v)) : smallRational)))
    .map((vs) => new Map(NAMES.map((n, i) => [n, vs[i]!])));
  const C = Poly.symbol("C");

  test("the bound it gives holds at every size", () => {
    let bounded = 0;
    fc.assert(
      fc.property(flat, sizes, (p, at) => {
        const sign = signForSizes(p, generic);
        if (sign === undefined) return;
        bounded++;
        const s = p.evaluate((n) => at.get(n))!.sign();
        const holds = { positive: s > 0, "non-negative": s >= 0, negative: s < 0, "non-positive": s <= 0 }[sign];
        expect(holds, `${p} is ${sign} but ${s} at ${[...at].join(" ")}`).toBe(true);
      }),
      { numRuns: 1000 },
    );
    expect(bounded, "the polynomials drawn include bounded ones").toBeGreaterThan(10);
  });

  test("C − 1 and C² − C are non-negative, 2C − C and C positive; C − 2 and a symbol that is not a size are not bounded", () => {
    expect(signForSizes(C.sub(Poly.ONE), generic)).toBe("non-negative");
    expect(signForSizes(C.mul(C).sub(C), generic)).toBe("non-negative");
    expect(signForSizes(C.scale(Rational.of(2)).sub(C), generic)).toBe("positive");
    expect(signForSizes(Poly.ONE.sub(C), generic)).toBe("non-positive");
    expect(signForSizes(C.neg(), generic)).toBe("negative");
    expect(signForSizes(C.sub(Poly.constant(2)), generic)).toBeUndefined();
    expect(signForSizes(C, { isInteger, valueOf: () => undefined })).toBeUndefined();
    expect(signForSizes(Poly.symbol("β"), generic)).toBeUndefined();
  });
});

describe("solveLinear", () => {
  test("a solution satisfies a·X + b = actual wherever its claims hold; a refutation's quotient is what the evidence gives", () => {
    fc.assert(
      fc.property(divisor, flat, poly, facts, env, (a, b, actual, { facts, bound }, free) => {
        const solution = solveLinear({ a, b }, actual, facts);
        const at = consistent(free, bound);
        switch (solution.kind) {
          case "solved": {
            const lhs = a.mul(solution.value).add(b);
            if (allHold(solution.claims, at) === true) expect(holdsAt({ relation: "equal", lhs, rhs: actual }, at)).not.toBe(false);
            return;
          }
          case "refuted": {
            keepsFacts(solution.evidence, bound);
            const get = (n: string) => solution.evidence.get(n);
            const q = actual.sub(b).evaluate(get)!.div(a.evaluate(get)!);
            expect(q.equals(solution.quotient)).toBe(true);
            expect(q.isInteger() && q.sign() > 0).toBe(false);
            return;
          }
          case "unsolvable":
            return;
        }
      }),
      RUNS,
    );
  });

  test("with the size bound: 2X = αT solves to a positive integer or is refuted with the quotient", () => {
    const αT = Poly.symbol("α").mul(Poly.symbol("T"));
    const at = (α: number, T: number): Facts => ({ isInteger, valueOf: (n) => ({ α: Rational.of(α), T: Rational.of(T) })[n] });
    const solved = solveLinear({ a: Poly.constant(2), b: Poly.ZERO }, αT, at(8, 4));
    expect(solved.kind === "solved" && solved.value.evaluate(at(8, 4).valueOf)?.toString()).toBe("16");
    const refuted = solveLinear({ a: Poly.constant(2), b: Poly.ZERO }, αT, at(3, 3));
    expect(refuted.kind === "refuted" && refuted.quotient.toString()).toBe("9/2");
    const negative = solveLinear({ a: Poly.constant(2), b: Poly.constant(20) }, αT, at(2, 2));
    expect(negative.kind === "refuted" && negative.quotient.toString()).toBe("-8");
    const generic = solveLinear({ a: Poly.constant(2), b: Poly.ZERO }, αT, { isInteger, valueOf: () => undefined });
    expect(generic.kind === "solved" && generic.claims).toEqual([{ relation: "divides", dividend: αT, divisor: Poly.constant(2) }]);
  });
});

describe("decideAtLeast", () => {
  test("refuted only below the bound, at the evidence", () => {
    fc.assert(
      fc.property(poly, fc.integer({ min: -2, max: 3 }), facts, (p, min, { facts, bound }) => {
        const outcome = decideAtLeast(p, Rational.of(min), facts);
        if (outcome.kind === "refuted") {
          keepsFacts(outcome.evidence, bound);
          expect(p.evaluate((n) => outcome.evidence.get(n))!.compare(Rational.of(min))).toBeLessThan(0);
        }
        if (outcome.kind === "proved") expect(p.evaluate(facts.valueOf)!.compare(Rational.of(min))).toBeGreaterThanOrEqual(0);
        if (outcome.kind === "undecided") expect(p.evaluate(facts.valueOf)).toBeUndefined();
      }),
      RUNS,
    );
  });
});
