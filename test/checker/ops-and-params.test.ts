/** Op rules and network parameters at their edges. */
import { describe, expect, it } from "vitest";
import { checkSource, codes, elaborateSource, expectError, expectNoIssues } from "../support/compiler";

describe("conv groups", () => {
  const grouped = "block grouped(x: <T, S², C>, g: int) -> <T, S², C> {\n  return conv(x, out: C, kernel: 1×3², pad: 0×1², groups: g)\n}\n";
  it("a group count that must divide the channels is a requirement of a generic block", () => {
    expectNoIssues(checkSource(grouped));
  });
  it("is decided at each call", () => {
    const use = (g: number) => `${grouped}network N(clip: <2, 8², 8>) -> <2, 8², 8> {\n  return grouped(clip, g: ${g})\n}\n`;
    expectNoIssues(checkSource(use(4)));
    expectError(checkSource(use(3)), "SF0302", { message: /input channels a multiple of g/ });
  });
});

describe("windows of two extents", () => {
  it("leave time at the argument's default: kernel 1, pad 0", () => {
    const r = elaborateSource("network N(clip: <8, 16², 3>) -> <8, 16², 4> {\n  return conv(clip, out: 4, kernel: 3², pad: 1²)\n}\n");
    expect(r.diagnostics).toEqual([]);
    const conv = r.graph!.nodes[0]!.op;
    expect(conv).toMatchObject({ kind: "conv", kernel: [1, 3, 3], pads: [0, 1, 1, 0, 1, 1] });
  });
});

describe("network parameters", () => {
  const source =
    "network N(clip: <2, 8², 3>, wide = false) -> <4> {\n  if wide { return clip |> conv(out: 8) |> gap |> linear(out: 4) }\n  return clip |> conv(out: 4) |> gap\n}\n";
  it("booleans have defaults and can be set", () => {
    expect(elaborateSource(source).graph!.nodes.map((n) => n.op.kind)).toEqual(["conv", "gap"]);
    expect(elaborateSource(source, undefined, ["wide=true"]).graph!.nodes.map((n) => n.op.kind)).toEqual(["conv", "gap", "linear"]);
    expect(codes(checkSource(source, ["wide=2"]))).toEqual(["SF0112"]);
  });
});

describe("error recovery does not cascade", () => {
  it("a declaration with a syntax error in it is not checked further", () => {
    const r = checkSource("block b(x: <T, S², C>) -> <T, S², 2C> {\n  return conv(x, out: 2 C)\n}\n");
    expect(new Set(codes(r))).toEqual(new Set(["SF0002"]));
  });
});

describe("aliases", () => {
  it("a file's own alias is its network, and may write the rounding of a fractional width", () => {
    const r = elaborateSource("import std.slowfast { SlowFast_4x16_R50 }\nnetwork Beta6 = SlowFast_4x16_R50(β: 1/6, Cf: ⌊βC⌋, S: 64)\n");
    expect(r.diagnostics).toEqual([]);
    expect(r.graph!.name).toBe("Beta6");
    expect(r.graph!.nodes.find((n) => n.name === "s1.fast.stem.conv")!.weights[0]!.shape[0]).toBe(10);
  });

  const chain = {
    "a.sf":
      "network N(clip: <8, S², 3>, S = 32, w = 8, classes = 10) -> <classes> {\n  return clip |> conv(out: w, kernel: 1×3², pad: 0×1²) |> gap |> linear(out: classes)\n}\n",
    "b.sf": 'import "./a.sf"\nnetwork B = N(w: 4)\n',
    "c.sf": 'import "./b.sf"\nnetwork C = B(classes: 7)\n',
  };

  it("resolve across any number of files, each adding its defaults", () => {
    const r = checkSource('import "./c.sf"\nnetwork D = C(S: 64)\n', [], chain);
    expectNoIssues(r);
    const d = r.networks.find((n) => n.name === "D")!;
    expect(Object.fromEntries(d.params.map((p) => [p.name, String(p.value)]))).toEqual({ S: "64", w: "4", classes: "7" });
    expect(d.graph!.inputs[0]!.shape).toEqual([3, 8, 64, 64]);
  });

  it("report a broken chain once, at its root", () => {
    const r = checkSource('import "./c.sf"\nnetwork D = C(S: 64)\nnetwork E = D()\n', [], { ...chain, "b.sf": 'import "./a.sf"\nnetwork B = M(w: 4)\n' });
    expect(codes(r)).toEqual(["SF0110"]);
    expect(r.diagnostics[0]!.primary.span.file).toBe("b.sf");
  });

  it("report a cycle once, naming every alias in it, and an alias named like a network", () => {
    const r = checkSource("network A = B()\nnetwork B = C()\nnetwork C = A()\nnetwork D = A()\n");
    expectError(r, "SF0119", { at: "network A", message: "network aliases form a cycle: `A` → `B` → `C` → `A`" });
    expect(codes(checkSource(chain["a.sf"] + "network N = N(w: 2)\n"))).toEqual(["SF0102"]);
  });
});

describe("settings", () => {
  it("take words, quoted strings, fractions and decimals", () => {
    const source =
      'network N(clip: <2, 8², 3>, size: "8x8" | "small" = "small", p = 0.5) -> <4> {\n  x = size == "8x8" ? conv(clip, out: 4) : conv(clip, out: 4, kernel: 1×3², pad: 0×1²)\n  return x |> gap |> dropout(p: p)\n}\n';
    expect(elaborateSource(source, undefined, ['size="8x8"', "p=1/4"]).diagnostics).toEqual([]);
    expect(elaborateSource(source, undefined, ["size=small", "p=0.25"]).diagnostics).toEqual([]);
    expect(codes(checkSource(source, ["size=8x8"]))).toEqual(["SF0112"]);
  });
});
