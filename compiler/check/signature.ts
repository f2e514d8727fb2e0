/**
 * A block's generic check: its formals read, its dimension variables found,
 * its body run once with every dimension a symbol (GenericMode), and what it
 * could not prove kept as the requirements of its signature.
 */
import type * as A from "../ast";
import { eachNameIn } from "../ast-names";
import { Poly } from "../dims/poly";
import type { BlockEntry, ModuleScope } from "../scope";
import type { Diagnostic } from "../diagnostics/diagnostic";
import type { Span } from "../span";
import type { Value } from "../values";
import { axisName, type TensorType } from "../types";
import { sortKind } from "../sorts";
import { requireIntegral } from "./apply-op";
import { Abandon, bodyContext, type Ctx, type FormalInfo, type Reporter, type Requirement, type Signature, type SymbolInfo } from "./context";
import type { BlockSlot } from "./block-values";
import type { Interpreter } from "./interpreter";
import { dimExprSpan } from "./result-check";
import * as M from "./messages";
import * as P from "./parameter-messages";
import { GenericMode } from "./mode";
import { mergeAcrossBranches } from "./branch-merge";
import * as R from "./return-messages";

/**
 * The context a block's body and types are checked in: its dimension
 * variables and scalar formals as symbols, except the formals checked with
 * their values (added by the caller of this).
 */
function genericContext(entry: BlockEntry, formals: readonly FormalInfo[], dimVars: readonly string[], reporter: Reporter): { ctx: Ctx; mode: GenericMode } {
  const decl = entry.decl;
  const symbols = new Map<string, SymbolInfo>();
  const vars = new Map<string, Value>();
  for (const f of formals) {
    if (f.kind === "tensor" || checkedWithItsValue(f)) continue;
    if (f.kind === "bool") vars.set(f.name, { kind: "bool", value: undefined, span: f.span, condition: { kind: "flag", name: f.name } });
    else {
      symbols.set(f.name, { integer: f.kind === "int", span: f.span, value: undefined, display: f.name });
      vars.set(f.name, { kind: "dim", poly: Poly.symbol(f.name), span: f.span });
    }
  }
  for (const v of dimVars) {
    const span = firstMention(decl, v) ?? decl.name.span;
    symbols.set(v, { integer: true, span, value: undefined, display: v, size: true });
    vars.set(v, { kind: "dim", poly: Poly.symbol(v), span });
  }
  const mode = new GenericMode();
  const ctx = bodyContext(mode, reporter, entry.module, vars, symbols);
  return { ctx, mode };
}

export function checkBlock(it: Interpreter, entry: BlockEntry): Omit<Signature, "ok"> {
  const decl = entry.decl;
  const formals = formalInfos(decl, it.reporter);
  const dimVars = dimVarsOf(formals);
  const { ctx, mode } = genericContext(entry, formals, dimVars, it.reporter);
  const vars = ctx.vars;
  // A block-valued formal is checked with its default here; a call that
  // passes another block checks the body again with it (instantiate.ts).
  // Without a default there is nothing to check it with until a call.
  // So is a formal that takes words: its conditions (`if mode == "residual"`) are decided with
  // the default here, and again with the word a call passes.
  let badDefault = false;
  for (const f of formals) {
    // Without a default its value is known at each call only: the types that
    // use it are read there (typesWith), and say nothing here.
    if (checkedWithItsValue(f) && !f.default) vars.set(f.name, { kind: "poison", span: f.span });
    if (f.kind === "block" && f.default) vars.set(f.name, it.evaluateBlockValue(f.default, blockSlot(f), ctx));
    if (f.kind === "words" && f.default) {
      const word = checkedWord(f, bareWord(f.default, ctx.vars) ?? it.evaluate(f.default, ctx), decl.name.text, ctx);
      vars.set(f.name, word);
      badDefault ||= word.kind === "poison";
    }
    if (f.numberChoices && f.default) {
      const n = it.evaluate(f.default, ctx);
      vars.set(f.name, n);
      if (n.kind !== "dim" && n.kind !== "poison") it.reporter.report(M.argumentKind(decl.name.text, f.name, n, "number"));
      badDefault ||= n.kind !== "dim" || !checkNumberChoice(it, f, n, ctx);
    }
  }
  // A wrong default is reported once, above: the body is not checked with it.
  const template = badDefault || formals.some((f) => checkedWithItsValue(f) && !f.default);
  const typed = formals.map((f) => {
    if (!f.typeExpr) return f;
    const type = it.typeFromExpr(f.typeExpr, ctx);
    if (type) vars.set(f.name, { kind: "tensor", type, ref: undefined, span: f.span });
    else vars.set(f.name, { kind: "poison", span: f.span });
    return { ...f, type };
  });
  for (const f of decl.formals) {
    const v = vars.get(f.name.name);
    if (v) it.recordFact(f.name.span, "formal", v, ctx);
  }
  const resultType = it.typeFromExpr(decl.result, ctx);
  if (decl.kind === "block" && !template) {
    const run = it.runBody(decl.body, ctx);
    if (run.returns.length === 0) {
      if (!mode.stoppedAtLimit) it.reporter.report(R.noReturn(decl, run.fellOff[0]?.decided));
    } else checkPathsReturn(run.fellOff, decl, mode, it.reporter);
    for (const r of run.returns) if (resultType) it.checkResult(r.value, resultType, decl.result, r.ctx);
  }
  const requirements = mergeAcrossBranches(mode.requirements);
  return { entry, formals: typed, dimVars, resultType, requirements, missingReturns: mode.missingReturns };
}

/**
 * The paths that end without a `return` where others return: each taken
 * under conditions is the callers' to avoid (decided at each call, as
 * requirements are); one taken whatever the arguments is the block's error.
 */
function checkPathsReturn(fellOff: readonly Ctx[], decl: A.BlockDecl, mode: GenericMode, reporter: Reporter): void {
  for (const path of fellOff) {
    if (path.assumptions.length > 0) mode.missingReturn({ when: path.assumptions, block: decl.name.text, end: R.bodyEnd(decl) });
    else return reporter.report(R.notEveryPathReturns(decl, path.decided));
  }
}

/**
 * The block's types with the values a call passes to the formals checked with
 * their values (`w: 1 | 2` in `<T, S², w·C>`): the signature's are with their
 * defaults. What the types require with these values (`S/k` whole for k = 2)
 * comes with them, for the call to decide.
 */
export function typesWith(
  it: Interpreter,
  sig: Signature,
  values: ReadonlyMap<string, Value>,
  reporter: Reporter,
): { formals: FormalInfo[]; resultType: TensorType | undefined; requirements: readonly Requirement[] } {
  const entry = sig.entry;
  const { ctx, mode } = genericContext(entry, sig.formals, sig.dimVars, reporter);
  for (const f of sig.formals) {
    const v = values.get(f.name);
    if (checkedWithItsValue(f) && v) ctx.vars.set(f.name, v);
  }
  const formals = sig.formals.map((f) => (f.typeExpr ? { ...f, type: it.typeFromExpr(f.typeExpr, ctx) } : f));
  const resultType = it.typeFromExpr(entry.decl.result, ctx);
  // Sizes whole at the default may not be at this value (`S/k` for k = 2); an
  // argument's are whole, and so are the formals' solved from them.
  resultType?.dims.forEach((d, i) => {
    try {
      requireIntegral(d, `the declared ${axisName(resultType, i)}`, dimExprSpan(entry.decl.result, i), ctx);
    } catch (e) {
      if (!(e instanceof Abandon)) throw e;
    }
  });
  return { formals, resultType, requirements: mode.requirements };
}

export function formalInfos(decl: A.BlockDecl, reporter: Reporter): FormalInfo[] {
  return decl.formals.map((f) => ({
    name: f.name.name,
    kind: formalKind(f, reporter),
    type: undefined,
    typeExpr: f.type,
    default: f.default,
    span: f.span,
    ...(f.choices ? { choices: f.choices } : {}),
    ...(f.numberChoices ? { numberChoices: f.numberChoices } : {}),
  }));
}

function formalKind(f: A.BlockDecl["formals"][number], reporter: Reporter): FormalInfo["kind"] {
  if (f.type) return "tensor";
  if (f.isBlock) return "block";
  if (f.choices) return "words";
  if (f.numberChoices) return f.numberChoices.every((e) => e.kind === "number" && e.value.isInteger()) ? "int" : "rat";
  if (f.sort) {
    const kind = sortKind(f.sort.name);
    if (kind !== undefined) return kind;
    reporter.report(M.unknownSort(f.sort));
    return "int";
  }
  if (f.default?.kind === "bool") return "bool";
  if (f.default?.kind === "number" && !f.default.value.isInteger()) return "rat";
  return "int";
}

/**
 * SF0213 for the sorts a module's parameters and its networks' formals declare.
 * A block's formals are read with its signature (formalKind); these are read
 * nowhere else, so `K: foo = 3` on a network would otherwise pass unremarked.
 */
export function unknownSorts(scope: ModuleScope): Diagnostic[] {
  const sorts: A.Ident[] = [];
  for (const p of scope.params.values()) if (p.sort) sorts.push(p.sort);
  for (const e of scope.own) if (e.decl.kind === "network" && !e.alias) for (const f of e.decl.formals) if (f.sort) sorts.push(f.sort);
  return sorts.filter((s) => sortKind(s.name) === undefined).map((s) => M.unknownSort(s));
}

export function blockSlot(f: FormalInfo): BlockSlot {
  return { name: f.name, choices: f.choices ?? [], declared: f.span };
}

/** Names in tensor types that are not parameters: the block's dimension variables. */
function dimVarsOf(formals: readonly FormalInfo[]): string[] {
  const scalar = new Set(formals.filter((f) => f.kind !== "tensor").map((f) => f.name));
  const vars: string[] = [];
  for (const f of formals)
    f.typeExpr?.dims.forEach((d) =>
      eachNameIn(d, (e) => {
        if (!scalar.has(e.ident.name) && !vars.includes(e.ident.name)) vars.push(e.ident.name);
      }),
    );
  return vars;
}

function firstMention(decl: A.BlockDecl, name: string): Span | undefined {
  let found: Span | undefined;
  for (const f of decl.formals)
    f.type?.dims.forEach((d) =>
      eachNameIn(d, (e) => {
        if (!found && e.ident.name === name) found = e.span;
      }),
    );
  return found;
}

/** A word for a formal that takes words: one of them (SF0112, the closest suggested), or poison once reported. */
export function checkedWord(f: FormalInfo, v: Value, callee: string, ctx: Ctx): Value {
  if (v.kind === "poison") return v;
  if (v.kind === "string" && (f.choices ?? []).includes(v.value)) return { ...v, choices: f.choices };
  ctx.reporter.report(
    v.kind === "string"
      ? P.notAChoice({ name: f.name, text: f.name, span: f.span }, { words: f.choices ?? [] }, v.value, v.span, f.span)
      : M.argumentKind(callee, f.name, v, "word"),
  );
  return { kind: "poison", span: v.span };
}

/**
 * A number for a numeric choice (`k: 1 | 2`): one of them (SF0112). A caller
 * checked generically must pass a known number: its own choices are checked
 * with their values, so an unknown one comes from a plain parameter.
 */
export function checkNumberChoice(it: Interpreter, f: FormalInfo, v: Extract<Value, { kind: "dim" }>, ctx: Ctx): boolean {
  if (!f.numberChoices) return true;
  const allowed = f.numberChoices.map((e) => {
    const n = it.evaluate(e, { ...ctx, vars: new Map() });
    return n.kind === "dim" ? n.poly.constantValue() : undefined;
  });
  const given = v.poly.constantValue() ?? M.valueIn(v.poly, ctx);
  if (given === undefined) {
    ctx.reporter.report(P.choiceNotKnown(f.name, allowed.map(String), M.show(v.poly, ctx), [...v.poly.symbols()], v.span, f.span));
    return false;
  }
  if (allowed.some((a) => a !== undefined && a.equals(given))) return true;
  ctx.reporter.report(P.notAChoice({ name: f.name, text: f.name, span: f.span }, { numbers: allowed.map(String) }, given, v.span, f.span));
  return false;
}

/**
 * A formal whose block is checked with its value rather than with a symbol:
 * a block, words, or numbers to choose from. The body is checked with its
 * default, and again at each call that passes another value (instantiate.ts).
 */
export function checkedWithItsValue(f: FormalInfo): boolean {
  return f.kind === "block" || f.kind === "words" || f.numberChoices !== undefined;
}

/**
 * A word written bare where a formal or parameter takes words (`mode: plain`),
 * as the command line writes it: a name no variable has. Undefined otherwise.
 */
export function bareWord(e: A.Expr, vars: ReadonlyMap<string, Value>): Extract<Value, { kind: "string" }> | undefined {
  return e.kind === "name" && !vars.has(e.ident.name) ? { kind: "string", value: e.ident.text, span: e.span } : undefined;
}
