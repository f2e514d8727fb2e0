/**
 * Seeded weight initialisation: the generator against published reference
 * outputs, the distributions PySlowFast's scheme asks for, and determinism
 * that depends only on (seed, weight name).
 */
import { describe, expect, it } from "vitest";
import type { IRWeight, WeightInit } from "../../compiler/ir";
import { fanOut, fillInitialWeight, initialWeightBytes, msraStd, murmur3x86_32, weightStream, Xoshiro128StarStar } from "../../compiler/emit/init";

const weightOf = (name: string, shape: number[], init: WeightInit): IRWeight => ({ name, shape, init });

function valuesOf(bytes: Uint8Array): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Float32Array.from({ length: bytes.byteLength / 4 }, (_, i) => view.getFloat32(i * 4, true));
}

function moments(values: Float32Array): { mean: number; std: number; kurtosis: number } {
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / values.length;
  let m2 = 0;
  let m4 = 0;
  for (const v of values) {
    const d = (v - mean) ** 2;
    m2 += d;
    m4 += d * d;
  }
  m2 /= values.length;
  m4 /= values.length;
  return { mean, std: Math.sqrt(m2), kurtosis: m4 / (m2 * m2) };
}

const sameBytes = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

describe("generator", () => {
  it("xoshiro128** matches the reference implementation from state (1, 2, 3, 4)", () => {
    const rng = new Xoshiro128StarStar(1, 2, 3, 4);
    const outputs = Array.from({ length: 6 }, () => rng.nextUint32());
    expect(outputs).toEqual([11520, 0, 5927040, 70819200, 2031721883, 1637235492]);
  });

  it("MurmurHash3 x86_32 matches its published test vectors", () => {
    const utf8 = (text: string) => new TextEncoder().encode(text);
    expect(murmur3x86_32(utf8(""), 0)).toBe(0);
    expect(murmur3x86_32(utf8(""), 1)).toBe(0x514e28b7);
    expect(murmur3x86_32(utf8("Hello, world!"), 1234)).toBe(0xfaf6cdb3);
    expect(murmur3x86_32(utf8("The quick brown fox jumps over the lazy dog"), 0)).toBe(0x2e4ff723);
  });

  it("gives each (seed, name) its own stream, for negative and 64-bit seeds too", () => {
    const first = (seed: number, name: string) => weightStream(seed, name).nextUint32();
    const keys: [number, string][] = [
      [0, "a"],
      [1, "a"],
      [0, "b"],
      [-1, "a"],
      [2 ** 40, "a"],
      [Number.MAX_SAFE_INTEGER, "a"],
    ];
    const firsts = keys.map(([seed, name]) => first(seed, name));
    expect(new Set(firsts).size).toBe(keys.length);
    expect(first(7, "s2.slow.res0.branch2.a.weight")).toBe(first(7, "s2.slow.res0.branch2.a.weight"));
    expect(() => weightStream(0.5, "a")).toThrow(RangeError);
    expect(() => weightStream(2 ** 60, "a")).toThrow(RangeError);
  });
});

describe("PySlowFast's scheme", () => {
  it("computes kaiming fan_out as shape[0] times the receptive field", () => {
    expect(fanOut([64, 32, 3, 7, 7])).toBe(64 * 3 * 7 * 7);
    expect(fanOut([400, 2048])).toBe(400);
    expect(fanOut([16])).toBe(16);
    expect(msraStd([64, 32, 3, 7, 7])).toBeCloseTo(Math.sqrt(2 / (64 * 147)), 12);
  });

  it.each([
    ["conv", [64, 32, 3, 3, 3]],
    ["depthwise conv", [96, 1, 3, 3, 3]],
    ["linear", [128, 512]],
  ])("msra on a %s weight has mean 0, std sqrt(2 / fan_out) and a normal's kurtosis, within 5 standard errors", (_, shape) => {
    const values = valuesOf(initialWeightBytes(weightOf("w", shape as number[], { kind: "msra" }), 0));
    const { mean, std, kurtosis } = moments(values);
    const expectedStd = msraStd(shape as number[]);
    const n = values.length;
    // Sampling errors of a normal sample: std/√(2n) for the std, √(24/n) for the kurtosis.
    expect(Math.abs(std / expectedStd - 1)).toBeLessThan(5 / Math.sqrt(2 * n));
    expect(Math.abs(mean)).toBeLessThan((5 * expectedStd) / Math.sqrt(n));
    expect(Math.abs(kurtosis - 3)).toBeLessThan(5 * Math.sqrt(24 / n));
  });

  it("normal(std) is normal: std, and the share within 1 and 2 sigma", () => {
    const std = 0.01;
    const values = valuesOf(initialWeightBytes(weightOf("head.projection.weight", [400, 256], { kind: "normal", std }), 3));
    expect(Math.abs(moments(values).std / std - 1)).toBeLessThan(0.01);
    const within = (k: number) => values.filter((v) => Math.abs(v) < k * std).length / values.length;
    expect(within(1)).toBeCloseTo(0.6827, 2);
    expect(within(2)).toBeCloseTo(0.9545, 2);
    expect(values.every(Number.isFinite)).toBe(true);
  });

  it("constant fills every element", () => {
    expect(Array.from(valuesOf(initialWeightBytes(weightOf("bn.weight", [5], { kind: "constant", value: 1 }), 9)))).toEqual([1, 1, 1, 1, 1]);
    expect(Array.from(valuesOf(initialWeightBytes(weightOf("bn.bias", [3], { kind: "constant", value: 0 }), 9)))).toEqual([0, 0, 0]);
  });

  it("handles odd element counts (the last Box-Muller pair is half used)", () => {
    const odd = valuesOf(initialWeightBytes(weightOf("w", [3, 3], { kind: "normal", std: 1 }), 0));
    const even = valuesOf(initialWeightBytes(weightOf("w", [10], { kind: "normal", std: 1 }), 0));
    // Same stream: the odd-length tensor is a prefix of the longer one.
    expect(Array.from(odd)).toEqual(Array.from(even.subarray(0, 9)));
  });
});

describe("determinism", () => {
  const conv = weightOf("s1.pathway0_stem.conv.weight", [64, 3, 1, 7, 7], { kind: "msra" });
  const fc = weightOf("head.projection.weight", [400, 2048], { kind: "normal", std: 0.01 });

  it("gives the same bytes for the same seed and name, whatever was initialised before", () => {
    const alone = initialWeightBytes(conv, 42);
    initialWeightBytes(fc, 42);
    const afterAnother = initialWeightBytes(conv, 42);
    expect(sameBytes(alone, afterAnother)).toBe(true);
  });

  it("gives different bytes for a different seed or a different name", () => {
    const base = initialWeightBytes(conv, 42);
    expect(sameBytes(base, initialWeightBytes(conv, 43))).toBe(false);
    expect(sameBytes(base, initialWeightBytes({ ...conv, name: "s1.pathway1_stem.conv.weight" }, 42))).toBe(false);
  });

  it("writes little-endian float32 bytes equal to the Float32Array fill", () => {
    const target = new Float32Array(64 * 3 * 49);
    fillInitialWeight(conv, 5, target);
    expect(Array.from(valuesOf(initialWeightBytes(conv, 5)))).toEqual(Array.from(target));
    expect(() => fillInitialWeight(conv, 5, new Float32Array(3))).toThrow(RangeError);
  });
});
