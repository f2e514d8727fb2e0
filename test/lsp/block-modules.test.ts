/**
 * A module of blocks has no network of its own: hover shows its types at the
 * defaults of the networks of the open files that import it, taken from those
 * files' own analyses (lsp/workspace.ts). Each block gets them from an
 * importer that uses it, a call's counts come from that importer's graph, and
 * an edit of an importer is seen in the module.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, test } from "vitest";
import type { Hover } from "vscode-languageserver-protocol";
import { at, fileUri, hoverText, serverSession } from "./client";

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

const USES_TWICE = ['import "blocks.sf" { twice }', "", "network Twice(clip: <T, S², 3>, T = 3, S = 5) -> <T, S², 3> {", "  return twice(clip)", "}", ""].join(
  "\n",
);

describe("hover in a module of blocks with two importers open", () => {
  test("each block's types come from the importer that uses it, and follow an edit of that importer", async () => {
    const blocks = path.join(session.dir, "blocks.sf");
    const wide = path.join(session.dir, "wide.sf");
    const twice = path.join(session.dir, "twice.sf");
    fs.writeFileSync(blocks, BLOCKS);
    fs.writeFileSync(wide, usesWiden(6));
    fs.writeFileSync(twice, USES_TWICE);
    const [blocksUri, wideUri, twiceUri] = [blocks, wide, twice].map(fileUri) as [string, string, string];
    // The importers first: the server learns what they read when it checks them.
    await session.client.open(wideUri, usesWiden(6));
    await session.client.open(twiceUri, USES_TWICE);
    expect((await session.client.diagnostics(wideUri)).diagnostics).toEqual([]);
    expect((await session.client.diagnostics(twiceUri)).diagnostics).toEqual([]);
    await session.client.open(blocksUri, BLOCKS);
    expect((await session.client.diagnostics(blocksUri)).diagnostics).toEqual([]);

    const hover = async (needle: string, shift: number): Promise<string> =>
      hoverText(await session.client.request<Hover | null>("textDocument/hover", { textDocument: { uri: blocksUri }, position: at(BLOCKS, needle, shift) }));

    const widenX = await hover("widen(x", 6);
    expect(widenX).toMatch(/x: <T, S², C> {2}= {2}<2, 6², 3>/);
    expect(widenX).toContain("at the defaults of `Wide`");
    const twiceX = await hover("twice(x", 6);
    expect(twiceX).toMatch(/x: <T, S², C> {2}= {2}<3, 5², 3>/);
    expect(twiceX).toContain("at the defaults of `Twice`");
    // A call's parameters and FLOPs are counted in the graph of the network it was elaborated in.
    const conv = await hover("conv(out", 1);
    expect(conv).toContain("24 parameters");

    // The importer's new default is what the module shows next.
    await session.client.change(wideUri, usesWiden(10), 2);
    await session.client.diagnostics(wideUri, (p) => p.version === 2);
    expect(await hover("widen(x", 6)).toMatch(/x: <T, S², C> {2}= {2}<2, 10², 3>/);
  });
});
