/** Spans (offsets, 1-based lines and UTF-16 columns) to LSP ranges and back. */
import type { Position, Range } from "vscode-languageserver";
import type { Span } from "../compiler/span";
import { SourceLines } from "../compiler/source-lines";

export function spanToRange(span: Span): Range {
  return { start: { line: span.line - 1, character: span.column - 1 }, end: { line: span.endLine - 1, character: span.endColumn - 1 } };
}

/** Offsets of a text, for positions the client sends. */
export class TextPositions {
  private readonly lines: SourceLines;

  constructor(readonly text: string) {
    this.lines = new SourceLines(text);
  }

  offsetAt(p: Position): number {
    const line = Math.min(Math.max(p.line + 1, 1), this.lineCount);
    const start = this.lines.start(line);
    return Math.min(start + p.character, this.lines.end(line));
  }

  positionAt(offset: number): Position {
    const line = this.lines.lineOf(offset);
    return { line: line - 1, character: Math.max(0, Math.min(offset, this.text.length) - this.lines.start(line)) };
  }

  get lineCount(): number {
    return this.lines.lineOf(this.text.length);
  }
}

export function contains(span: Span, offset: number): boolean {
  return span.start <= offset && offset <= span.end;
}
