import { describe, expect, test } from "vitest";
import type { IntegerSymbols } from "../../compiler/dims/monomials";
import { Poly, ceilDiv, exactDiv, floorDiv } from "../../compiler/dims/poly";
import { Rational } from "../../compiler/dims/rational";

// β is the SlowFast channel ratio (1/8): a rational parameter, unlike α.
const INTEGER_NAMES = new Set(["S", "T", "C", "H", "W", "α", "frames", "height", "stride"]);
const ints: IntegerSymbols = (name) => INTEGER_NAMES.has(name);

const sym = (name: string) => Poly.symbol(name);
const k = (n: bigint | number, d: bigint | number = 1n) => Poly.constant(Rational.of(n, d));
const S = sym("S");
const T = sym("T");
const C = sym("C");
const α = sym("α");
const β = sym("β");
const frames = sym("frames");
const prod = (...ps: Poly[]) => ps.reduce((a, b) => a.mul(b), Poly.ONE);
const fl = (n: Poly, d: Poly) => floorDiv(n, d, ints);
const cl = (n: Poly, d: Poly) => ceilDiv(n, d, ints);
const at = (values: Record<string, bigint | number | Rational>) => (name: string) => {
  const v = values[name];
  return v === undefined ? undefined : v instanceof Rational ? v : Rational.of(v);
};
const showObligations = (p: Poly) => p.withoutFloors(ints).divisibility.map((o) => `${o.divisor} | ${o.dividend}`);

describe("construction", () => {
  test("constants and symbols", () => {
    expect(k(0).isZero()).toBe(true);
    expect(k(0).equals(Poly.ZERO)).toBe(true);
    expect(k(3, 6).constantValue()?.equals(Rational.of(1, 2))).toBe(true);
    expect(S.constantValue()).toBeUndefined();
    expect(S.add(k(4)).constantTerm().equals(Rational.of(4))).toBe(true);
    expect(S.constantTerm().isZero()).toBe(true);
    expect(Poly.ZERO.constantValue()?.isZero()).toBe(true);
  });

  test("like terms merge and cancel", () => {
    expect(S.add(S).equals(S.scale(Rational.of(2)))).toBe(true);
    expect(S.sub(S).isZero()).toBe(true);
    expect(S.add(T).sub(S).equals(T)).toBe(true);
    expect(S.scale(Rational.ZERO).isZero()).toBe(true);
  });

  test("factor order does not matter to the normal form", () => {
    expect(prod(C, β, α).key).toBe(prod(α, β, C).key);
    expect(prod(S, T, S).key).toBe(prod(S, S, T).key);
  });

  test("symbols lists every name, floor insides included", () => {
    expect([...fl(S, α).add(T).symbols()].sort()).toEqual(["S", "T", "α"]);
    expect([...k(5).symbols()]).toEqual([]);
  });

  test("isIntegral", () => {
    expect(prod(α, T).isIntegral(ints)).toBe(true);
    expect(S.scale(Rational.of(1, 2)).isIntegral(ints)).toBe(false);
    expect(β.isIntegral(ints)).toBe(false);
    expect(
      S.scale(Rational.of(2))
        .add(fl(S, k(2)))
        .isIntegral(ints),
    ).toBe(true);
    expect(fl(β, k(2)).isIntegral(ints)).toBe(true);
  });

  test("hasFloorAtoms", () => {
    expect(prod(α, T).hasFloorAtoms()).toBe(false);
    expect(fl(S, k(2)).hasFloorAtoms()).toBe(true);
    expect(fl(S.scale(Rational.of(2)), k(2)).hasFloorAtoms()).toBe(false);
  });
});

describe("printing in the paper's notation", () => {
  test.each<[string, () => Poly]>([
    ["αβC", () => prod(C, β, α)],
    ["2βC", () => prod(k(2), C, β)],
    ["αT − 1", () => prod(T, α).sub(Poly.ONE)],
    ["S/2", () => S.scale(Rational.of(1, 2))],
    ["3S/2", () => S.scale(Rational.of(3, 2))],
    ["αT/2", () => prod(α, T).scale(Rational.of(1, 2))],
    ["α·frames", () => prod(frames, α)],
    ["frames·height", () => prod(sym("height"), frames)],
    ["α·frames²", () => prod(frames, α, frames)],
    ["S²", () => prod(S, S)],
    ["αS²", () => prod(S, α, S)],
    ["S¹⁰", () => prod(...Array.from({ length: 10 }, () => S))],
    ["S² + 2S + 1", () => prod(S.add(Poly.ONE), S.add(Poly.ONE))],
    ["S²T + ST²", () => prod(S, T, T).add(prod(S, S, T))],
    ["−S + 1", () => Poly.ONE.sub(S)],
    ["0", () => Poly.ZERO],
    ["−3", () => k(-3)],
    ["1/2", () => k(1, 2)],
    // A floor that is a ceiling prints as one: ⌊(n + d − 1)/d⌋ = ⌈n/d⌉, and ceilings of ceilings merge.
    ["⌈S/2⌉", () => cl(S, k(2))],
    ["⌊S/2⌋", () => fl(S, k(2))],
    ["S + ⌈S/2⌉", () => fl(S.scale(Rational.of(3)).add(Poly.ONE), k(2))],
    ["⌊(S − 1)/α⌋ + 1", () => cl(S, α)],
    ["⌊βC⌋", () => fl(prod(β, C), Poly.ONE)],
    ["⌈βC/2⌉", () => fl(prod(β, C).add(Poly.ONE), k(2))],
    ["⌈S/4⌉", () => cl(cl(S, k(2)), k(2))],
    ["⌈S/8⌉", () => cl(cl(cl(S, k(2)), k(2)), k(2))],
    ["⌈S/3⌉", () => cl(S, k(3))],
    ["⌊S/3⌋", () => fl(S, k(3))],
  ])("%s", (expected, build) => {
    expect(build().toString()).toBe(expected);
  });

  test("the printed form does not depend on the order terms were added in", () => {
    const a = prod(S, S, T);
    const b = prod(S, T, T);
    const c = prod(α, S);
    expect(a.add(b).add(c).toString()).toBe(c.add(b).add(a).toString());
    expect(b.add(a).toString()).toBe("S²T + ST²");
  });
});

describe("divisors as printed", () => {
  test("a product or a coefficient is bracketed, a symbol or a constant is not: S/2m would read as (S/2)·m", () => {
    const m = sym("m");
    expect(fl(S, prod(k(2), m)).toString()).toBe("⌊S/(2m)⌋");
    expect(fl(S, prod(α, m)).toString()).toBe("⌊S/(αm)⌋");
    expect(fl(S, α).toString()).toBe("⌊S/α⌋");
    expect(fl(S.add(k(1)), α).toString()).toBe("⌊(S + 1)/α⌋");
  });
});

describe("exact divisions as printed", () => {
  const ex = (n: Poly, d: Poly) => exactDiv(n, d, ints);

  test("print as written, C/α and not ⌊C/α⌋, and equal the floor they stand for", () => {
    expect(ex(C, α).toString()).toBe("C/α");
    expect(ex(C.add(k(1)), α).toString()).toBe("(C + 1)/α");
    expect(ex(C, α).equals(fl(C, α))).toBe(true);
    expect(ex(prod(C, α).add(S), α).toString()).toBe("C + S/α");
  });

  test("are bracketed where a factor or power follows or a fraction multiplies them", () => {
    expect(prod(k(2), T, ex(C, α)).toString()).toBe("2T·C/α");
    expect(prod(ex(C, α), ex(C, α)).toString()).toBe("(C/α)²");
    expect(ex(C, α).scale(Rational.of(1, 2)).toString()).toBe("(C/α)/2");
  });

  test("stay as written when a call binds the divisor, unless the floor's form no longer has the quotient's value", () => {
    expect(
      ex(C, α)
        .substitute((n) => (n === "α" ? k(4) : undefined), ints)
        .toString(),
    ).toBe("C/4");
    expect(
      ex(prod(k(2), S).add(k(1)), α)
        .substitute((n) => (n === "α" ? k(4) : undefined), ints)
        .toString(),
    ).toBe("⌊S/2⌋");
  });
});

describe("floorDiv and ceilDiv canonical forms", () => {
  test("⌊(S − 1)/2⌋ + 1 is ceilDiv(S, 2)", () => {
    const viaFloor = fl(S.sub(Poly.ONE), k(2)).add(Poly.ONE);
    expect(viaFloor.equals(cl(S, k(2)))).toBe(true);
    expect(viaFloor.toString()).toBe("⌈S/2⌉");
  });

  test("⌊(αT − 1)/α⌋ + 1 is T for integer α and T", () => {
    expect(fl(prod(α, T).sub(Poly.ONE), α).add(Poly.ONE).equals(T)).toBe(true);
    expect(cl(prod(α, T), α).equals(T)).toBe(true);
  });

  test("a 7-wide stride-2 conv with pad 3: ⌊(S + 6 − 7)/2⌋ + 1 = ⌈S/2⌉", () => {
    const out = fl(S.add(k(6)).sub(k(7)), k(2)).add(Poly.ONE);
    expect(out.equals(cl(S, k(2)))).toBe(true);
  });

  test("conv then 3-wide stride-2 pool with pad 1 is ⌈⌈S/2⌉/2⌉ (the ResNet stem)", () => {
    const conv = fl(S.add(k(6)).sub(k(7)), k(2)).add(Poly.ONE);
    const pool = fl(conv.add(k(2)).sub(k(3)), k(2)).add(Poly.ONE);
    expect(pool.equals(cl(cl(S, k(2)), k(2)))).toBe(true);
  });

  test("a 3-wide conv with pad 1 and a symbolic stride is ⌈S/stride⌉", () => {
    const stride = sym("stride");
    expect(
      fl(S.add(k(2)).sub(k(3)), stride)
        .add(Poly.ONE)
        .equals(cl(S, stride)),
    ).toBe(true);
  });

  test("⌊(3S + 1)/2⌋ = S + ⌊(S + 1)/2⌋", () => {
    const lhs = fl(S.scale(Rational.of(3)).add(Poly.ONE), k(2));
    expect(lhs.equals(S.add(fl(S.add(Poly.ONE), k(2))))).toBe(true);
  });

  test("negative multiples come out too: ⌊−S/2⌋ = −S + ⌊S/2⌋", () => {
    expect(fl(S.neg(), k(2)).equals(fl(S, k(2)).sub(S))).toBe(true);
  });

  test("exact division leaves no floor", () => {
    expect(fl(S.scale(Rational.of(2)), k(2)).equals(S)).toBe(true);
    expect(fl(S, Poly.ONE).equals(S)).toBe(true);
    expect(fl(prod(α, T).add(prod(α, S)), α).equals(T.add(S))).toBe(true);
    expect(cl(S.scale(Rational.of(4)).add(k(4)), k(4)).equals(S.add(Poly.ONE))).toBe(true);
  });

  test("constants are floored outright", () => {
    expect(fl(k(7), k(2)).equals(k(3))).toBe(true);
    expect(fl(k(-7), k(2)).equals(k(-4))).toBe(true);
    expect(cl(k(7), k(2)).equals(k(4))).toBe(true);
    expect(cl(k(-7), k(2)).equals(k(-3))).toBe(true);
    expect(fl(k(7, 2), Poly.ONE).equals(k(3))).toBe(true);
    expect(fl(k(6), k(3)).equals(k(2))).toBe(true);
    expect(fl(Poly.ZERO, k(5)).isZero()).toBe(true);
    expect(fl(k(1), k(1, 3)).equals(k(3))).toBe(true);
  });

  test("a constant over a symbolic divisor ≥ 1: [0, 1) floors to 0, [−1, 0) to −1", () => {
    expect(fl(k(1, 2), α).isZero()).toBe(true);
    expect(fl(k(-1), α).equals(k(-1))).toBe(true);
    expect(fl(Poly.ZERO, α).isZero()).toBe(true);
    expect(fl(k(5), α).hasFloorAtoms()).toBe(true);
  });

  test("the form depends only on the quotient n/d", () => {
    // ⌈2S/4⌉ is ⌈S/2⌉, and ⌊(2S + 1)/4⌋ is ⌊S/2⌋, for integer S.
    expect(cl(S.scale(Rational.of(2)), k(4)).equals(cl(S, k(2)))).toBe(true);
    expect(fl(S.scale(Rational.of(2)).add(Poly.ONE), k(4)).equals(fl(S, k(2)))).toBe(true);
    expect(fl(S.scale(Rational.of(6)), k(4)).equals(fl(S.scale(Rational.of(3)), k(2)))).toBe(true);
    // ⌊3S/2⌋ written with the rational inside or as the divisor.
    expect(fl(S.scale(Rational.of(3, 2)), Poly.ONE).equals(fl(S.scale(Rational.of(3)), k(2)))).toBe(true);
    expect(fl(S, k(2, 3)).equals(fl(S.scale(Rational.of(3)), k(2)))).toBe(true);
    expect(fl(S, k(1, 2)).equals(S.scale(Rational.of(2)))).toBe(true);
    expect(fl(S.scale(Rational.of(1, 2)).add(k(1, 2)), Poly.ONE).equals(cl(S, k(2)))).toBe(true);
  });

  test("a non-integer symbol stays inside the floor", () => {
    const f = fl(β.scale(Rational.of(2)), k(2));
    expect(f.equals(β)).toBe(false);
    expect(f.hasFloorAtoms()).toBe(true);
    expect(f.evaluate(at({ β: Rational.of(1, 2) }))?.equals(Rational.ZERO)).toBe(true);
    // The integer part beside it still comes out.
    expect(fl(β.add(S.scale(Rational.of(2))), k(2)).equals(S.add(fl(β, k(2))))).toBe(true);
  });

  test("division by a non-positive constant is refused", () => {
    expect(() => fl(S, Poly.ZERO)).toThrow(RangeError);
    expect(() => fl(S, k(-2))).toThrow(RangeError);
  });

  test("a floor atom evaluates to the floor", () => {
    const f = cl(S, k(2));
    expect(f.evaluate(at({ S: 7 }))?.equals(Rational.of(4))).toBe(true);
    expect(f.evaluate(at({ S: -7 }))?.equals(Rational.of(-3))).toBe(true);
    expect(
      cl(S, α)
        .evaluate(at({ S: 33, α: 8 }))
        ?.equals(Rational.of(5)),
    ).toBe(true);
    expect(cl(S, α).evaluate(at({ S: 33, α: 0 }))).toBeUndefined();
    expect(f.evaluate(at({ T: 1 }))).toBeUndefined();
  });
});

describe("evaluate, in JS numbers and past them", () => {
  // Expected values by bigint arithmetic; a floor rounds toward −∞ whatever the divisor's sign.
  const floorOf = (n: bigint, d: bigint) => (n % d !== 0n && n < 0n !== d < 0n ? n / d - 1n : n / d);
  const value = (p: Poly, values: Record<string, bigint>) => p.evaluate(at(values))?.toString();
  const U = sym("U");

  test("a floor over a symbolic divisor that is negative at the values", () => {
    const f = fl(S, T.sub(k(3)));
    for (const s of [7n, -7n, -8n, 0n]) expect(value(f, { S: s, T: 1n })).toBe(`${floorOf(s, -2n)}`);
    expect(value(fl(S, T), { S: 2n ** 53n - 1n, T: -3n })).toBe(`${floorOf(2n ** 53n - 1n, -3n)}`);
  });

  test("a sum, a product and a difference of products past 2^53 are exact", () => {
    expect(value(S.add(T), { S: 2n ** 52n + 1n, T: 2n ** 52n + 2n })).toBe(`${2n ** 53n + 3n}`);
    expect(value(prod(S, S, S), { S: 2n ** 18n + 1n })).toBe(`${(2n ** 18n + 1n) ** 3n}`);
    const [s, t, u] = [3n ** 20n, 3n ** 19n + 1n, 3n ** 19n];
    expect(value(prod(S, T).sub(prod(S, U)), { S: s, T: t, U: u })).toBe(`${s * t - s * u}`);
  });

  test("a divisor of zero, or an unbound symbol, has no value", () => {
    expect(value(fl(S, T.sub(k(3))), { S: 5n, T: 3n })).toBeUndefined();
    expect(value(S.add(T), { S: 1n })).toBeUndefined();
  });
});

describe("substitute", () => {
  test("plain substitution", () => {
    const p = prod(α, T).sub(Poly.ONE);
    expect(p.substitute((n) => (n === "T" ? k(8) : undefined), ints).equals(α.scale(Rational.of(8)).sub(Poly.ONE))).toBe(true);
    expect(p.substitute(() => undefined, ints).equals(p)).toBe(true);
  });

  test("substitution is simultaneous", () => {
    const p = S.sub(T);
    const swapped = p.substitute((n) => (n === "S" ? T : n === "T" ? S : undefined), ints);
    expect(swapped.equals(T.sub(S))).toBe(true);
  });

  test("floors are re-canonicalised", () => {
    expect(
      fl(S, k(2))
        .substitute((n) => (n === "S" ? T.scale(Rational.of(2)) : undefined), ints)
        .equals(T),
    ).toBe(true);
    expect(
      cl(S, α)
        .substitute((n) => (n === "α" ? k(2) : undefined), ints)
        .equals(cl(S, k(2))),
    ).toBe(true);
    expect(
      cl(S, k(2))
        .substitute((n) => (n === "S" ? k(33) : undefined), ints)
        .equals(k(17)),
    ).toBe(true);
  });
});

describe("withoutFloors", () => {
  test("⌊(S + 1)/2⌋ reads as S/2 when 2 | S", () => {
    const { poly, divisibility } = cl(S, k(2)).withoutFloors(ints);
    expect(poly.equals(S.scale(Rational.of(1, 2)))).toBe(true);
    expect(divisibility).toHaveLength(1);
    expect(divisibility[0]!.dividend.equals(S)).toBe(true);
    expect(divisibility[0]!.divisor.equals(k(2))).toBe(true);
    expect(showObligations(cl(S, k(2)))).toEqual(["2 | S"]);
  });

  test("⌊S/2⌋ reads as S/2 under the same condition", () => {
    const { poly } = fl(S, k(2)).withoutFloors(ints);
    expect(poly.equals(S.scale(Rational.of(1, 2)))).toBe(true);
    expect(showObligations(fl(S, k(2)))).toEqual(["2 | S"]);
  });

  test("the constant the floor took out stays", () => {
    const p = fl(S.add(k(3)), k(2));
    expect(p.toString()).toBe("⌈S/2⌉ + 1");
    expect(p.withoutFloors(ints).poly.equals(S.scale(Rational.of(1, 2)).add(Poly.ONE))).toBe(true);
  });

  test("nested floors give one obligation per level, innermost first", () => {
    const p = cl(cl(S, k(2)), k(2));
    expect(p.withoutFloors(ints).poly.equals(S.scale(Rational.of(1, 4)))).toBe(true);
    expect(showObligations(p)).toEqual(["2 | S", "2 | S/2"]);
  });

  test("a floor raised to a power", () => {
    const f = fl(S, k(2));
    const { poly, divisibility } = f.mul(f).withoutFloors(ints);
    expect(poly.equals(prod(S, S).scale(Rational.of(1, 4)))).toBe(true);
    expect(divisibility).toHaveLength(1);
  });

  test("a polynomial without floors comes back as it is, with nothing to prove", () => {
    const p = prod(α, T).sub(Poly.ONE);
    const { poly, divisibility } = p.withoutFloors(ints);
    expect(poly.equals(p)).toBe(true);
    expect(divisibility).toEqual([]);
  });

  test("a symbolic divisor that divides the dividend", () => {
    const p = fl(prod(α, β), α); // β is not an integer, so αβ/α cannot come out
    expect(p.hasFloorAtoms()).toBe(true);
    const { poly, divisibility } = p.withoutFloors(ints);
    expect(poly.equals(β)).toBe(true);
    expect(divisibility.map((o) => `${o.divisor} | ${o.dividend}`)).toEqual(["α | αβ"]);
  });

  test("a floor that cannot be read as exact stays, and asks for nothing", () => {
    const p = T.add(fl(S, α));
    const { poly, divisibility } = p.withoutFloors(ints);
    expect(poly.equals(p)).toBe(true);
    expect(divisibility).toEqual([]);
  });
});

describe("linearIn", () => {
  test("a·X + b", () => {
    const lin = prod(α, T)
      .add(S.scale(Rational.of(3)))
      .sub(Poly.ONE)
      .linearIn("T");
    expect(lin?.a.equals(α)).toBe(true);
    expect(lin?.b.equals(S.scale(Rational.of(3)).sub(Poly.ONE))).toBe(true);
  });

  test("several terms in X gather into a", () => {
    const lin = prod(k(2), T, S).add(T).add(k(5)).linearIn("T");
    expect(lin?.a.equals(S.scale(Rational.of(2)).add(Poly.ONE))).toBe(true);
    expect(lin?.b.equals(k(5))).toBe(true);
  });

  test("b may hold floors that do not mention X", () => {
    const lin = T.add(cl(S, k(2))).linearIn("T");
    expect(lin?.a.equals(Poly.ONE)).toBe(true);
    expect(lin?.b.equals(cl(S, k(2)))).toBe(true);
  });

  test("X squared is refused", () => {
    expect(prod(T, T).add(T).linearIn("T")).toBeUndefined();
    expect(prod(T, T, S).linearIn("T")).toBeUndefined();
  });

  test("X inside a floor is refused", () => {
    expect(fl(T, k(2)).add(T).linearIn("T")).toBeUndefined();
    expect(S.add(fl(S, T)).add(T).linearIn("T")).toBeUndefined();
    expect(prod(T, fl(T.add(Poly.ONE), k(2))).linearIn("T")).toBeUndefined();
  });

  test("X times a floor over X is refused", () => {
    // T·⌊S/T⌋: the would-be coefficient ⌊S/T⌋ still depends on T.
    expect(prod(T, fl(S, T)).linearIn("T")).toBeUndefined();
  });

  test("no X at all is refused", () => {
    expect(S.add(Poly.ONE).linearIn("T")).toBeUndefined();
  });
});

describe("divExact", () => {
  test("by constants", () => {
    const p = S.scale(Rational.of(2)).add(k(4));
    expect(p.divExact(k(2))?.equals(S.add(k(2)))).toBe(true);
    expect(p.divExact(k(1, 2))?.equals(S.scale(Rational.of(4)).add(k(8)))).toBe(true);
    expect(p.divExact(k(3))?.equals(S.scale(Rational.of(2, 3)).add(k(4, 3)))).toBe(true);
    expect(p.divExact(Poly.ZERO)).toBeUndefined();
  });

  test("by monomials dividing every term", () => {
    expect(
      prod(α, T)
        .add(prod(α, S, S))
        .divExact(α)
        ?.equals(T.add(prod(S, S))),
    ).toBe(true);
    expect(
      prod(k(6), α, S, S)
        .divExact(prod(k(3), S))
        ?.equals(prod(k(2), α, S)),
    ).toBe(true);
    expect(prod(S, T).divExact(prod(T, S))?.equals(Poly.ONE)).toBe(true);
    const f = cl(S, k(2));
    expect(prod(S, f).divExact(f)?.equals(S)).toBe(true);
    expect(Poly.ZERO.divExact(α)?.isZero()).toBe(true);
  });

  test("refuses a monomial that misses a term", () => {
    expect(prod(α, T).add(S).divExact(α)).toBeUndefined();
    expect(prod(S, S).divExact(prod(S, S, S))).toBeUndefined();
    expect(k(1).divExact(S)).toBeUndefined();
  });

  test("by sums that divide exactly", () => {
    const s1 = S.add(Poly.ONE);
    expect(prod(s1, T).divExact(s1)?.equals(T)).toBe(true);
    // S² − 1 = (S + 1)(S − 1), and 2T + 2 over T + 1 is a constant.
    expect(prod(S, S).sub(Poly.ONE).divExact(S.sub(Poly.ONE))?.equals(s1)).toBe(true);
    expect(prod(k(2), T).add(k(2)).divExact(T.add(Poly.ONE))?.equals(k(2))).toBe(true);
    expect(
      T.add(Poly.ONE)
        .divExact(prod(k(2), T).add(k(2)))
        ?.equals(k(1, 2)),
    ).toBe(true);
    // (S^5 − 1)/(S − 1): more quotient terms than the dividend has.
    const s5 = prod(S, S, S, S, S);
    expect(
      s5
        .sub(Poly.ONE)
        .divExact(S.sub(Poly.ONE))
        ?.equals(
          prod(S, S, S, S)
            .add(prod(S, S, S))
            .add(prod(S, S))
            .add(S)
            .add(Poly.ONE),
        ),
    ).toBe(true);
  });

  test("refuses sums that leave a remainder", () => {
    expect(S.divExact(S.add(Poly.ONE))).toBeUndefined();
    expect(prod(S, S).add(Poly.ONE).divExact(S.add(Poly.ONE))).toBeUndefined();
    expect(prod(S, T).divExact(S.add(T))).toBeUndefined();
  });

  test("the floor of an exact quotient by a sum is the quotient", () => {
    const s1 = S.add(Poly.ONE);
    expect(fl(prod(s1, T), s1).equals(T)).toBe(true);
  });
});

describe("sums over one denominator", () => {
  test("print as the paper writes them", () => {
    const k = Poly.symbol("k");
    expect(k.sub(Poly.ONE).scale(Rational.of(1, 2)).toString()).toBe("(k − 1)/2");
    expect(
      k
        .scale(Rational.of(1, 2))
        .add(k.scale(Rational.of(1, 3)))
        .toString(),
    ).toBe("5k/6");
    expect(
      k
        .scale(Rational.of(1, 2))
        .add(Poly.symbol("S").scale(Rational.of(1, 3)))
        .toString(),
    ).toBe("(2S + 3k)/6");
  });
});
