/**
 * The onnx check helper itself: it must reject broken models and must fail,
 * not skip, when the onnx package is unavailable.
 */
import { describe, expect, it } from "vitest";
import type { IRGraph } from "../../compiler/ir";
import { emitOnnx } from "../../compiler/emit/onnx";
import { IRBuilder } from "../support/ir-builder";
import { assertShapesMatchIR, checkManyWithOnnx, checkWithOnnx, ONNX_PYTHON } from "../support/onnx-check";

function reluGraph(): IRGraph {
  const b = new IRBuilder("relu");
  return b.output(b.op("act", { kind: "relu" }, [b.input("x", [2, 3, 4, 5])])).build();
}

describe("checkWithOnnx", () => {
  it("reports the shapes onnx infers, with the batch as the string N", () => {
    const result = checkWithOnnx(emitOnnx(reluGraph()));
    expect(result.ok).toBe(true);
    expect(result.shapes["act"]).toEqual(["N", 2, 3, 4, 5]);
  });

  it("rejects a model whose declared shapes contradict onnx's shape inference", () => {
    const b = new IRBuilder("lying");
    const x = b.input("x", [4, 2, 3, 3]);
    const mid = b.op("mid", { kind: "relu" }, [x]);
    const graph = b.output(b.op("out", { kind: "relu" }, [mid])).build();
    const lying: IRGraph = { ...graph, values: new Map(graph.values).set("mid", { name: "mid", shape: [4, 2, 3, 4] }) };
    const result = checkWithOnnx(emitOnnx(lying));
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(/shape/i);
  });

  it("assertShapesMatchIR names every value whose inferred shape differs from the IR", () => {
    const graph = reluGraph();
    const result = checkWithOnnx(emitOnnx(graph));
    const wrong: IRGraph = { ...graph, values: new Map(graph.values).set("act", { name: "act", shape: [2, 3, 4, 6] }) };
    expect(() => assertShapesMatchIR(result, wrong)).toThrow(/act: inferred \["N",2,3,4,5\], expected \["N",2,3,4,6\]/);
    expect(() => assertShapesMatchIR({ ...result, ok: false, error: "boom" }, graph)).toThrow(/boom/);
  });

  it("fails loudly when the interpreter cannot import onnx", () => {
    // -S leaves out site/dist-packages, where Debian's python3-onnx lives.
    expect(() => checkManyWithOnnx([emitOnnx(reluGraph())], { interpreter: [ONNX_PYTHON, "-S"] })).toThrow(/cannot import onnx/);
  });

  it("fails loudly when the interpreter does not exist", () => {
    expect(() => checkManyWithOnnx([emitOnnx(reluGraph())], { interpreter: ["/nonexistent/python3"] })).toThrow(/cannot run/);
  });
});
