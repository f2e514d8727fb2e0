/**
 * The checker's interpreter. One walk over statements and expressions serves
 * both of its jobs, which differ only in the mode object a context carries:
 *  - generic (GenericMode): a block body with its dimension variables (T, S,
 *    C) and parameters (α, β) as symbols, proving the declared result type
 *    for every value of them; what cannot be proved but may hold becomes a
 *    requirement of the block's signature;
 *  - instance (InstanceMode): a network with its parameters bound, where every
 *    dimension is a polynomial over the network's parameters (kept for
 *    messages) with a value, every obligation is decided, and the graph IR is
 *    built.
 *
 * The modules of compiler/check/:
 *  - interpreter.ts (this file): statements, calls, arguments, results;
 *  - expressions.ts: every other expression, and written types;
 *  - apply-op.ts: a call of a built-in op (its shape rule from ops.ts);
 *  - instantiate.ts: a call of a block (arguments against its signature);
 *  - signature.ts: a block's generic check, once, into its signature;
 *  - prover.ts: the decision procedures over polynomials (equal, divides,
 *    integral, at least, solve), returning outcomes, reporting nothing;
 *  - messages.ts: every diagnostic the checker gives, one template each;
 *  - mode.ts: what differs between generic and instance checking;
 *  - context.ts: the context on a path through a body, signatures.
 *
 * A new construct: its AST case in ast.ts, its evaluation in expressions.ts
 * (a value) or here (a statement, a call form), in both modes unless it
 * needs the IR (then a method of Mode). A new shape obligation: a decision in
 * prover.ts and a branch on its outcome where it arises. A new diagnostic: a
 * template in messages.ts (and a code in diagnostics/catalogue.ts, a UI test
 * in test/ui/); nothing else words a diagnostic.
 */
import type * as A from "../ast";
import type { Diagnostic, LabelledSpan } from "../diagnostics/diagnostic";
import { Poly } from "../dims/poly";
import { isOpName, type OpName } from "../ops";
import { readWhole } from "../program";
import { callableNames, closest, type BlockEntry, type ModuleScope } from "../scope";
import type { TensorType } from "../types";
import { blockValueText, type Value } from "../values";
import type { FactSink } from "../facts/types";
import { applyOp } from "./apply-op";
import {
  Abandon,
  bodyContext,
  factsOf,
  Reporter,
  type BodyRun,
  type Continuation,
  type Ctx,
  type FormalInfo,
  type Signature,
  type SymbolInfo,
} from "./context";
import { Evaluator } from "./expressions";
import { checkReturned } from "./result-check";
import { instantiate } from "./instantiate";
import * as M from "./messages";
import * as L from "./lateral-messages";
import type { Mode } from "./mode";
import type { SizeChange } from "./messages";
import { compareDims } from "./prover";
import { bareWord, checkBlock, formalInfos } from "./signature";
import { reportUntakenNames } from "./untaken-names";
import { blockValue, type BlockSlot, type BlockValue } from "./block-values";
import * as P from "./parameter-messages";
import { argSpans, argumentSlot, formalsOfArguments, slotsOfBlock, slotsOfOp, type ArgumentSlot } from "./argument-slots";
import { DEFAULT_LIMITS, type Limits } from "../limits";

export type { SymbolInfo, Signature, Requirement } from "./context";
export { InstanceMode } from "./mode";

/** The marker that ends a stage's body: the path leaves the stage there. */
const LEAVE_STAGE: Continuation["stmts"] = [{ kind: "leaveStage" }];

export class Interpreter extends Evaluator {
  readonly reporter: Reporter;
  /** Sizes a stride-1 window op changed by its padding, by the output dimension (see apply-op.ts). */
  readonly sizeChanges = new WeakMap<Poly, SizeChange>();
  /** Proved once per block, shared by every network elaborated after. */
  private readonly signatures = new Map<BlockEntry, Signature | "checking">();

  /** Standard-library blocks by name, with the module that declares each: for SF0106's help. */
  private readonly stdBlocks: () => ReadonlyMap<string, string>;

  constructor(
    diagnostics: Diagnostic[],
    facts?: FactSink,
    stdBlocks: () => ReadonlyMap<string, string> = () => new Map(),
    /** The resource limits checking itself meets (the paths of a generic check); the builder has the graph's. */
    readonly limits: Limits = DEFAULT_LIMITS,
  ) {
    super(facts);
    this.stdBlocks = stdBlocks;
    this.reporter = new Reporter(diagnostics);
  }

  /** The block's checked signature; its body is checked once, symbolically. `callee`: the call that asks. */
  signatureOf(entry: BlockEntry, callee?: A.Ident): Signature | undefined {
    const known = this.signatures.get(entry);
    if (known === "checking") {
      this.reporter.report(M.recursion(entry.decl, callee?.span ?? entry.decl.name.span));
      return undefined;
    }
    if (known) return known;
    this.signatures.set(entry, "checking");
    const errorsBefore = this.reporter.errorCount();
    // A block with a syntax error in it was not read whole: what its checker
    // would say is about the parser's recovery, not the source.
    const whole = readWhole(entry.module.module, entry.decl.span);
    const sig = whole
      ? checkBlock(this, entry)
      : { entry, formals: formalInfos(entry.decl, this.reporter), dimVars: [], resultType: undefined, requirements: [], missingReturns: [] };
    const final = { ...sig, ok: whole && this.reporter.errorCount() === errorsBefore };
    this.signatures.set(entry, final);
    return final;
  }

  /**
   * The block bodies being checked at a call (instantiate.ts), each keyed by
   * the block and the blocks passed to it: `apply(g: apply(g: id))` expands
   * `apply` twice, with different arguments, and ends. The same key twice is
   * an expansion that would repeat forever; so is one nested deeper than
   * MAX_TEMPLATE_DEPTH, which block arguments that grow at each level
   * (`loop(g: loop(g: g))`) would otherwise reach without ever repeating.
   */
  private readonly expanding = new Set<string>();

  enterTemplate(entry: BlockEntry, blockArguments: readonly Value[], c: A.CallExpr): string | undefined {
    const key = expansionKey(entry, blockArguments);
    if (this.expanding.has(key) || this.expanding.size >= MAX_TEMPLATE_DEPTH) {
      this.reporter.report(M.recursion(entry.decl, c.callee.span));
      return undefined;
    }
    this.expanding.add(key);
    return key;
  }

  leaveTemplate(key: string): void {
    this.expanding.delete(key);
  }

  /** A network's context: its parameters are the symbols, the IR goes into `mode`'s builder. */
  networkContext(scope: ModuleScope, symbols: Map<string, SymbolInfo>, vars: Map<string, Value>, mode: Mode): Ctx {
    return bodyContext(mode, this.reporter, scope, vars, symbols);
  }

  /** A block value written for `slot` (a default, an alias's argument, a setting): poison after a reported error. */
  evaluateBlockValue(e: A.Expr, slot: BlockSlot, ctx: Ctx): Value {
    try {
      return blockValue(this, e, slot, ctx);
    } catch (err) {
      if (err instanceof Abandon) return { kind: "poison", span: e.span };
      throw err;
    }
  }

  /** An expression evaluated on its own: poison after a reported error. */
  evaluate(e: A.Expr, ctx: Ctx): Value {
    try {
      return this.expr(e, ctx);
    } catch (err) {
      if (err instanceof Abandon) return { kind: "poison", span: e.span };
      throw err;
    }
  }

  // ----------------------------------------------------------- statements

  /**
   * Runs a body: every value it can return (several when an undecidable `if`
   * forks), and every path that ends without a `return`.
   */
  runBody(body: readonly A.Stmt[], ctx: Ctx): BodyRun {
    const run: BodyRun = { returns: [], fellOff: [] };
    this.exec({ stmts: body, from: 0, next: undefined }, ctx, run);
    return run;
  }

  /**
   * Runs statements in order. A stage or a decided `if` continues here with
   * its body and then the rest; only an undecidable `if` runs the rest twice,
   * once per branch, so nesting and recursion grow with forks alone.
   */
  private exec(start: Continuation, ctx: Ctx, run: BodyRun): void {
    let at: Continuation | undefined = start;
    let k = start.from;
    while (at !== undefined) {
      if (k >= at.stmts.length) {
        at = at.next;
        k = at?.from ?? 0;
        continue;
      }
      const s = at.stmts[k++]!;
      if (s.kind === "leaveStage") {
        ctx.mode.endStage(ctx);
        ctx = { ...ctx, path: ctx.path.slice(0, -1) };
        continue;
      }
      try {
        const outcome = this.statement(s, { stmts: at.stmts, from: k, next: at.next }, ctx, run);
        if (outcome === "done") return;
        if (outcome !== "next") {
          ({ run: at, ctx } = outcome);
          k = at.from;
        }
      } catch (e) {
        if (!(e instanceof Abandon)) throw e;
        // A failed statement poisons what it assigns so later uses stay quiet.
        const poison: Value = { kind: "poison", span: s.span };
        if (s.kind === "assign" || s.kind === "lateral") ctx.vars.set(s.target.name, poison);
        if (s.kind === "pathway") ctx.vars.set(s.name.name, poison);
        if (s.kind === "return") {
          run.returns.push({ value: poison, ctx });
          return;
        }
      }
    }
    // The statements ran out before a `return`.
    run.fellOff.push(ctx);
  }

  /** One statement: "next", what to run instead of the rest (a stage, a decided `if`), or "done" when it ran the rest or returned. */
  private statement(s: A.Stmt, rest: Continuation, ctx: Ctx, run: BodyRun): "done" | "next" | { run: Continuation; ctx: Ctx } {
    switch (s.kind) {
      case "return":
        run.returns.push({ value: this.expr(s.value, ctx), ctx });
        return "done";
      case "assign": {
        const sub = ctx.pathways.has(s.target.name) ? { ...ctx, path: [...ctx.path, s.target.name] } : ctx;
        const value = this.expr(s.value, sub);
        ctx.vars.set(s.target.name, value);
        this.recordFact(s.target.span, "binding", value, ctx);
        return "next";
      }
      case "pathway": {
        ctx.pathways.add(s.name.name);
        const value = this.expr(s.value, { ...ctx, path: [...ctx.path, s.name.name] });
        // A pathway that starts as a graph input names it in messages ("the Fast clip"), even if it is transformed before any stage.
        if (value.kind === "tensor" && value.ref !== undefined && ctx.callSite === undefined) ctx.mode.notePathway?.(s.name.name, value.ref);
        ctx.vars.set(s.name.name, value);
        this.recordFact(s.name.span, "binding", value, ctx);
        return "next";
      }
      case "lateral":
        this.lateral(s, ctx);
        return "next";
      case "stage": {
        const path = [...ctx.path, s.name.name];
        ctx.mode.beginStage(path, ctx, s.name.span);
        return { run: { stmts: s.body, from: 0, next: { stmts: LEAVE_STAGE, from: 0, next: rest } }, ctx: { ...ctx, path } };
      }
      case "if":
        return this.branch(s, rest, ctx, run);
    }
  }

  private branch(s: Extract<A.Stmt, { kind: "if" }>, rest: Continuation, ctx: Ctx, run: BodyRun): "done" | { run: Continuation; ctx: Ctx } {
    const cond = this.expr(s.condition, ctx);
    if (cond.kind === "poison") return "done";
    if (cond.kind !== "bool") return this.reporter.fail(M.notBoolean(s.condition.span, cond));
    if (cond.value !== undefined) {
      const untaken = cond.value ? (s.otherwise ?? []) : s.then;
      reportUntakenNames(untaken, ctx, this.stdBlocks);
      this.asIfTaken(ctx, (apart) => this.exec({ stmts: untaken, from: 0, next: undefined }, apart, { returns: [], fellOff: [] }));
      return {
        run: { stmts: cond.value ? s.then : (s.otherwise ?? []), from: 0, next: rest },
        ctx: { ...ctx, decided: { stmt: s, value: cond.value, before: ctx.decided } },
      };
    }
    // Past the limit this path stops here, unchecked beyond it: n flags would otherwise make 2ⁿ checks.
    if (ctx.mode.fork?.(s.condition.span, ctx, this.limits) === false) return "done";
    // Undecidable in a generic block: check each branch, each assuming its
    // way of the condition, so that what a branch requires of the callers is
    // required only where the call takes it; a boolean variable tested
    // directly is fixed in its branch.
    const flag = s.condition.kind === "name" ? s.condition.ident.name : undefined;
    for (const taken of [true, false]) {
      const vars = new Map(ctx.vars);
      if (flag) vars.set(flag, { kind: "bool", value: taken, span: s.condition.span });
      const assumptions = cond.condition ? [...ctx.assumptions, { condition: cond.condition, holds: taken }] : ctx.assumptions;
      const body: Continuation = { stmts: taken ? s.then : (s.otherwise ?? []), from: 0, next: rest };
      this.exec(body, { ...ctx, vars, pathways: new Set(ctx.pathways), assumptions }, run);
    }
    return "done";
  }

  private lateral(s: A.LateralStmt, ctx: Ctx): void {
    // Links join pathways (section 12): a plain variable of that name is not one.
    const get = (id: A.Ident): Value => {
      const value = ctx.pathways.has(id.name) ? ctx.vars.get(id.name) : undefined;
      return value ?? this.reporter.fail(M.unknownPathway(id, ctx.pathways, ctx.vars.has(id.name)));
    };
    const source = get(s.source);
    const target = get(s.target);
    // The source is read, as a name in an expression is: its shape is shown where it is written.
    this.recordFact(s.source.span, "value", source, ctx);
    // `fuse f` reads a choice parameter f when there is one: fuse fusion.
    const named = s.fusion ? ctx.vars.get(s.fusion.name) : undefined;
    const fusion = named?.kind === "string" ? named.value : (s.fusion?.name ?? "concat");
    if (fusion !== "concat" && fusion !== "sum") return this.reporter.fail(M.unknownFusion(s.fusion?.span ?? s.span, fusion));
    const lateralCtx: Ctx = { ...ctx, inLateral: s.span };
    // Each call of the transform's pipe is recorded as a pipe's stages are: the first call's shape is its own, not the pipe's result.
    const transformed = s.then.reduce(
      (v, t) => (v.kind === "poison" ? v : this.recordedCall(t.span, lateralCtx, () => this.stage(t, v, lateralCtx))),
      this.recordedCall(s.transform.span, lateralCtx, () => this.stage(s.transform, source, lateralCtx)),
    );
    // Where the link's shapes fail to fit, say which values of parameters made it (`transform` is `tsample` here).
    const chosen = this.lateralChoices(s, named, ctx);
    const fitCtx: Ctx = { ...lateralCtx, reporter: chosen.reduceRight((r, frame) => r.within(frame), lateralCtx.reporter) };
    this.lateralShapes(s, transformed, target, source, fitCtx);
    const fuseOp: OpName = fusion === "sum" ? "add" : "concat";
    const fused = applyOp(
      this,
      fuseOp,
      new Map([["xs", { kind: "list", items: [target, transformed], span: s.span }]]),
      { span: s.span, label: `${s.target.name}_fuse` },
      fitCtx,
      new Map(),
    );
    ctx.vars.set(s.target.name, fused);
    this.recordFact(s.target.span, "binding", fused, ctx);
  }

  /** The parameters whose values chose a lateral link's transform and fusion, each with where its value was given. */
  private lateralChoices(s: A.LateralStmt, fusion: Value | undefined, ctx: Ctx): LabelledSpan[] {
    const frames: LabelledSpan[] = [];
    const callee = s.transform.kind === "call" ? s.transform.callee : undefined;
    const transform = callee ? ctx.vars.get(callee.name) : undefined;
    if (callee && transform?.kind === "block") {
      const text = blockValueText(transform, (p) => M.valueIn(p, ctx)?.toString() ?? p.toString());
      frames.push({ span: transform.span, label: `\`${callee.text}\` is \`${text}\` here` });
    }
    if (s.fusion && fusion?.kind === "string") frames.push({ span: fusion.span, label: `\`${s.fusion.name}\` is \`${fusion.value}\` here` });
    return frames;
  }

  /**
   * The transformed source against the target, said in the pathways' terms:
   * frames first (a sampling that does not match the lateral's α, or a
   * Slow → Fast link that makes no time), then height and width together,
   * before the fusion op would report each axis of its "input 2" on its own.
   */
  private lateralShapes(s: A.LateralStmt, transformed: Value, target: Value, source: Value, ctx: Ctx): void {
    if (transformed.kind !== "tensor" || target.kind !== "tensor" || transformed.type.layout !== "video" || target.type.layout !== "video") return;
    const facts = factsOf(ctx);
    const [, xt, xh, xw] = transformed.type.dims;
    const [, gt, gh, gw] = target.type.dims;
    if (!xt || !xh || !xw || !gt || !gh || !gw) return;
    // The source's frames tell which way the link goes; the target's stand in when it is not a video.
    const sourceFrames = source.kind === "tensor" && source.type.layout === "video" ? (source.type.dims[1] ?? gt) : gt;
    if (compareDims(xt, gt, facts).kind === "refuted") return this.reporter.fail(L.lateralFrames(s, xt, gt, sourceFrames, ctx));
    if (compareDims(xh, gh, facts).kind === "refuted" || compareDims(xw, gw, facts).kind === "refuted") {
      const [, , sh, sw] = source.kind === "tensor" && source.type.layout === "video" ? source.type.dims : [];
      return this.reporter.fail(L.lateralSpatial(s, [xh, xw], [gh, gw], ctx, sh && sw ? [sh, sw] : undefined));
    }
  }

  // ---------------------------------------------------------------- calls

  protected repeat(r: A.RepeatExpr, piped: Value | undefined, ctx: Ctx): Value {
    const count = this.dim(r.count, ctx);
    if (!count) return { kind: "poison", span: r.span };
    const n = (count.constantValue() ?? M.valueIn(count, ctx))?.toSafeInteger();
    if (n === undefined || n < 1 || n > 100_000) return this.reporter.fail(M.badRepeatCount(r.count.span, n, M.show(count, ctx)));
    let args = r.args;
    let current = piped;
    if (!current) {
      const firstPositional = args.findIndex((a) => a.name === undefined);
      const first = args[firstPositional];
      if (!first) return this.reporter.fail(M.repeatWithoutInput(r));
      current = this.expr(first.value, ctx);
      args = args.filter((_, i) => i !== firstPositional);
    }
    const label = r.label?.parts.join(".") ?? r.callee.name;
    for (let i = 0; i < n && current.kind !== "poison"; i++) current = this.repetition(r, i, args, label, current, ctx);
    return current;
  }

  /** The i-th repetition of a `repeat`, and its `then` call when its condition holds. */
  private repetition(r: A.RepeatExpr, i: number, args: readonly A.Argument[], label: string, input: Value, ctx: Ctx): Value {
    const vars = new Map(ctx.vars);
    vars.set("i", { kind: "dim", poly: Poly.constant(i), span: r.span });
    const iterCtx: Ctx = { ...ctx, vars };
    const overrides = i === 0 && r.firstArgs ? r.firstArgs : [];
    const names = new Set(overrides.map((a) => a.name?.name));
    const merged = [...args.filter((a) => !a.name || !names.has(a.name.name)), ...overrides];
    const call: A.CallExpr = { kind: "call", callee: r.callee, args: merged, label: { parts: [`${label}${i}`], span: r.span }, span: r.span };
    const current = this.call(call, input, iterCtx);
    if (current.kind === "poison" || !r.then) return current;
    const when = r.then.when ? this.expr(r.then.when, iterCtx) : ({ kind: "bool", value: true, span: r.span } as const);
    if (when.kind === "poison") return when;
    if (when.kind !== "bool" || when.value === undefined) return this.reporter.fail(M.undecidedWhen(r.then.when?.span ?? r.span, when.kind !== "bool"));
    if (!when.value) return current;
    const thenLabel = r.then.call.label?.parts.join(".") ?? r.then.call.callee.name;
    return this.call({ ...r.then.call, label: { parts: [`${thenLabel}${i}`], span: r.then.call.span } }, current, iterCtx);
  }

  protected untaken(e: A.Expr, ctx: Ctx): void {
    reportUntakenNames(e, ctx, this.stdBlocks);
    this.asIfTaken(ctx, (apart) => void this.expr(e, apart));
  }

  protected call(c: A.CallExpr, piped: Value | undefined, ctx: Ctx): Value {
    const name = c.callee.name;
    // A block-valued parameter: transform(α: α, β: β).
    const held = ctx.vars.get(name);
    if (held?.kind === "block") {
      // Which block the name holds here, for hover: `transform` is `tconv(k: 5, ratio: 2)` at these values.
      this.recordFact(c.callee.span, "value", held, ctx);
      return this.callBlockValue(held, c, piped, ctx);
    }
    if (held && !isOpName(name) && !ctx.scope.blocks.has(name)) {
      if (held.kind === "poison") return held;
      if (held.kind === "string") return this.reporter.fail(P.wordCalled(c.callee, held.value, held.span));
    }
    if (name === "input") return ctx.mode.graphInput(c, piped !== undefined, (e) => this.graphInputType(e, ctx), ctx);
    if (isOpName(name)) {
      const args = this.bindArgs(slotsOfOp(name), c, piped, ctx);
      if (!args) return { kind: "poison", span: c.span };
      return applyOp(this, name, args, { span: c.span, label: c.label?.parts.join(".") ?? name }, ctx, argSpans(c));
    }
    const entry = ctx.scope.blocks.get(name);
    if (!entry && ctx.scope.unavailable.has(name)) return { kind: "poison", span: c.span };
    if (!entry) return this.reporter.fail(M.unknownCallee(c.callee, callableNames(ctx.scope), this.stdBlocks()));
    if (entry.decl.kind === "network") return this.reporter.fail(M.networkCalled(c.callee));
    const sig = this.signatureOf(entry, c.callee);
    if (!sig) return { kind: "poison", span: c.span };
    const args = this.bindArgs(slotsOfBlock(sig), c, piped, ctx);
    if (!args) return { kind: "poison", span: c.span };
    return instantiate(this, sig, args, c, ctx);
  }

  /**
   * A call of a block value: the call's arguments added to those the value
   * binds, then checked as a call of the block itself, its diagnostics
   * traced back to where the value was written.
   */
  private callBlockValue(v: BlockValue, c: A.CallExpr, piped: Value | undefined, ctx: Ctx): Value {
    const block = v.entry.decl.name;
    const text = blockValueText(v, (p) => M.valueIn(p, ctx)?.toString() ?? p.toString());
    const reporter = ctx.reporter.within({ span: v.span, label: `\`${c.callee.text}\` is \`${text}\` here` });
    let again = false;
    for (const a of c.args ?? []) {
      const bound = a.name ? v.bound.find((b) => b.name === a.name?.name) : undefined;
      if (a.name && bound) {
        this.reporter.report(P.boundAgain(c.callee.text, { ...a, name: a.name }, text, bound.span));
        again = true;
      }
    }
    if (again) return { kind: "poison", span: c.span };
    const sig = this.signatureOf(v.entry, c.callee);
    if (!sig) return { kind: "poison", span: c.span };
    const asBlock: A.CallExpr = { ...c, callee: { ...block, span: c.callee.span } };
    const blockCtx: Ctx = { ...ctx, reporter };
    const required = (f: FormalInfo) => f.default === undefined && !v.bound.some((b) => b.name === f.name);
    const args = this.bindArgs(
      sig.formals.map((f) => ({ name: f.name, variadic: false, required: required(f), ...argumentSlot(f) })),
      asBlock,
      piped,
      blockCtx,
      reporter,
    );
    if (!args) return { kind: "poison", span: c.span };
    for (const b of v.bound) args.set(b.name, b.value);
    return instantiate(this, sig, args, asBlock, blockCtx);
  }

  /** The argument of `input(<type>)`. */
  private graphInputType(e: A.Expr, ctx: Ctx): TensorType | undefined {
    const t = this.expr(e, ctx);
    if (t.kind === "poison") return undefined;
    if (t.kind !== "type") return this.reporter.fail(M.inputNotAType(t));
    return t.type;
  }

  /**
   * An argument's value for its formal: a block value for a block-valued
   * formal; for one that takes words, a word may be written bare, as on the
   * command line (`unit(x, mode: plain)`), where no variable has its name.
   */
  private argumentValue(e: A.Expr, formal: ArgumentSlot | undefined, ctx: Ctx): Value {
    if (formal?.slot) return blockValue(this, e, formal.slot, ctx);
    return (formal?.words && bareWord(e, ctx.vars)) || this.expr(e, ctx);
  }

  /** Positional, then named; the piped value is the first positional. */
  private bindArgs(
    formals: ReadonlyArray<ArgumentSlot>,
    c: A.CallExpr,
    piped: Value | undefined,
    ctx: Ctx,
    reporter: Reporter = this.reporter,
  ): Map<string, Value> | undefined {
    const bound = new Map<string, Value>();
    const positional: Value[] = piped ? [piped] : [];
    let poisoned = piped?.kind === "poison";
    const named: Array<{ arg: A.Argument; name: A.Ident; formal: ArgumentSlot | undefined }> = [];
    const args = c.args ?? [];
    const slots = formalsOfArguments(formals, args, piped !== undefined);
    args.forEach((a, i) => {
      if (a.name) named.push({ arg: a, name: a.name, formal: slots[i] });
      // A block given by position to a block-valued formal: link(x, y, 4, 1/2, t2c).
      else positional.push(this.argumentValue(a.value, slots[i], ctx));
    });
    const variadic = formals.find((f) => f.variadic);
    if (variadic) bound.set(variadic.name, { kind: "list", items: positional, span: c.span });
    else {
      if (positional.length > formals.length) {
        const extra = c.args?.filter((a) => !a.name)[formals.length - (piped ? 1 : 0)]?.span ?? c.span;
        reporter.fail(M.tooManyArguments(c, extra, formals.length, positional.length, piped !== undefined));
      }
      positional.forEach((v, i) => {
        const f = formals[i];
        if (f) bound.set(f.name, v);
      });
    }
    // A misspelt name (`iner`) is one mistake: its "did you mean `inner`?" says that `inner` is missing.
    const meant = new Set<string>();
    for (const { arg, name, formal } of named) {
      if (!formal) {
        const names = formals.map((f) => f.name);
        const guess = closest(name.name, names);
        if (guess !== undefined) meant.add(guess);
        reporter.report(M.unknownArgument(c, name, names));
      } else if (bound.has(formal.name)) reporter.report(M.argumentTwice(arg, name));
      else {
        bound.set(formal.name, this.argumentValue(arg.value, formal, ctx));
        continue;
      }
      poisoned = true;
    }
    const missing = formals.filter((f) => f.required && !bound.has(f.name));
    const unexplained = missing.filter((f) => !meant.has(f.name));
    if (unexplained.length > 0)
      reporter.report(
        M.missingArguments(
          c,
          unexplained.map((m) => m.name),
        ),
      );
    if (missing.length > 0) return undefined;
    for (const v of bound.values()) if (v.kind === "poison" || (v.kind === "list" && v.items.some((i) => i.kind === "poison"))) poisoned = true;
    return poisoned ? undefined : bound;
  }

  // -------------------------------------------------------------- results

  /** A returned value against the declared result type (of a block or a network). */
  checkResult(v: Value, declared: TensorType, declaredExpr: A.TypeExpr, ctx: Ctx): void {
    checkReturned(v, declared, declaredExpr, ctx, this.sizeChanges);
  }
}

/** How deep block bodies checked at calls may nest; far beyond any network's nesting of blocks. */
const MAX_TEMPLATE_DEPTH = 64;

const entryIds = new WeakMap<BlockEntry, number>();
let entriesSeen = 0;

/** A block's identity in this process: two modules may declare blocks of one name. */
function entryId(entry: BlockEntry): number {
  const known = entryIds.get(entry);
  if (known !== undefined) return known;
  entryIds.set(entry, ++entriesSeen);
  return entriesSeen;
}

/** `3(g=7(g=5))`: the block and, recursively, the blocks bound in its block arguments. */
function expansionKey(entry: BlockEntry, blockArguments: readonly Value[]): string {
  const parts = blockArguments.map((v) =>
    v.kind === "block"
      ? expansionKey(
          v.entry,
          v.bound.map((b) => b.value),
        )
      : "",
  );
  return `${entryId(entry)}(${parts.join(",")})`;
}
