/**
 * Divisibility that no size can give (prover.ts's bracket): worded once,
 * for a block's own division or op (SF0125) and for a call in a generic
 * block that passes such sizes on (SF0302's notes), as in check/messages.ts;
 * and a dimension variable a call solves to a whole number that is not positive.
 */
import { makeDiagnostic, type Diagnostic } from "../diagnostics/diagnostic";
import { Poly } from "../dims/poly";
import type { Span } from "../span";
import type { Ctx } from "./context";
import type { FormalDim } from "./messages";
import type { Rational } from "../dims/rational";
import type { Assignment, Bracket } from "./prover";

/** a/b as written: (S + 2)/(S + 1), S/2, S/(2m). */
export function quotientText(dividend: Poly, divisor: Poly): string {
  return divisor.equals(Poly.ONE) ? `${dividend}` : `${dividend.operandText()}/${divisor.divisorText()}`;
}

/** What a division required whole is about: "S/k a whole number". */
export function wholeNumberText(dividend: Poly, divisor: Poly): string {
  return `${quotientText(dividend, divisor)} a whole number`;
}

/** "S ≥ 1", "T ≥ 1 and S ≥ 1": the sizes without a value, which a refutation holds over. */
function sizesText(evidence: Assignment, ctx: Ctx): string {
  const isFreeSize = (n: string) => ctx.symbols.get(n)?.size === true && ctx.symbols.get(n)?.value === undefined;
  const names = [...evidence.keys()].filter(isFreeSize).map((n) => `${n} ≥ 1`);
  return names.length <= 1 ? (names[0] ?? "") : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
}

/**
 * The proof and a value where it fails, as notes: "0 < S < S + 1 for every
 * S ≥ 1, so S/(S + 1) lies strictly between 0 and 1", "at S = 1 it is 1/2".
 */
export function bracketNotes(dividend: Poly, divisor: Poly, never: Bracket, evidence: Assignment, ctx: Ctx): string[] {
  const { quotient, remainder } = never;
  const ratio = quotientText(dividend, divisor);
  const every = sizesText(evidence, ctx);
  const multiple = divisor.equals(Poly.ONE) ? `${quotient}` : quotient.equals(Poly.ONE) ? `${divisor}` : `${quotient.operandText()}·${divisor.operandText()}`;
  const split = quotient.isZero() ? "" : `${dividend} = ${multiple} + ${remainder}, and `;
  const at = [...evidence].map(([n, v]) => `${n} = ${v}`).join(", ");
  const get = (n: string) => evidence.get(n);
  const [a, b] = [dividend.evaluate(get), divisor.evaluate(get)];
  return [
    `${split}0 < ${remainder} < ${divisor} for every ${every}, so ${ratio} lies strictly between ${quotient} and ${quotient.add(Poly.ONE)}`,
    ...(a !== undefined && b !== undefined && !b.isZero() ? [`at ${at} it is ${a.div(b)}`] : []),
  ];
}

/**
 * A requirement of a block's own body that no size meets, so that every call
 * would fail it: `what` names the obligation ("the output channels"), or is
 * undefined for a division written in the source (S/(S + 1)).
 */
export function neverMet(at: Span, what: string | undefined, dividend: Poly, divisor: Poly, never: Bracket, evidence: Assignment, ctx: Ctx): Diagnostic {
  const ratio = quotientText(dividend, divisor);
  const whole = what === undefined || divisor.equals(Poly.ONE);
  const subject = what === undefined ? ratio : `${what}: ${dividend}`;
  return makeDiagnostic("SF0125", at, {
    message: `${subject} is not ${whole ? "a whole number" : `a multiple of ${divisor}`} for any ${sizesText(evidence, ctx)}`,
    label: "no size makes this whole",
    notes: bracketNotes(dividend, divisor, never, evidence, ctx),
    help: `every call would fail here; write the rounding you mean, ⌊${ratio}⌋ or ⌈${ratio}⌉, or the division you meant`,
  });
}

/** A call's argument that makes a dimension variable a whole number below 1 (SF0301): a size is positive. */
export function notPositive(callee: string, x: string, p: FormalDim, value: Rational, ctx: Ctx): Diagnostic {
  const who = ctx.inLateral ? "lateral link" : `\`${callee}\``;
  return makeDiagnostic("SF0301", ctx.inLateral ?? p.span, {
    message: `${who} needs ${p.axis} ${p.dimText} to give ${x} a positive size`,
    label: `this gives ${x} = ${value}`,
    related: [{ span: p.argSpan, label: `\`${callee}\` takes ${p.dimText} ${p.axis}` }],
    notes: [`${x} is a dimension: a positive whole number`],
  });
}
