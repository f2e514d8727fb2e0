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
const OUTPUT_AXES = ["output frames", "output height", "output width"] as const;

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
      ctx.requireIntegral(p, what[i]!, name);
      ctx.requireAtLeast(p, name === "pad" ? 0 : 1, what[i]!, name);
    });
  }
}

/** The rule of elementwise ops: the input's type. */
export const sameShape = (a: OpArgs): TensorType => a.tensor("x");

/** The ONNX lowering of ops every supported opset can express. */
export const everyOpset = (): undefined => undefined;

/** The cost rule of ops the paper's FLOP count leaves out. */
export const noFlops = (): number => 0;
