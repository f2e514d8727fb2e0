/**
 * Tensor types as the checker sees them: dimensions are polynomials, batch is
 * implicit. Dimensions are kept in ONNX order so that checker, elaborator and
 * emitter agree without translation: a video tensor <T, H×W, C> is [C, T, H, W],
 * a vector <C> is [C], and a raw tensor lists its dimensions as written.
 */
import { Poly } from "./dims/poly";
import { formatSpatial, videoDims, writtenVideo } from "./shapes";

export type Layout = "video" | "vector" | "raw";

export interface TensorType {
  readonly layout: Layout;
  readonly dims: readonly Poly[];
}

export function videoType(t: Poly, h: Poly, w: Poly, c: Poly): TensorType {
  return { layout: "video", dims: videoDims(t, h, w, c) };
}

export function formatType(type: TensorType): string {
  const d = type.dims.map((p) => p.toString());
  if (type.layout === "vector") return `<${d[0]}>`;
  if (type.layout === "video") {
    const v = writtenVideo(type.dims);
    return `<${v.frames}, ${formatSpatial(v.height, v.width, { equal: (a, b) => a.equals(b), square: squareOf, factor: wrapTimes })}, ${v.channels}>`;
  }
  return `[${d.join(", ")}]`;
}

function squareOf(p: Poly): string {
  const s = p.toString();
  const oneRounding = (open: string, close: string): boolean => s.startsWith(open) && s.endsWith(close) && !s.slice(1, -1).includes(close);
  return /^[\p{L}\p{N}]+$/u.test(s) || oneRounding("⌊", "⌋") || oneRounding("⌈", "⌉") ? `${s}²` : `(${s})²`;
}

function wrapTimes(p: Poly): string {
  const s = p.toString();
  return /[ +−]/.test(s) ? `(${s})` : s;
}

/** Names of the axes, for messages: "channels", "frames", "height", "width". */
export function axisName(type: TensorType, axis: number): string {
  if (type.layout === "video") return ["channels", "frames", "height", "width"][axis]!;
  if (type.layout === "vector") return "features";
  return `axis ${axis + 1}`;
}

export function sameLayoutAndRank(a: TensorType, b: TensorType): boolean {
  return a.layout === b.layout && a.dims.length === b.dims.length;
}

export function elementCount(type: TensorType): Poly {
  return type.dims.reduce((acc, d) => acc.mul(d), Poly.ONE);
}
