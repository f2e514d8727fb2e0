/** A region of one source file. Offsets are 0-based; lines and columns 1-based. */
export interface Span {
  readonly file: string;
  readonly start: number;
  readonly end: number;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
}

/**
 * FILE:LINE:COL. `displayPath` names the file as it is recorded in an emitted
 * model (see SourceHost.displayPath); diagnostics keep the path as typed.
 */
export function formatSpan(span: Span, displayPath: (file: string) => string = (file) => file): string {
  return `${displayPath(span.file)}:${span.line}:${span.column}`;
}

/** The smallest span that covers both. Both must be in one file. */
export function joinSpans(a: Span, b: Span): Span {
  const first = a.start <= b.start ? a : b;
  const last = a.end >= b.end ? a : b;
  return {
    file: a.file,
    start: first.start,
    end: last.end,
    line: first.line,
    column: first.column,
    endLine: last.endLine,
    endColumn: last.endColumn,
  };
}

/** The empty span at the start of a file: where a problem with the whole file is reported. */
export function fileStart(file: string): Span {
  return { file, start: 0, end: 0, line: 1, column: 1, endLine: 1, endColumn: 1 };
}
