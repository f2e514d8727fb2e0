/** The lateral transforms: proved generically, and their mistakes reported with both spans. */
import { describe, expect, it } from "vitest";
import { checkSource, expectError, expectNoIssues } from "../support/compiler";

describe("the standard library's lateral blocks", () => {
  it("are proved for every T, S and C", () => {
    expectNoIssues(checkSource("import std.lateral { t2c, tsample, tconv }\n"));
  });
});

const T2C_BODY = `
  split = reshape(x, [βC, T, α, S, S])
  moved = transpose(split, [2, 0, 1, 3, 4])
  return reshape(moved, <T, S², αβC>)`;

describe("a wrong declared output type on each lateral block", () => {
  const cases: Array<[string, string, string, string]> = [
    ["time-to-channel", `block t2c(x: <αT, S², βC>, α: int, β: rat) -> <T, S², βC> {${T2C_BODY}\n}`, "αβC", "βC"],
    ["time-strided sampling", "block ts(x: <αT, S², βC>, α: int, β: rat) -> <T, S², αβC> {\n  return frames(x, every: α)\n}", "βC", "αβC"],
    [
      "time-strided convolution",
      "block tc(x: <αT, S², βC>, α: int, β: rat) -> <T, S², βC> {\n  return x |> conv(out: 2βC, kernel: 5×1², stride: α×1², pad: 2×0²) |> bn |> relu\n}",
      "2βC",
      "βC",
    ],
  ];
  for (const [name, source, found, declared] of cases) {
    it(`${name}: reports ${found} against ${declared} at the result and at the declaration`, () => {
      const r = checkSource(source);
      const d = expectError(r, "SF0201");
      expect(d.message).toBe(`the result has channels ${found}, but the declared type says ${declared}`);
      const text = r.sources.get("main.sf")!;
      // Primary span: the returned value; related: the declared channel dimension.
      expect(d.primary.span.line).toBeGreaterThan(1);
      expect(d.related).toHaveLength(1);
      expect(text.slice(d.related[0]!.span.start, d.related[0]!.span.end)).toBe(declared);
      expect(d.related[0]!.label).toBe(`declared ${declared}`);
    });
  }

  it("a time-strided convolution with the wrong stride is caught in its frames", () => {
    const r = checkSource(
      "block tc(x: <αT, S², βC>, α: int, β: rat) -> <T, S², 2βC> {\n  return x |> conv(out: 2βC, kernel: 5×1², stride: 2×1², pad: 2×0²)\n}",
    );
    const d = expectError(r, "SF0201");
    expect(d.message).toContain("frames");
  });
});

describe("a network whose frame count is not a multiple of α", () => {
  const source = `import std.lateral { tconv }
param frames = 33
param α = 8
network Lateral(clip: <frames, 56², 3>) -> <frames, 56², 8> {
  pathway fast = clip |> conv(out: 8)
  pathway slow = frames(clip, every: α) |> conv(out: 64)
  lateral fast -> slow: tconv(α: α, β: 1/8) fuse concat
  return fast
}
`;
  it("gets SF0301 with the values, where they came from, and a fix", () => {
    const r = checkSource(source);
    const d = expectError(r, "SF0301", { message: "lateral link needs the Fast frames αT to be a multiple of α" });
    const text = r.sources.get("main.sf")!;
    const related = d.related.map((x) => [text.slice(x.span.start, x.span.end), x.label]);
    expect(related).toContainEqual(["33", "`frames` = 33"]);
    expect(related).toContainEqual(["8", "`α` = 8"]);
    expect(d.help).toBe("use frames = 32 or frames = 40");
  });

  it("checks once the fix is applied", () => {
    expectNoIssues(checkSource(source.replace("param frames = 33", "param frames = 32")));
  });

  it("the fix can come from the command line", () => {
    expectNoIssues(checkSource(source, ["frames=40"]));
  });
});

describe("error recovery", () => {
  it("reports a syntax error, an unknown name and a shape mismatch in one run", () => {
    const r = checkSource(`param S = 224
block broken_syntax(x: <T, S², C>) -> <T, S², C> {
  return x |> relu(
}
block unknown_name(x: <T, S², C>) -> <T, S², C> {
  return x |> conv(out: width)
}
block shape_mismatch(x: <T, S², C>) -> <T, S², C> {
  return x |> conv(out: 2C)
}
`);
    expect(r.diagnostics.map((d) => d.code).sort()).toEqual(["SF0002", "SF0101", "SF0201"]);
  });
});
