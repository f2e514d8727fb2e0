/**
 * Every standard-library network compiles to a model that Debian's onnx 1.12
 * accepts (check_model with full_check, strict shape inference). With the
 * plain NCDHW lowering its inferred shapes equal the graph IR's; with the
 * layout pass (the default) it computes the same outputs in onnxruntime to
 * within 1e-5. Compiling twice gives the same bytes.
 */
import { describe, expect, it } from "vitest";
import { compile } from "../../compiler/index";
import { nodeHost } from "../../compiler/host/node";
import type { LayoutMode } from "../../compiler/emit/layout";
import { stdlibNetworks } from "../support/stdlib-networks";
import { assertShapesMatchIR, checkManyWithOnnx, ortOptimisedNodes, runWithOrt, type TensorData } from "../support/onnx-check";

const NETWORKS = stdlibNetworks().named;

// Small widths keep the models a few MB; the structure is the full one.
const SMALL = ["C=8", "S=64", "classes=10"];

function build(network: string, settings: string[], layout: LayoutMode = "auto") {
  const r = compile({ file: "std/slowfast.sf", host: nodeHost(), network, settings: settings.map((text) => ({ text })), layout });
  expect(r.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([]);
  return r;
}

const VARIANTS: Array<[string, string[]]> = [
  ...NETWORKS.map((n): [string, string[]] => [n, SMALL]),
  ["SlowFast_4x16_R50", [...SMALL, "transform=t2c"]],
  ["SlowFast_4x16_R50", [...SMALL, "transform=tsample"]],
  ["SlowFast_4x16_R50", [...SMALL, "transform=t2c", "fusion=sum"]],
  ["SlowFast_4x16_R50", [...SMALL, "sampling=linspace"]],
  // 256 Fast frames: the stem's taps are summed by slices, not by a T × 5T matrix.
  ["SlowFast_4x16_R50", [...SMALL, "T=32"]],
  ["SlowFast_4x16_R50", [...SMALL, "sampling=input"]],
  ["SlowFast_4x16_R50", [...SMALL, "output=softmax"]],
];

/** A deterministic batch of 2 for each of the graph's inputs. */
function feedsFor(graph: { inputs: ReadonlyArray<{ name: string; shape: readonly number[] }> }): Record<string, TensorData> {
  const feeds: Record<string, TensorData> = {};
  for (const input of graph.inputs) {
    const dims = [2, ...input.shape];
    const data = new Float32Array(dims.reduce((a, b) => a * b, 1)).map((_, k) => Math.sin(k * 0.37));
    feeds[input.name] = { data, dims };
  }
  return feeds;
}

describe("standard-library networks through the onnx checker", () => {
  it("all of them pass check_model and strict shape inference with the IR's shapes (plain lowering)", () => {
    const variants = VARIANTS;
    const built = variants.map(([n, s]) => build(n, s, "ncdhw"));
    const results = checkManyWithOnnx(built.map((b) => b.model!));
    results.forEach((result, i) => {
      expect(result.error, variants[i]!.join(" ")).toBeUndefined();
      assertShapesMatchIR(result, built[i]!.graph!);
    });
  });

  it("with the layout pass, all of them pass the checker and compute the plain lowering's outputs to 1e-5", async () => {
    const laidOut = VARIANTS.map(([n, s]) => build(n, s, "auto"));
    const results = checkManyWithOnnx(laidOut.map((b) => b.model!));
    for (const [i, [network, settings]] of VARIANTS.entries()) {
      const what = [network, ...settings].join(" ");
      expect(results[i]!.error, what).toBeUndefined();
      const plain = build(network, settings, "ncdhw");
      const feeds = feedsFor(plain.graph!);
      const [want, got] = [await runWithOrt(plain.model!, feeds), await runWithOrt(laidOut[i]!.model!, feeds)];
      const output = plain.graph!.outputs[0]!.name;
      const [a, b] = [want[output]!.data, got[output]!.data];
      let largest = 0;
      for (let k = 0; k < a.length; k++) largest = Math.max(largest, Math.abs(a[k]! - b[k]!));
      expect(largest, what).toBeLessThan(1e-5);
    }
  });

  it("lays the Fast stem out as one 2-D conv, time-local ops as 2-D, temporal convs over (T, H·W)", () => {
    const plain = build("SlowFast_4x16_R50", SMALL, "ncdhw").model!;
    const laidOut = build("SlowFast_4x16_R50", SMALL, "auto").model!;
    const { onnx } = require("onnx-proto") as typeof import("onnx-proto");
    const convRanks = (model: Uint8Array) => {
      const graph = onnx.ModelProto.decode(model).graph!;
      const dims = new Map(graph.initializer!.map((i) => [i.name, i.dims!.length]));
      const ranks = graph.node!.filter((n) => n.opType === "Conv").map((n) => dims.get(n.input![1]!) ?? 0);
      return {
        twoD: ranks.filter((r) => r === 4).length,
        threeD: ranks.filter((r) => r === 5).length,
        computed: ranks.filter((r) => r === 0).length,
        ops: graph.node!.map((n) => n.opType),
      };
    };
    const before = convRanks(plain);
    const after = convRanks(laidOut);
    expect(before.twoD).toBe(0);
    // Every conv runs 2-D: the Fast stem's weight is its 5-D initializer rearranged in the graph.
    expect(after.threeD).toBe(0);
    expect(after.computed).toBe(1);
    expect(after.twoD).toBe(before.threeD - 1);
    // At a fixed clip length its taps are summed by one MatMul with a 0/1 matrix (--dynamic T keeps Pad, Slice and Sum).
    expect(after.ops).toContain("MatMul");
    expect(after.ops).not.toContain("Sum");
  });

  it("sums a long clip's stem taps by slices: the matrix would grow with the square of the frames", () => {
    const { onnx } = require("onnx-proto") as typeof import("onnx-proto");
    const long = onnx.ModelProto.decode(build("SlowFast_4x16_R50", [...SMALL, "T=32"], "auto").model!).graph!;
    expect(long.initializer!.some((i) => i.name!.endsWith("/tap_sum"))).toBe(false);
    expect(long.node!.map((n) => n.opType)).toContain("Sum");
    const usual = onnx.ModelProto.decode(build("SlowFast_4x16_R50", SMALL, "auto").model!).graph!;
    expect(usual.initializer!.find((i) => i.name!.endsWith("/tap_sum"))?.dims?.map(Number)).toEqual([32, 160]);
  });

  it("names each folded value's first dim N·T, so that onnxruntime fuses every residual Add and its Relu into the conv before it", async () => {
    // Widths at which onnxruntime's NCHWc convs apply (channels a multiple of 16).
    const r = build("SlowFast_4x16_R50", ["C=32", "S=64", "classes=10"]);
    const { onnx } = require("onnx-proto") as typeof import("onnx-proto");
    const graph = onnx.ModelProto.decode(r.model!).graph!;
    const folded = graph.valueInfo!.filter((v) => v.name!.endsWith("/folded"));
    expect(folded.length).toBeGreaterThan(100);
    for (const v of folded) expect(`${v.name}: ${v.type!.tensorType!.shape!.dim![0]!.dimParam}`).toMatch(/: (32|4)\*N$/);
    const residualAdds = graph.node!.filter((n) => n.opType === "Add" && /\.res\d+\.add$/.test(n.name!));
    expect(residualAdds.length).toBe(32); // 16 bottlenecks in each pathway

    const optimised = await ortOptimisedNodes(r.model!);
    // Where the CPU has no NCHWc kernels, onnxruntime leaves every conv as it is and nothing is fused.
    if (!optimised.some((n) => n.opType === "ReorderInput")) return;
    expect(optimised.filter((n) => n.opType === "Add" && /\.res\d+\.add$/.test(n.name)).map((n) => n.name)).toEqual([]);
  });

  it("compiles byte for byte the same twice", () => {
    const a = build("SlowFast_4x16_R50", SMALL).model!;
    const b = build("SlowFast_4x16_R50", SMALL).model!;
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
  });

  it("takes the Slow clip as a second input with sampling=input, as PySlowFast's [slow, fast]", () => {
    const r = build("SlowFast_4x16_R50", [...SMALL, "sampling=input"]);
    expect(r.graph!.inputs.map((i) => [i.name, i.shape])).toEqual([
      ["clip", [3, 32, 64, 64]],
      ["slow", [3, 4, 64, 64]],
    ]);
  });
});
