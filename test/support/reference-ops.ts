/**
 * Reference implementations of the ops sfc lowers, as plain loops over whole
 * N, C, T, H, W tensors, written independently of the emitter: what
 * test/emit/ops.test.ts compares onnxruntime's outputs of the emitted models
 * with.
 */
import type { Triple } from "../../compiler/ir";
import type { TensorData } from "./onnx-check";

export function stridesOf(dims: readonly number[]): number[] {
  const strides = new Array<number>(dims.length).fill(1);
  for (let axis = dims.length - 2; axis >= 0; axis--) strides[axis] = strides[axis + 1]! * dims[axis + 1]!;
  return strides;
}

export function tensor(dims: readonly number[]): TensorData {
  return { data: new Float32Array(dims.reduce((a, b) => a * b, 1)), dims: [...dims] };
}

export type Pads6 = readonly [number, number, number, number, number, number];

export function convReference(
  x: TensorData,
  w: Float32Array,
  bias: Float32Array | undefined,
  options: { out: number; kernel: Triple; stride: Triple; pads: Pads6; dilation: Triple; groups: number },
): TensorData {
  const [n, c, t, h, wd] = x.dims as [number, number, number, number, number];
  const [kt, kh, kw] = options.kernel;
  const [st, sh, sw] = options.stride;
  const [dt, dh, dw] = options.dilation;
  const [pt, ph, pw] = options.pads;
  const outSize = (size: number, k: number, s: number, d: number, axis: number) =>
    Math.floor((size + options.pads[axis]! + options.pads[axis + 3]! - d * (k - 1) - 1) / s) + 1;
  const ot = outSize(t, kt, st, dt, 0);
  const oh = outSize(h, kh, sh, dh, 1);
  const ow = outSize(wd, kw, sw, dw, 2);
  const inPerGroup = c / options.groups;
  const outPerGroup = options.out / options.groups;
  const y = tensor([n, options.out, ot, oh, ow]);
  const xs = stridesOf(x.dims);
  const ws = stridesOf([options.out, inPerGroup, kt, kh, kw]);
  let index = 0;
  for (let b = 0; b < n; b++)
    for (let o = 0; o < options.out; o++) {
      const group = Math.floor(o / outPerGroup);
      for (let i = 0; i < ot; i++)
        for (let j = 0; j < oh; j++)
          for (let k = 0; k < ow; k++) {
            let sum = bias ? bias[o]! : 0;
            for (let ci = 0; ci < inPerGroup; ci++)
              for (let a = 0; a < kt; a++) {
                const ti = i * st - pt + a * dt;
                if (ti < 0 || ti >= t) continue;
                for (let bb = 0; bb < kh; bb++) {
                  const hi = j * sh - ph + bb * dh;
                  if (hi < 0 || hi >= h) continue;
                  for (let cc = 0; cc < kw; cc++) {
                    const wi = k * sw - pw + cc * dw;
                    if (wi < 0 || wi >= wd) continue;
                    const xv = x.data[b * xs[0]! + (group * inPerGroup + ci) * xs[1]! + ti * xs[2]! + hi * xs[3]! + wi]!;
                    const wv = w[o * ws[0]! + ci * ws[1]! + a * ws[2]! + bb * ws[3]! + cc]!;
                    sum += xv * wv;
                  }
                }
              }
            y.data[index++] = sum;
          }
    }
  return y;
}

export function poolReference(x: TensorData, kind: "max" | "avg", kernel: Triple, stride: Triple, pads: Pads6, countIncludePad: boolean): TensorData {
  const [n, c, t, h, w] = x.dims as [number, number, number, number, number];
  const outSize = (size: number, axis: number) => Math.floor((size + pads[axis]! + pads[axis + 3]! - kernel[axis]!) / stride[axis]!) + 1;
  const [ot, oh, ow] = [outSize(t, 0), outSize(h, 1), outSize(w, 2)];
  const y = tensor([n, c, ot, oh, ow]);
  const xs = stridesOf(x.dims);
  let index = 0;
  for (let b = 0; b < n; b++)
    for (let ch = 0; ch < c; ch++)
      for (let i = 0; i < ot; i++)
        for (let j = 0; j < oh; j++)
          for (let k = 0; k < ow; k++) {
            let max = -Infinity;
            let sum = 0;
            let valid = 0;
            for (let a = 0; a < kernel[0]; a++)
              for (let bb = 0; bb < kernel[1]; bb++)
                for (let cc = 0; cc < kernel[2]; cc++) {
                  const ti = i * stride[0] - pads[0] + a;
                  const hi = j * stride[1] - pads[1] + bb;
                  const wi = k * stride[2] - pads[2] + cc;
                  if (ti < 0 || ti >= t || hi < 0 || hi >= h || wi < 0 || wi >= w) continue;
                  const v = x.data[b * xs[0]! + ch * xs[1]! + ti * xs[2]! + hi * xs[3]! + wi]!;
                  max = Math.max(max, v);
                  sum += v;
                  valid++;
                }
            const divisor = countIncludePad ? kernel[0] * kernel[1] * kernel[2] : valid;
            y.data[index++] = kind === "max" ? max : sum / divisor;
          }
  return y;
}

export function mapElements(x: TensorData, f: (v: number) => number): TensorData {
  return { data: x.data.map(f), dims: [...x.dims] };
}

/** erf by Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7, below float32 tolerance here). */
export function erf(x: number): number {
  const sign = Math.sign(x);
  const a = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * a);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  return sign * (1 - poly * Math.exp(-a * a));
}

export const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

/** Permutes a tensor's axes: output axis i is input axis perm[i]. */
export function transposeReference(x: TensorData, perm: readonly number[]): TensorData {
  const outDims = perm.map((axis) => x.dims[axis]!);
  const y = tensor(outDims);
  const inStrides = stridesOf(x.dims);
  const outStrides = stridesOf(outDims);
  for (let index = 0; index < y.data.length; index++) {
    let rest = index;
    let source = 0;
    for (let axis = 0; axis < outDims.length; axis++) {
      const coordinate = Math.floor(rest / outStrides[axis]!);
      rest -= coordinate * outStrides[axis]!;
      source += coordinate * inStrides[perm[axis]!]!;
    }
    y.data[index] = x.data[source]!;
  }
  return y;
}

/** Picks frames along axis 2 of [N, C, T, H, W]. */
export function selectFrames(x: TensorData, frames: readonly number[]): TensorData {
  const [n, c, , h, w] = x.dims as [number, number, number, number, number];
  const y = tensor([n, c, frames.length, h, w]);
  const xs = stridesOf(x.dims);
  let index = 0;
  for (let b = 0; b < n; b++)
    for (let ch = 0; ch < c; ch++)
      for (const frame of frames) {
        const base = b * xs[0]! + ch * xs[1]! + frame * xs[2]!;
        for (let i = 0; i < h * w; i++) y.data[index++] = x.data[base + i]!;
      }
  return y;
}

/** Concatenates along `axis` (batch = 0). */
export function concatReference(parts: readonly TensorData[], axis: number): TensorData {
  const outDims = [...parts[0]!.dims];
  outDims[axis] = parts.reduce((sum, part) => sum + part.dims[axis]!, 0);
  const y = tensor(outDims);
  const outer = outDims.slice(0, axis).reduce((a, b) => a * b, 1);
  let index = 0;
  for (let o = 0; o < outer; o++)
    for (const part of parts) {
      const chunk = part.data.length / outer;
      y.data.set(part.data.subarray(o * chunk, (o + 1) * chunk), index);
      index += chunk;
    }
  return y;
}

export function globalAvgPoolReference(x: TensorData): TensorData {
  const [n, c] = x.dims as [number, number];
  const spatial = x.data.length / (n * c);
  const y = tensor([n, c]);
  for (let i = 0; i < n * c; i++) {
    let sum = 0;
    for (let j = 0; j < spatial; j++) sum += x.data[i * spatial + j]!;
    y.data[i] = sum / spatial;
  }
  return y;
}

/** y = x W^T + b over the last axis; W is [out, in]. */
export function linearReference(x: TensorData, w: Float32Array, bias: Float32Array | undefined, out: number): TensorData {
  const inFeatures = x.dims[x.dims.length - 1]!;
  const rows = x.data.length / inFeatures;
  const y = tensor([...x.dims.slice(0, -1), out]);
  for (let r = 0; r < rows; r++)
    for (let o = 0; o < out; o++) {
      let sum = bias ? bias[o]! : 0;
      for (let i = 0; i < inFeatures; i++) sum += x.data[r * inFeatures + i]! * w[o * inFeatures + i]!;
      y.data[r * out + o] = sum;
    }
  return y;
}

export function softmaxReference(x: TensorData, axis: number): TensorData {
  const y = tensor(x.dims);
  const size = x.dims[axis]!;
  const inner = x.dims.slice(axis + 1).reduce((a, b) => a * b, 1);
  const outer = x.data.length / (size * inner);
  for (let o = 0; o < outer; o++)
    for (let i = 0; i < inner; i++) {
      const at = (k: number) => o * size * inner + k * inner + i;
      let max = -Infinity;
      for (let k = 0; k < size; k++) max = Math.max(max, x.data[at(k)]!);
      let sum = 0;
      for (let k = 0; k < size; k++) sum += Math.exp(x.data[at(k)]! - max);
      for (let k = 0; k < size; k++) y.data[at(k)] = Math.exp(x.data[at(k)]! - max) / sum;
    }
  return y;
}

export function batchnormReference(
  x: TensorData,
  scale: Float32Array,
  bias: Float32Array,
  mean: Float32Array,
  variance: Float32Array,
  epsilon: number,
): TensorData {
  const [n, c] = x.dims as [number, number];
  const spatial = x.data.length / (n * c);
  const y = tensor(x.dims);
  for (let b = 0; b < n; b++)
    for (let ch = 0; ch < c; ch++) {
      const factor = scale[ch]! / Math.sqrt(variance[ch]! + epsilon);
      for (let i = 0; i < spatial; i++) {
        const at = (b * c + ch) * spatial + i;
        y.data[at] = (x.data[at]! - mean[ch]!) * factor + bias[ch]!;
      }
    }
  return y;
}

/** PySlowFast's frame choice: torch.linspace(0, frames - 1, count).long(). */
export function linspaceIndices(frames: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => Math.trunc((i * (frames - 1)) / (count - 1)));
}
