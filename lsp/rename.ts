/**
 * Rename of a local name: a local value, a pathway, a formal (with the named
 * arguments that pass it), a dimension variable or a stage. Declarations in
 * the standard library, blocks and networks (which other files may import)
 * are left alone.
 */
import { ResponseError, ErrorCodes, type Position, type Range, type TextEdit, type WorkspaceEdit } from "vscode-languageserver";
import type { NameKind } from "../compiler/index";
import { occurrenceUnder, occurrencesOf } from "./navigation";
import { spanToRange } from "./positions";
import type { Workspace } from "./workspace";

const RENAMABLE: ReadonlySet<NameKind> = new Set<NameKind>(["local", "pathway", "formal", "dimension", "stage", "argument"]);
const IDENTIFIER = /^[\p{L}_][\p{L}\p{N}_]*$/u;

function target(workspace: Workspace, uri: string, position: Position) {
  const found = workspace.document(uri) ? occurrenceUnder(workspace, uri, position) : undefined;
  if (!found) return undefined;
  const { occurrence, facts } = found;
  const def = occurrence.definition;
  if (!def || !RENAMABLE.has(occurrence.kind) || def.file.startsWith("std/")) return undefined;
  // A named argument renames its formal only when that is a block's, not a network parameter.
  const declared = occurrencesOf(facts, def).find((o) => o.isDefinition);
  if (!declared || declared.kind === "argument" || !RENAMABLE.has(declared.kind)) return undefined;
  return { occurrence, facts, def };
}

export function prepareRename(workspace: Workspace, uri: string, position: Position): Range | null {
  const t = target(workspace, uri, position);
  return t ? spanToRange(t.occurrence.span) : null;
}

export function rename(workspace: Workspace, uri: string, position: Position, newName: string): WorkspaceEdit | null {
  const t = target(workspace, uri, position);
  if (!t) return null;
  if (!IDENTIFIER.test(newName)) throw new ResponseError(ErrorCodes.InvalidParams, `\`${newName}\` is not a name`);
  const changes: Record<string, TextEdit[]> = {};
  for (const o of occurrencesOf(t.facts, t.def)) {
    if (o.span.file.startsWith("std/")) continue;
    (changes[workspace.uriOf(o.span.file)] ??= []).push({ range: spanToRange(o.span), newText: newName });
  }
  return { changes };
}
