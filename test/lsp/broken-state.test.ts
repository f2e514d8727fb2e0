/**
 * While a line is being typed the file does not parse: inlay hints and hover
 * types keep the last version that parsed, moved to where that text now is,
 * and say so.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, test } from "vitest";
import type { Hover, InlayHint } from "vscode-languageserver-protocol";
import { at, fileUri, hoverText, ROOT, serverSession } from "./client";

const session = serverSession("sfc-lsp-broken-");

const tinyText = fs.readFileSync(path.join(ROOT, "examples/slowfast_tiny.sf"), "utf8");
const everything = { start: { line: 0, character: 0 }, end: { line: 100, character: 0 } };

describe("a syntax error being typed", () => {
  test("keeps the inlay hints and hover types of the last version that parsed, marked as such", async () => {
    const uri = fileUri(path.join(session.dir, "tiny.sf"));
    await session.client.open(uri, tinyText);
    await session.client.diagnostics(uri);
    const before = await session.client.request<InlayHint[]>("textDocument/inlayHint", { textDocument: { uri }, range: everything });
    expect(before.length).toBeGreaterThan(5);
    const slowShape = /slow: <T, ⌈S\/4⌉², C> {2}= {2}<4, 16², 16>/;

    // An unfinished line in the last stage, below every hint but the return's.
    const returnLine = at(tinyText, "    return concat").line;
    const lines = tinyText.split("\n");
    const broken = [...lines.slice(0, returnLine), "    q = slow |> ", ...lines.slice(returnLine)].join("\n");
    await session.client.change(uri, broken, 2);
    const published = await session.client.diagnostics(uri, (p) => p.version === 2);
    expect(published.diagnostics.some((d) => d.code === "SF0002")).toBe(true);

    const during = await session.client.request<InlayHint[]>("textDocument/inlayHint", { textDocument: { uri }, range: everything });
    const moved = before.map((h) => ({ ...h.position, line: h.position.line >= returnLine ? h.position.line + 1 : h.position.line }));
    expect(during.map((h) => h.position)).toEqual(moved);
    expect(during.map((h) => h.label)).toEqual(before.map((h) => h.label));
    expect(during.every((h) => String(h.tooltip).includes("as of the last version of the file that parsed"))).toBe(true);

    const slowAt = at(broken, "slow = stem", 1);
    const shown = hoverText(await session.client.request<Hover | null>("textDocument/hover", { textDocument: { uri }, position: slowAt }));
    expect(shown).toMatch(slowShape);
    expect(shown).toContain("as of the last version of the file that parsed");
    // A call's parameters and FLOPs come from that version's graph too.
    const call = hoverText(
      await session.client.request<Hover | null>("textDocument/hover", { textDocument: { uri }, position: at(broken, "slow = stem(", 8) }),
    );
    expect(call).toContain("2,384 parameters");

    // Fixed: the current version's own facts, unmarked.
    await session.client.change(uri, tinyText, 3);
    await session.client.diagnostics(uri, (p) => p.version === 3 && p.diagnostics.length === 0);
    const after = await session.client.request<InlayHint[]>("textDocument/inlayHint", { textDocument: { uri }, range: everything });
    expect(after.map((h) => h.position)).toEqual(before.map((h) => h.position));
    expect(after.some((h) => String(h.tooltip).includes("as of"))).toBe(false);
    const fresh = hoverText(
      await session.client.request<Hover | null>("textDocument/hover", { textDocument: { uri }, position: at(tinyText, "slow = stem", 1) }),
    );
    expect(fresh).toMatch(slowShape);
    expect(fresh).not.toContain("as of the last version");
  });

  test("a line being typed above another keeps that line's hint: the insertion is placed before the indentation it repeats", async () => {
    const uri = fileUri(path.join(session.dir, "above.sf"));
    await session.client.open(uri, tinyText);
    await session.client.diagnostics(uri);
    const line = at(tinyText, "    slow = stem(slow", 0).line;
    const hintsOn = async (l: number): Promise<string[]> =>
      (await session.client.request<InlayHint[]>("textDocument/inlayHint", { textDocument: { uri }, range: everything }))
        .filter((h) => h.position.line === l)
        .map((h) => String(h.label));
    const before = await hintsOn(line);
    expect(before).toHaveLength(1);
    const lines = tinyText.split("\n");
    await session.client.change(uri, [...lines.slice(0, line), "    x = ", ...lines.slice(line)].join("\n"), 2);
    await session.client.diagnostics(uri, (p) => p.version === 2);
    expect(await hintsOn(line + 1)).toEqual(before);
  });

  test("a file that never parsed shows no types, and text typed against a name drops its facts", async () => {
    const uri = fileUri(path.join(session.dir, "never.sf"));
    const text = "network N(clip: <T, S², 3>, T = 2, S = 8) -> <T, S², 3> {\n  y = relu(clip\n  return y\n}\n";
    await session.client.open(uri, text);
    await session.client.diagnostics(uri, (p) => p.diagnostics.length > 0);
    expect(await session.client.request<InlayHint[]>("textDocument/inlayHint", { textDocument: { uri }, range: everything })).toEqual([]);

    const good = "network N(clip: <T, S², 3>, T = 2, S = 8) -> <T, S², 3> {\n  y = relu(clip)\n  z = sigmoid(y)\n  return z\n}\n";
    await session.client.change(uri, good, 2);
    await session.client.diagnostics(uri, (p) => p.version === 2 && p.diagnostics.length === 0);
    expect((await session.client.request<InlayHint[]>("textDocument/inlayHint", { textDocument: { uri }, range: everything })).length).toBe(2);
    // Typing against `z` (into a syntax error): y's hint stays; z is no longer the name it was.
    await session.client.change(uri, good.replace("z = sigmoid(y)", "zq = sigmoid(y"), 3);
    await session.client.diagnostics(uri, (p) => p.version === 3);
    const hints = await session.client.request<InlayHint[]>("textDocument/inlayHint", { textDocument: { uri }, range: everything });
    expect(hints.map((h) => h.position.line)).toEqual([1]);
  });
});
