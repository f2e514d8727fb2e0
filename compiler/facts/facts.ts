/**
 * What the checker learnt about the sources, kept for tools (the language
 * server): the parsed modules and their scopes, every name with its
 * declaration, the types of spans, and the graphs of the networks elaborated.
 * It is data: nothing here knows about any editor protocol.
 */
import { byKey } from "../group";
import type { IRGraph } from "../ir";
import type { Module, Program } from "../program";
import type { ModuleScope } from "../scope";
import { resolveNames, type Occurrence } from "./names";
import type { TypeFact, TypeFactRecorder } from "./types";

export type { Occurrence, NameKind } from "./names";
export type { TypeFact, FactRole } from "./types";

/** One module's facts: every name in it and the type of each value, for editors and other tools. */
export interface FileFacts {
  readonly module: Module;
  readonly scope: ModuleScope | undefined;
  /** Sorted by start. */
  readonly occurrences: readonly Occurrence[];
  /** Sorted by start, then longest first. */
  readonly types: readonly TypeFact[];
}

/** What the checker learnt, when `check` is asked for it with `facts: true`. */
export interface SourceFacts {
  /** By module path ("models/a.sf", "std/lateral.sf"). */
  readonly files: ReadonlyMap<string, FileFacts>;
  /** The graph of each network elaborated, by name. */
  readonly graphs: ReadonlyMap<string, IRGraph>;
}

export function collectFacts(program: Program, scopes: ReadonlyMap<string, ModuleScope>, recorder: TypeFactRecorder): SourceFacts {
  const names = resolveNames(program, scopes);
  const { types, graphs } = recorder.finish();
  const byFile = byKey(types, (t) => t.span.file);
  const files = new Map<string, FileFacts>();
  for (const mod of program.modules.values()) {
    const list = (byFile.get(mod.path) ?? []).sort((a, b) => a.span.start - b.span.start || b.span.end - a.span.end);
    files.set(mod.path, { module: mod, scope: scopes.get(mod.path), occurrences: names.get(mod.path) ?? [], types: list });
  }
  return { files, graphs };
}
