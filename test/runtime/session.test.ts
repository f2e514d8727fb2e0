import { describe, expect, it } from "vitest";
import * as ort from "onnxruntime-node";
import { deterministicClip, openSession, providerFailure, runModel, topK } from "../../runtime/session";
import { readExpected } from "../support/fixtures";
import { reluModel } from "../support/relu-model";

/** y = Relu(x) over float32 [N, 3]. */
const xToY = (): Uint8Array => reluModel([{ name: "x", dims: ["N", 3] }], ["y"]);

const x = { data: Float32Array.from([-1, 2, -3, 4, -5, 6]), shape: [2, 3] };

describe("openSession / runModel", () => {
  it("runs on cpu without warnings", async () => {
    const { session, provider, warnings } = await openSession(xToY(), { ep: "cpu", threads: 1 });
    expect(provider).toBe("cpu");
    expect(warnings).toEqual([]);
    const out = await runModel(session, { x });
    expect(out.y!.shape).toEqual([2, 3]);
    expect(Array.from(out.y!.data)).toEqual([0, 2, 0, 4, 0, 6]);
    await session.release();
  });

  it("defaults to cpu", async () => {
    const { provider, session } = await openSession(xToY(), {});
    expect(provider).toBe("cpu");
    await session.release();
  });

  it("falls back to cpu with a warning when CUDA is not installed", async () => {
    const cudaBundled = ort.listSupportedBackends().some((b) => b.name === "cuda" && b.bundled);
    const { session, provider, warnings } = await openSession(xToY(), { ep: "cuda" });
    if (cudaBundled && provider === "cuda") {
      expect(warnings).toEqual([]);
    } else {
      expect(provider).toBe("cpu");
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/'cuda'/);
      expect(warnings[0]).toMatch(/running on cpu/);
    }
    const out = await runModel(session, { x });
    expect(Array.from(out.y!.data)).toEqual([0, 2, 0, 4, 0, 6]);
    await session.release();
  });

  it("falls back to cpu when WebGPU has no adapter, or runs on it when it has", async () => {
    const { session, provider, warnings } = await openSession(xToY(), { ep: "webgpu" });
    if (provider === "cpu") {
      expect(warnings[0]).toMatch(/'webgpu'/);
      // onnxruntime's reason, without the source file and condition of the check that failed.
      expect(warnings[0]).not.toMatch(/onnxruntime_src|was false/);
    } else expect(warnings).toEqual([]);
    const out = await runModel(session, { x });
    expect(Array.from(out.y!.data)).toEqual([0, 2, 0, 4, 0, 6]);
    await session.release();
  });

  it("gives onnxruntime's reason a provider failed without where in onnxruntime it was found", () => {
    const webgpu =
      "/onnxruntime_src/onnxruntime/core/providers/webgpu/webgpu_context.cc:136 onnxruntime::webgpu::WebGpuContext::Initialize(const onnxruntime::webgpu::WebGpuContextConfig&)::<lambda()> adapter_result.status == wgpu::RequestAdapterStatus::Success was false. Failed to get a WebGPU adapter: No supported adapters";
    expect(providerFailure(new Error(webgpu))).toBe("Failed to get a WebGPU adapter: No supported adapters");
    expect(providerFailure(new Error("OrtSessionOptionsAppendExecutionProvider_Cuda: Failed to load shared library\nmore"))).toBe(
      "OrtSessionOptionsAppendExecutionProvider_Cuda: Failed to load shared library",
    );
  });

  it("rejects missing, unknown and mis-sized inputs", async () => {
    const { session } = await openSession(xToY(), {});
    await expect(runModel(session, {})).rejects.toThrow(/'x' was not given/);
    await expect(runModel(session, { x, z: x })).rejects.toThrow(/'z' is not an input/);
    await expect(runModel(session, { x: { data: new Float32Array(5), shape: [2, 3] } })).rejects.toThrow(/holds 6 values/);
    await session.release();
  });

  it("rejects a bad thread count", async () => {
    await expect(openSession(xToY(), { threads: 0 })).rejects.toThrow(RangeError);
  });
});

describe("deterministicClip", () => {
  const reference = (i: number): number => {
    const h = (BigInt(i) * 2654435761n) % 2n ** 32n;
    return Math.fround((Number(h) / 2 ** 32) * 2 - 1);
  };

  it("matches the formula computed with exact integers", () => {
    const clip = deterministicClip([2, 3, 32, 48, 48]);
    for (const i of [0, 1, 2, 3, 1000, 4095, 65536, 442367, clip.length - 1]) expect(clip[i], `i=${i}`).toBe(reference(i));
    expect(clip[0]).toBe(-1);
    expect(clip.every((v) => v >= -1 && v < 1)).toBe(true);
  });

  it("stays exact where i * 2654435761 passes 2^53", () => {
    // i * 2654435761 > 2^53 from i = 3393264; a float product first loses low bits at 3393265.
    const n = 3_400_000;
    const clip = deterministicClip([n]);
    for (const i of [3_393_263, 3_393_264, 3_393_265, 3_399_999]) expect(clip[i]).toBe(reference(i));
  });

  it("handles empty and scalar shapes", () => {
    expect(deterministicClip([0, 4]).length).toBe(0);
    expect(Array.from(deterministicClip([]))).toEqual([-1]);
  });
});

describe("topK", () => {
  it("reproduces the fixture top-5", () => {
    const expected = readExpected();
    const logits = Float32Array.from(expected.output.values.flat());
    const top = topK(logits, 10, 5);
    expect(top.map((row) => row.map((c) => c.index))).toEqual(expected.output.top5);
    expect(top[0]![0]!.value).toBe(Math.fround(expected.output.values[0]![6]!));
  });

  it("orders ties by class index, puts NaN last and clamps k", () => {
    const top = topK(Float32Array.from([1, NaN, 3, 3, -Infinity]), 5, 9);
    expect(top[0]!.map((c) => c.index)).toEqual([2, 3, 0, 4, 1]);
  });

  it("rejects logits that do not split into rows", () => {
    expect(() => topK(new Float32Array(7), 3, 1)).toThrow(RangeError);
  });
});
