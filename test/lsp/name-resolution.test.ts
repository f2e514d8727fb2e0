/**
 * Which declaration a name under the cursor stands for: an op called with an
 * argument named like it, and one-letter names written next to each other
 * (`αT`, `βC`). Hover, definition, references, semantic tokens and rename
 * all read the same answer.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, test } from "vitest";
import type { Hover, Location, Range, SemanticTokens, WorkspaceEdit } from "vscode-languageserver-protocol";
import { applyEdits, at, fileUri, hoverText, ROOT, serverSession } from "./client";

const session = serverSession("sfc-lsp-names-");

/** Opens `text` as a new file and waits for its first diagnostics. */
async function openFile(name: string, text: string): Promise<string> {
  const uri = fileUri(path.join(session.dir, name));
  await session.client.open(uri, text);
  await session.client.diagnostics(uri);
  return uri;
}

/** The semantic token type (its index in the legend) at a position, if a token starts there. */
function tokenTypeAt(tokens: SemanticTokens, line: number, character: number): number | undefined {
  let l = 0;
  let c = 0;
  for (let k = 0; k < tokens.data.length; k += 5) {
    const [dl, dc, , type] = tokens.data.slice(k, k + 5) as [number, number, number, number];
    l += dl;
    c = dl === 0 ? c + dc : dc;
    if (l === line && c === character) return type;
  }
  return undefined;
}

describe("an op called with an argument named like it", () => {
  const text = [
    "block head(x: <T, S², C>, dropout: rat = 1/2, classes: int) -> <classes> {",
    "  return x |> gap |> dropout(p: dropout) |> linear(out: classes)",
    "}",
    "",
    "network N(clip: <T, S², 3>, T = 4, S = 32, C = 8, classes = 10) -> <classes> {",
    "  return head(clip, classes: classes)",
    "}",
    "",
  ].join("\n");

  test("hover and definition on the op name treat it as the op", async () => {
    const uri = await openFile("op-formal.sf", text);
    const opName = at(text, "dropout(p:");
    const shown = hoverText(await session.client.request<Hover | null>("textDocument/hover", { textDocument: { uri }, position: opName }));
    expect(shown).toContain("dropout(x, p");
    expect(shown).not.toContain("formal dropout");
    // Its tensor input is listed by name, without an empty description.
    expect(shown).toMatch(/^- `x`$/m);
    expect(await session.client.request<Location | null>("textDocument/definition", { textDocument: { uri }, position: opName })).toBeNull();
    // The argument's value is still the formal.
    const value = await session.client.request<Location | null>("textDocument/definition", { textDocument: { uri }, position: at(text, "p: dropout", 3) });
    expect(value?.range.start).toEqual(at(text, "dropout: rat"));
  });

  test("renaming the formal leaves the op call alone, and the file still checks", async () => {
    const uri = await openFile("op-formal-rename.sf", text);
    const edit = await session.client.request<WorkspaceEdit>("textDocument/rename", {
      textDocument: { uri },
      position: at(text, "dropout: rat"),
      newName: "rate",
    });
    const renamed = applyEdits(text, edit, uri);
    expect(renamed).toContain("block head(x: <T, S², C>, rate: rat = 1/2");
    expect(renamed).toContain("|> dropout(p: rate) |>");
    session.client.clearPublished(uri);
    await session.client.change(uri, renamed, 2);
    expect((await session.client.diagnostics(uri, (p) => p.version === 2)).diagnostics).toEqual([]);
  });

  test("in the standard library: the op under a network parameter's name, and its semantic token", async () => {
    const file = path.join(ROOT, "stdlib/slowfast.sf");
    const stdText = fs.readFileSync(file, "utf8");
    const uri = fileUri(file);
    await session.client.open(uri, stdText);
    const opName = at(stdText, "dropout(p: dropout)");
    const shown = hoverText(await session.client.request<Hover | null>("textDocument/hover", { textDocument: { uri }, position: opName }));
    expect(shown).not.toContain("parameter dropout");
    expect(shown).toContain("dropout(x, p");
    expect(await session.client.request<Location | null>("textDocument/definition", { textDocument: { uri }, position: opName })).toBeNull();
    const tokens = await session.client.request<SemanticTokens>("textDocument/semanticTokens/full", { textDocument: { uri } });
    const legend = session.client.capabilities!.semanticTokensProvider!.legend.tokenTypes;
    expect(legend[tokenTypeAt(tokens, opName.line, opName.character)!]).toBe("function");
    // A block-valued parameter called is still the parameter.
    const transform = at(stdText, "transform(α: α");
    const def = await session.client.request<Location | null>("textDocument/definition", { textDocument: { uri }, position: transform });
    expect(def?.range.start.line).toBe(at(stdText, "transform: block").line);
  });
});

describe("one-letter names written next to each other", () => {
  const network = ["network A(clip: <αT, S², 3>, T = 4, α = 2, β: rat = 1/2, S = 16, C = 8) -> <αT, S², βC> {", "  return clip |> conv(out: βC)", "}", ""].join(
    "\n",
  );

  test("hover and definition on the second name use it, not the one before", async () => {
    const uri = await openFile("adjacent.sf", network);
    const onT = at(network, "αT", 1);
    expect(hoverText(await session.client.request<Hover | null>("textDocument/hover", { textDocument: { uri }, position: onT }))).toContain("T: T  =  4");
    const defT = await session.client.request<Location | null>("textDocument/definition", { textDocument: { uri }, position: onT });
    expect(defT?.range.start).toEqual(at(network, "T = 4"));
    const onC = at(network, "out: βC", 6);
    expect(hoverText(await session.client.request<Hover | null>("textDocument/hover", { textDocument: { uri }, position: onC }))).toContain("C: C  =  8");
    const defC = await session.client.request<Location | null>("textDocument/definition", { textDocument: { uri }, position: onC });
    expect(defC?.range.start).toEqual(at(network, "C = 8"));
    // On the first letter, and just after the second (a cursor after a word), each still finds its own.
    const onAlpha = await session.client.request<Location | null>("textDocument/definition", { textDocument: { uri }, position: at(network, "αT") });
    expect(onAlpha?.range.start).toEqual(at(network, "α = 2"));
    const afterC = await session.client.request<Location | null>("textDocument/definition", { textDocument: { uri }, position: at(network, "out: βC", 7) });
    expect(afterC?.range.start).toEqual(at(network, "C = 8"));
  });

  test("references and rename on the second name", async () => {
    const block = ["block t(x: <αT, S², βC>, α: int, β: rat) -> <T, S², βC> {", "  return frames(x, every: α)", "}", ""].join("\n");
    const uri = await openFile("adjacent-rename.sf", block);
    const onC = at(block, "βC", 1);
    const refs = await session.client.request<Location[]>("textDocument/references", {
      textDocument: { uri },
      position: onC,
      context: { includeDeclaration: true },
    });
    expect(refs.map((r) => block.split("\n")[r.range.start.line]![r.range.start.character])).toEqual(["C", "C"]);
    const range = await session.client.request<Range | null>("textDocument/prepareRename", { textDocument: { uri }, position: onC });
    expect(range).toEqual({ start: onC, end: { line: onC.line, character: onC.character + 1 } });
    const edit = await session.client.request<WorkspaceEdit>("textDocument/rename", { textDocument: { uri }, position: onC, newName: "D" });
    expect(applyEdits(block, edit, uri).split("\n")[0]).toBe("block t(x: <αT, S², βD>, α: int, β: rat) -> <T, S², βD> {");
  });
});
