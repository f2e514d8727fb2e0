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
import { Interpreter, type SymbolInfo } from "./interpret";
import type { BlockEntry } from "./scope";
import type { Span } from "./span";
import { formatType } from "./types";
import type { Value } from "./values";

export interface ParamOverride {
  readonly name: string;
  readonly value: Rational;
  /** Where the override was written (a span in the command line), for messages. */
  readonly span: Span;
}

export interface NetworkParam {
  readonly name: string;
  readonly value: Rational | undefined;
  readonly integer: boolean;
  readonly span: Span;
}

export interface Elaboration {
  readonly graph: IRGraph | undefined;
  readonly params: readonly NetworkParam[];
}

/** The parameters of a network: its module's `param`s, then its own scalar formals. */
function parameterDecls(entry: BlockEntry): Array<{ name: A.Ident; sort: A.Ident | undefined; value: A.Expr | undefined; span: Span }> {
  const out: Array<{ name: A.Ident; sort: A.Ident | undefined; value: A.Expr | undefined; span: Span }> = [];
  for (const p of entry.module.params.values()) out.push({ name: p.name, sort: p.sort, value: p.value, span: p.span });
  for (const f of entry.decl.formals) if (!f.type) out.push({ name: f.name, sort: f.sort, value: f.default, span: f.span });
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
  const symbols = new Map<string, SymbolInfo>();
  const vars = new Map<string, Value>();
  const ctx = interpreter.networkContext(entry.module, symbols, vars);
  const params: NetworkParam[] = [];
  const errorsBefore = diagnostics.length;
  for (const p of parameterDecls(entry)) {
    const override = overrides.find((o) => o.name === p.name.name);
    let value: Rational | undefined = override?.value;
    if (!override && p.value) {
      const v = interpreter.evalParam(p.value, ctx);
      if (v.kind === "dim") {
        value = v.poly.evaluate((n) => symbols.get(n)?.value);
        if (value === undefined) diagnostics.push(makeDiagnostic("SF0112", p.value.span, { message: `the value of \`${p.name.text}\` is not a number`, label: "here" }));
      } else if (v.kind !== "poison")
        diagnostics.push(makeDiagnostic("SF0112", p.value.span, { message: `a parameter's value must be a number`, label: "here" }));
    }
    if (!override && !p.value) diagnostics.push(makeDiagnostic("SF0108", p.span, { message: `network parameter \`${p.name.text}\` has no value`, label: "give it a default", help: `write \`${p.name.text} = <value>\` or set it with --set ${p.name.text}=<value>` }));
    const declaredSort = p.sort?.name;
    const integer = declaredSort ? declaredSort === "int" : (value?.isInteger() ?? true) && (p.value?.kind !== "number" || p.value.value.isInteger());
    if (value !== undefined && declaredSort === "int" && !value.isInteger())
      diagnostics.push(makeDiagnostic("SF0112", override?.span ?? p.span, { message: `\`${p.name.text}\` is an int, given ${value}`, label: "not an integer" }));
    symbols.set(p.name.name, { integer, span: override?.span ?? p.value?.span ?? p.span, value, display: `\`${p.name.text}\``, fromCommandLine: override !== undefined });
    vars.set(p.name.name, { kind: "dim", poly: Poly.symbol(p.name.name), span: p.name.span });
    params.push({ name: p.name.name, value, integer, span: p.span });
  }
  for (const o of overrides) {
    if (!params.some((p) => p.name === o.name))
      diagnostics.push(
        makeDiagnostic("SF0111", o.span, {
          message: `network \`${decl.name.text}\` has no parameter \`${o.name}\``,
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
        diagnostics.push(
          makeDiagnostic(n === undefined && v !== undefined && !v.isInteger() ? "SF0205" : "SF0206", f.type.span, {
            message: `input \`${f.name.text}\` ${formatType(type)} has a dimension ${d} = ${v ?? "?"} that is not a positive size`,
            label: "here",
          }),
        );
        return { graph: undefined, params };
      }
      shape.push(n);
    }
    const ref = builder.addInput(f.name.name, shape);
    vars.set(f.name.name, { kind: "tensor", type, ref, span: f.name.span });
  }
  const resultType = interpreter.typeFromExpr(decl.result, ctx);
  const errorsBeforeBody = diagnostics.length;
  const returns = interpreter.runNetworkBody(decl.body, ctx);
  if (returns.length === 0) {
    diagnostics.push(makeDiagnostic("SF0210", decl.name.span, { message: `network \`${decl.name.text}\` does not return a value`, label: "no `return` in its body", help: "end the body with `return <tensor>`" }));
    return { graph: undefined, params };
  }
  const result = returns[0]!;
  if (resultType) interpreter.checkNetworkResult(result, resultType, decl.result, ctx);
  if (diagnostics.length > errorsBeforeBody || result.kind !== "tensor" || !result.ref) return { graph: undefined, params };
  const outputName = result.type.layout === "vector" ? "logits" : "output";
  return { graph: builder.finish(decl.name.name, result.ref, outputName, decl.span), params };
}
