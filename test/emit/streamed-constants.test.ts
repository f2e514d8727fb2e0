/**
 * Float constants made from sizes (a `fill` constant) are written a piece at
 * a time: the values must not depend on where the pieces start and end.
 */
import { onnx } from "onnx-proto";
import { describe, expect, it } from "vitest";
import { compile } from "../../compiler/index";
import { memoryHost } from "../support/compiler";

describe("streamed float constants", () => {
  it("a fill constant of several pieces (1.2 MB) holds its value in every element", () => {
    const source = "network K(clip: <1, 2², 1>) -> <1, 2², 1> {\n  x = constant(<1, 1000×300, 1>, fill: 0.1)\n  return clip\n}\n";
    const r = compile({ file: "main.sf", host: memoryHost({ "main.sf": source }), layout: "ncdhw" });
    expect(r.diagnostics).toEqual([]);
    const tensor = onnx.ModelProto.decode(r.model!).graph!.initializer!.find((t) => t.name!.endsWith("/value"))!;
    const values = new Float32Array(tensor.rawData!.slice().buffer);
    expect(values.length).toBe(300_000);
    expect(values.every((v) => v === Math.fround(0.1))).toBe(true);
  });
});
