/**
 * Diagnostics are values: every stage returns them, one module renders them.
 * A diagnostic points at the operation that fails (primary) and at where each
 * involved quantity got its value (related), says the symbolic and evaluated
 * forms in its notes, and offers a concrete fix where one exists.
 */
import type { Span } from "../span";
import { CATALOGUE, type DiagnosticCode } from "./catalogue";

/** An error fails the check or compile; a warning does not. */
export type Severity = "error" | "warning";

/** A place in a source, with what the diagnostic says about it there. */
export interface LabelledSpan {
  readonly span: Span;
  readonly label: string;
}

/**
 * A network parameter the fix is about, and the values that would fix it:
 * the help is worded where the user sets it (an alias's arguments, a
 * `--set`, the declaration's default) once that place is known.
 */
export interface ParameterFix {
  /** Canonical name (β for beta). */
  readonly parameter: string;
  /** How messages name it: "`β`". */
  readonly display: string;
  readonly values: readonly string[];
  /** For a whole value in place of a fraction: what each value is of the one given, "⌊1/2⌋", "⌈1/2⌉". */
  readonly roundings?: readonly string[];
}

/**
 * One problem found: its stable code (docs/diagnostics.md), where it is
 * (`primary`), the places that explain it (`related`, `chain`), and the
 * forms and fix that say why and what to change.
 */
export interface Diagnostic {
  readonly code: DiagnosticCode;
  readonly severity: Severity;
  readonly message: string;
  readonly primary: LabelledSpan;
  readonly related: readonly LabelledSpan[];
  /** "αT = 33", "Fast gives ⌈33/8⌉ = 5 frames": forms and the violated equation. */
  readonly notes: readonly string[];
  readonly help: string | undefined;
  /**
   * How a problem found away from the primary location leads back to it,
   * from where it was found outwards: the failing operation inside a block,
   * the calls that instantiated it, how a parameter got its value
   * ("in `stem`, called here", "`Cf` = βC = 32/3 because β = 1/6").
   */
  readonly chain: readonly LabelledSpan[];
  readonly fix?: ParameterFix;
}

export interface DiagnosticParts {
  readonly message: string;
  readonly label?: string;
  readonly related?: readonly LabelledSpan[];
  readonly notes?: readonly string[];
  readonly help?: string;
  readonly chain?: readonly LabelledSpan[];
  readonly fix?: ParameterFix;
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
    chain: parts.chain ?? [],
    ...(parts.fix ? { fix: parts.fix } : {}),
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
