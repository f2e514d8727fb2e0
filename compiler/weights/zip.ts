/**
 * A zip reader for checkpoint archives (torch.save's format since PyTorch 1.6).
 * It reads the central directory from the end of the file and each entry only
 * when asked, from any byte source, so a large archive on disk is never in
 * memory at once. A deflated entry inflates to at most the size its directory
 * record declares, and the caller says how many bytes it can use at most, so a
 * small file cannot make a large allocation. Every entry read whole is checked
 * against the CRC-32 its directory record holds, and a stored entry read in
 * pieces from its start to its end is checked as the pieces go by: a flipped
 * bit on disk is refused, not loaded as a wrong weight.
 */
import type * as zlib from "node:zlib";
import { crc32 } from "./crc32";
import { CheckpointError, type ByteSource, asByteSource } from "./tensor";

export interface ZipEntry {
  name: string;
  method: number;
  flags: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
  /** The CRC-32 of the uncompressed bytes, from the central directory. */
  crc32: number;
}

export interface ZipArchive {
  entries: Map<string, ZipEntry>;
  /**
   * The entry's bytes, at most `limit` of them (default: what the entry
   * declares). Stored entries come straight from the source, so a view may be
   * valid only until the next read; deflated entries are a fresh buffer.
   */
  read(entry: ZipEntry, limit?: number): Uint8Array;
  /**
   * Copies `target.byteLength` bytes from `offset` within a stored (not
   * deflated) entry straight into `target`; `limit` as for `read`.
   */
  readStoredInto(entry: ZipEntry, offset: number, target: Uint8Array, limit?: number): void;
}

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_EOCD = 0x06054b50;
const SIG_ZIP64_LOCATOR = 0x07064b50;
const SIG_ZIP64_EOCD = 0x06064b50;

/**
 * Refuses an entry whose bytes do not have the CRC-32 the archive records.
 * A recorded 0 is no CRC: PyTorch writes 0 for every entry under
 * `torch.serialization.set_crc32_options(False)`, and torch.load reads such a
 * file (a true CRC-32 of 0 is one in 2³²).
 */
function checkCrc(entry: ZipEntry, found: number): void {
  if (found === entry.crc32 || entry.crc32 === 0) return;
  const hex = (n: number): string => `0x${n.toString(16).padStart(8, "0")}`;
  throw new CheckpointError(`zip: entry '${entry.name}' is damaged: its bytes have CRC-32 ${hex(found)}, the archive records ${hex(entry.crc32)}`);
}

function u64(dv: DataView, at: number, what: string): number {
  const v = dv.getBigUint64(at, true);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new CheckpointError(`zip: ${what} ${v} is out of range`);
  return Number(v);
}

/** Copies `length` bytes at `offset`: sources may hand out views of a reused buffer. */
function readCopy(source: ByteSource, offset: number, length: number): { bytes: Uint8Array; dv: DataView } {
  const bytes = source.read(offset, length).slice();
  return { bytes, dv: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength) };
}

export function readZip(input: Uint8Array | ByteSource): ZipArchive {
  const source = asByteSource(input);
  const len = source.byteLength;
  if (len < 22) throw new CheckpointError(`zip: file is ${len} bytes, too short for a zip archive`);

  // The end-of-central-directory record is followed only by a comment of at most 65535 bytes.
  const tailStart = Math.max(0, len - 22 - 0xffff);
  const tail = readCopy(source, tailStart, len - tailStart);
  let eocd = -1;
  for (let p = len - 22 - tailStart; p >= 0; p--) {
    if (tail.dv.getUint32(p, true) === SIG_EOCD && tailStart + p + 22 + tail.dv.getUint16(p + 20, true) <= len) {
      eocd = p;
      break;
    }
  }
  if (eocd < 0) {
    throw new CheckpointError("zip: no end-of-central-directory record (file truncated, or not a zip archive)");
  }

  let count = tail.dv.getUint16(eocd + 10, true);
  let cdSize = tail.dv.getUint32(eocd + 12, true);
  let cdOffset = tail.dv.getUint32(eocd + 16, true);
  if (eocd >= 20 && tail.dv.getUint32(eocd - 20, true) === SIG_ZIP64_LOCATOR) {
    const z64 = u64(tail.dv, eocd - 12, "zip64 end-of-central-directory offset");
    const rec = z64 + 56 <= len ? readCopy(source, z64, 56) : undefined;
    if (!rec || rec.dv.getUint32(0, true) !== SIG_ZIP64_EOCD) {
      throw new CheckpointError(`zip: zip64 end-of-central-directory record expected at byte ${z64} is missing`);
    }
    count = u64(rec.dv, 32, "entry count");
    cdSize = u64(rec.dv, 40, "central directory size");
    cdOffset = u64(rec.dv, 48, "central directory offset");
  }
  if (cdOffset + cdSize > len) {
    throw new CheckpointError(`zip: central directory (bytes ${cdOffset}-${cdOffset + cdSize}) lies outside the ${len}-byte file (truncated?)`);
  }
  // Every directory record takes at least 46 bytes, so the count is bounded by the directory's size.
  if (count * 46 > cdSize) {
    throw new CheckpointError(`zip: ${count} entries cannot fit in a ${cdSize}-byte central directory`);
  }

  const { bytes, dv } = readCopy(source, cdOffset, cdSize);
  const entries = new Map<string, ZipEntry>();
  const decoder = new TextDecoder("utf-8");
  let p = 0;
  for (let i = 0; i < count; i++) {
    if (p + 46 > cdSize || dv.getUint32(p, true) !== SIG_CENTRAL) {
      throw new CheckpointError(`zip: central directory entry ${i} at byte ${cdOffset + p} is malformed`);
    }
    const flags = dv.getUint16(p + 8, true);
    const method = dv.getUint16(p + 10, true);
    let compressedSize = dv.getUint32(p + 20, true);
    let size = dv.getUint32(p + 24, true);
    const nameLen = dv.getUint16(p + 28, true);
    const extraLen = dv.getUint16(p + 30, true);
    const commentLen = dv.getUint16(p + 32, true);
    let localHeaderOffset = dv.getUint32(p + 42, true);
    const checksum = dv.getUint32(p + 16, true);
    const end = p + 46 + nameLen + extraLen + commentLen;
    if (end > cdSize) throw new CheckpointError(`zip: central directory entry ${i} at byte ${cdOffset + p} is truncated`);
    const name = decoder.decode(bytes.subarray(p + 46, p + 46 + nameLen));

    // Zip64 sizes live in extra field 0x0001, present only for the fields saturated at 0xffffffff.
    let e = p + 46 + nameLen;
    const extraEnd = e + extraLen;
    while (e + 4 <= extraEnd) {
      const id = dv.getUint16(e, true);
      const sz = dv.getUint16(e + 2, true);
      if (id === 0x0001) {
        let q = e + 4;
        const take = (what: string): number => {
          if (q + 8 > e + 4 + sz) throw new CheckpointError(`zip: entry '${name}' has a short zip64 extra field`);
          const v = u64(dv, q, what);
          q += 8;
          return v;
        };
        if (size === 0xffffffff) size = take("size");
        if (compressedSize === 0xffffffff) compressedSize = take("compressed size");
        if (localHeaderOffset === 0xffffffff) localHeaderOffset = take("header offset");
      }
      e += 4 + sz;
    }
    // Readers disagree on which of two same-named entries wins; a checkpoint has no reason to hold both.
    if (entries.has(name)) throw new CheckpointError(`zip: the archive holds two entries named '${name}'`);
    entries.set(name, { name, method, flags, compressedSize, size, localHeaderOffset, crc32: checksum });
    p = end;
  }

  /** Where the entry's data start in the file, after checking its local header and its declared sizes. */
  const dataStart = (entry: ZipEntry, limit: number): number => {
    const h = entry.localHeaderOffset;
    const header = h + 30 <= len ? readCopy(source, h, 30) : undefined;
    if (!header || header.dv.getUint32(0, true) !== SIG_LOCAL) {
      throw new CheckpointError(`zip: local header of '${entry.name}' expected at byte ${h} is missing`);
    }
    if (entry.flags & 1) throw new CheckpointError(`zip: entry '${entry.name}' is encrypted`);
    if (entry.size > limit) {
      throw new CheckpointError(`zip: entry '${entry.name}' declares ${entry.size} bytes, more than the ${limit} it can hold`);
    }
    const start = h + 30 + header.dv.getUint16(26, true) + header.dv.getUint16(28, true);
    const stop = start + entry.compressedSize;
    if (stop > len) {
      throw new CheckpointError(`zip: entry '${entry.name}' (bytes ${start}-${stop}) runs past the end of the ${len}-byte file (truncated?)`);
    }
    return start;
  };

  const checked = (entry: ZipEntry, bytes: Uint8Array): Uint8Array => {
    checkCrc(entry, crc32(bytes));
    return bytes;
  };

  const read = (entry: ZipEntry, limit: number = entry.size): Uint8Array => {
    const start = dataStart(entry, limit);
    if (entry.method === 0) {
      if (entry.compressedSize !== entry.size) {
        throw new CheckpointError(`zip: stored entry '${entry.name}' has differing sizes ${entry.compressedSize}/${entry.size}`);
      }
      return checked(entry, source.read(start, entry.size));
    }
    if (entry.method === 8) {
      // node:zlib loads here, for a deflated entry only: a checkpoint's are stored, and loading it took 1.3 ms of every start.
      const { inflateRawSync } = require("node:zlib") as typeof zlib;
      let out: Buffer;
      try {
        // Inflation stops at the declared size: a small entry cannot expand without bound.
        out = inflateRawSync(source.read(start, entry.compressedSize), { maxOutputLength: Math.max(entry.size, 1) });
      } catch (err) {
        const why =
          (err as { code?: string }).code === "ERR_BUFFER_TOO_LARGE"
            ? `inflates to more than the ${entry.size} bytes it declares`
            : `does not inflate: ${(err as Error).message}`;
        throw new CheckpointError(`zip: entry '${entry.name}' ${why}`);
      }
      if (out.byteLength !== entry.size) {
        throw new CheckpointError(`zip: entry '${entry.name}' inflates to ${out.byteLength} bytes, expected ${entry.size}`);
      }
      return checked(entry, new Uint8Array(out.buffer, out.byteOffset, out.byteLength));
    }
    throw new CheckpointError(`zip: entry '${entry.name}' uses compression method ${entry.method} (only stored and deflate are supported)`);
  };

  // How far each stored entry has been read in order from its start, and the CRC-32 of that much.
  const streamed = new Map<ZipEntry, { next: number; crc: number }>();

  const readStoredInto = (entry: ZipEntry, offset: number, target: Uint8Array, limit: number = entry.size): void => {
    const start = dataStart(entry, limit);
    if (entry.method !== 0) throw new CheckpointError(`zip: entry '${entry.name}' is compressed; it cannot be read in place`);
    if (entry.compressedSize !== entry.size) {
      throw new CheckpointError(`zip: stored entry '${entry.name}' has differing sizes ${entry.compressedSize}/${entry.size}`);
    }
    if (offset < 0 || offset + target.byteLength > entry.size) {
      throw new CheckpointError(`zip: bytes ${offset}-${offset + target.byteLength} lie outside the ${entry.size}-byte entry '${entry.name}'`);
    }
    if (source.readInto) source.readInto(start + offset, target);
    else target.set(source.read(start + offset, target.byteLength));
    // Pieces out of order (two tensors viewing one storage) leave the entry unchecked: reading it again whole would cost a second pass.
    // A read that failed (cut short) left this unchanged, so a later read of the same piece continues it.
    const sofar = streamed.get(entry) ?? { next: 0, crc: 0 };
    if (sofar.next !== offset) return;
    sofar.next += target.byteLength;
    sofar.crc = crc32(target, sofar.crc);
    streamed.set(entry, sofar);
    if (sofar.next === entry.size) checkCrc(entry, sofar.crc);
  };

  return { entries, read, readStoredInto };
}
