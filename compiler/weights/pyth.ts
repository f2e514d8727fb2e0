/**
 * Reads `torch.save` checkpoints (the zip format of PyTorch >= 1.6, which is what
 * PySlowFast's `.pyth` files are) without Python.
 *
 * The archive holds `<prefix>/data.pkl`, a pickle of the saved object in which
 * every tensor refers, through a persistent id, to a storage whose raw bytes are
 * the zip entry `<prefix>/data/<key>`. The pickle is interpreted here by a small
 * stack machine that knows the opcodes a state dict needs and a handful of
 * torch/collections callables by name. Nothing is ever executed: any other
 * callable yields an opaque value, which is harmless in parts of the file that
 * are skipped (optimizer state, config objects) and an error when it stands
 * where a tensor of the state dict is expected.
 */
import { inflateRawSync } from 'node:zlib';
import { Checkpoint, CheckpointError, LoadedTensor, TensorDType, dtypeSize, numel } from './tensor';

// ---------------------------------------------------------------------------
// Zip
// ---------------------------------------------------------------------------

export interface ZipEntry {
  name: string;
  method: number;
  flags: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

export interface ZipArchive {
  entries: Map<string, ZipEntry>;
  /** The entry's bytes: a view into the archive when stored, a fresh buffer when deflated. */
  read(entry: ZipEntry): Uint8Array;
}

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_EOCD = 0x06054b50;
const SIG_ZIP64_LOCATOR = 0x07064b50;
const SIG_ZIP64_EOCD = 0x06064b50;

function u64(dv: DataView, at: number, what: string): number {
  const v = dv.getBigUint64(at, true);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new CheckpointError(`zip: ${what} ${v} is out of range`);
  return Number(v);
}

export function readZip(bytes: Uint8Array): ZipArchive {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const len = bytes.byteLength;
  if (len < 22) throw new CheckpointError(`zip: file is ${len} bytes, too short for a zip archive`);

  // The end-of-central-directory record is followed only by a comment of at most 65535 bytes.
  let eocd = -1;
  for (let p = len - 22; p >= Math.max(0, len - 22 - 0xffff); p--) {
    if (dv.getUint32(p, true) === SIG_EOCD && p + 22 + dv.getUint16(p + 20, true) <= len) {
      eocd = p;
      break;
    }
  }
  if (eocd < 0) {
    throw new CheckpointError('zip: no end-of-central-directory record (file truncated, or not a zip archive)');
  }

  let count = dv.getUint16(eocd + 10, true);
  let cdSize = dv.getUint32(eocd + 12, true);
  let cdOffset = dv.getUint32(eocd + 16, true);
  if (eocd >= 20 && dv.getUint32(eocd - 20, true) === SIG_ZIP64_LOCATOR) {
    const z64 = u64(dv, eocd - 12, 'zip64 end-of-central-directory offset');
    if (z64 + 56 > len || dv.getUint32(z64, true) !== SIG_ZIP64_EOCD) {
      throw new CheckpointError(`zip: zip64 end-of-central-directory record expected at byte ${z64} is missing`);
    }
    count = u64(dv, z64 + 32, 'entry count');
    cdSize = u64(dv, z64 + 40, 'central directory size');
    cdOffset = u64(dv, z64 + 48, 'central directory offset');
  }
  if (cdOffset + cdSize > len) {
    throw new CheckpointError(
      `zip: central directory (bytes ${cdOffset}-${cdOffset + cdSize}) lies outside the ${len}-byte file (truncated?)`,
    );
  }

  const entries = new Map<string, ZipEntry>();
  const decoder = new TextDecoder('utf-8');
  let p = cdOffset;
  for (let i = 0; i < count; i++) {
    if (p + 46 > cdOffset + cdSize || dv.getUint32(p, true) !== SIG_CENTRAL) {
      throw new CheckpointError(`zip: central directory entry ${i} at byte ${p} is malformed`);
    }
    const flags = dv.getUint16(p + 8, true);
    const method = dv.getUint16(p + 10, true);
    let compressedSize = dv.getUint32(p + 20, true);
    let size = dv.getUint32(p + 24, true);
    const nameLen = dv.getUint16(p + 28, true);
    const extraLen = dv.getUint16(p + 30, true);
    const commentLen = dv.getUint16(p + 32, true);
    let localHeaderOffset = dv.getUint32(p + 42, true);
    const end = p + 46 + nameLen + extraLen + commentLen;
    if (end > cdOffset + cdSize) throw new CheckpointError(`zip: central directory entry ${i} at byte ${p} is truncated`);
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
        if (size === 0xffffffff) size = take('size');
        if (compressedSize === 0xffffffff) compressedSize = take('compressed size');
        if (localHeaderOffset === 0xffffffff) localHeaderOffset = take('header offset');
      }
      e += 4 + sz;
    }
    entries.set(name, { name, method, flags, compressedSize, size, localHeaderOffset });
    p = end;
  }

  const read = (entry: ZipEntry): Uint8Array => {
    const h = entry.localHeaderOffset;
    if (h + 30 > len || dv.getUint32(h, true) !== SIG_LOCAL) {
      throw new CheckpointError(`zip: local header of '${entry.name}' expected at byte ${h} is missing`);
    }
    if (entry.flags & 1) throw new CheckpointError(`zip: entry '${entry.name}' is encrypted`);
    const start = h + 30 + dv.getUint16(h + 26, true) + dv.getUint16(h + 28, true);
    const stop = start + entry.compressedSize;
    if (stop > len) {
      throw new CheckpointError(
        `zip: entry '${entry.name}' (bytes ${start}-${stop}) runs past the end of the ${len}-byte file (truncated?)`,
      );
    }
    const raw = bytes.subarray(start, stop);
    if (entry.method === 0) {
      if (entry.compressedSize !== entry.size) {
        throw new CheckpointError(`zip: stored entry '${entry.name}' has differing sizes ${entry.compressedSize}/${entry.size}`);
      }
      return raw;
    }
    if (entry.method === 8) {
      let out: Buffer;
      try {
        out = inflateRawSync(raw, { maxOutputLength: Math.max(entry.size, 1) });
      } catch (err) {
        throw new CheckpointError(`zip: entry '${entry.name}' does not inflate: ${(err as Error).message}`);
      }
      if (out.byteLength !== entry.size) {
        throw new CheckpointError(`zip: entry '${entry.name}' inflates to ${out.byteLength} bytes, expected ${entry.size}`);
      }
      return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
    }
    throw new CheckpointError(`zip: entry '${entry.name}' uses compression method ${entry.method} (only stored and deflate are supported)`);
  };

  return { entries, read };
}

// ---------------------------------------------------------------------------
// Pickle values
// ---------------------------------------------------------------------------

export type PyValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | PyTuple
  | PyList
  | PyDict
  | PySet
  | PyGlobal
  | PyObject
  | PyStorage
  | PyTensor;

export class PyTuple {
  constructor(readonly items: PyValue[]) {}
}

export class PyList {
  constructor(readonly items: PyValue[]) {}
}

export class PyDict {
  /** Keys are compared like JS Map keys: by value for str/int, by identity otherwise. */
  readonly map = new Map<PyValue, PyValue>();
  /** What BUILD set (OrderedDict keeps `_metadata` there). */
  state: PyValue = null;
}

export class PySet {
  constructor(readonly items: PyValue[]) {}
}

/** A module attribute named by GLOBAL/STACK_GLOBAL; only ever compared by name. */
export class PyGlobal {
  constructor(
    readonly module: string,
    readonly name: string,
  ) {}
  get qualifiedName(): string {
    return `${this.module}.${this.name}`;
  }
}

/** The result of calling something this reader does not model; kept so that unpickling can go on. */
export class PyObject {
  state: PyValue = null;
  readonly setItems: [PyValue, PyValue][] = [];
  readonly appended: PyValue[] = [];
  constructor(
    readonly callable: PyValue,
    readonly args: PyValue,
  ) {}
}

export class PyStorage {
  constructor(
    readonly key: string,
    /** e.g. 'FloatStorage' */
    readonly storageType: string,
    /** undefined for storage types this reader cannot turn into tensors */
    readonly dtype: TensorDType | undefined,
    readonly numel: number,
    readonly location: string,
  ) {}
}

export class PyTensor {
  constructor(
    readonly storage: PyStorage,
    /** in elements of `dtype` */
    readonly offset: number,
    readonly size: number[],
    readonly stride: number[],
    readonly dtype: TensorDType | undefined,
  ) {}
}

const STORAGE_DTYPES: Record<string, TensorDType> = {
  FloatStorage: 'float32',
  DoubleStorage: 'float64',
  HalfStorage: 'float16',
  BFloat16Storage: 'bfloat16',
  LongStorage: 'int64',
  IntStorage: 'int32',
  ShortStorage: 'int16',
  CharStorage: 'int8',
  ByteStorage: 'uint8',
  BoolStorage: 'bool',
  UntypedStorage: 'uint8',
};

const TORCH_DTYPES: Record<string, TensorDType> = {
  float32: 'float32',
  float: 'float32',
  float64: 'float64',
  double: 'float64',
  float16: 'float16',
  half: 'float16',
  bfloat16: 'bfloat16',
  int64: 'int64',
  long: 'int64',
  int32: 'int32',
  int: 'int32',
  int16: 'int16',
  short: 'int16',
  int8: 'int8',
  uint8: 'uint8',
  bool: 'bool',
};

function describe(v: PyValue): string {
  if (v === null) return 'None';
  if (typeof v === 'boolean') return `bool ${v ? 'True' : 'False'}`;
  if (typeof v === 'number' || typeof v === 'bigint') return `number ${v}`;
  if (typeof v === 'string') return `str ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v)}`;
  if (v instanceof Uint8Array) return `bytes (${v.byteLength})`;
  if (v instanceof PyTuple) return `tuple of ${v.items.length}`;
  if (v instanceof PyList) return `list of ${v.items.length}`;
  if (v instanceof PyDict) return `dict of ${v.map.size}`;
  if (v instanceof PySet) return `set of ${v.items.length}`;
  if (v instanceof PyGlobal) return `the global ${v.qualifiedName}`;
  if (v instanceof PyStorage) return `a bare ${v.storageType}`;
  if (v instanceof PyTensor) return 'a tensor';
  const c = v.callable;
  return c instanceof PyGlobal
    ? `an object built by ${c.qualifiedName} (not supported here; nothing was executed)`
    : 'an object built by an unsupported call';
}

// ---------------------------------------------------------------------------
// Pickle interpreter
// ---------------------------------------------------------------------------

const OPCODE_NAMES: Record<number, string> = {
  0x28: 'MARK', 0x2e: 'STOP', 0x30: 'POP', 0x31: 'POP_MARK', 0x32: 'DUP', 0x46: 'FLOAT', 0x49: 'INT',
  0x4a: 'BININT', 0x4b: 'BININT1', 0x4c: 'LONG', 0x4d: 'BININT2', 0x4e: 'NONE', 0x50: 'PERSID',
  0x51: 'BINPERSID', 0x52: 'REDUCE', 0x53: 'STRING', 0x54: 'BINSTRING', 0x55: 'SHORT_BINSTRING',
  0x56: 'UNICODE', 0x58: 'BINUNICODE', 0x61: 'APPEND', 0x62: 'BUILD', 0x63: 'GLOBAL', 0x64: 'DICT',
  0x7d: 'EMPTY_DICT', 0x65: 'APPENDS', 0x67: 'GET', 0x68: 'BINGET', 0x69: 'INST', 0x6a: 'LONG_BINGET',
  0x6c: 'LIST', 0x5d: 'EMPTY_LIST', 0x6f: 'OBJ', 0x70: 'PUT', 0x71: 'BINPUT', 0x72: 'LONG_BINPUT',
  0x73: 'SETITEM', 0x74: 'TUPLE', 0x29: 'EMPTY_TUPLE', 0x75: 'SETITEMS', 0x47: 'BINFLOAT',
  0x80: 'PROTO', 0x81: 'NEWOBJ', 0x82: 'EXT1', 0x83: 'EXT2', 0x84: 'EXT4', 0x85: 'TUPLE1',
  0x86: 'TUPLE2', 0x87: 'TUPLE3', 0x88: 'NEWTRUE', 0x89: 'NEWFALSE', 0x8a: 'LONG1', 0x8b: 'LONG4',
  0x42: 'BINBYTES', 0x43: 'SHORT_BINBYTES', 0x8c: 'SHORT_BINUNICODE', 0x8d: 'BINUNICODE8',
  0x8e: 'BINBYTES8', 0x8f: 'EMPTY_SET', 0x90: 'ADDITEMS', 0x91: 'FROZENSET', 0x92: 'NEWOBJ_EX',
  0x93: 'STACK_GLOBAL', 0x94: 'MEMOIZE', 0x95: 'FRAME', 0x96: 'BYTEARRAY8', 0x97: 'NEXT_BUFFER',
  0x98: 'READONLY_BUFFER',
};

function opName(op: number): string {
  const hex = `0x${op.toString(16).padStart(2, '0')}`;
  return OPCODE_NAMES[op] ? `${OPCODE_NAMES[op]} (${hex})` : hex;
}

/** Raised inside the interpreter; the caller adds the file and byte position. */
class PickleFault extends Error {}

export interface UnpickleOptions {
  /** Turns a BINPERSID id into a value (torch: a storage). */
  persistentLoad?: (pid: PyValue) => PyValue;
  /** Used in error messages, e.g. 'archive/data.pkl'. */
  source?: string;
}

/** Interprets a pickle without executing anything; see the module comment for what is modelled. */
export function unpickle(data: Uint8Array, opts: UnpickleOptions = {}): PyValue {
  const source = opts.source ?? 'pickle';
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const utf8 = new TextDecoder('utf-8');
  const latin1 = new TextDecoder('latin1');
  const memo = new Map<number, PyValue>();
  const metastack: PyValue[][] = [];
  let stack: PyValue[] = [];
  let pos = 0;
  let opStart = 0;
  let op = 0;

  const need = (n: number): void => {
    if (n > data.byteLength - pos) {
      throw new PickleFault(`needs ${n} more bytes but the pickle ends at byte ${data.byteLength} (truncated)`);
    }
  };
  const u8 = (): number => {
    need(1);
    return data[pos++];
  };
  const u16 = (): number => {
    need(2);
    const v = dv.getUint16(pos, true);
    pos += 2;
    return v;
  };
  const u32 = (): number => {
    need(4);
    const v = dv.getUint32(pos, true);
    pos += 4;
    return v;
  };
  const u64 = (): number => {
    need(8);
    const v = dv.getBigUint64(pos, true);
    pos += 8;
    if (v > BigInt(data.byteLength)) throw new PickleFault(`length ${v} exceeds the pickle size (truncated or corrupt)`);
    return Number(v);
  };
  const take = (n: number): Uint8Array => {
    need(n);
    const v = data.subarray(pos, pos + n);
    pos += n;
    return v;
  };
  const line = (): string => {
    const nl = data.indexOf(0x0a, pos);
    if (nl < 0) throw new PickleFault('has no terminating newline (truncated)');
    const s = latin1.decode(data.subarray(pos, nl));
    pos = nl + 1;
    return s;
  };
  const pop = (): PyValue => {
    if (stack.length === 0) throw new PickleFault('pops an empty stack (corrupt pickle)');
    return stack.pop() as PyValue;
  };
  const top = (): PyValue => {
    if (stack.length === 0) throw new PickleFault('reads an empty stack (corrupt pickle)');
    return stack[stack.length - 1];
  };
  const popMark = (): PyValue[] => {
    const items = stack;
    const prev = metastack.pop();
    if (!prev) throw new PickleFault('has no matching MARK (corrupt pickle)');
    stack = prev;
    return items;
  };
  const memoGet = (i: number): PyValue => {
    if (!memo.has(i)) throw new PickleFault(`refers to memo slot ${i}, which was never stored (corrupt pickle)`);
    return memo.get(i) as PyValue;
  };
  const signedLE = (b: Uint8Array): PyValue => {
    if (b.length === 0) return 0;
    // BigInt assembly is quadratic in length; integers this large never describe tensors.
    if (b.length > 64) return new PyObject(new PyGlobal('builtins', 'int'), null);
    let v = 0n;
    for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
    if (b[b.length - 1] & 0x80) v -= 1n << BigInt(8 * b.length);
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  };
  const setItem = (target: PyValue, k: PyValue, v: PyValue): void => {
    if (target instanceof PyDict) target.map.set(k, v);
    else if (target instanceof PyObject) target.setItems.push([k, v]);
    else throw new PickleFault(`sets an item on ${describe(target)}`);
  };
  const append = (target: PyValue, items: PyValue[]): void => {
    if (target instanceof PyList) for (const it of items) target.items.push(it);
    else if (target instanceof PyObject) for (const it of items) target.appended.push(it);
    else throw new PickleFault(`appends to ${describe(target)}`);
  };

  try {
    for (;;) {
      opStart = pos;
      if (pos >= data.byteLength) throw new PickleFault('ends without STOP (truncated)');
      op = data[pos++];
      switch (op) {
        case 0x80: // PROTO
          if (u8() > 5) throw new PickleFault('declares a protocol newer than 5');
          break;
        case 0x95: // FRAME: framing only groups opcodes; the stream reads the same without it
          pos += 8;
          if (pos > data.byteLength) throw new PickleFault('frame header is truncated');
          break;
        case 0x2e: // STOP
          return pop();
        case 0x28: // MARK
          metastack.push(stack);
          stack = [];
          break;
        case 0x30: // POP
          if (stack.length) stack.pop();
          else popMark();
          break;
        case 0x31: // POP_MARK
          popMark();
          break;
        case 0x32: // DUP
          stack.push(top());
          break;
        case 0x7d: // EMPTY_DICT
          stack.push(new PyDict());
          break;
        case 0x5d: // EMPTY_LIST
          stack.push(new PyList([]));
          break;
        case 0x29: // EMPTY_TUPLE
          stack.push(new PyTuple([]));
          break;
        case 0x8f: // EMPTY_SET
          stack.push(new PySet([]));
          break;
        case 0x74: // TUPLE
          {
          // popMark replaces `stack`, so it must run before `stack` is read.
          const items = popMark();
          stack.push(new PyTuple(items));
        }
          break;
        case 0x85: // TUPLE1
          stack.push(new PyTuple([pop()]));
          break;
        case 0x86: { // TUPLE2
          const b = pop();
          const a = pop();
          stack.push(new PyTuple([a, b]));
          break;
        }
        case 0x87: { // TUPLE3
          const c = pop();
          const b = pop();
          const a = pop();
          stack.push(new PyTuple([a, b, c]));
          break;
        }
        case 0x6c: // LIST
          {
          const items = popMark();
          stack.push(new PyList(items));
        }
          break;
        case 0x64: { // DICT
          const items = popMark();
          if (items.length % 2) throw new PickleFault('has an odd number of key/value items');
          const d = new PyDict();
          for (let i = 0; i < items.length; i += 2) d.map.set(items[i], items[i + 1]);
          stack.push(d);
          break;
        }
        case 0x91: // FROZENSET
          {
          const items = popMark();
          stack.push(new PySet(items));
        }
          break;
        case 0x90: { // ADDITEMS
          const items = popMark();
          const s = top();
          if (!(s instanceof PySet)) throw new PickleFault(`adds items to ${describe(s)}`);
          for (const it of items) s.items.push(it);
          break;
        }
        case 0x73: { // SETITEM
          const v = pop();
          const k = pop();
          setItem(top(), k, v);
          break;
        }
        case 0x75: { // SETITEMS
          const items = popMark();
          if (items.length % 2) throw new PickleFault('has an odd number of key/value items');
          const target = top();
          for (let i = 0; i < items.length; i += 2) setItem(target, items[i], items[i + 1]);
          break;
        }
        case 0x61: { // APPEND
          const v = pop();
          append(top(), [v]);
          break;
        }
        case 0x65: { // APPENDS
          const items = popMark();
          append(top(), items);
          break;
        }
        case 0x71: // BINPUT
          memo.set(u8(), top());
          break;
        case 0x72: // LONG_BINPUT
          memo.set(u32(), top());
          break;
        case 0x70: { // PUT
          const i = Number.parseInt(line(), 10);
          if (!Number.isSafeInteger(i)) throw new PickleFault('has a malformed memo index');
          memo.set(i, top());
          break;
        }
        case 0x94: // MEMOIZE
          memo.set(memo.size, top());
          break;
        case 0x68: // BINGET
          stack.push(memoGet(u8()));
          break;
        case 0x6a: // LONG_BINGET
          stack.push(memoGet(u32()));
          break;
        case 0x67: // GET
          stack.push(memoGet(Number.parseInt(line(), 10)));
          break;
        case 0x4a: // BININT
          need(4);
          stack.push(dv.getInt32(pos, true));
          pos += 4;
          break;
        case 0x4b: // BININT1
          stack.push(u8());
          break;
        case 0x4d: // BININT2
          stack.push(u16());
          break;
        case 0x8a: // LONG1
          stack.push(signedLE(take(u8())));
          break;
        case 0x8b: { // LONG4
          const n = u32();
          stack.push(signedLE(take(n)));
          break;
        }
        case 0x49: { // INT (text): protocol 0 spells booleans as 00/01
          const s = line();
          if (s === '00') stack.push(false);
          else if (s === '01') stack.push(true);
          else stack.push(parseTextInt(s));
          break;
        }
        case 0x4c: // LONG (text)
          stack.push(parseTextInt(line().replace(/L$/, '')));
          break;
        case 0x47: // BINFLOAT (big-endian, unlike everything else)
          need(8);
          stack.push(dv.getFloat64(pos, false));
          pos += 8;
          break;
        case 0x46: { // FLOAT (text)
          const f = Number(line());
          stack.push(f);
          break;
        }
        case 0x88: // NEWTRUE
          stack.push(true);
          break;
        case 0x89: // NEWFALSE
          stack.push(false);
          break;
        case 0x4e: // NONE
          stack.push(null);
          break;
        case 0x58: // BINUNICODE
          stack.push(utf8.decode(take(u32())));
          break;
        case 0x8c: // SHORT_BINUNICODE
          stack.push(utf8.decode(take(u8())));
          break;
        case 0x8d: // BINUNICODE8
          stack.push(utf8.decode(take(u64())));
          break;
        case 0x54: // BINSTRING (Python 2 str)
          stack.push(latin1.decode(take(u32())));
          break;
        case 0x55: // SHORT_BINSTRING
          stack.push(latin1.decode(take(u8())));
          break;
        case 0x42: // BINBYTES
          stack.push(take(u32()));
          break;
        case 0x43: // SHORT_BINBYTES
          stack.push(take(u8()));
          break;
        case 0x8e: // BINBYTES8
        case 0x96: // BYTEARRAY8
          stack.push(take(u64()));
          break;
        case 0x63: { // GLOBAL
          const module = line();
          const name = line();
          stack.push(new PyGlobal(module, name));
          break;
        }
        case 0x93: { // STACK_GLOBAL
          const name = pop();
          const module = pop();
          if (typeof module !== 'string' || typeof name !== 'string') {
            throw new PickleFault('names a global with non-string module or name');
          }
          stack.push(new PyGlobal(module, name));
          break;
        }
        case 0x52: { // REDUCE
          const args = pop();
          const fn = pop();
          stack.push(call(fn, args));
          break;
        }
        case 0x81: { // NEWOBJ
          const args = pop();
          const cls = pop();
          stack.push(construct(cls, args));
          break;
        }
        case 0x92: { // NEWOBJ_EX
          pop(); // kwargs
          const args = pop();
          const cls = pop();
          stack.push(construct(cls, args));
          break;
        }
        case 0x62: { // BUILD: __setstate__ is never run; the state is only recorded
          const state = pop();
          const obj = top();
          if (obj instanceof PyDict || obj instanceof PyObject) obj.state = state;
          break;
        }
        case 0x51: { // BINPERSID
          const pid = pop();
          if (!opts.persistentLoad) throw new PickleFault('uses a persistent id, which this file may not contain');
          stack.push(opts.persistentLoad(pid));
          break;
        }
        default:
          throw new PickleFault(`is not supported by this reader`);
      }
    }
  } catch (e) {
    if (e instanceof PickleFault) {
      throw new CheckpointError(`${source}: opcode ${opName(op)} at byte ${opStart} ${e.message}`);
    }
    if (e instanceof CheckpointError) {
      throw new CheckpointError(`${source}: at byte ${opStart} (opcode ${opName(op)}): ${e.message}`);
    }
    throw e;
  }
}

function parseTextInt(s: string): number | bigint {
  if (!/^[+-]?\d+$/.test(s.trim())) throw new PickleFault(`has a malformed integer ${JSON.stringify(s)}`);
  const b = BigInt(s.trim());
  return b >= BigInt(Number.MIN_SAFE_INTEGER) && b <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : b;
}

function isGlobal(v: PyValue, qualified: string): boolean {
  return v instanceof PyGlobal && v.qualifiedName === qualified;
}

function argsOf(args: PyValue): PyValue[] {
  if (!(args instanceof PyTuple)) throw new PickleFault(`calls with ${describe(args)} instead of an argument tuple`);
  return args.items;
}

function intArg(v: PyValue, what: string): number {
  if (typeof v === 'number' && Number.isSafeInteger(v)) return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  throw new PickleFault(`passes ${describe(v)} as ${what}, expected an integer`);
}

function intTuple(v: PyValue, what: string): number[] {
  if (!(v instanceof PyTuple) && !(v instanceof PyList)) {
    throw new PickleFault(`passes ${describe(v)} as ${what}, expected a tuple of integers`);
  }
  return v.items.map((x) => intArg(x, what));
}

function construct(cls: PyValue, args: PyValue): PyValue {
  if (isGlobal(cls, 'collections.OrderedDict') || isGlobal(cls, 'builtins.dict')) return call(cls, args);
  return new PyObject(cls, args);
}

/** The few callables whose meaning matters for a state dict; everything else becomes opaque. */
function call(fn: PyValue, args: PyValue, depth = 0): PyValue {
  if (!(fn instanceof PyGlobal)) return new PyObject(fn, args);
  // _rebuild_from_type_v2 recurses into its own arguments; a crafted file could nest it without end.
  if (depth > 16) throw new PickleFault(`nests ${fn.qualifiedName} calls too deeply`);
  switch (fn.qualifiedName) {
    case 'collections.OrderedDict':
    case 'builtins.dict':
    case '__builtin__.dict': {
      const a = argsOf(args);
      const d = new PyDict();
      const init = a[0];
      if (init instanceof PyDict) for (const [k, v] of init.map) d.map.set(k, v);
      else if (init instanceof PyList || init instanceof PyTuple) {
        for (const pair of init.items) {
          if (!(pair instanceof PyTuple) || pair.items.length !== 2) {
            throw new PickleFault(`builds a dict from ${describe(pair)} instead of a (key, value) pair`);
          }
          d.map.set(pair.items[0], pair.items[1]);
        }
      }
      return d;
    }
    case 'torch._utils._rebuild_tensor':
    case 'torch._utils._rebuild_tensor_v2':
    case 'torch._utils._rebuild_tensor_v3': {
      const a = argsOf(args);
      if (a.length < 4) throw new PickleFault(`calls ${fn.qualifiedName} with ${a.length} arguments`);
      const storage = a[0];
      if (!(storage instanceof PyStorage)) {
        throw new PickleFault(`calls ${fn.qualifiedName} on ${describe(storage)} instead of a storage`);
      }
      let dtype = storage.dtype;
      if (fn.name === '_rebuild_tensor_v3') {
        const g = a[6];
        const named = g instanceof PyGlobal && g.module === 'torch' ? TORCH_DTYPES[g.name] : undefined;
        if (!named) throw new PickleFault(`calls _rebuild_tensor_v3 with unsupported dtype ${describe(g ?? null)}`);
        dtype = named;
      }
      const size = intTuple(a[2], 'tensor size');
      const stride = intTuple(a[3], 'tensor stride');
      if (size.length !== stride.length) throw new PickleFault('gives a tensor size and stride of different ranks');
      if (size.some((d) => d < 0) || stride.some((s) => s < 0)) {
        throw new PickleFault(`gives a negative tensor size or stride (${size} / ${stride})`);
      }
      const offset = intArg(a[1], 'storage offset');
      if (offset < 0) throw new PickleFault(`gives a negative storage offset ${offset}`);
      return new PyTensor(storage, offset, size, stride, dtype);
    }
    case 'torch._utils._rebuild_parameter':
    case 'torch._utils._rebuild_parameter_with_state': {
      // A Parameter is its data tensor plus autograd flags that inference does not need.
      const a = argsOf(args);
      return a.length ? a[0] : new PyObject(fn, args);
    }
    case 'torch._tensor._rebuild_from_type':
    case 'torch._tensor._rebuild_from_type_v2': {
      // (func, new_type, args[, state]): the tensor is func(*args); the subclass is dropped.
      const a = argsOf(args);
      if (a.length >= 3) return call(a[0], a[2], depth + 1);
      return new PyObject(fn, args);
    }
    case '_codecs.encode': {
      // Protocol 2 spells bytes as _codecs.encode(str, 'latin1').
      const a = argsOf(args);
      if (typeof a[0] === 'string' && (a[1] === 'latin1' || a[1] === 'latin-1')) {
        return Uint8Array.from(a[0], (c) => c.charCodeAt(0) & 0xff);
      }
      return new PyObject(fn, args);
    }
    default:
      return new PyObject(fn, args);
  }
}

// ---------------------------------------------------------------------------
// torch.save archives
// ---------------------------------------------------------------------------

/** Keys under which training checkpoints nest the model's state dict, in the order they are tried. */
const NESTING_KEYS = ['model_state', 'state_dict', 'model'];

export function readPyth(bytes: Uint8Array): Checkpoint {
  const zip = readZip(bytes);
  const pkls = [...zip.entries.keys()].filter((n) => /^[^/]+\/data\.pkl$/.test(n));
  if (pkls.length !== 1) {
    throw new CheckpointError(
      pkls.length === 0
        ? 'torch.save: the zip archive has no <name>/data.pkl entry (not a torch.save file)'
        : `torch.save: the zip archive has several data.pkl entries (${pkls.join(', ')})`,
    );
  }
  const pklName = pkls[0];
  const prefix = pklName.slice(0, -'/data.pkl'.length);

  const byteorder = zip.entries.get(`${prefix}/byteorder`);
  if (byteorder) {
    const order = new TextDecoder().decode(zip.read(byteorder)).trim();
    if (order !== 'little') {
      throw new CheckpointError(`torch.save: '${prefix}/byteorder' says '${order}'; only little-endian checkpoints are supported`);
    }
  }

  const storages = new Map<string, PyStorage>();
  const persistentLoad = (pid: PyValue): PyValue => {
    const t = pid instanceof PyTuple ? pid.items : [];
    const [kind, type, key, location, count] = t;
    if (
      t.length < 5 ||
      kind !== 'storage' ||
      !(type instanceof PyGlobal) ||
      typeof key !== 'string' ||
      typeof count !== 'number'
    ) {
      throw new PickleFault(`has a persistent id that is not ('storage', type, key, location, numel): ${describe(pid)}`);
    }
    const known = storages.get(key);
    if (known) return known;
    const s = new PyStorage(
      key,
      type.name,
      type.module === 'torch' ? STORAGE_DTYPES[type.name] : undefined,
      count,
      typeof location === 'string' ? location : '?',
    );
    storages.set(key, s);
    return s;
  };

  const root = unpickle(zip.read(zip.entries.get(pklName) as ZipEntry), { persistentLoad, source: pklName });
  const { dict, under } = findStateDict(root);

  const storageBytes = new Map<string, Uint8Array>();
  const loadStorage = (s: PyStorage): Uint8Array => {
    let b = storageBytes.get(s.key);
    if (!b) {
      const entryName = `${prefix}/data/${s.key}`;
      const entry = zip.entries.get(entryName);
      if (!entry) throw new CheckpointError(`torch.save: storage '${s.key}' has no zip entry '${entryName}'`);
      b = zip.read(entry);
      storageBytes.set(s.key, b);
    }
    return b;
  };

  const entries: [string, PyTensor][] = [];
  for (const [k, v] of dict.map) {
    const where = under ? `entry '${String(k)}' of '${under}'` : `entry '${String(k)}'`;
    if (typeof k !== 'string') throw new CheckpointError(`torch.save: the state dict has a non-string key (${describe(k)})`);
    if (!(v instanceof PyTensor)) throw new CheckpointError(`torch.save: ${where} is ${describe(v)}, not a tensor`);
    entries.push([k, v]);
  }

  // DataParallel prefixes every name; strip it only when it is unambiguous.
  const strip = entries.length > 0 && entries.every(([k]) => k.startsWith('module.'));
  const tensors = new Map<string, LoadedTensor>();
  for (const [k, v] of entries) {
    const name = strip ? k.slice('module.'.length) : k;
    if (tensors.has(name)) throw new CheckpointError(`torch.save: two entries are named '${name}'`);
    tensors.set(name, materialize(name, v, loadStorage));
  }
  return { tensors, format: 'pyth' };
}

function findStateDict(root: PyValue): { dict: PyDict; under?: string } {
  if (!(root instanceof PyDict)) {
    const hint =
      root instanceof PyObject ? ' (a whole pickled model? save model.state_dict() instead)' : '';
    throw new CheckpointError(`torch.save: data.pkl holds ${describe(root)}, not a dict of tensors${hint}`);
  }
  for (const key of NESTING_KEYS) {
    const v = root.map.get(key);
    if (v instanceof PyDict) return { dict: v, under: key };
  }
  for (const v of root.map.values()) if (v instanceof PyTensor) return { dict: root };
  if (root.map.size === 0) return { dict: root };
  const keys = [...root.map.keys()].slice(0, 12).map((k) => (typeof k === 'string' ? `'${k}'` : describe(k)));
  const held = NESTING_KEYS.filter((k) => root.map.has(k)).map((k) => `'${k}' holds ${describe(root.map.get(k) as PyValue)}`);
  throw new CheckpointError(
    `torch.save: no state dict found: the top-level dict has keys ${keys.join(', ')}` +
      `${root.map.size > 12 ? ', ...' : ''}, and no tensors or a dict under ${NESTING_KEYS.map((k) => `'${k}'`).join('/')}` +
      (held.length ? ` (${held.join('; ')})` : ''),
  );
}

function materialize(name: string, t: PyTensor, loadStorage: (s: PyStorage) => Uint8Array): LoadedTensor {
  const where = `torch.save: tensor '${name}'`;
  const dtype = t.dtype;
  if (!dtype) throw new CheckpointError(`${where} uses storage type ${t.storage.storageType}, which is not supported`);
  const itemsize = dtypeSize(dtype);
  const n = numel(t.size);
  const shape = t.size.slice();
  if (n === 0) return { name, dtype, shape, data: new Uint8Array(0) };

  const storage = loadStorage(t.storage);
  const declared = t.storage.numel * dtypeSize(t.storage.dtype ?? 'uint8');
  if (storage.byteLength < declared) {
    throw new CheckpointError(
      `${where}: storage '${t.storage.key}' has ${storage.byteLength} bytes, its header declares ${declared} (truncated?)`,
    );
  }

  let contiguous = true;
  let expect = 1;
  let last = t.offset;
  for (let d = shape.length - 1; d >= 0; d--) {
    last += (shape[d] - 1) * t.stride[d];
    if (shape[d] !== 1) {
      if (t.stride[d] !== expect) contiguous = false;
      expect *= shape[d];
    }
  }
  if ((last + 1) * itemsize > storage.byteLength) {
    throw new CheckpointError(
      `${where}: shape [${shape.join(', ')}] with stride [${t.stride.join(', ')}] at offset ${t.offset} ` +
        `reaches past the ${storage.byteLength}-byte storage '${t.storage.key}'`,
    );
  }
  if (contiguous) {
    const start = t.offset * itemsize;
    return { name, dtype, shape, data: storage.subarray(start, start + n * itemsize) };
  }

  // Strided view (e.g. a transposed weight saved as is): gather rows into a fresh buffer.
  const out = new Uint8Array(n * itemsize);
  const rank = shape.length;
  const inner = shape[rank - 1];
  const innerStride = t.stride[rank - 1];
  const idx = new Array<number>(Math.max(rank - 1, 0)).fill(0);
  let o = 0;
  for (;;) {
    let base = t.offset;
    for (let d = 0; d < rank - 1; d++) base += idx[d] * t.stride[d];
    if (innerStride === 1) {
      out.set(storage.subarray(base * itemsize, (base + inner) * itemsize), o);
      o += inner * itemsize;
    } else {
      for (let j = 0; j < inner; j++) {
        const s = (base + j * innerStride) * itemsize;
        out.set(storage.subarray(s, s + itemsize), o);
        o += itemsize;
      }
    }
    let d = rank - 2;
    while (d >= 0) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
      d--;
    }
    if (d < 0) break;
  }
  return { name, dtype, shape, data: out };
}
