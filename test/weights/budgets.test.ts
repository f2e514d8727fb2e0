/**
 * Checkpoints built to expand: a few bytes that would make the reader build
 * millions of values, or JSON nested deeper than a header needs. Each is
 * refused with a CheckpointError before its memory grows with the expansion.
 */
import { describe, expect, it } from "vitest";
import { PICKLE_STEPS_CAP, PICKLE_STEPS_FLOOR, pickleStepBudget, unpickle } from "../../compiler/weights/pickle";
import { readCheckpoint } from "../../compiler/weights/read";
import { writeTorchZip } from "../support/checkpoints";
import { checkpointErrorOf } from "../support/checkpoint-errors";

/** PROTO 2, `count` copies of a one-byte opcode, then STOP. */
function repeatedOpcode(op: number, count: number): Uint8Array {
  const out = new Uint8Array(count + 3).fill(op);
  out[0] = 0x80;
  out[1] = 2;
  out[count + 2] = 0x2e;
  return out;
}

/** An 8-byte little-endian length, then the header text. */
function safetensorsWithHeader(header: string): Uint8Array {
  const text = Buffer.from(header, "utf8");
  const out = Buffer.alloc(8 + text.length);
  out.writeBigUInt64LE(BigInt(text.length), 0);
  text.copy(out, 8);
  return new Uint8Array(out);
}

describe("pickle step budget", () => {
  it("grows with the file between a floor and a cap", () => {
    expect(pickleStepBudget(10)).toBe(PICKLE_STEPS_FLOOR);
    expect(pickleStepBudget(PICKLE_STEPS_FLOOR + 5)).toBe(PICKLE_STEPS_FLOOR + 5);
    expect(pickleStepBudget(2 ** 40)).toBe(PICKLE_STEPS_CAP);
  });

  it("stops a pickle at its budget, naming the opcode and byte", () => {
    const marks = repeatedOpcode(0x28, 1000);
    expect(checkpointErrorOf(() => unpickle(marks, { maxSteps: 100, source: "x.pkl" }))).toMatch(
      /^x\.pkl: opcode MARK \(0x28\) at byte 101 takes more than the 100 steps allowed/,
    );
  });

  it("refuses a small deflated data.pkl that inflates to millions of MARKs", () => {
    const bomb = repeatedOpcode(0x28, 3 * PICKLE_STEPS_FLOOR);
    const zip = writeTorchZip(bomb, {}, { deflate: true });
    expect(zip.byteLength).toBeLessThan(50_000);
    expect(checkpointErrorOf(() => readCheckpoint(zip, "bomb.pyth"))).toMatch(
      /^bomb\.pyth: archive\/data\.pkl: opcode MARK .* takes more than the 250000 steps allowed/,
    );
  });

  it("refuses a deflated data.pkl that inflates to far more than its archive", () => {
    // 20 MiB of EMPTY_DICT deflates to about 20 KiB: past both 64 times the archive's size and the 16 MiB floor.
    const bomb = repeatedOpcode(0x7d, 20 * 2 ** 20);
    const zip = writeTorchZip(bomb, {}, { deflate: true });
    expect(checkpointErrorOf(() => readCheckpoint(zip, "big.pyth"))).toMatch(/data\.pkl' declares 20971523 bytes, more than the 16777216 it can hold/);
  });
});

describe("safetensors header shape", () => {
  it("refuses deeply nested JSON in __metadata__ before copying it", () => {
    const deep = "[".repeat(200_000) + "]".repeat(200_000);
    expect(checkpointErrorOf(() => readCheckpoint(safetensorsWithHeader(`{"__metadata__":{"x":${deep}}}`), "d.safetensors"))).toMatch(
      /^d\.safetensors: safetensors: header nests values 32 deep at byte 59/,
    );
  });

  it("refuses a header of more values than 100,000 tensors need", () => {
    const zeros = "0,".repeat(1_000_000);
    expect(checkpointErrorOf(() => readCheckpoint(safetensorsWithHeader(`{"__metadata__":{"x":[${zeros}0]}}`), "m.safetensors"))).toMatch(
      /header holds more than 1000000 values/,
    );
  });

  it("refuses a tensor named twice, even when spelled with an escape", () => {
    const entry = `{"dtype":"F32","shape":[0],"data_offsets":[0,0]}`;
    expect(checkpointErrorOf(() => readCheckpoint(safetensorsWithHeader(`{"a":${entry},"\\u0061":${entry}}`), "t.safetensors"))).toMatch(
      /header names 'a' twice \(byte 62\)/,
    );
  });

  it("still reads a header whose strings hold brackets, commas and escaped quotes", () => {
    const entry = `{"dtype":"F32","shape":[0],"data_offsets":[0,0]}`;
    const ck = readCheckpoint(safetensorsWithHeader(`{"__metadata__":{"k":"[[{,\\"}"},"a[,{":${entry},"b":${entry}}`), "ok.safetensors");
    expect([...ck.tensors.keys()]).toEqual(["a[,{", "b"]);
    expect(ck.metadata).toEqual({ k: '[[{,"}' });
  });
});
