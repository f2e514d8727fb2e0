/**
 * Dimension names (docs/deploy.md, "Dimension names"): what dimName writes
 * for the polynomials the algebra makes, and evaluateDimName reading each
 * back to the polynomial's own value.
 */
import { describe, expect, test } from "vitest";
import type { IntegerSymbols } from "../../compiler/dims/monomials";
import { Poly, ceilDiv, floorDiv } from "../../compiler/dims/poly";
import { Rational } from "../../compiler/dims/rational";
import { dimName, evaluateDimName, productName } from "../../compiler/dynamic/dim-names";

const ints: IntegerSymbols = (name) => ["N", "S", "T"].includes(name);
const S = Poly.symbol("S");
const T = Poly.symbol("T");
const N = Poly.symbol("N");
const k = (n: number) => Poly.constant(n);
const half = (p: Poly) => ceilDiv(p, k(2), ints);

/** The side after n stride-2 windows padded "same": ⌈…⌈S/2⌉…/2⌉. */
const halved = (n: number): Poly => (n === 0 ? S : half(halved(n - 1)));

const CASES: Array<[string, Poly, string]> = [
  ["a parameter", T, "T"],
  ["a multiple", k(8).mul(T), "8*T"],
  ["a square", S.mul(S), "S^2"],
  ["one stride", halved(1), "ceil(S/2)"],
  ["five strides, one ceiling", halved(5), "ceil(S/32)"],
  ["a plane after four strides", halved(4).mul(halved(4)), "ceil(S/16)^2"],
  ["a floor that is not a ceiling", floorDiv(S.add(k(1)), k(4), ints), "floor((S+1)/4)"],
  ["a ceiling of a sum", ceilDiv(S.add(T), k(3), ints), "ceil((S+T)/3)"],
  ["a sum, highest degree first", T.mul(S).mul(k(2)).add(T).add(k(1)), "2*S*T+T+1"],
  ["a difference", S.sub(k(1)), "S-1"],
];

describe("dimName", () => {
  for (const [what, poly, name] of CASES) {
    test(`${what}: ${name}`, () => {
      expect(dimName(poly)).toBe(name);
      for (const [s, t] of [
        [1, 1],
        [7, 2],
        [64, 4],
        [225, 9],
        [1001, 16],
      ] as const) {
        const want = poly.evaluate((n) => (n === "S" ? Rational.of(s) : n === "T" ? Rational.of(t) : undefined))!;
        expect(
          evaluateDimName(name, (n) => ({ S: s, T: t })[n]),
          `S=${s} T=${t}`,
        ).toBe(want.toNumber());
      }
    });
  }
});

describe("productName", () => {
  const polyOf = (name: string): Poly | undefined => (name === "N" ? N : name === dimName(halved(5)) ? halved(5) : name === "8*T" ? k(8).mul(T) : undefined);

  test("numbers multiply", () => {
    expect(productName(7, 7, polyOf)).toBe(49);
  });

  test("names multiply as polynomials: a side by itself is a power, the batch by frames has its coefficient first", () => {
    expect(productName("ceil(S/32)", "ceil(S/32)", polyOf)).toBe("ceil(S/32)^2");
    expect(productName("N", "8*T", polyOf)).toBe("8*N*T");
    expect(productName("N", 32, polyOf)).toBe("32*N");
  });

  test("a name the algebra did not give is an internal error, not a made-up name", () => {
    expect(() => productName("N", "M", polyOf)).toThrow(/"M" stands for no known polynomial/);
  });
});
