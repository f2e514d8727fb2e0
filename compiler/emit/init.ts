/**
 * Deterministic, seeded weight initialisation following PySlowFast's scheme
 * (slowfast/models/init_helper.py):
 *
 *   msra      normal(0, sqrt(2 / fan_out)), fan_out = shape[0] * prod(shape[2..])
 *             (torch.nn.init.kaiming_normal_(mode="fan_out", nonlinearity="relu"))
 *   normal    normal(0, std)
 *   constant  every element = value
 *
 * Each weight draws from its own stream, keyed by (seed, weight name), so a
 * weight's bytes do not depend on which other weights exist or in what order
 * they are initialised: adding a layer does not reshuffle the rest of the model.
 *
 * Generator: xoshiro128** (Blackman & Vigna, "Scrambled linear pseudorandom
 * number generators", 2018; https://prng.di.unimi.it/xoshiro128starstar.c),
 * 128-bit state, 32-bit outputs, period 2^128 - 1, computed with 32-bit integer
 * arithmetic only (Math.imul, shifts) so it is exact in JavaScript. Its state is
 * seeded with MurmurHash3 (x86, 32-bit) of the key "seed as 8 little-endian
 * bytes ++ UTF-8 name" under four different hash seeds, one per state word.
 * Normals come from the Box-Muller transform on pairs of 32-bit uniforms.
 *
 * The values are rounded to float32 and written straight into a Float32Array
 * over the destination bytes; no intermediate JS number arrays are built, so
 * multi-hundred-megabyte models initialise in one pass over their memory.
 * V8 implements Math.log/sin/cos/sqrt with its own fdlibm port, so the bytes are
 * the same on every platform Node runs on.
 */
import type { IRWeight, WeightInit } from "../ir";
import { elementCount } from "../shapes";

/**
 * PyTorch's fan_out for kaiming init: shape[0] times the receptive field
 * (product of shape[2..]). A 1-D shape counts shape[0] alone; PyTorch refuses
 * those, but a bias-like vector initialised with msra should still be defined.
 */
export function fanOut(shape: readonly number[]): number {
  if (shape.length === 0) return 1;
  return shape[0]! * elementCount(shape.slice(2));
}

/** The standard deviation msra uses for a weight of this shape. */
export function msraStd(shape: readonly number[]): number {
  return Math.sqrt(2 / fanOut(shape));
}

/** xoshiro128**: four uint32 words of state, kept as JS numbers in int32 form. */
export class Xoshiro128StarStar {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  constructor(s0: number, s1: number, s2: number, s3: number) {
    // The all-zero state is the generator's one fixed point; it never leaves it.
    if ((s0 | s1 | s2 | s3) === 0) s0 = 1;
    this.s0 = s0 | 0;
    this.s1 = s1 | 0;
    this.s2 = s2 | 0;
    this.s3 = s3 | 0;
  }

  /** The next output as an unsigned 32-bit integer. */
  nextUint32(): number {
    const s1 = this.s1;
    const product = Math.imul(s1, 5);
    const result = Math.imul((product << 7) | (product >>> 25), 9);
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = (this.s3 << 11) | (this.s3 >>> 21);
    return result >>> 0;
  }
}

/** MurmurHash3 x86_32 (Austin Appleby, public domain). */
export function murmur3x86_32(key: Uint8Array, seed: number): number {
  const c1 = 0xcc9e2d51;
  const c2 = 0x1b873593;
  let h = seed | 0;
  const blockEnd = key.length & ~3;
  for (let i = 0; i < blockEnd; i += 4) {
    let k = key[i]! | (key[i + 1]! << 8) | (key[i + 2]! << 16) | (key[i + 3]! << 24);
    k = Math.imul(k, c1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, c2);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const tailLength = key.length & 3;
  if (tailLength > 0) {
    let k = key[blockEnd]!;
    if (tailLength > 1) k ^= key[blockEnd + 1]! << 8;
    if (tailLength > 2) k ^= key[blockEnd + 2]! << 16;
    k = Math.imul(k, c1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, c2);
    h ^= k;
  }
  h ^= key.length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** One hash seed per state word (the first four SHA-256 initial hash values). */
const STATE_WORD_HASH_SEEDS = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a] as const;

/**
 * The generator for one weight. The seed may be any safe integer; it enters
 * the key as 64 bits (two's complement), so seeds that differ anywhere differ.
 */
export function weightStream(seed: number, weightName: string): Xoshiro128StarStar {
  if (!Number.isSafeInteger(seed)) {
    throw new RangeError(`weight init seed must be a safe integer, got ${seed}`);
  }
  const seed64 = BigInt.asUintN(64, BigInt(seed));
  const nameBytes = new TextEncoder().encode(weightName);
  const key = new Uint8Array(8 + nameBytes.length);
  const view = new DataView(key.buffer);
  view.setUint32(0, Number(seed64 & 0xffffffffn), true);
  view.setUint32(4, Number(seed64 >> 32n), true);
  key.set(nameBytes, 8);
  const [a, b, c, d] = STATE_WORD_HASH_SEEDS.map((hashSeed) => murmur3x86_32(key, hashSeed)) as [number, number, number, number];
  return new Xoshiro128StarStar(a, b, c, d);
}

const TWO_POW_MINUS_32 = 2 ** -32;

/** Fills `target` with normal(0, std) draws, two per Box-Muller step. */
/**
 * Marsaglia and Tsang's ziggurat (2000) with 128 layers: most normals cost
 * one 32-bit draw, a comparison and a multiply, which makes seeding a
 * 34M-parameter network several times faster than Box-Muller or the polar
 * method. The tables are built once.
 */
const ZIGGURAT = (() => {
  const m1 = 2 ** 31;
  let dn = 3.442619855899;
  let tn = dn;
  const vn = 9.91256303526217e-3;
  const kn = new Float64Array(128);
  const wn = new Float64Array(128);
  const fn = new Float64Array(128);
  const q = vn / Math.exp(-0.5 * dn * dn);
  kn[0] = (dn / q) * m1;
  kn[1] = 0;
  wn[0] = q / m1;
  wn[127] = dn / m1;
  fn[0] = 1;
  fn[127] = Math.exp(-0.5 * dn * dn);
  for (let i = 126; i >= 1; i--) {
    dn = Math.sqrt(-2 * Math.log(vn / dn + Math.exp(-0.5 * dn * dn)));
    kn[i + 1] = (dn / tn) * m1;
    tn = dn;
    fn[i] = Math.exp(-0.5 * dn * dn);
    wn[i] = dn / m1;
  }
  return { kn, wn, fn, r: 3.442619855899 };
})();

/** A uniform draw in (0, 1). */
function uniform(rng: Xoshiro128StarStar): number {
  return (rng.nextUint32() + 0.5) * TWO_POW_MINUS_32;
}

/** The slow path: the wedges between layers and the tail beyond r. */
function zigguratFix(rng: Xoshiro128StarStar, first: number): number {
  const { kn, wn, fn, r } = ZIGGURAT;
  let hz = first;
  for (;;) {
    const iz = hz & 127;
    if (Math.abs(hz) < kn[iz]!) return hz * wn[iz]!;
    const x = hz * wn[iz]!;
    if (iz === 0) {
      let tail: number;
      let y: number;
      do {
        tail = -Math.log(uniform(rng)) / r;
        y = -Math.log(uniform(rng));
      } while (y + y < tail * tail);
      return hz > 0 ? r + tail : -r - tail;
    }
    if (fn[iz]! + uniform(rng) * (fn[iz - 1]! - fn[iz]!) < Math.exp(-0.5 * x * x)) return x;
    hz = rng.nextUint32() | 0;
  }
}

function fillNormal(rng: Xoshiro128StarStar, std: number, target: Float32Array): void {
  const { kn, wn } = ZIGGURAT;
  for (let i = 0; i < target.length; i++) {
    const hz = rng.nextUint32() | 0;
    const iz = hz & 127;
    target[i] = std * (Math.abs(hz) < kn[iz]! ? hz * wn[iz]! : zigguratFix(rng, hz));
  }
}

/**
 * Writes the initial values of `weight` into `target`, which must hold exactly
 * elementCount(weight.shape) floats. The values are in the platform's float32
 * byte order (see `initialWeightBytes` for the ONNX little-endian bytes).
 */
export function fillInitialWeight(weight: IRWeight, seed: number, target: Float32Array): void {
  const count = elementCount(weight.shape);
  if (target.length !== count) {
    throw new RangeError(`weight ${weight.name}: target holds ${target.length} floats, shape [${weight.shape.join(", ")}] needs ${count}`);
  }
  initialWeightFiller(weight, seed)(target);
}

/**
 * Fills consecutive pieces of `weight`'s initial values, in order: each call
 * writes the next target.length values (platform float32 order). Pieces of
 * any sizes give the values of one fillInitialWeight of the whole, since each
 * value takes the next draws of the weight's one stream.
 */
export function initialWeightFiller(weight: IRWeight, seed: number): (target: Float32Array) => void {
  const init: WeightInit = weight.init;
  switch (init.kind) {
    case "constant":
      return (target) => target.fill(init.value);
    case "normal": {
      const rng = weightStream(seed, weight.name);
      return (target) => fillNormal(rng, init.std, target);
    }
    case "msra": {
      const rng = weightStream(seed, weight.name);
      const std = msraStd(weight.shape);
      return (target) => fillNormal(rng, std, target);
    }
    default: {
      const unhandled: never = init;
      throw new Error(`unknown weight init ${JSON.stringify(unhandled)}`);
    }
  }
}

export const PLATFORM_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Reverses each 4-byte group in place: platform float32 order <-> little-endian. */
export function swapFloat32ByteOrder(bytes: Uint8Array): void {
  for (let i = 0; i + 3 < bytes.length; i += 4) {
    const b0 = bytes[i]!;
    const b1 = bytes[i + 1]!;
    bytes[i] = bytes[i + 3]!;
    bytes[i + 1] = bytes[i + 2]!;
    bytes[i + 2] = b1;
    bytes[i + 3] = b0;
  }
}

/** The initial values of `weight` as little-endian float32 bytes (ONNX raw_data order). */
export function initialWeightBytes(weight: IRWeight, seed: number): Uint8Array {
  const count = elementCount(weight.shape);
  const bytes = new Uint8Array(count * 4);
  fillInitialWeight(weight, seed, new Float32Array(bytes.buffer, bytes.byteOffset, count));
  if (!PLATFORM_IS_LITTLE_ENDIAN) swapFloat32ByteOrder(bytes);
  return bytes;
}
