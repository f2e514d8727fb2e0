/**
 * For an editor, a branch a network's values do not take is run as if it
 * were, on copies of the values it reads: its code has shapes too, marked as
 * such, and nothing of it reaches the diagnostics or the graph.
 */
import { describe, expect, it } from "vitest";
import * as fs from "node:fs";
import * as path from "node:path";
import { check } from "../../compiler/index";
import { nodeHost } from "../../compiler/host/node";
import type { TypeFact } from "../../compiler/facts/types";
import { memoryHost } from "../support/compiler";

const NET = [
  "import std.resnet3d { bottleneck }",
  "",
  "network N(clip: <4, 16², 8>, deep: bool = false, C = 8) -> <10> {",
  "  x = clip |> conv(out: C)",
  "  if deep {",
  "    x = x |> repeat 2 bottleneck(inner: C, out: 4C) first (project: true)",
  "    y = x |> conv(out: 3)",
  "  }",
  "  z = deep ? relu(x) : conv(x, out: 2C)",
  "  return z |> gap |> linear(out: 10)",
  "}",
  "",
].join("\n");

function factsOf(source: string, extra: Record<string, string> = {}) {
  const r = check({ files: ["main.sf"], host: memoryHost({ "main.sf": source, ...extra }), facts: true });
  const types = r.facts!.files.get("main.sf")!.types;
  /** The fact of `role` for the text `needle` (the first place it is written, from `after`). */
  const fact = (needle: string, role: TypeFact["role"], after = ""): TypeFact | undefined => {
    const start = source.indexOf(needle, after ? source.indexOf(after) : 0);
    return types.find((t) => t.span.start === start && t.span.end === start + needle.length && t.role === role);
  };
  return { r, fact };
}

describe("a branch not taken", () => {
  it("has the shapes it would have if taken, at the values it reads, marked as not taken", () => {
    const { r, fact } = factsOf(NET);
    expect(r.diagnostics).toEqual([]);
    const bound = fact("x", "binding", "    x = x |> repeat")!;
    expect([bound.symbolic, bound.concrete, bound.untaken, bound.network]).toEqual(["<4, 16², 4C>", "<4, 16², 32>", true, "N"]);
    expect(fact("y", "binding")).toMatchObject({ concrete: "<4, 16², 3>", untaken: true });
    // Its calls built nothing in the network's graph.
    expect(fact("conv(out: 3)", "call")).toMatchObject({ untaken: true, nodes: undefined });
    // The side of a decided conditional not taken, and the one taken.
    expect(fact("relu(x)", "call")).toMatchObject({ concrete: "<4, 16², 8>", untaken: true });
    expect(fact("conv(x, out: 2C)", "call")).toMatchObject({ concrete: "<4, 16², 16>", untaken: false });
    // What follows reads what the branch taken bound, not the other's.
    expect(fact("z", "binding")).toMatchObject({ concrete: "<4, 16², 16>", untaken: false });
  });

  it("reports nothing and builds nothing, even where it would fail if taken", () => {
    const broken = NET.replace("y = x |> conv(out: 3)", "y = add(x, clip)");
    const { r, fact } = factsOf(broken);
    expect(r.diagnostics).toEqual([]);
    expect(fact("y", "binding")).toBeUndefined();
    const plain = check({ files: ["main.sf"], host: memoryHost({ "main.sf": NET }) });
    expect(r.networks[0]!.graph!.nodes.map((n) => n.name)).toEqual(plain.networks[0]!.graph!.nodes.map((n) => n.name));
  });

  it("reports nothing to the session either, where a default is read with a reporter of its own", () => {
    // A block-valued default replaced by a setting is read quietly for what it drops; its untaken side reports nowhere.
    const source =
      "import std.lateral { tconv, tconv_only }\nnetwork N(clip: <8, 16², 8>, wide: bool = true, transform: block = tconv(k: wide ? 7 : nosuch(3))) -> <8, 16², 8> {\n  return clip\n}\n";
    const run = (facts: boolean) =>
      check({ files: ["main.sf"], host: memoryHost({ "main.sf": source }), settings: [{ text: "transform=tconv_only" }], facts }).diagnostics.map(
        (d) => d.code,
      );
    expect(run(true)).toEqual(run(false));
  });

  it("takes its shapes from a network that takes it, where one does", () => {
    const { fact } = factsOf(`${NET}network Deep = N(deep: true)\n`);
    expect(fact("y", "binding")).toMatchObject({ concrete: "<4, 16², 3>", untaken: false, network: "Deep" });
    expect(fact("conv(out: 3)", "call")!.nodes).toBeDefined();
  });

  it("run once per repetition, meets the limits together with the others: 1,000 runs of 100,000 ops end at the node limit", () => {
    const source = [
      "block heavy(x: <T, S², C>) -> <T, S², C> {",
      "  return x |> repeat 100000 relu()",
      "}",
      "network N(clip: <4, 8², 3>, f: bool = false) -> <4> {",
      "  x = clip |> conv(out: 4)",
      "  x = x |> repeat 1000 add(f ? heavy(x) : x)",
      "  return x |> gap",
      "}",
      "",
    ].join("\n");
    const { r, fact } = factsOf(source);
    expect(r.diagnostics).toEqual([]);
    expect(fact("heavy(x)", "call")).toMatchObject({ concrete: "<4, 8², 4>", untaken: true });
  }, 60_000);

  it("changes no diagnostic anywhere: every example, standard-library module and UI test checks alike with facts and without", () => {
    const root = path.resolve(__dirname, "../..");
    const files = [
      ...fs
        .readdirSync(path.join(root, "examples"))
        .filter((f) => f.endsWith(".sf"))
        .map((f) => `examples/${f}`),
      ...fs
        .readdirSync(path.join(root, "stdlib"))
        .filter((f) => f.endsWith(".sf"))
        .map((f) => `std/${f}`),
      ...fs
        .readdirSync(path.join(root, "test/ui"))
        .filter((f) => f.endsWith(".sf"))
        .map((f) => `test/ui/${f}`),
    ];
    expect(files.length).toBeGreaterThan(100);
    const host = nodeHost();
    // The standard library's modules are read by their std/ names; the others from disk.
    const seen = (facts: boolean, file: string) =>
      check({ files: [file.startsWith("std/") ? file : path.join(root, file)], host, facts }).diagnostics.map(
        (d) => `${d.code} ${d.primary.span.line}:${d.primary.span.column} ${d.message}`,
      );
    for (const file of files) expect(seen(true, file), file).toEqual(seen(false, file));
  }, 120_000);
});
