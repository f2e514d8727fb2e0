/**
 * Rename as an editor asks for it: which names it refuses, and that every
 * refusal comes back as an error whose message says why.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, test } from "vitest";
import type { Position, Range, WorkspaceEdit } from "vscode-languageserver-protocol";
import { applyEdits, at, fileUri, ROOT, serverSession } from "./client";

const session = serverSession("sfc-lsp-rename-");

const tinyText = fs.readFileSync(path.join(ROOT, "examples/slowfast_tiny.sf"), "utf8");

/** A copy of slowfast_tiny.sf, opened; its diagnostics published. */
async function openTiny(name: string): Promise<string> {
  const uri = fileUri(path.join(session.dir, name));
  await session.client.open(uri, tinyText);
  await session.client.diagnostics(uri);
  return uri;
}

const renameAt = (uri: string, position: Position, newName: string): Promise<WorkspaceEdit | null> =>
  session.client.request<WorkspaceEdit | null>("textDocument/rename", { textDocument: { uri }, position, newName });

const prepareAt = (uri: string, position: Position): Promise<Range | null> =>
  session.client.request<Range | null>("textDocument/prepareRename", { textDocument: { uri }, position });

describe("rename refuses a new name that would break or change the code", () => {
  const slow = at(tinyText, "pathway slow", 8);

  test.each([
    ["fast", /`fast` is already the pathway declared at 14:11 in network `SlowFastTiny`/],
    ["clip", /`clip` is already the formal declared at 10:5/],
    ["T", /`T` is already the parameter declared at 11:5/],
    ["relu", /`relu` is already a built-in op/],
    ["stem", /`stem` is already the block used at 18:12 in network `SlowFastTiny`, declared at std\/resnet3d\.sf:/],
    ["rat", /`rat` is already a sort/],
    ["return", /`return` is a keyword/],
    ["two words", /`two words` is not a name/],
    ["αβ", /`αβ` is not a name/],
  ])("pathway slow → %s", async (newName, message) => {
    const uri = await openTiny(`refuse-${newName.replace(/\W/g, "_")}.sf`);
    await expect(renameAt(uri, slow, newName)).rejects.toThrow(message);
  });

  test("a free name is accepted, with every use", async () => {
    const uri = await openTiny("accept.sf");
    const edit = await renameAt(uri, slow, "slowpath");
    const uses = tinyText.split(/\b/).filter((w) => w === "slow").length;
    expect(edit!.changes![uri]!.length).toBe(uses);
    expect(edit!.changes![uri]!.every((e) => e.newText === "slowpath")).toBe(true);
  });

  test("a stage collides with stages only", async () => {
    const uri = await openTiny("stages.sf");
    await expect(renameAt(uri, at(tinyText, "stage s2", 6), "s3")).rejects.toThrow(/`s3` is already the stage declared at 27:9/);
    expect((await renameAt(uri, at(tinyText, "stage s2", 6), "fast"))!.changes![uri]!.length).toBe(1);
  });

  test("an ASCII name in place of a Greek letter written next to another name is written apart with ·", async () => {
    const text = ["block t(x: <αT, S², βC>, α: int, β: rat) -> <T, S², βC> {", "  return frames(x, every: α)", "}", ""].join("\n");
    const uri = fileUri(path.join(session.dir, "greek.sf"));
    await session.client.open(uri, text);
    await session.client.diagnostics(uri);
    const beta = applyEdits(text, (await renameAt(uri, at(text, "β: rat"), "beta"))!, uri);
    expect(beta.split("\n")[0]).toBe("block t(x: <αT, S², beta·C>, α: int, beta: rat) -> <T, S², beta·C> {");
    const alpha = applyEdits(text, (await renameAt(uri, at(text, "α: int"), "a"))!, uri);
    expect(alpha).toContain("block t(x: <a·T, S², βC>, a: int,");
    expect(alpha).toContain("every: a)");
    // After the letter, `αT` with T renamed to `Tx` reads `αTx`, still two names; a Greek letter needs nothing.
    expect(applyEdits(text, (await renameAt(uri, at(text, "αT", 1), "Tx"))!, uri)).toContain("<αTx, S², βC>");
    expect(applyEdits(text, (await renameAt(uri, at(text, "β: rat"), "γ"))!, uri)).toContain("<αT, S², γC>");
    session.client.clearPublished(uri);
    await session.client.change(uri, beta, 2);
    expect((await session.client.diagnostics(uri, (p) => p.version === 2)).diagnostics).toEqual([]);
  });
});

describe("every refusal says why", () => {
  test.each([
    ["a block from the standard library", "tconv(α", 0, /`tconv` is a block, which other files may import/],
    ["a named argument of a standard block", "tconv(α: α", 6, /declared in the standard library \(std\/lateral\.sf\)/],
    ["a network parameter", "C = 16", 0, /`C` is a parameter, set by name from outside the file \(`--set C=…`\)/],
    ["the network", "network SlowFastTiny", 8, /`SlowFastTiny` is a network/],
    ["an op", "frames(clip, every", 0, /`frames` is a built-in op/],
    ["an op's argument", "frames(clip, every", 13, /`every` names an argument of a built-in op/],
    ["a module path", "std.lateral", 0, /`std\.lateral` is a module path/],
    ["a lateral link's fusion", "fuse concat", 5, /`concat` is a lateral link's fusion, a word of the language/],
    ["the repeat index", "kt: i == 0", 4, /`i` is the repeat index/],
    ["a keyword", "stage s1", 0, /`stage` is a keyword/],
    ["a formal's sort", "β: rat", 3, /`rat` is a sort, a word of the language/],
    ["a layer name", "as fuse", 4, /`fuse` is a layer name/],
    ["nothing", "  stage s1", 0, /There is no name here to rename/],
  ])("%s", async (_what, needle, shift, message) => {
    const uri = await openTiny("refusals.sf");
    await expect(prepareAt(uri, at(tinyText, needle, shift))).rejects.toThrow(message);
    await expect(renameAt(uri, at(tinyText, needle, shift), "zz")).rejects.toThrow(message);
  });

  test("a renamable name: its range", async () => {
    const uri = await openTiny("refusals.sf");
    const position = at(tinyText, "pathway fast", 8);
    expect(await prepareAt(uri, position)).toEqual({ start: position, end: { line: position.line, character: position.character + 4 } });
  });
});
