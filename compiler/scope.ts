/**
 * Name resolution at module level: what each module declares and imports.
 * Duplicate declarations, unknown imported names and blocks that would shadow
 * a built-in op are reported here, once, before any checking.
 */
import type * as A from "./ast";
import { makeDiagnostic, type Diagnostic } from "./diagnostics/diagnostic";
import { isOpName } from "./ops";
import { ruleProblem } from "./weights/names";
import type { Module, Program } from "./program";

export interface BlockEntry {
  readonly decl: A.BlockDecl;
  /** The scope the body is checked in (for an alias: its target's). */
  readonly module: ModuleScope;
  /** For a network alias: its name and the defaults it changes. */
  readonly alias?: { readonly name: A.Ident; readonly args: readonly A.Argument[]; readonly module: ModuleScope };
}

export interface ModuleScope {
  readonly module: Module;
  readonly params: ReadonlyMap<string, A.ParamDecl>;
  /** Blocks and networks, own and imported. */
  readonly blocks: ReadonlyMap<string, BlockEntry>;
  readonly names: ReadonlyMap<string, A.NamesDecl>;
  /** Own declarations only, in source order. */
  readonly own: readonly BlockEntry[];
}

export function buildScopes(program: Program, diagnostics: Diagnostic[]): Map<string, ModuleScope> {
  const scopes = new Map<string, ModuleScope>();
  const ownDecls = new Map<string, { blocks: Map<string, BlockEntry>; names: Map<string, A.NamesDecl> }>();

  // First pass: each module's own declarations.
  for (const mod of program.modules.values()) {
    const params = new Map<string, A.ParamDecl>();
    const blocks = new Map<string, BlockEntry>();
    const names = new Map<string, A.NamesDecl>();
    const own: BlockEntry[] = [];
    const scope: ModuleScope = { module: mod, params, blocks, names, own };
    const seen = new Map<string, A.Ident>();
    const declare = (id: A.Ident, what: string): boolean => {
      const prev = seen.get(id.name);
      if (prev) {
        diagnostics.push(
          makeDiagnostic("SF0102", id.span, {
            message: `\`${id.text}\` is declared twice`,
            label: `second ${what} named \`${id.text}\``,
            related: [{ span: prev.span, label: "first declared here" }],
          }),
        );
        return false;
      }
      seen.set(id.name, id);
      return true;
    };
    for (const item of mod.ast.items) {
      if (item.kind === "param") {
        if (declare(item.name, "parameter")) params.set(item.name.name, item);
      } else if (item.kind === "block" || item.kind === "network") {
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
        if (!declare(item.name, item.kind)) continue;
        const entry: BlockEntry = { decl: item, module: scope };
        blocks.set(item.name.name, entry);
        own.push(entry);
      } else if (item.kind === "names") {
        if (declare(item.name, "names map")) names.set(item.name.name, item);
        for (const r of item.rules) {
          const problem = ruleProblem(r.from, r.to);
          if (problem) diagnostics.push(makeDiagnostic("SF0406", r.span, { message: problem, label: "this rule" }));
        }
      }
    }
    scopes.set(mod.path, scope);
    ownDecls.set(mod.path, { blocks: new Map(blocks), names: new Map(names) });
  }

  // Aliases resolve once imports are in, in as many rounds as chains of aliases need.
  const aliasesOf = (mod: Module) => mod.ast.items.filter((i): i is A.NetworkAlias => i.kind === "alias");
  const resolveAliases = (final: boolean): void => {
    for (const mod of program.modules.values()) {
      const scope = scopes.get(mod.path)!;
      const blocks = scope.blocks as Map<string, BlockEntry>;
      for (const a of aliasesOf(mod)) {
        const existing = blocks.get(a.name.name);
        if (existing?.alias?.name === a.name) continue;
        const target = blocks.get(a.target.name);
        if (!target || target.decl.kind !== "network") {
          if (final)
            diagnostics.push(
              makeDiagnostic("SF0110", a.target.span, {
                message: target ? `\`${a.target.text}\` is a block, not a network` : `no network named \`${a.target.text}\``,
                label: "alias target",
                help: suggest(a.target.name, [...blocks.values()].filter((b) => b.decl.kind === "network").map((b) => b.decl.name.name)),
              }),
            );
          continue;
        }
        if (existing) {
          if (final) diagnostics.push(makeDiagnostic("SF0102", a.name.span, { message: `\`${a.name.text}\` is declared twice`, label: "second declaration", related: [{ span: existing.decl.name.span, label: "first declared here" }] }));
          continue;
        }
        const entry: BlockEntry = {
          decl: { ...target.decl, name: a.name },
          module: target.module,
          alias: { name: a.name, args: [...(target.alias?.args ?? []), ...a.args], module: scope },
        };
        blocks.set(a.name.name, entry);
        (scope.own as BlockEntry[]).push(entry);
        const mine = ownDecls.get(mod.path)!;
        mine.blocks.set(a.name.name, entry);
      }
    }
  };

  // Imports bring in the target's own blocks, networks and names maps.
  const importAll = (final: boolean): void => {
  for (const mod of program.modules.values()) {
    const scope = scopes.get(mod.path)!;
    const blocks = scope.blocks as Map<string, BlockEntry>;
    const names = scope.names as Map<string, A.NamesDecl>;
    for (const { decl, target } of mod.imports) {
      if (!target) continue;
      const exported = ownDecls.get(target);
      if (!exported) continue;
      const bring = (name: string): boolean => {
        const block = exported.blocks.get(name);
        const map = exported.names.get(name);
        if (!block && !map) return false;
        if (block && !blocks.has(name)) blocks.set(name, block);
        if (map && !names.has(name)) names.set(name, map);
        return true;
      };
      if (decl.names === undefined) {
        for (const name of exported.blocks.keys()) bring(name);
        for (const name of exported.names.keys()) bring(name);
        continue;
      }
      for (const id of decl.names) {
        if (!bring(id.name) && final) {
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
  };

  // Aliases may target imported networks and be imported themselves: alternate.
  resolveAliases(false);
  importAll(false);
  resolveAliases(false);
  importAll(false);
  resolveAliases(true);
  importAll(true);
  return scopes;
}

/** "did you mean `x`?" for a close spelling (edit distance ≤ 2, or a case change). */
export function suggest(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = c.toLowerCase() === name.toLowerCase() ? 0 : editDistance(name, c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  // One-letter names are all one edit apart: only a change of case counts for them.
  const allowed = name.length <= 2 ? 0 : Math.min(2, Math.max(1, Math.floor(name.length / 3)));
  return best !== undefined && bestDistance <= allowed ? `did you mean \`${best}\`?` : undefined;
}

/** Optimal string alignment distance: a swap of two neighbours counts as one edit. */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  return d[a.length]![b.length]!;
}
