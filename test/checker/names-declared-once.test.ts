/**
 * A name means one thing in a file and in a block's formals: declared twice,
 * declared and imported, or imported from two modules, it is SF0102, where
 * any of them silently won before.
 */
import { describe, expect, it } from "vitest";
import { check } from "../../compiler/index";
import { checkSource, codes, expectError, expectNoIssues, memoryHost } from "../support/compiler";

describe("formals declared twice", () => {
  it("a block's formal, at the second, pointing back at the first", () => {
    const r = checkSource("block b(x: <T, S², C>, k: int, k: int) -> <T, S², C> { return x }\n");
    const d = expectError(r, "SF0102", { at: "k: int)", message: "`k` is declared twice" });
    expect(d.related.map((l) => [l.span.column, l.label])).toEqual([[24, "first declared here"]]);
  });

  it("a network's input and its parameters, `beta` and `β` as one name", () => {
    const r = checkSource("network N(x: <T, S², 3>, x: <T, S², 3>, T = 4, S = 8, beta = 2, β = 3) -> <T, S², 3> {\n  return x\n}\n");
    expect(r.diagnostics.map((d) => [d.code, d.message, d.primary.label])).toEqual([
      ["SF0102", "`x` is declared twice", "second input named `x`"],
      ["SF0102", "`β` is declared twice", "second parameter named `β`"],
    ]);
    expect(r.diagnostics[1]!.related[0]!.label).toBe("first declared here, as `beta`");
  });

  it("tools read a reference as the first formal, as the module's names are read", () => {
    const source = "block b(x: <T, S², C>, k: int, k: int) -> <T, S², C> {\n  return x |> conv(out: k)\n}\n";
    const r = check({ files: ["main.sf"], host: memoryHost({ "main.sf": source }), facts: true });
    const occurrences = r.facts!.files.get("main.sf")!.occurrences.filter((o) => o.name === "k");
    const [first, second, use] = [source.indexOf("k: int"), source.indexOf("k: int)"), source.indexOf("k)\n")];
    expect(occurrences.map((o) => [o.span.start, o.definition?.start, o.isDefinition])).toEqual([
      [first, first, true],
      [second, second, true],
      [use, first, false],
    ]);
  });
});

describe("imported names", () => {
  const other = {
    "other.sf":
      "block stem(x: <T, S², C>, out: int) -> <T, S², out> { return x |> conv(out: out) }\nblock unit(x: <T, S², C>) -> <T, S², C> { return relu(x) }\n",
  };
  const network = "network N(x: <4, 16², 3>) -> <4, 4², 5> {\n  return x |> stem(out: 5)\n}\n";

  it("from two modules that each declare it: at the second import", () => {
    const r = checkSource(`import std.resnet3d { stem }\nimport "./other.sf" { stem }\n${network}`, [], other);
    expectError(r, "SF0102", { at: "stem }\nnetwork", message: "`stem` is imported from both `std.resnet3d` and `./other.sf`" });
  });

  it("everything from two modules: at the second import's module", () => {
    const r = checkSource(`import std.resnet3d\nimport other\n${network}`, [], other);
    expectError(r, "SF0102", { at: "other\n", message: "`stem` is imported from both `std.resnet3d` and `other`" });
  });

  it("one declaration imported twice, listed or not, written two ways, is one meaning", () => {
    const r = checkSource(`import "./other.sf" { stem, stem }\nimport other\nimport "other.sf" { unit }\n${network.replace("4², 5", "16², 5")}`, [], other);
    expectNoIssues(r);
  });

  it("declared in the file too: at whichever comes second", () => {
    const block = "block stem(x: <T, S², C>, out: int) -> <T, S², out> { return x |> conv(out: out) }\n";
    const after = checkSource(`import std.resnet3d { stem }\n${block}`);
    expectError(after, "SF0102", { at: "stem(x:", message: "`stem` is both declared in this file and imported from `std.resnet3d`" });
    const before = checkSource(`${block}import std.resnet3d { stem }\n`);
    expectError(before, "SF0102", { at: "stem }", message: "`stem` is both declared in this file and imported from `std.resnet3d`" });
  });

  it("a parameter or names map named like something imported with everything", () => {
    expectError(checkSource("import std.lateral\nparam tconv = 3\n"), "SF0102", { at: "tconv = 3", message: /imported from `std.lateral`/ });
    expectError(checkSource('names t2c { "a" -> "b" }\nimport std.lateral\n'), "SF0102", { at: "std.lateral", message: /`t2c` is both declared/ });
  });

  it("a network alias named like the network it imports is that one error, not a missing target too", () => {
    const a = { "a.sf": "network N(clip: <8, S², 3>, S = 32, w = 8) -> <8, S², w> {\n  return clip |> conv(out: w)\n}\n" };
    expect(codes(checkSource('import "./a.sf" { N }\nnetwork N = N(w: 2)\n', [], a))).toEqual(["SF0102"]);
  });

  it("a network alias named like a parameter of its file", () => {
    const r = checkSource("param P = 1\nnetwork N(clip: <8, 8², 3>) -> <8, 8², 3> {\n  return clip\n}\nnetwork P = N()\n");
    expectError(r, "SF0102", { at: "P = N()", message: "`P` is declared twice" });
  });
});
