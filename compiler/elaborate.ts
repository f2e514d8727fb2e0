/**
 * Networks to the graph IR: parameters bound (defaults, then overrides), the
 * body run by the interpreter in instance mode, every shape concrete.
 */
import type * as A from "./ast";
import { Poly } from "./dims/poly";
import { Rational } from "./dims/rational";
import { makeDiagnostic, type Diagnostic } from "./diagnostics/diagnostic";
import type { IRGraph } from "./ir";
import { IRBuilder } from "./ir-builder";
import { InstanceMode, Interpreter, type SymbolInfo } from "./check/interpreter";
import * as M from "./check/messages";
import { readWhole } from "./program";
import { suggest, type BlockEntry } from "./scope";
import type { Span } from "./span";
import { formatType } from "./types";
import type { Value } from "./values";

export interface ParamOverride {
  /** Canonical (alpha → α). */
  readonly name: string;
  /** As written on the command line. */
  readonly written: string;
  /** A number, or a word: a choice parameter's (transform = "t2c"), or true/false. */
  readonly value: Rational | string;
  /** Where the override was written (a span in the command line), for messages. */
  readonly span: Span;
}

export interface NetworkParam {
  readonly name: string;
  readonly value: Rational | string | boolean | undefined;
  readonly span: Span;
  /** Where its value was written, for diagnostics that trace a problem back to it. */
  readonly origin?: ParamOrigin;
}

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

function namesIn(e: A.Expr | undefined, out: string[] = []): string[] {
  if (!e) return out;
  switch (e.kind) {
    case "name":
      if (!out.includes(e.ident.name)) out.push(e.ident.name);
      return out;
    case "binary":
      namesIn(e.lhs, out);
      return namesIn(e.rhs, out);
    case "neg":
    case "square":
    case "floor":
    case "ceil":
      return namesIn(e.operand, out);
    case "extent":
      e.parts.forEach((p) => namesIn(p, out));
      return out;
    case "conditional":
      namesIn(e.test, out);
      namesIn(e.then, out);
      return namesIn(e.otherwise, out);
    case "number":
    case "string":
    case "bool":
    case "call":
    case "repeat":
    case "pipe":
    case "tuple":
    case "list":
    case "typeLiteral":
      return out;
  }
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
  readonly value: A.Expr | undefined;
  readonly span: Span;
}

function parameterDecls(entry: BlockEntry): ParamDecl[] {
  const out: ParamDecl[] = [];
  for (const p of entry.module.params.values()) out.push({ name: p.name, sort: p.sort, choices: undefined, value: p.value, span: p.span });
  for (const f of entry.decl.formals) if (!f.type) out.push({ name: f.name, sort: f.sort, choices: f.choices, value: f.default, span: f.span });
  return out;
}

export function networkParameterNames(entry: BlockEntry): string[] {
  return parameterDecls(entry).map((p) => p.name.name);
}

export function elaborateNetwork(
  entry: BlockEntry,
  overrides: readonly ParamOverride[],
  interpreter: Interpreter,
  builder: IRBuilder,
  diagnostics: Diagnostic[],
): Elaboration {
  const decl = entry.decl;
  if (!readWhole(entry.module.module, decl.span)) return { graph: undefined, params: [] };
  const symbols = new Map<string, SymbolInfo>();
  const vars = new Map<string, Value>();
  const ctx = interpreter.networkContext(entry.module, symbols, vars, new InstanceMode(builder));
  const params: NetworkParam[] = [];
  const errorsBefore = diagnostics.length;
  // An alias's arguments replace defaults; settings from the caller replace both.
  const aliasDefaults = new Map<string, A.Argument>();
  for (const a of entry.alias?.args ?? []) if (a.name) aliasDefaults.set(a.name.name, a);
  for (const p of parameterDecls(entry)) {
    const override = overrides.find((o) => o.name === p.name.name);
    const aliased = aliasDefaults.get(p.name.name);
    const source = aliased?.value ?? p.value;
    const isBool = p.sort?.name === "bool" || p.value?.kind === "bool";
    let value: Rational | string | boolean | undefined = override?.value;
    if (isBool && typeof value === "string" && (value === "true" || value === "false")) value = value === "true";
    if (override === undefined && source) {
      const v = interpreter.evaluate(source, ctx);
      if (v.kind === "bool") value = v.value;
      else if (v.kind === "dim") {
        value = v.poly.evaluate((n) => symbols.get(n)?.value);
        if (value === undefined) diagnostics.push(makeDiagnostic("SF0112", source.span, { message: `the value of \`${p.name.text}\` is not a number`, label: "here" }));
      } else if (v.kind === "string") value = v.value;
      else if (v.kind !== "poison") diagnostics.push(makeDiagnostic("SF0112", source.span, { message: "a parameter's value must be a number or a string", label: "here" }));
    }
    if (override === undefined && !source)
      diagnostics.push(makeDiagnostic("SF0108", p.span, { message: `network parameter \`${p.name.text}\` has no value`, label: "give it a default", help: `write \`${p.name.text} = <value>\` or set it with --set ${p.name.text}=<value>` }));
    const span = override?.span ?? source?.span ?? p.span;
    const origin: ParamOrigin = override
      ? { text: p.name.text, from: "setting", span: override.span, uses: [] }
      : aliased
        ? { text: p.name.text, from: "alias", span: aliased.value.span, argument: aliased.span, uses: namesIn(aliased.value) }
        : { text: p.name.text, from: "default", span: source?.span ?? p.span, uses: namesIn(source) };
    params.push({ name: p.name.name, value, span: p.span, origin });
    if (p.choices && (typeof value !== "string" || !p.choices.includes(value)))
      diagnostics.push(
        makeDiagnostic("SF0112", span, {
          message: `\`${p.name.text}\` is one of ${p.choices.map((c) => JSON.stringify(c)).join(", ")}, given ${typeof value === "string" ? JSON.stringify(value) : String(value)}`,
          label: "not one of the choices",
          related: override ? [{ span: p.span, label: "declared here" }] : [],
          help: typeof value === "string" ? suggest(value, p.choices) : undefined,
        }),
      );
    if (isBool || typeof value === "boolean") {
      if (typeof value !== "boolean")
        diagnostics.push(makeDiagnostic("SF0112", span, { message: `\`${p.name.text}\` is true or false, given ${String(value)}`, label: "expected true or false" }));
      else vars.set(p.name.name, { kind: "bool", value, span });
      continue;
    }
    if (typeof value === "string") {
      if (!p.choices) diagnostics.push(makeDiagnostic("SF0112", span, { message: `\`${p.name.text}\` is a number, given the word ${JSON.stringify(value)}`, label: "expected a number" }));
      vars.set(p.name.name, { kind: "string", value, span });
      continue;
    }
    const declaredSort = p.sort?.name;
    const integer = declaredSort ? declaredSort === "int" : value?.isInteger() ?? true;
    if (value !== undefined && declaredSort === "int" && !value.isInteger())
      diagnostics.push(makeDiagnostic("SF0112", span, { message: `\`${p.name.text}\` is an int, given ${value}`, label: "not an integer" }));
    symbols.set(p.name.name, { integer, span, value, display: `\`${p.name.text}\``, fromCommandLine: override !== undefined });
    vars.set(p.name.name, { kind: "dim", poly: Poly.symbol(p.name.name), span: p.name.span });
  }
  for (const [name, a] of aliasDefaults)
    if (!params.some((p) => p.name === name))
      diagnostics.push(makeDiagnostic("SF0111", a.name!.span, { message: `network \`${decl.name.text}\` has no parameter \`${a.name!.text}\``, label: "unknown parameter", help: suggest(name, params.map((p) => p.name)) }));
  for (const o of overrides) {
    if (!params.some((p) => p.name === o.name))
      diagnostics.push(
        makeDiagnostic("SF0111", o.span, {
          message: `network \`${decl.name.text}\` has no parameter \`${o.written}\``,
          label: "unknown parameter",
          help: `its parameters are ${params.map((p) => p.name).join(", ")}`,
        }),
      );
  }
  if (diagnostics.length > errorsBefore) return { graph: undefined, params };

  for (const f of decl.formals) {
    if (!f.type) continue;
    const type = interpreter.typeFromExpr(f.type, ctx);
    if (!type) return { graph: undefined, params };
    const shape: number[] = [];
    for (const d of type.dims) {
      const v = d.evaluate((n) => symbols.get(n)?.value);
      const n = v?.toSafeInteger();
      if (n === undefined || n < 1 || n > 2 ** 31) {
        const code = v !== undefined && !v.isInteger() ? "SF0205" : v !== undefined && v.sign() > 0 ? "SF0004" : "SF0206";
        diagnostics.push(
          makeDiagnostic(code, f.type.span, {
            message: `input \`${f.name.text}\` ${formatType(type)} has a dimension ${d} = ${v ?? "?"} that is not a positive size`,
            label: "here",
          }),
        );
        return { graph: undefined, params };
      }
      shape.push(n);
    }
    const ref = builder.addInput(f.name.name, shape, type.dims);
    vars.set(f.name.name, { kind: "tensor", type, ref, span: f.name.span });
  }
  for (const p of parameterDecls(entry)) {
    const v = vars.get(p.name.name);
    if (v) interpreter.recordFact(p.name.span, "formal", v, ctx);
  }
  for (const f of decl.formals) {
    const v = f.type ? vars.get(f.name.name) : undefined;
    if (v) interpreter.recordFact(f.name.span, "formal", v, ctx);
  }
  const resultType = interpreter.typeFromExpr(decl.result, ctx);
  const errorsBeforeBody = diagnostics.length;
  const returns = interpreter.runBody(decl.body, ctx).map((r) => r.value);
  if (returns.length === 0) {
    diagnostics.push(M.noReturn(decl));
    return { graph: undefined, params };
  }
  const result = returns[0]!;
  if (resultType) interpreter.checkResult(result, resultType, decl.result, ctx);
  if (diagnostics.length > errorsBeforeBody || result.kind !== "tensor" || !result.ref) return { graph: undefined, params };
  const outputName = result.type.layout === "vector" ? "logits" : "output";
  return { graph: builder.finish(decl.name.name, result.ref, outputName, decl.span), params };
}
