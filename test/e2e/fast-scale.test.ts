/**
 * SlowFast with fast_scale=1/2 (β = 1/4) against a reference written here
 * another way: the Fast clip average-pooled in TypeScript and fed as a graph
 * input, and each lateral link's output upsampled 1×2² by a depth-to-space
 * (four copies, reshape, transpose, reshape) instead of the `upsample` op.
 * Both networks name their weights alike and load the same random checkpoint.
 */
import { describe, expect, it } from "vitest";
import { compile, elaborateOnly } from "../../compiler/index";
import { memoryHost } from "../support/compiler";
import type { Checkpoint } from "../../compiler/weights/tensor";
import { openSession, runModel } from "../../runtime/session";

const SETTINGS = ["C=8", "classes=10", "S=64", "beta=1/4", "fast_scale=1/2"];
const [N, T, ALPHA, S] = [2, 4, 8, 64];

const REFERENCE = `
import std.resnet3d { stem, bottleneck }
import std.lateral { tconv }

// Nearest-neighbour 1×2² upsampling as depth-to-space: out[c, t, 2h + i, 2w + j] = x[c, t, h, w].
block up2(x: <T, S², C>) -> <T, (2S)², C> {
  copies = concat(x, x, x, x) |> reshape([2, 2, C, T, S, S])
  moved = transpose(copies, [2, 3, 4, 0, 5, 1])
  return reshape(moved, <T, (2S)², C>)
}

network Reference(clip: <αT, S², 3>, T = 4, α = 8, β: rat = 1/4, S = 64, C = 8, classes = 10, Cf = βC) -> <classes> {
  pathway fast = input(<αT, (S/2)², 3>) as fast_half
  pathway slow = frames(clip, every: α)
  stage s1 {
    slow = stem(slow, out: C, kt: 1)
    fast = stem(fast, out: Cf, kt: 5)
    lateral fast -> slow: tconv(α: α, β: β, k: 5) as fuse |> up2 fuse concat
  }
  stage s2 {
    slow = slow |> repeat 3 bottleneck(inner: C, out: 4C, kt: 1) first (project: true) as res
    fast = fast |> repeat 3 bottleneck(inner: Cf, out: 4Cf, kt: 3) first (project: true) as res
    lateral fast -> slow: tconv(α: α, β: β, k: 5) as fuse |> up2 fuse concat
  }
  stage s3 {
    slow = slow |> repeat 4 bottleneck(inner: 2C, out: 8C, kt: 1) first (stride: 2, project: true) as res
    fast = fast |> repeat 4 bottleneck(inner: 2Cf, out: 8Cf, kt: 3) first (stride: 2, project: true) as res
    lateral fast -> slow: tconv(α: α, β: β, k: 5) as fuse |> up2 fuse concat
  }
  stage s4 {
    slow = slow |> repeat 6 bottleneck(inner: 4C, out: 16C, kt: 3) first (stride: 2, project: true) as res
    fast = fast |> repeat 6 bottleneck(inner: 4Cf, out: 16Cf, kt: 3) first (stride: 2, project: true) as res
    lateral fast -> slow: tconv(α: α, β: β, k: 5) as fuse |> up2 fuse concat
  }
  stage s5 {
    slow = slow |> repeat 3 bottleneck(inner: 8C, out: 32C, kt: 3) first (stride: 2, project: true) as res
    fast = fast |> repeat 3 bottleneck(inner: 8Cf, out: 32Cf, kt: 3) first (stride: 2, project: true) as res
  }
  stage head {
    return concat(gap(slow), gap(fast)) |> dropout(p: 0.5) |> linear(out: classes) as projection
  }
}
`;
import { makeRandom } from "../support/random";

describe("fast_scale=1/2 against a depth-to-space reference", () => {
  it("gives the same logits to 1e-4", async () => {
    const host = memoryHost({ "reference.sf": REFERENCE });
    // The elaborated graph, before the inference passes fold batch norms: every weight by its name.
    const plain = elaborateOnly({ file: "std/slowfast.sf", host, network: "SlowFast_4x16_R50", settings: SETTINGS.map((text) => ({ text })) });
    expect(plain.diagnostics.map((d) => d.message)).toEqual([]);
    // One random checkpoint for both, by sfc's names; variances positive, BN scales away from 0.
    const random = makeRandom(7);
    const tensors = new Map<string, { name: string; dtype: "float32"; shape: number[]; data: Uint8Array }>();
    for (const node of plain.graph!.nodes)
      for (const w of node.weights) {
        const values = new Float32Array(w.shape.reduce((a, b) => a * b, 1));
        // Layer weights at a variance-preserving scale (uniform, ±√(3/fan-in)) so that fifty layers
        // keep the logits near 1 and 1e-4 stays a tight tolerance; BN scales and variances near 1.
        const fanIn = w.shape.slice(1).reduce((a, b) => a * b, 1);
        const positive = w.name.endsWith("running_var") || (w.shape.length === 1 && w.name.endsWith(".weight"));
        for (let i = 0; i < values.length; i++)
          values[i] = positive ? 0.5 + random() : w.shape.length > 1 ? (random() * 2 - 1) * Math.sqrt(3 / fanIn) : (random() * 2 - 1) * 0.1;
        tensors.set(w.name, { name: w.name, dtype: "float32", shape: [...w.shape], data: new Uint8Array(values.buffer) });
      }
    const checkpoint: Checkpoint = { tensors, format: "safetensors" };
    const build = (file: string, network: string, settings: string[]) => {
      const r = compile({
        file,
        host,
        network,
        settings: settings.map((text) => ({ text })),
        checkpoint: { tensors: checkpoint, label: "random", names: "sfc" },
      });
      expect(r.diagnostics.map((d) => `${file}: ${d.message}`)).toEqual([]);
      return r.model!;
    };
    const scaled = build("std/slowfast.sf", "SlowFast_4x16_R50", SETTINGS);
    const reference = build("reference.sf", "Reference", []);

    const clip = new Float32Array(N * 3 * ALPHA * T * S * S).map((_, i) => Math.sin(i * 0.013) + 0.5 * Math.cos(i * 0.0071));
    const half = new Float32Array(N * 3 * ALPHA * T * (S / 2) * (S / 2));
    const F = ALPHA * T;
    for (let n = 0; n < N; n++)
      for (let c = 0; c < 3; c++)
        for (let t = 0; t < F; t++)
          for (let h = 0; h < S / 2; h++)
            for (let w = 0; w < S / 2; w++) {
              const at = (y: number, x: number) => clip[(((n * 3 + c) * F + t) * S + y) * S + x]!;
              half[(((n * 3 + c) * F + t) * (S / 2) + h) * (S / 2) + w] =
                (at(2 * h, 2 * w) + at(2 * h, 2 * w + 1) + at(2 * h + 1, 2 * w) + at(2 * h + 1, 2 * w + 1)) / 4;
            }
    const run = async (model: Uint8Array, feeds: Record<string, { data: Float32Array; shape: number[] }>) => {
      const { session } = await openSession(model, { ep: "cpu" });
      return (await runModel(session, feeds)).logits!.data;
    };
    const got = await run(scaled, { clip: { data: clip, shape: [N, 3, F, S, S] } });
    const want = await run(reference, { clip: { data: clip, shape: [N, 3, F, S, S] }, fast_half: { data: half, shape: [N, 3, F, S / 2, S / 2] } });
    expect(got.length).toBe(N * 10);
    let worst = 0;
    for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!));
    expect(Math.max(...got.map(Math.abs))).toBeLessThan(100);
    expect(worst).toBeLessThan(1e-4);
    // Not a trivially equal pair: the logits vary.
    expect(Math.max(...got) - Math.min(...got)).toBeGreaterThan(1e-3);
  });
});
