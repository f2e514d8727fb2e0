import { describe, expect, it } from "vitest";
import { NpyError, readNpy, writeNpy } from "../../runtime/npy";
import { deterministicClip } from "../../runtime/session";
import { readExpected, readFixture } from "../support/fixtures";

function expectNpyError(f: () => unknown, fragment: string | RegExp): void {
  let err: unknown;
  try {
    f();
  } catch (e) {
    err = e;
  }
  expect(err, "expected an NpyError").toBeInstanceOf(NpyError);
  expect((err as Error).message).toMatch(fragment);
}

/** A version-1.0 file with a hand-written header, padded like numpy's. */
function npyWithHeader(header: string, data: Uint8Array, version: 1 | 2 | 3 = 1): Uint8Array {
  const pre = version === 1 ? 10 : 12;
  const hlen = header.length + 1;
  const total = hlen + (64 - ((pre + hlen) % 64));
  const out = new Uint8Array(pre + total + data.byteLength);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const dv = new DataView(out.buffer);
  if (version === 1) dv.setUint16(8, total, true);
  else dv.setUint32(8, total, true);
  out.set(Buffer.from(header, "latin1"), pre);
  out.fill(0x20, pre + header.length, pre + total - 1);
  out[pre + total - 1] = 0x0a;
  out.set(data, pre + total);
  return out;
}

describe("fixture arrays", () => {
  it("input.npy is the deterministic clip, bit for bit", () => {
    const x = readNpy(readFixture("input.npy"));
    expect(x.dtype).toBe("float32");
    expect(x.shape).toEqual([2, 3, 32, 48, 48]);
    expect(x.shape).toEqual(readExpected().input.shape);
    const clip = deterministicClip(x.shape);
    const a = Buffer.from((x.data as Float32Array).buffer, x.data.byteOffset, x.data.byteLength);
    const b = Buffer.from(clip.buffer);
    expect(a.length).toBe(2 * 3 * 32 * 48 * 48 * 4);
    expect(Buffer.compare(a, b)).toBe(0);
  });

  it("logits.npy holds the numbers of expected.json", () => {
    const expected = readExpected();
    const y = readNpy(readFixture("logits.npy"));
    expect(y.dtype).toBe("float32");
    expect(y.shape).toEqual([2, 10]);
    expect(Array.from(y.data as Float32Array)).toEqual(expected.output.values.flat().map(Math.fround));
  });

  it("writeNpy reproduces numpy.save byte for byte", () => {
    for (const name of ["input.npy", "logits.npy"]) {
      const bytes = readFixture(name);
      const a = readNpy(bytes);
      expect(Buffer.compare(Buffer.from(writeNpy(a.data, a.shape)), Buffer.from(bytes)), name).toBe(0);
    }
  });

  it("returns a view when the data are aligned", () => {
    const bytes = readFixture("logits.npy");
    expect(readNpy(bytes).data.buffer).toBe(bytes.buffer);
  });
});

describe("readNpy / writeNpy", () => {
  it("round-trips every supported dtype and rank", () => {
    const cases = [
      { data: Float32Array.from([1.5, -2, 3]), shape: [3], dtype: "float32" },
      { data: Float64Array.from([0.1, 2, 3, 4]), shape: [2, 2], dtype: "float64" },
      { data: BigInt64Array.from([-1n, 2n ** 40n]), shape: [2, 1], dtype: "int64" },
      { data: Int32Array.from([-7]), shape: [], dtype: "int32" },
      { data: Int16Array.from([1, -1]), shape: [1, 2], dtype: "int16" },
      { data: Int8Array.from([-128, 127]), shape: [2], dtype: "int8" },
      { data: Uint8Array.from([0, 255]), shape: [2], dtype: "uint8" },
      { data: new Float32Array(0), shape: [0, 5], dtype: "float32" },
    ] as const;
    for (const c of cases) {
      const bytes = writeNpy(c.data, [...c.shape]);
      expect((bytes.byteLength - c.data.byteLength) % 64).toBe(0);
      const back = readNpy(bytes);
      expect(back.dtype).toBe(c.dtype);
      expect(back.shape).toEqual(c.shape);
      expect(Array.from(back.data as ArrayLike<number | bigint>)).toEqual(Array.from(c.data as ArrayLike<number | bigint>));
    }
    const mask = readNpy(writeNpy(Uint8Array.from([1, 0, 1]), [3], "bool"));
    expect(mask.dtype).toBe("bool");
    expect(Array.from(mask.data as Uint8Array)).toEqual([1, 0, 1]);
  });

  it("writes the header text numpy writes", () => {
    const text = (b: Uint8Array): string => Buffer.from(b.subarray(10, 10 + (b[8]! | (b[9]! << 8)))).toString("latin1");
    expect(text(writeNpy(Float32Array.from([1, 2, 3]), [3]))).toBe(
      `{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }${" ".repeat(20)}`.padEnd(117, " ") + "\n",
    );
    expect(text(writeNpy(Float64Array.from([1]), [])).startsWith("{'descr': '<f8', 'fortran_order': False, 'shape': (), }  ")).toBe(true);
  });

  it("reads version 2.0 and 3.0 headers and unaligned buffers", () => {
    const data = new Uint8Array(Float32Array.from([1, 2]).buffer);
    for (const v of [2, 3] as const) {
      const a = readNpy(npyWithHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", data, v));
      expect(Array.from(a.data as Float32Array)).toEqual([1, 2]);
    }
    const file = npyWithHeader('{"descr": "<f4", "fortran_order": False, "shape": [1, 2]}', data);
    const shifted = new Uint8Array(file.length + 1);
    shifted.set(file, 1);
    const a = readNpy(shifted.subarray(1));
    expect(a.shape).toEqual([1, 2]);
    expect(Array.from(a.data as Float32Array)).toEqual([1, 2]);
  });

  it("reads data that start off their element size from a Node Buffer", () => {
    // A foreign writer's header: 10 + 71 bytes, so the float32 data start at byte 81.
    const header = "{'descr': '<f4', 'fortran_order': False, 'shape': (6,), }".padEnd(70, " ") + "\n";
    const file = Buffer.concat([
      Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 71, 0]),
      Buffer.from(header, "latin1"),
      Buffer.from(Float32Array.from([1, 2, 3, 4, 5, 6]).buffer),
    ]);
    expect(file.length).toBe(81 + 24);
    const a = readNpy(file);
    expect(Array.from(a.data as Float32Array)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("rejects what it cannot read, with a reason", () => {
    const d8 = new Uint8Array(8);
    expectNpyError(() => readNpy(npyWithHeader("{'descr': '<f4', 'fortran_order': True, 'shape': (2,), }", d8)), "fortran_order");
    expectNpyError(() => readNpy(npyWithHeader("{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }", d8)), "big-endian");
    expectNpyError(() => readNpy(npyWithHeader("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", d8)), "unsupported dtype '<c8'");
    expectNpyError(() => readNpy(npyWithHeader("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", d8)), "structured");
    expectNpyError(() => readNpy(npyWithHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", d8)), "truncated");
    expectNpyError(() => readNpy(npyWithHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }", d8)), "shape");
    expectNpyError(() => readNpy(npyWithHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (2,", d8)), "malformed header");
    expectNpyError(() => readNpy(npyWithHeader("{descr: 1}", d8)), "malformed header");
    expectNpyError(() => readNpy(new Uint8Array([1, 2, 3])), "magic");
    const v9 = writeNpy(Float32Array.from([1]), [1]);
    v9[6] = 9;
    expectNpyError(() => readNpy(v9), "version 9.0");
  });

  it("fails cleanly on every truncation of the fixture header", () => {
    const bytes = readFixture("logits.npy");
    for (let n = 0; n < bytes.length; n++) expect(() => readNpy(bytes.subarray(0, n))).toThrow(NpyError);
  });

  it("checks what it writes", () => {
    expect(() => writeNpy(Float32Array.from([1, 2]), [3])).toThrow(NpyError);
    expect(() => writeNpy(Float32Array.from([1]), [1], "bool")).toThrow(NpyError);
  });
});
