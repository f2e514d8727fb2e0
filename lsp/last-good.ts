/**
 * While a line is being typed the file often does not parse, and the checker
 * then has no types for the items the syntax error is in (often the whole
 * network), so hover types and inlay hints would blink off with every
 * keystroke. The last version of the file that parsed still knows them: its
 * type facts are moved to where the same text now is, and shown for the
 * items the current version has no types for, marked as from that version.
 */
import type { CheckResult, FileFacts, SourceFacts, TypeFact } from "../compiler/index";
import { SourceLines } from "../compiler/source-lines";
import type { Span } from "../compiler/span";

/** The codes of the diagnostics that mean the text did not parse. */
const SYNTAX_CODES: ReadonlySet<string> = new Set(["SF0001", "SF0002", "SF0003"]);

export function parses(result: CheckResult, modulePath: string): boolean {
  return !result.diagnostics.some((d) => SYNTAX_CODES.has(d.code) && d.primary.span.file === modulePath);
}

/** A file's facts together with the check they come from. */
export interface FileView {
  readonly facts: SourceFacts;
  readonly file: FileFacts;
  /** The check each type fact comes from: `facts`, or an importer's for a module of blocks (lsp/importer-types.ts). */
  readonly factsOf: (t: TypeFact) => SourceFacts;
}

/** The type facts to show in a file: sorted by where they start. */
export interface ShownTypes {
  readonly types: readonly TypeFact[];
  /** Those taken from the last version that parsed. */
  readonly stale: ReadonlySet<TypeFact>;
  /** The check a fact comes from, whose graphs its node range indexes. */
  readonly factsOf: (t: TypeFact) => SourceFacts;
}

export const STALE_NOTE = "as of the last version of the file that parsed";

/** The current types, completed from `lastGood` where the current version does not parse. */
export function typesToShow(current: FileView, lastGood: FileView | undefined, currentParses: boolean): ShownTypes {
  const fresh: ShownTypes = { types: current.file.types, stale: new Set(), factsOf: current.factsOf };
  const oldText = lastGood?.file.module.text;
  const text = current.file.module.text;
  if (currentParses || !lastGood || oldText === undefined || oldText === text) return fresh;
  const move = mover(oldText, text, current.file.module.path);
  // Items the current version still has types for keep its own; the others get the moved ones.
  const typed = current.file.module.ast.items.filter((item) => current.file.types.some((t) => item.span.start <= t.span.start && t.span.end <= item.span.end));
  // Each moved fact, with the one it was moved from: that one knows its check.
  const movedFrom = new Map<TypeFact, TypeFact>();
  for (const t of lastGood.file.types) {
    const span = move(t.span);
    if (!span || typed.some((item) => item.span.start < span.end && span.start < item.span.end)) continue;
    movedFrom.set({ ...t, span }, t);
  }
  if (movedFrom.size === 0) return fresh;
  const stale: ReadonlySet<TypeFact> = new Set(movedFrom.keys());
  const types = [...current.file.types, ...stale].sort((a, b) => a.span.start - b.span.start || b.span.end - a.span.end);
  return {
    types,
    stale,
    factsOf: (t) => {
      const original = movedFrom.get(t);
      return original ? lastGood.factsOf(original) : current.factsOf(t);
    },
  };
}

/**
 * Where a span of the old text is in the new one: the text before the first
 * difference stays, the text after the last one moves by the change in
 * length, and what touches the changed stretch has no place.
 */
function mover(oldText: string, text: string, file: string): (span: Span) => Span | undefined {
  const shortest = Math.min(oldText.length, text.length);
  let prefix = 0;
  while (prefix < shortest && oldText.charCodeAt(prefix) === text.charCodeAt(prefix)) prefix++;
  let suffix = 0;
  while (suffix < shortest - prefix && oldText.charCodeAt(oldText.length - 1 - suffix) === text.charCodeAt(text.length - 1 - suffix)) suffix++;
  let changedEnd = oldText.length - suffix;
  // A pure insertion or deletion ending in the indentation it sits after is the same edit made before that indentation:
  // `    x = ⏎` typed above `    slow = …` inserts a line, not `x = ⏎    ` inside `slow`'s, whose fact would be lost.
  const edited = changedEnd === prefix ? text.slice(prefix, text.length - suffix) : text.length - suffix === prefix ? oldText.slice(prefix, changedEnd) : "";
  let slid = 0;
  while (
    prefix - slid > 0 &&
    slid < edited.length &&
    /[ \t]/.test(oldText[prefix - slid - 1]!) &&
    edited[edited.length - 1 - slid] === oldText[prefix - slid - 1]
  )
    slid++;
  prefix -= slid;
  changedEnd -= slid;
  const shift = text.length - oldText.length;
  const lines = new SourceLines(text);
  const at = (offset: number): { line: number; column: number } => {
    const line = lines.lineOf(offset);
    return { line, column: offset - lines.start(line) + 1 };
  };
  return (span) => {
    let start: number;
    // Text typed against a name (`z` becoming `zq`) changes it: only what the change leaves a character apart keeps its fact.
    if (span.end < prefix) start = span.start;
    else if (span.start > changedEnd) start = span.start + shift;
    else return undefined;
    const end = start + (span.end - span.start);
    const from = at(start);
    const to = at(end);
    return { file, start, end, line: from.line, column: from.column, endLine: to.line, endColumn: to.column };
  };
}
