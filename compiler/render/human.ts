/**
 * Diagnostics for people, in the rustc/Elm style: the code as written, each
 * span underlined and labelled (`^` the failing operation, `-` where its
 * values came from), then the notes and a concrete fix.
 *
 * Spans carry UTF-16 offsets, but a terminal advances one cell per code
 * point for the text .sf files hold (α, β, ², ×), so columns shown here and
 * the marks under the code are counted in code points. Wide (CJK, emoji) and
 * zero-width (combining) characters are not measured; they do not occur in
 * the language's syntax.
 */
import { createColors } from "picocolors";
import type { Diagnostic, LabelledSpan } from "../diagnostics/diagnostic";
import type { Span } from "../span";
import { SourceLines } from "../source-lines";
import { printableDiagnostic } from "./printable";
import { counted } from "../thousands";

type Colors = ReturnType<typeof createColors>;

function codePoints(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

interface Mark {
  readonly line: number;
  /** 0-based column and width on that line, in code points. */
  readonly column: number;
  readonly width: number;
  readonly label: string;
  readonly primary: boolean;
}

/**
 * Where a span is drawn. A span over several lines is underlined on its
 * first line only, to that line's end: enough to find it, and it keeps
 * the excerpt to the lines that matter.
 */
function markOf(s: LabelledSpan, primary: boolean, src: SourceLines): Mark {
  const start = Math.min(Math.max(s.span.start, 0), src.text.length);
  const line = src.lineOf(start);
  const lineStart = src.start(line);
  const from = Math.min(start, src.end(line));
  const to = Math.min(Math.max(s.span.end, from), src.end(line));
  return {
    line,
    column: codePoints(src.text.slice(lineStart, from)),
    // An empty span (end of file, a missing token) still needs something to point with.
    width: Math.max(1, codePoints(src.text.slice(from, to))),
    label: s.label,
    primary,
  };
}

/** `file:line:column` as a person counts, in code points; the span's own numbers when the text is missing. */
function location(span: Span, src: SourceLines | undefined): string {
  if (src === undefined) return `${span.file}:${span.line}:${span.column}`;
  const start = Math.min(Math.max(span.start, 0), src.text.length);
  const line = src.lineOf(start);
  return `${span.file}:${line}:${codePoints(src.text.slice(src.start(line), Math.min(start, src.end(line)))) + 1}`;
}

/** Blanks up to a column of the shown line, keeping its tabs so that marks land under their characters. */
function indentUnder(shown: string, column: number): string {
  let out = "";
  let n = 0;
  for (const ch of shown) {
    if (n === column) break;
    out += ch === "\t" ? "\t" : " ";
    n++;
  }
  return out + " ".repeat(column - n);
}

interface Style {
  readonly c: Colors;
  readonly gutter: number;
  readonly primary: (s: string) => string;
}

function bar(st: Style): string {
  return st.c.blue(`${" ".repeat(st.gutter)} |`);
}

function excerpt(src: SourceLines, marks: readonly Mark[], st: Style): string[] {
  const { c, gutter } = st;
  const out: string[] = [bar(st)];
  const lines = [...new Set(marks.map((m) => m.line))].sort((a, b) => a - b);
  let previous: number | undefined;
  for (const line of lines) {
    if (previous !== undefined && line > previous + 1) out.push(c.blue("..."));
    const onLine0 = marks.filter((m) => m.line === line).sort((a, b) => a.column - b.column || Number(b.primary) - Number(a.primary));
    const { shown, marks: onLine } = windowed(src.shown(line), onLine0);
    out.push(shown === "" ? c.blue(`${String(line).padStart(gutter)} |`) : `${c.blue(`${String(line).padStart(gutter)} |`)} ${shown}`);
    for (const m of onLine) {
      const underline = (m.primary ? "^" : "-").repeat(m.width);
      const paint = m.primary ? st.primary : c.blue;
      out.push(`${bar(st)} ${indentUnder(shown, m.column)}${paint(m.label === "" ? underline : `${underline} ${m.label}`)}`);
    }
    previous = line;
  }
  return out;
}

/** Longest excerpt line shown whole; a longer one (minified, or 30,000 stray characters) is cut around its marks. */
const MAX_SHOWN = 400;

/** The part of a long line around its first mark, with "…" where it is cut, and the marks moved to match. */
function windowed(line: string, marks: readonly Mark[]): { shown: string; marks: Mark[] } {
  const chars = Array.from(line);
  if (chars.length <= MAX_SHOWN || marks.length === 0) return { shown: line, marks: [...marks] };
  const first = marks[0]!.column;
  const lo = Math.max(0, Math.min(first - 80, chars.length - MAX_SHOWN));
  const hi = Math.min(chars.length, lo + MAX_SHOWN);
  const before = lo > 0 ? "…" : "";
  const shown = before + chars.slice(lo, hi).join("") + (hi < chars.length ? "…" : "");
  const shift = before.length - lo;
  const kept = marks
    .filter((m) => m.column >= lo && m.column < hi)
    .map((m) => ({ ...m, column: m.column + shift, width: Math.max(1, Math.min(m.width, hi - m.column)) }));
  return { shown, marks: kept };
}

/** A note or the help: one line (printableDiagnostic has escaped any line feed). */
function trailer(kind: "note" | "help", text: string, st: Style): string {
  return `${" ".repeat(st.gutter)} ${st.c.blue("=")} ${st.c.bold(kind)}: ${text}`;
}

/** Steps of a diagnostic's chain shown at each end when it is long; the middle is counted. */
const CHAIN_SHOWN_AT_EACH_END = 3;

function renderOne(d: Diagnostic, sourceOf: (file: string) => SourceLines | undefined, c: Colors): string {
  const spans = [{ s: d.primary, primary: true }, ...d.related.map((s) => ({ s, primary: false }))];
  const marks = spans.map((x) => {
    const src = sourceOf(x.s.span.file);
    return { file: x.s.span.file, span: x.s.span, mark: src === undefined ? undefined : markOf(x.s, x.primary, src) };
  });
  const chainLines = d.chain.map((s) => sourceOf(s.span.file)?.lineOf(s.span.start) ?? s.span.line);
  const gutter = Math.max(...marks.map((m) => String(m.mark?.line ?? m.span.line).length), ...chainLines.map((l) => String(l).length));
  const primaryPaint = d.severity === "error" ? (s: string) => c.bold(c.red(s)) : (s: string) => c.bold(c.yellow(s));
  const st: Style = { c, gutter, primary: primaryPaint };

  const out = [`${primaryPaint(`${d.severity}[${d.code}]`)}${c.bold(`: ${d.message}`)}`];
  // The primary file first, then other files in the order their spans are listed.
  const order = [d.primary.span.file, ...new Set(d.related.map((r) => r.span.file))].filter((f, i, all) => all.indexOf(f) === i);
  order.forEach((file, i) => {
    const inFile = marks.filter((m) => m.file === file);
    const src = sourceOf(file);
    if (i > 0) out.push(bar(st));
    out.push(`${" ".repeat(gutter)}${c.blue(i === 0 ? "-->" : ":::")} ${location(inFile[0]!.span, src)}`);
    if (src !== undefined)
      out.push(
        ...excerpt(
          src,
          inFile.map((m) => m.mark!),
          st,
        ),
      );
  });
  // The chain, from where the problem was found outwards: each step its own note with its line.
  // A long one (a chain of blocks each calling the last) keeps its ends; the machine formats keep every step.
  const elided = d.chain.length > CHAIN_SHOWN_AT_EACH_END * 2 + 1 ? d.chain.length - CHAIN_SHOWN_AT_EACH_END * 2 : 0;
  d.chain.forEach((step, i) => {
    if (elided > 0 && i >= CHAIN_SHOWN_AT_EACH_END && i < d.chain.length - CHAIN_SHOWN_AT_EACH_END) {
      if (i === CHAIN_SHOWN_AT_EACH_END) out.push(bar(st), `${" ".repeat(gutter)} ${c.blue("=")} ${c.bold("note")}: … ${counted(elided, "more call")} …`);
      return;
    }
    const src = sourceOf(step.span.file);
    out.push(
      bar(st),
      `${" ".repeat(gutter)} ${c.blue("=")} ${c.bold("note")}: ${step.label}`,
      `${" ".repeat(gutter)}${c.blue("-->")} ${location(step.span, src)}`,
    );
    if (src !== undefined) out.push(...excerpt(src, [markOf({ span: step.span, label: "" }, false, src)], st));
  });
  if (d.notes.length > 0 || d.help !== undefined) out.push(bar(st));
  for (const n of d.notes) out.push(trailer("note", n, st));
  if (d.help !== undefined) out.push(trailer("help", d.help, st));
  return out.join("\n");
}

/**
 * Each diagnostic in the order given, a blank line between them, then one
 * summary line such as `2 errors, 1 warning emitted`. Nothing for none, so a
 * clean run prints nothing here.
 */
export function renderHuman(diagnostics: readonly Diagnostic[], sources: ReadonlyMap<string, string>, color: boolean): string {
  if (diagnostics.length === 0) return "";
  const c = createColors(color);
  // Indexed once per file: a broken model can give hundreds of diagnostics in one large file.
  const files = new Map<string, SourceLines | undefined>();
  const sourceOf = (file: string) => {
    if (!files.has(file)) {
      const text = sources.get(file);
      files.set(file, text === undefined ? undefined : new SourceLines(text));
    }
    return files.get(file);
  };
  // What a diagnostic quotes of a checkpoint may be long or hold control characters.
  const blocks = diagnostics.map((d) => renderOne(printableDiagnostic(d), sourceOf, c));
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  const warnings = diagnostics.length - errors;
  const counts = [errors > 0 ? counted(errors, "error") : "", warnings > 0 ? counted(warnings, "warning") : ""].filter((s) => s !== "");
  const summary = c.bold(`${counts.join(", ")} emitted`);
  return `${blocks.join("\n\n")}\n\n${summary}\n`;
}
