/**
 * Zip entries are checked against their CRC-32: an entry read whole at once,
 * and a stored storage streamed in pieces from its start to its end. A byte
 * changed on disk is refused with the entry's name, never loaded as a weight.
 */
import * as zlib from "node:zlib";
import { describe, expect, it } from "vitest";
import { crc32, crc32ByTable } from "../../compiler/weights/crc32";
import { readZip } from "../../compiler/weights/zip";
import { CheckpointError } from "../../compiler/weights/tensor";
import { pseudoRandomBytes, writeZip } from "../support/checkpoints";

/** A byte of an entry's data changed in the archive, its recorded CRC-32 kept. */
function flipped(archive: Uint8Array, data: Uint8Array, at: number): Uint8Array {
  const copy = archive.slice();
  const start = Buffer.from(copy).indexOf(Buffer.from(data));
  expect(start).toBeGreaterThan(0);
  copy[start + at]! ^= 0x10;
  return copy;
}

describe("crc32", () => {
  it("the table agrees with node:zlib's, whole and continued from a previous value", () => {
    const bytes = pseudoRandomBytes(10_000, 7);
    expect(crc32ByTable(new Uint8Array(0))).toBe(0);
    expect(crc32ByTable(new TextEncoder().encode("123456789"))).toBe(0xcbf43926); // the check value of CRC-32/ISO-HDLC
    expect(crc32ByTable(bytes)).toBe(crc32(bytes));
    expect(crc32ByTable(bytes.subarray(4321), crc32ByTable(bytes.subarray(0, 4321)))).toBe(crc32(bytes));
    expect(crc32(bytes.subarray(4321), crc32(bytes.subarray(0, 4321)))).toBe(zlib.crc32(bytes));
  });
});

describe("zip entries and their CRC-32", () => {
  const storage = pseudoRandomBytes(4096, 3);
  const pkl = pseudoRandomBytes(300, 5);

  it.each([false, true])("an entry read whole (deflated: %s) with a changed byte is refused by name", (deflate) => {
    const archive = writeZip([
      { name: "a/data.pkl", data: pkl, deflate },
      { name: "a/data/0", data: storage },
    ]);
    const good = readZip(archive);
    expect(good.read(good.entries.get("a/data.pkl")!)).toEqual(pkl);
    // A deflated entry's bytes are not in the file as written: change the stored one's instead.
    const name = deflate ? "a/data/0" : "a/data.pkl";
    const bad = readZip(flipped(archive, deflate ? storage : pkl, 17));
    expect(() => bad.read(bad.entries.get(name)!)).toThrow(
      new CheckpointError(
        `zip: entry '${name}' is damaged: its bytes have CRC-32 0x${crc32(flipAt(deflate ? storage : pkl, 17))
          .toString(16)
          .padStart(8, "0")}, the archive records 0x${crc32(deflate ? storage : pkl)
          .toString(16)
          .padStart(8, "0")}`,
      ),
    );
  });

  it("a stored entry streamed in pieces is checked when its last piece is read, and not before", () => {
    const bad = readZip(flipped(writeZip([{ name: "a/data/0", data: storage }]), storage, 4000));
    const entry = bad.entries.get("a/data/0")!;
    const piece = new Uint8Array(1024);
    for (let at = 0; at < 3072; at += 1024) bad.readStoredInto(entry, at, piece);
    expect(() => bad.readStoredInto(entry, 3072, piece)).toThrow(/zip: entry 'a\/data\/0' is damaged: its bytes have CRC-32 /);
  });

  it("an archive that records 0 records no CRC (PyTorch's set_crc32_options(False)): read whole and streamed, nothing is refused", () => {
    const archive = readZip(writeZip([{ name: "a/data/0", data: storage }], { noCrc: true }));
    const entry = archive.entries.get("a/data/0")!;
    expect(entry.crc32).toBe(0);
    expect(archive.read(entry)).toEqual(storage);
    archive.readStoredInto(entry, 0, new Uint8Array(storage.length));
  });

  it("pieces read out of order, or only part of the entry, are not checked (and a sound entry passes either way)", () => {
    const good = readZip(writeZip([{ name: "a/data/0", data: storage }]));
    const entry = good.entries.get("a/data/0")!;
    const piece = new Uint8Array(2048);
    good.readStoredInto(entry, 0, piece);
    good.readStoredInto(entry, 2048, piece);
    expect(piece).toEqual(storage.subarray(2048));
    const bad = readZip(flipped(writeZip([{ name: "a/data/0", data: storage }]), storage, 10));
    const damaged = bad.entries.get("a/data/0")!;
    bad.readStoredInto(damaged, 2048, piece);
    bad.readStoredInto(damaged, 0, piece.subarray(0, 1024));
  });
});

function flipAt(bytes: Uint8Array, at: number): Uint8Array {
  const copy = bytes.slice();
  copy[at]! ^= 0x10;
  return copy;
}
