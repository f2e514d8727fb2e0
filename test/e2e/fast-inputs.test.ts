/**
 * The standard SlowFast's weaker Fast-pathway inputs (fast_color, fast_diff)
 * against a reference built another way: the same network without them
 * (sampling=input, so that the Slow frames are chosen here), fed with the
 * gray and difference frames computed in TypeScript from their definitions,
 * with the fixture's weights (PySlowFast layout). Gray's one-channel conv1
 * weight W_g becomes the three-channel [W_g, 0, 0] of the plain network,
 * whose Fast clip carries Y in channel 0.
 */
import * as fs from "node:fs";
import { describe, expect, it } from "vitest";
import { compile } from "../../compiler/index";
import { nodeHost } from "../../compiler/host/node";
import { readCheckpoint } from "../../compiler/weights/read";
import type { Checkpoint } from "../../compiler/weights/tensor";
import { readNpy } from "../../runtime/npy";
import { openSession, runModel } from "../../runtime/session";
import { fixturePath } from "../support/fixtures";

const BASE = ["C=16", "classes=10", "S=48"];
const FAST_CONV1 = "s1.pathway1_stem.conv.weight";
const [N, CH, F, H, W] = [2, 3, 32, 48, 48];

const fixtureWeights = (): Checkpoint => readCheckpoint(fs.readFileSync(fixturePath("weights.safetensors")), "weights.safetensors");

function floats(bytes: Uint8Array): Float32Array {
  // A copy: checkpoint tensors are views into the file's buffer (a Node Buffer, whose slice() shares it).
  return new Float32Array(Uint8Array.from(bytes).buffer);
}

/** The fixture with the Fast conv1 weight replaced. */
function withFastConv1(shape: number[], values: Float32Array): Checkpoint {
  const base = fixtureWeights();
  const tensors = new Map(base.tensors);
  tensors.set(FAST_CONV1, { name: FAST_CONV1, dtype: "float32", shape, data: new Uint8Array(values.buffer.slice(0)) });
  return { ...base, tensors };
}

/** A clip of `frames` frames: the fixture's 32, then more from the fixture's formula. */
function clipOf(frames: number): Float32Array {
  const input = readNpy(fs.readFileSync(fixturePath("input.npy"))).data as Float32Array;
  const out = new Float32Array(N * CH * frames * H * W);
  for (let n = 0; n < N; n++)
    for (let c = 0; c < CH; c++)
      for (let t = 0; t < frames; t++)
        for (let p = 0; p < H * W; p++) {
          const i = ((n * CH + c) * frames + t) * H * W + p;
          out[i] = t < F ? input[((n * CH + c) * F + t) * H * W + p]! : Math.sin(i * 0.001);
        }
  return out;
}

type Clip = { data: Float32Array; channels: number; frames: number };

const at = (x: Clip, n: number, c: number, t: number, p: number): number => x.data[((n * x.channels + c) * x.frames + t) * H * W + p]!;

function build(channels: number, frames: number, f: (n: number, c: number, t: number, p: number) => number): Clip {
  const data = new Float32Array(N * channels * frames * H * W);
  for (let n = 0; n < N; n++)
    for (let c = 0; c < channels; c++)
      for (let t = 0; t < frames; t++) for (let p = 0; p < H * W; p++) data[((n * channels + c) * frames + t) * H * W + p] = f(n, c, t, p);
  return { data, channels, frames };
}

/** BT.601 luma of an RGB clip, one channel. */
const luma = (x: Clip): Clip => build(1, x.frames, (n, _c, t, p) => 0.299 * at(x, n, 0, t, p) + 0.587 * at(x, n, 1, t, p) + 0.114 * at(x, n, 2, t, p));
const differences = (x: Clip): Clip => build(x.channels, x.frames - 1, (n, c, t, p) => at(x, n, c, t + 1, p) - at(x, n, c, t, p));
const framesAt = (x: Clip, indices: number[]): Clip => build(x.channels, indices.length, (n, c, t, p) => at(x, n, c, indices[t]!, p));
/** A one-channel clip as the channel 0 of three, the others zero. */
const padChannels = (x: Clip): Clip => build(3, x.frames, (n, c, t, p) => (c === 0 ? at(x, n, 0, t, p) : 0));

async function logits(settings: string[], checkpoint: Checkpoint, feeds: Record<string, Clip>): Promise<Float32Array> {
  const result = compile({
    file: "std/slowfast.sf",
    host: nodeHost(),
    network: "SlowFast_4x16_R50",
    settings: [...BASE, ...settings].map((text) => ({ text })),
    checkpoint: { tensors: checkpoint, label: "weights.safetensors", names: "pyslowfast" },
  });
  expect(result.diagnostics.map((d) => d.message)).toEqual([]);
  const { session } = await openSession(result.model!, { ep: "cpu" });
  const inputs = Object.fromEntries(Object.entries(feeds).map(([name, x]) => [name, { data: x.data, shape: [N, x.channels, x.frames, H, W] }]));
  const out = await runModel(session, inputs);
  expect(out.logits!.shape).toEqual([N, 10]);
  return out.logits!.data;
}

function expectClose(got: Float32Array, want: Float32Array): void {
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!));
  expect(worst).toBeLessThan(1e-4);
}

/** The gray conv1 weight (2, 1, 5, 7, 7): the fixture's, summed over its colour channels. */
function grayConv1(): { gray: Float32Array; padded: Float32Array } {
  const w = floats(fixtureWeights().tensors.get(FAST_CONV1)!.data);
  const k = 5 * 7 * 7;
  const gray = new Float32Array(2 * k);
  const padded = new Float32Array(2 * 3 * k);
  for (let o = 0; o < 2; o++)
    for (let i = 0; i < k; i++) {
      gray[o * k + i] = w[(o * 3 + 0) * k + i]! + w[(o * 3 + 1) * k + i]! + w[(o * 3 + 2) * k + i]!;
      padded[(o * 3 + 0) * k + i] = gray[o * k + i]!;
    }
  return { gray, padded };
}

describe("the Fast pathway's weaker inputs against the plain network fed with them", () => {
  const slowIndices = (from: number) => [0, 1, 2, 3].map((i) => from + 8 * i);

  it("fast_color=gray: conv1 of one channel over Y = 0.299 R + 0.587 G + 0.114 B", async () => {
    const clip: Clip = { data: clipOf(F), channels: 3, frames: F };
    const { gray, padded } = grayConv1();
    const got = await logits(["fast_color=gray"], withFastConv1([2, 1, 5, 7, 7], gray), { clip });
    const want = await logits(["sampling=input"], withFastConv1([2, 3, 5, 7, 7], padded), {
      clip: padChannels(luma(clip)),
      slow: framesAt(clip, slowIndices(0)),
    });
    expectClose(got, want);
  });

  it("fast_diff=true: αT + 1 frames, the Fast pathway sees x[t+1] − x[t], the Slow one frames 1, 9, 17, 25", async () => {
    const clip: Clip = { data: clipOf(F + 1), channels: 3, frames: F + 1 };
    const got = await logits(["fast_diff=true"], fixtureWeights(), { clip });
    const want = await logits(["sampling=input"], fixtureWeights(), { clip: differences(clip), slow: framesAt(clip, slowIndices(1)) });
    expectClose(got, want);
  });

  it("fast_diff=true with sampling=linspace takes the Slow frames over 1 .. αT", async () => {
    const clip: Clip = { data: clipOf(F + 1), channels: 3, frames: F + 1 };
    const got = await logits(["fast_diff=true", "sampling=linspace"], fixtureWeights(), { clip });
    // 1 + ⌊i·31/3⌋ for i = 0..3
    const want = await logits(["sampling=input"], fixtureWeights(), { clip: differences(clip), slow: framesAt(clip, [1, 11, 21, 32]) });
    expectClose(got, want);
  });

  it("fast_color=gray with fast_diff=true: the differences of the gray frames", async () => {
    const clip: Clip = { data: clipOf(F + 1), channels: 3, frames: F + 1 };
    const { gray, padded } = grayConv1();
    const got = await logits(["fast_color=gray", "fast_diff=true"], withFastConv1([2, 1, 5, 7, 7], gray), { clip });
    const want = await logits(["sampling=input"], withFastConv1([2, 3, 5, 7, 7], padded), {
      clip: padChannels(differences(luma(clip))),
      slow: framesAt(clip, slowIndices(1)),
    });
    expectClose(got, want);
  });
});
