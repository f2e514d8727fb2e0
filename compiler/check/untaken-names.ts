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
import type { NameExpr } from "../ast-names";
import { BodyWalk } from "../ast-walk";
import { isOpName } from "../ops";
import { callableNames } from "../scope";
import type { Ctx } from "./context";
import { formalsOfArguments } from "./argument-slots";
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

class UntakenNames extends BodyWalk {
  /** Every name bound here: the context's and earlier branches', then those this branch assigns as it is read. */
  readonly known: Set<string>;
  readonly pathways: Set<string>;

  constructor(
    private readonly ctx: Ctx,
    before: Assigned,
    private readonly stdBlocks: () => ReadonlyMap<string, string>,
  ) {
    super();
    this.known = new Set([...ctx.vars.keys(), ...ctx.symbols.keys(), ...before.names]);
    this.pathways = new Set([...ctx.pathways, ...before.pathways]);
  }

  protected override assigned(s: A.AssignStmt): void {
    this.known.add(s.target.name);
  }

  protected override pathwayDeclared(s: A.PathwayStmt): void {
    this.known.add(s.name.name);
    this.pathways.add(s.name.name);
  }

  protected override linked(s: A.LateralStmt): void {
    for (const id of [s.source, s.target])
      if (!this.pathways.has(id.name)) this.ctx.reporter.report(M.unknownPathway(id, this.pathways, this.known.has(id.name)));
  }

  /** A name that is no variable may still be a block or an op (named where a value is wanted, which evaluation reports). */
  private isUnknown(id: A.Ident): boolean {
    return !this.known.has(id.name) && !isOpName(id.name) && !this.ctx.scope.blocks.has(id.name);
  }

  protected override name(e: NameExpr): void {
    if (this.isUnknown(e.ident)) this.ctx.reporter.report(M.unknownName(e.ident, [...this.known], false));
  }

  /** `i` is each repetition's index, in its arguments and its `then`. */
  protected override repetitions(_r: A.RepeatExpr, read: () => void): void {
    const hadIndex = this.known.has("i");
    this.known.add("i");
    read();
    if (!hadIndex) this.known.delete("i");
  }

  protected override call(callee: A.Ident, args: readonly A.Argument[], piped: boolean): void {
    const name = callee.name;
    if (!this.known.has(name) && name !== "input" && !isOpName(name) && !this.ctx.scope.blocks.has(name) && !this.ctx.scope.unavailable.has(name)) {
      this.ctx.reporter.report(M.unknownCallee(callee, callableNames(this.ctx.scope), this.stdBlocks()));
      return;
    }
    this.args(callee, args, piped);
  }

  /**
   * A call's arguments, each matched to its formal as the call binds them:
   * by name, or by position after the piped value. An op's are expressions;
   * a block's is one unless its formal takes words or blocks (`mode: plain`,
   * `f: t2c`), and one bound to no formal known here (a block value's, or
   * one past a block's formals) may be either.
   */
  private args(callee: A.Ident, args: readonly A.Argument[], piped: boolean): void {
    // A name bound here may hold a block value, which is called before an op or block of that name.
    const held = this.known.has(callee.name);
    const op = isOpName(callee.name) && !held;
    const decl = op || held ? undefined : this.ctx.scope.blocks.get(callee.name)?.decl;
    // Only an op takes a list of tensors: a block's formals are each one value.
    const slots = decl?.formals.map((formal) => ({ name: formal.name.name, variadic: false, formal }));
    const bound = slots ? formalsOfArguments(slots, args, piped) : [];
    args.forEach((a, i) => {
      const formal = bound[i]?.formal;
      const expression = op || (formal && !formal.isBlock && !formal.choices);
      if (expression) this.expr(a.value);
      else if (formal && formal.choices && !formal.isBlock) this.word(formal, formal.choices, a.value);
      else if (a.value.kind !== "name" && !(formal && formal.isBlock)) this.expr(a.value);
    });
  }

  /** A word for a choice parameter (`mode: plian`, `mode: "plian"`) must be one of its choices; any other value is read for its names. */
  private word(formal: A.Formal, choices: readonly string[], value: A.Expr): void {
    const word = value.kind === "string" ? value.value : value.kind === "name" && !this.known.has(value.ident.name) ? value.ident.text : undefined;
    if (word === undefined) return this.expr(value);
    if (!choices.includes(word)) this.ctx.reporter.report(P.notAChoice(formal.name, { words: choices }, word, value.span, formal.span));
  }
}
