/**
 * Names in the branch of an `if` (or of `c ? a : b`) that a network does not take. Only the
 * branch taken is elaborated (language.md, section 9), yet a misspelt name in
 * the other is a mistake whatever the parameters are, and a generic block
 * reports it in either branch: so the branch not taken is read for its names
 * alone, with the words given to a block's choice parameters. Nothing is
 * evaluated, and a name that could be something other than a variable where
 * it stands (a bare word or a block value given as an argument whose
 * parameter is not known here, a block compared with `==`) is left alone, so
 * that nothing valid is reported.
 */
import type * as A from "../ast";
import { isCompound, operandsOf } from "../ast-names";
import { isOpName } from "../ops";
import { callableNames } from "../scope";
import type { Ctx } from "./context";
import * as M from "./messages";
import * as P from "./parameter-messages";

/**
 * The names and pathways that branches not taken assign, by the variables of
 * the path that skipped them: `if wide { y = ... }` then `if wide { return y }`
 * is valid, and the second branch, not taken either, reads `y` as bound.
 */
interface Assigned {
  readonly names: Set<string>;
  readonly pathways: Set<string>;
}
const assignedWhereNotTaken = new WeakMap<ReadonlyMap<string, unknown>, Assigned>();

/** Reports the unknown names, callees and pathways of `branch`, read with what `ctx` has bound. */
export function reportUntakenNames(branch: readonly A.Stmt[] | A.Expr, ctx: Ctx, stdBlocks: () => ReadonlyMap<string, string>): void {
  // A body checked at each call is read once, where it is checked on its own.
  if (ctx.callSite !== undefined) return;
  let assigned = assignedWhereNotTaken.get(ctx.vars);
  if (!assigned) assignedWhereNotTaken.set(ctx.vars, (assigned = { names: new Set(), pathways: new Set() }));
  const reader = new UntakenNames(ctx, assigned, stdBlocks);
  if ("kind" in branch) reader.expr(branch);
  else reader.stmts(branch);
  for (const name of reader.known) assigned.names.add(name);
  for (const name of reader.pathways) assigned.pathways.add(name);
}

class UntakenNames {
  /** Every name bound here: the context's and earlier branches', then those this branch assigns as it is read. */
  readonly known: Set<string>;
  readonly pathways: Set<string>;

  constructor(
    private readonly ctx: Ctx,
    before: Assigned,
    private readonly stdBlocks: () => ReadonlyMap<string, string>,
  ) {
    this.known = new Set([...ctx.vars.keys(), ...ctx.symbols.keys(), ...before.names]);
    this.pathways = new Set([...ctx.pathways, ...before.pathways]);
  }

  stmts(stmts: readonly A.Stmt[]): void {
    for (const s of stmts) {
      switch (s.kind) {
        case "assign":
          this.expr(s.value);
          this.known.add(s.target.name);
          break;
        case "pathway":
          this.expr(s.value);
          this.known.add(s.name.name);
          this.pathways.add(s.name.name);
          break;
        case "return":
          this.expr(s.value);
          break;
        case "lateral":
          for (const id of [s.source, s.target])
            if (!this.pathways.has(id.name)) this.ctx.reporter.report(M.unknownPathway(id, this.pathways, this.known.has(id.name)));
          for (const t of [s.transform, ...s.then]) this.expr(t);
          break;
        case "stage":
          this.stmts(s.body);
          break;
        case "if":
          this.expr(s.condition);
          this.stmts(s.then);
          this.stmts(s.otherwise ?? []);
          break;
      }
    }
  }

  /** A name that is no variable may still be a block or an op (named where a value is wanted, which evaluation reports). */
  private isUnknown(id: A.Ident): boolean {
    return !this.known.has(id.name) && !isOpName(id.name) && !this.ctx.scope.blocks.has(id.name);
  }

  expr(e: A.Expr): void {
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
        if (this.isUnknown(e.ident)) this.ctx.reporter.report(M.unknownName(e.ident, [...this.known], false));
        return;
      case "call":
        this.call(e);
        return;
      case "repeat":
        this.repeat(e);
        return;
      case "pipe":
        this.expr(e.head);
        for (const st of e.stages) this.expr(st);
        return;
    }
  }

  private call(c: A.CallExpr): void {
    const name = c.callee.name;
    if (!this.known.has(name) && name !== "input" && !isOpName(name) && !this.ctx.scope.blocks.has(name)) {
      this.ctx.reporter.report(M.unknownCallee(c.callee, callableNames(this.ctx.scope), this.stdBlocks()));
      return;
    }
    this.args(c.callee, c.args ?? []);
  }

  private repeat(r: A.RepeatExpr): void {
    this.expr(r.count);
    // `i` is each repetition's index, in its arguments and its `then`.
    const hadIndex = this.known.has("i");
    this.known.add("i");
    this.call({ kind: "call", callee: r.callee, args: [...r.args, ...(r.firstArgs ?? [])], label: undefined, span: r.span });
    if (r.then) {
      this.call(r.then.call);
      if (r.then.when) this.expr(r.then.when);
    }
    if (!hadIndex) this.known.delete("i");
  }

  /**
   * A call's arguments. An op's are expressions; a block's named argument is
   * one unless its formal takes words or blocks (`mode: plain`, `f: t2c`),
   * and any other argument of a block, or of a block value, may be either.
   */
  private args(callee: A.Ident, args: readonly A.Argument[]): void {
    // A name bound here may hold a block value, which is called before an op or block of that name.
    const held = this.known.has(callee.name);
    const op = isOpName(callee.name) && !held;
    const formals = op || held ? undefined : this.ctx.scope.blocks.get(callee.name)?.decl.formals;
    for (const a of args) {
      const formal = a.name && formals?.find((f) => f.name.name === a.name?.name);
      const expression = op || (formal && !formal.isBlock && !formal.choices);
      if (expression) this.expr(a.value);
      else if (formal && formal.choices && !formal.isBlock) this.word(formal, formal.choices, a.value);
      else if (a.value.kind !== "name" && !(formal && formal.isBlock)) this.expr(a.value);
    }
  }

  /** A word for a choice parameter (`mode: plian`, `mode: "plian"`) must be one of its choices; any other value is read for its names. */
  private word(formal: A.Formal, choices: readonly string[], value: A.Expr): void {
    const word = value.kind === "string" ? value.value : value.kind === "name" && !this.known.has(value.ident.name) ? value.ident.text : undefined;
    if (word === undefined) return this.expr(value);
    if (!choices.includes(word)) this.ctx.reporter.report(P.notAChoice(formal.name, { words: choices }, word, value.span, formal.span));
  }
}
