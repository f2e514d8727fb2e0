/**
 * Diagnostics as a JSON array of LSP `Diagnostic`s, each with the `file` it
 * belongs to, so an editor integration or a script can take them as they are.
 */
import type { Diagnostic } from "../diagnostics/diagnostic";
import type { Span } from "../span";
import { artifactUri } from "./sarif";
import type { ToolNotification } from "./index";

export interface LspPosition {
  readonly line: number;
  readonly character: number;
}

export interface LspRange {
  readonly start: LspPosition;
  readonly end: LspPosition;
}

export interface JsonDiagnostic {
  readonly file: string;
  readonly range: LspRange;
  /** LSP's DiagnosticSeverity: 1 error, 2 warning. */
  readonly severity: 1 | 2;
  readonly code: string;
  readonly source: "sfc";
  readonly message: string;
  readonly relatedInformation: readonly { readonly location: { readonly uri: string; readonly range: LspRange }; readonly message: string }[];
}

/**
 * LSP counts lines from 0 and characters in UTF-16 code units by default;
 * span columns are 1-based UTF-16 already, so only the base changes.
 */
export function lspRange(s: Span): LspRange {
  return { start: { line: s.line - 1, character: s.column - 1 }, end: { line: s.endLine - 1, character: s.endColumn - 1 } };
}

/**
 * The message with each note and the help on lines of their own. Tools show
 * one text per diagnostic, and without the notes an SF0301 says that a
 * dimension is wrong but not what it evaluated to.
 */
export function fullMessage(d: Diagnostic): string {
  return [d.message, ...d.notes.map((n) => `note: ${n}`), ...(d.help === undefined ? [] : [`help: ${d.help}`])].join("\n");
}

const where = (s: Span): string => `${s.file}:${s.line}:${s.column}`;

/**
 * For formats with one text per diagnostic and nowhere else to put them
 * (GitHub annotations): the message, the primary label, each step of the
 * chain with its location, the notes and the help.
 */
export function annotatedMessage(d: Diagnostic): string {
  return [
    d.message,
    ...(d.primary.label === "" ? [] : [`here: ${d.primary.label}`]),
    ...d.chain.map((s) => `note: ${s.label} (${where(s.span)})`),
    ...d.notes.map((n) => `note: ${n}`),
    ...(d.help === undefined ? [] : [`help: ${d.help}`]),
  ].join("\n");
}

/**
 * Related information: the primary label first (LSP has no other place for
 * it), then the related spans, then the chain from where the problem was
 * found out to the user's location.
 */
export function toJsonDiagnostic(d: Diagnostic, uriOf: (file: string) => string = artifactUri): JsonDiagnostic {
  const info = (s: Span, message: string) => ({ location: { uri: uriOf(s.file), range: lspRange(s) }, message });
  return {
    file: d.primary.span.file,
    range: lspRange(d.primary.span),
    severity: d.severity === "error" ? 1 : 2,
    code: d.code,
    source: "sfc",
    message: fullMessage(d),
    relatedInformation: [
      ...(d.primary.label === "" ? [] : [info(d.primary.span, d.primary.label)]),
      ...d.related.map((r) => info(r.span, r.label)),
      ...d.chain.map((s) => info(s.span, s.label)),
    ],
  };
}

/** A notification as an entry at the start of its file (of `<command line>` when it names none). */
export function notificationJson(n: ToolNotification): JsonDiagnostic {
  const start = { line: 0, character: 0 };
  return {
    file: n.file ?? "<command line>",
    range: { start, end: start },
    severity: 1,
    code: n.code,
    source: "sfc",
    message: n.message,
    relatedInformation: [],
  };
}

export function renderJson(diagnostics: readonly Diagnostic[], uriOf?: (file: string) => string, notifications: readonly ToolNotification[] = []): string {
  return `${JSON.stringify([...notifications.map(notificationJson), ...diagnostics.map((d) => toJsonDiagnostic(d, uriOf))], null, 2)}\n`;
}
