/**
 * Diagnostics as a JSON array of LSP `Diagnostic`s, each with the `file` it
 * belongs to, so an editor integration or a script can take them as they are.
 */
import type { Diagnostic } from "../diagnostics/diagnostic";
import type { Span } from "../span";

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

export function toJsonDiagnostic(d: Diagnostic): JsonDiagnostic {
  return {
    file: d.primary.span.file,
    range: lspRange(d.primary.span),
    severity: d.severity === "error" ? 1 : 2,
    code: d.code,
    source: "sfc",
    message: fullMessage(d),
    relatedInformation: d.related.map((r) => ({ location: { uri: r.span.file, range: lspRange(r.span) }, message: r.label })),
  };
}

export function renderJson(diagnostics: readonly Diagnostic[]): string {
  return `${JSON.stringify(diagnostics.map(toJsonDiagnostic), null, 2)}\n`;
}
