/**
 * Numbers are exact whatever their exponent, or refused with a diagnostic at
 * the literal; no construct around a number is ever dropped without one; and
 * expressions are bounded in depth (SF0003) so that no stage can overflow.
 */
import { describe, expect, it } from "vitest";
import { checkSource, codes, elaborateSource, expectError } from "../support/compiler";
import { Rational } from "../../compiler/dims/rational";

const net = (body: string, extra = "") => `${extra}network N(clip: <4, 8², 3>) -> <4> {\n${body}\n}\n`;

describe("number literals", () => {
  it("parses exponents past 400 exactly", () => {
    expect(Rational.parseDecimal("1e401")!.equals(Rational.of(10n ** 401n))).toBe(true);
    expect(Rational.parseDecimal("1e-401")!.equals(Rational.of(1n, 10n ** 401n))).toBe(true);
    expect(Rational.parseDecimal("2.5e990")!.equals(Rational.of(25n * 10n ** 989n))).toBe(true);
  });

  it("refuses a literal whose exact value needs more than 1000 digits", () => {
    expect(Rational.parseDecimal("1e999999999")).toBeUndefined();
    expect(Rational.parseDecimal("1e1001")).toBeUndefined();
  });

  it("keeps `if 1e401 > 0 { ... }` and its relu", () => {
    const r = elaborateSource(net("  x = clip |> conv(out: 4)\n  if 1e401 > 0 { x = x |> relu }\n  return x |> gap"));
    expect(r.diagnostics).toEqual([]);
    expect(r.graph!.nodes.map((n) => n.op.kind)).toContain("relu");
  });

  it("keeps scale(by: 1e-401): the op is there, between conv and gap", () => {
    const r = elaborateSource(net("  return clip |> conv(out: 4) |> scale(by: 1e-401) |> gap"));
    expect(r.diagnostics).toEqual([]);
    const kinds = r.graph!.nodes.map((n) => n.op.kind as string);
    expect(kinds).toHaveLength(3);
    expect(kinds[0]).toBe("conv");
    expect(kinds[2]).toBe("gap");
    expect(kinds[1]).toBe("scale");
  });

  it("refuses conv(kernel: 1e401) rather than compile a 1×1×1 kernel", () => {
    const r = checkSource(net("  return clip |> conv(out: 3, kernel: 1e401) |> gap"));
    expect(r.ok).toBe(false);
  });

  it("refuses stride: 1e999999999 at the literal", () => {
    expectError(checkSource(net("  return clip |> conv(out: 4, stride: 1e999999999) |> gap")), "SF0004", { at: "1e999999999" });
  });

  it("refuses stride: 1e30, which no size depends on, rather than write it wrapped as an int64", () => {
    expectError(checkSource(net("  return clip |> conv(out: 4, stride: 1e30) |> gap")), "SF0004", {
      message: /1000000000000000000000000000000 is too large for an attribute/,
    });
    expectError(checkSource(net("  return clip |> maxpool(kernel: 1, stride: 2147483649) |> conv(out: 4) |> gap")), "SF0004");
    expect(checkSource(net("  return clip |> conv(out: 4, stride: 2147483648) |> gap")).diagnostics).toEqual([]);
  });

  it("reports `param p = 1e1001` at the literal, before any use of p", () => {
    const r = checkSource("param p = 1e1001\n" + net("  return clip |> conv(out: p) |> gap"));
    expect(codes(r)[0]).toBe("SF0004");
    expect(r.diagnostics[0]!.primary.span.column).toBe(11);
  });

  it("keeps `param p = 1e401` exact", () => {
    expect(checkSource("param p = 1e401\nparam q = p / 1e400\n").diagnostics).toEqual([]);
  });
});

/** Blocks b1 ... bN, each passing `next` of its `n` on to the next, the last returning its input. */
function squaringChain(n: number, next: string, network: string): string {
  const blocks = Array.from({ length: n }, (_, i) => {
    const body = i + 1 < n ? `b${i + 2}(x, n: ${next})` : "x |> relu";
    return `block b${i + 1}(x: <T, S², C>, n: int) -> <T, S², C> { return ${body} }`;
  });
  return `${blocks.join("\n")}\n${network}\n`;
}

describe("computed numbers", () => {
  it("refuses a parameter squared in a chain once its value passes the digits limit, at that parameter", () => {
    const params = Array.from({ length: 32 }, (_, i) => `param p${i + 1} = ${i ? `p${i} * p${i}` : "2"}`).join("\n");
    const d = expectError(checkSource(`${params}\n`), "SF0004", { at: "p12 * p12" });
    expect(d.message).toBe("the value of `p13` needs more than 1000 digits written out");
  });

  it("refuses a block argument squared at each call once its value passes the digits limit", () => {
    const source = squaringChain(40, "n * n", "network N(clip: <4, 8², 3>) -> <4, 8², 3> { return b1(clip, n: 2) }");
    expectError(checkSource(source), "SF0004", { at: "n * n", message: /needs more than 1000 digits written out/ });
  });

  it("refuses a polynomial in a network's size grown past degree 64, rather than evaluate T^(3^40)", () => {
    const source = squaringChain(40, "n * n * n", "network N(clip: <T, 8², 3>, T = 4) -> <T, 8², 3> { return b1(clip, n: T) }");
    expectError(checkSource(source), "SF0004", {
      at: "n * n * n",
      message: "this expression has degree 81 in the sizes it depends on; sfc works with at most 64",
    });
  });

  it("refuses (T + 1)^(2^k) by its degree before its terms take the memory", () => {
    const source = squaringChain(40, "(n + 1) * (n + 1)", "network N(clip: <T, 8², 3>, T = 4) -> <T, 8², 3> { return b1(clip, n: T) }");
    expectError(checkSource(source), "SF0004", { message: /has degree \d+ in the sizes it depends on; sfc works with at most 64/ });
  });

  it("refuses a polynomial of more than 256 terms", () => {
    const sum = Array.from({ length: 17 }, (_, i) => `T${i}`).join(" + ");
    const formals = Array.from({ length: 17 }, (_, i) => `T${i} = 1`).join(", ");
    const r = checkSource(`network N(clip: <4, 8², 3>, ${formals}) -> <4> {\n  return clip |> conv(out: (${sum}) * (${sum}) * (${sum})) |> gap\n}\n`);
    expectError(r, "SF0004", { message: /expands to \d+ terms; sfc works with at most 256/ });
  });

  it("refuses a size grown inside ceiling brackets, ⌈n·n/2⌉ at each call, by the degree of what they hold", () => {
    const source = squaringChain(40, "⌈n * n / 2⌉", "network N(clip: <T, 8², 3>, T = 4) -> <T, 8², 3> { return b1(clip, n: T) }");
    expectError(checkSource(source), "SF0004", { at: "n * n", message: /has degree \d+ in the sizes it depends on/ });
  });

  it("takes as a parameter or a default any number it takes as a literal: 1e-999, 1e999, 5e-999", () => {
    for (const value of ["1e-999", "1e999", "5e-999", "-2e-998", "0.5e-998"]) {
      expect(
        checkSource(`param p = ${value}
`).diagnostics,
        value,
      ).toEqual([]);
      expect(
        checkSource(`network N(clip: <4, 8², 3>, eps = ${value}) -> <4, 8², 3> { return clip }
`).diagnostics,
        value,
      ).toEqual([]);
    }
  });

  it("keeps exact arithmetic within the bounds: (2^300)², and a degree-6 size", () => {
    expect(checkSource(`param p = ${2n ** 300n}\nparam q = p * p / (p * p)\n`).diagnostics).toEqual([]);
    expect(checkSource("param S = 4\nparam q = S·S·S·S·S·S\n").diagnostics).toEqual([]);
  });
});

describe("expression depth", () => {
  for (const [what, join] of [
    ["sums", "+"],
    ["products", "*"],
    ["differences", "-"],
  ] as const) {
    it(`a chain of 1,500 ${what} is SF0003, not a stack overflow`, () => {
      expectError(checkSource(`param p = ${Array(1500).fill("1").join(join)}\n`), "SF0003");
    });
  }

  it("a juxtaposed product of 1,500 factors is SF0003", () => {
    expectError(checkSource(`param p = 2${"α".repeat(1500)}\n`), "SF0003");
  });

  it("a chain of 150 terms is fine", () => {
    expect(checkSource(`param p = ${Array(150).fill("1").join("+")}\n`).diagnostics).toEqual([]);
  });

  it("the limit can be raised", async () => {
    const { check } = await import("../../compiler/index");
    const { memoryHost } = await import("../support/compiler");
    const r = check({ files: ["main.sf"], host: memoryHost({ "main.sf": `param p = ${Array(300).fill("1").join("+")}\n` }), limits: { nesting: 400 } });
    expect(r.diagnostics).toEqual([]);
  });
});
