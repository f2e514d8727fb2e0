import fc from "fast-check";
import { describe, expect, test } from "vitest";
import type { IntegerSymbols } from "../../compiler/dims/monomials";
import { Poly, ceilDiv, floorDiv } from "../../compiler/dims/poly";
import { Rational } from "../../compiler/dims/rational";

const RUNS = { numRuns: 200 };

// β plays the channel ratio (1/8 in the paper): the one rational symbol, so
// that the floor canonicalisation meets terms it must leave inside.
const NAMES = ["S", "T", "C", "α", "β"] as const;
const INTEGER_NAMES = ["S", "T", "C", "α"] as const;
const ints: IntegerSymbols = (name) => (INTEGER_NAMES as readonly string[]).includes(name);

type FactorSpec = { kind: "sym"; name: string } | { kind: "floor"; inner: TermSpec[]; divisor: Rational; ceil: boolean };
interface TermSpec {
  coef: Rational;
  factors: FactorSpec[];
}

interface Shape {
  names: readonly string[];
  coef: fc.Arbitrary<Rational>;
  /** Constant divisors of floor atoms; none when undefined. */
  divisor?: fc.Arbitrary<Rational>;
  maxTerms?: number;
  maxFactors?: number;
}

const smallRational = fc.tuple(fc.integer({ min: -5, max: 5 }), fc.integer({ min: 1, max: 4 })).map(([n, d]) => Rational.of(n, d));
const smallInteger = fc.integer({ min: -5, max: 5 }).map((n) => Rational.of(n));
const anyCoef = fc.oneof(smallInteger, smallRational);
const positiveDivisor = fc.tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 3 })).map(([n, d]) => Rational.of(n, d));
const integerDivisor = fc.integer({ min: 1, max: 6 }).map((n) => Rational.of(n));

/**
 * Sums of products of constants, symbols and (optionally) floor atoms of flat
 * sums. At most maxFactors (3) factors per term, so outside floors each
 * symbol has degree ≤ 3: what the grid argument below relies on.
 */
function specs(shape: Shape): fc.Arbitrary<TermSpec[]> {
  const sym = fc.constantFrom(...shape.names).map((name): FactorSpec => ({ kind: "sym", name }));
  const flatTerm = fc.record({ coef: shape.coef, factors: fc.array(sym, { maxLength: 2 }) });
  const factor = shape.divisor
    ? fc.oneof(
        { weight: 4, arbitrary: sym },
        {
          weight: 1,
          arbitrary: fc
            .record({ inner: fc.array(flatTerm, { minLength: 1, maxLength: 3 }), divisor: shape.divisor, ceil: fc.boolean() })
            .map((f): FactorSpec => ({ kind: "floor", ...f })),
        },
      )
    : sym;
  const term = fc.record({ coef: shape.coef, factors: fc.array(factor, { maxLength: shape.maxFactors ?? 3 }) });
  return fc.array(term, { maxLength: shape.maxTerms ?? 4 });
}

function buildFactor(f: FactorSpec, otherWay: boolean): Poly {
  if (f.kind === "sym") return Poly.symbol(f.name);
  const n = build(f.inner, otherWay);
  const d = Poly.constant(f.divisor);
  return f.ceil ? ceilDiv(n, d, ints) : floorDiv(n, d, ints);
}

/**
 * The polynomial a spec describes, through the public API only. The other way
 * reverses the terms and the factors, puts the coefficient last and adds each
 * term as two halves: same polynomial, different construction.
 */
function build(spec: readonly TermSpec[], otherWay = false): Poly {
  if (!otherWay) return spec.reduce((acc, t) => acc.add(t.factors.reduce((p, f) => p.mul(buildFactor(f, false)), Poly.constant(t.coef))), Poly.ZERO);
  return [...spec].reverse().reduce((acc, t) => {
    const product = [...t.factors].reverse().reduce((p, f) => buildFactor(f, true).mul(p), Poly.ONE);
    const half = t.coef.div(Rational.of(2));
    return acc.add(product.scale(half)).add(product.mul(Poly.constant(half)));
  }, Poly.ZERO);
}

const polys = (shape: Shape) => specs(shape).map((s) => build(s));

/** Everything: rational coefficients, β, floors and ceilings over constant divisors. */
const anyPoly = polys({ names: NAMES, coef: anyCoef, divisor: positiveDivisor });
const flatPoly = polys({ names: NAMES, coef: anyCoef });
/** Integer-valued wherever S, T, C, α are integers: what ceilDiv is meant for. */
const integralPoly = polys({ names: INTEGER_NAMES, coef: smallInteger, divisor: integerDivisor });

type Env = Readonly<Record<string, Rational>>;
const lookup =
  (env: Env) =>
  (name: string): Rational | undefined =>
    env[name];

const envs = (lo: number, hi: number): fc.Arbitrary<Env> =>
  fc
    .record({
      S: fc.integer({ min: lo, max: hi }),
      T: fc.integer({ min: lo, max: hi }),
      C: fc.integer({ min: lo, max: hi }),
      α: fc.integer({ min: 1, max: 6 }),
      β: fc.tuple(fc.integer({ min: -12, max: 12 }), fc.integer({ min: 1, max: 8 })),
    })
    .map(({ β, ...rest }) => ({
      ...Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, Rational.of(v)])),
      β: Rational.of(β[0], β[1]),
    }));
const anyEnv = envs(-20, 20);

function value(p: Poly, env: Env): Rational {
  const v = p.evaluate(lookup(env));
  if (v === undefined) {
    const at = Object.entries(env).map(([name, r]) => `${name} = ${r}`);
    throw new Error(`${p} has no value at ${at.join(", ")}`);
  }
  return v;
}

const floorOf = (n: Rational, d: Rational) => Rational.of(n.div(d).floor());
const ceilOf = (n: Rational, d: Rational) => Rational.of(n.div(d).ceil());

/** divisor | dividend at env: the quotient is an integer. */
function holds(o: { dividend: Poly; divisor: Poly }, env: Env): boolean {
  const d = value(o.divisor, env);
  return !d.isZero() && value(o.dividend, env).div(d).isInteger();
}

describe("ring laws", () => {
  test("addition is commutative and associative", () => {
    fc.assert(
      fc.property(anyPoly, anyPoly, anyPoly, (a, b, c) => {
        expect(a.add(b).equals(b.add(a))).toBe(true);
        expect(
          a
            .add(b)
            .add(c)
            .equals(a.add(b.add(c))),
        ).toBe(true);
      }),
      RUNS,
    );
  });

  test("multiplication is commutative and associative", () => {
    fc.assert(
      fc.property(anyPoly, anyPoly, anyPoly, (a, b, c) => {
        expect(a.mul(b).equals(b.mul(a))).toBe(true);
        expect(
          a
            .mul(b)
            .mul(c)
            .equals(a.mul(b.mul(c))),
        ).toBe(true);
      }),
      RUNS,
    );
  });

  test("multiplication distributes over addition", () => {
    fc.assert(
      fc.property(anyPoly, anyPoly, anyPoly, (a, b, c) => {
        expect(a.mul(b.add(c)).equals(a.mul(b).add(a.mul(c)))).toBe(true);
        expect(
          a
            .add(b)
            .mul(c)
            .equals(a.mul(c).add(b.mul(c))),
        ).toBe(true);
      }),
      RUNS,
    );
  });

  test("inverses and identities", () => {
    fc.assert(
      fc.property(anyPoly, smallRational, (a, r) => {
        expect(a.add(a.neg()).isZero()).toBe(true);
        expect(a.sub(a).equals(Poly.ZERO)).toBe(true);
        expect(a.neg().neg().equals(a)).toBe(true);
        expect(a.add(Poly.ZERO).equals(a)).toBe(true);
        expect(a.mul(Poly.ONE).equals(a)).toBe(true);
        expect(a.mul(Poly.ZERO).isZero()).toBe(true);
        expect(a.scale(r).equals(Poly.constant(r).mul(a))).toBe(true);
      }),
      RUNS,
    );
  });

  test("evaluation respects + and ×", () => {
    fc.assert(
      fc.property(anyPoly, anyPoly, anyEnv, (a, b, env) => {
        expect(value(a.add(b), env).equals(value(a, env).add(value(b, env)))).toBe(true);
        expect(value(a.mul(b), env).equals(value(a, env).mul(value(b, env)))).toBe(true);
        expect(value(a.neg(), env).equals(value(a, env).neg())).toBe(true);
      }),
      RUNS,
    );
  });
});

/** Every point of {0, 1, 2, 3}^5 over S, T, C, α, β. */
const GRID: Env[] = Array.from({ length: 4 ** NAMES.length }, (_, i) =>
  Object.fromEntries(NAMES.map((name, j) => [name, Rational.of(Math.floor(i / 4 ** j) % 4)])),
);

/**
 * A non-zero polynomial of degree ≤ 3 in each variable cannot vanish on a
 * 4×…×4 grid (the combinatorial Nullstellensatz), so for the floor-free
 * polynomials here agreeing on GRID is the same as being equal.
 */
const agreeOnGrid = (p: Poly, q: Poly) => GRID.every((env) => value(p, env).equals(value(q, env)));

describe("normal form", () => {
  test("two construction orders give the same key and the same printed form", () => {
    // Over S and T alone, terms such as S²T and ST² (same factors, other powers) meet often.
    const spec = fc.oneof(
      specs({ names: NAMES, coef: anyCoef, divisor: positiveDivisor }),
      specs({ names: ["S", "T"], coef: anyCoef, divisor: positiveDivisor, maxTerms: 6 }),
    );
    fc.assert(
      fc.property(spec, (spec) => {
        const a = build(spec);
        const b = build(spec, true);
        expect(b.key).toBe(a.key);
        expect(b.toString()).toBe(a.toString());
      }),
      RUNS,
    );
  });

  test("equal keys give equal values everywhere", () => {
    fc.assert(
      fc.property(specs({ names: NAMES, coef: anyCoef, divisor: positiveDivisor }), anyPoly, anyEnv, (spec, c, env) => {
        const a = build(spec);
        const b = build(spec, true);
        // (a + c)(a − c) and a² − c² are built apart yet normalise alike.
        const lhs = a.add(c).mul(a.sub(c));
        const rhs = a.mul(a).sub(c.mul(c));
        expect(lhs.key).toBe(rhs.key);
        expect(value(lhs, env).equals(value(rhs, env))).toBe(true);
        expect(value(a, env).equals(value(b, env))).toBe(true);
      }),
      RUNS,
    );
  });

  // Small pools so that equal pairs turn up by chance, not only by construction.
  const tiny = polys({ names: ["S", "T"], coef: fc.constantFrom(1, 2).map((n) => Rational.of(n)), maxTerms: 2, maxFactors: 2 });
  const pairs = fc.oneof(
    fc.tuple(tiny, tiny),
    fc.tuple(flatPoly, flatPoly),
    specs({ names: NAMES, coef: anyCoef }).map((s) => [build(s), build(s, true)] as const),
    fc.tuple(flatPoly, flatPoly).map(([p, q]) => [p.add(q), q.add(p).add(Poly.symbol("S")).sub(Poly.symbol("S"))] as const),
  );

  test("floor-free polynomials: equal keys exactly when equal values", () => {
    fc.assert(
      fc.property(pairs, ([p, q]) => {
        expect(agreeOnGrid(p, q)).toBe(p.equals(q));
      }),
      RUNS,
    );
  });

  test("different keys differ at some random point", () => {
    fc.assert(
      fc.property(flatPoly, flatPoly, fc.array(fc.noBias(anyEnvWide()), { minLength: 6, maxLength: 6 }), (p, q, points) => {
        // p − q ≠ 0 has degree ≤ 3, so one random point in [−10⁶, 10⁶]^5 is a
        // root with probability below 2·10⁻⁶, six of them practically never.
        if (p.equals(q)) return;
        expect(points.some((env) => !value(p, env).equals(value(q, env)))).toBe(true);
      }),
      RUNS,
    );
  });
});

function anyEnvWide(): fc.Arbitrary<Env> {
  const wide = fc.integer({ min: -1_000_000, max: 1_000_000 });
  return fc.tuple(wide, wide, wide, wide, wide).map((vs) => Object.fromEntries(NAMES.map((name, i) => [name, Rational.of(vs[i]!)])));
}

describe("substitute", () => {
  // Integer symbols may only be replaced by integer-valued polynomials: the
  // floor forms were built on that assumption. β may become anything.
  const binding = fc.record({
    S: fc.option(integralPoly, { nil: undefined }),
    T: fc.option(integralPoly, { nil: undefined }),
    C: fc.option(integralPoly, { nil: undefined }),
    α: fc.option(integralPoly, { nil: undefined }),
    β: fc.option(anyPoly, { nil: undefined }),
  });

  test("substitute then evaluate is evaluate under the composed environment", () => {
    fc.assert(
      fc.property(anyPoly, binding, anyEnv, (p, b, env) => {
        const bind = (name: string): Poly | undefined => (b as Record<string, Poly | undefined>)[name];
        const composed: Env = Object.fromEntries(NAMES.map((name) => [name, bind(name) ? value(bind(name)!, env) : env[name]!]));
        expect(value(p.substitute(bind, ints), env).equals(value(p, composed))).toBe(true);
      }),
      RUNS,
    );
  });

  test("evaluate agrees with substituting every value, in safe integers and past them", () => {
    // Values up to 2^40 put products of three of them past 2^53, where evaluate
    // leaves JS numbers for exact arithmetic; small ones stay in JS numbers.
    const big = fc.bigInt({ min: -(2n ** 40n), max: 2n ** 40n }).map((n) => Rational.of(n));
    const wideEnv = fc.record({ S: big, T: big, C: big, α: fc.integer({ min: 1, max: 6 }).map((n) => Rational.of(n)), β: big });
    fc.assert(
      fc.property(anyPoly, fc.oneof(anyEnv, wideEnv), (p, env) => {
        const exact = p.substitute((name) => Poly.constant((env as Readonly<Record<string, Rational>>)[name]!), ints).constantValue();
        expect(exact).toBeDefined();
        expect(value(p, env).equals(exact!)).toBe(true);
      }),
      RUNS,
    );
  });

  test("substituting nothing changes nothing", () => {
    fc.assert(
      fc.property(anyPoly, (p) => {
        expect(p.substitute(() => undefined, ints).equals(p)).toBe(true);
      }),
      RUNS,
    );
  });
});

describe("floorDiv and ceilDiv", () => {
  test("floorDiv(n, c) is the floor of n/c for a positive constant c", () => {
    fc.assert(
      fc.property(anyPoly, positiveDivisor, anyEnv, (n, c, env) => {
        const f = floorDiv(n, Poly.constant(c), ints);
        expect(value(f, env).equals(floorOf(value(n, env), c))).toBe(true);
        expect(f.isIntegral(ints)).toBe(true);
      }),
      RUNS,
    );
  });

  // Symbolic divisors need every integer symbol positive, so the divisor is ≥ 1.
  const positiveEnv = envs(1, 20);
  const symbolicDivisor = fc.constantFrom("α", "2α", "αS", "αT²").map((name) => {
    const α = Poly.symbol("α");
    const S = Poly.symbol("S");
    const T = Poly.symbol("T");
    return { name, poly: { α, "2α": α.scale(Rational.of(2)), αS: α.mul(S), "αT²": α.mul(T).mul(T) }[name]! };
  });

  test("floorDiv(n, d) is the floor of n/d for a symbolic divisor d ≥ 1", () => {
    fc.assert(
      fc.property(anyPoly, anyPoly, symbolicDivisor, positiveEnv, (p, r, d, env) => {
        // d·p + r, so that whole multiples of d are there to be taken out.
        const n = d.poly.mul(p).add(r);
        const f = floorDiv(n, d.poly, ints);
        expect(value(f, env).equals(floorOf(value(n, env), value(d.poly, env)))).toBe(true);
      }),
      RUNS,
    );
  });

  test("ceilDiv(n, c) is the ceiling of n/c for integer n and a positive integer c", () => {
    fc.assert(
      fc.property(integralPoly, integerDivisor, anyEnv, (n, c, env) => {
        const f = ceilDiv(n, Poly.constant(c), ints);
        expect(value(f, env).equals(ceilOf(value(n, env), c))).toBe(true);
      }),
      RUNS,
    );
  });

  test("ceilDiv(n, d) is the ceiling of n/d for integer n and a symbolic divisor d ≥ 1", () => {
    fc.assert(
      fc.property(integralPoly, integralPoly, symbolicDivisor, positiveEnv, (p, r, d, env) => {
        const n = d.poly.mul(p).add(r);
        const f = ceilDiv(n, d.poly, ints);
        expect(value(f, env).equals(ceilOf(value(n, env), value(d.poly, env)))).toBe(true);
      }),
      RUNS,
    );
  });

  test("the form depends only on n/c", () => {
    fc.assert(
      fc.property(anyPoly, positiveDivisor, fc.integer({ min: 1, max: 5 }), (n, c, m) => {
        const scaled = Rational.of(m);
        const a = floorDiv(n, Poly.constant(c), ints);
        expect(floorDiv(n.scale(scaled), Poly.constant(c.mul(scaled)), ints).key).toBe(a.key);
        expect(floorDiv(n.scale(Rational.ONE.div(c)), Poly.ONE, ints).key).toBe(a.key);
      }),
      RUNS,
    );
  });

  test("whole multiples of the divisor come straight out", () => {
    fc.assert(
      fc.property(anyPoly, integralPoly, integerDivisor, (n, q, c) => {
        const d = Poly.constant(c);
        expect(floorDiv(n.add(d.mul(q)), d, ints).equals(floorDiv(n, d, ints).add(q))).toBe(true);
      }),
      RUNS,
    );
  });
});

describe("one floor atom over linear forms", () => {
  // P + ⌊L/c⌋ with P, L linear in S and T and c ≤ 4. Here the canonical form is
  // provably unique: with L's coefficients in [0, c) and coprime to c, the
  // fractional part {L/c} fixes c and L, and then P. (With a coefficient −1
  // on the atom it is not: S − ⌊S/2⌋ = ⌊(S + 1)/2⌋.)
  const S = Poly.symbol("S");
  const T = Poly.symbol("T");
  const linear = fc.tuple(fc.integer({ min: -4, max: 4 }), fc.integer({ min: -4, max: 4 }), fc.integer({ min: -6, max: 6 })).map(([a, b, e]) =>
    S.scale(Rational.of(a))
      .add(T.scale(Rational.of(b)))
      .add(Poly.constant(Rational.of(e))),
  );
  const form = fc.record({ atom: linear, divisor: fc.integer({ min: 1, max: 4 }), outside: linear });
  type Form = { atom: Poly; divisor: number; outside: Poly };
  const plain = (f: Form) => floorDiv(f.atom, Poly.constant(Rational.of(f.divisor)), ints).add(f.outside);
  /** The same value written another way: ⌊(t(L + cX) + s)/(tc)⌋ + P − X with 0 ≤ s < t. */
  const rewritten = (f: Form, t: number, s: number, x: Poly) => {
    const c = Poly.constant(Rational.of(f.divisor));
    const n = f.atom
      .add(c.mul(x))
      .scale(Rational.of(t))
      .add(Poly.constant(Rational.of(s % t)));
    return floorDiv(n, c.scale(Rational.of(t)), ints)
      .add(f.outside)
      .sub(x);
  };
  const pairs = fc.oneof(
    fc.tuple(form, form).map(([f, g]) => [plain(f), plain(g)] as const),
    fc.tuple(form, fc.integer({ min: 1, max: 3 }), fc.nat(2), linear).map(([f, t, s, x]) => [plain(f), rewritten(f, t, s, x)] as const),
  );
  // Two such forms differ by a linear part plus a part periodic with period
  // cc' ≤ 16 in each variable; agreeing on a box of side 17 makes them equal.
  const box: Env[] = [];
  for (let i = 0; i <= 16; i++) for (let j = 0; j <= 16; j++) box.push({ S: Rational.of(i), T: Rational.of(j) });

  test("equal keys exactly when equal values", () => {
    fc.assert(
      fc.property(pairs, ([p, q]) => {
        expect(box.every((env) => value(p, env).equals(value(q, env)))).toBe(p.equals(q));
      }),
      RUNS,
    );
  });
});

describe("withoutFloors and its obligations", () => {
  test("when every obligation holds, the exact reading has the floor's value", () => {
    let discharged = 0;
    fc.assert(
      fc.property(anyPoly, positiveDivisor, anyEnv, (n, c, env) => {
        const f = floorDiv(n, Poly.constant(c), ints);
        const { poly, divisibility } = f.withoutFloors(ints);
        expect(poly.hasFloorAtoms()).toBe(false);
        if (divisibility.every((o) => holds(o, env))) {
          if (divisibility.length > 0) discharged++;
          expect(value(poly, env).equals(value(f, env))).toBe(true);
        }
      }),
      RUNS,
    );
    expect(discharged).toBeGreaterThan(0);
  });

  test("over a symbolic divisor too, met obligations make the reading exact", () => {
    const symbolic = fc.constantFrom("α", "αS").map((name) => (name === "α" ? Poly.symbol("α") : Poly.symbol("α").mul(Poly.symbol("S"))));
    fc.assert(
      fc.property(anyPoly, anyPoly, symbolic, envs(1, 20), (p, r, d, env) => {
        const f = floorDiv(d.mul(p).add(r), d, ints);
        const { poly, divisibility } = f.withoutFloors(ints);
        if (divisibility.every((o) => holds(o, env))) expect(value(poly, env).equals(value(f, env))).toBe(true);
      }),
      RUNS,
    );
  });

  // Multiples of 720² meet every obligation here: a divisor is at most
  // lcm(1..4)·lcm(1..6) = 720, and one floor nests inside another at most.
  const M = 720 * 720;
  const alignedEnv: fc.Arbitrary<Env> = fc
    .array(fc.integer({ min: -2, max: 2 }), { minLength: NAMES.length, maxLength: NAMES.length })
    .map((ks) => Object.fromEntries(NAMES.map((name, i) => [name, Rational.of(ks[i]! * M)])));

  test("where the obligations are met by construction, they hold and the values agree", () => {
    fc.assert(
      fc.property(anyPoly, positiveDivisor, alignedEnv, (n, c, env) => {
        const f = floorDiv(n, Poly.constant(c), ints);
        const { poly, divisibility } = f.withoutFloors(ints);
        for (const o of divisibility) expect(holds(o, env)).toBe(true);
        expect(value(poly, env).equals(value(f, env))).toBe(true);
      }),
      RUNS,
    );
  });

  test("for one floor atom, the obligation holds exactly when the exact reading is right", () => {
    fc.assert(
      fc.property(flatPoly, positiveDivisor, anyEnv, (n, c, env) => {
        const f = floorDiv(n, Poly.constant(c), ints);
        const { poly, divisibility } = f.withoutFloors(ints);
        expect(divisibility.length).toBeLessThanOrEqual(1);
        // Nothing more is demanded than the floor being exact needs.
        const ok = divisibility.every((o) => holds(o, env));
        expect(value(poly, env).equals(value(f, env))).toBe(ok);
      }),
      RUNS,
    );
  });

  test("an obligation holds exactly when the dividend is a multiple of the divisor", () => {
    fc.assert(
      fc.property(integralPoly, fc.integer({ min: 2, max: 6 }), fc.integer({ min: 0, max: 11 }), anyEnv, (p, m, r, env) => {
        // m·p + r is a multiple of m, at every point, exactly when r is.
        const d = Poly.constant(Rational.of(m));
        const o = { dividend: d.mul(p).add(Poly.constant(Rational.of(r))), divisor: d };
        expect(holds(o, env)).toBe(r % m === 0);
        // The checker first tries a proof by division; it must agree with the values.
        const q = o.dividend.divExact(o.divisor);
        expect(q?.isIntegral(ints) ?? false).toBe(r % m === 0);
      }),
      RUNS,
    );
  });
});

describe("linearIn", () => {
  const withoutT = polys({ names: ["S", "C", "α", "β"], coef: anyCoef, divisor: positiveDivisor });
  const T = Poly.symbol("T");

  test("a·T + b comes apart into a and b", () => {
    fc.assert(
      fc.property(withoutT, withoutT, (a, b) => {
        fc.pre(!a.isZero());
        const lin = a.mul(T).add(b).linearIn("T");
        expect(lin).toBeDefined();
        expect(lin!.a.equals(a)).toBe(true);
        expect(lin!.b.equals(b)).toBe(true);
      }),
      RUNS,
    );
  });

  // Floors over T too, whose divisor mentions T where their numerator may not.
  const withFloorsOverT = fc.oneof(
    anyPoly,
    fc.tuple(anyPoly, withoutT, withoutT, fc.constantFrom("T", "α")).map(([p, q, r, d]) => p.add(T.mul(q).mul(floorDiv(r, Poly.symbol(d), ints)))),
  );

  test("whatever it returns rebuilds the polynomial, with T in neither part", () => {
    let answered = 0;
    fc.assert(
      fc.property(withFloorsOverT, (p) => {
        const lin = p.linearIn("T");
        if (!lin) return;
        answered++;
        expect(lin.a.symbols().has("T")).toBe(false);
        expect(lin.b.symbols().has("T")).toBe(false);
        expect(lin.a.mul(T).add(lin.b).equals(p)).toBe(true);
      }),
      RUNS,
    );
    expect(answered).toBeGreaterThan(0);
  });
});

describe("divExact", () => {
  const monomial = fc
    .tuple(
      smallRational.filter((r) => !r.isZero()),
      fc.array(fc.constantFrom(...NAMES), { maxLength: 3 }),
    )
    .map(([c, names]) => names.reduce((p, n) => p.mul(Poly.symbol(n)), Poly.constant(c)));

  test("undoes multiplication by a non-zero monomial or sum", () => {
    fc.assert(
      fc.property(
        anyPoly,
        fc.oneof(
          monomial,
          anyPoly.filter((d) => !d.isZero()),
        ),
        (p, m) => {
          expect(p.mul(m).divExact(m)?.equals(p)).toBe(true);
        },
      ),
      RUNS,
    );
  });

  test("whatever it returns times the divisor is the dividend", () => {
    fc.assert(
      fc.property(anyPoly, fc.oneof(monomial, anyPoly), (p, d) => {
        const q = p.divExact(d);
        if (q) expect(q.mul(d).equals(p)).toBe(true);
        else expect(d.isZero() || d.constantValue() === undefined).toBe(true);
      }),
      RUNS,
    );
  });
});
