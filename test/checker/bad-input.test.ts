/** Malformed input: diagnostics with positions, never a throw, a hang or a crash. */
import { describe, expect, it } from "vitest";
import { checkSource, codes, expectError } from "../support/compiler";

const NETWORK = "network N(clip: <4, 8², 3>) -> <4> {\n  return clip |> conv(out: 4) |> gap\n}\n";

describe("bad input", () => {
  it("an empty file checks clean: it declares nothing", () => {
    expect(checkSource("").diagnostics).toEqual([]);
  });

  it("binary garbage is reported as unexpected characters", () => {
    const bytes = Buffer.from([0, 1, 2, 0xff, 0xfe, 0x7f, 0x1b, 0x9b]).toString("latin1");
    const r = checkSource(bytes + "\n" + NETWORK);
    expect(codes(r)).toContain("SF0001");
    expect(r.diagnostics.every((d) => d.primary.span.line >= 1)).toBe(true);
  });

  it("a truncated file is reported at its end", () => {
    const text = NETWORK.slice(0, NETWORK.indexOf("gap"));
    const r = checkSource(text);
    expect(codes(r)).toContain("SF0002");
    expect(r.diagnostics.some((d) => d.primary.span.start === text.length)).toBe(true);
  });

  it("unterminated strings, comments and blocks are reported", () => {
    expect(codes(checkSource('import "./x.sf\n'))).toContain("SF0001");
    expect(codes(checkSource("/* never closed\nparam S = 3\n"))).toContain("SF0001");
    expect(codes(checkSource("block b(x: <T, S², C>) -> <T, S², C> {\n  return x\n"))).toContain("SF0002");
  });

  it("10,000 levels of nesting get one diagnostic, not a stack overflow", () => {
    const deep = `param x = ${"(".repeat(10_000)}1${")".repeat(10_000)}\n`;
    expectError(checkSource(deep), "SF0003");
    const negations = `param x = ${"-".repeat(10_000)}1\n`;
    expectError(checkSource(negations), "SF0003");
    const brackets = `param x = ${"[".repeat(10_000)}`;
    expectError(checkSource(brackets), "SF0003");
  });

  it("huge numbers (2^200) are exact until they must be a size", () => {
    const big = (2n ** 200n).toString();
    expect(checkSource(`param x = ${big}\n`).diagnostics).toEqual([]);
    const r = checkSource(`network N(clip: <T, 8², 3>, T = ${big}) -> <4> {\n  return clip |> conv(out: 4) |> gap\n}\n`);
    expect(codes(r)).toEqual(["SF0004"]);
  });

  it("unknown names suggest a close one", () => {
    const d = expectError(checkSource("block b(x: <T, S², C>, width: int) -> <T, S², C> {\n  return x |> conv(out: widht)\n}\n"), "SF0101", { at: "widht" });
    expect(d.help).toBe("did you mean `width`?");
  });

  it("import cycles are reported at the import that closes them", () => {
    const r = checkSource('import "./b.sf"\n', [], { "b.sf": 'import "./main.sf"\n' });
    const d = expectError(r, "SF0104");
    expect(d.message).toBe("import cycle: main.sf → b.sf → main.sf");
  });

  it("missing imports name what was looked for", () => {
    expectError(checkSource('import "./nowhere.sf"\n'), "SF0103", { at: '"./nowhere.sf"' });
    const d = expectError(checkSource("import std.resnet2d\n"), "SF0103", { at: "std.resnet2d" });
    expect(d.help).toContain("std.resnet3d");
  });

  it("the names a missing import lists are quiet where they are used: the import says what is wrong", () => {
    const r = checkSource(
      'import "./nowhere.sf" { widen, Base }\nnetwork N(clip: <4, 8², 3>) -> <4, 8², 3> {\n  return clip |> widen(out: 3)\n}\nnetwork M = Base()\n',
    );
    expect(codes(r)).toEqual(["SF0103"]);
    // A name no import lists is still unknown.
    expect(codes(checkSource('import "./nowhere.sf" { widen }\nnetwork N(clip: <4, 8², 3>) -> <4, 8², 3> {\n  return clip |> wide(out: 3)\n}\n'))).toEqual([
      "SF0103",
      "SF0106",
    ]);
  });
});
