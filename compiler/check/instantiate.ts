/**
 * A call of a block: its scalar arguments bound, its dimension variables
 * solved from the tensor arguments' types, its signature's requirements
 * decided at this call (carried to a generic caller where they stay open),
 * and, in an instance, its body run with the arguments bound.
 */
import type * as A from "../ast";
import type { LabelledSpan } from "../diagnostics/diagnostic";
import { Poly } from "../dims/poly";
import { Rational } from "../dims/rational";
import type { Span } from "../span";
import { axisName, type TensorType } from "../types";
import { blockValueText, type Value } from "../values";
import { requireAll, requireIntegral } from "./apply-op";
import { Abandon, factsOf, type Ctx, type MissingReturn, type Requirement, type Signature } from "./context";
import { assumptionsAtCall } from "./guards";
import type { Interpreter } from "./interpreter";
import { dimExprSpan } from "./result-check";
import * as M from "./messages";
import { bindClaim, compareDims, decide, decideAtLeast, decideIntegral, solveLinear } from "./prover";
import * as R from "./refutation-messages";
import * as Ret from "./return-messages";
import { blockValue } from "./block-values";
import { bareWord, blockSlot, checkedWithItsValue, checkedWord, checkNumberChoice, typesWith } from "./signature";

export function instantiate(it: Interpreter, sig: Signature, args: Map<string, Value>, c: A.CallExpr, ctx: Ctx): Value {
  const callee = c.callee.text;
  const bindings = new Map<string, Poly>();
  const calleeVars = new Map<string, Value>();
  const scalarsPoisoned = bindScalars(it, sig, args, callee, bindings, calleeVars, ctx);
  if (scalarsPoisoned) return scalarsPoisoned;
  // The signature was proved with each formal that takes a block, words or
  // numbers to choose from at its default: a call passing another value (or
  // one with no default) checks the body again with it, here, like a template,
  // and reads the block's types with it too (`<T, S², w·C>` with w = 2).
  const template = sig.formals.some((f) => checkedWithItsValue(f) && (args.has(f.name) || !f.default));
  const typed = template ? typesWith(it, sig, chosenValues(sig, calleeVars, ctx), ctx.reporter.within(calledHere(sig, c))) : sig;
  const poisoned = bindTensors({ ...sig, formals: typed.formals }, args, c, bindings, calleeVars, ctx);
  if (poisoned) return poisoned;
  for (const v of sig.dimVars) {
    const poly = bindings.get(v);
    if (poly) calleeVars.set(v, { kind: "dim", poly, span: c.span });
  }
  const ints = factsOf(ctx).isInteger;
  // The block's declared type at this call: what the call gives if it fails from here on.
  const resultType: TensorType | undefined =
    sig.ok && typed.resultType
      ? { layout: typed.resultType.layout, dims: typed.resultType.dims.map((d) => d.substitute((n) => bindings.get(n), ints)) }
      : undefined;
  try {
    // What the body needs of its arguments, decided here; a template's body, checked below, says it itself.
    for (const r of typed.requirements) checkRequirement(r, bindings, calleeVars, callee, c.span, ctx);
    if (!template) for (const m of sig.missingReturns) checkMissingReturn(m, bindings, calleeVars, callee, c.span, ctx);
    if (!resultType) return { kind: "poison", span: c.span };
    return runCalledBody(it, sig, args, calleeVars, resultType, template, c, ctx) ?? afterFailure(resultType, c, ctx, it.limits.tensorElements);
  } catch (e) {
    if (!(e instanceof Abandon) || !resultType) throw e;
    return afterFailure(resultType, c, ctx, it.limits.tensorElements);
  }
}

/** A call's value with the type its block declares and no graph value: a generic check's, or a failed call's. */
function declaredResult(type: TensorType, c: A.CallExpr): Value {
  return { kind: "tensor", type, ref: undefined, span: c.span };
}

/**
 * A call that failed after its arguments were bound has the type its block
 * declares, as a function's call has its declared return type: what follows
 * is checked, and has shapes in an editor, rather than being silenced (the
 * network, having an error, builds no graph). Not where a size of that type
 * cannot be one here, a whole number of at least 1, or where the type holds
 * more elements than a tensor may: the requirement that failed was what made
 * it one, or it is the error, and what follows would only repeat it.
 *
 * Only for a call written in the body being checked (a network's, or a
 * block's own check), not in a body entered for a call: there what uses the
 * value stays quiet, as it did, so that blocks which each call a failing one
 * twice run it once each rather than 2ⁿ times. Nor past a limit of the whole
 * network, where every op after it fails too.
 */
function afterFailure(type: TensorType, c: A.CallExpr, ctx: Ctx, maxElements: number): Value {
  if (ctx.callSite !== undefined || ctx.mode.pastNetworkLimit?.()) return { kind: "poison", span: c.span };
  const facts = factsOf(ctx);
  const sizes = type.dims.every((d) => decideIntegral(d, facts).kind !== "refuted" && decideAtLeast(d, Rational.ONE, facts).kind !== "refuted");
  // Counted where every size has a value (in a network); a generic check's sizes have none.
  const values = type.dims.map((d) => M.valueIn(d, ctx)?.toNumber());
  const elements = values.every((v) => v !== undefined) ? values.reduce((n: number, v) => n * v!, 1) : 0;
  return sizes && elements <= maxElements ? declaredResult(type, c) : { kind: "poison", span: c.span };
}

/** The body run at a call (in a network, or a template's check), or the declared type when the signature says enough; undefined when the body failed. */
function runCalledBody(
  it: Interpreter,
  sig: Signature,
  args: Map<string, Value>,
  calleeVars: Map<string, Value>,
  resultType: TensorType,
  template: boolean,
  c: A.CallExpr,
  ctx: Ctx,
): Value | undefined {
  const callee = c.callee.text;
  const entered = ctx.mode.blockBody(sig, calleeVars, c, ctx) ?? (template ? templateContext(sig, calleeVars, c, ctx) : undefined);
  if (!entered) return declaredResult(resultType, c);
  const bodyCtx = template ? { ...entered, reporter: withBlockArguments(entered.reporter, sig, args, ctx) } : entered;
  const expansion = template ? it.enterTemplate(sig.entry, [...args.values()], c) : undefined;
  if (template && expansion === undefined) return { kind: "poison", span: c.span };
  try {
    for (const f of sig.entry.decl.formals) {
      const v = calleeVars.get(f.name.name);
      if (v) it.recordFact(f.name.span, "formal", v, bodyCtx);
    }
    const run = it.runBody(sig.entry.decl.body, bodyCtx);
    pathsWithoutReturn(run.fellOff, run.returns.length === 0, sig, callee, c.span, ctx);
    if (template) for (const r of run.returns) it.checkResult(r.value, resultType, sig.entry.decl.result, r.ctx);
    const out = run.returns[0]?.value;
    return out?.kind === "tensor" ? { kind: "tensor", type: resultType, ref: out.ref, span: c.span } : undefined;
  } finally {
    if (expansion !== undefined) it.leaveTemplate(expansion);
  }
}

function calledHere(sig: Signature, c: A.CallExpr): LabelledSpan {
  return { span: c.span, label: `in \`${sig.entry.decl.name.text}\`, called here` };
}

/**
 * The values a call gives the formals checked with their values, for reading
 * the block's types: words as they are, numbers as the numbers they are at
 * the call (a choice's value is known there, checkNumberChoice).
 */
function chosenValues(sig: Signature, calleeVars: ReadonlyMap<string, Value>, ctx: Ctx): Map<string, Value> {
  const chosen = new Map<string, Value>();
  for (const f of sig.formals) {
    const v = calleeVars.get(f.name);
    if (!v || !checkedWithItsValue(f)) continue;
    const n = v.kind === "dim" ? (v.poly.constantValue() ?? M.valueIn(v.poly, ctx)) : undefined;
    chosen.set(f.name, n !== undefined ? { kind: "dim", poly: Poly.constant(n), span: v.span } : v);
  }
  return chosen;
}

/**
 * The paths of a body checked at this call that end without a `return`: in
 * a network every condition is decided, so the call takes such a path; in a
 * generic caller one taken under conditions of the caller's is the caller's
 * to avoid, at its own calls.
 */
function pathsWithoutReturn(fellOff: readonly Ctx[], noneReturns: boolean, sig: Signature, callee: string, at: Span, ctx: Ctx): void {
  if (fellOff.length === 0) return;
  const decl = sig.entry.decl;
  const m: MissingReturn = { when: [], block: decl.name.text, end: Ret.bodyEnd(decl) };
  // No path that returns: the call has no value, whatever the conditions.
  if (noneReturns) ctx.reporter.fail(Ret.noReturnAtCall(callee, m, at, fellOff[0]?.decided));
  for (const path of fellOff) {
    const open = path.assumptions.slice(ctx.assumptions.length);
    if (open.length > 0 && ctx.mode.missingReturn) {
      ctx.mode.missingReturn({ when: path.assumptions, block: m.block, end: m.end, origin: [Ret.missingReturnOrigin(callee, { ...m, when: open }, at)] });
      continue;
    }
    return ctx.reporter.fail(Ret.noReturnAtCall(callee, m, at, path.decided));
  }
}

/** What the body was checked with: each block passed, as it reads, where it was passed. */
function withBlockArguments(reporter: Ctx["reporter"], sig: Signature, args: Map<string, Value>, ctx: Ctx): Ctx["reporter"] {
  for (const f of sig.formals) {
    const v = args.get(f.name);
    if (f.kind !== "block" || !v) continue;
    reporter = reporter.within({
      span: v.span,
      label: `checked with \`${f.name}\` = \`${blockValueText(v, (p) => M.valueIn(p, ctx)?.toString() ?? p.toString())}\``,
    });
  }
  return reporter;
}

/** A generic caller's context for checking a callee's body at one call: the caller's symbols, the callee's names. */
function templateContext(sig: Signature, vars: Map<string, Value>, c: A.CallExpr, ctx: Ctx): Ctx {
  return {
    ...ctx,
    reporter: ctx.reporter.within(calledHere(sig, c)),
    scope: sig.entry.module,
    vars,
    pathways: new Set(),
    callSite: ctx.callSite ?? c.span,
    decided: undefined,
  };
}

/** Scalars first, defaults evaluated in the callee with what is bound so far. */
function bindScalars(
  it: Interpreter,
  sig: Signature,
  args: Map<string, Value>,
  callee: string,
  bindings: Map<string, Poly>,
  calleeVars: Map<string, Value>,
  ctx: Ctx,
): Value | undefined {
  for (const f of sig.formals) {
    if (f.kind === "tensor") continue;
    if (f.kind === "block") {
      // The default is written in the callee: its block names are the callee module's.
      const v =
        args.get(f.name) ?? (f.default ? blockValue(it, f.default, blockSlot(f), { ...ctx, scope: sig.entry.module, vars: new Map(calleeVars) }) : undefined);
      if (v?.kind === "poison") return v;
      if (v) calleeVars.set(f.name, v);
      continue;
    }
    let v = args.get(f.name);
    if (!v && f.default) v = (f.kind === "words" && bareWord(f.default, calleeVars)) || it.expr(f.default, { ...ctx, vars: new Map(calleeVars) });
    if (!v) continue;
    if (v.kind === "poison") return v;
    if (f.kind === "words") {
      const word = checkedWord(f, v, callee, ctx);
      if (word.kind === "poison") return word;
      calleeVars.set(f.name, word);
      continue;
    }
    if (f.kind === "bool") {
      if (v.kind !== "bool") ctx.reporter.fail(M.argumentKind(callee, f.name, v, "bool"));
    } else {
      if (v.kind !== "dim") return ctx.reporter.fail(M.argumentKind(callee, f.name, v, "number"));
      // The choices first: 3/2 for `k: 1 | 2` is not one of them, whatever else it is.
      if (!checkNumberChoice(it, f, v, ctx)) return { kind: "poison", span: v.span };
      if (f.kind === "int")
        requireIntegral(v.poly, `\`${f.name}\` of \`${callee}\``, v.span, ctx, undefined, swappedArgumentHelp(sig, f.name, v.poly, callee, ctx));
      bindings.set(f.name, v.poly);
    }
    calleeVars.set(f.name, v);
  }
  return undefined;
}

/**
 * A `rat` parameter passed to an int formal of another name, where the callee
 * has a formal of the parameter's own name (`tconv(β, α)`): the likelier
 * mistake is the order of the arguments, not the parameter's value.
 */
function swappedArgumentHelp(sig: Signature, formal: string, value: Poly, callee: string, ctx: Ctx): string | undefined {
  const [name] = value.symbols();
  if (name === undefined || !value.equals(Poly.symbol(name)) || name === formal || ctx.symbols.get(name)?.integer !== false) return undefined;
  if (!sig.formals.some((g) => g.name === name)) return undefined;
  return `${ctx.symbols.get(name)!.display} is a rat, given to \`${formal}\`; \`${callee}\` has a formal \`${name}\` of its own: if the arguments are out of order, name them (\`${callee}(${name}: ${name}, …)\`)`;
}

/** Then the dimension variables, solved from the tensor arguments. */
function bindTensors(
  sig: Signature,
  args: Map<string, Value>,
  c: A.CallExpr,
  bindings: Map<string, Poly>,
  calleeVars: Map<string, Value>,
  ctx: Ctx,
): Value | undefined {
  const callee = c.callee.text;
  const pending: Array<M.FormalDim & { formal: Poly }> = [];
  for (const f of sig.formals) {
    if (f.kind !== "tensor") continue;
    const v = args.get(f.name);
    if (!v || v.kind === "poison") return v ?? { kind: "poison", span: c.span };
    if (v.kind !== "tensor") return ctx.reporter.fail(M.argumentKind(callee, f.name, v, "tensor"));
    const declared = f.type;
    const declaredExpr = f.typeExpr;
    if (!declared || !declaredExpr) return { kind: "poison", span: c.span };
    calleeVars.set(f.name, v);
    if (v.type.layout !== declared.layout || v.type.dims.length !== declared.dims.length)
      ctx.reporter.fail(M.argumentForm(callee, f.name, declared, declaredExpr.span, v));
    declared.dims.forEach((d, i) => {
      const actual = v.type.dims[i];
      if (actual) pending.push({ formal: d, actual, span: v.span, dimText: d.toString(), argSpan: dimExprSpan(declaredExpr, i), axis: axisName(declared, i) });
    });
  }
  solveDimVars(sig, pending, callee, bindings, ctx);
  return undefined;
}

/** Each pending dimension with one unknown, used linearly, solves it; until none progresses. */
function solveDimVars(sig: Signature, pending: Array<M.FormalDim & { formal: Poly }>, callee: string, bindings: Map<string, Poly>, ctx: Ctx): void {
  const facts = factsOf(ctx);
  let progress = true;
  while (pending.length > 0 && progress) {
    progress = false;
    for (let k = 0; k < pending.length; k++) {
      const p = pending[k];
      if (!p) continue;
      const formal = p.formal.substitute((n) => bindings.get(n), facts.isInteger);
      const unknown = [...formal.symbols()].filter((n) => sig.dimVars.includes(n) && !bindings.has(n));
      const [x, ...others] = unknown;
      if (x === undefined) unifyEqual(formal, p, callee, ctx);
      else if (others.length === 0) {
        const lin = formal.linearIn(x);
        if (!lin) continue;
        bindings.set(x, solve(x, lin, p, callee, ctx));
      } else continue;
      pending.splice(k, 1);
      k--;
      progress = true;
    }
  }
  const [stuck] = pending;
  if (stuck) ctx.reporter.fail(M.cannotInfer(callee, stuck));
}

/** A formal's dimension with every variable known, against the argument's. */
function unifyEqual(formal: Poly, p: M.FormalDim, callee: string, ctx: Ctx): void {
  const outcome = compareDims(p.actual, formal, factsOf(ctx));
  switch (outcome.kind) {
    case "proved":
    case "undecided":
      return;
    case "requires": {
      const equality = outcome.claims.some((c) => c.relation === "equal");
      return requireAll(outcome.claims, equality ? `${p.axis} of the argument to \`${callee}\`` : `${p.axis} of the argument`, p.span, ctx);
    }
    case "refuted":
      return ctx.reporter.fail(M.argumentDimension(callee, formal, p, ctx));
  }
}

/** Solves a·X + b = actual for the dimension variable X; X must be a positive integer. */
function solve(x: string, lin: { a: Poly; b: Poly }, p: M.FormalDim, callee: string, ctx: Ctx): Poly {
  const solution = solveLinear(lin, p.actual, factsOf(ctx));
  switch (solution.kind) {
    case "solved":
      requireAll(solution.claims, `${p.axis} ${p.dimText} of the argument to \`${callee}\``, p.span, ctx);
      return solution.value;
    case "refuted": {
      if (solution.quotient.isInteger()) return ctx.reporter.fail(R.notPositive(callee, x, p, solution.quotient, ctx));
      const rv = M.valueIn(p.actual.sub(lin.b), ctx);
      const av = M.valueIn(lin.a, ctx);
      if (rv !== undefined && av !== undefined) return ctx.reporter.fail(M.notAMultiple(callee, x, lin, p, rv, av, ctx));
      return ctx.reporter.fail(M.cannotSolve(callee, x, p));
    }
    case "unsolvable":
      return ctx.reporter.fail(M.cannotSolve(callee, x, p));
  }
}

/**
 * A path of the callee's body that returns nothing, at one call: not taken,
 * taken (reported), or taken under conditions the caller cannot decide
 * either, which it passes on to its own callers.
 */
function checkMissingReturn(m: MissingReturn, bindings: Map<string, Poly>, calleeVars: Map<string, Value>, callee: string, span: Span, ctx: Ctx): void {
  const open = assumptionsAtCall(m.when, calleeVars, bindings, ctx);
  if (open === "skip") return;
  if (open.length > 0 && ctx.mode.missingReturn) {
    ctx.mode.missingReturn({ ...m, when: [...ctx.assumptions, ...open], origin: [...(m.origin ?? []), Ret.missingReturnOrigin(callee, m, span)] });
    return;
  }
  ctx.reporter.fail(Ret.noReturnAtCall(callee, m, span));
}

/** A callee's requirement at one call: met, carried to a generic caller, or reported. */
function checkRequirement(
  r: Requirement,
  bindings: Map<string, Poly>,
  calleeVars: Map<string, Value>,
  callee: string,
  span: A.CallExpr["span"],
  ctx: Ctx,
): void {
  // A requirement found on a branch this call does not take does not apply;
  // one on a branch the caller cannot decide either applies where it is taken.
  const open = assumptionsAtCall(r.when, calleeVars, bindings, ctx);
  if (open === "skip") return;
  if (open.length > 0) ctx = { ...ctx, assumptions: [...ctx.assumptions, ...open] };
  const facts = factsOf(ctx);
  const bound = bindClaim(r, bindings, facts.isInteger);
  const outcome = decide(bound, facts);
  switch (outcome.kind) {
    case "proved":
    case "undecided":
      return;
    case "requires": {
      // Passed on in the caller's sizes: words that name sizes are worded again with the call's values.
      const bind = (p: Poly) => p.substitute((n) => bindings.get(n), facts.isInteger);
      const about = r.topic ? { sizes: r.topic.sizes.map(bind), word: r.topic.word } : r.what;
      return requireAll(outcome.claims, about, span, ctx, [...(r.origin ?? []), M.requirementOrigin(callee, r)]);
    }
    case "refuted": {
      // In a generic caller: sizes that make it fail for every value of the caller's.
      const why = outcome.never && bound.relation === "divides" ? R.bracketNotes(bound.dividend, bound.divisor, outcome.never, outcome.evidence, ctx) : [];
      return ctx.reporter.fail(M.requirementNotMet(callee, r, bound, span, ctx, why));
    }
  }
}
