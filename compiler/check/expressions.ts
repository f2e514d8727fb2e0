/**
 * Expressions and written types to values. Calls, repeats and pipes are the
 * interpreter's (check/interpreter.ts); everything else that an expression
 * can be is evaluated here, the same way in both modes.
 */
import type * as A from "../ast";
import { eachNameIn } from "../ast-names";
import { ceilDiv, exactDiv, floorDiv, Poly, type PolyBounds } from "../dims/poly";
import { isOpName } from "../ops";
import { videoDims } from "../shapes";
import type { Span } from "../span";
import type { TensorType } from "../types";
import type { Condition, Value } from "../values";
import type { FactRole, FactSink } from "../facts/types";
import { Abandon, factsOf, type Ctx, type Reporter } from "./context";
import * as M from "./messages";
import * as P from "./parameter-messages";
import { requireAll } from "./apply-op";
import { assumptionText, decideComparison } from "./guards";
import { decideDivides } from "./prover";
import * as R from "./refutation-messages";
import { raiseHint, type Limits } from "../limits";

/**
 * The most terms and the highest degree an expression's polynomial may have.
 * Shapes have a few terms of degree at most five or six (T·S·S·C); these
 * leave room for any written network while keeping arithmetic on them cheap.
 */
const POLY_BOUNDS = { terms: 256, degree: 64 } as const;

export abstract class Evaluator {
  /** Where the types of spans are recorded for tools, when they asked (check({facts: true})). */
  constructor(private readonly facts: FactSink | undefined) {}

  /** The resource limits checking meets; number-digits bounds computed numbers as it does literals. */
  abstract readonly limits: Limits;
  /** The session's reporter, which some checks report to rather than a context's (which may be another's, quieter). */
  abstract readonly reporter: Reporter;
  private polyBounds: PolyBounds | undefined;

  /** Records what the source at `span` evaluated to, for tools (hover, inlay hints). */
  recordFact(span: Span, role: FactRole, v: Value, ctx: Ctx): void {
    this.facts?.value(span, role, v, (p) => M.valueIn(p, ctx), ctx.mode.kind === "generic");
  }

  /**
   * For an editor (facts asked for): a branch of a network's own body that its
   * values do not take, run as if taken, on copies of the values it reads, so
   * that it has shapes too. Only its facts are kept: what it reports (block
   * signatures, checked before any network, report nothing new here), binds
   * and builds is dropped.
   */
  protected asIfTaken(ctx: Ctx, run: (apart: Ctx) => void): void {
    // Without facts (check, compile) nothing of it is kept, so it does not run: no mode apart is made.
    if (!this.facts || ctx.callSite !== undefined) return;
    const mode = ctx.mode.apart?.();
    if (!mode) return;
    // What it reports goes to the context's reporter or to the session's: both are cut back.
    const sinks = [...new Set([ctx.reporter.diagnostics, this.reporter.diagnostics])].map((list) => ({ list, before: list.length }));
    const apart: Ctx = { ...ctx, mode, vars: new Map(ctx.vars), pathways: new Set(ctx.pathways) };
    try {
      this.facts.asIfTaken(() => run(apart));
    } catch (e) {
      if (!(e instanceof Abandon)) throw e;
    } finally {
      for (const { list, before } of sinks) list.length = before;
    }
  }

  /** Runs a call, recording its result and the graph nodes it built. */
  protected recordedCall(span: Span, ctx: Ctx, run: () => Value): Value {
    if (!this.facts) return run();
    const start = this.facts.callStart();
    const v = run();
    this.facts.callEnd(span, start, v, (p) => M.valueIn(p, ctx), ctx.mode.kind === "generic");
    return v;
  }

  protected abstract call(c: A.CallExpr, piped: Value | undefined, ctx: Ctx): Value;
  protected abstract repeat(r: A.RepeatExpr, piped: Value | undefined, ctx: Ctx): Value;
  /** The side of a decided `c ? a : b` not evaluated, read for its names alone. */
  protected abstract untaken(e: A.Expr, ctx: Ctx): void;

  /** A pipe stage: the piped value becomes the first argument. */
  protected stage(st: A.CallExpr | A.RepeatExpr, input: Value, ctx: Ctx): Value {
    return st.kind === "repeat" ? this.repeat(st, input, ctx) : this.call(st, input, ctx);
  }

  expr(e: A.Expr, ctx: Ctx): Value {
    switch (e.kind) {
      case "number":
        return { kind: "dim", poly: Poly.constant(e.value), span: e.span };
      case "string":
        return { kind: "string", value: e.value, span: e.span };
      case "bool":
        return { kind: "bool", value: e.value, span: e.span };
      case "name":
        return this.lookup(e.ident, ctx);
      case "call":
        return this.recordedCall(e.span, ctx, () => this.call(e, undefined, ctx));
      case "repeat":
        return this.recordedCall(e.span, ctx, () => this.repeat(e, undefined, ctx));
      case "pipe": {
        let v = this.expr(e.head, ctx);
        for (const st of e.stages) {
          const input = v;
          v = this.recordedCall(st.span, ctx, () => this.stage(st, input, ctx));
        }
        return v;
      }
      case "binary":
        return this.bounded(this.binary(e, ctx), ctx);
      case "neg": {
        const v = this.dim(e.operand, ctx);
        return v ? { kind: "dim", poly: v.neg(), span: e.span } : { kind: "poison", span: e.span };
      }
      case "square": {
        const v = this.dim(e.operand, ctx);
        return v ? { kind: "extent", parts: [v, v], span: e.span } : { kind: "poison", span: e.span };
      }
      case "extent":
        return this.extent(e, ctx);
      case "tuple":
      case "list":
        return { kind: "list", items: e.items.map((i) => this.expr(i, ctx)), span: e.span };
      case "floor":
      case "ceil":
        return this.bounded(this.rounding(e.kind, e.operand, e.span, ctx), ctx);
      case "conditional":
        return this.conditional(e, ctx);
      case "typeLiteral": {
        const t = this.typeFromExpr(e.type, ctx);
        return t ? { kind: "type", type: t, span: e.span } : { kind: "poison", span: e.span };
      }
    }
  }

  /**
   * A number computed by arithmetic, refused (SF0004) once its polynomial is
   * past POLY_BOUNDS: each operation at most squares the size of what it is
   * given, so a chain of squarings (parameters, or block arguments, each the
   * square of the last) would otherwise exhaust memory within a few dozen
   * steps, and evaluating T^(2^40) would never end.
   */
  private bounded(v: Value, ctx: Ctx): Value {
    if (v.kind !== "dim") return v;
    // Made once: this runs at every arithmetic expression the checker evaluates.
    const bounds = (this.polyBounds ??= { ...POLY_BOUNDS, digits: this.limits.numberDigits });
    const excess = v.poly.excess(bounds);
    return excess ? ctx.reporter.fail(M.expressionTooLarge(v.span, excess, bounds, raiseHint("numberDigits", this.limits))) : v;
  }

  /** An expression that must be a number: its polynomial, or undefined after an error. */
  protected dim(e: A.Expr, ctx: Ctx): Poly | undefined {
    const v = this.expr(e, ctx);
    if (v.kind === "poison") return undefined;
    if (v.kind !== "dim") ctx.reporter.fail(M.notANumber(e.span, v));
    return v.poly;
  }

  private extent(e: Extract<A.Expr, { kind: "extent" }>, ctx: Ctx): Value {
    const parts: Poly[] = [];
    for (const p of e.parts) {
      const v = this.expr(p, ctx);
      if (v.kind === "poison") return v;
      if (v.kind === "dim") parts.push(v.poly);
      else if (v.kind === "extent") parts.push(...v.parts);
      else ctx.reporter.fail(M.extentPart(p.span, v));
    }
    return { kind: "extent", parts, span: e.span };
  }

  private conditional(e: Extract<A.Expr, { kind: "conditional" }>, ctx: Ctx): Value {
    const test = this.expr(e.test, ctx);
    if (test.kind === "poison") return test;
    if (test.kind !== "bool") return ctx.reporter.fail(M.notBoolean(e.test.span, test));
    if (test.value !== undefined) this.untaken(test.value ? e.otherwise : e.then, ctx);
    if (test.value === true) return this.expr(e.then, ctx);
    if (test.value === false) return this.expr(e.otherwise, ctx);
    const a = this.expr(e.then, ctx);
    const b = this.expr(e.otherwise, ctx);
    if (a.kind === "dim" && b.kind === "dim" && a.poly.equals(b.poly)) return a;
    return ctx.reporter.fail(M.undecidableCondition(e.test.span, undecidedReads(e.test, ctx)));
  }

  private rounding(kind: "floor" | "ceil", operand: A.Expr, span: Span, ctx: Ctx): Value {
    const ints = factsOf(ctx).isInteger;
    // ⌊a/b⌋ keeps the division; ⌊q⌋ of any other q divides by 1.
    if (operand.kind === "binary" && operand.op === "/") {
      const n = this.dim(operand.lhs, ctx);
      const d = this.dim(operand.rhs, ctx);
      if (!n || !d) return { kind: "poison", span };
      this.requirePositiveDivisor(d, operand.rhs.span, ctx);
      return { kind: "dim", poly: kind === "floor" ? floorDiv(n, d, ints) : ceilDiv(n, d, ints), span };
    }
    const q = this.dim(operand, ctx);
    if (!q) return { kind: "poison", span };
    // ⌈q⌉ = −⌊−q⌋, right whether or not q happens to be an integer.
    return { kind: "dim", poly: kind === "floor" ? floorDiv(q, Poly.ONE, ints) : floorDiv(q.neg(), Poly.ONE, ints).neg(), span };
  }

  private requirePositiveDivisor(d: Poly, span: Span, ctx: Ctx): void {
    const v = M.valueIn(d, ctx);
    if (v !== undefined && v.sign() <= 0) ctx.reporter.fail(M.divisionByNonPositive(span, d, ctx));
  }

  /** One side of == or !=, where a block's bare name is the block itself: `transform == t2c`. */
  private comparand(e: A.Expr, ctx: Ctx): Value {
    if (e.kind !== "name" || ctx.vars.has(e.ident.name)) return this.expr(e, ctx);
    const entry = ctx.scope.blocks.get(e.ident.name);
    if (entry?.decl.kind === "block") {
      const block: Value = { kind: "block", entry, bound: [], span: e.span };
      this.recordFact(e.span, "value", block, ctx);
      return block;
    }
    if (ctx.symbols.has(e.ident.name)) return this.expr(e, ctx);
    // Unknown here: the closest name may be a block's (`transform == tcovn`).
    const blocks = [...ctx.scope.blocks.values()].flatMap((b) => (b.decl.kind === "block" ? [b.decl.name.name] : []));
    return ctx.reporter.fail(M.unknownName(e.ident, [...ctx.vars.keys(), ...ctx.symbols.keys(), ...blocks], false));
  }

  private binary(e: Extract<A.Expr, { kind: "binary" }>, ctx: Ctx): Value {
    if (e.op === "==" || e.op === "!=") {
      const l = this.comparand(e.lhs, ctx);
      const r = this.comparand(e.rhs, ctx);
      if (l.kind === "poison" || r.kind === "poison") return { kind: "poison", span: e.span };
      // Two blocks: the same block, whatever arguments either value binds (transform == tconv).
      if (l.kind === "block" && r.kind === "block") {
        const same = l.entry.decl === r.entry.decl;
        return { kind: "bool", value: e.op === "==" ? same : !same, span: e.span };
      }
      // A block-valued parameter against one of its words: transform != "none".
      if ((l.kind === "block" && r.kind === "string") || (l.kind === "string" && r.kind === "block"))
        return { kind: "bool", value: e.op === "!=", span: e.span };
      if (l.kind === "string" || r.kind === "string") {
        if (l.kind !== "string" || r.kind !== "string") return ctx.reporter.fail(M.incomparable(e.span, l, r));
        // A word its parameter never takes: `mode == "residul"` would be false whatever is set.
        for (const [param, word, side] of [
          [l, r, e.lhs],
          [r, l, e.rhs],
        ] as const)
          if (param.choices && !param.choices.includes(word.value))
            return ctx.reporter.fail(P.neverTheWord(side.kind === "name" ? side.ident.text : undefined, param.choices, word.value, word.span));
        const same = l.value === r.value;
        return { kind: "bool", value: e.op === "==" ? same : !same, span: e.span };
      }
      if (l.kind === "block" || r.kind === "block") return ctx.reporter.fail(M.incomparable(e.span, l, r));
    }
    const a = this.dim(e.lhs, ctx);
    const b = this.dim(e.rhs, ctx);
    if (!a || !b) return { kind: "poison", span: e.span };
    switch (e.op) {
      case "+":
        return { kind: "dim", poly: a.add(b), span: e.span };
      case "-":
        return { kind: "dim", poly: a.sub(b), span: e.span };
      case "*":
        return { kind: "dim", poly: a.mul(b), span: e.span };
      case "/":
        return this.divide(a, b, e, ctx);
      case "%":
        return this.remainder(a, b, e, ctx);
      case "==":
      case "!=":
      case "<":
      case "<=":
      case ">":
      case ">=": {
        // Decided with the values known here, or for every size; else remembered, for each call to decide.
        const value = decideComparison(a, e.op, b, ctx);
        if (value === undefined) return { kind: "bool", value, span: e.span, condition: { kind: "compare", lhs: a, op: e.op, rhs: b } };
        return { kind: "bool", value, span: e.span };
      }
    }
  }

  private divide(a: Poly, b: Poly, e: Extract<A.Expr, { kind: "binary" }>, ctx: Ctx): Value {
    this.requirePositiveDivisor(b, e.rhs.span, ctx);
    const q = a.divExact(b);
    if (q) return { kind: "dim", poly: q, span: e.span };
    const av = M.valueIn(a, ctx);
    const bv = M.valueIn(b, ctx);
    if (av !== undefined && bv !== undefined) return { kind: "dim", poly: Poly.constant(av.div(bv)), span: e.span };
    // C/r with r a letter: a whole number where r divides C, which the block
    // then requires of its callers, like any other divisibility.
    const facts = factsOf(ctx);
    // No size makes S/(S + 1) whole: every call would fail, so the block is
    // wrong. (A refutation by values cannot arise: both were known above.)
    const outcome = decideDivides(a, b, facts);
    if (outcome.kind === "refuted" && outcome.never) return ctx.reporter.fail(R.neverMet(e.span, undefined, a, b, outcome.never, outcome.evidence, ctx));
    if (outcome.kind === "requires") requireAll(outcome.claims, { sizes: [a, b], word: ([n, d]) => R.wholeNumberText(n!, d!) }, e.span, ctx);
    return { kind: "dim", poly: exactDiv(a, b, facts.isInteger), span: e.span };
  }

  private remainder(a: Poly, b: Poly, e: Extract<A.Expr, { kind: "binary" }>, ctx: Ctx): Value {
    const av = a.constantValue() ?? M.valueIn(a, ctx);
    const bv = b.constantValue() ?? M.valueIn(b, ctx);
    if (av === undefined || bv === undefined || !av.isInteger() || !bv.isInteger() || bv.isZero()) return ctx.reporter.fail(M.badRemainder(e.span, a, b));
    const m = ((av.num % bv.num) + bv.num) % bv.num;
    return { kind: "dim", poly: Poly.constant(m), span: e.span };
  }

  private lookup(id: A.Ident, ctx: Ctx): Value {
    const v = ctx.vars.get(id.name);
    if (v) {
      this.recordFact(id.span, "value", v, ctx);
      return { ...v, span: id.span };
    }
    const candidates = [...ctx.vars.keys(), ...ctx.symbols.keys()];
    return ctx.reporter.fail(M.unknownName(id, candidates, isOpName(id.name) || ctx.scope.blocks.has(id.name)));
  }

  /** A written type, evaluated in the current scope; undefined after an error. */
  typeFromExpr(t: A.TypeExpr, ctx: Ctx): TensorType | undefined {
    try {
      const dims: Poly[][] = t.dims.map((d) => {
        const v = this.expr(d, ctx);
        if (v.kind === "poison") throw new Abandon();
        if (v.kind === "dim") return [v.poly];
        if (v.kind === "extent") return [...v.parts];
        return ctx.reporter.fail(M.dimensionNotANumber(d.span, v));
      });
      return typeOfForm(t, dims, ctx);
    } catch (e) {
      if (e instanceof Abandon) return undefined;
      throw e;
    }
  }
}

/**
 * What an undecided condition reads that has no value here, as its message
 * names it: "the dimension variable S", "the parameters k and project", "the
 * local big (which holds S > 7)" for a variable of the body holding one.
 */
export function undecidedReads(test: A.Expr, ctx: Ctx): string {
  const sizes = new Set<string>();
  const parameters = new Set<string>();
  const locals = new Set<string>();
  eachNameIn(test, ({ ident }) => {
    const v = ctx.vars.get(ident.name);
    if (v?.kind === "bool" && v.value === undefined) {
      // A boolean formal stands for itself; any other name holds a condition of the body.
      if (v.condition?.kind === "flag" && v.condition.name === ident.name) parameters.add(ident.text);
      else locals.add(v.condition ? `${ident.text} (which holds ${heldConditionText(v.condition)})` : ident.text);
    }
    if (v?.kind !== "dim") return;
    for (const name of v.poly.symbols()) {
      const info = ctx.symbols.get(name);
      if (info && info.value === undefined) (info.size ? sizes : parameters).add(info.display);
    }
  });
  const groups = [
    ["dimension variable", sizes],
    ["parameter", parameters],
    ["local", locals],
  ] as const;
  const named = groups.filter(([, names]) => names.size > 0);
  const phrases = named.map(([noun, names]) => `the ${noun}${names.size > 1 ? "s" : ""} ${[...names].join(", ").replace(/, ([^,]*)$/, " and $1")}`);
  // "S, T and k" reads as one list: after a group of several, a comma marks the next.
  const severalBefore = named.slice(0, -1).some(([, names]) => names.size > 1);
  const last = phrases.pop();
  return last === undefined ? "a value not known here" : phrases.length === 0 ? last : `${phrases.join(", ")}${severalBefore ? ", and " : " and "}${last}`;
}

/** What a local boolean holds: `S > 7`, or the parameter it was given (`p = project`). */
function heldConditionText(c: Condition): string {
  return c.kind === "flag" ? `the parameter ${c.name}` : assumptionText({ condition: c, holds: true });
}

/** <C>, <T, S², C>, <T, H×W, C>, <T, H, W, C> (ONNX order [C, T, H, W]) or raw. */
function typeOfForm(t: A.TypeExpr, dims: readonly (readonly Poly[])[], ctx: Ctx): TensorType {
  const single = dims.map((d) => (d.length === 1 ? d[0] : undefined));
  if (t.form === "raw") {
    const raw = single.filter((d): d is Poly => d !== undefined);
    if (raw.length !== dims.length) return ctx.reporter.fail(M.rawShapeExtent(t.span));
    return { layout: "raw", dims: raw };
  }
  const [a, b, c, d] = single;
  if (dims.length === 1 && a) return { layout: "vector", dims: [a] };
  const spatial = dims[1];
  if (dims.length === 3 && a && spatial?.length === 2 && c) {
    const [h, w] = spatial;
    if (h && w) return { layout: "video", dims: videoDims(a, h, w, c) };
  }
  if (dims.length === 4 && a && b && c && d) return { layout: "video", dims: videoDims(a, b, c, d) };
  return ctx.reporter.fail(M.malformedType(t.span));
}
