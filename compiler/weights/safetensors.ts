import { type ByteSource, Checkpoint, CheckpointError, LoadedTensor, TensorDType, dtypeSize, numel } from "./tensor";

const DTYPES: Record<string, TensorDType> = {
  F32: "float32",
  F64: "float64",
  F16: "float16",
  BF16: "bfloat16",
  I64: "int64",
  I32: "int32",
  I16: "int16",
  I8: "int8",
  U8: "uint8",
  BOOL: "bool",
};

/** The reference implementation refuses headers above 100 MB; so do we, before allocating a string. */
const MAX_HEADER = 100_000_000;

/**
 * JSON values a header may hold: a tensor's entry is about ten, so this
 * admits 100,000 tensors. Parsed JSON takes tens of times its text's size,
 * so a header of a million empty entries is refused before it is parsed.
 */
const MAX_HEADER_VALUES = 1_000_000;

/** Nesting a header may have: a tensor's shape sits three deep; deeper values would exhaust the stack when copied. */
const MAX_HEADER_DEPTH = 32;

/**
 * Parses a safetensors file. Tensor data are views into `bytes`, so the caller
 * must keep `bytes` alive and unmodified for as long as the tensors are used.
 */
export function readSafetensors(bytes: Uint8Array): Checkpoint {
  return readSafetensorsFrom({ byteLength: bytes.byteLength, read: (offset, length) => bytes.subarray(offset, offset + length) }, false);
}

export type { ByteSource } from "./tensor";

/**
 * Parses a safetensors file from any byte source. With `lazy`, a tensor's
 * bytes are read from the source only when its `data` is used, so a large
 * checkpoint on disk is never in memory at once.
 */
export function readSafetensorsFrom(source: ByteSource, lazy: boolean): Checkpoint {
  if (source.byteLength < 8) {
    throw new CheckpointError(`safetensors: file is ${source.byteLength} bytes, too short for the 8-byte header length`);
  }
  const head = source.read(0, 8);
  const dv = new DataView(head.buffer, head.byteOffset, 8);
  const headerLen64 = dv.getBigUint64(0, true);
  if (headerLen64 > BigInt(source.byteLength - 8)) {
    throw new CheckpointError(
      `safetensors: header length ${headerLen64} (bytes 0-7) exceeds the ${source.byteLength - 8} bytes after it` +
        " (truncated file, or not a safetensors file)",
    );
  }
  const headerLen = Number(headerLen64);
  if (headerLen > MAX_HEADER) {
    throw new CheckpointError(`safetensors: header length ${headerLen} exceeds the ${MAX_HEADER}-byte limit`);
  }
  const headerBytes = source.read(8, headerLen);
  if (headerLen < 2 || headerBytes[0] !== 0x7b /* { */) {
    throw new CheckpointError("safetensors: header (from byte 8) does not start with a JSON object");
  }

  checkHeaderShape(headerBytes);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(headerBytes));
  } catch (e) {
    throw new CheckpointError(`safetensors: header (bytes 8-${8 + headerLen}) is not valid UTF-8 JSON: ${(e as Error).message}`);
  }
  if (typeof header !== "object" || header === null || Array.isArray(header)) {
    throw new CheckpointError("safetensors: header is not a JSON object");
  }

  const dataStart = 8 + headerLen;
  const dataLen = source.byteLength - dataStart;
  const tensors = new Map<string, LoadedTensor>();
  const ranges: { name: string; begin: number; end: number }[] = [];
  let metadata: Record<string, string> | undefined;

  for (const [name, entry] of Object.entries(header as Record<string, unknown>)) {
    if (name === "__metadata__") {
      metadata = readMetadata(entry);
      continue;
    }
    const where = `safetensors: tensor '${name}'`;
    if (typeof entry !== "object" || entry === null) throw new CheckpointError(`${where}: header entry is not an object`);
    const { dtype: rawDtype, shape, data_offsets: offsets } = entry as Record<string, unknown>;
    if (typeof rawDtype !== "string") throw new CheckpointError(`${where}: missing 'dtype'`);
    const dtype = DTYPES[rawDtype];
    if (!dtype) {
      throw new CheckpointError(`${where}: unsupported dtype '${rawDtype}' (supported: ${Object.keys(DTYPES).join(", ")})`);
    }
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw new CheckpointError(`${where}: 'shape' must be an array of non-negative integers, got ${JSON.stringify(shape)}`);
    }
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0)) {
      throw new CheckpointError(`${where}: 'data_offsets' must be [begin, end], got ${JSON.stringify(offsets)}`);
    }
    const [begin, end] = offsets as [number, number];
    if (begin > end) throw new CheckpointError(`${where}: data_offsets [${begin}, ${end}] are reversed`);
    if (end > dataLen) {
      throw new CheckpointError(`${where}: data_offsets [${begin}, ${end}] run past the end of the data section (${dataLen} bytes; file truncated?)`);
    }
    const dims = shape as number[];
    const expected = numel(dims) * dtypeSize(dtype);
    if (end - begin !== expected) {
      throw new CheckpointError(`${where}: data_offsets [${begin}, ${end}] span ${end - begin} bytes, but ${rawDtype} [${dims.join(", ")}] needs ${expected}`);
    }
    ranges.push({ name, begin, end });
    if (lazy) {
      const tensor = { name, dtype, shape: dims.slice() } as LoadedTensor;
      Object.defineProperty(tensor, "data", { enumerable: true, get: () => source.read(dataStart + begin, end - begin) });
      tensor.readInto = (target, offset = 0) => {
        if (offset < 0 || offset + target.byteLength > end - begin)
          throw new CheckpointError(`${where}: bytes ${offset}-${offset + target.byteLength} asked for, it has ${end - begin}`);
        if (source.readInto) source.readInto(dataStart + begin + offset, target);
        else target.set(source.read(dataStart + begin + offset, target.byteLength));
      };
      tensors.set(name, tensor);
    } else tensors.set(name, { name, dtype, shape: dims.slice(), data: source.read(dataStart + begin, end - begin) });
  }

  ranges.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let last: (typeof ranges)[number] | undefined;
  for (const cur of ranges) {
    // Empty tensors occupy no bytes and may share an offset with anything.
    if (cur.end === cur.begin) continue;
    if (last && cur.begin < last.end) {
      throw new CheckpointError(`safetensors: tensors '${last.name}' [${last.begin}, ${last.end}] and '${cur.name}' [${cur.begin}, ${cur.end}] overlap`);
    }
    last = cur;
  }

  return metadata ? { tensors, format: "safetensors", metadata } : { tensors, format: "safetensors" };
}

function readMetadata(entry: unknown): Record<string, string> {
  if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
    throw new CheckpointError("safetensors: '__metadata__' is not an object");
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(entry)) {
    // The format says string values only; other writers are lax, so stringify instead of failing.
    out[k] = typeof v === "string" ? v : JSON.stringify(v);
  }
  return out;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * One pass over the header's bytes, before it is parsed: refuses more values
 * or deeper nesting than a header needs, and a tensor named twice (which
 * JSON.parse would settle silently by keeping the last).
 */
function checkHeaderShape(bytes: Uint8Array): void {
  let depth = 0;
  let values = 1;
  // At depth 1, whether the next string is a key: after '{' or ','.
  let expectKey = false;
  const keys = new Set<string>();
  // One decoder for every key: making one per key was most of this scan.
  const utf8 = new TextDecoder("utf-8", { fatal: true });
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!; // i < length
    if (b === QUOTE) {
      const start = i;
      for (i++; i < bytes.length && bytes[i] !== QUOTE; i++) if (bytes[i] === BACKSLASH) i++;
      if (depth === 1 && expectKey) {
        expectKey = false;
        let key: string;
        try {
          key = JSON.parse(utf8.decode(bytes.subarray(start, i + 1))) as string;
        } catch {
          continue; // JSON.parse of the whole header reports it
        }
        if (keys.has(key)) throw new CheckpointError(`safetensors: header names '${key}' twice (byte ${8 + start})`);
        keys.add(key);
      }
      continue;
    }
    switch (b) {
      case 0x7b /* { */:
      case 0x5b /* [ */:
        depth++;
        values++;
        if (depth > MAX_HEADER_DEPTH) {
          throw new CheckpointError(`safetensors: header nests values ${MAX_HEADER_DEPTH} deep at byte ${8 + i}; a header needs three levels`);
        }
        expectKey = depth === 1;
        break;
      case 0x7d /* } */:
      case 0x5d /* ] */:
        depth--;
        break;
      case 0x2c /* , */:
        values++;
        if (values > MAX_HEADER_VALUES) {
          throw new CheckpointError(`safetensors: header holds more than ${MAX_HEADER_VALUES} values (at byte ${8 + i}), more than 100,000 tensors need`);
        }
        expectKey = depth === 1;
        break;
    }
  }
}
