/**
 * Float constants made from sizes (a `fill` constant, resize's interpolation
 * matrices) are written a piece at a time: the values must not depend on
 * where the pieces start and end.
 */
import { onnx } from "onnx-proto";
import { describe, expect, it } from "vitest";
import { compile } from "../../compiler/index";
import { interpolationValues, type ResizeMode } from "../../compiler/ops/resample";
import { memoryHost } from "../support/compiler";

/** The matrix [out][in] from PyTorch's definition: nearest ⌊d·in/out⌋; linear at (d + ½)·in/out − ½, clamped, mixing the two neighbours. */
function reference(inSize: number, outSize: number, mode: ResizeMode): number[][] {
  return Array.from({ length: outSize }, (_, d) => {
    const row = new Array<number>(inSize).fill(0);
    if (mode === "nearest") {
      row[Math.min(Math.floor((d * inSize) / outSize), inSize - 1)] = 1;
      return row;
    }
    const x = Math.max(0, ((d + 0.5) * inSize) / outSize - 0.5);
    const lo = Math.min(Math.floor(x), inSize - 1);
    const hi = Math.min(lo + 1, inSize - 1);
    row[lo] = row[lo]! + (1 - (x - lo));
    row[hi] = row[hi]! + (x - lo);
    return row;
  });
}

/** All of a FloatValues written in pieces of `piece` elements. */
function inPieces(values: (first: number, target: Float32Array) => void, count: number, piece: number): number[] {
  const out: number[] = [];
  for (let first = 0; first < count; first += piece) {
    const target = new Float32Array(Math.min(piece, count - first)).fill(NaN);
    values(first, target);
    out.push(...target);
  }
  return out;
}

describe("streamed float constants", () => {
  it("an interpolation matrix is the same in pieces of any size, as rows or transposed", () => {
    for (const mode of ["nearest", "linear"] as const)
      for (const [inSize, outSize] of [
        [1, 5],
        [5, 1],
        [3, 7],
        [7, 3],
        [10, 10],
        [4, 9],
        [29, 30],
      ] as const) {
        const m = reference(inSize, outSize, mode);
        const rows = m.flat().map(Math.fround);
        const columns = Array.from({ length: inSize }, (_, i) => m.map((row) => row[i]!))
          .flat()
          .map(Math.fround);
        for (const piece of [1, 2, 3, 7, inSize, outSize, inSize * outSize]) {
          expect(inPieces(interpolationValues(inSize, outSize, mode, false), inSize * outSize, piece)).toEqual(rows);
          expect(inPieces(interpolationValues(inSize, outSize, mode, true), inSize * outSize, piece)).toEqual(columns);
        }
      }
  });

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
