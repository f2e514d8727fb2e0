/**
 * Block-valued parameters: `transform: block | "none" = tconv(k: K)`. A block
 * value is a block's name with the named arguments bound where it is written
 * (evaluated there, like any default), or one of the words the declaration
 * lists. A call of the parameter adds the call's arguments to the bound ones
 * and is then checked like a call of the block itself (interpreter.ts).
 */
import type * as A from "../ast";
import { isOpName } from "../ops";
import type { Span } from "../span";
import { describeValue, type BoundArgument, type Value } from "../values";
import type { Ctx } from "./context";
import { undecidedReads } from "./expressions";
import * as M from "./messages";
import * as P from "./parameter-messages";

export type BlockValue = Extract<Value, { kind: "block" }>;

/** What a block value is written for: the parameter's name, its words, and its declaration. */
export interface BlockSlot {
  readonly name: string;
  readonly choices: readonly string[];
  readonly declared?: Span;
}

/** Evaluates other expressions (the bound arguments): the interpreter. */
export interface ValueEvaluator {
  expr(e: A.Expr, ctx: Ctx): Value;
}

/** The block value (or word) `e` denotes in `ctx`; reports and abandons when it is neither. */
export function blockValue(it: ValueEvaluator, e: A.Expr, slot: BlockSlot, ctx: Ctx): Value {
  switch (e.kind) {
    case "string":
      if (slot.choices.includes(e.value)) return { kind: "string", value: e.value, span: e.span };
      // A block named in quotes, as choices were once written: SlowFast(transform: "t2c").
      if (ctx.scope.blocks.get(e.value)?.decl.kind === "block") return named(it, { name: e.value, text: e.value, span: e.span }, undefined, e.span, slot, ctx);
      return ctx.reporter.fail(P.noSuchBlockValue(slot.name, JSON.stringify(e.value), e.span, slot.choices, blocksIn(ctx), slot.declared));
    case "name":
      return named(it, e.ident, undefined, e.span, slot, ctx);
    case "call":
      return named(it, e.callee, e.args ?? [], e.span, slot, ctx);
    case "conditional": {
      // transform: fast_scale == 1 ? tconv : t2c
      const test = it.expr(e.test, ctx);
      if (test.kind === "poison") return test;
      if (test.kind !== "bool") return ctx.reporter.fail(M.notBoolean(e.test.span, test));
      if (test.value === undefined) return ctx.reporter.fail(M.undecidableCondition(e.test.span, undecidedReads(e.test, ctx)));
      return blockValue(it, test.value ? e.then : e.otherwise, slot, ctx);
    }
    case "number":
    case "bool":
    case "binary":
    case "neg":
    case "square":
    case "extent":
    case "floor":
    case "ceil":
    case "tuple":
    case "list":
    case "typeLiteral": {
      const v = it.expr(e, ctx);
      if (v.kind === "poison") return v;
      return ctx.reporter.fail(P.notABlockValue(slot.name, describeValue(v), e.span, slot.declared));
    }
    case "repeat":
    case "pipe":
      return ctx.reporter.fail(P.notABlockValue(slot.name, `a ${e.kind === "pipe" ? "pipe" : "repeat"}`, e.span, slot.declared));
  }
}

/** `tconv`, `tconv(k: 7)`, a word, or another block-valued parameter (further bound by `args`). */
function named(it: ValueEvaluator, id: A.Ident, args: readonly A.Argument[] | undefined, span: Span, slot: BlockSlot, ctx: Ctx): Value {
  const held = ctx.vars.get(id.name);
  if (held?.kind === "poison") return held;
  if (held?.kind === "block") return { ...held, bound: bindArguments(it, held.entry, held.bound, args ?? [], ctx), span };
  if (held?.kind === "string" && args === undefined) {
    if (slot.choices.includes(held.value)) return { ...held, span };
    return ctx.reporter.fail(P.noSuchBlockValue(slot.name, JSON.stringify(held.value), span, slot.choices, blocksIn(ctx), slot.declared));
  }
  if (held) return ctx.reporter.fail(P.notABlockValue(slot.name, `\`${id.text}\`, ${describeValue(held)}`, span, slot.declared));
  const entry = ctx.scope.blocks.get(id.name);
  if (!entry) {
    // A word may be written bare, as on the command line: SlowFast(transform: none).
    if (args === undefined && slot.choices.includes(id.name)) return { kind: "string", value: id.name, span };
    if (isOpName(id.name)) return ctx.reporter.fail(P.notABlockValue(slot.name, `the built-in op \`${id.text}\``, span, slot.declared));
    return ctx.reporter.fail(P.noSuchBlockValue(slot.name, id.text, span, slot.choices, blocksIn(ctx), slot.declared));
  }
  if (entry.decl.kind === "network") return ctx.reporter.fail(P.notABlockValue(slot.name, `the network \`${id.text}\``, span, slot.declared));
  return { kind: "block", entry, bound: bindArguments(it, entry, [], args ?? [], ctx), span };
}

/** The named arguments of a block value, checked against the block's formals and evaluated here. */
function bindArguments(
  it: ValueEvaluator,
  entry: BlockValue["entry"],
  already: readonly BoundArgument[],
  args: readonly A.Argument[],
  ctx: Ctx,
): BoundArgument[] {
  const formals = entry.decl.formals;
  const block = entry.decl.name.text;
  const bound = [...already];
  for (const a of args) {
    if (!a.name) return ctx.reporter.fail(P.blockValueArgument(block, "", "positional", a.span, []));
    const name = a.name;
    const formal = formals.find((f) => f.name.name === name.name);
    const settable = formals.filter((f) => !f.type).map((f) => f.name.name);
    if (!formal) return ctx.reporter.fail(P.blockValueArgument(block, name.text, "unknown", name.span, settable));
    if (formal.type) return ctx.reporter.fail(P.blockValueArgument(block, name.text, "tensor", name.span, settable));
    if (bound.some((b) => b.name === name.name)) return ctx.reporter.fail(P.blockValueArgument(block, name.text, "twice", a.span, settable));
    const value = formal.isBlock
      ? blockValue(it, a.value, { name: formal.name.text, choices: formal.choices ?? [], declared: formal.span }, ctx)
      : it.expr(a.value, ctx);
    bound.push({ name: name.name, value, span: a.span });
  }
  return bound;
}

function blocksIn(ctx: Ctx): string[] {
  return [...ctx.scope.blocks.values()].filter((b) => b.decl.kind === "block").map((b) => b.decl.name.name);
}
