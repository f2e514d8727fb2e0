import { describe, expect, test } from "vitest";
import { Rational, gcd } from "../../compiler/dims/rational";

const r = (n: bigint | number, d: bigint | number = 1n) => Rational.of(n, d);

/** Numerator and denominator, so normal form is checked, not just value. */
const parts = (x: Rational | undefined) => (x === undefined ? undefined : [x.num, x.den]);

describe("Rational.of normalises", () => {
  test("the sign lives in the numerator", () => {
    expect(parts(r(3, -4))).toEqual([-3n, 4n]);
    expect(parts(r(-3, -4))).toEqual([3n, 4n]);
    expect(parts(r(-3, 4))).toEqual([-3n, 4n]);
  });

  test("common factors are cancelled", () => {
    expect(parts(r(6, 4))).toEqual([3n, 2n]);
    expect(parts(r(-12n, 18n))).toEqual([-2n, 3n]);
    expect(parts(r(10, -5))).toEqual([-2n, 1n]);
    expect(r(2, 4).equals(r(1, 2))).toBe(true);
  });

  test("zero has the one form 0/1, whatever the denominator", () => {
    expect(parts(r(0, -7))).toEqual([0n, 1n]);
    expect(parts(r(0, 5))).toEqual([0n, 1n]);
    expect(r(0, 9).equals(Rational.ZERO)).toBe(true);
  });

  test("numbers and bigints give the same value", () => {
    expect(r(7, 3).equals(r(7n, 3n))).toBe(true);
    expect(parts(r(2 ** 60))).toEqual([2n ** 60n, 1n]);
  });

  test("a zero denominator and a non-integer number are refused", () => {
    expect(() => r(1, 0)).toThrow(RangeError);
    expect(() => r(0n, 0n)).toThrow(RangeError);
    expect(() => r(2.5)).toThrow(RangeError);
  });
});

describe("arithmetic", () => {
  test("add, sub, mul, div stay exact and reduced", () => {
    expect(parts(r(1, 2).add(r(1, 3)))).toEqual([5n, 6n]);
    expect(parts(r(1, 2).sub(r(1, 2)))).toEqual([0n, 1n]);
    expect(parts(r(2, 3).mul(r(9, 4)))).toEqual([3n, 2n]);
    expect(parts(r(1, 8).div(r(-1, 4)))).toEqual([-1n, 2n]);
    expect(parts(r(3, 5).neg())).toEqual([-3n, 5n]);
    expect(parts(Rational.ZERO.neg())).toEqual([0n, 1n]);
  });

  test("β = 1/8 survives a round trip through eight additions", () => {
    let sum = Rational.ZERO;
    for (let i = 0; i < 8; i++) sum = sum.add(r(1, 8));
    expect(sum.equals(Rational.ONE)).toBe(true);
  });

  test("division by zero throws", () => {
    expect(() => r(1).div(Rational.ZERO)).toThrow(RangeError);
  });

  test("sign, compare, isZero, isInteger", () => {
    expect([r(-1, 3).sign(), Rational.ZERO.sign(), r(1, 3).sign()]).toEqual([-1, 0, 1]);
    expect(r(1, 3).compare(r(1, 2))).toBe(-1);
    expect(r(2, 4).compare(r(1, 2))).toBe(0);
    expect(r(-1, 3).compare(r(-1, 2))).toBe(1);
    expect(r(0, 3).isZero()).toBe(true);
    expect(r(4, 2).isInteger()).toBe(true);
    expect(r(3, 2).isInteger()).toBe(false);
  });

  test("toString is n or n/d with the sign in front", () => {
    expect(r(7).toString()).toBe("7");
    expect(r(-3, 2).toString()).toBe("-3/2");
    expect(r(3, -2).toString()).toBe("-3/2");
    expect(r(5, 10).toString()).toBe("1/2");
  });
});

describe("parseDecimal", () => {
  test.each([
    ["0.5", 1n, 2n],
    ["1e-5", 1n, 100000n],
    ["-3", -3n, 1n],
    ["2.50", 5n, 2n],
    ["2.5E3", 2500n, 1n],
    ["1e+2", 100n, 1n],
    ["12.", 12n, 1n],
    ["-0.125", -1n, 8n],
    ["0.1", 1n, 10n],
    ["007", 7n, 1n],
    ["-0", 0n, 1n],
    ["1.5e-1", 3n, 20n],
  ])("%s is exactly %d/%d", (text, num, den) => {
    expect(parts(Rational.parseDecimal(text))).toEqual([num, den]);
  });

  test.each(["1.2.3", "", "-", ".5", "1e", "+3", " 1", "1 ", "1,5", "0x10", "1e5.5", "--1", "Infinity", "NaN"])("%j is refused", (text) => {
    expect(Rational.parseDecimal(text)).toBeUndefined();
  });

  test("values needing more than 1000 digits are refused instead of building enormous numbers", () => {
    expect(Rational.parseDecimal("1e1000")).toBeUndefined();
    expect(Rational.parseDecimal("1e-1000")).toBeUndefined();
    expect(Rational.parseDecimal("1e99999999999999999999")).toBeUndefined();
    expect(Rational.parseDecimal("1e-99999999999999999999")).toBeUndefined();
  });

  test("exponents up to 400 are kept exactly", () => {
    expect(parts(Rational.parseDecimal("1e400"))).toEqual([10n ** 400n, 1n]);
    expect(parts(Rational.parseDecimal("3e-400"))).toEqual([3n, 10n ** 400n]);
  });

  test("long mantissas are exact, not rounded through a double", () => {
    expect(parts(Rational.parseDecimal("0.30000000000000000001"))).toEqual([30000000000000000001n, 10n ** 20n]);
    expect(Rational.parseDecimal("9007199254740993")?.num).toBe(9007199254740993n);
  });
});

describe("floor and ceil", () => {
  test.each([
    [7n, 2n, 3n, 4n],
    [-7n, 2n, -4n, -3n],
    [-4n, 1n, -4n, -4n],
    [-1n, 3n, -1n, 0n],
    [1n, 3n, 0n, 1n],
    [0n, 1n, 0n, 0n],
    [-6n, 3n, -2n, -2n],
    [-1n, 10n ** 30n, -1n, 0n],
  ])("⌊%d/%d⌋ = %d, ⌈⌉ = %d", (n, d, floor, ceil) => {
    expect(r(n, d).floor()).toBe(floor);
    expect(r(n, d).ceil()).toBe(ceil);
  });
});

describe("conversions", () => {
  test("toSafeInteger only for integers a double holds exactly", () => {
    expect(r(12).toSafeInteger()).toBe(12);
    expect(r(-12).toSafeInteger()).toBe(-12);
    expect(r(2n ** 200n).toSafeInteger()).toBeUndefined();
    expect(r(2n ** 53n).toSafeInteger()).toBeUndefined();
    expect(r(-(2n ** 53n)).toSafeInteger()).toBeUndefined();
    expect(r(2n ** 53n - 1n).toSafeInteger()).toBe(Number.MAX_SAFE_INTEGER);
    expect(r(1, 2).toSafeInteger()).toBeUndefined();
  });

  test("toNumber", () => {
    expect(r(1, 8).toNumber()).toBe(0.125);
    expect(r(-1, 3).toNumber()).toBeCloseTo(-1 / 3, 15);
  });

  test("toNumber keeps the ratio when both ends pass 2^1024", () => {
    // Both convert to Infinity on their own, and Infinity/Infinity is NaN.
    expect(r(10n ** 400n + 1n, 10n ** 400n).toNumber()).toBe(1);
    expect(r(-(10n ** 400n) - 1n, 10n ** 400n).toNumber()).toBe(-1);
    expect(r(2n ** 1100n + 1n, 2n ** 1090n).toNumber()).toBe(1024);
    expect(r(2n ** 1090n, 2n ** 1100n + 1n).toNumber()).toBeCloseTo(1 / 1024, 15);
    // Only the numerator overflows, yet the value is about 2^100.
    expect(r(2n ** 1100n + 1n, 2n ** 1000n).toNumber()).toBe(2 ** 100);
    expect(r(1n, 10n ** 400n).toNumber()).toBe(0);
    expect(r(10n ** 400n).toNumber()).toBe(Infinity);
    expect(r(-(10n ** 400n)).toNumber()).toBe(-Infinity);
    expect(r(10n ** 700n + 1n, 3n).toNumber()).toBe(Infinity);
  });
});

describe("gcd", () => {
  test("is non-negative whatever the signs", () => {
    expect(gcd(12n, 18n)).toBe(6n);
    expect(gcd(-4n, 6n)).toBe(2n);
    expect(gcd(4n, -6n)).toBe(2n);
    expect(gcd(-4n, -6n)).toBe(2n);
    expect(gcd(0n, 5n)).toBe(5n);
    expect(gcd(-5n, 0n)).toBe(5n);
  });

  test("gcd(0, 0) is 1 so that dividing by it is safe", () => {
    expect(gcd(0n, 0n)).toBe(1n);
  });
});
