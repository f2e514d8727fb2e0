/**
 * A lateral link whose transformed source does not fit its target: the
 * frames, or the height and width, worded as the paper speaks of Fast and
 * Slow, with which side to change. check/messages.ts holds the rest.
 */
import type * as A from "../ast";
import { makeDiagnostic, type Diagnostic } from "../diagnostics/diagnostic";
import type { Poly } from "../dims/poly";
import { Rational } from "../dims/rational";
import { joinSpans, type Span } from "../span";
import type { Ctx } from "./context";
import { provenance, show, valueIn } from "./messages";

/** "32" where the value is known, else the form: how a size reads in Fast/Slow terms. */
const sizeOf = (p: Poly, ctx: Ctx): string => valueIn(p, ctx)?.toString() ?? p.toString();
const areaOf = ([h, w]: readonly [Poly, Poly], ctx: Ctx): string => `${sizeOf(h, ctx)}×${sizeOf(w, ctx)}`;

/** The whole transform of a lateral link, every call of a pipe included. */
const transformSpan = (s: A.LateralStmt): Span => s.then.reduce((span, t) => joinSpans(span, t.span), s.transform.span);

/**
 * The transformed source against the target, named as the source names them
 * (`fast`, `slow`, ...): a link may go either way.
 */
export function lateralSpatial(
  s: A.LateralStmt,
  transformed: readonly [Poly, Poly],
  target: readonly [Poly, Poly],
  ctx: Ctx,
  source?: readonly [Poly, Poly],
): Diagnostic {
  const [from, into] = [s.source.text, s.target.text];
  const [th] = transformed;
  const [gh] = target;
  const tv = valueIn(th, ctx);
  const gv = valueIn(gh, ctx);
  const ratio = tv !== undefined && gv !== undefined && !tv.isZero() ? gv.div(tv) : undefined;
  // A transform that keeps the height and width (a temporal conv) is not what shrank the source: its pathway did.
  const kept = source !== undefined && source[0].sub(transformed[0]).isZero() && source[1].sub(transformed[1]).isZero();
  return makeDiagnostic("SF0202", s.span, {
    message: `lateral link: the transformed \`${from}\` is ${areaOf(transformed, ctx)} but \`${into}\` is ${areaOf(target, ctx)}`,
    label: `fusing ${from} into ${into} needs the same height and width`,
    related: [{ span: transformSpan(s), label: `gives ${transformed[0]}×${transformed[1]}` }, ...provenance([...transformed, ...target], ctx)],
    notes: [
      `\`${from}\` after the transform: ${transformed[0]}×${transformed[1]}${tv !== undefined ? ` = ${areaOf(transformed, ctx)}` : ""}`,
      `\`${into}\`: ${target[0]}×${target[1]}${gv !== undefined ? ` = ${areaOf(target, ctx)}` : ""}`,
    ],
    help:
      ratio !== undefined && ratio.isInteger() && ratio.num > 1n
        ? kept
          ? `\`${from}\` is ${ratio}× smaller than \`${into}\` before the link, whose transform keeps its size: downsample both pathways alike, or upsample the link's result (\`|> upsample(1×${ratio}²)\`)`
          : `the transform shrinks \`${from}\` ${ratio}× more than \`${into}\`: give it spatial stride 1, upsample its result (\`|> upsample(1×${ratio}²)\`), or downsample \`${into}\` alike`
        : kept
          ? `\`${from}\` and \`${into}\` differ in height and width before the link, whose transform keeps them: downsample both pathways alike`
          : `the transform must give the height and width of \`${into}\`: give it spatial stride 1, or downsample both pathways alike`,
  });
}

/**
 * The frames of the transformed source against the target's. `sourceFrames`
 * tells the direction: a link into a pathway with more frames than its
 * source (Slow → Fast) has to make them; one into fewer (Fast → Slow) is
 * built for a frame-rate ratio that the target's sampling must match.
 */
export function lateralFrames(s: A.LateralStmt, transformed: Poly, target: Poly, sourceFrames: Poly, ctx: Ctx): Diagnostic {
  const [from, into] = [s.source.text, s.target.text];
  const alpha = ctx.symbols.get("α");
  const alphaValue = alpha?.value !== undefined ? ` (α = ${alpha.value})` : "";
  const sv = valueIn(sourceFrames, ctx);
  const gv = valueIn(target, ctx);
  const makesTime = sv !== undefined && gv !== undefined && sv.compare(gv) < 0;
  return makeDiagnostic("SF0202", s.span, {
    message: `lateral link: \`${into}\` has ${sizeOf(target, ctx)} frames but the transform of \`${from}\` gives ${sizeOf(transformed, ctx)}`,
    label: `fusing ${from} into ${into} needs the same frames`,
    related: [{ span: transformSpan(s), label: `gives ${transformed} ${framesWord(transformed)}` }, ...provenance([transformed, target], ctx)],
    notes: [`the transform gives ${show(transformed, ctx)} ${framesWord(transformed)}; \`${into}\` has ${show(target, ctx)}`],
    help: makesTime
      ? `a link into a pathway with more frames must make them: std.lateral's \`c2t\` (channels to frames) and \`tupsample\` (each frame repeated) give α for each one${alphaValue}`
      : fewerFramesHelp(from, into, { source: sv, target: gv, transformed: valueIn(transformed, ctx) }, alpha?.value),
  });
}

/** "1 frame", "4 frames", "T frames". */
const framesWord = (count: Poly): string => (count.constantValue()?.equals(Rational.ONE) ? "frame" : "frames");

/**
 * Which side of a link into fewer frames to change. Where the pathways'
 * frames are α apart, the transform is at fault (it was built for another
 * ratio, or an upsample after it stretches time); where the transform
 * divides by α, the target's sampling is.
 */
function fewerFramesHelp(
  from: string,
  into: string,
  frames: { source?: Rational; target?: Rational; transformed?: Rational },
  alpha: Rational | undefined,
): string {
  const { source, target, transformed } = frames;
  const alphaValue = alpha !== undefined ? ` (α = ${alpha})` : "";
  const sampleTarget = `sample \`${into}\` with \`every: α\`, the frame-rate ratio the lateral is built for${alphaValue}: \`frames(clip, every: α)\``;
  if (source === undefined || target === undefined || transformed === undefined || target.isZero() || transformed.isZero()) return sampleTarget;
  const pathwaysRatio = source.div(target);
  if (alpha !== undefined && source.div(transformed).equals(alpha) && !pathwaysRatio.equals(alpha)) return sampleTarget;
  const found = `\`${from}\` has ${source} frames and \`${into}\` ${target}, but the transform takes them to ${transformed}`;
  if (alpha !== undefined && pathwaysRatio.equals(alpha))
    return `${found}: build it for α (std.lateral's transforms take \`α: α\`), and keep time in an upsample after it (\`upsample(1×s²)\`)`;
  return `${found}: it must ${pathwaysRatio.isInteger() ? `divide them by ${pathwaysRatio}` : `give ${target}`}`;
}
