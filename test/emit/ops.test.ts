/**
 * Numeric tests of each op's lowering: small IR graphs with explicit weights
 * run in onnxruntime (batch 2) and are compared against direct-loop reference
 * implementations (test/support/reference-ops.ts), written independently of
 * the emitter. Every model is
 * also checked by onnx's checker and shape inference (batched at the end).
 */
import { afterAll, describe, expect, it } from "vitest";
import type { IRGraph, IROp, Triple } from "../../compiler/ir";
import { emitOnnx, type EmitOnnxOptions } from "../../compiler/emit/onnx";
import { IRBuilder } from "../support/ir-builder";
import { assertShapesMatchIR, checkManyWithOnnx, runWithOrt, type TensorData } from "../support/onnx-check";
import { makeRandom } from "../support/random";
import {
  stridesOf,
  tensor,
  convReference,
  poolReference,
  mapElements,
  erf,
  sigmoid,
  transposeReference,
  selectFrames,
  concatReference,
  globalAvgPoolReference,
  linearReference,
  softmaxReference,
  batchnormReference,
  linspaceIndices,
  type Pads6,
} from "../support/reference-ops";

const BATCH = 2;

// --- deterministic test data ------------------------------------------------

function randomTensor(dims: readonly number[], random: () => number, low = -1, high = 1): TensorData {
  const data = new Float32Array(dims.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) data[i] = low + (high - low) * random();
  return { data, dims: [...dims] };
}

const asBytes = (values: Float32Array): Uint8Array => new Uint8Array(values.buffer, values.byteOffset, values.byteLength);

/** Random values for every weight of the graph; batchnorm variances stay positive. */
function randomWeights(graph: IRGraph, random: () => number): Map<string, Float32Array> {
  const weights = new Map<string, Float32Array>();
  for (const node of graph.nodes) {
    for (const weight of node.weights) {
      const positive = weight.name.endsWith("running_var");
      weights.set(weight.name, randomTensor(weight.shape, random, positive ? 0.5 : -1, positive ? 2 : 1).data);
    }
  }
  return weights;
}

// --- emitted models, checked together by onnx at the end ---------------------

const emitted: { graph: IRGraph; model: Uint8Array }[] = [];

function emit(graph: IRGraph, weights: ReadonlyMap<string, Float32Array>, options: EmitOnnxOptions = {}): Uint8Array {
  const byteWeights = new Map([...weights].map(([name, values]) => [name, asBytes(values)] as const));
  const model = emitOnnx(graph, { ...options, weights: byteWeights });
  emitted.push({ graph, model });
  return model;
}

/** Emits `graph`, runs it on `feeds` and returns the single output. */
async function emitAndRun(graph: IRGraph, feeds: Record<string, TensorData>, weights: ReadonlyMap<string, Float32Array> = new Map()): Promise<TensorData> {
  const outputs = await runWithOrt(emit(graph, weights), feeds);
  const output = outputs[graph.outputs[0]!.name];
  if (output === undefined) throw new Error(`no output ${graph.outputs[0]!.name}`);
  return output;
}

function expectClose(actual: TensorData, expected: TensorData, tolerance = 1e-5): void {
  expect(actual.dims).toEqual(expected.dims);
  let worst = 0;
  let worstIndex = -1;
  for (let i = 0; i < expected.data.length; i++) {
    const error = Math.abs(actual.data[i]! - expected.data[i]!) / Math.max(1, Math.abs(expected.data[i]!));
    if (!(error <= worst)) {
      worst = error;
      worstIndex = i;
    }
  }
  expect(worst, `worst relative error ${worst} at ${worstIndex}: ${actual.data[worstIndex]} vs ${expected.data[worstIndex]}`).toBeLessThanOrEqual(tolerance);
}

const batched = (shape: readonly number[]) => [BATCH, ...shape];

// --- tests ---------------------------------------------------------------------

describe("conv", () => {
  it("matches direct convolution with padding, stride, dilation, groups, bias and a t≠h≠w kernel", async () => {
    const random = makeRandom(1);
    const b = new IRBuilder("conv_general");
    const x = b.input("x", [4, 5, 6, 7]);
    const options = {
      out: 6,
      kernel: [3, 2, 3] as Triple,
      stride: [1, 2, 2] as Triple,
      pads: [2, 0, 1, 1, 1, 0] as Pads6,
      dilation: [2, 1, 2] as Triple,
      groups: 2,
    };
    b.output(b.conv("conv", x, { ...options, bias: true }));
    const graph = b.build();
    const weights = randomWeights(graph, random);
    const input = randomTensor(batched([4, 5, 6, 7]), random);
    const actual = await emitAndRun(graph, { x: input }, weights);
    expectClose(actual, convReference(input, weights.get("conv.weight")!, weights.get("conv.bias"), options), 1e-5);
  });

  it("matches a depthwise (groups = channels) convolution without bias", async () => {
    const random = makeRandom(2);
    const b = new IRBuilder("conv_depthwise");
    const x = b.input("x", [6, 4, 5, 5]);
    const options = {
      out: 6,
      kernel: [3, 3, 3] as Triple,
      stride: [1, 1, 1] as Triple,
      pads: [1, 1, 1, 1, 1, 1] as Pads6,
      dilation: [1, 1, 1] as Triple,
      groups: 6,
    };
    b.output(b.conv("dw", x, options));
    const graph = b.build();
    const weights = randomWeights(graph, random);
    const input = randomTensor(batched([6, 4, 5, 5]), random);
    const actual = await emitAndRun(graph, { x: input }, weights);
    expectClose(actual, convReference(input, weights.get("dw.weight")!, undefined, options));
  });
});

describe("bn", () => {
  it("normalises with the running statistics", async () => {
    const random = makeRandom(3);
    const b = new IRBuilder("batchnorm");
    b.output(b.batchnorm("bn", b.input("x", [5, 2, 3, 3]), 1e-3, 0.1));
    const graph = b.build();
    const weights = randomWeights(graph, random);
    const input = randomTensor(batched([5, 2, 3, 3]), random);
    const actual = await emitAndRun(graph, { x: input }, weights);
    const expected = batchnormReference(
      input,
      weights.get("bn.weight")!,
      weights.get("bn.bias")!,
      weights.get("bn.running_mean")!,
      weights.get("bn.running_var")!,
      1e-3,
    );
    expectClose(actual, expected);
  });
});

describe("activations", () => {
  const cases: [string, IROp, (v: number) => number][] = [
    ["relu", { kind: "relu" }, (v) => Math.max(0, v)],
    ["sigmoid", { kind: "sigmoid" }, sigmoid],
    ["tanh", { kind: "tanh" }, Math.tanh],
    ["leaky_relu", { kind: "leaky_relu", slope: 0.1 }, (v) => (v >= 0 ? v : 0.1 * v)],
    ["gelu", { kind: "gelu" }, (v) => 0.5 * v * (1 + erf(v / Math.SQRT2))],
    ["silu", { kind: "silu" }, (v) => v * sigmoid(v)],
  ];
  it.each(cases)("%s", async (name, op, reference) => {
    const random = makeRandom(4);
    const b = new IRBuilder(`activation_${name}`);
    b.output(b.op(name, op, [b.input("x", [3, 2, 4, 4])]));
    const input = randomTensor(batched([3, 2, 4, 4]), random, -4, 4);
    const actual = await emitAndRun(b.build(), { x: input });
    expectClose(actual, mapElements(input, reference), 2e-6);
  });

  it("gelu through the native Gelu op at opset 20 agrees with the reference", async () => {
    const b = new IRBuilder("gelu_opset20");
    b.output(b.op("gelu", { kind: "gelu" }, [b.input("x", [3, 2, 4, 4])]));
    const graph = b.build();
    const input = randomTensor(batched([3, 2, 4, 4]), makeRandom(5), -4, 4);
    // onnx 1.12's checker predates opset 20, so this one is run but not recorded for it.
    const model = emitOnnx(graph, { opset: 20 });
    const actual = (await runWithOrt(model, { x: input }))["gelu"]!;
    expectClose(
      actual,
      mapElements(input, (v) => 0.5 * v * (1 + erf(v / Math.SQRT2))),
      2e-6,
    );
  });
});

describe("pooling", () => {
  const kernel: Triple = [2, 3, 3];
  const stride: Triple = [1, 2, 2];
  const pads: Pads6 = [1, 1, 0, 0, 1, 1];

  it("maxpool with padding ignores the padded positions", async () => {
    const random = makeRandom(6);
    const b = new IRBuilder("maxpool");
    const x = b.input("x", [3, 4, 7, 6]);
    b.output(b.op("pool", { kind: "maxpool", kernel, stride, pads, countIncludePad: false }, [x]));
    const input = randomTensor(batched([3, 4, 7, 6]), random);
    const actual = await emitAndRun(b.build(), { x: input });
    expectClose(actual, poolReference(input, "max", kernel, stride, pads, false));
  });

  it.each([true, false])("avgpool with padding, count_include_pad = %s", async (countIncludePad) => {
    const random = makeRandom(7);
    const b = new IRBuilder(`avgpool_${countIncludePad}`);
    const x = b.input("x", [3, 4, 7, 6]);
    b.output(b.op("pool", { kind: "avgpool", kernel, stride, pads, countIncludePad }, [x]));
    const input = randomTensor(batched([3, 4, 7, 6]), random);
    const actual = await emitAndRun(b.build(), { x: input });
    expectClose(actual, poolReference(input, "avg", kernel, stride, pads, countIncludePad));
  });

  it("gap turns [C, T, H, W] into [C]", async () => {
    const random = makeRandom(8);
    const b = new IRBuilder("global_avgpool");
    b.output(b.op("pool", { kind: "gap" }, [b.input("x", [5, 3, 4, 6])]));
    const input = randomTensor(batched([5, 3, 4, 6]), random);
    const actual = await emitAndRun(b.build(), { x: input });
    expectClose(actual, globalAvgPoolReference(input));
  });
});

describe("linear, softmax, dropout", () => {
  it.each([true, false])("linear on [C] (Gemm), bias = %s", async (bias) => {
    const random = makeRandom(9);
    const b = new IRBuilder(`linear_${bias}`);
    b.output(b.linear("fc", b.input("x", [7]), 5, bias));
    const graph = b.build();
    const weights = randomWeights(graph, random);
    const input = randomTensor(batched([7]), random);
    const actual = await emitAndRun(graph, { x: input }, weights);
    expectClose(actual, linearReference(input, weights.get("fc.weight")!, weights.get("fc.bias"), 5));
  });

  it("linear over the last axis of a [T, H, W, C] tensor (MatMul against W^T)", async () => {
    const random = makeRandom(10);
    const b = new IRBuilder("linear_rank4");
    b.output(b.linear("proj", b.input("x", [2, 3, 2, 6]), 4));
    const graph = b.build();
    const weights = randomWeights(graph, random);
    const input = randomTensor(batched([2, 3, 2, 6]), random);
    const actual = await emitAndRun(graph, { x: input }, weights);
    expectClose(actual, linearReference(input, weights.get("proj.weight")!, weights.get("proj.bias"), 4));
  });

  it.each([
    ["classifier", [6], 1],
    ["channels of a video", [4, 2, 3, 3], 1],
    ["width of a video", [4, 2, 3, 3], 4],
  ] as const)("softmax over the %s", async (_, shape, axis) => {
    const random = makeRandom(11);
    const b = new IRBuilder(`softmax_${axis}_${shape.length}`);
    b.output(b.op("softmax", { kind: "softmax", axis }, [b.input("x", shape)]));
    const input = randomTensor(batched(shape), random, -3, 3);
    const actual = await emitAndRun(b.build(), { x: input });
    expectClose(actual, softmaxReference(input, axis));
  });

  it("dropout is the identity at inference", async () => {
    const b = new IRBuilder("dropout");
    b.output(b.op("dropout", { kind: "dropout", ratio: 0.5 }, [b.input("x", [9])]));
    const input = randomTensor(batched([9]), makeRandom(12));
    expectClose(await emitAndRun(b.build(), { x: input }), input, 0);
  });
});

describe("elementwise and shape ops", () => {
  it("concat along channels and along time", async () => {
    const random = makeRandom(13);
    const b = new IRBuilder("concat");
    const x = b.input("x", [2, 3, 2, 2]);
    const y = b.input("y", [3, 3, 2, 2]);
    const channels = b.op("cat_c", { kind: "concat", axis: 1 }, [x, y]);
    const z = b.input("z", [5, 2, 2, 2]);
    b.output(b.op("cat_t", { kind: "concat", axis: 2 }, [channels, z]));
    const [xi, yi, zi] = [
      [2, 3, 2, 2],
      [3, 3, 2, 2],
      [5, 2, 2, 2],
    ].map((s) => randomTensor(batched(s), random));
    const actual = await emitAndRun(b.build(), { x: xi!, y: yi!, z: zi! });
    expectClose(actual, concatReference([concatReference([xi!, yi!], 1), zi!], 2), 0);
  });

  it("add, scale and matmul", async () => {
    const random = makeRandom(14);
    const b = new IRBuilder("arith");
    const x = b.input("x", [3, 4]);
    const y = b.input("y", [3, 4]);
    const m = b.input("m", [4, 5]);
    const sum = b.op("sum", { kind: "add" }, [x, y]);
    const scaled = b.op("scaled", { kind: "scale", factor: -0.75 }, [sum]);
    b.output(b.op("product", { kind: "matmul" }, [scaled, m]));
    const [xi, yi, mi] = [
      [3, 4],
      [3, 4],
      [4, 5],
    ].map((s) => randomTensor(batched(s), random));
    const actual = await emitAndRun(b.build(), { x: xi!, y: yi!, m: mi! });
    const expected = tensor(batched([3, 5]));
    for (let n = 0; n < BATCH; n++)
      for (let i = 0; i < 3; i++)
        for (let j = 0; j < 5; j++) {
          let s = 0;
          for (let k = 0; k < 4; k++) {
            const at = n * 12 + i * 4 + k;
            s += -0.75 * (xi!.data[at]! + yi!.data[at]!) * mi!.data[n * 20 + k * 5 + j]!;
          }
          expected.data[n * 15 + i * 5 + j] = s;
        }
    expectClose(actual, expected, 1e-5);
  });

  it("reshape keeps the batch and the element order; transpose permutes axes", async () => {
    const random = makeRandom(15);
    const b = new IRBuilder("reshape_transpose");
    const x = b.input("x", [2, 3, 4, 5]);
    const flat = b.op("flat", { kind: "reshape", shape: [6, 20] }, [x]);
    const back = b.op("back", { kind: "reshape", shape: [2, 3, 4, 5] }, [flat]);
    b.output(b.op("swap", { kind: "transpose", perm: [0, 3, 1, 4, 2] }, [back]));
    const input = randomTensor(batched([2, 3, 4, 5]), random);
    const actual = await emitAndRun(b.build(), { x: input });
    expectClose(actual, transposeReference(input, [0, 3, 1, 4, 2]), 0);
  });
});

describe("frame selection", () => {
  it("frames (every) takes every 8th of 32 frames starting at 0", async () => {
    const random = makeRandom(16);
    const b = new IRBuilder("frames_stride");
    b.output(b.op("slow", { kind: "frames", from: 0, every: 8 }, [b.input("x", [2, 32, 2, 3])]));
    const input = randomTensor(batched([2, 32, 2, 3]), random);
    const actual = await emitAndRun(b.build(), { x: input });
    expectClose(actual, selectFrames(input, [0, 8, 16, 24]), 0);
  });

  it("frames (every) with an offset start and the last frame as the end", async () => {
    const random = makeRandom(17);
    const b = new IRBuilder("frames_stride_offset");
    b.output(b.op("sel", { kind: "frames", from: 3, every: 4 }, [b.input("x", [1, 32, 2, 2])]));
    const input = randomTensor(batched([1, 32, 2, 2]), random);
    const actual = await emitAndRun(b.build(), { x: input });
    expectClose(actual, selectFrames(input, [3, 7, 11, 15, 19, 23, 27, 31]), 0);
  });

  it.each([
    [4, [0, 10, 20, 31]],
    [8, [0, 4, 8, 13, 17, 22, 26, 31]],
  ])("frames (count) with PySlowFast's linspace indices, T = %i", async (count, expectedIndices) => {
    const indices = linspaceIndices(32, count);
    expect(indices).toEqual(expectedIndices);
    const random = makeRandom(18);
    const b = new IRBuilder(`frames_gather_${count}`);
    b.output(b.op("sel", { kind: "frames", indices, from: indices[0]! }, [b.input("x", [2, 32, 2, 2])]));
    const input = randomTensor(batched([2, 32, 2, 2]), random);
    const actual = await emitAndRun(b.build(), { x: input });
    expectClose(actual, selectFrames(input, indices), 0);
  });

  it("time-to-channel: output channel j*Cf + c is input channel c at frame α*t + j", async () => {
    const [channels, slowFrames, alpha, h, w] = [3, 4, 4, 2, 3];
    const b = new IRBuilder("time_to_channel");
    const x = b.input("x", [channels, slowFrames * alpha, h, w]);
    const split = b.op("split", { kind: "reshape", shape: [channels, slowFrames, alpha, h, w] }, [x]);
    const moved = b.op("moved", { kind: "transpose", perm: [0, 3, 1, 2, 4, 5] }, [split]);
    b.output(b.op("merged", { kind: "reshape", shape: [alpha * channels, slowFrames, h, w] }, [moved]));
    const input = randomTensor(batched([channels, slowFrames * alpha, h, w]), makeRandom(19));
    const actual = await emitAndRun(b.build(), { x: input });
    const inStrides = stridesOf(input.dims);
    const outStrides = stridesOf(actual.dims);
    for (let n = 0; n < BATCH; n++)
      for (let j = 0; j < alpha; j++)
        for (let c = 0; c < channels; c++)
          for (let t = 0; t < slowFrames; t++)
            for (let p = 0; p < h * w; p++) {
              const out = actual.data[n * outStrides[0]! + (j * channels + c) * outStrides[1]! + t * outStrides[2]! + p];
              const source = input.data[n * inStrides[0]! + c * inStrides[1]! + (alpha * t + j) * inStrides[2]! + p];
              if (out !== source) {
                throw new Error(`channel ${j * channels + c}, t=${t}, p=${p}: ${out} != input c=${c} frame ${alpha * t + j}`);
              }
            }
  });
});

describe("a two-pathway network", () => {
  it("a tiny SlowFast (linspace slow path, strided fast path, time-strided fusion, head) matches the composed references", async () => {
    const random = makeRandom(20);
    const alpha = 4;
    const b = new IRBuilder("tiny_slowfast");
    const clip = b.input("clip", [3, 32, 8, 8]);
    const slowIn = b.op("slow.frames", { kind: "frames", indices: linspaceIndices(32, 4), from: 0 }, [clip]);
    const fastIn = b.op("fast.frames", { kind: "frames", from: 0, every: 2 }, [clip]);
    const slowConvOptions = {
      out: 8,
      kernel: [1, 3, 3] as Triple,
      stride: [1, 2, 2] as Triple,
      pads: [0, 1, 1, 0, 1, 1] as Pads6,
      dilation: [1, 1, 1] as Triple,
      groups: 1,
    };
    const fastConvOptions = {
      out: 2,
      kernel: [5, 3, 3] as Triple,
      stride: [1, 2, 2] as Triple,
      pads: [2, 1, 1, 2, 1, 1] as Pads6,
      dilation: [1, 1, 1] as Triple,
      groups: 1,
    };
    const fuseOptions = {
      out: 4,
      kernel: [5, 1, 1] as Triple,
      stride: [alpha, 1, 1] as Triple,
      pads: [2, 0, 0, 2, 0, 0] as Pads6,
      dilation: [1, 1, 1] as Triple,
      groups: 1,
    };
    const slow = b.op("slow.relu", { kind: "relu" }, [b.batchnorm("slow.bn", b.conv("slow.conv", slowIn, slowConvOptions))]);
    const fast = b.op("fast.relu", { kind: "relu" }, [b.batchnorm("fast.bn", b.conv("fast.conv", fastIn, fastConvOptions))]);
    const fused = b.op("fuse.cat", { kind: "concat", axis: 1 }, [slow, b.conv("fuse.conv", fast, fuseOptions)]);
    const pooled = b.op("head.cat", { kind: "concat", axis: 1 }, [
      b.op("head.pool_slow", { kind: "gap" }, [fused]),
      b.op("head.pool_fast", { kind: "gap" }, [fast]),
    ]);
    const dropped = b.op("head.dropout", { kind: "dropout", ratio: 0.5 }, [pooled]);
    b.output(b.op("head.softmax", { kind: "softmax", axis: 1 }, [b.linear("head.fc", dropped, 5)]));
    const graph = b.build();
    const weights = randomWeights(graph, random);
    const input = randomTensor(batched([3, 32, 8, 8]), random);
    const actual = await emitAndRun(graph, { clip: input }, weights);

    const bn = (x: TensorData, name: string) =>
      batchnormReference(
        x,
        weights.get(`${name}.weight`)!,
        weights.get(`${name}.bias`)!,
        weights.get(`${name}.running_mean`)!,
        weights.get(`${name}.running_var`)!,
        1e-5,
      );
    const relu = (x: TensorData) => mapElements(x, (v) => Math.max(0, v));
    const slowRef = relu(bn(convReference(selectFrames(input, [0, 10, 20, 31]), weights.get("slow.conv.weight")!, undefined, slowConvOptions), "slow.bn"));
    const fastFrames = Array.from({ length: 16 }, (_, i) => 2 * i);
    const fastRef = relu(bn(convReference(selectFrames(input, fastFrames), weights.get("fast.conv.weight")!, undefined, fastConvOptions), "fast.bn"));
    const fusedRef = concatReference([slowRef, convReference(fastRef, weights.get("fuse.conv.weight")!, undefined, fuseOptions)], 1);
    const pooledRef = concatReference([globalAvgPoolReference(fusedRef), globalAvgPoolReference(fastRef)], 1);
    const expected = softmaxReference(linearReference(pooledRef, weights.get("head.fc.weight")!, weights.get("head.fc.bias"), 5), 1);
    expectClose(actual, expected, 1e-5);
  });
});

afterAll(() => {
  // Checked once for the whole file: one Python start-up instead of one per model.
  const results = checkManyWithOnnx(emitted.map((entry) => entry.model));
  const failures: string[] = [];
  results.forEach((result, index) => {
    try {
      assertShapesMatchIR(result, emitted[index]!.graph);
    } catch (error) {
      failures.push(String(error));
    }
  });
  expect(emitted.length).toBeGreaterThan(20);
  expect(failures).toEqual([]);
});
