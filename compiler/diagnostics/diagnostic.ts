/**
 * Diagnostics are values: every stage returns them, one module renders them.
 * A diagnostic points at the operation that fails (primary) and at where each
 * involved quantity got its value (related), says the symbolic and evaluated
 * forms in its notes, and offers a concrete fix where one exists.
 */
import type { Span } from "../span";
import { CATALOGUE, type DiagnosticCode } from "./catalogue";

export type Severity = "error" | "warning";

export interface LabelledSpan {
  readonly span: Span;
  readonly label: string;
}

export interface Diagnostic {
  readonly code: DiagnosticCode;
  readonly severity: Severity;
  readonly message: string;
  readonly primary: LabelledSpan;
  readonly related: readonly LabelledSpan[];
  /** "αT = 33", "Fast gives ⌈33/8⌉ = 5 frames": forms and the violated equation. */
  readonly notes: readonly string[];
  readonly help: string | undefined;
}

export interface DiagnosticParts {
  readonly message: string;
  readonly label?: string;
  readonly related?: readonly LabelledSpan[];
  readonly notes?: readonly string[];
  readonly help?: string;
}

export function makeDiagnostic(code: DiagnosticCode, span: Span, parts: DiagnosticParts): Diagnostic {
  return {
    code,
    severity: CATALOGUE[code].severity,
    message: parts.message,
    primary: { span, label: parts.label ?? "" },
    related: parts.related ?? [],
    notes: parts.notes ?? [],
    help: parts.help,
  };
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === "error");
}

/** Stable order for output: by file, position, then code. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) =>
      (a.primary.span.file < b.primary.span.file ? -1 : a.primary.span.file > b.primary.span.file ? 1 : 0) ||
      a.primary.span.start - b.primary.span.start ||
      (a.code < b.code ? -1 : a.code > b.code ? 1 : 0),
  );
}
