/**
 * A module of blocks has no network of its own to give concrete types. The
 * open files that import it have, and their own analyses (which their
 * diagnostics need anyway) hold the module's types at their networks'
 * defaults. The module's view takes, at each place, the concrete type of the
 * first importer whose networks reach it, as one check of them all would (at
 * the first network elaborated through the code), and otherwise its own
 * symbolic type. A call's counts are read in the graph of the importer its
 * type came from.
 */
import type { SourceFacts, TypeFact } from "../compiler/index";
import type { FileView } from "./last-good";

/** `own` with the concrete types `importers` (the module's file as each importer's check saw it) give. */
export function withImportersTypes(own: FileView, importers: readonly FileView[]): FileView {
  const byPlace = new Map<string, TypeFact>();
  const sourceOf = new Map<TypeFact, SourceFacts>();
  for (const importer of importers) {
    for (const t of importer.file.types) {
      // Code no network of theirs reaches has its symbolic type alone there: a later importer's network may reach it.
      if (t.concrete === undefined || byPlace.has(placeOf(t))) continue;
      byPlace.set(placeOf(t), t);
      sourceOf.set(t, importer.factsOf(t));
    }
  }
  if (sourceOf.size === 0) return own;
  for (const t of own.file.types) if (!byPlace.has(placeOf(t))) byPlace.set(placeOf(t), t);
  const types = [...byPlace.values()].sort((a, b) => a.span.start - b.span.start || b.span.end - a.span.end);
  return { facts: own.facts, file: { ...own.file, types }, factsOf: (t) => sourceOf.get(t) ?? own.factsOf(t) };
}

/** Where a type fact is shown, and of what: two checks of one text give a place the same key. */
function placeOf(t: TypeFact): string {
  return `${t.span.start}:${t.span.end}:${t.role}`;
}
