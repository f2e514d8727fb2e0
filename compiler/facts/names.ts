/**
 * Name resolution for tools: every name in a module, what kind of thing it
 * names and the span where that is declared. It follows the checker's scoping
 * (a block sees its formals, its dimension variables, its locals, the module's
 * parameters and the blocks in the module's scope) and reads only the AST and
 * the module scopes, so it works on a file with errors too.
 */
import type * as A from "../ast";
import { eachNameIn, isCompound, operandsOf } from "../ast-names";
import { isOpName } from "../ops";
import type { Program } from "../program";
import type { BlockEntry, ModuleScope } from "../scope";
import type { Span } from "../span";

/** What a name names. */
export type NameKind =
  "block" | "network" | "parameter" | "formal" | "dimension" | "local" | "pathway" | "stage" | "names" | "module" | "op" | "argument" | "choice";

/** A name where it is written, with where it is declared. */
export interface Occurrence {
  readonly span: Span;
  readonly name: string;
  readonly kind: NameKind;
  /** Where it is declared; undefined for ops, their arguments and implicit names. */
  readonly definition: Span | undefined;
  readonly isDefinition: boolean;
}

interface Binding {
  readonly kind: NameKind;
  readonly span: Span;
  /** A block-valued formal (`transform: block`), or a local given one: a call of the name calls the block it holds. */
  readonly holdsBlock?: boolean;
}

/** The whole of a module's file, as a place to jump to for an import. */
function fileSpan(program: Program, file: string): Span | undefined {
  const mod = program.modules.get(file);
  if (!mod) return undefined;
  return { ...mod.ast.span, end: 0, endLine: 1, endColumn: 1 };
}

export function resolveNames(program: Program, scopes: ReadonlyMap<string, ModuleScope>): Map<string, Occurrence[]> {
  const out = new Map<string, Occurrence[]>();
  for (const mod of program.modules.values()) {
    const scope = scopes.get(mod.path);
    if (scope) out.set(mod.path, new ModuleResolver(program, scopes, scope).run());
  }
  return out;
}

class ModuleResolver {
  private readonly occurrences: Occurrence[] = [];

  constructor(
    private readonly program: Program,
    private readonly scopes: ReadonlyMap<string, ModuleScope>,
    private readonly scope: ModuleScope,
  ) {}

  run(): Occurrence[] {
    const moduleEnv = new Map<string, Binding>();
    for (const p of this.scope.params.values()) moduleEnv.set(p.name.name, { kind: "parameter", span: p.name.span });
    for (const item of this.scope.module.ast.items) {
      switch (item.kind) {
        case "import":
          this.importDecl(item);
          break;
        case "param":
          this.add(item.name, "parameter", item.name.span, true);
          this.expr(item.value, moduleEnv);
          break;
        case "block":
        case "network":
          this.blockDecl(item, moduleEnv);
          break;
        case "alias":
          this.alias(item, moduleEnv);
          break;
        case "names":
          this.add(item.name, "names", item.name.span, true);
          break;
      }
    }
    return this.occurrences.sort((a, b) => a.span.start - b.span.start);
  }

  private add(id: A.Ident, kind: NameKind, definition: Span | undefined, isDefinition = false): void {
    this.occurrences.push({ span: id.span, name: id.name, kind, definition, isDefinition });
  }

  private importDecl(decl: A.ImportDecl): void {
    const target = this.scope.module.imports.find((i) => i.decl === decl)?.target;
    const targetSpan = target ? fileSpan(this.program, target) : undefined;
    this.occurrences.push({ span: decl.moduleSpan, name: decl.module, kind: "module", definition: targetSpan, isDefinition: false });
    const targetScope = target ? this.scopes.get(target) : undefined;
    for (const id of decl.names ?? []) {
      const entry = targetScope?.blocks.get(id.name);
      const map = targetScope?.names.get(id.name);
      if (entry) this.add(id, entry.decl.kind, entry.decl.name.span);
      else if (map) this.add(id, "names", map.name.span);
      else this.add(id, "block", undefined);
    }
  }

  private blockDecl(decl: A.BlockDecl, moduleEnv: ReadonlyMap<string, Binding>): void {
    this.add(decl.name, decl.kind, decl.name.span, true);
    const env = new Map(moduleEnv);
    const network = decl.kind === "network";
    const formals = new Set<string>();
    for (const f of decl.formals) {
      // A formal declared twice (SF0102) is read as the first, as a module's names are.
      if (formals.has(f.name.name)) continue;
      formals.add(f.name.name);
      env.set(f.name.name, { kind: network && !f.type ? "parameter" : "formal", span: f.name.span, holdsBlock: f.isBlock === true });
    }
    // Dimension variables are declared where a formal's type first names them.
    for (const f of decl.formals) {
      for (const d of f.type?.dims ?? []) {
        eachNameIn(d, ({ ident }) => {
          if (!env.has(ident.name)) env.set(ident.name, { kind: "dimension", span: ident.span });
        });
      }
    }
    for (const f of decl.formals) {
      const b = env.get(f.name.name)!;
      this.add(f.name, b.kind, f.name.span, true);
      if (f.sort) this.add(f.sort, "argument", undefined);
      for (const d of f.type?.dims ?? []) this.expr(d, env);
      if (f.default) this.expr(f.default, env);
    }
    for (const d of decl.result.dims) this.expr(d, env);
    this.stmts(decl.body, env);
  }

  private alias(a: A.NetworkAlias, moduleEnv: ReadonlyMap<string, Binding>): void {
    const entry = this.scope.blocks.get(a.name.name);
    this.add(a.name, "network", a.name.span, true);
    const target = this.scope.blocks.get(a.target.name);
    this.add(a.target, "network", target?.decl.name.span);
    this.args(a.args, target ?? entry, moduleEnv);
  }

  private stmts(stmts: readonly A.Stmt[], env: Map<string, Binding>): void {
    for (const s of stmts) {
      switch (s.kind) {
        case "assign": {
          this.expr(s.value, env);
          const known = env.get(s.target.name);
          if (known) this.add(s.target, known.kind, known.span);
          else {
            env.set(s.target.name, { kind: "local", span: s.target.span, holdsBlock: this.holdsBlock(s.value, env) });
            this.add(s.target, "local", s.target.span, true);
          }
          break;
        }
        case "pathway":
          this.expr(s.value, env);
          env.set(s.name.name, { kind: "pathway", span: s.name.span });
          this.add(s.name, "pathway", s.name.span, true);
          break;
        case "return":
          this.expr(s.value, env);
          break;
        case "lateral": {
          for (const id of [s.source, s.target]) this.reference(id, env);
          this.pipeTarget(s.transform, env);
          for (const t of s.then) this.pipeTarget(t, env);
          if (s.fusion) {
            const b = env.get(s.fusion.name);
            if (b) this.add(s.fusion, b.kind, b.span);
            else this.add(s.fusion, "choice", undefined);
          }
          break;
        }
        case "stage":
          this.add(s.name, "stage", s.name.span, true);
          this.stmts(s.body, env);
          break;
        case "if":
          this.expr(s.condition, env);
          this.stmts(s.then, env);
          if (s.otherwise) this.stmts(s.otherwise, env);
          break;
      }
    }
  }

  private reference(id: A.Ident, env: ReadonlyMap<string, Binding>): void {
    const b = env.get(id.name);
    // A dimension variable is declared by its first mention in a formal's type, which is read as a reference.
    if (b) this.add(id, b.kind, b.span, b.span.start === id.span.start && b.span.file === id.span.file);
    else if (id.name === "i") this.add(id, "local", undefined);
    else {
      const entry = this.scope.blocks.get(id.name);
      if (entry) this.add(id, entry.decl.kind, entry.decl.name.span);
      else if (isOpName(id.name)) this.add(id, "op", undefined);
    }
  }

  /**
   * A callee resolves as the checker calls it: a name holding a block value
   * first, then the built-in ops, then the blocks in scope. Any other local of
   * that name (`dropout(p: dropout)` with a formal `dropout: rat`) is not
   * what is called.
   */
  private callee(id: A.Ident, env: ReadonlyMap<string, Binding>): BlockEntry | undefined {
    const local = env.get(id.name);
    if (local?.holdsBlock) {
      this.add(id, local.kind, local.span);
      return undefined;
    }
    if (isOpName(id.name) || id.name === "input") {
      this.add(id, "op", undefined);
      return undefined;
    }
    const entry = this.scope.blocks.get(id.name);
    if (entry) this.add(id, entry.decl.kind, entry.decl.name.span);
    // Called although it holds no block: the checker says so; the name still leads to its declaration.
    else if (local) this.add(id, local.kind, local.span);
    return entry;
  }

  /** Whether a local's value is a block value: the name of one that holds a block, or a choice between such names. */
  private holdsBlock(e: A.Expr, env: ReadonlyMap<string, Binding>): boolean {
    if (e.kind === "name") return env.get(e.ident.name)?.holdsBlock === true;
    if (e.kind === "conditional") return this.holdsBlock(e.then, env) || this.holdsBlock(e.otherwise, env);
    return false;
  }

  private args(args: readonly A.Argument[] | undefined, callee: BlockEntry | undefined, env: ReadonlyMap<string, Binding>): void {
    for (const a of args ?? []) {
      if (a.name) {
        const formal = callee?.decl.formals.find((f) => f.name.name === a.name!.name);
        this.add(a.name, "argument", formal?.name.span);
      }
      this.expr(a.value, env);
    }
  }

  private pipeTarget(e: A.CallExpr | A.RepeatExpr, env: ReadonlyMap<string, Binding>): void {
    if (e.kind === "call") {
      const entry = this.callee(e.callee, env);
      this.args(e.args, entry, env);
      return;
    }
    this.expr(e.count, env);
    const entry = this.callee(e.callee, env);
    this.args(e.args, entry, env);
    this.args(e.firstArgs, entry, env);
    if (e.then) {
      this.pipeTarget(e.then.call, env);
      if (e.then.when) this.expr(e.then.when, env);
    }
  }

  private expr(e: A.Expr, env: ReadonlyMap<string, Binding>): void {
    if (isCompound(e)) {
      for (const operand of operandsOf(e)) this.expr(operand, env);
      return;
    }
    switch (e.kind) {
      case "number":
      case "string":
      case "bool":
        return;
      case "name":
        this.reference(e.ident, env);
        return;
      case "call":
      case "repeat":
        this.pipeTarget(e, env);
        return;
      case "pipe":
        this.expr(e.head, env);
        for (const st of e.stages) this.pipeTarget(st, env);
        return;
    }
  }
}
