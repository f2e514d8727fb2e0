/**
 * How a condition a path assumed reads in messages (compiler/check/guards.ts):
 * as simply as the dimension algebra writes it, whatever substitution a call
 * made of it, and always saying the same condition.
 */
import { describe, expect, test } from "vitest";
import { assumptionText } from "../../compiler/check/guards";
import { Poly } from "../../compiler/dims/poly";
import { Rational } from "../../compiler/dims/rational";
import type { ComparisonOp } from "../../compiler/values";

const n = Poly.symbol("n");
const C = Poly.symbol("C");
const S = Poly.symbol("S");
const num = (v: number) => Poly.constant(Rational.of(v));
const text = (lhs: Poly, op: ComparisonOp, rhs: Poly, holds = true) => assumptionText({ condition: { kind: "compare", lhs, op, rhs }, holds });

describe("a carried condition in messages", () => {
  test("has its constants on one side: k > 2 with k = n + 1 is n > 1", () => {
    expect(text(n.add(num(1)), ">", num(2))).toBe("n > 1");
    expect(text(n.add(num(1)), ">", num(2), false)).toBe("n <= 1");
  });

  test("keeps what was already simplest", () => {
    expect(text(Poly.symbol("k"), ">", num(2))).toBe("k > 2");
    expect(text(S, ">=", num(8))).toBe("S >= 8");
    expect(text(n, "<", C)).toBe("n < C");
    expect(text(n, "==", C.sub(num(1)))).toBe("n == C − 1");
  });

  test("turns round where nothing would be left on the left: 2 − C > 0 is C < 2", () => {
    expect(text(num(2).sub(C), ">", Poly.ZERO)).toBe("C < 2");
    expect(text(num(2), ">=", S, false)).toBe("S > 2");
  });

  test("divides out a whole factor of both sides: 2n + 2 > 6 is n > 2, 2n > 3 stays", () => {
    expect(text(n.scale(Rational.of(2)).add(num(2)), ">", num(6))).toBe("n > 2");
    expect(text(n.scale(Rational.of(2)), ">", num(3))).toBe("2n > 3");
  });
});
