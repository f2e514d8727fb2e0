/**
 * The network elaborator's diagnostics (compiler/elaborate.ts): parameter
 * values, alias arguments, settings and input sizes; one template each, as in
 * check/messages.ts.
 */
import type * as A from "../ast";
import { makeDiagnostic, type Diagnostic } from "../diagnostics/diagnostic";
import type { Poly } from "../dims/poly";
import { asciiSpelling } from "../greek";
import type { Rational } from "../dims/rational";
import { closest, suggest } from "../scope";
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

/** A parameter computed from others (`param q = p·p`) whose exact value outgrows the digits a number may have. */
export function parameterTooLarge(name: A.Ident, at: Span, digits: number, hint: string): Diagnostic {
  return makeDiagnostic("SF0004", at, {
    message: `the value of \`${name.text}\` needs more than ${digits} digits written out`,
    label: "computed here",
    help: hint,
  });
}

/** `found`: what the value is instead ("an extent (a×b×c)"); `extent`: it is one, which a parameter can hold one side of. */
export function parameterValueKind(name: A.Ident, at: Span, found: string, extent: boolean): Diagnostic {
  return makeDiagnostic("SF0112", at, {
    message: `a parameter's value must be a number, a word or a boolean, found ${found}`,
    label: "here",
    help: extent ? `a parameter holds one number: give \`${name.text}\` one side, and write the extent where it is used (\`1×${name.text}²\`)` : undefined,
  });
}

/**
 * A value outside a choice parameter's choices: words (`"tconv" | "t2c"`,
 * quoted, with the closest suggested) or numbers (`1 | 1/2`, as written).
 * `declared`: where the parameter is declared, when the value came from
 * elsewhere (a setting). `setting`: the parameter's name as a `--set` wrote
 * it, when the value came from one: the suggestion is then written as that
 * setting would be.
 */
export function notAChoice(
  name: A.Ident,
  choices: { readonly words: readonly string[] } | { readonly numbers: readonly string[] },
  value: Rational | string | boolean | undefined,
  at: Span,
  declared: Span | undefined,
  setting?: string,
): Diagnostic {
  const listed = "words" in choices ? choices.words.map((c) => JSON.stringify(c)) : choices.numbers;
  return makeDiagnostic("SF0112", at, {
    message: `\`${name.text}\` is one of ${listed.join(", ")}, given ${typeof value === "string" ? JSON.stringify(value) : String(value)}`,
    label: "not one of the choices",
    related: declared ? [{ span: declared, label: "declared here" }] : [],
    help: "words" in choices && typeof value === "string" ? suggestWord(value, choices.words, setting) : undefined,
  });
}

/** "did you mean `residual`?", with the closest word written as it is typed where the value was (wordAsWritten). */
function suggestWord(given: string, words: readonly string[], setting: string | undefined): string | undefined {
  const best = closest(given, words);
  return best === undefined ? undefined : `did you mean \`${wordAsWritten(best, setting)}\`?`;
}

/** A word that is a name is typed bare, in a source and in a `--set` alike. */
const BARE_WORD = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * A word as it is typed: bare where it is a name (`residual`), else quoted
 * as a string of the source is, a backslash before `"` and `\` (`"c\\d"`);
 * for a `--set` of the parameter named `setting`, the whole setting as a
 * shell takes it (`--set 'mode="c\\d"'`, docs/language.md §18).
 */
function wordAsWritten(word: string, setting: string | undefined): string {
  const quoted = `"${word.replace(/["\\]/g, "\\$&")}"`;
  if (setting === undefined) return BARE_WORD.test(word) && word !== "true" && word !== "false" ? word : quoted;
  if (BARE_WORD.test(word)) return word;
  return `--set '${`${setting}=${quoted}`.replace(/'/g, "'\\''")}'`;
}

/**
 * A value for a numeric choice that is not known where the block is checked
 * (`k: 1/j`, j a plain `int` of the caller): it could not be checked at every
 * call, so the caller's own parameters must be choices too.
 */
export function choiceNotKnown(name: string, numbers: readonly string[], given: string, names: readonly string[], at: Span, declared: Span): Diagnostic {
  const reads = names.length > 0 ? names.map((n) => `\`${n}\``).join(", ") : "what it reads";
  return makeDiagnostic("SF0112", at, {
    message: `\`${name}\` is one of ${numbers.join(", ")}, given ${given}, which is not known here`,
    label: "not known to be one of the choices",
    related: [{ span: declared, label: "declared here" }],
    help: `give ${reads} a choice of numbers too (as \`${name}: ${numbers.join(" | ")}\` is), so that ${given} is checked for each of them`,
  });
}

/** A comparison with a word the parameter never takes (`mode == "residul"`): always false, so surely a slip. */
export function neverTheWord(param: string | undefined, words: readonly string[], word: string, at: Span): Diagnostic {
  return makeDiagnostic("SF0112", at, {
    message: `${param ? `\`${param}\`` : "this value"} is one of ${words.map((w) => JSON.stringify(w)).join(", ")}, never ${JSON.stringify(word)}`,
    label: "not one of its words",
    help: suggestWord(word, words, undefined),
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

/** "did you mean `alpha` (α)?": the parameter, by its name or its ASCII spelling, whichever is nearer what was written. */
function suggestParameter(written: string, params: readonly string[]): string | undefined {
  const spellings = new Map<string, string>();
  for (const name of params) {
    spellings.set(name, name);
    const ascii = asciiSpelling(name);
    if (ascii !== undefined) spellings.set(ascii, name);
  }
  const best = closest(written, spellings.keys());
  if (best === undefined) return undefined;
  const name = spellings.get(best)!;
  return best === name ? `did you mean \`${name}\`?` : `did you mean \`${best}\` (${name})?`;
}

export function aliasArgumentUnknown(network: A.Ident, arg: A.Ident, params: readonly string[]): Diagnostic {
  return makeDiagnostic("SF0111", arg.span, {
    message: `network \`${network.text}\` has no parameter \`${arg.text}\``,
    label: "unknown parameter",
    help: suggestParameter(arg.text, params) ?? `its parameters are ${params.join(", ")}`,
  });
}

export function settingUnknown(network: A.Ident, written: string, at: Span, params: readonly string[]): Diagnostic {
  const suggestion = suggestParameter(written, params);
  return makeDiagnostic("SF0111", at, {
    message: `network \`${network.text}\` has no parameter \`${written}\``,
    label: "unknown parameter",
    help: `${suggestion ? `${suggestion} ` : ""}its parameters are ${params.join(", ")}`,
  });
}

/** A network input whose declared dimension is not a positive size with the parameters bound. */
export function inputNotASize(name: A.Ident, at: Span, type: TensorType, d: Poly, v: Rational | undefined): Diagnostic {
  const code = v !== undefined && !v.isInteger() ? "SF0205" : v !== undefined && v.sign() > 0 ? "SF0004" : "SF0206";
  // SF0004: a positive whole number, refused only for its size.
  const problem = code === "SF0004" ? "too large to be a size" : "not a positive size";
  return makeDiagnostic(code, at, {
    message: `input \`${name.text}\` ${formatType(type)} has a dimension ${d} = ${v ?? "?"} that is ${problem}`,
    label: "here",
  });
}

// Block-valued parameters (transform: block | "none" = tconv(k: K)).

/** `declared`: the parameter's declaration, when the value was written elsewhere (a setting). */
export function noSuchBlockValue(
  name: string,
  written: string,
  at: Span,
  choices: readonly string[],
  blocks: readonly string[],
  declared: Span | undefined,
): Diagnostic {
  const words = choices.map((c) => JSON.stringify(c));
  return makeDiagnostic("SF0112", at, {
    message: `\`${name}\` is a block${words.length ? ` or ${words.join(", ")}` : ""}, given \`${written}\`: no block${words.length ? " or word" : ""} of that name`,
    label: "not a block in scope",
    related: declared ? [{ span: declared, label: "declared here" }] : [],
    help: suggest(written, [...blocks, ...choices]) ?? (blocks.length ? `the blocks in scope are ${blocks.join(", ")}` : undefined),
  });
}

export function notABlockValue(name: string, what: string, at: Span, declared: Span | undefined): Diagnostic {
  return makeDiagnostic("SF0120", at, {
    message: `\`${name}\` takes a block, given ${what}`,
    label: "not a block",
    related: declared ? [{ span: declared, label: "declared here" }] : [],
    help: "write a block's name, optionally with named arguments: `tconv` or `tconv(k: 7)`",
  });
}

export function blockValueArgument(
  block: string,
  arg: string,
  why: "unknown" | "tensor" | "twice" | "positional",
  at: Span,
  formals: readonly string[],
): Diagnostic {
  const message = {
    unknown: `\`${block}\` has no argument \`${arg}\` to bind`,
    tensor: `\`${arg}\` is \`${block}\`'s tensor input: it is given where the block is called, not bound in its value`,
    twice: `argument \`${arg}\` is bound twice`,
    positional: `a block value binds arguments by name: \`${block}(name: value)\``,
  }[why];
  return makeDiagnostic("SF0121", at, {
    message,
    label: { unknown: "unknown argument", tensor: "a tensor input", twice: "again here", positional: "no name" }[why],
    help: why === "unknown" ? (suggest(arg, formals) ?? `it takes ${formals.join(", ")}`) : undefined,
  });
}

/**
 * Where the value was written in another file than the call (a --set, or an
 * alias calling into the standard library), the mistake is the value's, and
 * every call of it would report the same: the binding is the primary span,
 * so that the repeats collapse into one diagnostic.
 */
export function boundAgain(param: string, arg: A.Argument & { name: A.Ident }, value: string, bound: Span): Diagnostic {
  const name = arg.name.text;
  if (bound.file !== arg.span.file)
    return makeDiagnostic("SF0122", bound, {
      message: `\`${name}\` is bound by \`${param}\` = \`${value}\`, and the calls of \`${param}\` give it too`,
      label: "bound here",
      related: [{ span: arg.span, label: "given again by this call" }],
      help: `leave \`${name}\` out of the value of \`${param}\`: its calls give it`,
    });
  return makeDiagnostic("SF0122", arg.span, {
    message: `\`${name}\` is already bound by \`${param}\` = \`${value}\``,
    label: "given again",
    related: [{ span: bound, label: `bound here` }],
    help: `bind \`${name}\` in one place: here, or in the value of \`${param}\``,
  });
}

/** `rebind`: how the fix binds it, `K` where the default reads the parameter K. */
export function droppedArgument(
  param: string,
  value: string,
  arg: string,
  own: string,
  byDefault: string,
  rebind: string,
  at: Span,
  setting: boolean,
): Diagnostic {
  const bound = `${value.endsWith(")") ? `${value.slice(0, -1)}, ` : `${value}(`}${arg}: ${rebind})`;
  return makeDiagnostic("SF0124", at, {
    message: `\`${param}\` = \`${value}\` uses its own \`${arg}\` = ${own}, where the default binds \`${arg}\` = ${byDefault}`,
    label: `\`${arg}\` = ${own} here`,
    help: setting ? `to keep the default's, bind it: --set '${param}=${bound}'` : `to keep the default's, bind it: \`${param}: ${bound}\``,
  });
}

export function wordCalled(param: A.Ident, word: string, valueAt: Span): Diagnostic {
  return makeDiagnostic("SF0123", param.span, {
    message: `\`${param.text}\` is ${JSON.stringify(word)} here, not a block`,
    label: "called here",
    related: [{ span: valueAt, label: `\`${param.text}\` = ${JSON.stringify(word)}` }],
    help: `test it first: \`if ${param.text} != ${JSON.stringify(word)} { ... }\``,
  });
}
