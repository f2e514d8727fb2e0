/**
 * Constructs: a pipe as a lateral transform, division by a block parameter as
 * a divisibility requirement, division by a sum that divides exactly, numeric
 * choice parameters, ops that are the identity at their arguments making no
 * node, and conditions on sizes.
 */
import { describe, expect, it } from "vitest";
import { checkSource, elaborateSource, expectError, expectNoIssues } from "../support/compiler";

const SE = `
block se(x: <T, S², C>, r: int = 4) -> <T, S², C> {
  w = x |> mean(over: ["time", "space"], keep: true) |> conv(out: C/r, bias: true) |> relu |> conv(out: C, bias: true) |> sigmoid
  return mul(x, w)
}
`;

describe("division by a block parameter", () => {
  it("makes r | C a requirement of the block, met at a call with C = 16, r = 4", () => {
    expectNoIssues(checkSource(`${SE}network N(clip: <4, 8², 3>) -> <4, 8², 16> { return clip |> conv(out: 16) |> se(r: 4) }`));
  });

  it("reports the requirement at a call where r does not divide C", () => {
    const d = expectError(checkSource(`${SE}network N(clip: <4, 8², 3>) -> <4, 8², 6> { return clip |> conv(out: 6) |> se(r: 4) }`), "SF0302", {
      at: "se(r: 4)",
    });
    expect(d.message).toMatch(/C to be a multiple of r/);
  });
});

describe("division by a sum", () => {
  it("is exact where the sum divides the dividend: (C + 1)·C/(C + 1) is C, (C² − 1)/(C − 1) is C + 1", () => {
    const block = `
block same(x: <T, S², C>) -> <T, S², C> {
  y = reshape(x, <T, S², (C + 1) * C / (C + 1)>)
  return reshape(y, <T, S², (C * C - 1) / (C - 1) - 1>)
}
`;
    expectNoIssues(checkSource(`${block}network N(clip: <4, 8², 3>) -> <4, 8², 6> { return clip |> conv(out: 6) |> same }`));
  });

  it("is refused where it does not divide and cannot: C/(C + 1) is never whole", () => {
    expectError(checkSource(`block f(x: <T, S², C>) -> <T, S², C> { return reshape(x, <T, S², C / (C + 1) * (C + 1)>) }`), "SF0125", { at: "C / (C + 1)" });
  });
});

describe("a pipe as a lateral transform", () => {
  const source = `
network P(clip: <4, 16², 3>, fs: 1 | 1/2 = 1) -> <4, 16², 16> {
  pathway fast = clip |> conv(out: 8)
  pathway slow = clip |> avgpool(kernel: 1×(1/fs)²) |> conv(out: 8)
  lateral slow -> fast: conv(out: 8) as fuse |> upsample(1×(1/fs)²) fuse concat
  return fast
}`;

  it("applies each stage in turn, and an upsample by 1×1² makes no node", () => {
    const plain = elaborateSource(source, "P");
    expect(plain.diagnostics).toEqual([]);
    expect(plain.graph!.nodes.map((n) => n.op.kind)).not.toContain("upsample");
    const half = elaborateSource(source, "P", ["fs=1/2"]);
    expect(half.diagnostics).toEqual([]);
    expect(half.graph!.nodes.some((n) => n.op.kind === "upsample")).toBe(true);
  });

  it("checks the piped stages' shapes", () => {
    const bad = source.replace("upsample(1×(1/fs)²)", "upsample(1×2²)");
    expect(elaborateSource(bad, "P").diagnostics.map((d) => d.code)).toContain("SF0202");
  });
});

describe("numeric choice parameters", () => {
  const source = `network Q(clip: <4, 8², 3>, fs: 1 | 1/2 = 1) -> <4, 8², 3> { return clip }`;
  it("accept the numbers listed", () => {
    expect(elaborateSource(source, "Q", ["fs=1/2"]).diagnostics).toEqual([]);
    expect(elaborateSource(source, "Q", ["fs=0.5"]).diagnostics).toEqual([]);
  });
  it("refuse another with SF0112 listing them", () => {
    const r = elaborateSource(source, "Q", ["fs=1/3"]);
    expect(r.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual(["SF0112 `fs` is one of 1, 1/2, given 1/3"]);
  });
});

describe("conditions on sizes", () => {
  const block = (cond: string) => `block f(x: <T, S², C>, k: int = 1) -> <T, S², C> { return x |> conv(out: (${cond} ? C : 2C)) }`;

  it("are decided where they hold for every size, since dimension variables count from 1", () => {
    for (const cond of ["C >= 1", "C > 0", "2C > C", "C·C >= C", "S + 1 > S", "1 <= C", "C != 0"]) expectNoIssues(checkSource(block(cond)));
  });

  it("are SF0212 where they hold for some sizes only, naming what they depend on", () => {
    const size = expectError(checkSource(block("C > 1")), "SF0212", { at: "C > 1" });
    expect(size.primary.label).toBe("depends on the dimension variable C");
    // An int parameter may be 0 or less: k >= 0 is not known.
    const param = expectError(checkSource(block("k + C >= 1")), "SF0212", { at: "k + C >= 1" });
    expect(param.primary.label).toBe("depends on the dimension variable C and the parameter k");
  });
});
