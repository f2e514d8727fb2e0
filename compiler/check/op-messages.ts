/**
 * An op's obligations that fail in an instance, or for every value of a
 * block's symbols: a size not a multiple, too small, two sizes that differ, a
 * fraction where a whole number is needed. apply-op.ts decides; this file
 * words them, as check/messages.ts does the rest.
 */
import { makeDiagnostic, type Diagnostic, type ParameterFix } from "../diagnostics/diagnostic";
import { Poly } from "../dims/poly";
import type { Rational } from "../dims/rational";
import { OUTPUT_AXES } from "../ops/common";
import type { Span } from "../span";
import type { Ctx } from "./context";
import { keepSizeHelp, lateralPrefix, provenance, show, sizeChangedAt, type SizeChange } from "./messages";

export function notMultipleForOp(op: string, at: Span, what: string, p: Poly, divisor: Poly, ctx: Ctx): Diagnostic {
  return makeDiagnostic("SF0301", at, {
    message: `${what} ${show(p, ctx)} must be a multiple of ${show(divisor, ctx)}`,
    label: `\`${op}\` here`,
    related: provenance([p, divisor], ctx),
  });
}

export function tooSmall(op: string, at: Span, what: string, p: Poly, v: Rational, min: number, ctx: Ctx): Diagnostic {
  return makeDiagnostic(min >= 1 ? "SF0206" : "SF0211", at, {
    message: `${what} would be ${v}${p.constantValue() === undefined ? ` (${p})` : ""}, but must be at least ${min}`,
    label: `\`${op}\` here`,
    related: provenance([p], ctx),
    help: tooSmallHelp(what, p, min, ctx),
  });
}

/**
 * An output's frames, height or width come from the input through the
 * window; anything else (channels, a count, a kernel) from the values given.
 */
function tooSmallHelp(what: string, p: Poly, min: number, ctx: Ctx): string | undefined {
  if (OUTPUT_AXES.includes(what)) return "the input is too small for this op: use a larger input size or a smaller stride";
  const given = [...p.symbols()].map((name) => ctx.symbols.get(name)).filter((info) => info?.value !== undefined);
  if (given.length === 0) return undefined;
  return `give ${given.map((info) => info!.display).join(" and ")} values that make ${p} at least ${min}`;
}

/** `change`: the window op whose padding made one of the two sizes, where one did. */
export function sizesDiffer(op: string, at: Span, what: string, found: Poly, expected: Poly, ctx: Ctx, change?: { made: Poly; by: SizeChange }): Diagnostic {
  // "channels differ", "frames of concat's tensor 2 differ", but "the inner dimension differs".
  const verb = /^(channels|frames)\b/.test(what) ? "differ" : "differs";
  const symbolic = ctx.mode.kind === "generic" && found.symbols().size + expected.symbols().size > 0;
  return makeDiagnostic("SF0202", at, {
    message: `${lateralPrefix(ctx)}${what} ${verb}: ${show(found, ctx)} vs ${show(expected, ctx)}`,
    label: `\`${op}\` needs them equal`,
    related: [...(change ? [sizeChangedAt(change.by, change.made)] : []), ...provenance([found, expected], ctx)],
    // Two numbers that differ need no note saying so.
    notes:
      found.constantValue() !== undefined && expected.constantValue() !== undefined
        ? []
        : [`${found} = ${expected} does not hold${symbolic ? " for every value of the block's parameters" : ""}`],
    ...(change ? { help: keepSizeHelp(change.by) } : ctx.inLateral && op === "add" && what === "channels" ? { help: SUM_FUSION_HELP } : {}),
  });
}

/** A lateral fused by `fuse sum` whose transform gives other channels than the pathway it joins has. */
const SUM_FUSION_HELP =
  "`fuse sum` adds the link's output to the pathway, channel by channel: fuse by concatenation (`fuse concat`), or give the transform the pathway's channels";

/** The help for a parameter that must be whole, where it is set on the command line: each value with the rounding it is. */
export function wholeValueHelp(fix: ParameterFix): string {
  const settings = fix.values.map((v, i) => `--set ${fix.parameter}=${v} (${fix.roundings?.[i]})`);
  return `give ${fix.display} a whole value, e.g. ${settings.join(" or ")}, or write the rounding where it is defined: ⌊…⌋ or ⌈…⌉`;
}

/** `atLeast`: the least the value may be (1 for a size), so that only roundings that work are suggested. */
export function notIntegral(at: Span, what: string, p: Poly, v: Rational, ctx: Ctx, atLeast?: number, helpGiven?: string): Diagnostic {
  // A parameter whose value is the fraction: the fix is a whole value for it.
  const [only] = p.symbols();
  const param = only !== undefined && p.equals(Poly.symbol(only)) ? ctx.symbols.get(only) : undefined;
  const least = atLeast === undefined ? undefined : BigInt(atLeast);
  const roundings = [
    { value: v.floor(), of: (x: unknown) => `⌊${x}⌋` },
    { value: v.ceil(), of: (x: unknown) => `⌈${x}⌉` },
  ].filter((r) => least === undefined || r.value >= least);
  // Both roundings below the least it may be (channels = −1/2): the least is the value to suggest.
  const whole = roundings.length > 0 ? roundings : [{ value: least!, of: () => `at least ${least}` }];
  const fix: ParameterFix | undefined =
    param?.value && only !== undefined && helpGiven === undefined
      ? { parameter: only, display: param.display, values: whole.map((r) => String(r.value)), roundings: whole.map((r) => r.of(v)) }
      : undefined;
  const help = fix
    ? wholeValueHelp(fix)
    : roundings.length > 0
      ? `write the rounding you mean: ${roundings.map((r) => `${r.of(p)} = ${r.value}`).join(" or ")}`
      : `${what} must be a whole number, at least ${least}`;
  // A number written as such (1/2) is its own value: "1/2 = 1/2" says nothing.
  const value = p.constantValue() === undefined ? `${p} = ${v}` : `${v}`;
  return makeDiagnostic("SF0205", at, {
    message: `${what} must be an integer, but ${p.constantValue() === undefined ? value : `it is ${value}`}`,
    label: `${value} is a fraction`,
    related: provenance([p], ctx),
    help: helpGiven ?? help,
    ...(fix ? { fix } : {}),
  });
}
