/**
 * Comments as the lexer reads them: `//` and `#` to the end of the line,
 * `/* … *\/` across lines; none inside a string. Tools read them from the
 * text, since the parser skips them.
 */

/** A comment or string in the text: [start, end) and what it is. */
interface Stretch {
  readonly start: number;
  readonly end: number;
  readonly kind: "line" | "block" | "string";
  /** Whether its closing mark is there; an unclosed one runs to the end of the file (a string: of the line). */
  readonly closed: boolean;
}

const LINE_BREAK = /[\n\r]/g;

/** Where the line holding `from` ends: at `\n`, or `\r` (CRLF and CR-only files), as the lexer's LineComment. */
function lineEnd(text: string, from: number): number {
  LINE_BREAK.lastIndex = from;
  return LINE_BREAK.exec(text)?.index ?? text.length;
}

/** The comments and strings of the text that start before `limit`, in order. */
function* stretches(text: string, limit = text.length): Generator<Stretch> {
  let k = 0;
  while (k < limit) {
    const ch = text[k]!;
    if (ch === "#" || (ch === "/" && text[k + 1] === "/")) {
      const end = lineEnd(text, k);
      yield { start: k, end, kind: "line", closed: true };
      k = end;
    } else if (ch === "/" && text[k + 1] === "*") {
      const close = text.indexOf("*/", k + 2);
      const end = close < 0 ? text.length : close + 2;
      yield { start: k, end, kind: "block", closed: close >= 0 };
      k = end;
    } else if (ch === '"') {
      // A string ends at its closing quote or, unterminated, at the end of the line.
      let j = k + 1;
      while (j < text.length && text[j] !== '"' && text[j] !== "\n" && text[j] !== "\r") j += text[j] === "\\" ? 2 : 1;
      const closed = text[j] === '"';
      const end = Math.min(text.length, closed ? j + 1 : j);
      yield { start: k, end, kind: "string", closed };
      k = end;
    } else k++;
  }
}

/**
 * Whether the offset is inside a comment or a string, where the text is
 * prose, not code. A line comment runs to the end of its line, so the end of
 * the line is still inside it; a string or block comment's closing mark ends it.
 */
export function inCommentOrString(text: string, offset: number): boolean {
  for (const s of stretches(text, offset)) {
    // After a closing mark is outside; the end of a line comment or of something unclosed is still in it.
    const inside = s.kind === "line" || !s.closed ? offset <= s.end : offset < s.end;
    if (inside && offset > s.start) return true;
  }
  return false;
}

/** The text with its comments removed (strings kept), for showing a declaration's header. */
export function withoutComments(text: string): string {
  let out = "";
  let k = 0;
  for (const s of stretches(text)) {
    if (s.kind === "string") continue;
    out += text.slice(k, s.start);
    k = s.end;
  }
  return out + text.slice(k);
}

/**
 * The comment right above a declaration starting at `start`: consecutive
 * `//` or `#` lines, or one `/* … *\/` ending on the line above, with its
 * comment marks (and a leading `*` on each line) taken off.
 */
export function docComment(raw: string, start: number): string {
  // A lone `\r` ends a line too; as `\n` it keeps every offset where it was.
  const text = raw.replace(/\r(?!\n)/g, "\n");
  const lineStart = text.lastIndexOf("\n", start - 1) + 1;
  if (text.slice(lineStart, start).trim() !== "") return "";
  const above = text.slice(0, lineStart).replace(/[ \t\r]*\n$/, "");
  if (above.endsWith("*/")) {
    const block = [...stretches(above)].find((s) => s.kind === "block" && s.end === above.length);
    const before = block ? above.slice(above.lastIndexOf("\n", block.start - 1) + 1, block.start) : undefined;
    if (!block || before === undefined || before.trim() !== "") return "";
    return above
      .slice(block.start + 2, block.end - 2)
      .split("\n")
      .map((l) => l.replace(/^\s*\* ?/, "").trim())
      .join("\n")
      .trim();
  }
  const lines = above.split("\n");
  const doc: string[] = [];
  for (let k = lines.length - 1; k >= 0; k--) {
    const m = /^\s*(?:\/\/|#) ?(.*)$/.exec(lines[k]!);
    if (!m) break;
    doc.unshift(m[1]!);
  }
  return doc.join("\n");
}
