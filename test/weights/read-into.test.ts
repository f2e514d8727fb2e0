/**
 * Tensors read straight into the emitter's buffers (readInto) hold the same
 * bytes as their `data`, from a file as from memory; tensors that cannot be
 * read in place (deflated entries, strided views) do not offer it.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readCheckpointFile } from "../../compiler/host/node";
import { readCheckpoint } from "../../compiler/weights/read";
import { CheckpointError, type Checkpoint } from "../../compiler/weights/tensor";
import { f32bytes, writeSafetensors, writeStateDict, writeTorchZip, PickleWriter } from "../support/checkpoints";

const values = Array.from({ length: 24 }, (_, i) => i * 0.5 - 3);

function pyth(opts: { deflate?: boolean; transposed?: boolean } = {}): Uint8Array {
  const pickle = writeStateDict(new PickleWriter().proto(2), [
    ["a.weight", { storageType: "FloatStorage", key: "0", storageNumel: 24, size: [2, 3, 4] }],
    ["b.weight", { storageType: "FloatStorage", key: "0", storageNumel: 24, offset: 12, size: [3, 4] }],
    ["c.weight", { storageType: "FloatStorage", key: "1", storageNumel: 6, size: [3, 2], stride: opts.transposed ? [1, 3] : [2, 1] }],
  ])
    .stop()
    .bytes();
  return writeTorchZip(pickle, { "0": f32bytes(values), "1": f32bytes(values.slice(0, 6)) }, { deflate: opts.deflate });
}

function safetensors(): Uint8Array {
  return writeSafetensors({
    "a.weight": { dtype: "F32", shape: [2, 3, 4], data: f32bytes(values) },
    "b.weight": { dtype: "F32", shape: [3, 2], data: f32bytes(values.slice(0, 6)) },
  });
}

/** Each tensor's readInto bytes against its data (copied before the next read reuses the reader's buffer). */
function expectSameBytes(checkpoint: Checkpoint, inPlace: string[]): void {
  for (const t of checkpoint.tensors.values()) {
    const data = t.data.slice();
    if (!inPlace.includes(t.name)) {
      expect(t.readInto, t.name).toBeUndefined();
      continue;
    }
    expect(t.readInto, t.name).toBeDefined();
    const target = new Uint8Array(data.byteLength).fill(0xee);
    t.readInto!(target);
    expect(Buffer.from(target).equals(Buffer.from(data)), t.name).toBe(true);
  }
}

describe("tensors read in place", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-read-into-"));
  const onDisk = (name: string, bytes: Uint8Array): Checkpoint => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, bytes);
    return readCheckpointFile(file);
  };
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("give the bytes of `data` for safetensors, from a file and from memory", () => {
    expectSameBytes(onDisk("w.safetensors", safetensors()), ["a.weight", "b.weight"]);
    // In memory the data are views already: nothing to save, so no readInto.
    expectSameBytes(readCheckpoint(safetensors(), "w.safetensors"), []);
  });

  it("give the bytes of `data` for stored, contiguous torch.save tensors, a view at an offset included", () => {
    expectSameBytes(onDisk("w.pyth", pyth()), ["a.weight", "b.weight", "c.weight"]);
    expectSameBytes(readCheckpoint(pyth(), "w.pyth"), ["a.weight", "b.weight", "c.weight"]);
  });

  it("are not offered for deflated entries or strided views", () => {
    expectSameBytes(onDisk("deflated.pyth", pyth({ deflate: true })), []);
    expectSameBytes(onDisk("strided.pyth", pyth({ transposed: true })), ["a.weight", "b.weight"]);
  });

  it("refuse a target of the wrong size", () => {
    const t = onDisk("w2.safetensors", safetensors()).tensors.get("a.weight")!;
    expect(() => t.readInto!(new Uint8Array(4), 93)).toThrow(/bytes 93-97 asked for, it has 96/);
  });
});

describe("a checkpoint read from a file", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-close-"));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const openFiles = (): number => fs.readdirSync("/proc/self/fd").length;
  const written = (name: string, bytes: Uint8Array): string => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, bytes);
    return file;
  };

  it.runIf(process.platform === "linux")("holds its file open until close(), after which a tensor read is a CheckpointError", () => {
    const before = openFiles();
    const checkpoint = readCheckpointFile(written("w.safetensors", safetensors()));
    expect(openFiles()).toBe(before + 1);
    checkpoint.close();
    checkpoint.close();
    expect(openFiles()).toBe(before);
    const read = (): unknown => checkpoint.tensors.get("a.weight")!.data;
    expect(read).toThrow(CheckpointError);
    expect(read).toThrow(/was closed before all its tensors were read/);
  });

  it.runIf(process.platform === "linux")("closes its file when it is not a checkpoint", () => {
    const before = openFiles();
    expect(() => readCheckpointFile(written("bad.safetensors", new Uint8Array(64).fill(7)))).toThrow();
    expect(openFiles()).toBe(before);
  });
});
