/**
 * The checker's diagnostics: one template per situation, each a function from
 * what went wrong (a prover outcome, the values involved, the source) to a
 * Diagnostic. The interpreter decides that something is wrong; only this
 * file says how it reads. A new situation gets a new template here, and a new
 * code in diagnostics/catalogue.ts when no code names it yet.
 */
import type * as A from "../ast";
import { makeDiagnostic, type Diagnostic, type LabelledSpan, type ParameterFix } from "../diagnostics/diagnostic";
import { Poly, type PolyBounds, type PolyExcess } from "../dims/poly";
import { Rational } from "../dims/rational";
import { closest, suggest } from "../scope";
import type { Span } from "../span";
import { elementCount, formatType, type TensorType } from "../types";
import { describeValue, type Value } from "../values";
import { factsOf, type Ctx, type Requirement } from "./context";
import type { Claim } from "./prover";
import { assumptionsText } from "./guards";

// ------------------------------------------------------------- shared parts

export function valueIn(p: Poly, ctx: Ctx): Rational | undefined {
  return p.evaluate(factsOf(ctx).valueOf);
}

/** "αT = 32" in an instance, "αT" in a generic block. */
export function show(p: Poly, ctx: Ctx): string {
  const v = valueIn(p, ctx);
  const s = p.toString();
  return v === undefined || p.constantValue() !== undefined ? s : `${s} = ${v}`;
}

/** Where each parameter in `polys` got its value. */
export function provenance(polys: readonly Poly[], ctx: Ctx): LabelledSpan[] {
  const names = new Set<string>();
  for (const p of polys) p.symbols(names);
  const out: LabelledSpan[] = [];
  for (const name of names) {
    const info = ctx.symbols.get(name);
    if (!info) continue;
    const label =
      info.value === undefined ? `${info.display} is bound here` : `${info.display} = ${info.value}${info.fromCommandLine ? " (set on the command line)" : ""}`;
    out.push({ span: info.span, label });
  }
  return out.slice(0, 4);
}

export const lateralPrefix = (ctx: Ctx): string => (ctx.inLateral ? "lateral link: " : "");

// ------------------------------------------------------- blocks and calls

/** `at`: the call back into the block while its body is being checked. */
export function recursion(decl: A.BlockDecl, at: Span): Diagnostic {
  return makeDiagnostic("SF0115", at, {
    message: `\`${decl.name.text}\` uses itself`,
    label: `a call back into \`${decl.name.text}\``,
    related: [{ span: decl.name.span, label: "the recursive block" }],
    help: "a block cannot call itself, directly or through other blocks; write repeated structure with `repeat`",
  });
}

export function unknownSort(sort: A.Ident): Diagnostic {
  return makeDiagnostic("SF0213", sort.span, { message: `unknown parameter sort \`${sort.text}\``, label: "expected int, rat or bool" });
}

/**
 * A network whose block calls, with the expressions inside them, nest deeper
 * than the stack holds (SF0003). The nesting limit bounds each alone; a raised
 * limit, or deep expressions in each of many nested calls, can still get here.
 */
export function stackExhausted(decl: A.BlockDecl, nesting: number, defaultNesting: number): Diagnostic {
  return makeDiagnostic("SF0003", decl.name.span, {
    message: `${decl.kind} \`${decl.name.text}\` nests block calls and expressions deeper than sfc's stack holds`,
    label: "elaborating this network",
    help:
      nesting > defaultNesting
        ? `--limit nesting=${nesting} allows more than the stack can take; at a lower limit the deepest call is reported`
        : "make the chain of blocks calling one another shorter, or the expressions inside them shallower",
  });
}

/**
 * `known`: the ops and the blocks in scope. `stdBlocks`: each standard-library
 * block by name, with the module that declares it ("std.lateral"), so that a
 * block used without its import says where it is, and a misspelt one is
 * matched against the library too.
 */
/** `known`: the names callable here, most likely first; then the standard library's blocks, which need an import. */
export function unknownCallee(callee: A.Ident, known: readonly string[], stdBlocks: ReadonlyMap<string, string>): Diagnostic {
  const home = stdBlocks.get(callee.name);
  const close = closest(callee.name, [...known, ...stdBlocks.keys()]);
  const closeModule = close !== undefined && !known.includes(close) ? stdBlocks.get(close) : undefined;
  return makeDiagnostic("SF0106", callee.span, {
    message: `no op or block named \`${callee.text}\``,
    label: "unknown",
    help:
      home !== undefined
        ? `declared in ${home}: add \`import ${home} { ${callee.name} }\``
        : close !== undefined
          ? closeModule !== undefined
            ? `did you mean \`${close}\`? (declared in ${closeModule}: add \`import ${closeModule} { ${close} }\`)`
            : `did you mean \`${close}\`?`
          : "no op, block in scope or standard-library block is named like it: declare it as a block, or import it from the file that does",
  });
}

export function networkCalled(callee: A.Ident): Diagnostic {
  return makeDiagnostic("SF0116", callee.span, {
    message: `\`${callee.text}\` is a network; only blocks can be called`,
    label: "a network",
    help: "put what the networks share in a block, or declare an alias for other parameter values: `network Name = Other(param: value)`",
  });
}

/** `input(...)` in a block, piped into, or given other than one type (`given`: the arguments, named or not). */
export function inputMisused(callee: A.Ident, misuse: "in a block" | "piped" | { readonly given: readonly A.Argument[] }): Diagnostic {
  if (misuse === "in a block")
    return makeDiagnostic("SF0117", callee.span, {
      message: "`input(<type>)` declares a graph input, in a network body only",
      label: "not allowed in a block",
    });
  if (misuse === "piped")
    return makeDiagnostic("SF0117", callee.span, { message: "`input(<type>)` declares a graph input: nothing can be piped into it", label: "piped into" });
  const n = misuse.given.length;
  const named = misuse.given.find((a) => a.name);
  return makeDiagnostic("SF0117", callee.span, {
    message: "`input(<type>)` takes exactly one type",
    label: named?.name ? `a named argument \`${named.name.text}\`` : n === 0 ? "no type given" : `given ${n} arguments`,
  });
}

export function tooManyArguments(c: A.CallExpr, at: Span, takes: number, given: number, piped: boolean): Diagnostic {
  return makeDiagnostic("SF0107", at, {
    message: `\`${c.callee.text}\` takes at most ${takes} arguments, given ${given}${piped ? " (counting the piped input)" : ""}`,
    label: "one too many",
  });
}

export function unknownArgument(c: A.CallExpr, name: A.Ident, formals: readonly string[]): Diagnostic {
  return makeDiagnostic("SF0107", name.span, {
    message: `\`${c.callee.text}\` has no argument \`${name.text}\``,
    label: "unknown argument",
    help: suggest(name.name, formals) ?? `its arguments are ${formals.join(", ")}`,
  });
}

export function argumentTwice(a: A.Argument, name: A.Ident): Diagnostic {
  return makeDiagnostic("SF0109", a.span, { message: `argument \`${name.text}\` is given twice`, label: "again here" });
}

export function missingArguments(c: A.CallExpr, missing: readonly string[]): Diagnostic {
  return makeDiagnostic("SF0108", c.span, {
    message: `\`${c.callee.text}\` needs ${missing.map((m) => `\`${m}\``).join(", ")}`,
    label: `missing ${missing.join(", ")}`,
  });
}

export function repeatWithoutInput(r: A.RepeatExpr): Diagnostic {
  return makeDiagnostic("SF0108", r.span, { message: "`repeat` needs an input: pipe one in or pass it first", label: "no input" });
}

export function badRepeatCount(at: Span, count: number | undefined, shown: string): Diagnostic {
  return makeDiagnostic("SF0211", at, {
    message: count === undefined ? "a repeat count must be a known positive integer" : `a repeat count must be between 1 and 100000, found ${count}`,
    label: shown,
  });
}

export function undecidedWhen(at: Span, notBoolean: boolean): Diagnostic {
  return makeDiagnostic(notBoolean ? "SF0204" : "SF0212", at, { message: "`when` needs a condition known for each repetition", label: "here" });
}

// ------------------------------------------------------ names and values

export function unknownName(id: A.Ident, candidates: readonly string[], callable: boolean): Diagnostic {
  return makeDiagnostic("SF0101", id.span, {
    message: `unknown name \`${id.text}\``,
    label: "not declared here",
    help: suggest(id.name, candidates) ?? (callable ? `\`${id.text}\` is an op or block: call it, \`${id.text}(...)\`` : undefined),
  });
}

/** SF0113 for a name that is no pathway: unknown, or a variable (`isVariable`) that is not declared with `pathway`. */
export function unknownPathway(id: A.Ident, pathways: ReadonlySet<string>, isVariable = false): Diagnostic {
  const help = suggest(id.name, pathways) ?? (pathways.size ? `the pathways are ${[...pathways].join(", ")}` : "declare one with `pathway name = ...`");
  return makeDiagnostic("SF0113", id.span, {
    message: isVariable ? `\`${id.text}\` is not a pathway` : `no pathway named \`${id.text}\``,
    label: isVariable ? "not a pathway" : "unknown pathway",
    help: isVariable ? `lateral links join pathways: declare it with \`pathway ${id.text} = ...\`` : help,
  });
}

export function unknownFusion(at: Span, fusion: string): Diagnostic {
  return makeDiagnostic("SF0114", at, {
    message: `unknown fusion \`${fusion}\``,
    label: "expected `concat` or `sum`",
    help: suggest(fusion, ["concat", "sum"]),
  });
}

export function notBoolean(at: Span, v: Value): Diagnostic {
  return makeDiagnostic("SF0204", at, { message: `a condition must be a boolean, found ${describeValue(v)}`, label: "here" });
}

export function notANumber(at: Span, v: Value): Diagnostic {
  return makeDiagnostic("SF0204", at, { message: `expected a number, found ${describeValue(v)}`, label: "here" });
}

export function extentPart(at: Span, v: Value): Diagnostic {
  return makeDiagnostic("SF0204", at, { message: `an extent is made of numbers, found ${describeValue(v)}`, label: "here" });
}

/** `dependsOn`: what the condition reads that has no value here, "the dimension variable S". */
export function undecidableCondition(at: Span, dependsOn: string): Diagnostic {
  return makeDiagnostic("SF0212", at, {
    message: "this condition cannot be decided for every value of the block's parameters",
    label: `depends on ${dependsOn}`,
    help: "use an `if` statement, whose branches are checked separately, or make the value a parameter",
  });
}

export function incomparable(at: Span, l: Value, r: Value): Diagnostic {
  return makeDiagnostic("SF0204", at, { message: `cannot compare ${describeValue(l)} with ${describeValue(r)}`, label: "here" });
}

export function divisionByNonPositive(at: Span, d: Poly, ctx: Ctx): Diagnostic {
  return makeDiagnostic("SF0211", at, { message: `division by ${show(d, ctx)}`, label: "must be positive" });
}

export function badRemainder(at: Span, a: Poly, b: Poly): Diagnostic {
  return makeDiagnostic("SF0204", at, { message: "`%` takes two known integers, the second not 0", label: `${a} % ${b}` });
}

export function inputNotAType(v: Value): Diagnostic {
  return makeDiagnostic("SF0204", v.span, { message: `\`input\` takes a type such as <T, S², 3>, found ${describeValue(v)}`, label: "here" });
}

export function argumentKind(callee: string, formal: string, v: Value, kind: "bool" | "number" | "tensor" | "word"): Diagnostic {
  const [noun, want] = {
    bool: ["a boolean", "true or false"],
    number: ["a number", "a number"],
    tensor: ["a tensor", "a tensor"],
    word: ["a word", "one of its words, quoted"],
  }[kind];
  return makeDiagnostic("SF0204", v.span, { message: `\`${formal}\` of \`${callee}\` is ${noun}, found ${describeValue(v)}`, label: `expected ${want}` });
}

export function opArgumentKind(op: string, arg: string, at: Span, v: Value, want: string): Diagnostic {
  return makeDiagnostic("SF0204", at, { message: `\`${op}\` expects ${want} for \`${arg}\`, found ${describeValue(v)}`, label: `expected ${want}` });
}

export function windowArity(at: Span, found: number): Diagnostic {
  return makeDiagnostic("SF0211", at, { message: `a window has 3 extents (t×h×w), found ${found}`, label: "write e.g. 3×1² or (3, 1, 1)" });
}

// ------------------------------------------------------------------ types

export function dimensionNotANumber(at: Span, v: Value): Diagnostic {
  return makeDiagnostic("SF0213", at, { message: `a dimension must be a number, found ${describeValue(v)}`, label: "here" });
}

export function rawShapeExtent(at: Span): Diagnostic {
  return makeDiagnostic("SF0213", at, { message: "a raw shape lists single dimensions", label: "no extents here" });
}

export function malformedType(at: Span): Diagnostic {
  return makeDiagnostic("SF0213", at, {
    message: "a type is <C>, <T, S², C>, <T, H×W, C>, <T, H, W, C> or a raw [d0, d1, ...]",
    label: "not one of these forms",
  });
}

export function unusableSize(at: Span, d: Poly, ctx: Ctx): Diagnostic {
  return makeDiagnostic("SF0004", at, {
    message: `dimension ${show(d, ctx)} is not a usable size`,
    label: "too large or not an integer",
    related: provenance([d], ctx),
  });
}

/** A number an op's ONNX node takes as an integer attribute (a stride of 1e30) that no 32-bit size can hold. */
export function attributeOutOfRange(at: Span, value: Rational): Diagnostic {
  return makeDiagnostic("SF0004", at, { message: `the number ${value} is too large for an attribute of this op (at most 2³¹)`, label: "given to this op" });
}

/** An expression whose polynomial is past a bound of Poly.excess (see Evaluator.bounded); `hint`: how to raise the digits. */
export function expressionTooLarge(at: Span, excess: PolyExcess, most: PolyBounds, hint: string): Diagnostic {
  const what: Record<PolyExcess["kind"], string> = {
    terms: `expands to ${excess.found} terms; sfc works with at most ${most.terms}`,
    degree: `has degree ${excess.found} in the sizes it depends on; sfc works with at most ${most.degree}`,
    digits: `has a value that needs more than ${excess.found} digits written out`,
  };
  return makeDiagnostic("SF0004", at, {
    message: `this expression ${what[excess.kind]}`,
    label: "computed here",
    help: excess.kind === "digits" ? hint : undefined,
  });
}

// ---------------------------------------------------------------- results

export function resultNotATensor(v: Value): Diagnostic {
  return makeDiagnostic("SF0204", v.span, { message: `the result must be a tensor, found ${describeValue(v)}`, label: "returned here" });
}

const LAYOUT_KIND: Record<TensorType["layout"], string> = { video: "a video tensor <T, H×W, C>", vector: "a vector <C>", raw: "a raw tensor [d0, d1, ...]" };

export function resultForm(v: { type: TensorType; span: Span }, declared: TensorType, declaredAt: Span): Diagnostic {
  // The same elements in another kind of layout: a reshape away, and it should say so.
  if (v.type.layout !== declared.layout && elementCount(v.type).equals(elementCount(declared)))
    return makeDiagnostic("SF0201", v.span, {
      message: `the result has the declared sizes but not its layout: it is ${LAYOUT_KIND[v.type.layout]}, declared ${LAYOUT_KIND[declared.layout]}`,
      label: `this is ${formatType(v.type)}`,
      related: [{ span: declaredAt, label: `declared ${formatType(declared)}` }],
      notes: [`both hold ${elementCount(declared)} elements`],
      help: `reshape it to the declared type: \`reshape(…, ${formatType(declared)})\``,
    });
  return makeDiagnostic("SF0201", v.span, {
    message: `the result is ${formatType(v.type)}, declared ${formatType(declared)}`,
    label: `this is ${formatType(v.type)}`,
    related: [{ span: declaredAt, label: `declared ${formatType(declared)}` }],
  });
}

export function resultDimension(
  v: { type: TensorType; span: Span },
  declared: TensorType,
  axis: string,
  found: Poly,
  expected: Poly,
  declaredAt: Span,
  ctx: Ctx,
): Diagnostic {
  const some = ctx.mode.kind === "generic" ? `for some ${[...new Set([...found.symbols(), ...expected.symbols()])].join(", ") || "values"}` : "";
  // In an instance the values too (⌊(F + 1)/3⌋ = 3), and where the parameters got them: the form alone may hold elsewhere.
  return makeDiagnostic("SF0201", v.span, {
    message: `the result has ${axis} ${show(found, ctx)}, but the declared type says ${show(expected, ctx)}`,
    label: `this is ${formatType(v.type)}`,
    related: [{ span: declaredAt, label: `declared ${expected}` }, ...(ctx.mode.kind === "generic" ? [] : provenance([found, expected], ctx))],
    notes: [`expected ${formatType(declared)}`, `   found ${formatType(v.type)}`, `${show(found, ctx)} ≠ ${show(expected, ctx)} ${some}`.trimEnd()],
  });
}

/** An axis of a result that is not the declared size. */
export interface WrongAxis {
  readonly axis: string;
  readonly found: Poly;
  readonly expected: Poly;
  /** The declared dimension. */
  readonly span: Span;
}

const listed = (xs: readonly string[]): string =>
  xs.length <= 1 ? (xs[0] ?? "") : xs.some((x) => x.includes(" and ")) ? xs.join(", ") : `${xs.slice(0, -1).join(", ")} and ${xs[xs.length - 1]}`;

/** The spatial axes once: "height and width" read as one size where they are equal. */
function axesOf(wrong: readonly WrongAxis[]): readonly WrongAxis[] {
  const h = wrong.find((w) => w.axis === "height");
  const w = wrong.find((x) => x.axis === "width");
  if (!h || !w || !h.found.equals(w.found) || !h.expected.equals(w.expected)) return wrong;
  return wrong.filter((x) => x !== w).map((x) => (x === h ? { ...h, axis: "height and width" } : x));
}

export function resultDimensions(v: { type: TensorType; span: Span }, declared: TensorType, wrong: readonly WrongAxis[], ctx: Ctx): Diagnostic {
  const axes = axesOf(wrong);
  const some = ctx.mode.kind === "generic" ? " for some values" : "";
  return makeDiagnostic("SF0201", v.span, {
    message: `the result has ${listed(axes.map((w) => `${w.axis} ${show(w.found, ctx)}`))}, but the declared type says ${listed(axes.map((w) => show(w.expected, ctx)))}`,
    label: `this is ${formatType(v.type)}`,
    related: wrong
      .map((w) => ({ span: w.span, label: `declared ${w.expected}` }))
      .filter((r, i, all) => all.findIndex((x) => x.span.start === r.span.start) === i),
    notes: [
      `expected ${formatType(declared)}`,
      `   found ${formatType(v.type)}`,
      ...axes.map((w) => `${show(w.found, ctx)} ≠ ${show(w.expected, ctx)}${some}`),
    ],
  });
}

/** A stride-1 window op (conv, pool) whose padding changed a size, noted by apply-op.ts. */
export interface SizeChange {
  readonly span: Span;
  readonly op: string;
  readonly kernel: readonly [Poly, Poly, Poly];
  readonly pad: readonly [Poly, Poly, Poly];
  readonly before: Poly;
}

export function paddingChangesSize(
  change: SizeChange,
  wrong: readonly WrongAxis[],
  v: { type: TensorType; span: Span },
  declared: TensorType,
  declaredAt: Span,
): Diagnostic {
  const axes = axesOf(wrong);
  return makeDiagnostic("SF0201", change.span, {
    message: `\`${change.op}\` changes the size it should keep: ${listed(axes.map((w) => `${w.axis} ${w.expected} → ${w.found}`))}`,
    label: `kernel ${windowText(change.kernel)} with pad ${windowText(change.pad)} changes ${listed(axes.map((w) => w.axis))}`,
    related: [
      { span: v.span, label: `returned as ${formatType(v.type)}` },
      { span: declaredAt, label: `declared ${formatType(declared)}` },
    ],
    notes: [`a stride-1 window keeps n only with pad (k − 1)/2 on each side: n + 2·pad − k + 1 = n`],
    help: keepSizeHelp(change),
  });
}

/** The padding that keeps a stride-1 window's size: (k − 1)/2, or an odd kernel where k is even. */
export function keepSizeHelp(change: SizeChange): string {
  const [kt, kh, kw] = change.kernel;
  const half = (k: Poly): Poly => k.sub(Poly.ONE).scale(Rational.of(1, 2));
  // Padding is the same on both sides, so (k − 1)/2 of an even kernel is no padding at all: the fix is an odd kernel.
  const even = (k: Poly): boolean => half(k).constantValue()?.isInteger() === false;
  const odd = change.kernel.map((k) => (even(k) ? k.add(Poly.ONE) : k)) as unknown as readonly [Poly, Poly, Poly];
  return change.kernel.some(even)
    ? `padding is the same on both sides, so an even kernel cannot keep the size: use an odd one, e.g. \`kernel: ${windowText(odd)}, pad: ${windowText([half(odd[0]), half(odd[1]), half(odd[2])])}\``
    : `pad by (k − 1)/2: \`pad: ${windowText([half(kt), half(kh), half(kw)])}\``;
}

/** Where a size that differs was made by a window's padding: a label there. */
export function sizeChangedAt(change: SizeChange, after: Poly): LabelledSpan {
  return { span: change.span, label: `kernel ${windowText(change.kernel)} with pad ${windowText(change.pad)} makes ${change.before} into ${after}` };
}

const wrapTimes = (p: Poly): string => (/[ +−/]/.test(p.toString()) ? `(${p})` : p.toString());
/** t×h×w as the language writes a window: 1×3², 3×1×1. */
const windowText = ([t, h, w]: readonly [Poly, Poly, Poly]): string =>
  h.equals(w) ? `${wrapTimes(t)}×${wrapTimes(h)}²` : `${wrapTimes(t)}×${wrapTimes(h)}×${wrapTimes(w)}`;

// ----------------------------------------------------------- instantiation

/** How a dimension of a block's formal meets the argument given for it. */
export interface FormalDim {
  readonly actual: Poly;
  readonly span: Span;
  readonly dimText: string;
  readonly argSpan: Span;
  readonly axis: string;
}

export function argumentForm(callee: string, formal: string, declared: TensorType, declaredAt: Span, v: { type: TensorType; span: Span }): Diagnostic {
  return makeDiagnostic("SF0203", v.span, {
    message: `\`${callee}\` expects ${formatType(declared)} for \`${formal}\`, found ${formatType(v.type)}`,
    label: `this is ${formatType(v.type)}`,
    related: [{ span: declaredAt, label: "declared here" }],
  });
}

export function cannotInfer(callee: string, p: FormalDim): Diagnostic {
  return makeDiagnostic("SF0207", p.span, {
    message: `cannot work out the dimension variables of \`${callee}\` from ${p.dimText}`,
    label: `${p.axis} ${p.actual}`,
    related: [{ span: p.argSpan, label: "each dimension needs one unknown, used linearly" }],
  });
}

export function cannotSolve(callee: string, x: string, p: FormalDim): Diagnostic {
  return makeDiagnostic("SF0207", p.span, {
    message: `cannot solve ${p.dimText} = ${p.actual} for ${x}`,
    label: `${p.axis} of the argument`,
    related: [{ span: p.argSpan, label: `\`${callee}\` declares ${p.dimText}` }],
  });
}

export function argumentDimension(callee: string, formal: Poly, p: FormalDim, ctx: Ctx): Diagnostic {
  return makeDiagnostic("SF0202", p.span, {
    message: `${lateralPrefix(ctx)}\`${callee}\` expects ${p.axis} ${p.dimText}, found ${show(p.actual, ctx)}`,
    label: `${p.axis} ${show(p.actual, ctx)}`,
    related: [{ span: p.argSpan, label: `needs ${show(formal, ctx)}` }, ...provenance([p.actual], ctx)],
    notes: [`${p.actual} = ${formal} does not hold`],
  });
}

/**
 * A dimension of an argument that no whole x gives: a·x + b = actual, with
 * rv = actual − b and av = a, so x = rv/av. Where b is 0 that is "a multiple
 * of a"; otherwise the equation is stated and the sizes that work are given.
 */
export function notAMultiple(callee: string, x: string, lin: { a: Poly; b: Poly }, p: FormalDim, rv: Rational, av: Rational, ctx: Ctx): Diagnostic {
  const who = ctx.inLateral ? "lateral link" : `\`${callee}\``;
  const what = p.axis === "frames" && ctx.inLateral ? `the Fast frames ${p.dimText}` : `${p.axis} ${p.dimText}`;
  const q = rv.div(av);
  const offset = valueIn(lin.b, ctx) ?? Rational.ZERO;
  // The whole x on either side of q, and the sizes they give: 7 or 9 frames for 2T + 1.
  const xs = [q.floor(), q.ceil()].filter((v) => v > 0n);
  const sizes = xs.map((v) => Rational.of(v).mul(av).add(offset)).filter((v) => v.isInteger() && v.sign() > 0);
  // A fix is concrete when the size comes straight from one parameter.
  const symbols = [...p.actual.symbols()];
  let help: string | undefined;
  let fix: ParameterFix | undefined;
  const [only] = symbols;
  if (symbols.length === 1 && only !== undefined && p.actual.equals(Poly.symbol(only)) && sizes.length > 0) {
    const info = ctx.symbols.get(only);
    help = `use ${sizes.map((v) => `${info?.display.replace(/`/g, "") ?? only} = ${v}`).join(" or ")}`;
    if (info?.value !== undefined) fix = { parameter: only, display: info.display, values: sizes.map(String) };
  } else if (offset.isZero() && av.isInteger()) help = `make ${p.actual} a multiple of ${av} (e.g. ${q.floor() > 0n ? q.floor() * av.num : q.ceil() * av.num})`;
  else if (sizes.length > 0) help = `make the argument's ${p.axis} ${sizes.join(" or ")} (${x} = ${xs.join(" or ")})`;
  const given = show(p.actual, ctx);
  const value = valueIn(p.actual, ctx) ?? rv.add(offset);
  return makeDiagnostic("SF0301", ctx.inLateral ?? p.span, {
    message: offset.isZero() ? `${who} needs ${what} to be a multiple of ${lin.a}` : `${who} needs ${what} with ${x} a whole number`,
    label: offset.isZero() ? `${given} is not a multiple of ${show(lin.a, ctx)}` : `no whole ${x} gives ${given}`,
    related: [...provenance([p.actual, lin.a], ctx), { span: p.argSpan, label: `\`${callee}\` takes ${p.dimText} ${p.axis}` }],
    notes: [`${p.dimText} = ${value} gives ${x} = ${q}, not an integer`],
    help,
    ...(fix ? { fix } : {}),
  });
}

/** One step of a carried requirement's origin: where, in `callee`, it arose. */
export function requirementOrigin(callee: string, r: Requirement): LabelledSpan {
  const claim =
    r.relation === "equal"
      ? `${r.lhs} = ${r.rhs}`
      : r.divisor.constantValue()?.equals(Rational.ONE)
        ? `${r.dividend} to be an integer`
        : `${r.dividend} to be a multiple of ${r.divisor}`;
  return { span: r.span, label: `in \`${callee}\`: ${r.what} needs ${claim}` };
}

/** A callee's requirement `r` that this call does not meet; `bound` is it at the caller's symbols. */
/** `notes`: why no size of the caller meets it, where that is why (refutation-messages.ts). */
export function requirementNotMet(callee: string, r: Requirement, bound: Claim, at: Span, ctx: Ctx, notes: readonly string[] = []): Diagnostic {
  const assumed = assumptionsText(r.when);
  const [needs, found, polys] =
    r.relation === "divides" && bound.relation === "divides"
      ? r.divisor.constantValue()?.equals(Rational.ONE)
        ? [`${r.dividend} to be an integer`, show(bound.dividend, ctx), [bound.dividend, bound.divisor]]
        : [`${r.dividend} to be a multiple of ${r.divisor}`, `${show(bound.dividend, ctx)} and ${show(bound.divisor, ctx)}`, [bound.dividend, bound.divisor]]
      : r.relation === "equal" && bound.relation === "equal"
        ? [`${r.lhs} = ${r.rhs}`, `${show(bound.lhs, ctx)} and ${show(bound.rhs, ctx)}`, [bound.lhs, bound.rhs]]
        : unreachable("a requirement is bound to a claim of its own relation");
  // An equality names the branch it was found on, and so does one found where a comparison holds (`when k > 2`).
  const named = r.relation === "equal" || r.when.some((a) => a.condition.kind === "compare");
  const when = named && assumed ? ` when ${assumed}` : "";
  return makeDiagnostic("SF0302", at, {
    message: `\`${callee}\` needs ${needs} (${r.what})${when}, but here ${found}`,
    label: "requirement not met by this call",
    related: [{ span: r.span, label: `${r.what} needs it` }, ...provenance(polys, ctx)],
    // Carried up from deeper blocks: the operation that needs it, then each call on the way.
    chain: r.origin ?? [],
    notes,
  });
}

function unreachable(why: string): never {
  throw new Error(`internal error: ${why}`);
}
