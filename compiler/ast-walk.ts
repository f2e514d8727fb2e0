/**
 * One walk of a module's items, a body's statements and their expressions,
 * in source order, for the tools and checks that read a whole body: the
 * untaken branches' names, the tools' name resolver and hover's search for
 * an op's argument. The walk descends; a walker overrides the hooks for the
 * pieces it reads (names, calls with their arguments, what a statement
 * binds), and each hook's default is the plain descent, so a walker that
 * overrides a descent (a block's formals, a call's arguments) says itself
 * which of their parts it reads.
 */
import type * as A from "./ast";
import { isCompound, operandsOf, type NameExpr } from "./ast-names";
import type { Span } from "./span";

/** What a value can be applied to: a call or a `repeat`, on its own or as a pipe's stage. */
type Applied = A.CallExpr | A.RepeatExpr;

export abstract class BodyWalk {
  /** Whether to descend into a node: a search skips what cannot hold its position, and everything once it has found it. */
  protected enters(_node: { readonly span: Span }): boolean {
    return true;
  }

  // ---------------------------------------------------------------- items

  items(items: readonly A.Item[]): void {
    for (const item of items) if (this.enters(item)) this.item(item);
  }

  private item(item: A.Item): void {
    switch (item.kind) {
      case "import":
        return this.importDecl(item);
      case "names":
        return this.namesDecl(item);
      case "param":
        return this.param(item);
      case "block":
      case "network":
        return this.blockDecl(item);
      case "alias":
        return this.alias(item);
    }
  }

  protected importDecl(_decl: A.ImportDecl): void {}

  protected namesDecl(_decl: A.NamesDecl): void {}

  protected param(decl: A.ParamDecl): void {
    this.expr(decl.value);
  }

  /** A block or a network: its formals' defaults, then its body. */
  protected blockDecl(decl: A.BlockDecl): void {
    for (const f of decl.formals) if (f.default) this.expr(f.default);
    this.stmts(decl.body);
  }

  /** A network with other defaults: the values of its arguments. */
  protected alias(decl: A.NetworkAlias): void {
    for (const a of decl.args) this.expr(a.value);
  }

  // ----------------------------------------------------------- statements

  stmts(stmts: readonly A.Stmt[]): void {
    for (const s of stmts) if (this.enters(s)) this.stmt(s);
  }

  private stmt(s: A.Stmt): void {
    switch (s.kind) {
      case "assign":
        this.expr(s.value);
        return this.assigned(s);
      case "pathway":
        this.expr(s.value);
        return this.pathwayDeclared(s);
      case "return":
        return this.expr(s.value);
      case "lateral":
        this.linked(s);
        this.applied(s.transform, true);
        for (const t of s.then) this.applied(t, true);
        return;
      case "stage":
        this.stageDeclared(s);
        return this.stmts(s.body);
      case "if":
        this.expr(s.condition);
        this.stmts(s.then);
        return this.stmts(s.otherwise ?? []);
    }
  }

  /** After an assignment's value is read: the target is bound from here on. */
  protected assigned(_s: A.AssignStmt): void {}

  /** After a pathway's value is read: the pathway is bound from here on. */
  protected pathwayDeclared(_s: A.PathwayStmt): void {}

  /** A lateral link's own names (its pathways and its fusion), before its transform is read. */
  protected linked(_s: A.LateralStmt): void {}

  /** A stage's name, before its body is read. */
  protected stageDeclared(_s: A.StageStmt): void {}

  // ---------------------------------------------------------- expressions

  expr(e: A.Expr): void {
    if (!this.enters(e)) return;
    if (isCompound(e)) {
      for (const operand of operandsOf(e)) this.expr(operand);
      return;
    }
    switch (e.kind) {
      case "number":
      case "string":
      case "bool":
        return;
      case "name":
        return this.name(e);
      case "call":
      case "repeat":
        return this.applied(e, false);
      case "pipe":
        this.expr(e.head);
        for (const st of e.stages) this.applied(st, true);
        return;
    }
  }

  protected name(_e: NameExpr): void {}

  /**
   * A call or a `repeat`; `piped` where a value is piped into it, which is
   * then its first positional argument: a pipe's stage, a lateral link's
   * transform and a `repeat`'s `then`.
   */
  private applied(e: Applied, piped: boolean): void {
    if (!this.enters(e)) return;
    if (e.kind === "call") return this.call(e.callee, e.args ?? [], piped);
    this.expr(e.count);
    this.repetitions(e, () => {
      // The first repetition's arguments (`first (...)`) follow the others, as its call binds them; a
      // repeat nothing is piped into takes its first positional argument as its input, which binds first too.
      this.call(e.callee, [...e.args, ...(e.firstArgs ?? [])], piped);
      if (e.then) {
        this.applied(e.then.call, true);
        if (e.then.when) this.expr(e.then.when);
      }
    });
  }

  /** Reads a `repeat`'s call and its `then` with `read`: what a walker binds around them, such as each repetition's index `i`. */
  protected repetitions(_r: A.RepeatExpr, read: () => void): void {
    read();
  }

  /**
   * A callee with its arguments (a `repeat`'s with those of its first
   * repetition); `piped` when a value piped into it is its first positional
   * argument.
   */
  protected call(_callee: A.Ident, args: readonly A.Argument[], _piped: boolean): void {
    for (const a of args) this.expr(a.value);
  }
}
