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
import type { Hover, InlayHint, Location, WorkspaceEdit } from "vscode-languageserver-protocol";
import { applyEdits, at, fileUri, hoverText, serverSession, TestClient } from "./client";

const session = serverSession("sfc-lsp-blocks-");

const BLOCKS = [
  "block widen(x: <T, S², C>, out: int) -> <T, S², out> {",
  "  y = x |> conv(out: out, kernel: 1×1²) as conv_w",
  "  return y",
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
    expect(await hover(f.blocks, "conv(out", 1)).toContain("24 parameters, 1,728 FLOPs (1 node in `Wide`)");
    expect(await hover(f.blocks, "add(x", 1)).toContain("0 parameters, 0 FLOPs (1 node in `Twice`)");

    // The importer's new default is what the module shows next.
    await session.client.change(f.wide, usesWiden(10), 2);
    await session.client.diagnostics(f.wide, (p) => p.version === 2);
    expect(await hover(f.blocks, "widen(x", 6)).toMatch(/x: <T, S², C> {2}= {2}<2, 10², 3>/);
  });

  test("while the module does not parse, the last version that parsed keeps its importer's types and counts", async () => {
    const f = files("broken");
    await openChecked(f.wide, usesWiden(6));
    await openChecked(f.blocks, BLOCKS);
    // No hover or inlay hints before the module breaks: the types were made when its diagnostics were.
    const broken = BLOCKS.replace("  return y\n}", "  return y\n  z = (\n}");
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

  test("the module's diagnostics are its own: an error an importer's defaults cause inside it is the importer's", async () => {
    const dir = path.join(session.dir, "errors");
    fs.mkdirSync(dir);
    const shrink = ["block shrink(x: <T, S², C>) -> <T, S², C> {", "  y = x |> maxpool(kernel: 1×5², stride: 1×1²)", "  return x", "}", ""].join("\n");
    const small = ['import "blocks.sf" { shrink }', "", "network Small(clip: <T, S², 3>, T = 2, S = 3) -> <T, S², 3> {", "  return shrink(clip)", "}", ""].join(
      "\n",
    );
    fs.writeFileSync(path.join(dir, "blocks.sf"), shrink);
    fs.writeFileSync(path.join(dir, "small.sf"), small);
    const [blocks, importer] = [fileUri(path.join(dir, "blocks.sf")), fileUri(path.join(dir, "small.sf"))];
    await session.client.open(importer, small);
    expect((await session.client.diagnostics(importer)).diagnostics.map((d) => d.message).join("\n")).toMatch(/output height/);
    await openChecked(blocks, shrink);
  });

  test("closing the importer leaves the module its own symbolic types", async () => {
    const f = files("closed");
    await openChecked(f.wide, usesWiden(6));
    await openChecked(f.blocks, BLOCKS);
    expect(await hover(f.blocks, "widen(x", 6)).toContain("at the defaults of `Wide`");
    await session.client.connection.sendNotification("textDocument/didClose", { textDocument: { uri: f.wide } });
    expect(await hover(f.blocks, "widen(x", 6)).not.toContain("at the defaults");
  });

  test("two modules of blocks, one importing the other: both take the network's types", async () => {
    const dir = path.join(session.dir, "chain");
    fs.mkdirSync(dir);
    const mid = ['import "blocks.sf" { widen }', "", "block mid(x: <T, S², C>) -> <T, S², 4> {", "  return widen(x, out: 4)", "}", ""].join("\n");
    const top = (S: number): string =>
      ['import "mid.sf" { mid }', "", `network Top(clip: <T, S², 3>, T = 4, S = ${S}) -> <T, S², 4> {`, "  return mid(clip)", "}", ""].join("\n");
    const uri = (file: string, text: string): string => {
      fs.writeFileSync(path.join(dir, file), text);
      return fileUri(path.join(dir, file));
    };
    const [blocks, midUri, topUri] = [uri("blocks.sf", BLOCKS), uri("mid.sf", mid), uri("top.sf", top(9))];
    await openChecked(topUri, top(9));
    await openChecked(midUri, mid);
    await openChecked(blocks, BLOCKS);
    expect(await hover(blocks, "widen(x", 6)).toMatch(/= {2}<4, 9², 3>[\s\S]*at the defaults of `Top`/);
    expect(await hover(midUri, "mid(x", 4, mid)).toMatch(/= {2}<4, 9², 3>[\s\S]*at the defaults of `Top`/);
    await session.client.change(topUri, top(11), 2);
    await session.client.diagnostics(topUri, (p) => p.version === 2);
    expect(await hover(blocks, "widen(x", 6)).toMatch(/= {2}<4, 11², 3>/);
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

/** The importer (at size 6) and the module of blocks, opened in that order and checked. */
async function openImporterAndBlocks(client: TestClient, name: string): Promise<ReturnType<typeof files>> {
  const f = files(name);
  await client.open(f.wide, usesWiden(6));
  await client.diagnostics(f.wide);
  await client.open(f.blocks, BLOCKS);
  await client.diagnostics(f.blocks);
  return f;
}

describe("inlay hints in a module of blocks", () => {
  test("show the importer's types, and the client is asked for them again when the importer changes", async () => {
    const client = await TestClient.start(undefined, { workspace: { inlayHint: { refreshSupport: true } } });
    try {
      const f = await openImporterAndBlocks(client, "hints");
      const everything = { start: { line: 0, character: 0 }, end: { line: 100, character: 0 } };
      const hints = async (): Promise<string> =>
        (await client.request<InlayHint[]>("textDocument/inlayHint", { textDocument: { uri: f.blocks }, range: everything }))
          .map((h) => String(h.label))
          .join("\n");
      expect(await hints()).toMatch(/= {2}<2, 6², 8>/);
      const before = client.serverRequests.length;
      await client.change(f.wide, usesWiden(10), 2);
      await client.diagnostics(f.wide, (p) => p.version === 2);
      const refreshed = (): boolean => client.serverRequests.slice(before).some((r) => r.method === "workspace/inlayHint/refresh");
      for (let waited = 0; !refreshed() && waited < 2000; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(refreshed()).toBe(true);
      expect(await hints()).toMatch(/= {2}<2, 10², 8>/);
      // The importer closed: its types leave the block's hints, and the client is asked again.
      const beforeClose = client.serverRequests.length;
      await client.connection.sendNotification("textDocument/didClose", { textDocument: { uri: f.wide } });
      const refreshedAfterClose = (): boolean => client.serverRequests.slice(beforeClose).some((r) => r.method === "workspace/inlayHint/refresh");
      for (let waited = 0; !refreshedAfterClose() && waited < 2000; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(refreshedAfterClose()).toBe(true);
      expect(await hints()).not.toMatch(/= {2}</);
    } finally {
      await client.stop();
    }
  });

  test("a client that did not say it takes refresh requests is sent none, a settings change included", async () => {
    const client = await TestClient.start();
    try {
      const f = await openImporterAndBlocks(client, "no-refresh");
      await client.connection.sendNotification("workspace/didChangeConfiguration", { settings: { sfc: { inlayHints: false } } });
      await client.change(f.wide, usesWiden(10), 2);
      await client.diagnostics(f.wide, (p) => p.version === 2);
      await client.connection.sendNotification("textDocument/didClose", { textDocument: { uri: f.wide } });
      // A request the server answers after all of these: any refresh request would have come before it.
      await client.request("textDocument/documentSymbol", { textDocument: { uri: f.blocks } });
      expect(client.serverRequests.map((r) => r.method)).not.toContain("workspace/inlayHint/refresh");
    } finally {
      await client.stop();
    }
  });
});
