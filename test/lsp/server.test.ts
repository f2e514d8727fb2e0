/**
 * The language server as an editor uses it: the real `sfc lsp --stdio`
 * process, spoken to over its standard input and output.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, test } from "vitest";
import type { CompletionItem, CompletionList, InlayHint, Location, WorkspaceEdit, DocumentSymbol, SemanticTokens } from "vscode-languageserver-protocol";
import { at, fileUri, openBuffer, ROOT, serverSession } from "./client";

const session = serverSession("sfc-lsp-");

const tiny = path.join(ROOT, "examples/slowfast_tiny.sf");
const tinyText = fs.readFileSync(tiny, "utf8");

describe("diagnostics", () => {
  test("open → diagnostics with codes → a fixing edit → cleared", async () => {
    const uri = fileUri(path.join(session.dir, "broken.sf"));
    const broken = [
      "import std.resnet3d { stem }",
      "",
      "network N(clip: <T, S², 3>, T = 4, S = 64, C = 16, classes = 10) -> <classes> {",
      "  x = stem(clip, out: C)",
      "  return gap(y) |> linear(out: classes)",
      "}",
      "",
    ].join("\n");
    await session.client.open(uri, broken);
    const first = await session.client.diagnostics(uri, (p) => p.diagnostics.length > 0);
    expect(first.diagnostics.map((d) => d.code)).toEqual(["SF0101"]);
    const d = first.diagnostics[0]!;
    expect(d.source).toBe("sfc");
    expect(d.message).toContain("unknown name `y`");
    expect(d.range.start).toEqual(at(broken, "gap(y)", 4));
    // The primary label, as `sfc check --format json` gives it.
    expect(d.relatedInformation?.[0]).toEqual({ location: { uri, range: d.range }, message: "not declared here" });

    await session.client.change(uri, broken.replace("gap(y)", "gap(x)"), 2);
    const fixed = await session.client.diagnostics(uri, (p) => p.version === 2);
    expect(fixed.diagnostics).toEqual([]);
  });

  test("a buffer whose lines end in a lone CR: positions on the line editors show", async () => {
    const uri = fileUri(path.join(session.dir, "cr-only.sf"));
    const text = "network N(x: <4, S², 3>, S = 8) -> <4, S², 3> {\r  return x |> foo\r}\r";
    await session.client.open(uri, text);
    const published = await session.client.diagnostics(uri, (p) => p.diagnostics.length > 0);
    expect(published.diagnostics.map((d) => [d.code, d.range])).toEqual([["SF0106", { start: { line: 1, character: 14 }, end: { line: 1, character: 17 } }]]);
  });

  test("a buffer sent with its byte-order mark: line 0's columns count it, as the client's text does", async () => {
    const uri = fileUri(path.join(session.dir, "bom.sf"));
    const text = "\ufeffparam A = foo\nnetwork N(x: <4, S², 3>, S = 8) -> <4, S², 3> {\n  return x |> relu\n}\n";
    await session.client.open(uri, text);
    const published = await session.client.diagnostics(uri, (p) => p.diagnostics.length > 0);
    expect(published.diagnostics.map((d) => [d.code, d.range])).toEqual([["SF0101", { start: at(text, "foo"), end: at(text, "foo", 3) }]]);
  });

  test("a misspelt callee: the block imported here before an op as far off", async () => {
    const uri = fileUri(path.join(session.dir, "typo.sf"));
    const text = "import std.resnet3d { stem }\n\nnetwork N(clip: <4, 32², 3>, C = 8) -> <4, 32², C> {\n  return stm(clip, out: C)\n}\n";
    await session.client.open(uri, text);
    const published = await session.client.diagnostics(uri, (p) => p.diagnostics.length > 0);
    expect(published.diagnostics.map((d) => d.code)).toEqual(["SF0106"]);
    expect(published.diagnostics[0]!.message).toContain("help: did you mean `stem`?");
  });

  test("an unsaved buffer is read by the files that import it", async () => {
    const libPath = path.join(session.dir, "lib.sf");
    const mainPath = path.join(session.dir, "main.sf");
    // On disk the block is fine; the open buffer breaks it, and the importer hears of it.
    fs.writeFileSync(libPath, "block twice(x: <T, S², C>) -> <T, S², C> {\n  return add(x, x)\n}\n");
    const mainText = 'import "lib.sf" { twice }\n\nnetwork M(clip: <T, S², 3>, T = 2, S = 8) -> <T, S², 3> {\n  return twice(clip)\n}\n';
    fs.writeFileSync(mainPath, mainText);
    const mainUri = fileUri(mainPath);
    const libUri = fileUri(libPath);
    await session.client.open(mainUri, mainText);
    expect((await session.client.diagnostics(mainUri)).diagnostics).toEqual([]);
    await session.client.open(libUri, "block twice(x: <T, S², C>) -> <T, S², C> {\n  return add(x, z)\n}\n");
    const inLib = await session.client.diagnostics(libUri, (p) => p.diagnostics.length > 0);
    expect(inLib.diagnostics[0]!.code).toBe("SF0101");
    const inMain = await session.client.diagnostics(mainUri, (p) => p.diagnostics.length > 0);
    expect(inMain.diagnostics[0]!.code).toBe("SF0101");
    expect(inMain.diagnostics[0]!.range.start).toEqual(at(mainText, '"lib.sf"'));
    expect(inMain.diagnostics[0]!.relatedInformation?.[0]?.location.uri).toBe(libUri);
  });
});

describe("hover", () => {
  test("a pathway: its symbolic and concrete type", async () => {
    const uri = fileUri(tiny);
    await session.client.open(uri, tinyText);
    const text = await session.client.hoverAt(uri, tinyText, "pathway fast", 9);
    expect(text).toContain("fast: <αT, S², 3>  =  <16, 64², 3>");
    expect(text).toContain("SlowFastTiny");
  });

  test("a stage: each pathway's shape where it ends and its parameters, as sfc info's row says", async () => {
    const uri = fileUri(tiny);
    const text = await session.client.hoverAt(uri, tinyText, "stage s2", 6);
    expect(text).toContain("stage s2");
    expect(text).toContain("- `fast`: 16×16², 16\n- `slow`: 4×16², 96");
    expect(text).toContain("13,584 parameters");
  });

  test("a stage written twice, or nested: each run of it its own, a nested stage's layers counted in the outer one", async () => {
    const { uri, text } = await openBuffer(session, "stages.sf", [
      "network R(clip: <4, 16², 3>) -> <10> {",
      "  pathway video = clip |> conv(out: 8)",
      "  stage s1 { video = video |> conv(out: 8) }",
      "  stage s1 { video = video |> conv(out: 12) }",
      "  stage s2 {",
      "    video = video |> conv(out: 16)",
      "    stage a { video = video |> conv(out: 4) }",
      "  }",
      "  stage head { return video |> gap |> linear(out: 10) }",
      "}",
    ]);
    const hoverAt = async (needle: string, shift: number): Promise<string> => await session.client.hoverAt(uri, text, needle, shift);
    expect(await hoverAt("stage s1 { video = video |> conv(out: 8)", 6)).toContain("- `video`: 4×16², 8\n\n64 parameters");
    expect(await hoverAt("stage s1 { video = video |> conv(out: 12)", 6)).toContain("- `video`: 4×16², 12\n\n96 parameters");
    // s2's own conv (12·16) and its nested a's (16·4).
    expect(await hoverAt("stage s2", 6)).toContain("- `video`: 4×16², 4\n\n256 parameters");
  });

  test("after a call that fails, what follows has its shape: the call's block's declared result", async () => {
    const { uri, text, published } = await openBuffer(session, "failed-call.sf", [
      "import std.resnet3d { bottleneck }",
      "",
      "network N(clip: <4, 16², 8>) -> <10> {",
      "  x = clip |> bottleneck(inner: 4, out: 16)",
      "  y = x |> conv(out: 32)",
      "  return y |> gap |> linear(out: 10)",
      "}",
    ]);
    expect(published.diagnostics.map((d) => d.code)).toEqual(["SF0302"]);
    expect(await session.client.hoverAt(uri, text, "y = x")).toContain("<4, 16², 32>");
    expect(await session.client.hoverAt(uri, text, "x |> conv")).toContain("<4, 16², 16>");
  });

  test("in a branch the defaults do not take: the shape it would have if taken, said so, in hover and inlay hints", async () => {
    const { uri, text, published } = await openBuffer(session, "untaken.sf", [
      "network N(clip: <4, 16², 8>, wide: bool = false) -> <10> {",
      "  x = clip |> conv(out: 8)",
      "  if wide {",
      "    x = x |> conv(out: 32)",
      "  }",
      "  return x |> gap |> linear(out: 10)",
      "}",
    ]);
    expect(published.diagnostics).toEqual([]);
    const hover = await session.client.hoverAt(uri, text, "x = x |> conv(out: 32)");
    expect(hover).toContain("x: <4, 16², 32>");
    expect(hover).toContain("at the defaults of `N`, as if a branch they do not take were taken");
    const hints = await session.client.request<InlayHint[]>("textDocument/inlayHint", {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 8, character: 0 } },
    });
    const inBranch = hints.find((h) => h.position.line === 3)!;
    expect([inBranch.label, inBranch.tooltip]).toEqual([": <4, 16², 32>", "at the defaults of N, as if a branch they do not take were taken"]);
    expect(hints.find((h) => h.position.line === 1)!.tooltip).toBe("at the defaults of N");
  });

  test("a sort: what it means, for a formal's and a module parameter's", async () => {
    const { uri, text } = await openBuffer(session, "sorts.sf", [
      "param depth: int = 2",
      "",
      "network N(clip: <4, 16², 8>, p: rat = 1/2, deep: bool = false) -> <10> {",
      "  return clip |> gap |> dropout(p: p) |> linear(out: 10)",
      "}",
    ]);
    expect(await session.client.hoverAt(uri, text, "int = 2", 1)).toBe("```sf\nint\n```\n\na whole number: a value that is not one is an error");
    expect(await session.client.hoverAt(uri, text, "rat = 1/2")).toContain("a rational number: a fraction such as `1/8`");
    expect(await session.client.hoverAt(uri, text, "bool = false", 3)).toContain("`true` or `false`");
  });

  test("a stage of one name in both branches of an if: the one taken has its row, the other none", async () => {
    const { uri, text } = await openBuffer(session, "branch-stages.sf", [
      "network R(clip: <4, 16², 3>, wide: bool = false) -> <10> {",
      "  pathway video = clip |> conv(out: 8)",
      "  if wide {",
      "    stage s1 { video = video |> conv(out: 16) }",
      "  } else {",
      "    stage s1 { video = video |> conv(out: 12) }",
      "  }",
      "  stage head { return video |> gap |> linear(out: 10) }",
      "}",
    ]);
    expect(await session.client.hoverAt(uri, text, "stage s1 { video = video |> conv(out: 12)", 6)).toContain("- `video`: 4×16², 12\n\n96 parameters");
    expect(await session.client.hoverAt(uri, text, "stage s1 { video = video |> conv(out: 16)", 6)).not.toContain("parameters");
  });

  test("the call of a block-valued parameter: the block it holds, as written and at the defaults, and that block's formals for its arguments", async () => {
    const file = path.join(ROOT, "stdlib/slowfast.sf");
    const text = fs.readFileSync(file, "utf8");
    const uri = fileUri(file);
    await session.client.open(uri, text);
    await session.client.diagnostics(uri);
    expect(await session.client.hoverAt(uri, text, "transform(α: α", 2)).toBe(
      "```sf\ntransform: tconv(k: K, ratio: ratio)  =  tconv(k: 5, ratio: 2)\n```\n\nat the defaults of `SlowFast`",
    );
    // Its arguments are the formals of that block.
    const argument = await session.client.hoverAt(uri, text, "transform(α: α", "transform(".length);
    expect(argument).toBe("```sf\nα: int\n```\n\nan argument of `tconv`, the block `transform` holds at the defaults of `SlowFast`");
  });

  test("input(...): what it declares", async () => {
    const uri = fileUri(path.join(session.dir, "two-clips.sf"));
    const text = [
      "network TwoClips(clip: <4, 32², 3>) -> <16> {",
      "  pathway fast = clip |> conv(out: 8)",
      "  pathway slow = input(<1, 32², 3>) as slow |> conv(out: 8)",
      "  return concat(gap(slow), gap(fast))",
      "}",
      "",
    ].join("\n");
    await session.client.open(uri, text);
    await session.client.diagnostics(uri);
    const shown = await session.client.hoverAt(uri, text, "input(<1", 1);
    expect(shown).toContain("input(<type>) as NAME");
    expect(shown).toContain("Another input of the model");
  });

  test("a call: its type, parameters and FLOPs, and the block it calls", async () => {
    const uri = fileUri(tiny);
    const text = await session.client.hoverAt(uri, tinyText, "slow = stem(", 8);
    expect(text).toMatch(/=  <4, 16², 16>/);
    expect(text).toContain("2,384 parameters");
    expect(text).toMatch(/MFLOPs/);
    expect(text).toContain("block stem(x: <T, S², Cin>, out: int, kt: int = 1)");
  });

  test("a lateral link: its source's shape, and each call of its transform's pipe its own", async () => {
    const file = path.join(ROOT, "examples/slow_to_fast.sf");
    const text = fs.readFileSync(file, "utf8");
    const uri = fileUri(file);
    await session.client.open(uri, text);
    const shown = async (needle: string, shift: number): Promise<string> => await session.client.hoverAt(uri, text, needle, shift);
    expect(await shown("lateral fast -> slow", 8)).toContain("fast: <αT, S², βC>  =  <16, 32², 4>");
    // The Slow features after the Fast → Slow link: C + 2βC channels.
    expect(await shown("lateral slow -> fast", 8)).toContain("slow: <T, S², 2βC + C>  =  <4, 32², 24>");
    // conv |> bn |> relu |> c2t: the conv's own output, not the output of the whole pipe.
    const conv = await shown("fast: conv(out", 6);
    expect(conv).toContain("<T, S², αw>  =  <4, 32², 8>");
    expect(conv).toContain("192 parameters");
    expect(await shown("as s2f.conv |> bn", 15)).toContain("<T, S², αw>  =  <4, 32², 8>");
    expect(await shown("|> c2t", 3)).toContain("<αT, S², w>  =  <16, 32², 2>");
  });

  test("a named argument of an op: the op's formal, as a block's argument shows the block's", async () => {
    const uri = fileUri(tiny);
    const shown = async (needle: string, shift: number): Promise<string> => await session.client.hoverAt(uri, tinyText, needle, shift);
    expect(await shown("frames(clip, every", 13)).toMatch(/^```sf\nevery\?: int\n```\n\nan argument of `frames`: temporal sampling/);
    expect(await shown("dropout(p:", 8)).toContain("p?: number in [0, 1)");
    expect(await shown("linear(out:", 8)).toContain("out: int");
    // A block's argument: the formal as its block declares it.
    expect(await shown("stem(slow, out:", 11)).toContain("out: int");
  });

  test("a lateral link's fusion written as a word: what it does", async () => {
    const uri = fileUri(tiny);
    const shown = await session.client.hoverAt(uri, tinyText, "fuse concat", 5);
    expect(shown).toBe("```sf\nfuse concat\n```\n\nthe link's output is concatenated onto the target pathway's channels");
  });

  test("a formal of a stdlib block, at the defaults of the network that uses it", async () => {
    const uri = fileUri(path.join(ROOT, "stdlib/slowfast.sf"));
    const text = fs.readFileSync(path.join(ROOT, "stdlib/slowfast.sf"), "utf8");
    await session.client.open(uri, text);
    const def = await session.client.request<Location | null>("textDocument/definition", { textDocument: { uri }, position: at(text, "tconv(k: K", 1) });
    expect(def!.uri).toBe(fileUri(path.join(ROOT, "stdlib/lateral.sf")));
    const shown = await session.client.hoverAt(uri, text, "pathway fast", 9);
    expect(shown).toContain("fast: <αT, S², 3>  =  <32, 224², 3>");
  });
});

describe("a block-valued parameter", () => {
  test("slowfast.sf: no diagnostics, its value on hover, and its calls lead to its declaration", async () => {
    const file = path.join(ROOT, "stdlib/slowfast.sf");
    const uri = fileUri(file);
    const text = fs.readFileSync(file, "utf8");
    await session.client.open(uri, text);
    expect((await session.client.diagnostics(uri)).diagnostics).toEqual([]);
    const declared = await session.client.hoverAt(uri, text, "transform: block", 2);
    expect(declared).toContain("tconv(k: 5, ratio: 2)");
    const def = await session.client.request<Location | null>("textDocument/definition", { textDocument: { uri }, position: at(text, "transform(α: α", 2) });
    expect(def!.uri).toBe(uri);
    expect(def!.range.start.line).toBe(at(text, "transform: block").line);
  });
});

describe("hover in a module of blocks", () => {
  test("a formal's concrete type comes from an open file whose network uses the block", async () => {
    const slowfast = path.join(ROOT, "stdlib/slowfast.sf");
    await session.client.open(fileUri(slowfast), fs.readFileSync(slowfast, "utf8"));
    await session.client.diagnostics(fileUri(slowfast));
    const lateral = path.join(ROOT, "stdlib/lateral.sf");
    const text = fs.readFileSync(lateral, "utf8");
    const uri = fileUri(lateral);
    await session.client.open(uri, text);
    const shown = await session.client.hoverAt(uri, text, "block tconv(x", 12);
    // SlowFastTiny (open since an earlier test) gives <16, 16², 4>; SlowFast alone would give <32, 56², 8>.
    expect(shown).toMatch(/x: <αT, S², βC> {2}= {2}<(16, 16², 4|32, 56², 8)>/);
    expect(shown).toMatch(/at the defaults of `SlowFast(Tiny)?`/);
  });
});

describe("navigation", () => {
  test("definition of an imported block lands in stdlib/lateral.sf", async () => {
    const uri = fileUri(tiny);
    const def = await session.client.request<Location | null>("textDocument/definition", { textDocument: { uri }, position: at(tinyText, "tconv(α", 2) });
    expect(def).not.toBeNull();
    expect(def!.uri).toBe(fileUri(path.join(ROOT, "stdlib/lateral.sf")));
    const lateral = fs.readFileSync(path.join(ROOT, "stdlib/lateral.sf"), "utf8");
    expect(def!.range.start).toEqual(at(lateral, "tconv(x", 0));
    // The import's name goes there too.
    const viaImport = await session.client.request<Location | null>("textDocument/definition", {
      textDocument: { uri },
      position: at(tinyText, "{ tconv }", 3),
    });
    expect(viaImport).toEqual(def);
  });

  test("definition of a parameter, and its references", async () => {
    const uri = fileUri(tiny);
    const def = await session.client.request<Location | null>("textDocument/definition", {
      textDocument: { uri },
      position: at(tinyText, "repeat 2 bottleneck(inner: C", 27),
    });
    expect(def!.range.start).toEqual(at(tinyText, "C = 16"));
    const refs = await session.client.request<Location[]>("textDocument/references", {
      textDocument: { uri },
      position: at(tinyText, "C = 16"),
      context: { includeDeclaration: false },
    });
    // stem(out: C), 4 in s2, 4 in s3, 4 in the widths βC...
    expect(refs.length).toBeGreaterThanOrEqual(8);
    expect(refs.every((r) => r.uri === uri)).toBe(true);
  });

  test("rename of a local name", async () => {
    const uri = fileUri(path.join(session.dir, "rename.sf"));
    const text = "network R(clip: <T, S², 3>, T = 2, S = 8) -> <T, S², 3> {\n  y = relu(clip)\n  z = add(y, y)\n  return z\n}\n";
    await session.client.open(uri, text);
    const range = await session.client.request<unknown>("textDocument/prepareRename", { textDocument: { uri }, position: at(text, "add(y", 4) });
    expect(range).not.toBeNull();
    const edit = await session.client.request<WorkspaceEdit>("textDocument/rename", {
      textDocument: { uri },
      position: at(text, "add(y", 4),
      newName: "activated",
    });
    expect(edit.changes![uri]!.length).toBe(3);
    // A block from the standard library is not renamed, and the editor hears why.
    await expect(
      session.client.request<unknown>("textDocument/prepareRename", { textDocument: { uri: fileUri(tiny) }, position: at(tinyText, "tconv(α", 2) }),
    ).rejects.toThrow(/`tconv` is a block/);
  });
});

describe("completion", () => {
  test("after |>: ops and the blocks in scope", async () => {
    const uri = fileUri(path.join(session.dir, "complete.sf"));
    const text = "import std.resnet3d { bottleneck }\n\nnetwork P(clip: <T, S², 3>, T = 2, S = 8) -> <T, S², 3> {\n  y = clip |> \n  return y\n}\n";
    await session.client.open(uri, text);
    const result = await session.client.request<CompletionItem[] | CompletionList>("textDocument/completion", {
      textDocument: { uri },
      position: at(text, "clip |> ", 8),
    });
    const labels = (Array.isArray(result) ? result : result.items).map((i) => i.label);
    expect(labels).toEqual(expect.arrayContaining(["relu", "conv", "bn", "bottleneck"]));
    expect(labels).not.toContain("return");
  });

  test("inside a call: its named arguments", async () => {
    const uri = fileUri(path.join(session.dir, "args.sf"));
    const text = "import std.resnet3d { bottleneck }\n\nnetwork Q(clip: <T, S², 3>, T = 2, S = 8) -> <T, S², 3> {\n  y = bottleneck(clip, \n  return y\n}\n";
    await session.client.open(uri, text);
    const result = await session.client.request<CompletionItem[] | CompletionList>("textDocument/completion", {
      textDocument: { uri },
      position: at(text, "(clip, ", 7),
    });
    const labels = (Array.isArray(result) ? result : result.items).map((i) => i.label);
    expect(labels).toEqual(expect.arrayContaining(["inner:", "out:", "kt:", "stride:", "project:", "T", "S"]));
  });
});

describe("a file with a syntax error", () => {
  test("diagnoses it and keeps serving hovers elsewhere", async () => {
    const uri = fileUri(path.join(session.dir, "syntax.sf"));
    const text = [
      "block good(x: <T, S², C>) -> <T, S², C> {",
      "  y = relu(x)",
      "  return y",
      "}",
      "",
      "block bad(x: <T, S², C>) -> <T, S², C> {",
      "  y = relu(x x",
      "  return y",
      "}",
      "",
    ].join("\n");
    await session.client.open(uri, text);
    const published = await session.client.diagnostics(uri, (p) => p.diagnostics.length > 0);
    expect(published.diagnostics.some((d) => d.code === "SF0002")).toBe(true);
    const shown = await session.client.hoverAt(uri, text, "  y = relu", 2);
    expect(shown).toContain("y: <T, S², C>");
    const symbols = await session.client.request<DocumentSymbol[]>("textDocument/documentSymbol", { textDocument: { uri } });
    expect(symbols.map((s) => s.name)).toEqual(["good", "bad"]);
  });
});

describe("symbols, semantic tokens and inlay hints", () => {
  test("stages and pathways are symbols; names are classified; assignments show their shape", async () => {
    const uri = fileUri(tiny);
    const symbols = await session.client.request<DocumentSymbol[]>("textDocument/documentSymbol", { textDocument: { uri } });
    expect(symbols.map((s) => s.name)).toEqual(["SlowFastTiny"]);
    expect(symbols[0]!.children!.map((c) => c.name)).toEqual(["fast", "slow", "s1", "s2", "s3", "head"]);
    const tokens = await session.client.request<SemanticTokens>("textDocument/semanticTokens/full", { textDocument: { uri } });
    expect(tokens.data.length % 5).toBe(0);
    expect(tokens.data.length).toBeGreaterThan(100);
    const hints = await session.client.request<InlayHint[]>("textDocument/inlayHint", {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 40, character: 0 } },
    });
    const slow = hints.find((h) => h.position.line === at(tinyText, "slow = stem").line);
    expect(slow?.label).toMatch(/^: <T, .+², C>  =  <4, 16², 16>$/);
  });

  test("inlay hints can be switched off", async () => {
    const uri = fileUri(tiny);
    const range = { start: { line: 0, character: 0 }, end: { line: 40, character: 0 } };
    await session.client.connection.sendNotification("workspace/didChangeConfiguration", { settings: { sfc: { inlayHints: false } } });
    expect(await session.client.request<InlayHint[]>("textDocument/inlayHint", { textDocument: { uri }, range })).toEqual([]);
    await session.client.connection.sendNotification("workspace/didChangeConfiguration", { settings: { sfc: { inlayHints: true } } });
    expect((await session.client.request<InlayHint[]>("textDocument/inlayHint", { textDocument: { uri }, range })).length).toBeGreaterThan(5);
  });
});
