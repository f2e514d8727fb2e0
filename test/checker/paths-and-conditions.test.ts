/**
 * Paths through a block's body: what an `if` branch needs of the callers
 * (a requirement, a `return`) applies at the calls that take it, decided
 * with each call's values or carried to a calling block under the same
 * conditions; a network that builds no graph always says why; and a choice
 * formal's value reaches the block's own types.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { Interpreter } from "../../compiler/check/interpreter";
import { checkSource, codes, expectError, expectNoIssues } from "../support/compiler";
import { sfc } from "../support/cli";

const work = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-paths-"));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const GOES = `
block c(x: <T, S², C>, go: bool = true) -> <T, S², C> {
  if go { return relu(x) }
}
`;

describe("a path without a `return`", () => {
  it("is reported at a call that takes it, pointing at the body's end", () => {
    const r = checkSource(`${GOES}network N(clip: <4, 8², 3>) -> <4, 8², 3> { return clip |> c(go: false) }`);
    const d = expectError(r, "SF0210", { at: "c(go: false)", message: "`c` does not return a value when go = false" });
    expect(d.related.map((l) => [l.span.line, l.label])).toEqual([[4, "the body ends here without a `return`"]]);
  });

  it("asks nothing of calls that return, and is carried through a block that passes its own flag", () => {
    const through = `${GOES}block d(x: <T, S², C>, g: bool) -> <T, S², C> { return c(x, go: g) }\n`;
    expectNoIssues(checkSource(`${through}network N(clip: <4, 8², 3>) -> <4, 8², 3> { return clip |> c |> c(go: true) |> d(g: true) }`));
    const d = expectError(checkSource(`${through}network N(clip: <4, 8², 3>) -> <4, 8², 3> { return clip |> d(g: false) }`), "SF0210", {
      at: "d(g: false)",
      message: "`d` does not return a value when g = false",
    });
    expect(d.chain.map((l) => l.label)).toEqual(["`c` returns nothing when go = false"]);
  });

  it("is the calling block's error when it always takes it", () => {
    const r = checkSource(`${GOES}block d(x: <T, S², C>) -> <T, S², C> { return c(x, go: false) }\n`);
    expectError(r, "SF0210", { at: "c(x, go: false)" });
  });

  it("under a comparison the call decides for every size, is the calling block's error or nothing", () => {
    const k2 = "block k2(x: <T, S², C>, k: int) -> <T, S², C> {\n  if k > 2 { return x }\n}\n";
    // 2 − C > 2 is false and C + 2 > 2 true for every C ≥ 1.
    expectError(checkSource(`${k2}block d(x: <T, S², C>) -> <T, S², C> { return k2(x, k: 2 - C) }\n`), "SF0210", { at: "k2(x, k: 2 - C)" });
    expectNoIssues(checkSource(`${k2}block d(x: <T, S², C>) -> <T, S², C> { return k2(x, k: C + 2) }\n`));
  });

  it("under a comparison, is decided at each call: k > 2 returns, k = 2 does not", () => {
    const k2 = "block k2(x: <T, S², C>, k: int) -> <T, S², C> {\n  if k > 2 { return x }\n}\n";
    expectNoIssues(checkSource(`${k2}network N(clip: <4, 8², 3>) -> <4, 8², 3> { return clip |> k2(k: 3) }`));
    expectError(checkSource(`${k2}network N(clip: <4, 8², 3>) -> <4, 8², 3> { return clip |> k2(k: 2) }`), "SF0210", {
      message: "`k2` does not return a value when k <= 2",
    });
  });

  it("after a word the call passes is reported at the call, with the condition that skipped the `return`", () => {
    const w = 'block w(x: <T, S², C>, mode: "a" | "b" = "a") -> <T, S², C> {\n  if mode == "a" { return x }\n}\n';
    const d = expectError(checkSource(`${w}network N(clip: <4, 8², 3>) -> <4, 8², 3> { return clip |> w(mode: b) }`), "SF0210", { at: "w(mode: b)" });
    expect(d.related.map((l) => l.label)).toContain("false here, so the `return` in this branch is not reached");
  });

  it("in a network, names the condition that skipped its `return`", () => {
    const r = checkSource("network N(clip: <4, 8², 3>, go = false) -> <4, 8², 3> {\n  if go { return clip }\n}\n");
    const d = expectError(r, "SF0210", { at: "}", message: /does not return a value: its body ends without reaching a `return`/ });
    expect(d.related.map((l) => [l.span.line, l.label])).toEqual([[2, "false here, so the `return` in this branch is not reached"]]);
  });

  it("is not said after the syntax error that cut the `return` short", () => {
    expect(codes(checkSource('block b(x: <T, S², C>) -> <T, S², C> {\n  return "abc }\n'))).toEqual(["SF0001", "SF0002"]);
    expect(codes(checkSource('network N(x: <4, 8², 3>) -> <4, 8², 3> { return "abc }\n'))).toEqual(["SF0001", "SF0002"]);
  });

  it("is reported by every command that builds the network", async () => {
    const file = path.join(work, "paths.sf");
    fs.writeFileSync(file, `${GOES}network N(clip: <4, 8², 3>) -> <4, 8², 3> { return clip |> c(go: false) }\n`);
    for (const args of [["check"], ["compile", "-o", path.join(work, "never.onnx")], ["info"], ["run"], ["graph"]]) {
      const [command, ...rest] = args;
      const r = await sfc(command!, file, ...rest);
      expect([r.code, r.err.match(/error\[SF\d{4}\]: .*/g)], command).toEqual([1, ["error[SF0210]: `c` does not return a value when go = false"]]);
    }
    expect(fs.existsSync(path.join(work, "never.onnx"))).toBe(false);
  });
});

describe("a network that builds no graph", () => {
  afterEach(() => vi.restoreAllMocks());

  it("with no error to say why is an internal error, never a silent failure", async () => {
    // As a body whose value was lost without a report would: no error, and no graph.
    vi.spyOn(Interpreter.prototype, "runBody").mockImplementation((_body, ctx) => ({
      returns: [{ value: { kind: "poison", span: ctx.scope.module.ast.span }, ctx }],
      fellOff: [],
    }));
    const file = path.join(work, "quiet.sf");
    fs.writeFileSync(file, "network N(clip: <4, 8², 3>) -> <4, 8², 3> { return relu(clip) }\n");
    const r = await sfc("compile", file, "-o", path.join(work, "quiet.onnx"));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^sfc: internal error: network `N` built no graph, and no error says why\n/);
  });
});

describe("requirements under conditions", () => {
  const TPAD = `
block tpad(x: <T, S², C>, k: int = 3) -> <T, S², C> {
  if k > 2 {
    return x |> conv(out: C, kernel: k×1², pad: (k − 1)/2 × 0²)
  }
  return x |> conv(out: C)
}
`;

  it("apply only where the call takes the branch", () => {
    expectNoIssues(checkSource(`${TPAD}network N(clip: <4, 8², 3>) -> <4, 8², 3> { return clip |> tpad(k: 2) |> tpad(k: 3) |> tpad(k: 5) }`));
    expectError(checkSource(`${TPAD}network N(clip: <4, 8², 3>) -> <4, 8², 3> { return clip |> tpad(k: 4) }`), "SF0302", {
      message: "`tpad` needs (k − 1)/2 to be an integer (temporal pad) when k > 2, but here 3/2",
    });
  });

  it("are carried to a calling block under the condition in its own terms", () => {
    const outer = `${TPAD}block outer(x: <T, S², C>, n: int) -> <T, S², C> { return x |> tpad(k: n + 1) }\n`;
    expectNoIssues(checkSource(`${outer}network N(clip: <4, 8², 3>) -> <4, 8², 3> { return clip |> outer(n: 1) |> outer(n: 2) }`));
    expectError(checkSource(`${outer}network N(clip: <4, 8², 3>) -> <4, 8², 3> { return clip |> outer(n: 3) }`), "SF0302", {
      message: "`outer` needs n/2 to be an integer (temporal pad) when n > 1, but here 3/2",
    });
  });

  it("apply to a calling block without a condition where it holds for every size", () => {
    const outer = `${TPAD}block outer(x: <T, S², C>) -> <T, S², C> { return x |> tpad(k: C + 2) }\n`;
    expectNoIssues(checkSource(`${outer}network N(clip: <4, 8², 3>) -> <4, 8², 3> { return clip |> outer }`));
    // C + 2 > 2 for every C: the requirement is outer's whatever C is, and says no condition.
    expectError(checkSource(`${outer}network N(clip: <4, 8², 4>) -> <4, 8², 4> { return clip |> outer }`), "SF0302", {
      message: "`outer` needs (C + 1)/2 to be an integer (temporal pad), but here 5/2",
    });
  });

  it("on a dimension variable are decided with the call's sizes", () => {
    const maybe = `
block maybe(x: <T, S², C>) -> <T, S², C> {
  if S > 8 {
    return x |> conv(out: C, kernel: 1×3², stride: 1×2², pad: 0×1²) |> upsample(1×2²)
  }
  return x
}
block outer(x: <T, S², C>) -> <T, S², C> { return x |> maybe }
`;
    expectNoIssues(checkSource(`${maybe}network N(clip: <4, 7², 3>) -> <4, 7², 3> { return clip |> maybe |> outer }`));
    expectError(checkSource(`${maybe}network N(clip: <4, 9², 3>) -> <4, 9², 3> { return clip |> outer }`), "SF0302", {
      message: "`outer` needs S to be a multiple of 2 (the declared height S) when S > 8, but here 9 and 2",
    });
  });
});

describe("a choice formal in the block's own types", () => {
  it("is read with the call's value, in an input type and in the result", () => {
    const join = "block join(x: <T, S², C>, y: <T, S², k·C>, k: 1 | 2 = 1) -> <T, S², C + k·C> {\n  return concat(x, y)\n}\n";
    expectNoIssues(checkSource(`${join}network J(clip: <4, 16², 8>) -> <4, 16², 24> { return join(clip, clip |> conv(out: 16), k: 2) }`));
  });

  it("without a default, is read at each call only", () => {
    const wider = "block wider(x: <T, S², C>, w: 1 | 2) -> <T, S², w·C> {\n  return x |> conv(out: w·C)\n}\n";
    expectNoIssues(checkSource(`${wider}network W(clip: <4, 16², 8>) -> <4, 16², 16> { return clip |> wider(w: 2) }`));
  });
});
