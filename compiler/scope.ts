/**
 * Name resolution at module level: what each module declares and imports.
 * Duplicate declarations (a block's formals included), names that are both
 * declared and imported or imported from two modules, unknown imported names
 * and blocks that would shadow a built-in op are reported here, once, before
 * any checking.
 */
import type * as A from "./ast";
import { makeDiagnostic, type Diagnostic } from "./diagnostics/diagnostic";
import { OPS, isOpName } from "./ops";
import { ruleProblem } from "./weights/names";
import type { Module, Program } from "./program";
import type { Span } from "./span";

export interface BlockEntry {
  readonly decl: A.BlockDecl;
  /** The scope the body is checked in (for an alias: its target's). */
  readonly module: ModuleScope;
  /**
   * For a network alias: its name and the defaults it changes, its target's
   * first; `chain`, the alias declarations they were written in, the first
   * alias's first (for an alias of an alias, more than its own).
   */
  readonly alias?: { readonly name: A.Ident; readonly args: readonly A.Argument[]; readonly module: ModuleScope; readonly chain: readonly A.NetworkAlias[] };
}

export interface ModuleScope {
  readonly module: Module;
  readonly params: ReadonlyMap<string, A.ParamDecl>;
  /** Blocks and networks, own and imported. */
  readonly blocks: ReadonlyMap<string, BlockEntry>;
  readonly names: ReadonlyMap<string, A.NamesDecl>;
  /** Own declarations only, in source order. */
  readonly own: readonly BlockEntry[];
  /**
   * Names imported by name from a file that could not be read or parsed
   * (SF0103, SF0610, reported at the import): a use of one reports nothing
   * more, since what it names is unknown.
   */
  readonly unavailable: ReadonlySet<string>;
}

/** What each module declares itself: what an import of it brings in (aliases included, once resolved). */
interface OwnDecls {
  readonly blocks: Map<string, BlockEntry>;
  readonly names: Map<string, A.NamesDecl>;
}

/** A name a module declares itself, at its first declaration, and what that declares. */
interface OwnName {
  readonly id: A.Ident;
  readonly what: string;
}

interface Tables {
  readonly program: Program;
  readonly scopes: Map<string, ModuleScope>;
  readonly own: Map<string, OwnDecls>;
  /** Each module's own names, of every kind: what an import of the same name clashes with. */
  readonly declared: Map<string, ReadonlyMap<string, OwnName>>;
}

export function buildScopes(program: Program, diagnostics: Diagnostic[]): Map<string, ModuleScope> {
  const tables: Tables = { program, scopes: new Map(), own: new Map(), declared: new Map() };
  for (const mod of program.modules.values()) {
    const { scope, declared } = declareOwn(mod, diagnostics);
    tables.scopes.set(mod.path, scope);
    tables.declared.set(mod.path, declared);
    tables.own.set(mod.path, { blocks: new Map(scope.blocks), names: new Map(scope.names) });
  }
  // Aliases may target imported networks and be imported themselves: resolve
  // aliases and bring in imports in turn until nothing changes (each round
  // adds entries to finite maps, so this ends), then report what is left.
  while (resolveAliases(tables) || importAll(tables)) {
    // until a fixed point
  }
  const pending = reportUnresolvedAliases(tables, diagnostics);
  reportMissingImports(tables, pending, diagnostics);
  reportImportClashes(tables, diagnostics);
  return tables.scopes;
}

/** A module's own parameters, blocks, networks and names maps, and the first declaration of each name it declares. */
function declareOwn(mod: Module, diagnostics: Diagnostic[]): { scope: ModuleScope; declared: Map<string, OwnName> } {
  const params = new Map<string, A.ParamDecl>();
  const blocks = new Map<string, BlockEntry>();
  const names = new Map<string, A.NamesDecl>();
  const own: BlockEntry[] = [];
  const unavailable = new Set(mod.imports.flatMap(({ decl, target }) => (target === undefined ? (decl.names ?? []).map((id) => id.name) : [])));
  const scope: ModuleScope = { module: mod, params, blocks, names, own, unavailable };
  // The first declaration of each name, kept or not: a block named after an op is refused, yet an import of its name still clashes with it.
  const declared = new Map<string, OwnName>();
  // The names that kept declarations hold: a refused block holds none, so a later declaration of its name is not declared twice.
  const taken = new Map<string, A.Ident>();
  const declare = (id: A.Ident, what: string): boolean => {
    const prev = taken.get(id.name);
    if (prev) {
      diagnostics.push(declaredTwice(id, what, prev));
      return false;
    }
    taken.set(id.name, id);
    return true;
  };
  for (const item of mod.ast.items) {
    if (item.kind === "import") continue;
    const what = whatItDeclares(item);
    if (!declared.has(item.name.name)) declared.set(item.name.name, { id: item.name, what });
    if (item.kind === "param") {
      if (declare(item.name, what)) params.set(item.name.name, item);
    } else if (item.kind === "block" || item.kind === "network") {
      reportDuplicateFormals(item, diagnostics);
      if (isOpName(item.name.name)) {
        diagnostics.push(
          makeDiagnostic("SF0102", item.name.span, {
            message: `\`${item.name.text}\` is a built-in op and cannot be redeclared`,
            label: "shadows the built-in op",
            help: `rename the ${item.kind}, e.g. \`my_${item.name.text}\``,
          }),
        );
        continue;
      }
      if (!declare(item.name, what)) continue;
      const entry: BlockEntry = { decl: item, module: scope };
      blocks.set(item.name.name, entry);
      own.push(entry);
    } else if (item.kind === "alias") {
      // Resolved later (its target may be imported); its name is taken now, so a parameter of that name clashes too.
      declare(item.name, what);
      reportAliasArguments(item, diagnostics);
    } else if (item.kind === "names") {
      if (declare(item.name, what)) names.set(item.name.name, item);
      for (const r of item.rules) {
        const problem = ruleProblem(r.from, r.to);
        if (problem) diagnostics.push(makeDiagnostic("SF0406", r.span, { message: problem, label: "this rule" }));
      }
    }
  }
  return { scope, declared };
}

/** What a declaration declares, as a diagnostic names it. */
function whatItDeclares(item: Exclude<A.Item, A.ImportDecl>): string {
  switch (item.kind) {
    case "param":
      return "parameter";
    case "block":
    case "network":
      return item.kind;
    case "alias":
      return "network alias";
    case "names":
      return "names map";
  }
}

/**
 * Formals share one namespace per block: the checker would bind the last
 * (`T = 4, T = 5` gave T = 5) and a network would get a second input `x_1`.
 */
function reportDuplicateFormals(decl: A.BlockDecl, diagnostics: Diagnostic[]): void {
  const seen = new Map<string, A.Ident>();
  for (const f of decl.formals) {
    const prev = seen.get(f.name.name);
    const what = decl.kind === "block" ? "formal" : f.type ? "input" : "parameter";
    if (prev) diagnostics.push(declaredTwice(f.name, what, prev));
    else seen.set(f.name.name, f.name);
  }
}

/**
 * An alias's own arguments: each names a parameter, once (SF0107, SF0109).
 * Checked here, per declaration, because an alias of an alias appends its
 * arguments to its target's, where a name given again is an override.
 */
function reportAliasArguments(alias: A.NetworkAlias, diagnostics: Diagnostic[]): void {
  const seen = new Set<string>();
  for (const a of alias.args) {
    if (!a.name) {
      diagnostics.push(
        makeDiagnostic("SF0107", a.span, {
          message: `the arguments of a network alias are named parameters of \`${alias.target.text}\``,
          label: "no parameter name",
          help: `name the parameter it sets: \`network ${alias.name.text} = ${alias.target.text}(NAME: VALUE)\``,
        }),
      );
    } else if (seen.has(a.name.name)) {
      diagnostics.push(makeDiagnostic("SF0109", a.span, { message: `argument \`${a.name.text}\` is given twice`, label: "again here" }));
    } else seen.add(a.name.name);
  }
}

/** SF0102 at the second of two declarations of one name (`beta` and `β` are one name). */
function declaredTwice(id: A.Ident, what: string, prev: A.Ident): Diagnostic {
  return makeDiagnostic("SF0102", id.span, {
    message: `\`${id.text}\` is declared twice`,
    label: `second ${what} named \`${id.text}\``,
    related: [{ span: prev.span, label: prev.text === id.text ? "first declared here" : `first declared here, as \`${prev.text}\`` }],
  });
}

function aliasesOf(mod: Module): A.NetworkAlias[] {
  return mod.ast.items.filter((i): i is A.NetworkAlias => i.kind === "alias");
}

function scopeOf(tables: Tables, path: string): ModuleScope {
  const scope = tables.scopes.get(path);
  if (!scope) throw new Error(`internal error: no scope for ${path}`);
  return scope;
}

/** Every alias whose target is now a network in its module; whether any was. */
function resolveAliases(tables: Tables): boolean {
  let changed = false;
  for (const mod of tables.program.modules.values()) {
    const scope = scopeOf(tables, mod.path);
    const blocks = scope.blocks as Map<string, BlockEntry>;
    for (const a of aliasesOf(mod)) {
      if (blocks.has(a.name.name)) continue;
      const target = blocks.get(a.target.name);
      if (!target || target.decl.kind !== "network") continue;
      const entry: BlockEntry = {
        decl: { ...target.decl, name: a.name },
        module: target.module,
        alias: { name: a.name, args: [...(target.alias?.args ?? []), ...a.args], module: scope, chain: [...(target.alias?.chain ?? []), a] },
      };
      blocks.set(a.name.name, entry);
      (scope.own as BlockEntry[]).push(entry);
      tables.own.get(mod.path)?.blocks.set(a.name.name, entry);
      changed = true;
    }
  }
  return changed;
}

/** Imports bring in the target's own blocks, networks and names maps; whether any were new. */
function importAll(tables: Tables): boolean {
  let changed = false;
  for (const mod of tables.program.modules.values()) {
    const scope = scopeOf(tables, mod.path);
    const blocks = scope.blocks as Map<string, BlockEntry>;
    const names = scope.names as Map<string, A.NamesDecl>;
    for (const { decl, target } of mod.imports) {
      const exported = target === undefined ? undefined : tables.own.get(target);
      if (!exported) continue;
      const wanted = decl.names?.map((id) => id.name) ?? [...exported.blocks.keys(), ...exported.names.keys()];
      for (const name of wanted) {
        const block = exported.blocks.get(name);
        const map = exported.names.get(name);
        if (block && !blocks.has(name)) {
          blocks.set(name, block);
          changed = true;
        }
        if (map && !names.has(name)) {
          names.set(name, map);
          changed = true;
        }
      }
    }
  }
  return changed;
}
/** An alias left unresolved at the fixed point, and the module declaring it. */
interface Pending {
  readonly alias: A.NetworkAlias;
  readonly module: Module;
}

const pendingKey = (path: string, name: string) => `${path}\u0000${name}`;

/**
 * Aliases still unresolved at the fixed point: a duplicate name, a cycle, or
 * a missing or non-network target. An alias whose target is itself an
 * unresolved alias is reported at the root of the chain only. Returns them
 * all, by module path and name.
 */
function reportUnresolvedAliases(tables: Tables, diagnostics: Diagnostic[]): Map<string, Pending> {
  const pending = new Map<string, Pending>();
  for (const mod of tables.program.modules.values()) {
    const blocks = scopeOf(tables, mod.path).blocks;
    for (const a of aliasesOf(mod))
      if (blocks.get(a.name.name)?.alias?.name !== a.name) pending.set(pendingKey(mod.path, a.name.name), { alias: a, module: mod });
  }
  /** The unresolved alias a name stands for in a module: its own, or one it imports. */
  const pendingNamed = (mod: Module, name: string): Pending | undefined => {
    const own = pending.get(pendingKey(mod.path, name));
    if (own) return own;
    for (const { decl, target } of mod.imports) {
      if (target === undefined || (decl.names && !decl.names.some((id) => id.name === name))) continue;
      const imported = pending.get(pendingKey(target, name));
      if (imported) return imported;
    }
    return undefined;
  };
  const reported = new Set<Pending>();
  for (const p of pending.values()) {
    if (reported.has(p)) continue;
    const blocks = scopeOf(tables, p.module.path).blocks;
    const existing = blocks.get(p.alias.name.name);
    // Its name is taken: by a declaration of the file (reported as declared twice) or an import (reported with the imports' clashes).
    if (existing) continue;
    // Follow the chain of unresolved aliases: it ends at a broken target or comes back.
    const chain: Pending[] = [p];
    let next = pendingNamed(p.module, p.alias.target.name);
    while (next && !chain.includes(next)) {
      chain.push(next);
      next = pendingNamed(next.module, next.alias.target.name);
    }
    if (next) {
      const cycle = chain.slice(chain.indexOf(next));
      if (cycle.some((c) => reported.has(c))) continue;
      cycle.forEach((c) => reported.add(c));
      diagnostics.push(aliasCycle(cycle));
    } else if (chain.length === 1 && !scopeOf(tables, p.module.path).unavailable.has(p.alias.target.name)) {
      // (A broken target further down a chain is reported there; one from an import that failed, at the import.)
      diagnostics.push(aliasTargetMissing(p, blocks));
    }
  }
  return pending;
}

function aliasTargetMissing(p: Pending, blocks: ReadonlyMap<string, BlockEntry>): Diagnostic {
  const target = blocks.get(p.alias.target.name);
  return makeDiagnostic("SF0110", p.alias.target.span, {
    message: target ? `\`${p.alias.target.text}\` is a block, not a network` : `no network named \`${p.alias.target.text}\``,
    label: "alias target",
    help: suggest(
      p.alias.target.name,
      [...blocks.values()].filter((b) => b.decl.kind === "network").map((b) => b.decl.name.name),
    ),
  });
}

function aliasCycle(cycle: readonly Pending[]): Diagnostic {
  const [first, ...rest] = cycle;
  if (!first) throw new Error("internal error: an empty alias cycle");
  const names = [...cycle, first].map((c) => `\`${c.alias.name.text}\``).join(" → ");
  const label = (c: Pending) => `\`${c.alias.name.text}\` is an alias of \`${c.alias.target.text}\``;
  return makeDiagnostic("SF0119", first.alias.span, {
    message: `network aliases form a cycle: ${names}`,
    label: label(first),
    related: rest.map((c) => ({ span: c.alias.span, label: label(c) })),
    help: "one of them must name a declared network: `network Name(...) -> <...> { ... }`",
  });
}

/** Names an import list asks for that the module does not declare (an unresolved alias is reported above). */
function reportMissingImports(tables: Tables, pending: ReadonlyMap<string, Pending>, diagnostics: Diagnostic[]): void {
  for (const mod of tables.program.modules.values()) {
    for (const { decl, target } of mod.imports) {
      const exported = target === undefined ? undefined : tables.own.get(target);
      if (!exported || target === undefined) continue;
      for (const id of decl.names ?? []) {
        if (exported.blocks.has(id.name) || exported.names.has(id.name) || pending.has(pendingKey(target, id.name))) continue;
        const available = [...exported.blocks.keys(), ...exported.names.keys()].sort();
        diagnostics.push(
          makeDiagnostic("SF0105", id.span, {
            message: `\`${decl.module}\` has no block, network or names map \`${id.text}\``,
            label: "not found in that module",
            help: suggest(id.name, available) ?? (available.length ? `it declares ${available.join(", ")}` : undefined),
          }),
        );
      }
    }
  }
}

/** How a name comes into a module by an import: listed, or with everything the module declares. */
interface Arrival {
  readonly import: A.ImportDecl;
  readonly span: Span;
  readonly text: string;
  /** The declaration brought in: two imports of one declaration bring in one thing. */
  readonly declaration: BlockEntry | A.NamesDecl;
}

/**
 * A name means one thing in a file. A declaration of the file's own does not
 * shadow an import, nor does one import another: either way the choice was
 * silent, and the call meant the other block. One declaration imported twice
 * (`import "./units.sf" { unit }` beside `import units`) is one meaning.
 */
function reportImportClashes(tables: Tables, diagnostics: Diagnostic[]): void {
  for (const mod of tables.program.modules.values()) {
    const declared = tables.declared.get(mod.path);
    if (!declared) throw new Error(`internal error: no declarations for ${mod.path}`);
    const imported = new Map<string, Arrival>();
    for (const { decl, target } of mod.imports) {
      const exported = target === undefined ? undefined : tables.own.get(target);
      if (!exported) continue;
      for (const arrival of arrivals(decl, exported)) {
        const name = nameOf(arrival.declaration).name;
        const own = declared.get(name);
        const first = imported.get(name);
        if (own) diagnostics.push(importedAndDeclared(arrival, own));
        else if (!first) imported.set(name, arrival);
        else if (first.declaration !== arrival.declaration) diagnostics.push(importedTwice(first, arrival));
      }
    }
  }
}

/** What one import brings in (a name the module lacks is SF0105, reported above). */
function arrivals(decl: A.ImportDecl, exported: OwnDecls): Arrival[] {
  const out: Arrival[] = [];
  const add = (name: string, span: Span, text?: string) => {
    const declaration = exported.blocks.get(name) ?? exported.names.get(name);
    if (!declaration) return;
    out.push({ import: decl, span, text: text ?? nameOf(declaration).text, declaration });
  };
  if (decl.names) for (const id of decl.names) add(id.name, id.span, id.text);
  else for (const name of [...exported.blocks.keys(), ...exported.names.keys()]) add(name, decl.moduleSpan);
  return out;
}

const nameOf = (d: BlockEntry | A.NamesDecl): A.Ident => ("decl" in d ? d.decl.name : d.name);

/** `\`std.lateral\`` brings in `\`tconv\``: how an import reads in a label, listed or not. */
function arrivalLabel(a: Arrival, listed: string): string {
  return a.import.names ? listed : `\`${a.import.module}\` brings in \`${a.text}\``;
}

function importedAndDeclared(a: Arrival, own: OwnName): Diagnostic {
  // At the second of the two in the file, as for two declarations.
  const importLabel = arrivalLabel(a, "imported here");
  const importFirst = a.span.start < own.id.span.start;
  const undo = a.import.names ? `leave \`${a.text}\` out of the import` : `list what the import brings in: \`import ${a.import.module} { ... }\``;
  return makeDiagnostic("SF0102", importFirst ? own.id.span : a.span, {
    message: `\`${a.text}\` is both declared in this file and imported from \`${a.import.module}\``,
    label: importFirst ? `${own.what} named \`${own.id.text}\`` : importLabel,
    related: [importFirst ? { span: a.span, label: importLabel } : { span: own.id.span, label: "declared here" }],
    help: `rename the ${own.what}, or ${undo}`,
  });
}

function importedTwice(first: Arrival, second: Arrival): Diagnostic {
  return makeDiagnostic("SF0102", second.span, {
    message: `\`${second.text}\` is imported from both \`${first.import.module}\` and \`${second.import.module}\``,
    label: arrivalLabel(second, "imported again here"),
    related: [{ span: first.span, label: arrivalLabel(first, "first imported here") }],
    help: `they are different declarations: import \`${second.text}\` from one module only`,
  });
}

/** "did you mean `x`?" for a close spelling (edit distance ≤ 2, or a case change). */
export function suggest(name: string, candidates: Iterable<string>): string | undefined {
  const best = closest(name, candidates);
  return best !== undefined ? `did you mean \`${best}\`?` : undefined;
}

/**
 * What a call's unknown callee could have meant, most likely first: the
 * blocks in the module's scope (its own and imported), then the ops.
 * Networks cannot be called, so they are no candidates.
 */
export function callableNames(scope: ModuleScope): string[] {
  const blocks = [...scope.blocks].filter(([, entry]) => entry.decl.kind === "block").map(([name]) => name);
  return [...blocks, ...Object.keys(OPS)];
}

/** The candidate spelt closest to `name`, if close enough (edit distance ≤ 2, or a case change); at equal distance, the earlier one. */
export function closest(name: string, candidates: Iterable<string>): string | undefined {
  // One-letter names are all one edit apart: only a change of case counts for them.
  const allowed = name.length <= 2 ? 0 : Math.min(2, Math.max(1, Math.floor(name.length / 3)));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = c.toLowerCase() === name.toLowerCase() ? 0 : editDistanceWithin(name, c, allowed);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= allowed ? best : undefined;
}

/**
 * Optimal string alignment distance (a swap of two neighbours counts as one
 * edit), or `limit + 1` when it is more than `limit`. Only cells within
 * `limit` of the diagonal can hold a distance that small, so the work is
 * length × limit: a name of 50,000 letters costs no more than a short one
 * per letter, where the whole table would take gigabytes.
 */
export function editDistanceWithin(a: string, b: string, limit: number): number {
  const over = limit + 1;
  if (Math.abs(a.length - b.length) > limit) return over;
  // Rows i − 2, i − 1 and i, reused in turn; a cell outside the band reads as `over`.
  let before = new Int32Array(b.length + 1).fill(over);
  let previous = new Int32Array(b.length + 1).fill(over);
  let row = new Int32Array(b.length + 1).fill(over);
  for (let j = 0; j <= Math.min(b.length, limit); j++) previous[j] = j;
  for (let i = 1; i <= a.length; i++) {
    const from = Math.max(1, i - limit);
    const to = Math.min(b.length, i + limit);
    row[0] = i <= limit ? i : over;
    // Left of the band: what this buffer held three rows ago is stale.
    row[from - 1] = from - 1 === 0 ? row[0]! : over;
    let smallest = row[from - 1]!;
    for (let j = from; j <= to; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, before[j - 2]! + 1);
      row[j] = Math.min(d, over);
      smallest = Math.min(smallest, row[j]!);
    }
    if (smallest >= over) return over;
    [before, previous, row] = [previous, row, before];
  }
  return previous[b.length]!;
}
