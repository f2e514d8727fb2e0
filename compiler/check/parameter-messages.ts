/**
 * The network elaborator's diagnostics (compiler/elaborate.ts): parameter
 * values, alias arguments, settings and input sizes; one template each, as in
 * check/messages.ts.
 */
import type * as A from "../ast";
import { makeDiagnostic, type Diagnostic } from "../diagnostics/diagnostic";
import type { Poly } from "../dims/poly";
import type { Rational } from "../dims/rational";
import { suggest } from "../scope";
import type { Span } from "../span";
import { formatType, type TensorType } from "../types";

export function parameterWithoutValue(name: A.Ident, at: Span): Diagnostic {
  return makeDiagnostic("SF0108", at, {
    message: `network parameter \`${name.text}\` has no value`,
    label: "give it a default",
    help: `write \`${name.text} = <value>\` or set it with --set ${name.text}=<value>`,
  });
}

export function parameterNotANumber(name: A.Ident, at: Span): Diagnostic {
  return makeDiagnostic("SF0112", at, { message: `the value of \`${name.text}\` is not a number`, label: "here" });
}

export function parameterValueKind(at: Span): Diagnostic {
  return makeDiagnostic("SF0112", at, { message: "a parameter's value must be a number or a string", label: "here" });
}

/** `declared`: where the parameter is declared, when the value came from elsewhere (a setting). */
export function notAChoice(
  name: A.Ident,
  choices: readonly string[],
  value: Rational | string | boolean | undefined,
  at: Span,
  declared: Span | undefined,
): Diagnostic {
  return makeDiagnostic("SF0112", at, {
    message: `\`${name.text}\` is one of ${choices.map((c) => JSON.stringify(c)).join(", ")}, given ${typeof value === "string" ? JSON.stringify(value) : String(value)}`,
    label: "not one of the choices",
    related: declared ? [{ span: declared, label: "declared here" }] : [],
    help: typeof value === "string" ? suggest(value, choices) : undefined,
  });
}

export function notANumberChoice(
  name: A.Ident,
  choices: readonly string[],
  value: Rational | string | boolean | undefined,
  at: Span,
  declared: Span | undefined,
): Diagnostic {
  return makeDiagnostic("SF0112", at, {
    message: `\`${name.text}\` is one of ${choices.join(", ")}, given ${typeof value === "string" ? JSON.stringify(value) : String(value)}`,
    label: "not one of the choices",
    related: declared ? [{ span: declared, label: "declared here" }] : [],
  });
}

export function parameterNotBoolean(name: A.Ident, value: Rational | string | undefined, at: Span): Diagnostic {
  return makeDiagnostic("SF0112", at, { message: `\`${name.text}\` is true or false, given ${String(value)}`, label: "expected true or false" });
}

export function parameterIsAWord(name: A.Ident, value: string, at: Span): Diagnostic {
  return makeDiagnostic("SF0112", at, { message: `\`${name.text}\` is a number, given the word ${JSON.stringify(value)}`, label: "expected a number" });
}

export function parameterNotAnInt(name: A.Ident, value: Rational, at: Span): Diagnostic {
  return makeDiagnostic("SF0112", at, { message: `\`${name.text}\` is an int, given ${value}`, label: "not an integer" });
}

export function aliasArgumentUnknown(network: A.Ident, arg: A.Ident, params: readonly string[]): Diagnostic {
  return makeDiagnostic("SF0111", arg.span, {
    message: `network \`${network.text}\` has no parameter \`${arg.text}\``,
    label: "unknown parameter",
    help: suggest(arg.name, params),
  });
}

export function settingUnknown(network: A.Ident, written: string, at: Span, params: readonly string[]): Diagnostic {
  return makeDiagnostic("SF0111", at, {
    message: `network \`${network.text}\` has no parameter \`${written}\``,
    label: "unknown parameter",
    help: `its parameters are ${params.join(", ")}`,
  });
}

/** A network input whose declared dimension is not a positive size with the parameters bound. */
export function inputNotASize(name: A.Ident, at: Span, type: TensorType, d: Poly, v: Rational | undefined): Diagnostic {
  const code = v !== undefined && !v.isInteger() ? "SF0205" : v !== undefined && v.sign() > 0 ? "SF0004" : "SF0206";
  return makeDiagnostic(code, at, {
    message: `input \`${name.text}\` ${formatType(type)} has a dimension ${d} = ${v ?? "?"} that is not a positive size`,
    label: "here",
  });
}
