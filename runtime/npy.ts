/**
 * NumPy `.npy` files: reading versions 1.0-3.0 and writing 1.0 byte-for-byte as
 * `numpy.save` does, so that fixtures written here diff cleanly against numpy's.
 */

export type NpyDType = "float32" | "float64" | "int64" | "int32" | "int16" | "int8" | "uint8" | "bool";

export type NpyData = Float32Array | Float64Array | BigInt64Array | Int32Array | Int16Array | Int8Array | Uint8Array;

export interface NpyArray {
  dtype: NpyDType;
  shape: number[];
  /** A view into the file's bytes when their alignment allows it, else a copy. Bools are 0/1 bytes. */
  data: NpyData;
}

export class NpyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NpyError";
  }
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

interface DTypeInfo {
  dtype: NpyDType;
  size: number;
  descr: string;
  make: (buf: ArrayBufferLike, byteOffset: number, length: number) => NpyData;
}

const INFOS: DTypeInfo[] = [
  { dtype: "float32", size: 4, descr: "<f4", make: (b, o, n) => new Float32Array(b, o, n) },
  { dtype: "float64", size: 8, descr: "<f8", make: (b, o, n) => new Float64Array(b, o, n) },
  { dtype: "int64", size: 8, descr: "<i8", make: (b, o, n) => new BigInt64Array(b, o, n) },
  { dtype: "int32", size: 4, descr: "<i4", make: (b, o, n) => new Int32Array(b, o, n) },
  { dtype: "int16", size: 2, descr: "<i2", make: (b, o, n) => new Int16Array(b, o, n) },
  { dtype: "int8", size: 1, descr: "|i1", make: (b, o, n) => new Int8Array(b, o, n) },
  { dtype: "uint8", size: 1, descr: "|u1", make: (b, o, n) => new Uint8Array(b, o, n) },
  { dtype: "bool", size: 1, descr: "|b1", make: (b, o, n) => new Uint8Array(b, o, n) },
];

function infoForDescr(descr: string): DTypeInfo {
  const order = descr[0] ?? "";
  const code = descr.slice(1);
  const info = INFOS.find((i) => i.descr.slice(1) === code);
  if (!info || !"<>|=".includes(order)) {
    throw new NpyError(`npy: unsupported dtype '${descr}' (supported: ${INFOS.map((i) => i.descr).join(", ")})`);
  }
  // Byte order is meaningless for single bytes; numpy writes '|' but accepts the others.
  if (order === ">" && info.size > 1) {
    throw new NpyError(`npy: dtype '${descr}' is big-endian; convert with arr.astype('<${code}') first`);
  }
  return info;
}

export function readNpy(bytes: Uint8Array): NpyArray {
  if (bytes.byteLength < 10 || MAGIC.some((m, i) => bytes[i] !== m)) {
    throw new NpyError("npy: missing the \\x93NUMPY magic string (not an .npy file)");
  }
  const major = bytes[6];
  const minor = bytes[7];
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerStart: number;
  let headerLen: number;
  if (major === 1) {
    headerStart = 10;
    headerLen = dv.getUint16(8, true);
  } else if (major === 2 || major === 3) {
    if (bytes.byteLength < 12) throw new NpyError("npy: file ends inside the header length");
    headerStart = 12;
    headerLen = dv.getUint32(8, true);
  } else {
    throw new NpyError(`npy: format version ${major}.${minor} is not supported (1.0, 2.0 and 3.0 are)`);
  }
  const dataStart = headerStart + headerLen;
  if (dataStart > bytes.byteLength) {
    throw new NpyError(`npy: header length ${headerLen} runs past the end of the ${bytes.byteLength}-byte file (truncated?)`);
  }
  let text: string;
  try {
    text = new TextDecoder(major === 3 ? "utf-8" : "latin1", { fatal: true }).decode(bytes.subarray(headerStart, dataStart));
  } catch {
    throw new NpyError("npy: header is not valid text");
  }

  const header = parseHeader(text);
  const descr = header.get("descr");
  const fortran = header.get("fortran_order");
  const shapeValue = header.get("shape");
  if (typeof descr !== "string") {
    throw new NpyError(`npy: 'descr' must be a simple dtype string (structured dtypes are not supported), in header ${text.trim()}`);
  }
  if (fortran !== false) {
    throw new NpyError(
      fortran === true
        ? "npy: fortran_order is True; save a C-contiguous array (np.ascontiguousarray) instead"
        : `npy: header has no boolean 'fortran_order': ${text.trim()}`,
    );
  }
  if (!Array.isArray(shapeValue) || !shapeValue.every((d) => typeof d === "number" && Number.isSafeInteger(d) && d >= 0)) {
    throw new NpyError(`npy: 'shape' must be a tuple of non-negative integers, in header ${text.trim()}`);
  }
  const shape = shapeValue as number[];
  const info = infoForDescr(descr);

  let n = 1;
  for (const d of shape) n *= d;
  const byteLen = n * info.size;
  if (dataStart + byteLen > bytes.byteLength) {
    throw new NpyError(
      `npy: shape (${shape.join(", ")}) of ${descr} needs ${byteLen} data bytes, but the file has ${bytes.byteLength - dataStart} (truncated)`,
    );
  }
  const abs = bytes.byteOffset + dataStart;
  if (abs % info.size === 0) return { dtype: info.dtype, shape, data: info.make(bytes.buffer, abs, n) };
  // A typed array cannot start off its element size, so unaligned data are copied into a buffer of their own
  // (a Buffer's slice() would be a view of the file's whole buffer, not a copy).
  const copy = new Uint8Array(byteLen);
  copy.set(bytes.subarray(dataStart, dataStart + byteLen));
  const data = info.make(copy.buffer, 0, n);
  return { dtype: info.dtype, shape, data };
}

type Literal = string | number | boolean | null | Literal[];

/** Parses the Python dict literal of an .npy header (strings, ints, booleans, None, tuples, lists). */
function parseHeader(text: string): Map<string, Literal> {
  let i = 0;
  const fail = (what: string): never => {
    throw new NpyError(`npy: malformed header (${what} at character ${i}): ${text.trim()}`);
  };
  const ws = (): void => {
    while (i < text.length && /\s/.test(text[i] ?? "")) i++;
  };
  const value = (depth: number): Literal => {
    if (depth > 8) fail("nesting too deep");
    ws();
    const c = text[i];
    if (c === "'" || c === '"') {
      const end = text.indexOf(c, i + 1);
      if (end < 0) fail("unterminated string");
      const s = text.slice(i + 1, end);
      i = end + 1;
      return s;
    }
    if (c === "(" || c === "[") {
      const close = c === "(" ? ")" : "]";
      i++;
      const items: Literal[] = [];
      for (;;) {
        ws();
        if (text[i] === close) {
          i++;
          return items;
        }
        items.push(value(depth + 1));
        ws();
        if (text[i] === ",") i++;
        else if (text[i] !== close) fail(`expected ',' or '${close}'`);
      }
    }
    const m = /^(True|False|None|-?\d+)/.exec(text.slice(i, i + 32));
    if (!m) return fail("unexpected token");
    i += m[0].length;
    if (m[0] === "True") return true;
    if (m[0] === "False") return false;
    if (m[0] === "None") return null;
    return Number(m[0]);
  };

  const out = new Map<string, Literal>();
  ws();
  if (text[i] !== "{") fail("expected '{'");
  i++;
  for (;;) {
    ws();
    if (text[i] === "}") break;
    const key = value(0);
    if (typeof key !== "string") fail("expected a string key");
    ws();
    if (text[i] !== ":") fail("expected ':'");
    i++;
    out.set(key as string, value(0));
    ws();
    if (text[i] === ",") i++;
    else if (text[i] !== "}") fail("expected ',' or '}'");
  }
  return out;
}

const GROWTH_AXIS_MAX_DIGITS = 21;

/**
 * Serialises a C-ordered array as .npy version 1.0 with numpy's header layout
 * (sorted keys, spare room for growing the first axis, 64-byte alignment).
 * `dtype` is needed only to mark a Uint8Array as 'bool'.
 */
export function writeNpy(array: NpyData, shape: number[], dtype?: NpyDType): Uint8Array {
  const info = dtype ? INFOS.find((i) => i.dtype === dtype) : infoForArray(array);
  if (!info) throw new NpyError(`npy: cannot write dtype '${dtype}'`);
  if (info !== infoForArray(array) && !(info.dtype === "bool" && array instanceof Uint8Array)) {
    throw new NpyError(`npy: a ${array.constructor.name} cannot be written as ${info.dtype}`);
  }
  if (!shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new NpyError(`npy: shape [${shape.join(", ")}] must hold non-negative integers`);
  }
  let n = 1;
  for (const d of shape) n *= d;
  if (n !== array.length) {
    throw new NpyError(`npy: shape (${shape.join(", ")}) holds ${n} elements but the array has ${array.length}`);
  }

  const shapeRepr = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
  let header = `{'descr': '${info.descr}', 'fortran_order': False, 'shape': ${shapeRepr}, }`;
  if (shape.length > 0) header += " ".repeat(GROWTH_AXIS_MAX_DIGITS - String(shape[0]).length);
  const hlen = header.length + 1;
  const padlen = 64 - ((10 + hlen) % 64);
  const total = hlen + padlen;
  if (total > 0xffff) throw new NpyError(`npy: header of ${total} bytes is too long for format 1.0`);

  const out = new Uint8Array(10 + total + array.byteLength);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  out[8] = total & 0xff;
  out[9] = total >> 8;
  for (let k = 0; k < header.length; k++) out[10 + k] = header.charCodeAt(k);
  out.fill(0x20, 10 + header.length, 10 + total - 1);
  out[10 + total - 1] = 0x0a;
  out.set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength), 10 + total);
  return out;
}

function infoForArray(a: NpyData): DTypeInfo {
  const dtype: NpyDType =
    a instanceof Float32Array
      ? "float32"
      : a instanceof Float64Array
        ? "float64"
        : a instanceof BigInt64Array
          ? "int64"
          : a instanceof Int32Array
            ? "int32"
            : a instanceof Int16Array
              ? "int16"
              : a instanceof Int8Array
                ? "int8"
                : "uint8";
  return INFOS.find((i) => i.dtype === dtype) as DTypeInfo;
}
