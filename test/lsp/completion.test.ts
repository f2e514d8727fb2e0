/**
 * When completion comes up: not in comments or strings, and a trigger
 * character brings it up only where it starts what it triggers (`|>`, a
 * call's arguments, an import's list).
 */
import * as path from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import type { CompletionItem, CompletionList, Position } from "vscode-languageserver-protocol";
import { at, fileUri, serverSession } from "./client";
import { spaceStart, wordStart } from "../../lsp/words";

const session = serverSession("sfc-lsp-completion-");

const text = [
  "import std.resnet3d { stem }",
  "",
  "// slow |> ",
  "network N(clip: <T, S², 3>, T = 4, S = 8) -> <T, S², 3> {",
  "  /* y = clip |> ",
  "     more */",
  "  # z = clip |> ",
  '  w = "a |> " == "b"',
  "  // x after a comment",
  "  v = clip |> ",
  "  u = stem(clip, ",
  "  return clip",
  "}",
  "",
].join("\n");

let uri: string;

async function labelsAt(position: Position, triggerCharacter?: string): Promise<string[]> {
  const context = triggerCharacter === undefined ? { triggerKind: 1 } : { triggerKind: 2, triggerCharacter };
  const result = await session.client.request<CompletionItem[] | CompletionList | null>("textDocument/completion", {
    textDocument: { uri },
    position,
    context,
  });
  return (Array.isArray(result) ? result : (result?.items ?? [])).map((i) => i.label);
}

/** The position right after `needle`. */
const after = (needle: string): Position => at(text, needle, needle.length);

describe("completion", () => {
  beforeAll(async () => {
    uri = fileUri(path.join(session.dir, "c.sf"));
    await session.client.open(uri, text);
    await session.client.diagnostics(uri);
  });

  test("a space is no trigger character; `>` of `|>` is", () => {
    const triggers = session.client.capabilities!.completionProvider!.triggerCharacters!;
    expect(triggers).not.toContain(" ");
    expect(triggers).toContain(">");
  });

  test.each([
    ["a // comment", "// slow |> "],
    ["a /* */ comment", "/* y = clip |> "],
    ["a # comment", "# z = clip |> "],
    ["a string", '"a |> '],
    ["prose in a comment", "// x after"],
  ])("nothing inside %s", async (_where, needle) => {
    expect(await labelsAt(after(needle))).toEqual([]);
    expect(await labelsAt(after(needle), ">")).toEqual([]);
  });

  test("code after comments and strings still completes", async () => {
    expect(await labelsAt(after("v = clip |>"), ">")).toEqual(expect.arrayContaining(["relu", "conv", "stem"]));
    expect(await labelsAt(after("v = clip |> "))).toEqual(expect.arrayContaining(["relu", "conv", "stem"]));
    expect(await labelsAt(after('" == '))).toEqual(expect.arrayContaining(["clip", "T"]));
  });

  test("a trigger character brings up a list only where it starts what it triggers", async () => {
    // `>` of `->` and of a type, `{` of a body: nothing.
    expect(await labelsAt(after("S = 8) ->"), ">")).toEqual([]);
    expect(await labelsAt(after("<T, S², 3>"), ">")).toEqual([]);
    expect(await labelsAt(after("-> <T, S², 3> {"), "{")).toEqual([]);
    // `(` and `,` of a call: its named arguments.
    expect(await labelsAt(after("u = stem("), "(")).toEqual(expect.arrayContaining(["out:", "kt:"]));
    expect(await labelsAt(after("u = stem(clip,"), ",")).toEqual(expect.arrayContaining(["out:", "kt:"]));
    // `,` between a network's formals is no call.
    expect(await labelsAt(after("T = 4,"), ",")).toEqual([]);
    // `{` of an import's list: what the module exports.
    expect(await labelsAt(after("import std.resnet3d {"), "{")).toEqual(expect.arrayContaining(["stem", "bottleneck"]));
  });
});

describe("completion in an import's list", () => {
  test("comes up on `,` between its names, with what the module exports", async () => {
    const text = "import std.resnet3d { stem, \n";
    const listUri = fileUri(path.join(session.dir, "list.sf"));
    await session.client.open(listUri, text);
    const result = await session.client.request<CompletionItem[] | null>("textDocument/completion", {
      textDocument: { uri: listUri },
      position: at(text, "stem,", 5),
      context: { triggerKind: 2, triggerCharacter: "," },
    });
    expect((result ?? []).map((i) => i.label)).toEqual(expect.arrayContaining(["bottleneck"]));
  });
});

describe("completion after a long run of word characters", () => {
  test("answers with a scan of the word at the cursor, not of the run (a regex anchored at the end was quadratic in it)", async () => {
    const long = [
      "network N(clip: <4, 8², 3>) -> <4, 8², 3> {",
      `  // ${"x".repeat(200_000)}`,
      `  /* ${"y".repeat(50_000)} */ v = clip |> `,
      "  return clip",
      "}",
      "",
    ].join("\n");
    const longUri = fileUri(path.join(session.dir, "long.sf"));
    await session.client.open(longUri, long);
    const position = at(long, "v = clip |> ", "v = clip |> ".length);
    const result = await session.client.request<CompletionItem[] | null>("textDocument/completion", {
      textDocument: { uri: longUri },
      position,
      context: { triggerKind: 1 },
    });
    expect((result ?? []).map((i) => i.label)).toEqual(expect.arrayContaining(["relu", "conv"]));
  });

  test("a word's start is found by code point: a letter outside the BMP is one", () => {
    // Words as they are being typed: a Greek name, and one a letter outside the BMP joins (two code units, one letter).
    expect(wordStart("x = β", 5)).toBe(4);
    const text = "x = _a1𝔸";
    expect(text.slice(wordStart(text, text.length))).toBe("_a1𝔸");
    expect(wordStart("a  ", 3)).toBe(3);
    expect(spaceStart("a  ", 3)).toBe(1);
  });
});
