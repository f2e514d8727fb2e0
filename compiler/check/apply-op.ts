/**
 * A call of a built-in op: its bound arguments checked against the op's
 * formals (OpArgs), its shape rule run with the prover behind its
 * obligations (RuleContext), and its value made by the mode (in an instance,
 * an IR node).
 */
import { ceilDiv, floorDiv, Poly } from "../dims/poly";
import { Rational } from "../dims/rational";
import { makeDiagnostic, type Diagnostic } from "../diagnostics/diagnostic";
import { OPS, type FormalKind, type FormalSpec, type OpArgs, type OpName, type RuleContext } from "../ops";
import type { LabelledSpan } from "../diagnostics/diagnostic";
import type { Span } from "../span";
import type { TensorType } from "../types";
import type { Value } from "../values";
import { factsOf, type Ctx, type RequirementTopic } from "./context";
import type { Interpreter } from "./interpreter";
import * as M from "./messages";
import type { SizeChange } from "./messages";
import * as O from "./op-messages";
import { compareDims, decideAtLeast, decideDivides, decideIntegral, type Claim, type Facts } from "./prover";
import * as R from "./refutation-messages";

export function applyOp(
  it: Interpreter,
  name: OpName,
  bound: Map<string, Value>,
  at: { span: Span; label: string },
  ctx: Ctx,
  argSpans: ReadonlyMap<string, Span>,
): Value {
  const xs = bound.get("xs");
  if (xs?.kind === "list" && xs.items.some((i) => i.kind === "poison")) return { kind: "poison", span: at.span };
  const spanOf = (arg?: string): Span => (arg && argSpans.get(arg)) || bound.get(arg ?? "")?.span || at.span;
  const args = opArgs(name, bound, (d) => it.reporter.fail(d), spanOf);
  const record = OPS[name];
  const reported = ctx.reporter.diagnostics.length;
  const type = record.rule(args, ruleContext(name, spanOf, ctx, it.sizeChanges));
  // Sizes that differ were reported (every axis that does), and the rule went
  // on: its result is not what the program means, and would only be blamed
  // again where it is used.
  if (ctx.reporter.diagnostics.length > reported) return { kind: "poison", span: at.span };
  // An op that changes nothing here (upsample by 1×1²) makes no node: its input is its value.
  const x = bound.get("x");
  if (record.isIdentity?.(args) && x?.kind === "tensor") return { ...x, type, span: at.span };
  noteSizeChange(it, name, args, type, at.span);
  return ctx.mode.opResult(name, args, bound, type, at, ctx);
}

/**
 * A window op with stride 1 whose output differs from its input along an
 * axis: its padding changes the size. Noted against the output's dimension
 * objects, which later ops that keep the shape pass on, so that a result
 * of the wrong size is blamed on the op that made it, with the pad to write.
 */
function noteSizeChange(it: Interpreter, name: OpName, args: OpArgs, type: TensorType, span: Span): void {
  if (!OPS[name].formals.some((f) => f.name === "kernel") || !OPS[name].formals.some((f) => f.name === "pad") || type.layout !== "video") return;
  const input = args.tensor("x");
  if (input.layout !== "video") return;
  const kernel = args.window("kernel");
  const pad = args.window("pad");
  const stride = args.has("stride") ? args.window("stride") : kernel;
  for (let axis = 1; axis <= 3; axis++) {
    const before = input.dims[axis];
    const after = type.dims[axis];
    const k = kernel[axis - 1];
    const p = pad[axis - 1];
    if (!before || !after || !k || !p || after.equals(before) || !stride[axis - 1]?.constantValue()?.equals(Rational.ONE)) continue;
    it.sizeChanges.set(after, { span, op: name, kernel, pad, before });
  }
}

/** The op's obligations, decided by the prover and worded by the messages. */
/** `sizeChanges`: sizes a window's padding made, to name where two sizes that differ come from. */
function ruleContext(op: OpName, spanOf: (arg?: string) => Span, ctx: Ctx, sizeChanges: WeakMap<Poly, SizeChange>): RuleContext {
  const facts = factsOf(ctx);
  const fail = (d: Diagnostic): never => ctx.reporter.fail(d);
  return {
    valueOf: (p) => M.valueIn(p, ctx),
    floorDiv: (n, d) => floorDiv(n, d, facts.isInteger),
    ceilDiv: (n, d) => ceilDiv(n, d, facts.isInteger),
    requireIntegral: (p, what, arg, atLeast) => requireIntegral(p, what, spanOf(arg), ctx, atLeast),
    requireMultiple: (p, divisor, what, arg) => {
      const outcome = decideDivides(p, divisor, facts);
      switch (outcome.kind) {
        case "proved":
        case "undecided":
          return;
        case "requires":
          return requireAll(outcome.claims, `${what} a multiple of ${divisor}`, spanOf(arg), ctx);
        case "refuted":
          return fail(
            outcome.never
              ? R.neverMet(spanOf(arg), what, p, divisor, outcome.never, outcome.evidence, ctx)
              : O.notMultipleForOp(op, spanOf(arg), what, p, divisor, ctx),
          );
      }
    },
    requireAtLeast: (p, min, what, arg) => {
      if (decideAtLeast(p, Rational.of(min), facts).kind === "refuted") {
        const v = M.valueIn(p, ctx);
        if (v !== undefined) fail(O.tooSmall(op, spanOf(arg), what, p, v, min, ctx));
      }
      ctx.mode.atLeast?.(p, min, what, spanOf(arg));
    },
    requireEqual: (found, expected, what, arg, proved) => requireEqual(op, found, expected, what, spanOf(arg), proved !== undefined, ctx, facts, sizeChanges),
    fail: (code, parts, arg) => fail(makeDiagnostic(code, spanOf(arg), parts)),
  };
}

function requireEqual(
  op: OpName,
  found: Poly,
  expected: Poly,
  what: string,
  span: Span,
  mustProve: boolean,
  ctx: Ctx,
  facts: Facts,
  sizeChanges: WeakMap<Poly, SizeChange>,
): boolean {
  const outcome = compareDims(found, expected, facts);
  switch (outcome.kind) {
    case "proved":
    case "undecided":
      return true;
    case "requires":
      // Sizes that can agree for some arguments are a requirement, unless the
      // op needs them equal for all (reported by the op).
      if (mustProve && outcome.claims.some((c) => c.relation === "equal")) return false;
      requireAll(outcome.claims, what, span, ctx);
      return true;
    case "refuted":
      // An op that needs them equal for all values says itself what that means (reshape: SF0208).
      if (!mustProve) {
        const made = [found, expected].find((p) => sizeChanges.has(p));
        ctx.reporter.report(O.sizesDiffer(op, span, what, found, expected, ctx, made && { made, by: sizeChanges.get(made)! }));
      }
      return false;
  }
}

/** Claims the block's callers must meet, about `what` (or the topic's wording of its sizes). */
export function requireAll(claims: readonly Claim[], what: string | RequirementTopic, span: Span, ctx: Ctx, origin?: readonly LabelledSpan[]): void {
  const about = typeof what === "string" ? { what } : { what: what.word(what.sizes), topic: what };
  for (const claim of claims) ctx.mode.require({ ...claim, ...about, span, ...(origin ? { origin } : {}) }, ctx.assumptions);
}

/**
 * Integer dimensions: proved, required of the callers (generic), or reported;
 * `atLeast`: the least it may be; `help`: the fix where the caller knows it better than a rounding.
 */
export function requireIntegral(p: Poly, what: string, span: Span, ctx: Ctx, atLeast?: number, help?: string): void {
  const outcome = decideIntegral(p, factsOf(ctx));
  switch (outcome.kind) {
    case "proved":
    case "undecided":
      return;
    case "requires":
      return requireAll(outcome.claims, what, span, ctx);
    case "refuted": {
      if (outcome.never) return ctx.reporter.fail(R.neverMet(span, what, p, Poly.ONE, outcome.never, outcome.evidence, ctx));
      const v = M.valueIn(p, ctx);
      if (v !== undefined) ctx.reporter.fail(O.notIntegral(span, what, p, v, ctx, atLeast, help));
      return;
    }
  }
}

/** Each op's formals by name, made once: every application of the op reads them. */
interface FormalsByName {
  readonly kinds: ReadonlyMap<string, FormalKind>;
  readonly defaults: ReadonlyMap<string, FormalSpec["default"]>;
}

const formalsByOp = new Map<OpName, FormalsByName>();

function formalsOf(name: OpName): FormalsByName {
  let known = formalsByOp.get(name);
  if (known === undefined) {
    const formals = OPS[name].formals;
    known = { kinds: new Map(formals.map((f) => [f.name, f.kind])), defaults: new Map(formals.map((f) => [f.name, f.default])) };
    formalsByOp.set(name, known);
  }
  return known;
}

/** The bound arguments as the op's rule reads them; a wrong kind of value is SF0204. */
function opArgs(name: OpName, bound: Map<string, Value>, fail: (d: Diagnostic) => never, spanOf: (arg?: string) => Span): OpArgs {
  return new BoundArgs(name, bound, fail, spanOf);
}

/**
 * OpArgs over one call's bound arguments. A class rather than an object of
 * closures: one is made for every op applied, thousands in a check.
 */
class BoundArgs implements OpArgs {
  private readonly defaults: ReadonlyMap<string, FormalSpec["default"]>;

  constructor(
    private readonly name: OpName,
    private readonly bound: Map<string, Value>,
    private readonly fail: (d: Diagnostic) => never,
    private readonly spanOf: (arg?: string) => Span,
  ) {
    const formals = formalsOf(name);
    this.defaults = formals.defaults;
    // Every argument of the wrong kind is an error, whether the rule reads it or not.
    for (const [n, v] of bound) {
      const want = wrongKind(formals.kinds.get(n), v);
      if (want) this.expectKind(n, v, want);
    }
  }

  tensor(n: string): TensorType {
    return this.asTensor(n, this.get(n));
  }
  tensors(n: string): readonly TensorType[] {
    const v = this.get(n);
    return v.kind === "list" ? v.items.map((i) => this.asTensor(n, i)) : [this.asTensor(n, v)];
  }
  has(n: string): boolean {
    return this.bound.has(n) || (this.defaults.get(n) !== undefined && this.defaults.get(n) !== "optional");
  }
  dim(n: string): Poly {
    const v = this.bound.get(n);
    if (v) return v.kind === "dim" ? v.poly : this.expectKind(n, v, "a number");
    return this.defaults.get(n) as Poly;
  }
  bool(n: string): boolean | undefined {
    const v = this.bound.get(n);
    if (v) return v.kind === "bool" ? v.value : this.expectKind(n, v, "true or false");
    return this.defaults.get(n) as boolean;
  }
  window(n: string): readonly [Poly, Poly, Poly] {
    const v = this.bound.get(n);
    // An optional window (stride) has the word "optional" as its default, not a window: its time is then 1.
    const given = this.defaults.get(n);
    const byDefault = Array.isArray(given) ? (given as unknown as readonly [Poly, Poly, Poly]) : undefined;
    if (!v) return byDefault ?? tableBug(this.name, n);
    const parts = this.asDims(n, v);
    return windowOf(parts, byDefault) ?? this.fail(M.windowArity(this.spanOf(n), parts.length));
  }
  list(n: string): readonly Poly[] {
    return this.asDims(n, this.get(n));
  }
  shape(n: string): TensorType {
    const v = this.get(n);
    return v.kind === "type" ? v.type : { layout: "raw", dims: this.asDims(n, v) };
  }
  word(n: string): string {
    const v = this.bound.get(n);
    return !v ? (this.defaults.get(n) as string) : v.kind === "string" ? v.value : this.expectKind(n, v, "a string");
  }
  words(n: string): readonly string[] {
    const v = this.get(n);
    if (v.kind === "string") return [v.value];
    if (v.kind === "list") return v.items.map((i) => (i.kind === "string" ? i.value : this.expectKind(n, i, "strings")));
    return this.expectKind(n, v, "a string or a list of strings");
  }

  /** The rules ask only for their own formals, which bindArgs bound or which have defaults. */
  private get(n: string): Value {
    return this.bound.get(n) ?? tableBug(this.name, n);
  }
  private expectKind(n: string, v: Value, want: string): never {
    return this.fail(M.opArgumentKind(this.name, n, this.spanOf(n), v, want));
  }
  private asTensor(n: string, v: Value): TensorType {
    return v.kind === "tensor" ? v.type : this.expectKind(n, v, "a tensor");
  }
  private asDims(n: string, v: Value): Poly[] {
    return dimsOf(v, (bad) => this.expectKind(n, bad, "numbers"));
  }
}

/** The numbers a value holds (a number, an extent such as 3×1², or a list); anything else is `wrong`'s. */
function dimsOf(v: Value, wrong: (v: Value) => never): Poly[] {
  if (v.kind === "dim") return [v.poly];
  if (v.kind === "extent") return [...v.parts];
  if (v.kind === "list") return v.items.flatMap((i) => (i.kind === "dim" ? [i.poly] : wrong(i)));
  return wrong(v);
}

/** What an argument of this formal kind should have been, when `v` is not that. */
function wrongKind(k: FormalKind | undefined, v: Value): string | undefined {
  if (k === "tensor" && v.kind !== "tensor") return "a tensor";
  if ((k === "int" || k === "number") && v.kind !== "dim") return "a number";
  if (k === "bool" && v.kind !== "bool") return "true or false";
  if (k === "word" && v.kind !== "string") return "a string";
  if (k === "words" && v.kind !== "string" && !(v.kind === "list" && v.items.every((i) => i.kind === "string"))) return "a string or a list of strings";
  return undefined;
}

/** t×h×w from one extent (all three), two (h×w: time takes the default, 1 for a kernel, 0 for a pad) or three. */
function windowOf(parts: readonly Poly[], byDefault: readonly Poly[] | undefined): readonly [Poly, Poly, Poly] | undefined {
  const [a, b, c, ...more] = parts;
  if (a && !b) return [a, a, a];
  if (a && b && !c) return [byDefault?.[0] ?? Poly.ONE, a, b];
  if (a && b && c && more.length === 0) return [a, b, c];
  return undefined;
}

function tableBug(op: string, arg: string): never {
  throw new Error(`internal error: \`${op}\` read its argument \`${arg}\`, which it does not have`);
}
