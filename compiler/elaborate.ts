/**
 * Networks to the graph IR: parameters bound (defaults, then overrides), the
 * body run by the interpreter in instance mode, every shape concrete. What
 * goes wrong is worded in check/messages.ts, with the checker's diagnostics.
 */
import { DEFAULT_LIMITS, raiseHint } from "./limits";
import type * as A from "./ast";
import { eachNameIn } from "./ast-names";
import { Poly } from "./dims/poly";
import { Rational } from "./dims/rational";
import { makeDiagnostic, type Diagnostic } from "./diagnostics/diagnostic";
import { formatType } from "./types";
import type { IRGraph } from "./ir";
import { IRBuilder } from "./ir-builder";
import { Reporter, type Ctx } from "./check/context";
import { InstanceMode, Interpreter } from "./check/interpreter";
import { pathwayValues, type Mode } from "./check/mode";
import * as M from "./check/messages";
import * as P from "./check/parameter-messages";
import * as R from "./check/return-messages";
import { bareWord } from "./check/signature";
import { sortKind } from "./sorts";
import { readWhole } from "./program";
import type { BlockEntry, ModuleScope } from "./scope";
import type { Span } from "./span";
import { BlockParamValue, blockValueText, describeValue, type Value } from "./values";
import { thousands } from "./thousands";

export interface ParamOverride {
  /** Canonical (alpha → α). */
  readonly name: string;
  /** As written on the command line. */
  readonly written: string;
  /** A number, or a word: a choice parameter's (fusion = "sum"), a block's name (transform = t2c), or true/false. */
  readonly value: Rational | string;
  /** A block value written with arguments, `--set 'transform=tconv_only(k: K)'`, read as an expression. */
  readonly expression?: A.Expr;
  /** Where the override was written (a span in the command line), for messages. */
  readonly span: Span;
}

/** A network parameter as elaborated: its value and where it is declared. */
export interface NetworkParam {
  readonly name: string;
  readonly value: Rational | string | boolean | BlockParamValue | undefined;
  readonly span: Span;
  /** Where its value was written, for diagnostics that trace a problem back to it. */
  readonly origin?: ParamOrigin;
}

/** Where a parameter's value was written, for diagnostics that trace a problem back to it. */
export interface ParamOrigin {
  /** As written in the declaration (`beta` or `β`). */
  readonly text: string;
  /** A `--set`, an argument of a network alias, or the declaration's default. */
  readonly from: "setting" | "alias" | "default";
  /** The value as written (the --set, the argument's value, the default). */
  readonly span: Span;
  /** For an alias's argument: the whole `β: 1/6`. */
  readonly argument?: Span;
  /** The names the written value reads (`βC` reads β and C). */
  readonly uses: readonly string[];
}

function namesIn(e: A.Expr | undefined): string[] {
  const names: string[] = [];
  if (e)
    eachNameIn(e, ({ ident }) => {
      if (!names.includes(ident.name)) names.push(ident.name);
    });
  return names;
}

export interface Elaboration {
  readonly graph: IRGraph | undefined;
  readonly params: readonly NetworkParam[];
}

/** The parameters of a network: its module's `param`s, then its own scalar formals. */
interface ParamDecl {
  readonly name: A.Ident;
  readonly sort: A.Ident | undefined;
  readonly choices: readonly string[] | undefined;
  readonly numberChoices?: readonly A.Expr[];
  readonly isBlock?: boolean;
  readonly value: A.Expr | undefined;
  readonly span: Span;
}

const moduleParameter = (p: A.ParamDecl): ParamDecl => ({ name: p.name, sort: p.sort, choices: undefined, value: p.value, span: p.span });

function parameterDecls(entry: BlockEntry): ParamDecl[] {
  const out: ParamDecl[] = [];
  for (const p of entry.module.params.values()) out.push(moduleParameter(p));
  for (const f of entry.decl.formals)
    if (!f.type)
      out.push({ name: f.name, sort: f.sort, choices: f.choices, numberChoices: f.numberChoices, isBlock: f.isBlock, value: f.default, span: f.span });
  return out;
}

export function networkParameterNames(entry: BlockEntry): string[] {
  return parameterDecls(entry).map((p) => p.name.name);
}

/**
 * Checking with some parameters left symbolic (--dynamic): they get no value,
 * the body runs in `mode` (which records what cannot be proved for every
 * value of them), inputs stay symbolic and no graph is built.
 */
export interface SymbolicParams {
  readonly names: ReadonlySet<string>;
  readonly mode: Mode;
}

export function elaborateNetwork(
  entry: BlockEntry,
  overrides: readonly ParamOverride[],
  interpreter: Interpreter,
  builder: IRBuilder,
  diagnostics: Diagnostic[],
  symbolic?: SymbolicParams,
): Elaboration {
  const decl = entry.decl;
  if (!readWhole(entry.module.module, decl.span)) return { graph: undefined, params: [] };
  const ctx = interpreter.networkContext(entry.module, new Map(), new Map(), symbolic?.mode ?? new InstanceMode(builder));
  const errorsBefore = diagnostics.length;
  const params = bindParameters(entry, overrides, interpreter, ctx, diagnostics);
  for (const name of symbolic?.names ?? []) {
    const info = ctx.symbols.get(name);
    if (info) ctx.symbols.set(name, { ...info, integer: true, value: undefined });
  }
  // (A warning, such as SF0124's, does not stop the network being built.)
  if (diagnostics.slice(errorsBefore).some((d) => d.severity === "error") || !bindInputs(decl, interpreter, builder, ctx, diagnostics, symbolic !== undefined))
    return { graph: undefined, params };
  for (const p of parameterDecls(entry)) {
    const v = ctx.vars.get(p.name.name);
    if (v) interpreter.recordFact(p.name.span, "formal", v, ctx);
  }
  for (const f of decl.formals) {
    const v = f.type ? ctx.vars.get(f.name.name) : undefined;
    if (v) interpreter.recordFact(f.name.span, "formal", v, ctx);
  }
  const resultType = interpreter.typeFromExpr(decl.result, ctx);
  const errorsBeforeBody = diagnostics.length;
  let returned: ReturnType<Interpreter["runBody"]>;
  try {
    returned = interpreter.runBody(decl.body, ctx);
  } catch (e) {
    // The nesting limit keeps block calls on the stack at its default; raised, it may not.
    if (!(e instanceof RangeError && /call stack/i.test(e.message))) throw e;
    diagnostics.push(M.stackExhausted(decl, builder.limits.nesting, DEFAULT_LIMITS.nesting));
    return { graph: undefined, params };
  }
  const [result] = returned.returns.map((r) => r.value);
  if (!result) {
    diagnostics.push(R.noReturn(decl, returned.fellOff[0]?.decided));
    return { graph: undefined, params };
  }
  if (resultType) interpreter.checkResult(result, resultType, decl.result, ctx);
  if (symbolic) return { graph: undefined, params };
  if (diagnostics.slice(errorsBeforeBody).some((d) => d.severity === "error") || result.kind !== "tensor" || !result.ref) return { graph: undefined, params };
  const outputName = result.type.layout === "vector" ? "logits" : "output";
  return { graph: builder.finish(decl.name.name, result.ref, outputName, decl.span, pathwayValues(returned.returns[0]!.ctx)), params };
}

/**
 * The `param`s of a module whose parameters no network binds (a file of
 * parameters and blocks, or of aliases of other files' networks): evaluated
 * with their defaults, as a network of the file would, so that `param A = foo`
 * is an error there too and not only once a network is added.
 */
export function checkModuleParameters(scope: ModuleScope, interpreter: Interpreter, builder: IRBuilder, diagnostics: Diagnostic[]): void {
  const mod = scope.module;
  const ctx = interpreter.networkContext(scope, new Map(), new Map(), new InstanceMode(builder));
  for (const p of scope.params.values()) {
    if (!readWhole(mod, p.span)) continue;
    const decl = moduleParameter(p);
    bindParameter(decl, sourceValue(decl, p.value, interpreter, ctx, diagnostics), undefined, p.value.span, ctx, diagnostics);
  }
}

/**
 * Each parameter's value (a setting, else the alias's argument, else its
 * default) into the context: numbers as symbols with values, words and
 * booleans as variables. Arguments and settings for no parameter are errors.
 */
function bindParameters(entry: BlockEntry, overrides: readonly ParamOverride[], interpreter: Interpreter, ctx: Ctx, diagnostics: Diagnostic[]): NetworkParam[] {
  const params: NetworkParam[] = [];
  // An alias's arguments replace defaults; settings from the caller replace both.
  const aliasDefaults = new Map<string, { arg: A.Argument; name: A.Ident }>();
  for (const a of entry.alias?.args ?? []) if (a.name) aliasDefaults.set(a.name.name, { arg: a, name: a.name });
  for (const p of parameterDecls(entry)) {
    const override = overrides.find((o) => o.name === p.name.name);
    const aliased = aliasDefaults.get(p.name.name)?.arg;
    const source = aliased?.value ?? p.value;
    if (p.isBlock) {
      params.push(bindBlockParameter(entry, p, override, aliased, interpreter, ctx, diagnostics));
      continue;
    }
    const value = override !== undefined ? overrideValue(p, override) : source ? sourceValue(p, source, interpreter, ctx, diagnostics) : undefined;
    if (override === undefined && !source) diagnostics.push(P.parameterWithoutValue(p.name, p.span));
    const origin: ParamOrigin = override
      ? { text: p.name.text, from: "setting", span: override.span, uses: [] }
      : aliased
        ? { text: p.name.text, from: "alias", span: aliased.value.span, argument: aliased.span, uses: namesIn(aliased.value) }
        : { text: p.name.text, from: "default", span: source?.span ?? p.span, uses: namesIn(source) };
    params.push({ name: p.name.name, value, span: p.span, origin });
    const span = override?.span ?? source?.span ?? p.span;
    if (p.numberChoices) checkNumberChoice(p, value, span, override !== undefined, interpreter, ctx, diagnostics);
    bindParameter(p, value, override, span, ctx, diagnostics);
  }
  const names = params.map((p) => p.name);
  for (const [name, a] of aliasDefaults) {
    if (names.includes(name)) continue;
    // Named for the alias that wrote it, so that the aliases of that alias, which share its arguments, repeat the same error (reported once).
    const writtenBy = entry.alias?.chain.find((d) => d.args.includes(a.arg))?.name ?? entry.decl.name;
    diagnostics.push(P.aliasArgumentUnknown(writtenBy, a.name, names));
  }
  for (const o of overrides) if (!names.includes(o.name)) diagnostics.push(P.settingUnknown(entry.decl.name, o.written, o.span, names));
  return params;
}

function isBoolean(p: ParamDecl): boolean {
  return (p.sort && sortKind(p.sort.name)) === "bool" || p.value?.kind === "bool";
}

function overrideValue(p: ParamDecl, override: ParamOverride): Rational | string | boolean {
  const v = override.value;
  return isBoolean(p) && (v === "true" || v === "false") ? v === "true" : v;
}

/** The value of a default or an alias argument, evaluated with the parameters bound before it. */
function sourceValue(p: ParamDecl, source: A.Expr, interpreter: Interpreter, ctx: Ctx, diagnostics: Diagnostic[]): Rational | string | boolean | undefined {
  // A word may be written bare, as on the command line: network A = N(mode: plain).
  const word = p.choices && bareWord(source, ctx.vars);
  if (word) return word.value;
  const v = interpreter.evaluate(source, ctx);
  switch (v.kind) {
    case "bool":
    case "string":
      return v.value;
    case "dim": {
      const value = v.poly.evaluate((n) => ctx.symbols.get(n)?.value);
      if (value === undefined) diagnostics.push(P.parameterNotANumber(p.name, source.span));
      // Each parameter may square the one before it: bounded here, a chain of them stays cheap to compute.
      else if (value.exceedsDigits(interpreter.limits.numberDigits)) {
        diagnostics.push(P.parameterTooLarge(p.name, source.span, interpreter.limits.numberDigits, raiseHint("numberDigits", interpreter.limits)));
        return undefined;
      }
      return value;
    }
    case "poison":
      return undefined;
    case "block":
    case "tensor":
    case "extent":
    case "list":
    case "type":
      diagnostics.push(P.parameterValueKind(p.name, source.span, describeValue(v), v.kind === "extent"));
      return undefined;
  }
}

/**
 * A block-valued parameter: a setting (a block's name or word, or an
 * expression), else the alias's argument, else its default, evaluated with
 * the parameters before it bound (`tconv(k: K)` reads K), and bound in the
 * context as a block value or a word.
 */
function bindBlockParameter(
  entry: BlockEntry,
  p: ParamDecl,
  override: ParamOverride | undefined,
  aliased: A.Argument | undefined,
  interpreter: Interpreter,
  ctx: Ctx,
  diagnostics: Diagnostic[],
): NetworkParam {
  const written: A.Expr | undefined = override
    ? (override.expression ??
      (typeof override.value === "string"
        ? { kind: "name", ident: { name: override.value, text: override.value, span: override.span }, span: override.span }
        : { kind: "number", value: override.value, text: override.value.toString(), span: override.span }))
    : (aliased?.value ?? p.value);
  const origin: ParamOrigin = override
    ? { text: p.name.text, from: "setting", span: override.span, uses: [] }
    : aliased
      ? { text: p.name.text, from: "alias", span: aliased.value.span, argument: aliased.span, uses: [] }
      : { text: p.name.text, from: "default", span: written?.span ?? p.span, uses: [] };
  if (!written) {
    diagnostics.push(P.parameterWithoutValue(p.name, p.span));
    return { name: p.name.name, value: undefined, span: p.span, origin };
  }
  const slot = { name: p.name.text, choices: p.choices ?? [], ...(override || aliased ? { declared: p.span } : {}) };
  // An alias's argument, or a setting of an alias, names blocks in scope where
  // the alias is written (SlowFast(transform: my_link)) or where the network is.
  const aliasScope = override || aliased ? entry.alias?.module : undefined;
  const scope = aliasScope ? { ...ctx.scope, blocks: new Map([...ctx.scope.blocks, ...aliasScope.blocks]) } : ctx.scope;
  const v = interpreter.evaluateBlockValue(written, slot, { ...ctx, scope });
  ctx.vars.set(p.name.name, v.kind === "poison" ? v : { ...v, span: written.span });
  const show = (q: Poly) => M.valueIn(q, ctx)?.toString() ?? q.toString();
  const value = v.kind === "string" ? v.value : v.kind === "block" ? new BlockParamValue(blockValueText(v, show)) : undefined;
  if (v.kind === "block" && written !== p.value && p.value) warnDroppedArguments(p, v, p.value, interpreter, ctx, override !== undefined, diagnostics);
  return { name: p.name.name, value, span: p.span, origin };
}

/**
 * A value given in place of the default that leaves out an argument the
 * default binds (`tconv_only` for `tconv(k: K)`) gets the block's own default
 * for it: said, where the two differ, so that no setting changes a kernel
 * silently.
 */
function warnDroppedArguments(
  p: ParamDecl,
  given: Extract<Value, { kind: "block" }>,
  defaultExpr: A.Expr,
  interpreter: Interpreter,
  ctx: Ctx,
  setting: boolean,
  diagnostics: Diagnostic[],
): void {
  // Evaluated again only to compare: what they would report is reported where they are used.
  const quiet: Ctx = { ...ctx, reporter: new Reporter([]) };
  const byDefault = interpreter.evaluateBlockValue(defaultExpr, { name: p.name.text, choices: p.choices ?? [] }, quiet);
  if (byDefault.kind !== "block") return;
  const valueOf = (x: Value | undefined) => (x?.kind === "dim" ? M.valueIn(x.poly, ctx) : undefined);
  for (const b of byDefault.bound) {
    if (given.bound.some((g) => g.name === b.name)) continue;
    const formal = given.entry.decl.formals.find((f) => f.name.name === b.name);
    if (!formal?.default || formal.type) continue;
    const own = valueOf(interpreter.evaluate(formal.default, { ...quiet, scope: given.entry.module, vars: new Map() }));
    const theirs = valueOf(b.value);
    if (own === undefined || theirs === undefined || own.equals(theirs)) continue;
    const text = blockValueText(given, (q) => M.valueIn(q, ctx)?.toString() ?? q.toString());
    // The fix binds it as the default does: k: K when it reads a parameter.
    const written = defaultExpr.kind === "call" ? defaultExpr.args?.find((a) => a.name?.name === b.name)?.value : undefined;
    const rebind = written?.kind === "name" ? written.ident.text : theirs.toString();
    diagnostics.push(P.droppedArgument(p.name.text, text, b.name, own.toString(), theirs.toString(), rebind, given.span, setting));
  }
}

/** A numeric choice (fast_scale: 1 | 1/2): the value must be one of the numbers listed. */
function checkNumberChoice(
  p: ParamDecl,
  value: Rational | string | boolean | undefined,
  span: Span,
  overridden: boolean,
  interpreter: Interpreter,
  ctx: Ctx,
  diagnostics: Diagnostic[],
): void {
  const allowed = (p.numberChoices ?? []).map((e) => {
    const v = interpreter.evaluate(e, ctx);
    return v.kind === "dim" ? v.poly.constantValue() : undefined;
  });
  if (value instanceof Rational && allowed.some((a) => a !== undefined && a.equals(value))) return;
  diagnostics.push(P.notAChoice(p.name, { numbers: allowed.map(String) }, value, span, overridden ? p.span : undefined));
}

function bindParameter(
  p: ParamDecl,
  value: Rational | string | boolean | undefined,
  override: ParamOverride | undefined,
  span: Span,
  ctx: Ctx,
  diagnostics: Diagnostic[],
): void {
  // An undefined value was reported where it was evaluated.
  if (p.choices && value !== undefined && (typeof value !== "string" || !p.choices.includes(value)))
    diagnostics.push(P.notAChoice(p.name, { words: p.choices }, value, span, override ? p.span : undefined, override?.written));
  if (isBoolean(p) || typeof value === "boolean") {
    if (typeof value !== "boolean") diagnostics.push(P.parameterNotBoolean(p.name, value, span));
    else ctx.vars.set(p.name.name, { kind: "bool", value, span });
    return;
  }
  if (typeof value === "string") {
    // A choice parameter's value was checked against its choices (notAChoice,
    // checkNumberChoice): a word given to `fast_scale: 1 | 1/2` is that one error.
    if (!p.choices && !p.numberChoices) diagnostics.push(P.parameterIsAWord(p.name, value, span));
    ctx.vars.set(p.name.name, { kind: "string", value, span, ...(p.choices ? { choices: p.choices } : {}) });
    return;
  }
  // A sort that is none (SF0213) is read as if none were written.
  const declared = p.sort && sortKind(p.sort.name);
  const integer = declared ? declared === "int" : (value?.isInteger() ?? true);
  if (value !== undefined && declared === "int" && !value.isInteger()) diagnostics.push(P.parameterNotAnInt(p.name, value, span));
  ctx.symbols.set(p.name.name, { integer, span, value, display: `\`${p.name.text}\``, fromCommandLine: override !== undefined });
  ctx.vars.set(p.name.name, { kind: "dim", poly: Poly.symbol(p.name.name), span: p.name.span });
}

/** The network's tensor formals as graph inputs, each dimension a positive size; false after an error. */
function bindInputs(decl: A.BlockDecl, interpreter: Interpreter, builder: IRBuilder, ctx: Ctx, diagnostics: Diagnostic[], symbolic: boolean): boolean {
  for (const f of decl.formals) {
    if (!f.type) continue;
    const type = interpreter.typeFromExpr(f.type, ctx);
    if (!type) return false;
    if (symbolic) {
      ctx.vars.set(f.name.name, { kind: "tensor", type, ref: undefined, span: f.name.span });
      continue;
    }
    const shape: number[] = [];
    for (const d of type.dims) {
      const v = d.evaluate((n) => ctx.symbols.get(n)?.value);
      const n = v?.toSafeInteger();
      if (n === undefined || n < 1 || n > 2 ** 31) {
        diagnostics.push(P.inputNotASize(f.name, f.type.span, type, d, v));
        return false;
      }
      shape.push(n);
    }
    const elements = shape.reduce((a, b) => a * b, 1);
    if (elements > builder.limits.tensorElements) {
      // Refused before anything is allocated for it: --set T=500000000 once took 37 s to run out of memory.
      diagnostics.push(
        makeDiagnostic("SF0601", f.type.span, {
          message: `input \`${f.name.text}\` ${formatType(type)} would have ${thousands(elements)} elements (${shape.join(" × ")})`,
          label: "here",
          help: raiseHint("tensorElements", builder.limits),
        }),
      );
      return false;
    }
    const ref = builder.addInput(f.name.name, shape, type.dims);
    ctx.vars.set(f.name.name, { kind: "tensor", type, ref, span: f.name.span });
  }
  return true;
}
