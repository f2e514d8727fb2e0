/**
 * Python values as the pickle machine builds them, and what the formats'
 * policies use to read them: argument checks and the data-only built-ins.
 */
import type { TensorDType } from "./tensor";

/** A pickle that is malformed, or asks for something the caller's policy refuses. */
export class PickleFault extends Error {}

export type PyValue = null | boolean | number | bigint | string | Uint8Array | PyTuple | PyList | PyDict | PySet | PyGlobal | PyObject | PyStorage | PyTensor;

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

export function describe(v: PyValue): string {
  if (v === null) return "None";
  if (typeof v === "boolean") return `bool ${v ? "True" : "False"}`;
  if (typeof v === "number" || typeof v === "bigint") return `number ${v}`;
  if (typeof v === "string") return `str ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v)}`;
  if (v instanceof Uint8Array) return `bytes (${v.byteLength})`;
  if (v instanceof PyTuple) return `tuple of ${v.items.length}`;
  if (v instanceof PyList) return `list of ${v.items.length}`;
  if (v instanceof PyDict) return `dict of ${v.map.size}`;
  if (v instanceof PySet) return `set of ${v.items.length}`;
  if (v instanceof PyGlobal) return `the global ${v.qualifiedName}`;
  if (v instanceof PyStorage) return `a bare ${v.storageType}`;
  if (v instanceof PyTensor) return "a tensor";
  const c = v.callable;
  return c instanceof PyGlobal ? `an object built by ${c.qualifiedName} (not supported here; nothing was executed)` : "an object built by an unsupported call";
}

// ---------------------------------------------------------------------------
// Pickle interpreter
// ---------------------------------------------------------------------------

export function isGlobal(v: PyValue, qualified: string): boolean {
  return v instanceof PyGlobal && v.qualifiedName === qualified;
}

export function argsOf(args: PyValue): PyValue[] {
  if (!(args instanceof PyTuple)) throw new PickleFault(`calls with ${describe(args)} instead of an argument tuple`);
  return args.items;
}

export function intArg(v: PyValue, what: string): number {
  if (typeof v === "number" && Number.isSafeInteger(v)) return v;
  if (typeof v === "boolean") return v ? 1 : 0;
  // A long past 2^53 is read as a bigint: an integer, but no size or offset a tensor can have.
  if (typeof v === "bigint" || (typeof v === "number" && Number.isInteger(v)))
    throw new PickleFault(`passes ${describe(v)} as ${what}, too large for any tensor (at most 2^53 - 1)`);
  throw new PickleFault(`passes ${describe(v)} as ${what}, expected an integer`);
}

export function intTuple(v: PyValue, what: string): number[] {
  if (!(v instanceof PyTuple) && !(v instanceof PyList)) {
    throw new PickleFault(`passes ${describe(v)} as ${what}, expected a tuple of integers`);
  }
  return v.items.map((x) => intArg(x, what));
}

/** NEWOBJ of a dict type builds the dict; any other class stays an opaque object. */
export function builtinConstruct(cls: PyValue, args: PyValue): PyValue {
  if (isGlobal(cls, "collections.OrderedDict") || isGlobal(cls, "builtins.dict")) return builtinCall(cls, args);
  return new PyObject(cls, args);
}

/**
 * The Python built-ins that only build data (dicts, and bytes spelt as
 * latin1 text by protocol 2); every other call stays an opaque record.
 */
export function builtinCall(fn: PyValue, args: PyValue): PyValue {
  if (!(fn instanceof PyGlobal)) return new PyObject(fn, args);
  switch (fn.qualifiedName) {
    case "collections.OrderedDict":
    case "builtins.dict":
    case "__builtin__.dict": {
      const a = argsOf(args);
      const d = new PyDict();
      const init = a[0];
      if (init instanceof PyDict) for (const [k, v] of init.map) d.map.set(k, v);
      else if (init instanceof PyList || init instanceof PyTuple) {
        for (const pair of init.items) {
          if (!(pair instanceof PyTuple) || pair.items.length !== 2) {
            throw new PickleFault(`builds a dict from ${describe(pair)} instead of a (key, value) pair`);
          }
          d.map.set(pair.items[0]!, pair.items[1]!); // a pair: checked above
        }
      }
      return d;
    }
    case "_codecs.encode": {
      // Protocol 2 spells bytes as _codecs.encode(str, 'latin1'): one character per byte, as Python encodes it.
      const a = argsOf(args);
      if (typeof a[0] === "string" && (a[1] === "latin1" || a[1] === "latin-1")) {
        if (/[^\u0000-\u00ff]/.test(a[0])) throw new PickleFault("calls _codecs.encode with a character past U+00FF, which latin-1 cannot encode");
        return new Uint8Array(Buffer.from(a[0], "latin1"));
      }
      return new PyObject(fn, args);
    }
    default:
      return new PyObject(fn, args);
  }
}
