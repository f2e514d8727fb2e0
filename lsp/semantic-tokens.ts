/**
 * Semantic tokens from the checker's name table: what each name is (a block,
 * a parameter, a dimension variable, an op...), which no grammar can know.
 */
import { SemanticTokensBuilder, type SemanticTokens, type SemanticTokensLegend } from "vscode-languageserver";
import type { FileFacts, NameKind } from "../compiler/index";

const TYPES = ["class", "namespace", "parameter", "variable", "typeParameter", "function", "property", "enumMember", "macro"] as const;
const MODIFIERS = ["declaration", "readonly", "defaultLibrary"] as const;

export const LEGEND: SemanticTokensLegend = { tokenTypes: [...TYPES], tokenModifiers: [...MODIFIERS] };

const TYPE_OF: Record<NameKind, (typeof TYPES)[number]> = {
  block: "class",
  network: "class",
  names: "namespace",
  module: "namespace",
  stage: "namespace",
  parameter: "parameter",
  formal: "parameter",
  dimension: "typeParameter",
  local: "variable",
  pathway: "variable",
  op: "function",
  argument: "property",
  choice: "enumMember",
};

export function semanticTokens(file: FileFacts): SemanticTokens {
  const builder = new SemanticTokensBuilder();
  for (const o of file.occurrences) {
    // Tokens are on one line; a module path like std.lateral is.
    if (o.span.line !== o.span.endLine) continue;
    let modifiers = 0;
    if (o.isDefinition) modifiers |= 1 << MODIFIERS.indexOf("declaration");
    if (o.kind === "parameter") modifiers |= 1 << MODIFIERS.indexOf("readonly");
    if (o.kind === "op" || o.definition?.file.startsWith("std/")) modifiers |= 1 << MODIFIERS.indexOf("defaultLibrary");
    builder.push(o.span.line - 1, o.span.column - 1, o.span.end - o.span.start, TYPES.indexOf(TYPE_OF[o.kind]), modifiers);
  }
  return builder.build();
}
