/** Helpers shared by several op records. No helper knows about SlowFast. */
import { Poly } from "../dims/poly";
import { Rational } from "../dims/rational";
import type { Triple } from "../ir";
import { writtenVideo, type WrittenVideo } from "../shapes";
import { formatType, type TensorType } from "../types";
import type { LowerContext, OpArgs, RuleContext } from "./record";

export const ONE = Poly.ONE;
export const constant = (n: number): Poly => Poly.constant(n);
/** A window default with the same extent on every axis. */
export const uniformWindow = (n: number): readonly Poly[] => [constant(n), constant(n), constant(n)];

/** The written axes of a video tensor; any other kind fails with SF0203. */
export function requireVideo(t: TensorType, ctx: RuleContext, argName: string, opName: string): WrittenVideo<Poly> {
  if (t.layout !== "video")
    ctx.fail("SF0203", { message: `\`${opName}\` needs a video tensor <T, H×W, C>, found ${formatType(t)}`, label: `this is ${formatType(t)}` }, argName);
  return writtenVideo(t.dims);
}

/**
 * The extents of a strided window over the frames, height and width of `x`:
 * integral, and at least 1 each. `k`, `s`, `p`, `d` give kernel, stride, pad
 * and dilation per axis, in that order.
 */
export function windowedAxes(
  x: WrittenVideo<Poly>,
  ctx: RuleContext,
  k: readonly Poly[],
  s: readonly Poly[],
  p: readonly Poly[],
  d: readonly Poly[],
): [Poly, Poly, Poly] {
  const dims = [x.frames, x.height, x.width].map((n, i) => windowExtent(ctx, n, k[i]!, s[i]!, p[i]!, d[i]!));
  dims.forEach((dim, i) => ctx.requireAtLeast(dim, 1, OUTPUT_AXES[i]!));
  return dims as [Poly, Poly, Poly];
}

export function triple(ctx: LowerContext, w: readonly [Poly, Poly, Poly]): Triple {
  return [ctx.num(w[0]), ctx.num(w[1]), ctx.num(w[2])];
}

/** Output extent of a strided window: ⌊(n + 2p − d(k − 1) − 1)/s⌋ + 1. */
export function windowExtent(ctx: RuleContext, n: Poly, k: Poly, s: Poly, p: Poly, d: Poly): Poly {
  const [kc, pc, dc] = [k.constantValue(), p.constantValue(), d.constantValue()];
  // Kernel, padding and dilation are numbers in nearly every window: 2p − d(k − 1) − 1 is then one constant.
  const offset =
    kc !== undefined && pc !== undefined && dc !== undefined
      ? Poly.constant(
          pc
            .mul(Rational.of(2))
            .sub(dc.mul(kc.sub(Rational.ONE)))
            .sub(Rational.ONE),
        )
      : p.scale(Rational.of(2)).sub(d.mul(k.sub(ONE)).add(ONE));
  return ctx.floorDiv(n.add(offset), s).add(ONE);
}

/** What each axis of a window op's output is called in its obligations. */
/** What a window's output sizes are called in its requirements: the checker words their failure as an input too small. */
export const OUTPUT_AXES: readonly string[] = ["output frames", "output height", "output width"];

/** "temporal kernel", "height kernel", "width kernel": made once per window argument's name, as every windowed op asks. */
const argumentAxes = new Map<string, readonly string[]>();

function axesOf(name: string): readonly string[] {
  let named = argumentAxes.get(name);
  if (named === undefined) argumentAxes.set(name, (named = ["temporal", "height", "width"].map((axis) => `${axis} ${name}`)));
  return named;
}

/** Each given window argument is integral on every axis, ≥ 0 for `pad` and ≥ 1 otherwise. */
export function checkWindowArgs(a: OpArgs, ctx: RuleContext, names: readonly string[]): void {
  for (const name of names) {
    if (!a.has(name)) continue;
    const w = a.window(name);
    const what = axesOf(name);
    w.forEach((p, i) => {
      const least = name === "pad" ? 0 : 1;
      ctx.requireIntegral(p, what[i]!, name, least);
      ctx.requireAtLeast(p, least, what[i]!, name);
    });
  }
}

/** An interval a number argument must lie in; an open end excludes its bound. */
export interface Interval {
  readonly min?: number;
  readonly minOpen?: true;
  readonly max?: number;
  readonly maxOpen?: true;
}

export const POSITIVE: Interval = { min: 0, minOpen: true };

function intervalText(r: Interval): string {
  if (r.max === undefined) return r.min === 0 ? (r.minOpen ? "positive" : "at least 0") : `${r.minOpen ? "above" : "at least"} ${r.min}`;
  if (r.min === undefined) return `${r.maxOpen ? "below" : "at most"} ${r.max}`;
  return `in ${r.minOpen ? "(" : "["}${r.min}, ${r.max}${r.maxOpen ? ")" : "]"}`;
}

/** Where `x` stands relative to a bound: the sign of x − bound. */
type Comparison = (bound: number) => -1 | 0 | 1;

function within(r: Interval, compare: Comparison): boolean {
  if (r.min !== undefined && compare(r.min) < (r.minOpen ? 1 : 0)) return false;
  return r.max === undefined || compare(r.max) < (r.maxOpen ? 0 : 1);
}

/** A value short enough for a label; 1e-400 written out is not. */
const shown = (v: Rational): string => (v.toString().length <= 24 ? `found ${v}` : "here");

/**
 * A number the model holds as a float32 (an attribute, a constant): once
 * rounded, it must be finite and still in `range`, for the model computes with
 * the rounded value (1e-400 is 0 there, 1 − 10⁻¹⁰ is 1). `what` names it in
 * the message; `argName` places it.
 */
export function requireFloat32(ctx: RuleContext, what: string, x: number, range: Interval, argName?: string): void {
  const f = Math.fround(x);
  if (!Number.isFinite(f))
    ctx.fail("SF0211", { message: `${what} is too large for a float32`, label: "here", help: "a float32 holds at most about 3.4e38" }, argName);
  if (!within(range, (bound) => Math.sign(f - bound) as -1 | 0 | 1))
    ctx.fail("SF0211", { message: `${what} is ${f} once written to the model as a float32, but must be ${intervalText(range)}`, label: "here" }, argName);
}

/** A number argument lies in `range` where its value is known; returns that value. */
export function checkNumberArgument(a: OpArgs, ctx: RuleContext, opName: string, argName: string, range: Interval): Rational | undefined {
  const v = ctx.valueOf(a.dim(argName));
  if (v !== undefined && !within(range, (bound) => v.compare(Rational.of(bound))))
    ctx.fail("SF0211", { message: `\`${argName}\` of \`${opName}\` must be ${intervalText(range)}`, label: shown(v) }, argName);
  return v;
}

/**
 * A number argument that the model holds as a float32: where its value is
 * known, it lies in `range`, exactly and once rounded to float32.
 */
export function checkFloatArgument(a: OpArgs, ctx: RuleContext, opName: string, argName: string, range: Interval = {}): void {
  // The op record's own default is in range by construction: only a value written in the source is checked.
  if (!a.has(argName)) return;
  const v = checkNumberArgument(a, ctx, opName, argName, range);
  if (v !== undefined) requireFloat32(ctx, `\`${argName}\` of \`${opName}\``, v.toNumber(), range, argName);
}

/** The rule of elementwise ops: the input's type. */
export const sameShape = (a: OpArgs): TensorType => a.tensor("x");

/** The ONNX lowering of ops every supported opset can express. */
export const everyOpset = (): undefined => undefined;

/** The cost rule of ops the paper's FLOP count leaves out. */
export const noFlops = (): number => 0;
