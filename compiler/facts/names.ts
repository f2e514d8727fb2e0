/**
 * Name resolution for tools: every name in a module, what kind of thing it
 * names and the span where that is declared. It follows the checker's scoping
 * (a block sees its formals, its dimension variables, its locals, the module's
 * parameters and the blocks in the module's scope) and reads only the AST and
 * the module scopes, so it works on a file with errors too.
 */
import type * as A from "../ast";
import { eachNameIn, type NameExpr } from "../ast-names";
import { BodyWalk } from "../ast-walk";
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

class ModuleResolver extends BodyWalk {
  private readonly occurrences: Occurrence[] = [];
  /** The module's parameters, which every block sees and which parameters' values read. */
  private readonly moduleEnv = new Map<string, Binding>();
  /**
   * What the names read where the walk is: the module's parameters, or in a
   * block its formals, dimension variables and the locals bound so far,
   * which assignments add as they are read.
   */
  private env = this.moduleEnv;

  constructor(
    private readonly program: Program,
    private readonly scopes: ReadonlyMap<string, ModuleScope>,
    private readonly scope: ModuleScope,
  ) {
    super();
  }

  run(): Occurrence[] {
    for (const p of this.scope.params.values()) this.moduleEnv.set(p.name.name, { kind: "parameter", span: p.name.span });
    this.items(this.scope.module.ast.items);
    return this.occurrences.sort((a, b) => a.span.start - b.span.start);
  }

  private add(id: A.Ident, kind: NameKind, definition: Span | undefined, isDefinition = false): void {
    this.occurrences.push({ span: id.span, name: id.name, kind, definition, isDefinition });
  }

  protected override importDecl(decl: A.ImportDecl): void {
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

  protected override namesDecl(decl: A.NamesDecl): void {
    this.add(decl.name, "names", decl.name.span, true);
  }

  protected override param(decl: A.ParamDecl): void {
    this.add(decl.name, "parameter", decl.name.span, true);
    this.expr(decl.value);
  }

  protected override blockDecl(decl: A.BlockDecl): void {
    this.add(decl.name, decl.kind, decl.name.span, true);
    const env = new Map(this.moduleEnv);
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
    this.env = env;
    for (const f of decl.formals) {
      const b = env.get(f.name.name)!;
      this.add(f.name, b.kind, f.name.span, true);
      if (f.sort) this.add(f.sort, "argument", undefined);
      for (const d of f.type?.dims ?? []) this.expr(d);
      if (f.default) this.expr(f.default);
    }
    for (const d of decl.result.dims) this.expr(d);
    this.stmts(decl.body);
    this.env = this.moduleEnv;
  }

  protected override alias(a: A.NetworkAlias): void {
    const entry = this.scope.blocks.get(a.name.name);
    this.add(a.name, "network", a.name.span, true);
    const target = this.scope.blocks.get(a.target.name);
    this.add(a.target, "network", target?.decl.name.span);
    this.args(a.args, target ?? entry);
  }

  protected override assigned(s: A.AssignStmt): void {
    const known = this.env.get(s.target.name);
    if (known) this.add(s.target, known.kind, known.span);
    else {
      this.env.set(s.target.name, { kind: "local", span: s.target.span, holdsBlock: this.holdsBlock(s.value) });
      this.add(s.target, "local", s.target.span, true);
    }
  }

  protected override pathwayDeclared(s: A.PathwayStmt): void {
    this.env.set(s.name.name, { kind: "pathway", span: s.name.span });
    this.add(s.name, "pathway", s.name.span, true);
  }

  protected override linked(s: A.LateralStmt): void {
    for (const id of [s.source, s.target]) this.reference(id);
    if (s.fusion) {
      const b = this.env.get(s.fusion.name);
      if (b) this.add(s.fusion, b.kind, b.span);
      else this.add(s.fusion, "choice", undefined);
    }
  }

  protected override stageDeclared(s: A.StageStmt): void {
    this.add(s.name, "stage", s.name.span, true);
  }

  protected override name(e: NameExpr): void {
    this.reference(e.ident);
  }

  private reference(id: A.Ident): void {
    const b = this.env.get(id.name);
    // A dimension variable is declared by its first mention in a formal's type, which is read as a reference.
    if (b) this.add(id, b.kind, b.span, b.span.start === id.span.start && b.span.file === id.span.file);
    else if (id.name === "i") this.add(id, "local", undefined);
    else {
      const entry = this.scope.blocks.get(id.name);
      if (entry) this.add(id, entry.decl.kind, entry.decl.name.span);
      else if (isOpName(id.name)) this.add(id, "op", undefined);
    }
  }

  protected override call(callee: A.Ident, args: readonly A.Argument[]): void {
    this.args(args, this.callee(callee));
  }

  /**
   * A callee resolves as the checker calls it: a name holding a block value
   * first, then the built-in ops, then the blocks in scope. Any other local of
   * that name (`dropout(p: dropout)` with a formal `dropout: rat`) is not
   * what is called.
   */
  private callee(id: A.Ident): BlockEntry | undefined {
    const local = this.env.get(id.name);
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
  private holdsBlock(e: A.Expr): boolean {
    if (e.kind === "name") return this.env.get(e.ident.name)?.holdsBlock === true;
    if (e.kind === "conditional") return this.holdsBlock(e.then) || this.holdsBlock(e.otherwise);
    return false;
  }

  private args(args: readonly A.Argument[], callee: BlockEntry | undefined): void {
    for (const a of args) {
      if (a.name) {
        const formal = callee?.decl.formals.find((f) => f.name.name === a.name!.name);
        this.add(a.name, "argument", formal?.name.span);
      }
      this.expr(a.value);
    }
  }
}
