/**
 * A module of blocks has no network of its own: hover shows its types at the
 * defaults of the networks of the open files that import it, taken from those
 * files' own analyses (lsp/importer-types.ts). Each block gets them from an
 * importer that uses it, a call's counts come from that importer's graph, an
 * edit of an importer is seen in the module whichever was opened first, the
 * module's diagnostics stay its own, and a rename reaches open importers.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, test } from "vitest";
import type { Hover, Location, WorkspaceEdit } from "vscode-languageserver-protocol";
import { applyEdits, at, fileUri, hoverText, serverSession } from "./client";

const session = serverSession("sfc-lsp-blocks-");

const BLOCKS = [
  "block widen(x: <T, S², C>, out: int) -> <T, S², out> {",
  "  return x |> conv(out: out, kernel: 1×1²) as conv_w",
  "}",
  "",
  "block twice(x: <T, S², C>) -> <T, S², C> {",
  "  return add(x, x)",
  "}",
  "",
].join("\n");

const usesWiden = (S: number): string =>
  ['import "blocks.sf" { widen }', "", `network Wide(clip: <T, S², 3>, T = 2, S = ${S}) -> <T, S², 8> {`, "  return widen(clip, out: 8)", "}", ""].join("\n");

/** Imports `widen` without calling it yet. */
const IMPORTS_WIDEN = ['import "blocks.sf" { widen }', "", "network Wide(clip: <T, S², 3>, T = 2, S = 6) -> <T, S², 3> {", "  return clip", "}", ""].join("\n");

const USES_TWICE = ['import "blocks.sf" { twice }', "", "network Twice(clip: <T, S², 3>, T = 3, S = 5) -> <T, S², 3> {", "  return twice(clip)", "}", ""].join(
  "\n",
);

/** Writes the three files in a folder of their own. */
function files(name: string): { blocks: string; wide: string; twice: string } {
  const dir = path.join(session.dir, name);
  fs.mkdirSync(dir);
  const uri = (file: string, text: string): string => {
    fs.writeFileSync(path.join(dir, file), text);
    return fileUri(path.join(dir, file));
  };
  return { blocks: uri("blocks.sf", BLOCKS), wide: uri("wide.sf", usesWiden(6)), twice: uri("twice.sf", USES_TWICE) };
}

async function openChecked(uri: string, text: string): Promise<void> {
  await session.client.open(uri, text);
  expect((await session.client.diagnostics(uri)).diagnostics).toEqual([]);
}

async function hover(uri: string, needle: string, shift: number, text = BLOCKS): Promise<string> {
  return hoverText(await session.client.request<Hover | null>("textDocument/hover", { textDocument: { uri }, position: at(text, needle, shift) }));
}

describe("hover in a module of blocks with two importers open", () => {
  test("each block's types and counts come from the importer that uses it, and follow an edit of that importer", async () => {
    const f = files("two");
    await openChecked(f.wide, usesWiden(6));
    await openChecked(f.twice, USES_TWICE);
    await openChecked(f.blocks, BLOCKS);

    const widenX = await hover(f.blocks, "widen(x", 6);
    expect(widenX).toMatch(/x: <T, S², C> {2}= {2}<2, 6², 3>/);
    expect(widenX).toContain("at the defaults of `Wide`");
    const twiceX = await hover(f.blocks, "twice(x", 6);
    expect(twiceX).toMatch(/x: <T, S², C> {2}= {2}<3, 5², 3>/);
    expect(twiceX).toContain("at the defaults of `Twice`");
    // A call's parameters and FLOPs are counted in the graph of the network it was elaborated in, each its own.
    expect(await hover(f.blocks, "conv(out", 1)).toContain("24 parameters");
    expect(await hover(f.blocks, "add(x", 1)).toContain("nodes in `Twice`");

    // The importer's new default is what the module shows next.
    await session.client.change(f.wide, usesWiden(10), 2);
    await session.client.diagnostics(f.wide, (p) => p.version === 2);
    expect(await hover(f.blocks, "widen(x", 6)).toMatch(/x: <T, S², C> {2}= {2}<2, 10², 3>/);
  });

  test("while the module does not parse, the last version that parsed keeps its importer's types and counts", async () => {
    const f = files("broken");
    await openChecked(f.wide, usesWiden(6));
    await openChecked(f.blocks, BLOCKS);
    expect(await hover(f.blocks, "conv(out", 1)).toContain("24 parameters");
    const broken = BLOCKS.replace("as conv_w\n}", "as conv_w\n  y = (\n}");
    await session.client.change(f.blocks, broken, 2);
    await session.client.diagnostics(f.blocks, (p) => p.version === 2);
    const shown = await hover(f.blocks, "conv(out", 1, broken);
    expect(shown).toContain("as of the last version of the file that parsed");
    expect(shown).toContain("24 parameters");
  });
});

describe("a module of blocks and its importers, in any order", () => {
  test("opened before its importer, the module shows the importer's types once the importer is checked", async () => {
    const f = files("module-first");
    await openChecked(f.blocks, BLOCKS);
    expect(await hover(f.blocks, "widen(x", 6)).not.toContain("at the defaults");
    await openChecked(f.wide, usesWiden(6));
    expect(await hover(f.blocks, "widen(x", 6)).toMatch(/x: <T, S², C> {2}= {2}<2, 6², 3>/);
  });

  test("an importer that starts calling a block gives the module its types", async () => {
    const f = files("not-yet");
    await openChecked(f.wide, IMPORTS_WIDEN);
    await openChecked(f.blocks, BLOCKS);
    expect(await hover(f.blocks, "widen(x", 6)).not.toContain("at the defaults");
    await session.client.change(f.wide, usesWiden(6), 2);
    await session.client.diagnostics(f.wide, (p) => p.version === 2);
    expect(await hover(f.blocks, "widen(x", 6)).toMatch(/x: <T, S², C> {2}= {2}<2, 6², 3>/);
  });

  test("the module's diagnostics are its own: an importer's error stays in the importer", async () => {
    const f = files("errors");
    const broken = usesWiden(6).replace("widen(clip, out: 8)", "widen(clip, out: 8, bogus: 1)");
    await session.client.open(f.wide, broken);
    expect((await session.client.diagnostics(f.wide)).diagnostics.length).toBeGreaterThan(0);
    await openChecked(f.blocks, BLOCKS);
  });

  test("a formal renamed in the module is renamed in an open importer that passes it by name", async () => {
    const f = files("rename");
    await openChecked(f.wide, usesWiden(6));
    await openChecked(f.blocks, BLOCKS);
    const edit = await session.client.request<WorkspaceEdit>("textDocument/rename", {
      textDocument: { uri: f.blocks },
      position: at(BLOCKS, "out: int", 0),
      newName: "width",
    });
    expect(Object.keys(edit.changes ?? {}).sort()).toEqual([f.blocks, f.wide].sort());
    expect(applyEdits(usesWiden(6), edit, f.wide)).toContain("widen(clip, width: 8)");
    const refs = await session.client.request<Location[]>("textDocument/references", {
      textDocument: { uri: f.blocks },
      position: at(BLOCKS, "widen", 0),
      context: { includeDeclaration: false },
    });
    // The import list's `widen` and the call.
    expect(refs.map((r) => [r.uri, r.range.start.line])).toEqual([
      [f.wide, 0],
      [f.wide, 3],
    ]);
  });
});
