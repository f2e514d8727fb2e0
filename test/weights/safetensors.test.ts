import { describe, expect, it } from "vitest";
import { readCheckpoint } from "../../compiler/weights/read";
import { readSafetensors } from "../../compiler/weights/safetensors";
import { CheckpointError, LoadedTensor, halfToFloat, toFloat32Bytes } from "../../compiler/weights/tensor";
import { f32bytes, pseudoRandomBytes, writeSafetensors } from "../support/checkpoints";
import { readFixture } from "../support/fixtures";
import { expectCheckpointError } from "../support/checkpoint-errors";

function withHeaderLength(file: Uint8Array, n: bigint): Uint8Array {
  const out = file.slice();
  new DataView(out.buffer).setBigUint64(0, n, true);
  return out;
}

describe("readSafetensors", () => {
  it("reads tensors as views, with metadata", () => {
    const file = writeSafetensors(
      {
        a: { dtype: "F32", shape: [2, 2], data: f32bytes([1, 2, 3, 4]) },
        n: { dtype: "I64", shape: [], data: new Uint8Array(new BigInt64Array([7n]).buffer) },
        empty: { dtype: "F32", shape: [0, 3], data: new Uint8Array(0) },
      },
      { metadata: { format: "pt" } },
    );
    const ck = readSafetensors(file);
    expect(ck.metadata).toEqual({ format: "pt" });
    expect([...ck.tensors.keys()]).toEqual(["a", "n", "empty"]);
    const a = ck.tensors.get("a")!;
    expect(a.data.buffer).toBe(file.buffer);
    expect(Array.from(new Float32Array(toFloat32Bytes(a).slice().buffer))).toEqual([1, 2, 3, 4]);
    expect(ck.tensors.get("n")!.shape).toEqual([]);
    expect(ck.tensors.get("empty")!.data.byteLength).toBe(0);
  });

  it("is recognised whatever its header length, also one whose first bytes read as a pickle's PROTO (80 02 .. 80 05)", () => {
    const tensors = { a: { dtype: "F32", shape: [1], data: f32bytes([1]) } };
    const headerLength = (file: Uint8Array) => Number(new DataView(file.buffer).getBigUint64(0, true));
    // A metadata entry padded to make the header `length` bytes (the writer aligns it to 8).
    const unpadded = headerLength(writeSafetensors(tensors, { metadata: { pad: "" } }));
    for (const length of [640, 896, 1152, 1408, 66176]) {
      const file = writeSafetensors(tensors, { metadata: { pad: "x".repeat(length - unpadded) } });
      expect(headerLength(file)).toBe(length);
      expect([file[0], file[1]]).toEqual([0x80, (length >> 8) & 0xff]);
      expect([...readCheckpoint(file).tensors.keys()]).toEqual(["a"]);
    }
  });

  it("rejects a header length past the end of the file", () => {
    const file = writeSafetensors({ a: { dtype: "F32", shape: [1], data: f32bytes([1]) } });
    expectCheckpointError(() => readSafetensors(withHeaderLength(file, 1n << 40n)), "header length", "exceeds");
    expectCheckpointError(() => readSafetensors(withHeaderLength(file, 0xffffffffffffffffn)), "header length");
    expectCheckpointError(() => readSafetensors(withHeaderLength(file, 3n)), "JSON");
    expectCheckpointError(() => readSafetensors(file.subarray(0, 5)), "too short");
  });

  it("rejects truncated data", () => {
    const file = writeSafetensors({ a: { dtype: "F32", shape: [4], data: f32bytes([1, 2, 3, 4]) } });
    expectCheckpointError(() => readSafetensors(file.subarray(0, file.length - 1)), "tensor 'a'", "past the end", "truncated");
  });

  it("rejects inconsistent headers", () => {
    const data = { a: { dtype: "F32", shape: [2], data: f32bytes([1, 2]) } };
    const cases: [Record<string, unknown>, string][] = [
      [{ a: { dtype: "F32", shape: [3], data_offsets: [0, 8] } }, "needs 12"],
      [{ a: { dtype: "F32", shape: [2], data_offsets: [8, 0] } }, "reversed"],
      [{ a: { dtype: "F32", shape: [2], data_offsets: [0] } }, "data_offsets"],
      [{ a: { dtype: "F32", shape: [-2], data_offsets: [0, 8] } }, "shape"],
      [{ a: { dtype: "C64", shape: [1], data_offsets: [0, 8] } }, "unsupported dtype 'C64'"],
      [{ a: { shape: [2], data_offsets: [0, 8] } }, "missing 'dtype'"],
      [{ a: 5 }, "not an object"],
      [{ b: { dtype: "F32", shape: [1], data_offsets: [4, 8] } }, "overlap"],
      [{ b: { dtype: "F32", shape: [2], data_offsets: [4, 12] } }, "past the end"],
      [{ __metadata__: [1] }, "__metadata__"],
    ];
    for (const [header, message] of cases) {
      expectCheckpointError(() => readSafetensors(writeSafetensors(data, { header })), message);
    }
  });

  it("finds overlaps hidden behind an empty tensor", () => {
    const data = { a: { dtype: "F32", shape: [4], data: f32bytes([1, 2, 3, 4]) } };
    const header = {
      e: { dtype: "F32", shape: [0], data_offsets: [4, 4] },
      b: { dtype: "F32", shape: [1], data_offsets: [8, 12] },
    };
    expectCheckpointError(() => readSafetensors(writeSafetensors(data, { header })), "'a'", "'b'", "overlap");
  });

  it("rejects a header that is not UTF-8 JSON", () => {
    const file = writeSafetensors({});
    const bad = new Uint8Array(8 + 6);
    bad.set(file.subarray(0, 8));
    new DataView(bad.buffer).setBigUint64(0, 6n, true);
    bad.set(Buffer.from('{"a":'), 8);
    bad[13] = 0xff;
    expectCheckpointError(() => readSafetensors(bad), "not valid UTF-8 JSON");
    new DataView(bad.buffer).setBigUint64(0, 2n, true);
    bad.set(Buffer.from("[]"), 8);
    expectCheckpointError(() => readSafetensors(bad.subarray(0, 10)), "JSON object");
  });

  it("fails cleanly on every truncation and on corrupted headers of the fixture", () => {
    const fixture = readFixture("weights.safetensors");
    const head = 8 + Number(new DataView(fixture.buffer, fixture.byteOffset).getBigUint64(0, true));
    for (const n of [0, 3, 8, 9, 100, head - 1, head, head + 1, fixture.length >> 1, fixture.length - 1]) {
      expectCheckpointError(() => readCheckpoint(fixture.subarray(0, n), "weights.safetensors"), /^weights\.safetensors: /);
    }
    for (let i = 8; i < 2000; i += 7) {
      const bad = fixture.slice(0, head + 64);
      bad[i]! ^= 0x5a;
      try {
        readSafetensors(bad);
      } catch (e) {
        if (!(e instanceof CheckpointError)) throw e;
      }
    }
  });
});

describe("readCheckpoint", () => {
  it("rejects garbage, empty and legacy torch.save files with the file name", () => {
    expectCheckpointError(() => readCheckpoint(new Uint8Array(0), "w.bin"), "w.bin: ", "too short");
    expectCheckpointError(() => readCheckpoint(pseudoRandomBytes(4096, 3), "noise.bin"), "noise.bin: ", "not a checkpoint");
    const legacy = Uint8Array.from([0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19]);
    expectCheckpointError(() => readCheckpoint(legacy, "old.pth"), "old.pth: ", "legacy");
  });

  it("never throws anything but CheckpointError on random bytes", () => {
    for (let seed = 1; seed < 200; seed++) {
      const b = pseudoRandomBytes(64 + seed * 3, seed);
      if (seed % 3 === 0) b.set([0x50, 0x4b, 0x03, 0x04]);
      if (seed % 3 === 1) {
        new DataView(b.buffer).setBigUint64(0, BigInt(seed % 40), true);
        b[8] = 0x7b;
      }
      expect(() => readCheckpoint(b, "x")).toThrow(CheckpointError);
    }
  });
});

describe("toFloat32Bytes", () => {
  const t = (dtype: LoadedTensor["dtype"], data: Uint8Array, shape = [data.byteLength / 2]): LoadedTensor => ({
    name: "t",
    dtype,
    shape,
    data,
  });

  it("widens float16 exactly, including subnormals and specials", () => {
    const halves = [0x0000, 0x8000, 0x0001, 0x03ff, 0x0400, 0x3c00, 0x7bff, 0xfc00, 0x7c00, 0x3555];
    const out = new Float32Array(toFloat32Bytes(t("float16", new Uint8Array(new Uint16Array(halves).buffer))).buffer);
    expect(Array.from(out)).toEqual([0, -0, 2 ** -24, 1023 * 2 ** -24, 2 ** -14, 1, 65504, -Infinity, Infinity, halfToFloat(0x3555)]);
    expect(out[9]).toBeCloseTo(1 / 3, 3);
    expect(halfToFloat(0x7e00)).toBeNaN();
  });

  it("widens bfloat16 and narrows float64", () => {
    const bf = new Uint8Array(new Uint16Array([0x3f80, 0x4049, 0xff80]).buffer);
    expect(Array.from(new Float32Array(toFloat32Bytes(t("bfloat16", bf)).buffer))).toEqual([1, 3.140625, -Infinity]);
    const d = new Uint8Array(new Float64Array([0.1, -2]).buffer);
    const out = new Float32Array(toFloat32Bytes(t("float64", d, [2])).buffer);
    expect(Array.from(out)).toEqual([Math.fround(0.1), -2]);
  });

  it("copies unaligned float32 data into an aligned buffer", () => {
    const backing = new Uint8Array(13);
    backing.set(f32bytes([1.5, -2, 3]), 1);
    const src = backing.subarray(1);
    const out = toFloat32Bytes(t("float32", src, [3]));
    expect(out).not.toBe(src);
    expect(out.byteOffset % 4).toBe(0);
    expect(Array.from(new Float32Array(out.buffer, out.byteOffset, 3))).toEqual([1.5, -2, 3]);
  });

  it("rejects integer tensors and size mismatches", () => {
    expect(() => toFloat32Bytes(t("int32", new Uint8Array(8), [2]))).toThrow(/int32/);
    expect(() => toFloat32Bytes(t("float32", new Uint8Array(8), [3]))).toThrow(CheckpointError);
  });
});
