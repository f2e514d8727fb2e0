/** Op rules and network parameters at their edges. */
import { describe, expect, it } from "vitest";
import { check } from "../../compiler/index";
import { checkSource, codes, elaborateSource, expectError, expectNoIssues, memoryHost } from "../support/compiler";

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
  it("a numeric choice may list negative numbers", () => {
    const shifted = "network N(clip: <2, 8², 3>, shift: -1 | 0 | 1/2 = -1) -> <2, 8², 3> {\n  return clip\n}\n";
    expectNoIssues(checkSource(shifted));
    expectNoIssues(checkSource(shifted, ["shift=1/2"]));
    expectError(checkSource(shifted, ["shift=1"]), "SF0112", { message: "`shift` is one of -1, 0, 1/2, given 1" });
  });
});

describe("error recovery does not cascade", () => {
  it("a declaration with a syntax error in it is not checked further", () => {
    const r = checkSource("block b(x: <T, S², C>) -> <T, S², 2C> {\n  return conv(x, out: 2 C)\n}\n");
    expect(new Set(codes(r))).toEqual(new Set(["SF0002"]));
  });
});

describe("an alias's word for a choice parameter", () => {
  const NET = 'network N(clip: <2, 8², 4>, mode: "plain" | "residual" = "plain") -> <2, 8², 4> {\n  return mode == "plain" ? clip : add(clip, clip)\n}\n';
  it("may be written bare, as on the command line; a misspelled one is one SF0112 with the closest", () => {
    expectNoIssues(checkSource(`${NET}network A = N(mode: residual)\n`));
    const wrong = checkSource(`${NET}network B = N(mode: plian)\n`);
    expect(codes(wrong)).toEqual(["SF0112"]);
    expect(expectError(wrong, "SF0112", { at: "plian", message: 'given "plian"' }).help).toMatch(/plain/);
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

  it("are checked without keeping their graphs when the caller asks for diagnostics alone (graphs: false)", () => {
    const source = 'import "./c.sf"\nnetwork D = C(S: 64)\nnetwork E = D(w: 2)\n';
    const kept = checkSource(source, [], chain);
    expect(kept.networks.map((n) => n.graph?.name)).toEqual(["D", "E"]);
    const dropped = check({ files: ["main.sf"], host: memoryHost({ "main.sf": source, ...chain }), graphs: false });
    expectNoIssues(dropped);
    expect(dropped.networks.map((n) => [n.name, n.graph, n.params.length])).toEqual([
      ["D", undefined, 3],
      ["E", undefined, 3],
    ]);
  });

  it("for tools, keep the graphs facts cite: a network's own, not those of aliases whose code it elaborated first", () => {
    const source = `${chain["a.sf"]}network B = N(w: 4)\nnetwork C = N(classes: 7)\n`;
    const r = check({ files: ["main.sf"], host: memoryHost({ "main.sf": source }), facts: true, graphs: false });
    expectNoIssues(r);
    expect([...r.facts!.graphs.keys()]).toEqual(["N"]);
    // An alias of a network no file checked elaborates its code first: the facts come from it.
    const alias = check({ files: ["main.sf"], host: memoryHost({ "main.sf": 'import "./c.sf"\nnetwork D = C(S: 64)\n', ...chain }), facts: true });
    expect([...alias.facts!.graphs.keys()]).toEqual(["D"]);
  });

  it("report a broken chain once, at its root", () => {
    const r = checkSource('import "./c.sf"\nnetwork D = C(S: 64)\nnetwork E = D()\n', [], { ...chain, "b.sf": 'import "./a.sf"\nnetwork B = M(w: 4)\n' });
    expect(codes(r)).toEqual(["SF0110"]);
    expect(r.diagnostics[0]!.primary.span.file).toBe("b.sf");
  });

  it("report an unknown parameter once, at the alias that writes it, and for an alias of it built alone", () => {
    const r = checkSource('import "./c.sf"\nnetwork D = C(S: 64)\n', [], { ...chain, "b.sf": 'import "./a.sf"\nnetwork B = N(width: 4)\n' });
    expect(codes(r)).toEqual(["SF0111"]);
    expectError(r, "SF0111", { at: "width", message: "network `B` has no parameter `width`" });
    expect(r.diagnostics[0]!.primary.span.file).toBe("b.sf");
    const alone = elaborateSource(
      "network N(clip: <4, 8², 3>, C = 8) -> <4, 8², C> { return clip |> conv(out: C) }\nnetwork A = N(width: 4)\nnetwork B = A(C: 16)\n",
      "B",
    );
    expect(alone.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual(["SF0111 network `A` has no parameter `width`"]);
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

  it("read a quoted word as a string is read, a backslash taking the next character: every choice can be set", () => {
    const source =
      'network N(clip: <2, 8², 3>, mode: "a\\"b" | "c\\\\d" | "plain" = "plain") -> <2, 8², 3> {\n  if mode == "a\\"b" { return relu(clip) }\n  if mode == "c\\\\d" { return sigmoid(clip) }\n  return clip\n}\n';
    const ops = (setting: string) => elaborateSource(source, undefined, [setting]).graph?.nodes.map((n) => n.op.kind);
    expect(ops('mode="a\\"b"')).toEqual(["relu"]);
    expect(ops('mode="c\\\\d"')).toEqual(["sigmoid"]);
    expect(ops('mode="pl\\ain"')).toEqual([]);
    expect(codes(checkSource(source, ['mode="c\\d"']))).toEqual(["SF0112"]);
    expect(codes(checkSource(source, ['mode="a"b"']))).toEqual(["SF0112"]);
  });
});

describe("a block's parameter that takes words", () => {
  const UNIT = `
block unit(x: <T, S², C>, mode: "plain" | "residual" = "residual") -> <T, S², C> {
  y = x |> conv(out: C, kernel: 1×3², pad: 0×1²) as conv
  if mode == "residual" {
    return add(x, y) as add
  }
  return y
}
`;
  const calling = (call: string) => `${UNIT}network N(clip: <2, 8², 4>) -> <2, 8², 4> {\n  return ${call}\n}\n`;
  const adds = (r: ReturnType<typeof elaborateSource>) => r.graph?.nodes.filter((n) => n.op.kind === "add").map((n) => n.name);

  it("is checked with its default, and again with the word a call passes: its conditions decide the graph", () => {
    expectNoIssues(checkSource(UNIT));
    expect(adds(elaborateSource(calling("unit(clip) as a"), "N"))).toEqual(["a.add"]);
    expect(adds(elaborateSource(calling('unit(clip, mode: "plain") as a'), "N"))).toEqual([]);
    expect(adds(elaborateSource(calling('unit(unit(clip, mode: "plain") as a, mode: "residual") as b'), "N"))).toEqual(["b.add"]);
  });

  it("refuses a word outside its choices, suggesting the closest, and anything but a word (SF0112, SF0204)", () => {
    expectError(checkSource(calling('unit(clip, mode: "plian")')), "SF0112", { at: '"plian"', message: '`mode` is one of "plain", "residual", given "plian"' });
    expectError(checkSource(UNIT.replace('= "residual"', '= "resid"')), "SF0112", { at: '"resid"' });
    expectError(checkSource(calling("unit(clip, mode: 2)")), "SF0204", { message: "`mode` of `unit` is a word, found" });
  });

  it("refuses a comparison with a word it never takes, which would always be false (SF0112)", () => {
    const slip = expectError(checkSource(UNIT.replace('mode == "residual"', 'mode == "residul"')), "SF0112", {
      at: '"residul"',
      message: '`mode` is one of "plain", "residual", never "residul"',
    });
    expect(slip.help).toMatch(/residual/);
    const network = 'network N(clip: <2, 8², 4>, m: "a" | "b" = "a") -> <2, 8², 4> {\n  if m != "c" { return clip }\n  return add(clip, clip)\n}\n';
    expectError(checkSource(network), "SF0112", { at: '"c"', message: '`m` is one of "a", "b", never "c"' });
  });

  it("takes a word written bare, as the command line does, where no variable has its name", () => {
    expect(adds(elaborateSource(calling("unit(clip, mode: plain) as a"), "N"))).toEqual([]);
    expect(adds(elaborateSource(calling("unit(clip) as a").replace('= "residual"', "= plain"), "N"))).toEqual([]);
    expect(expectError(checkSource(calling("unit(clip, mode: plian)")), "SF0112", { at: "plian", message: 'given "plian"' }).help).toMatch(/plain/);
  });

  it("without a default, must be passed, and is checked at each call only", () => {
    const bare = UNIT.replace(' = "residual"', "");
    expectNoIssues(checkSource(bare));
    expect(adds(elaborateSource(`${bare}network N(clip: <2, 8², 4>) -> <2, 8², 4> {\n  return unit(clip, mode: "residual") as a\n}\n`, "N"))).toEqual([
      "a.add",
    ]);
    expect(codes(checkSource(`${bare}network N(clip: <2, 8², 4>) -> <2, 8², 4> {\n  return unit(clip)\n}\n`))).toContain("SF0108");
  });
});

describe("a block's parameter that takes numbers", () => {
  const SCALED = `
block scaled(x: <T, S², C>, k: 1 | 1/2 = 1) -> <T, S², C> {
  return x |> avgpool(kernel: 1×(1/k)²) as pool |> upsample(1×(1/k)²)
}
`;
  const calling = (call: string) => `${SCALED}network N(clip: <2, 8², 4>) -> <2, 8², 4> {\n  return ${call}\n}\n`;
  const pools = (r: ReturnType<typeof elaborateSource>) => r.graph?.nodes.filter((n) => n.name.endsWith(".pool")).map((n) => n.name);

  it("is checked with its default and with each number a call passes, as words are: 1/k need be whole only for them", () => {
    expectNoIssues(checkSource(SCALED));
    expect(pools(elaborateSource(calling("scaled(clip, k: 1/2) as s"), "N"))).toEqual(["s.pool"]);
    expectNoIssues(checkSource(calling("scaled(scaled(clip), k: 1/2)")));
  });

  it("refuses a number outside its choices at the call, or where a caller passes it on (SF0112)", () => {
    expectError(checkSource(calling("scaled(clip, k: 1/4)")), "SF0112", { at: "1/4", message: "`k` is one of 1, 1/2, given 1/4" });
    expectError(checkSource(SCALED.replace("= 1)", "= 2)")), "SF0112", { at: "2" });
    const passedOn = `${SCALED}block outer(x: <T, S², C>, s: 1 | 1/2 | 1/4 = 1) -> <T, S², C> {\n  return scaled(x, k: s)\n}\nnetwork N(clip: <2, 8², 4>) -> <2, 8², 4> {\n  return outer(clip, s: 1/4)\n}\n`;
    expectError(checkSource(passedOn), "SF0112", { message: "given 1/4" });
    // Not an integer either, but first of all not a choice.
    expectError(checkSource(calling("scaled(clip, k: 1.5)")), "SF0112", { message: "given 3/2" });
  });

  it("refuses a value not known where the block is checked, pointing at the parameter to give choices (SF0112), and a default of another kind (SF0204)", () => {
    const plain = `${SCALED}block halve(x: <T, S², C>, j: int = 2) -> <T, S², C> {\n  return scaled(x, k: 1/j)\n}\n`;
    const unknown = expectError(checkSource(plain), "SF0112", { at: "1/j", message: "given 1/j, which is not known here" });
    expect(unknown.help).toMatch(/give `j` a choice of numbers too .* so that 1\/j is checked/);
    expect(codes(checkSource(plain))).toEqual(["SF0112"]);
    expectError(checkSource(SCALED.replace("= 1)", '= "one")')), "SF0204", { at: '"one"', message: "`k` of `scaled` is a number" });
    // An unknown name for a default is reported, not thrown out of the check.
    expect(codes(checkSource(SCALED.replace("= 1)", "= one)")))).toEqual(["SF0101"]);
  });
});

describe("params of a file no network binds", () => {
  it("are checked as a network's would be", () => {
    const r = checkSource("param A = foo\nparam B = 1/0\nparam C: int = 1/2\n");
    expect(codes(r)).toEqual(["SF0101", "SF0211", "SF0112"]);
    expect(r.networks).toEqual([]);
  });

  it("in a file of aliases of another file's networks, and in a file it imports", () => {
    const a = {
      "a.sf": "network N(clip: <8, 8², 3>, w = 8) -> <8, 8², w> {\n  return clip |> conv(out: w)\n}\n",
      "lib.sf": "param D = 1/0\nblock id(x: <T, S², C>) -> <T, S², C> { return x }\n",
    };
    const r = checkSource('import "./a.sf" { N }\nimport "./lib.sf"\nparam Q = foo\nnetwork M = N(w: 2)\n', [], a);
    expect(r.diagnostics.map((d) => [d.code, d.primary.span.file])).toEqual([
      ["SF0211", "lib.sf"],
      ["SF0101", "main.sf"],
    ]);
  });

  it("but a network's params are checked once, with its settings, not again with their defaults", () => {
    const source = "param A = 0\nparam B = 1/A\nnetwork N(clip: <8, 8², 3>) -> <8, 8², 3> {\n  return clip\n}\n";
    expect(codes(checkSource(source))).toEqual(["SF0211"]);
    expectNoIssues(checkSource(source, ["A=1"]));
  });
});
