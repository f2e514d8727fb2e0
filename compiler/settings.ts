/**
 * --set NAME=VALUE, read into parameter overrides. A value is a number
 * (integer, decimal or fraction), a word, a quoted string, or a block value
 * with arguments; what cannot be read is SF0112 at `<command line>`, saying
 * what is wrong with the value rather than only that it was not understood.
 */
import type * as A from "./ast";
import { AstBuilder, unquote } from "./ast-builder";
import { grammar } from "./grammar";
import { canonicalName } from "./greek";
import { Rational } from "./dims/rational";
import { makeDiagnostic, type Diagnostic } from "./diagnostics/diagnostic";
import type { ParamOverride } from "./elaborate";
import { numberTooLong, raiseHint, type Limits } from "./limits";
import type { Span } from "./span";

const VALUES_HELP = "values are integers, decimals, fractions or words: --set alpha=4, --set beta=1/8, --set transform=t2c";

const FRACTION = /^(-?\d+)\s*\/\s*(\d+)$/;
/** Expressions that compute a number (a parenthesised one included): refused as arithmetic, not as an unknown form. */
const ARITHMETIC: ReadonlySet<A.Expr["kind"]> = new Set(["number", "binary", "neg", "square", "floor", "ceil", "conditional"]);
/** A quoted word, read as grammar/lexer.ts reads a string (not imported: the parser loads only when something is parsed). */
const QUOTED = /^"(?:[^"\\\n\r]|\\.)*"$/;
/** What reads as one number literal, whatever its size. */
const DECIMAL = /^-?\d+(?:\.\d*)?(?:[eE][+-]?\d+)?$/;

/** A number as --set takes it: an integer, a decimal (1e3, 0.5) or a fraction (1/8); undefined otherwise. */
export function parseValue(text: string, maxDigits?: number): Rational | undefined {
  const t = text.trim();
  const frac = FRACTION.exec(t);
  if (frac) return BigInt(frac[2]!) === 0n ? undefined : Rational.of(BigInt(frac[1]!), BigInt(frac[2]!));
  return Rational.parseDecimal(t, maxDigits);
}

/**
 * The settings in order. One parameter set twice, under one spelling or two
 * (`alpha=2` and `α=8`), is SF0109 where values differ: which one was meant
 * is not sfc's to guess. `at` places a part in the command line.
 */
export function parseSettings(
  settings: readonly { readonly text: string }[],
  at: (part: string) => Span,
  diagnostics: Diagnostic[],
  limits: Limits,
): ParamOverride[] {
  // Each parameter's setting, with its value as written: two of one word or expression are one where the text is.
  const given = new Map<string, { override: ParamOverride; raw: string }>();
  for (const s of settings) {
    const span = at(`--set ${s.text}`);
    const m = /^\s*([^=\s]+)\s*=\s*(.+)$/.exec(s.text);
    if (!m) {
      diagnostics.push(unreadable(s.text, span, "", /^\s*[^=\s]+\s*=\s*$/.test(s.text) ? "no value after =" : "expected NAME=VALUE"));
      continue;
    }
    const raw = m[2]!.trim();
    const name = canonicalName(m[1]!);
    const value = readValue(s.text, raw, span, limits, diagnostics);
    if (value === undefined) continue;
    const first = given.get(name);
    if (first === undefined) given.set(name, { override: { name, written: m[1]!, span, ...value }, raw });
    else if (!sameValue(first, value, raw)) diagnostics.push(setTwice(first.override, m[1]!, raw, span));
  }
  return [...given.values()].map((g) => g.override);
}

/** 1/2 and 0.5 are one number; a word or an expression is the same where it is written alike. */
function sameValue(first: { override: ParamOverride; raw: string }, value: Pick<ParamOverride, "value">, raw: string): boolean {
  const a = first.override.value;
  const b = value.value;
  return a instanceof Rational && b instanceof Rational ? a.equals(b) : first.raw === raw;
}

function setTwice(first: ParamOverride, written: string, raw: string, span: Span): Diagnostic {
  const spellings = first.written === written ? `\`${written}\`` : `\`${first.name}\` (as \`${first.written}\` and \`${written}\`)`;
  return makeDiagnostic("SF0109", span, {
    message: `${spellings} is set twice, to different values`,
    label: `again, to ${raw}`,
    related: [{ span: first.span, label: "first here" }],
    help: "give each parameter one --set",
  });
}

/** A setting's value, or undefined after reporting why it cannot be one. */
function readValue(text: string, raw: string, span: Span, limits: Limits, diagnostics: Diagnostic[]): Pick<ParamOverride, "value" | "expression"> | undefined {
  const frac = FRACTION.exec(raw);
  if (frac && BigInt(frac[2]!) === 0n) {
    diagnostics.push(unreadable(text, span, ": a fraction with denominator 0", "division by zero"));
    return undefined;
  }
  const number = parseValue(raw, limits.numberDigits);
  if (number) return { value: number };
  if (DECIMAL.test(raw)) {
    // As for a literal in a source (SF0004), with the limit that decides it.
    diagnostics.push(
      makeDiagnostic("SF0004", span, {
        message: numberTooLong(raw, limits.numberDigits),
        label: "too large or too precise",
        help: raiseHint("numberDigits", limits),
      }),
    );
    return undefined;
  }
  if (/^-?\.\d/.test(raw)) {
    diagnostics.push(unreadable(text, span, ": a decimal needs a digit before its point", "not a value", `write ${raw.replace(".", "0.")}`));
    return undefined;
  }
  // A choice parameter's word: --set transform=t2c, or quoted, --set 'clip="8x8"',
  // read as a string in a source is, so that --set 'mode="a\"b"' sets the word a"b.
  if (QUOTED.test(raw)) return { value: unquote(raw) };
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(raw)) return { value: raw };
  return readExpression(text, raw, span, diagnostics);
}

/**
 * A block value with arguments (--set 'transform=tconv_only(k: K)') is an
 * expression; any other expression (4+4, 1/(4-4)) is refused as one, since a
 * setting is a value, not arithmetic to do.
 */
function readExpression(text: string, raw: string, span: Span, diagnostics: Diagnostic[]): Pick<ParamOverride, "value" | "expression"> | undefined {
  // Padded to its place in the command line, so that spans point into it.
  const start = span.start + "--set ".length + text.lastIndexOf(raw);
  const padded = " ".repeat(start) + raw;
  const { cst, problem } = grammar().parseExpression(padded);
  const builder = AstBuilder.forText(span.file, padded);
  const expression: A.Expr | undefined = cst ? builder.exprOf(cst) : undefined;
  const [built] = builder.problems;
  if (expression && !built) {
    if (expression.kind === "call" || expression.kind === "name") return { value: raw, expression };
    diagnostics.push(
      ARITHMETIC.has(expression.kind)
        ? unreadable(text, span, ": an expression is not a value", "an expression", `${VALUES_HELP}; write the value it comes to`)
        : unreadable(text, span, "", "not a value", `${VALUES_HELP}; quote any other word: --set 'size="8x8"'`),
    );
    return undefined;
  }
  if (!raw.includes("(")) {
    diagnostics.push(unreadable(text, span, "", "not a value", `${VALUES_HELP}; quote any other word: --set 'size="8x8"'`));
    return undefined;
  }
  const where = problem ? builder.spanAt(problem.offset, problem.offset + Math.max(1, problem.length)) : span;
  diagnostics.push(
    makeDiagnostic("SF0112", where, {
      message: `cannot read the setting ${JSON.stringify(text)}: ${problem?.message ?? built?.message ?? "not an expression"}`,
      label: "here",
      help: "a block value is a block's name, optionally with named arguments: --set 'transform=tconv_only(k: 7)'",
    }),
  );
  return undefined;
}

function unreadable(text: string, span: Span, why: string, label: string, help = VALUES_HELP): Diagnostic {
  return makeDiagnostic("SF0112", span, { message: `cannot read the setting ${JSON.stringify(text)}${why}`, label, help });
}
