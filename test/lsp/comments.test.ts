/**
 * Comments in all three of the language's forms (`//`, `#`, `/* … *\/`): a
 * declaration's doc comment on hover, headers shown without comments, and
 * where the cursor is in a comment or string.
 */
import * as path from "node:path";
import { describe, expect, test } from "vitest";
import type { Hover } from "vscode-languageserver-protocol";
import { docComment, inCommentOrString, withoutComments } from "../../lsp/comments";
import { at, fileUri, hoverText, serverSession } from "./client";

const session = serverSession("sfc-lsp-comments-");

describe("doc comments on hover", () => {
  const text = [
    "# Hash-commented doc for a.",
    "block a(x: <T, S², C>) -> <T, S², C> { return x |> relu }",
    "",
    "/* Block-commented doc",
    "   for b. */",
    "block b(x: <T, S², C>) -> <T, S², C> { return x |> relu }",
    "",
    "// Slash doc for c.",
    "block c(x: <T, S², C>) -> <T, S², C> { return x |> relu }",
    "",
    "/*",
    " * Starred doc for d,",
    " * on two lines.",
    " */",
    "block d(",
    "    x: <T, S², C>,  # the input",
    "    k: int = 2      /* a factor */",
    ") -> <T, S², C> { return x |> relu }",
    "",
    "# Not a doc: a blank line follows.",
    "",
    "block e(x: <T, S², C>) -> <T, S², C> { return x |> relu }",
    "",
    "network N(clip: <T, S², 3>, T = 4, S = 8) -> <T, S², 3> {",
    "  return clip |> a |> b |> c |> d |> e",
    "}",
    "",
  ].join("\n");

  test.each([
    ["a", "Hash-commented doc for a."],
    ["b", "Block-commented doc\nfor b."],
    ["c", "Slash doc for c."],
    ["d", "Starred doc for d,\non two lines."],
  ])("block %s", async (name, doc) => {
    const uri = fileUri(path.join(session.dir, "docs.sf"));
    await session.client.open(uri, text);
    const shown = hoverText(await session.client.request<Hover | null>("textDocument/hover", { textDocument: { uri }, position: at(text, `|> ${name}`, 3) }));
    expect(shown).toContain(`\n\n${doc}\n\n`);
  });

  test("a comment apart from the declaration is no doc, and a header is shown without its comments", async () => {
    const uri = fileUri(path.join(session.dir, "docs.sf"));
    const e = hoverText(await session.client.request<Hover | null>("textDocument/hover", { textDocument: { uri }, position: at(text, "|> e", 3) }));
    expect(e).not.toContain("Not a doc");
    const d = hoverText(await session.client.request<Hover | null>("textDocument/hover", { textDocument: { uri }, position: at(text, "|> d", 3) }));
    expect(d).toContain("block d(x: <T, S², C>, k: int = 2) -> <T, S², C>");
    expect(d).not.toContain("the input");
    expect(d).not.toContain("a factor");
  });
});

describe("comments and strings in the text", () => {
  test("where the cursor is in one", () => {
    const text = 'a // b\nc /* d */ e "f # g" h # i\n"open';
    const inside = (needle: string, shift = 0): boolean => inCommentOrString(text, text.indexOf(needle) + shift);
    expect(inside("// b")).toBe(false);
    expect(inside("// b", 1)).toBe(true);
    expect(inside("\nc")).toBe(true); // the end of a line comment's line
    expect(inside("c /*")).toBe(false);
    expect(inside("d */")).toBe(true);
    expect(inside(" e ")).toBe(false); // right after */
    expect(inside("f #")).toBe(true);
    expect(inside(" h")).toBe(false); // right after the closing quote
    expect(inside("# i", 2)).toBe(true);
    expect(inCommentOrString(text, text.length)).toBe(true); // an unclosed string at the end of the file
    expect(inCommentOrString("x /* open", 9)).toBe(true);
  });

  test("comments removed, strings kept", () => {
    expect(withoutComments('a // b\nc /* d */ e "f # g" # h')).toBe('a \nc  e "f # g" ');
  });

  test("the comment above a declaration", () => {
    const above = (text: string): string => docComment(text, text.indexOf("block"));
    expect(above("// one\n# two\nblock")).toBe("one\ntwo");
    expect(above("x = 1 /* trailing */\nblock")).toBe("");
    expect(above("/** lead */\n  block")).toBe("lead");
    expect(above("x = 1 // trailing\nblock")).toBe("");
  });

  test("a lone CR ends a line, as in the lexer", () => {
    const text = 'a // b\rc "d\re';
    expect(inCommentOrString(text, text.indexOf("c"))).toBe(false);
    expect(inCommentOrString(text, text.indexOf("e"))).toBe(false); // the unclosed string ends with its line
    const doc = "// one\r# two\rblock";
    expect(docComment(doc, doc.indexOf("block"))).toBe("one\ntwo");
  });
});
