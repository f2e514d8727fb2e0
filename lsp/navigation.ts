/**
 * Go to definition and find references: both read the checker's name table.
 * A reference is any occurrence, in any file the document's check read,
 * declared at the same span.
 */
import type { Location, Position } from "vscode-languageserver";
import type { Occurrence, SourceFacts } from "../compiler/index";
import type { Span } from "../compiler/span";
import { occurrenceAt } from "./hover";
import { spanToRange, TextPositions } from "./positions";
import type { Workspace } from "./workspace";

export function occurrenceUnder(workspace: Workspace, uri: string, position: Position): { facts: SourceFacts; occurrence: Occurrence } | undefined {
  const analysis = workspace.analysis(uri);
  const facts = analysis?.result.facts;
  const file = facts?.files.get(analysis!.path);
  if (!facts || !file) return undefined;
  const occurrence = occurrenceAt(file, new TextPositions(file.module.text).offsetAt(position));
  return occurrence ? { facts, occurrence } : undefined;
}

export function definition(workspace: Workspace, uri: string, position: Position): Location | null {
  const found = occurrenceUnder(workspace, uri, position);
  const def = found?.occurrence.definition;
  if (!def) return null;
  return { uri: workspace.uriOf(def.file), range: spanToRange(def) };
}

const sameSpan = (a: Span, b: Span): boolean => a.file === b.file && a.start === b.start && a.end === b.end;

/** Every occurrence declared where `def` is, the declaration included. */
export function occurrencesOf(facts: SourceFacts, def: Span): Occurrence[] {
  const out: Occurrence[] = [];
  for (const file of facts.files.values()) for (const o of file.occurrences) if (o.definition && sameSpan(o.definition, def)) out.push(o);
  return out;
}

/**
 * Every occurrence declared at `def`, with its file's text: in the document's
 * check, and in the other files, open or under the workspace folders, that
 * read the file declaring it (an importer's call of a renamed block's formal).
 */
export function everyOccurrenceOf(workspace: Workspace, facts: SourceFacts, def: Span): Array<{ occurrence: Occurrence; text: string }> {
  const seen = new Set<string>();
  const out: Array<{ occurrence: Occurrence; text: string }> = [];
  for (const source of [facts, ...workspace.openImporters(def.file), ...workspace.closedImporters(def.file)]) {
    for (const occurrence of occurrencesOf(source, def)) {
      const key = `${occurrence.span.file}:${occurrence.span.start}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ occurrence, text: source.files.get(occurrence.span.file)?.module.text ?? "" });
    }
  }
  return out;
}

export function references(workspace: Workspace, uri: string, position: Position, includeDeclaration: boolean): Location[] {
  const found = occurrenceUnder(workspace, uri, position);
  const def = found?.occurrence.definition;
  if (!found || !def) return [];
  return everyOccurrenceOf(workspace, found.facts, def)
    .map(({ occurrence }) => occurrence)
    .filter((o) => includeDeclaration || !o.isDefinition)
    .map((o) => ({ uri: workspace.uriOf(o.span.file), range: spanToRange(o.span) }));
}
