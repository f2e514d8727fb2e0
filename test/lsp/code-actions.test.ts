/**
 * Quick fixes from diagnostics whose help says exactly what to write: the
 * editor asks for code actions with the diagnostics it was sent, applies
 * the edit, and the file checks clean.
 */
import * as path from "node:path";
import { describe, expect, test } from "vitest";
import type { CodeAction, PublishDiagnosticsParams } from "vscode-languageserver-protocol";
import { applyEdits, fileUri, serverSession } from "./client";

const session = serverSession("sfc-lsp-actions-");

const body = (call: string): string => `network N(clip: <4, 32², 3>, C = 8) -> <4, 32², 4C> {\n  slow = clip |> conv(out: C)\n  return ${call}\n}\n`;

/** Opens the text, asks for the quick fixes of its diagnostics, applies the one offered, and returns the text then. */
async function fixOnce(name: string, text: string, code: string): Promise<{ action: CodeAction; fixed: string; clean: PublishDiagnosticsParams }> {
  const uri = fileUri(path.join(session.dir, name));
  await session.client.open(uri, text);
  const published = await session.client.diagnostics(uri, (p) => p.diagnostics.length > 0);
  expect(published.diagnostics.map((d) => d.code)).toEqual([code]);
  const actions = await session.client.request<CodeAction[]>("textDocument/codeAction", {
    textDocument: { uri },
    range: published.diagnostics[0]!.range,
    context: { diagnostics: published.diagnostics },
  });
  expect(actions).toHaveLength(1);
  const action = actions[0]!;
  expect(action.kind).toBe("quickfix");
  expect(action.diagnostics).toEqual([published.diagnostics[0]]);
  const fixed = applyEdits(text, action.edit!, uri);
  await session.client.change(uri, fixed, 2);
  const clean = await session.client.diagnostics(uri, (p) => p.version === 2);
  return { action, fixed, clean };
}

describe("quick fixes", () => {
  test("advertised", () => {
    expect(session.client.capabilities!.codeActionProvider).toEqual({ codeActionKinds: ["quickfix"] });
  });

  test("did you mean: a misspelt block", async () => {
    // stem pools by 4: 32² becomes 8².
    const text = `import std.resnet3d { stem }\n\n${body("stm(slow, out: 4C)").replace("-> <4, 32², 4C>", "-> <4, 8², 4C>")}`;
    const { action, fixed, clean } = await fixOnce("callee.sf", text, "SF0106");
    expect(action.title).toBe("Change to `stem`");
    expect(fixed).toContain("return stem(slow, out: 4C)");
    expect(clean.diagnostics).toEqual([]);
  });

  test("did you mean: a misspelt value", async () => {
    const { action, fixed, clean } = await fixOnce("value.sf", body("slw |> conv(out: 4C)"), "SF0101");
    expect(action.title).toBe("Change to `slow`");
    expect(fixed).toContain("return slow |> conv(out: 4C)");
    expect(clean.diagnostics).toEqual([]);
  });

  test("a block of the standard library: added to the module's import", async () => {
    const text = `import std.resnet3d { stem }\n\n${body("bottleneck(slow, inner: C, out: 4C, project: true)")}`;
    const { action, fixed, clean } = await fixOnce("import-into.sf", text, "SF0106");
    expect(action.title).toBe("Add `import std.resnet3d { bottleneck }`");
    expect(fixed.split("\n")[0]).toBe("import std.resnet3d { stem, bottleneck }");
    expect(clean.diagnostics).toEqual([]);
  });

  test("a block of the standard library: an import line below the header comment", async () => {
    const text = `// A header comment.\n// Two lines.\n\n${body("bottleneck(slow, inner: C, out: 4C, project: true)")}`;
    const { fixed, clean } = await fixOnce("import-line.sf", text, "SF0106");
    expect(fixed.split("\n").slice(0, 5)).toEqual(["// A header comment.", "// Two lines.", "", "import std.resnet3d { bottleneck }", ""]);
    expect(clean.diagnostics).toEqual([]);
  });

  test("a file whose lines end in a lone CR: the import on a line of its own, ended alike", async () => {
    const text = `// A header comment.\r\r${body("bottleneck(slow, inner: C, out: 4C, project: true)").replace(/\n/g, "\r")}`;
    const { fixed, clean } = await fixOnce("import-cr.sf", text, "SF0106");
    expect(fixed.split("\r").slice(0, 4)).toEqual(["// A header comment.", "", "import std.resnet3d { bottleneck }", ""]);
    expect(clean.diagnostics).toEqual([]);
  });

  test("a misspelt block of the standard library: the name and its import", async () => {
    const { action, fixed, clean } = await fixOnce("both.sf", body("botleneck(slow, inner: C, out: 4C, project: true)"), "SF0106");
    expect(action.title).toBe("Change to `bottleneck` and add `import std.resnet3d { bottleneck }`");
    expect(fixed.split("\n")[0]).toBe("import std.resnet3d { bottleneck }");
    expect(fixed).toContain("return bottleneck(slow,");
    expect(clean.diagnostics).toEqual([]);
  });

  test("did you mean: a misspelt word in a string keeps its quotes", async () => {
    const text = [
      'network N(clip: <4, 32², 3>, C = 8, mode: "plain" | "residual" = "plain") -> <4, 32², C> {',
      "  y = clip |> conv(out: C)",
      '  if mode == "residul" { y = relu(y) }',
      "  return y",
      "}",
      "",
    ].join("\n");
    const { action, fixed, clean } = await fixOnce("word.sf", text, "SF0112");
    expect(action.title).toBe('Change to `"residual"`');
    expect(fixed).toContain('if mode == "residual" {');
    expect(clean.diagnostics).toEqual([]);
  });

  test("no action for help that needs judgement", async () => {
    const uri = fileUri(path.join(session.dir, "none.sf"));
    const text = body("slow |> conv(out: 4C) |> dropout(p: slow)");
    await session.client.open(uri, text);
    const published = await session.client.diagnostics(uri, (p) => p.diagnostics.length > 0);
    const actions = await session.client.request<CodeAction[]>("textDocument/codeAction", {
      textDocument: { uri },
      range: published.diagnostics[0]!.range,
      context: { diagnostics: published.diagnostics },
    });
    expect(actions).toEqual([]);
  });
});
