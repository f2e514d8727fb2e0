/**
 * Block-valued parameters: `transform: block | "none" = tconv(k: K)`. Their
 * values (defaults, aliases' arguments, settings, block arguments), their
 * calls checked against the block's signature, a block taking one checked
 * with its default and again at a call passing another, and the diagnostics
 * of each mistake.
 */
import { describe, expect, it } from "vitest";
import { checkSource, codes, elaborateSource, expectError, expectNoIssues } from "../support/compiler";

/** A two-pathway network whose lateral link is a parameter. */
const NET = `
import std.lateral { t2c, tsample, tconv, tconv_only }

network Net(
    clip: <αT, S², 3>,
    T = 2, α = 4, β: rat = 1/4, S = 16, C = 16, K = 3,
    transform: block | "none" = tconv(k: K),
    fusion: "concat" | "sum" = "concat"
) -> <10> {
  pathway fast = conv(clip, out: βC, kernel: 1×1²) as fast_conv
  pathway slow = conv(frames(clip, every: α), out: C, kernel: 1×1²) as slow_conv
  if transform != "none" { lateral fast -> slow: transform(α: α, β: β) as fuse fuse fusion }
  return concat(gap(slow), gap(fast)) |> linear(out: 10) as head
}
`;

const lateralWeight = (r: ReturnType<typeof elaborateSource>) =>
  r.graph?.nodes.flatMap((n) => n.weights.filter((w) => w.name.startsWith("fuse.")).map((w) => `${w.name} ${w.shape.join("×")}`));

describe("a network's block-valued parameter", () => {
  it("applies its default with the network's earlier parameters bound: tconv(k: K) is a K×1² conv", () => {
    const r = elaborateSource(NET, "Net");
    expect(r.diagnostics).toEqual([]);
    expect(lateralWeight(r)).toContain("fuse.conv_f2s.weight 8×4×3×1×1");
    expect(r.networks[0]!.params.find((p) => p.name === "transform")!.value!.toString()).toBe("tconv(k: 3)");
  });

  it("takes a block's name from the command line, and its words", () => {
    const t2c = elaborateSource(NET, "Net", ["transform=t2c"]);
    expect(t2c.diagnostics).toEqual([]);
    expect(lateralWeight(t2c)).toEqual([]);
    expect(t2c.graph!.nodes.some((n) => n.name.startsWith("fuse."))).toBe(true);
    const none = elaborateSource(NET, "Net", ["transform=none"]);
    expect(none.diagnostics).toEqual([]);
    expect(none.graph!.nodes.some((n) => n.name.startsWith("fuse"))).toBe(false);
    expect(none.networks[0]!.params.find((p) => p.name === "transform")!.value).toBe("none");
  });

  it("takes a value with arguments from the command line, read in the network's parameters", () => {
    const r = elaborateSource(NET, "Net", ["transform=tconv_only(k: K + 2, ratio: 1)"]);
    expect(r.diagnostics).toEqual([]);
    expect(lateralWeight(r)).toEqual(["fuse.conv_f2s.weight 4×4×5×1×1"]);
    expect(r.networks[0]!.params.find((p) => p.name === "transform")!.value!.toString()).toBe("tconv_only(k: 5, ratio: 1)");
  });

  it("takes a value from an alias, naming blocks in scope where the alias is written", () => {
    const source = `${NET}
block halve(x: <αT, S², βC>, α: int, β: rat) -> <T, S², βC> { return frames(x, every: α) }
network A = Net(transform: halve, K: 5)
network B = Net(transform: tconv(k: 1))
network Q = Net(transform: "t2c")
`;
    const a = elaborateSource(source, "A");
    expect(a.diagnostics).toEqual([]);
    expect(a.networks[0]!.params.find((p) => p.name === "transform")!.value!.toString()).toBe("halve");
    expect(lateralWeight(elaborateSource(source, "B"))).toContain("fuse.conv_f2s.weight 8×4×1×1×1");
    expect(elaborateSource(source, "Q").diagnostics).toEqual([]);
  });

  it("warns when a value leaves out an argument the default binds to another value (SF0124)", () => {
    const d = expectError(checkSource(NET, ["transform=tconv_only"]), "SF0124", {
      message: "`transform` = `tconv_only` uses its own `k` = 5, where the default binds `k` = 3",
    });
    expect(d.severity).toBe("warning");
    expect(d.help).toBe("to keep the default's, bind it: --set 'transform=tconv_only(k: K)'");
    expect(checkSource(NET, ["transform=tconv_only(k: K)"]).diagnostics).toEqual([]);
    expect(checkSource(NET, ["transform=tconv_only", "K=5"]).diagnostics).toEqual([]);
  });

  it("takes a setting of an alias naming a block of the alias's file", () => {
    const source = `import "./lib.sf" { Net }
block halve(x: <αT, S², βC>, α: int, β: rat) -> <T, S², βC> { return frames(x, every: α) }
network A = Net(K: 5)
`;
    const r = checkSource(source, ["transform=halve"], { "lib.sf": NET });
    expect(r.diagnostics).toEqual([]);
    expect(r.networks[0]!.params.find((p) => p.name === "transform")!.value!.toString()).toBe("halve");
  });

  it("refuses a name that is no block or word, suggesting the closest (SF0112)", () => {
    const d = expectError(checkSource(NET, ["transform=t3c"]), "SF0112", { message: /`transform` is a block or "none", given `t3c`/ });
    expect(d.help).toBe("did you mean `t2c`?");
  });

  it("refuses an op, a network and a number (SF0120)", () => {
    expectError(checkSource(NET, ["transform=relu"]), "SF0120", { message: "`transform` takes a block, given the built-in op `relu`" });
    expectError(checkSource(`${NET}\nnetwork X = Net(transform: Net)`), "SF0120", { at: "Net)", message: /the network `Net`/ });
    expectError(checkSource(`${NET}\nnetwork X = Net(transform: 3)`), "SF0120", { at: "3)", message: /given a number/ });
  });

  it("refuses bound arguments the block cannot take (SF0121)", () => {
    expectError(checkSource(NET, ["transform=tconv(kernel: 3)"]), "SF0121", { message: /`tconv` has no argument `kernel` to bind/ });
    expectError(checkSource(NET, ["transform=tconv(x: 3)"]), "SF0121", { message: /tensor input/ });
    expectError(checkSource(NET, ["transform=tconv(3)"]), "SF0121", { message: /by name/ });
    expectError(checkSource(NET, ["transform=tconv(k: 1, k: 3)"]), "SF0121", { message: /bound twice/ });
  });

  it("reports a setting that does not parse where it is written", () => {
    const d = expectError(checkSource(NET, ["transform=tconv(k: "]), "SF0112", { message: /cannot read the setting/ });
    expect(d.primary.span.file).toBe("<command line>");
  });

  it("checks each call like a call of the block: an argument it does not take, one it lacks, one bound again", () => {
    expectError(checkSource(NET.replace("transform(α: α, β: β)", "transform(α: α, β: β, k: 3)")), "SF0122", { at: "k: 3" });
    const unknown = expectError(checkSource(NET.replace("transform(α: α, β: β)", "transform(α: α, β: β, k: 3)"), ["transform=t2c"]), "SF0107", {
      at: "k",
      message: "`t2c` has no argument `k`",
    });
    expect(unknown.chain.map((c) => c.label)).toContain("`transform` is `t2c` here");
    expectError(checkSource(NET.replace("transform(α: α, β: β)", "transform(α: α)")), "SF0108", { message: "`tconv` needs `β`" });
  });

  it("checks the shapes at each value: tsample's βC channels cannot be summed into C, and says which values chose them", () => {
    const r = checkSource(NET, ["transform=tsample", "fusion=sum"]);
    expect(codes(r)).toContain("SF0202");
    const d = r.diagnostics.find((x) => x.code === "SF0202")!;
    expect(d.chain.map((c) => [c.label, c.span.file, c.span.column])).toEqual([
      ["`transform` is `tsample` here", "<command line>", 1],
      ["`fusion` is `sum` here", "<command line>", 25],
    ]);
  });

  it("names no value where the link calls a block itself and fuses with a written word", () => {
    const direct = NET.replace("transform(α: α, β: β)", "tsample(α: α, β: β)").replace("fuse fusion", "fuse sum");
    const d = expectError(checkSource(direct), "SF0202", { message: /channels differ/ });
    expect(d.chain).toEqual([]);
  });

  it("compares with a block's name as that block, whatever arguments the value binds, and with a word as different", () => {
    const only = (test: string) => NET.replace('if transform != "none"', `if ${test}`);
    expect(lateralWeight(elaborateSource(only("transform == tconv"), "Net"))).toContain("fuse.conv_f2s.weight 8×4×3×1×1");
    expect(lateralWeight(elaborateSource(only("transform == tconv"), "Net", ["transform=tconv(k: 5)"]))).toContain("fuse.conv_f2s.weight 8×4×5×1×1");
    expect(lateralWeight(elaborateSource(only("tconv == transform"), "Net", ["transform=tconv_only"]))).toEqual([]);
    expect(lateralWeight(elaborateSource(only("transform != tconv_only"), "Net", ["transform=tconv_only"]))).toEqual([]);
    expect(lateralWeight(elaborateSource(only("transform != tconv_only"), "Net", ["transform=tconv"]))).toContain("fuse.conv_f2s.weight 8×4×5×1×1");
    // A word is never a block; a number is no comparand for either.
    expect(lateralWeight(elaborateSource(only("transform == tconv"), "Net", ["transform=none"]))).toEqual([]);
    expectError(checkSource(only("transform == 3")), "SF0204", { message: "cannot compare" });
    expect(expectError(checkSource(only("transform == tcovn")), "SF0101", { at: "tcovn" }).help).toMatch(/tconv/);
  });

  it("refuses a call of the parameter while it is a word (SF0123)", () => {
    expectError(checkSource(NET.replace(/if transform != "none" \{ (.*) \}/, "$1"), ["transform=none"]), "SF0123", { at: "transform(" });
  });
});

const LINK = `
import std.lateral { t2c, tsample, tconv }

// A lateral with its transform a parameter, checked once with its default.
block link(x: <αT, S², βC>, α: int, β: rat, K = 5, f: block = tconv(k: K)) -> <T, S², 2βC> {
  return f(x, α: α, β: β)
}
`;

describe("a block's block-valued parameter", () => {
  it("is checked once with its default, its requirements carried in its signature", () => {
    expectNoIssues(checkSource(LINK));
    // K = 4: the default's tconv needs (K − 1)/2 whole; a requirement of link, refuted at this call.
    const r = checkSource(`${LINK}
network N(clip: <8, 8², 4>) -> <2, 8², 8> { return link(clip, α: 4, β: 1, K: 4) }`);
    expectError(r, "SF0302", { at: "link(" });
  });

  it("checks the body again at a call that passes another block, and reports what it was checked with", () => {
    const ok = checkSource(`${LINK}
block double(x: <αT, S², βC>, α: int, β: rat) -> <T, S², 2βC> { return x |> frames(every: α) |> conv(out: 2βC) }
network N(clip: <8, 8², 4>) -> <2, 8², 8> { return link(clip, α: 4, β: 1, f: double) }`);
    expectNoIssues(ok);
    const bad = checkSource(`${LINK}
network N(clip: <8, 8², 4>) -> <2, 8², 8> { return link(clip, α: 4, β: 1, f: tsample) }`);
    const d = expectError(bad, "SF0201", { at: "f(x, α: α, β: β)" });
    expect(d.chain.map((c) => c.label)).toContain("checked with `f` = `tsample`");
  });

  it("is checked at a generic caller's call too, its requirements carried up", () => {
    const r = checkSource(`${LINK}
block outer(x: <αT, S², βC>, α: int, β: rat, k: int) -> <T, S², 2βC> { return link(x, α: α, β: β, f: tconv(k: k)) }
network N(clip: <8, 8², 4>) -> <2, 8², 8> { return outer(clip, α: 4, β: 1, k: 4) }`);
    expectError(r, "SF0302", { at: "outer(" });
    expectNoIssues(
      checkSource(`${LINK}
block outer(x: <αT, S², βC>, α: int, β: rat, k: int) -> <T, S², 2βC> { return link(x, α: α, β: β, f: tconv(k: k)) }
network N(clip: <8, 8², 4>) -> <2, 8², 8> { return outer(clip, α: 4, β: 1, k: 3) }`),
    );
  });

  it("without a default, is checked at each call only, and a call must pass it", () => {
    const source = `
import std.lateral { tconv }
block apply(x: <αT, S², βC>, α: int, β: rat, f: block) -> <T, S², 2βC> { return f(x, α: α, β: β) }
`;
    expectNoIssues(checkSource(source));
    expectNoIssues(checkSource(`${source}network N(clip: <8, 8², 4>) -> <2, 8², 8> { return apply(clip, α: 4, β: 1, f: tconv) }`));
    expectError(checkSource(`${source}network N(clip: <8, 8², 4>) -> <2, 8², 8> { return apply(clip, α: 4, β: 1) }`), "SF0108");
  });

  it("expands a block passed to itself once, and refuses an expansion without end (SF0115)", () => {
    const once = `
block twice(x: <T, S², C>, f: block = id) -> <T, S², C> { return f(x) }
block id(x: <T, S², C>) -> <T, S², C> { return x }
network N(clip: <2, 8², 4>) -> <2, 8², 4> { return twice(clip, f: twice) }`;
    expectNoIssues(checkSource(once));
    const forever = `
block loop(x: <T, S², C>, f: block) -> <T, S², C> { return f(x, f: f) }
network N(clip: <2, 8², 4>) -> <2, 8², 4> { return loop(clip, f: loop) }`;
    expect(codes(checkSource(forever))).toContain("SF0115");
  });

  it("expands a block nested in its own argument once per level: apply(g: apply(g: apply(g: id))) ends", () => {
    const source = `
block apply(x: <T, S², C>, g: block) -> <T, S², C> { return g(x) |> relu }
block id(x: <T, S², C>) -> <T, S², C> { return x }
network N(clip: <2, 8², 4>) -> <2, 8², 4> { return apply(clip, g: apply(g: apply(g: id))) }`;
    expectNoIssues(checkSource(source));
    const r = elaborateSource(source, "N");
    expect(r.diagnostics).toEqual([]);
    expect(r.graph!.nodes.filter((n) => n.op.kind === "relu")).toHaveLength(3);
  });

  it("refuses arguments that grow at each expansion (SF0115), which never repeat", () => {
    const growing = `
block grow(x: <T, S², C>, g: block) -> <T, S², C> { return grow(x, g: grow(g: g)) }
block id(x: <T, S², C>) -> <T, S², C> { return x }
network N(clip: <2, 8², 4>) -> <2, 8², 4> { return grow(clip, g: id) }`;
    expect(codes(checkSource(growing))).toContain("SF0115");
  });

  it("may be given by position", () => {
    expectNoIssues(
      checkSource(`${LINK}
network N(clip: <8, 8², 4>) -> <2, 8², 8> { return link(clip, 4, 1, 5, tconv(k: 1)) }`),
    );
  });

  it("can be passed on from a network's parameter", () => {
    const source = `${LINK}
network N(clip: <8, 8², 4>, g: block = tconv(k: 3)) -> <2, 8², 8> { return link(clip, α: 4, β: 1, f: g) }`;
    expectNoIssues(checkSource(source));
    const r = elaborateSource(source, "N", ["g=tconv(k: 1)"]);
    expect(r.diagnostics).toEqual([]);
    expect(r.graph!.nodes.flatMap((n) => n.weights.map((w) => w.shape.join("×")))).toContain("8×4×1×1×1");
  });
});

describe("the standard SlowFast's transform", () => {
  const R50 = "import std.slowfast { SlowFast_8x8_R50 }\nnetwork X = SlowFast_8x8_R50(S: 64)";
  const lateralKernels = (settings: string[]) =>
    elaborateSource(R50, "X", settings)
      .graph!.nodes.flatMap((n) => n.weights)
      .filter((w) => /^s\d\.fuse\.conv_f2s\.weight$/.test(w.name))
      .map((w) => w.shape.slice(2).join("×"));

  it("is tconv(k: K, ratio: ratio): SlowFast_8x8_R50's K = 7 makes 7×1² laterals, and tconv_only(k: K) keeps them", () => {
    expect(lateralKernels([])).toEqual(["7×1×1", "7×1×1", "7×1×1", "7×1×1"]);
    expect(lateralKernels(["transform=tconv_only(k: K)"])).toEqual(["7×1×1", "7×1×1", "7×1×1", "7×1×1"]);
    expect(lateralKernels(["transform=tconv_only"])).toEqual(["5×1×1", "5×1×1", "5×1×1", "5×1×1"]);
  });
});
