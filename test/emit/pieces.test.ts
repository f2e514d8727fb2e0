/**
 * Weights produced a few rows at a time (TensorPieces) are the bytes of the
 * whole-tensor path: a checkpoint tensor read in place, a generated one, and
 * a conv weight of either kind with a batch norm folded into it, in pieces of
 * any number of rows.
 */
import { describe, expect, it } from "vitest";
import type { IRWeight } from "../../compiler/ir";
import { fillWeight, weightPieces, type CheckpointBytes } from "../../compiler/emit/materialise";

/** Little-endian float32 bytes of `values`, offered as a checkpoint tensor that can be read in place. */
function inPlace(values: number[]): { byteLength: number; read(): Uint8Array; readInto(target: Uint8Array, offset?: number): void } {
  const bytes = new Uint8Array(Float32Array.from(values).buffer);
  return {
    byteLength: bytes.byteLength,
    read: () => bytes,
    readInto: (target, offset = 0) => target.set(bytes.subarray(offset, offset + target.byteLength)),
  };
}

const msra = { kind: "msra" } as const;
const conv: IRWeight = { name: "c.weight", shape: [5, 3, 1, 2, 2], init: msra };
const vector = (name: string): IRWeight => ({ name, shape: [5], init: { kind: "constant", value: 1 } });
const [gamma, beta, mean, variance] = ["bn.weight", "bn.bias", "bn.running_mean", "bn.running_var"].map(vector) as [IRWeight, IRWeight, IRWeight, IRWeight];
const folded: IRWeight = {
  name: "c.weight",
  shape: conv.shape,
  init: msra,
  derived: { kind: "bn_fold", part: "weight", conv, gamma, beta, mean, variance, epsilon: 1e-5 },
};
const values = (n: number, f: (i: number) => number): number[] => Array.from({ length: n }, (_, i) => f(i));
const checkpoint: CheckpointBytes = new Map([
  ["c.weight", inPlace(values(60, (i) => Math.sin(i) * 0.37))],
  ["bn.weight", inPlace(values(5, (i) => 0.5 + i * 0.3))],
  ["bn.bias", inPlace(values(5, (i) => i - 2))],
  ["bn.running_mean", inPlace(values(5, (i) => i * 0.01))],
  ["bn.running_var", inPlace(values(5, (i) => 0.2 + i * 0.7))],
]);

function whole(weight: IRWeight, from: CheckpointBytes): Float32Array {
  const target = new Float32Array(60);
  fillWeight(weight, 0, from, target);
  return target;
}

function inPiecesOf(weight: IRWeight, from: CheckpointBytes, rowsPerPiece: number): Float32Array {
  const pieces = weightPieces(weight, 0, from)!;
  expect(pieces).toBeDefined();
  expect([pieces.rows, pieces.rowLength]).toEqual([5, 12]);
  const out = new Float32Array(60);
  for (let row = 0; row < pieces.rows; row += rowsPerPiece) {
    const piece = new Float32Array(Math.min(rowsPerPiece, pieces.rows - row) * pieces.rowLength);
    pieces.fill(row, piece);
    out.set(piece, row * pieces.rowLength);
  }
  return out;
}

describe("weights in pieces", () => {
  it("read a checkpoint tensor in place, in pieces of any size, to the same bytes", () => {
    for (const rows of [1, 2, 5]) expect(Buffer.from(inPiecesOf(conv, checkpoint, rows).buffer)).toEqual(Buffer.from(whole(conv, checkpoint).buffer));
  });

  it("fold a batch norm into a checkpoint conv weight row by row, to the bytes of the whole fold", () => {
    const reference = whole(folded, checkpoint);
    expect(reference.some((v, i) => v !== whole(conv, checkpoint)[i])).toBe(true);
    for (const rows of [1, 2, 3, 5]) expect(Buffer.from(inPiecesOf(folded, checkpoint, rows).buffer)).toEqual(Buffer.from(reference.buffer));
  });

  it("generate a seeded weight, and fold into one, in pieces of any size, to the bytes of the whole", () => {
    const seeded: CheckpointBytes = new Map();
    for (const weight of [conv, folded])
      for (const rows of [1, 2, 3, 5]) expect(Buffer.from(inPiecesOf(weight, seeded, rows).buffer)).toEqual(Buffer.from(whole(weight, seeded).buffer));
  });

  it("are generated in order only, and not offered for checkpoint bytes that cannot be read in place", () => {
    const pieces = weightPieces(conv, 0, new Map())!;
    expect(() => pieces.fill(2, new Float32Array(12))).toThrow(/generated rows asked for from 2, the stream is at 0/);
    const bytes = new Map([["c.weight", { byteLength: 240, read: () => new Uint8Array(240) }]]);
    expect(weightPieces(conv, 0, bytes)).toBeUndefined();
    expect(weightPieces(folded, 0, bytes)).toBeUndefined();
  });
});
