/**
 * A pickle reader that never executes anything. It is a small stack machine
 * over the opcodes of protocols 0-5. GLOBAL and STACK_GLOBAL only name a
 * callable; REDUCE and NEWOBJ hand the callable and its arguments to the
 * caller's policy, which either models the callable (a dict, a tensor, an
 * array) or keeps it as an opaque value. A policy may also refuse a global as
 * soon as it is named. The formats built on it (torch.save, Caffe2 blobs)
 * decide what the values mean.
 */
import { CheckpointError } from "./tensor";
import { PickleFault, PyDict, PyGlobal, PyList, PyObject, PySet, PyTuple, builtinCall, builtinConstruct, describe, type PyValue } from "./py-values";

export * from "./py-values";

const OPCODE_NAMES: Record<number, string> = {
  0x28: "MARK",
  0x2e: "STOP",
  0x30: "POP",
  0x31: "POP_MARK",
  0x32: "DUP",
  0x46: "FLOAT",
  0x49: "INT",
  0x4a: "BININT",
  0x4b: "BININT1",
  0x4c: "LONG",
  0x4d: "BININT2",
  0x4e: "NONE",
  0x50: "PERSID",
  0x51: "BINPERSID",
  0x52: "REDUCE",
  0x53: "STRING",
  0x54: "BINSTRING",
  0x55: "SHORT_BINSTRING",
  0x56: "UNICODE",
  0x58: "BINUNICODE",
  0x61: "APPEND",
  0x62: "BUILD",
  0x63: "GLOBAL",
  0x64: "DICT",
  0x7d: "EMPTY_DICT",
  0x65: "APPENDS",
  0x67: "GET",
  0x68: "BINGET",
  0x69: "INST",
  0x6a: "LONG_BINGET",
  0x6c: "LIST",
  0x5d: "EMPTY_LIST",
  0x6f: "OBJ",
  0x70: "PUT",
  0x71: "BINPUT",
  0x72: "LONG_BINPUT",
  0x73: "SETITEM",
  0x74: "TUPLE",
  0x29: "EMPTY_TUPLE",
  0x75: "SETITEMS",
  0x47: "BINFLOAT",
  0x80: "PROTO",
  0x81: "NEWOBJ",
  0x82: "EXT1",
  0x83: "EXT2",
  0x84: "EXT4",
  0x85: "TUPLE1",
  0x86: "TUPLE2",
  0x87: "TUPLE3",
  0x88: "NEWTRUE",
  0x89: "NEWFALSE",
  0x8a: "LONG1",
  0x8b: "LONG4",
  0x42: "BINBYTES",
  0x43: "SHORT_BINBYTES",
  0x8c: "SHORT_BINUNICODE",
  0x8d: "BINUNICODE8",
  0x8e: "BINBYTES8",
  0x8f: "EMPTY_SET",
  0x90: "ADDITEMS",
  0x91: "FROZENSET",
  0x92: "NEWOBJ_EX",
  0x93: "STACK_GLOBAL",
  0x94: "MEMOIZE",
  0x95: "FRAME",
  0x96: "BYTEARRAY8",
  0x97: "NEXT_BUFFER",
  0x98: "READONLY_BUFFER",
};

function opName(op: number): string {
  const hex = `0x${op.toString(16).padStart(2, "0")}`;
  return OPCODE_NAMES[op] ? `${OPCODE_NAMES[op]} (${hex})` : hex;
}

/**
 * Opcodes one pickle may execute, whatever its size: at least the floor, at
 * most the cap. Each opcode adds at most one value, stack slot or memo entry
 * (tens of bytes), and a one-byte opcode such as MARK or EMPTY_DICT inflates
 * from almost nothing, so the count bounds memory where the byte count does
 * not. A state dict of thousands of tensors takes tens of thousands of steps.
 */
export const PICKLE_STEPS_FLOOR = 250_000;
export const PICKLE_STEPS_CAP = 1_000_000;

/** A dict (a JS Map) takes several times the memory of a list or tuple, so making one counts as this many more steps. */
const DICT_EXTRA_STEPS = 3;

/**
 * The steps allowed for a pickle read from a file of `fileBytes` bytes: one
 * per byte of the file (every opcode takes at least a byte), within the floor
 * and the cap, so a small compressed file cannot expand into millions of values.
 */
export function pickleStepBudget(fileBytes: number): number {
  return Math.min(PICKLE_STEPS_CAP, Math.max(PICKLE_STEPS_FLOOR, fileBytes));
}

export interface UnpickleOptions {
  /** Turns a BINPERSID id into a value (torch: a storage). */
  persistentLoad?: (pid: PyValue) => PyValue;
  /** Called when GLOBAL or STACK_GLOBAL names a callable; throw a PickleFault to refuse it. */
  global?: (g: PyGlobal) => void;
  /** REDUCE: what calling `fn` with `args` stands for; by default `builtinCall`. */
  call?: (fn: PyValue, args: PyValue) => PyValue;
  /** NEWOBJ: what constructing `cls` with `args` stands for; by default `builtinConstruct`. */
  construct?: (cls: PyValue, args: PyValue) => PyValue;
  /**
   * Python 2 `str` (BINSTRING, SHORT_BINSTRING) as raw bytes rather than latin1
   * text: Caffe2 blobs keep array data in them, which need not become a string.
   */
  python2StringsAsBytes?: boolean;
  /** Used in error messages, e.g. 'archive/data.pkl'. */
  source?: string;
  /** Opcodes the pickle may execute; by default `pickleStepBudget` of its own length. */
  maxSteps?: number;
}

/** Interprets a pickle without executing anything; see the module comment for what is modelled. */
export function unpickle(data: Uint8Array, opts: UnpickleOptions = {}): PyValue {
  const source = opts.source ?? "pickle";
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const utf8 = new TextDecoder("utf-8");
  const latin1 = new TextDecoder("latin1");
  const memo = new Map<number, PyValue>();
  const metastack: PyValue[][] = [];
  let stack: PyValue[] = [];
  let pos = 0;
  let opStart = 0;
  let op = 0;
  let steps = 0;
  const maxSteps = opts.maxSteps ?? pickleStepBudget(data.byteLength);

  const need = (n: number): void => {
    if (n > data.byteLength - pos) {
      throw new PickleFault(`needs ${n} more bytes but the pickle ends at byte ${data.byteLength} (truncated)`);
    }
  };
  const u8 = (): number => {
    need(1);
    return data[pos++]!; // need(1) checked the byte is there
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
    if (nl < 0) throw new PickleFault("has no terminating newline (truncated)");
    const s = latin1.decode(data.subarray(pos, nl));
    pos = nl + 1;
    return s;
  };
  const pop = (): PyValue => {
    if (stack.length === 0) throw new PickleFault("pops an empty stack (corrupt pickle)");
    return stack.pop() as PyValue;
  };
  const top = (): PyValue => {
    if (stack.length === 0) throw new PickleFault("reads an empty stack (corrupt pickle)");
    return stack[stack.length - 1]!; // not empty: checked above
  };
  const popMark = (): PyValue[] => {
    const items = stack;
    const prev = metastack.pop();
    if (!prev) throw new PickleFault("has no matching MARK (corrupt pickle)");
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
    if (b.length > 64) return new PyObject(new PyGlobal("builtins", "int"), null);
    let v = 0n;
    for (const byte of [...b].reverse()) v = (v << 8n) | BigInt(byte);
    if ((b[b.length - 1] ?? 0) & 0x80) v -= 1n << BigInt(8 * b.length);
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
      if (pos >= data.byteLength) throw new PickleFault("ends without STOP (truncated)");
      op = data[pos++]!; // pos < byteLength: checked above
      if (++steps > maxSteps) {
        throw new PickleFault(
          `takes more than the ${maxSteps} steps allowed for a file of this size (a step per opcode, four per dict); ` +
            "a checkpoint's pickle needs far fewer (a pickle bomb?)",
        );
      }
      switch (op) {
        case 0x80: // PROTO
          if (u8() > 5) throw new PickleFault("declares a protocol newer than 5");
          break;
        case 0x95: // FRAME: framing only groups opcodes; the stream reads the same without it
          pos += 8;
          if (pos > data.byteLength) throw new PickleFault("frame header is truncated");
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
          steps += DICT_EXTRA_STEPS;
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
        case 0x86: {
          // TUPLE2
          const b = pop();
          const a = pop();
          stack.push(new PyTuple([a, b]));
          break;
        }
        case 0x87: {
          // TUPLE3
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
        case 0x64: {
          // DICT
          const items = popMark();
          if (items.length % 2) throw new PickleFault("has an odd number of key/value items");
          steps += DICT_EXTRA_STEPS;
          const d = new PyDict();
          for (let i = 0; i + 1 < items.length; i += 2) d.map.set(items[i]!, items[i + 1]!);
          stack.push(d);
          break;
        }
        case 0x91: // FROZENSET
          {
            const items = popMark();
            stack.push(new PySet(items));
          }
          break;
        case 0x90: {
          // ADDITEMS
          const items = popMark();
          const s = top();
          if (!(s instanceof PySet)) throw new PickleFault(`adds items to ${describe(s)}`);
          for (const it of items) s.items.push(it);
          break;
        }
        case 0x73: {
          // SETITEM
          const v = pop();
          const k = pop();
          setItem(top(), k, v);
          break;
        }
        case 0x75: {
          // SETITEMS
          const items = popMark();
          if (items.length % 2) throw new PickleFault("has an odd number of key/value items");
          const target = top();
          for (let i = 0; i + 1 < items.length; i += 2) setItem(target, items[i]!, items[i + 1]!);
          break;
        }
        case 0x61: {
          // APPEND
          const v = pop();
          append(top(), [v]);
          break;
        }
        case 0x65: {
          // APPENDS
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
        case 0x70: {
          // PUT
          const i = Number.parseInt(line(), 10);
          if (!Number.isSafeInteger(i)) throw new PickleFault("has a malformed memo index");
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
        case 0x8b: {
          // LONG4
          const n = u32();
          stack.push(signedLE(take(n)));
          break;
        }
        case 0x49: {
          // INT (text): protocol 0 spells booleans as 00/01
          const s = line();
          if (s === "00") stack.push(false);
          else if (s === "01") stack.push(true);
          else stack.push(parseTextInt(s));
          break;
        }
        case 0x4c: // LONG (text)
          stack.push(parseTextInt(line().replace(/L$/, "")));
          break;
        case 0x47: // BINFLOAT (big-endian, unlike everything else)
          need(8);
          stack.push(dv.getFloat64(pos, false));
          pos += 8;
          break;
        case 0x46: {
          // FLOAT (text)
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
        case 0x54: {
          // BINSTRING (Python 2 str)
          const b = take(u32());
          stack.push(opts.python2StringsAsBytes ? b : latin1.decode(b));
          break;
        }
        case 0x55: {
          // SHORT_BINSTRING
          const b = take(u8());
          stack.push(opts.python2StringsAsBytes ? b : latin1.decode(b));
          break;
        }
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
        case 0x63: {
          // GLOBAL
          const module = line();
          const name = line();
          const g = new PyGlobal(module, name);
          opts.global?.(g);
          stack.push(g);
          break;
        }
        case 0x93: {
          // STACK_GLOBAL
          const name = pop();
          const module = pop();
          if (typeof module !== "string" || typeof name !== "string") {
            throw new PickleFault("names a global with non-string module or name");
          }
          const g = new PyGlobal(module, name);
          opts.global?.(g);
          stack.push(g);
          break;
        }
        case 0x52: {
          // REDUCE
          const args = pop();
          const fn = pop();
          stack.push((opts.call ?? builtinCall)(fn, args));
          break;
        }
        case 0x81: {
          // NEWOBJ
          const args = pop();
          const cls = pop();
          stack.push((opts.construct ?? builtinConstruct)(cls, args));
          break;
        }
        case 0x92: {
          // NEWOBJ_EX
          pop(); // kwargs
          const args = pop();
          const cls = pop();
          stack.push((opts.construct ?? builtinConstruct)(cls, args));
          break;
        }
        case 0x62: {
          // BUILD: __setstate__ is never run; the state is only recorded
          const state = pop();
          const obj = top();
          if (obj instanceof PyDict || obj instanceof PyObject) obj.state = state;
          break;
        }
        case 0x51: {
          // BINPERSID
          const pid = pop();
          if (!opts.persistentLoad) throw new PickleFault("uses a persistent id, which this file may not contain");
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
