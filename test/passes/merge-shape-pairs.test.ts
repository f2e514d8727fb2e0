/**
 * Flatten/Reshape pairs merged: a reshape of global pooling's vector (gap's
 * Flatten followed by a Reshape) becomes one Reshape, or none where the shape
 * asked for is GlobalAveragePool's own; fewer nodes, the same outputs, with
 * fixed sizes and under --dynamic. The standard networks have no such pair:
 * their pooled vectors go straight to Concat and Gemm.
 */
import { onnx } from "onnx-proto";
import { describe, expect, it } from "vitest";
import { compile } from "../../compiler/index";
import { nodeHost } from "../../compiler/host/node";
import { emitOnnx } from "../../compiler/emit/onnx";
import { inferenceGraph } from "../../compiler/passes/index";
import { deterministicClip } from "../../runtime/session";
import { checkManyWithOnnx, runWithOrt } from "../support/onnx-check";
import { elaborateSource, memoryHost } from "../support/compiler";

const SOURCE = `network Gate(x: <T, S², 4>, T = 2, S = 6) -> <T, S², 4> {
  gate = x |> gap |> reshape(<1, 1², 4>) as gate_shape |> sigmoid
  return mul(x, gate) as excite
}
network Square(x: <T, S², 4>, T = 2, S = 6) -> [2, 2] {
  return x |> gap |> reshape([2, 2]) as square
}
`;

const opTypes = (model: Uint8Array): string[] => onnx.ModelProto.decode(model).graph!.node!.map((n) => n.opType!);

async function run(model: Uint8Array, dims: readonly number[]): Promise<Float32Array> {
  const out = await runWithOrt(model, { x: { data: deterministicClip(dims), dims } });
  return Object.values(out)[0]!.data;
}

describe("Flatten/Reshape pairs", () => {
  for (const [network, becomes, before, after] of [
    [
      "Gate",
      "nothing (<1, 1², 4> is the pool's own shape)",
      ["GlobalAveragePool", "Flatten", "Reshape", "Sigmoid", "Mul"],
      ["GlobalAveragePool", "Sigmoid", "Mul"],
    ],
    ["Square", "one Reshape", ["GlobalAveragePool", "Flatten", "Reshape"], ["GlobalAveragePool", "Reshape"]],
  ] as const)
    it(`${network}: gap's Flatten and the Reshape after it become ${becomes}, same outputs`, async () => {
      const r = elaborateSource(SOURCE, network);
      expect(r.diagnostics.map((d) => d.message)).toEqual([]);
      const plain = emitOnnx(r.graph!);
      const { graph, report } = inferenceGraph(r.graph!);
      const merged = emitOnnx(graph);
      expect(opTypes(plain)).toEqual(before);
      expect(opTypes(merged)).toEqual(after);
      expect(report.mergedReshapes).toEqual([network === "Gate" ? "gate_shape" : "square"]);
      const dims = [2, 4, 2, 6, 6];
      expect(Array.from(await run(merged, dims))).toEqual(Array.from(await run(plain, dims)));
      const checks = checkManyWithOnnx([merged]);
      expect(checks[0]!.error).toBeUndefined();
    });

  it("merges under --dynamic T,S too: the fixed compiles' outputs at other sizes", async () => {
    const host = memoryHost({ "gate.sf": SOURCE });
    const build = (settings: string[], dynamic?: string[]): Uint8Array => {
      const r = compile({ file: "gate.sf", host, network: "Gate", settings: settings.map((text) => ({ text })), ...(dynamic ? { dynamic } : {}) });
      expect(r.diagnostics.map((d) => d.message)).toEqual([]);
      return r.model!;
    };
    const dynamic = build([], ["T", "S"]);
    expect(opTypes(dynamic)).toEqual(["GlobalAveragePool", "Sigmoid", "Mul"]);
    for (const [t, s] of [
      [1, 1],
      [3, 5],
    ] as const) {
      const dims = [1, 4, t, s, s];
      expect(Array.from(await run(dynamic, dims))).toEqual(Array.from(await run(build([`T=${t}`, `S=${s}`]), dims)));
    }
    expect(checkManyWithOnnx([dynamic])[0]!.error).toBeUndefined();
  });

  it("leaves SlowFast_4x16_R50's head as it is: GlobalAveragePool, Flatten, Concat, Gemm", () => {
    const r = compile({ file: "std/slowfast.sf", host: nodeHost(), network: "SlowFast_4x16_R50", settings: ["C=8", "S=32"].map((text) => ({ text })) });
    const types = opTypes(r.model!);
    expect(types.slice(-2)).toEqual(["Concat", "Gemm"]);
    expect(types.filter((t) => t === "Flatten").length).toBe(2);
    expect(r.passes!.mergedReshapes).toEqual([]);
  });
});
