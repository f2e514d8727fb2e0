/** A span as the parser makes one (UTF-16 offsets, 1-based line and column), for hand-built diagnostics. */
import { AstBuilder } from "../../compiler/ast-builder";
import type { Span } from "../../compiler/span";

export function spanAt(file: string, text: string, start: number, end: number): Span {
  return AstBuilder.forText(file, text).spanAt(start, end);
}
