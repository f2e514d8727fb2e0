/**
 * Reads `torch.save` checkpoints (the zip format of PyTorch >= 1.6, which is what
 * PySlowFast's `.pyth` files are) without Python.
 *
 * The archive holds `<prefix>/data.pkl`, a pickle of the saved object in which
 * every tensor refers, through a persistent id, to a storage whose raw bytes are
 * the zip entry `<prefix>/data/<key>`. The pickle machine (pickle.ts) reads it
 * with the policy below, which models a handful of torch/collections callables
 * by name. Any other callable yields an opaque value, which is harmless in
 * parts of the file that are skipped (optimizer state, config objects) and an
 * error when it stands where a tensor of the state dict is expected.
 */
import { readZip, type ZipArchive, type ZipEntry } from "./zip";
import {
  PickleFault,
  PyDict,
  PyGlobal,
  PyObject,
  PyStorage,
  PyTensor,
  PyTuple,
  type PyValue,
  argsOf,
  builtinCall,
  builtinConstruct,
  describe,
  intArg,
  intTuple,
  pickleStepBudget,
  unpickle,
} from "./pickle";
import { type ByteSource, Checkpoint, CheckpointError, LoadedTensor, MAX_TENSOR_BYTES, TensorDType, dtypeSize, numel } from "./tensor";

const STORAGE_DTYPES: Record<string, TensorDType> = {
  FloatStorage: "float32",
  DoubleStorage: "float64",
  HalfStorage: "float16",
  BFloat16Storage: "bfloat16",
  LongStorage: "int64",
  IntStorage: "int32",
  ShortStorage: "int16",
  CharStorage: "int8",
  ByteStorage: "uint8",
  BoolStorage: "bool",
  UntypedStorage: "uint8",
};

const TORCH_DTYPES: Record<string, TensorDType> = {
  float32: "float32",
  float: "float32",
  float64: "float64",
  double: "float64",
  float16: "float16",
  half: "float16",
  bfloat16: "bfloat16",
  int64: "int64",
  long: "int64",
  int32: "int32",
  int: "int32",
  int16: "int16",
  short: "int16",
  int8: "int8",
  uint8: "uint8",
  bool: "bool",
};

/** The few callables whose meaning matters for a state dict; everything else becomes opaque. */
function torchCall(fn: PyValue, args: PyValue, depth = 0): PyValue {
  if (!(fn instanceof PyGlobal)) return new PyObject(fn, args);
  // _rebuild_from_type_v2 recurses into its own arguments; a crafted file could nest it without end.
  if (depth > 16) throw new PickleFault(`nests ${fn.qualifiedName} calls too deeply`);
  switch (fn.qualifiedName) {
    case "torch._utils._rebuild_tensor":
    case "torch._utils._rebuild_tensor_v2":
    case "torch._utils._rebuild_tensor_v3": {
      const a = argsOf(args);
      if (a.length < 4) throw new PickleFault(`calls ${fn.qualifiedName} with ${a.length} arguments`);
      const [storage = null, offsetArg = null, sizeArg = null, strideArg = null] = a;
      if (!(storage instanceof PyStorage)) {
        throw new PickleFault(`calls ${fn.qualifiedName} on ${describe(storage)} instead of a storage`);
      }
      let dtype = storage.dtype;
      if (fn.name === "_rebuild_tensor_v3") {
        const g = a[6];
        const named = g instanceof PyGlobal && g.module === "torch" ? TORCH_DTYPES[g.name] : undefined;
        if (!named) throw new PickleFault(`calls _rebuild_tensor_v3 with unsupported dtype ${describe(g ?? null)}`);
        dtype = named;
      }
      const size = intTuple(sizeArg, "tensor size");
      const stride = intTuple(strideArg, "tensor stride");
      if (size.length !== stride.length) throw new PickleFault("gives a tensor size and stride of different ranks");
      if (size.some((d) => d < 0) || stride.some((s) => s < 0)) {
        throw new PickleFault(`gives a negative tensor size or stride (${size} / ${stride})`);
      }
      const offset = intArg(offsetArg, "storage offset");
      if (offset < 0) throw new PickleFault(`gives a negative storage offset ${offset}`);
      return new PyTensor(storage, offset, size, stride, dtype);
    }
    case "torch._utils._rebuild_parameter":
    case "torch._utils._rebuild_parameter_with_state": {
      // A Parameter is its data tensor plus autograd flags that inference does not need.
      const a = argsOf(args);
      return a[0] ?? new PyObject(fn, args);
    }
    case "torch._tensor._rebuild_from_type":
    case "torch._tensor._rebuild_from_type_v2": {
      // (func, new_type, args[, state]): the tensor is func(*args); the subclass is dropped.
      const a = argsOf(args);
      const [func, , funcArgs] = a;
      if (func !== undefined && funcArgs !== undefined) return torchCall(func, funcArgs, depth + 1);
      return new PyObject(fn, args);
    }
    default:
      return builtinCall(fn, args);
  }
}

/** Keys under which training checkpoints nest the model's state dict, in the order they are tried. */
const NESTING_KEYS = ["model_state", "state_dict", "model"];

/** The largest data.pkl read: a state dict's pickle is kilobytes; the limit keeps a bomb from inflating. */
const MAX_PICKLE_BYTES = 256 * 2 ** 20;

/**
 * A deflated data.pkl may inflate to this many times the archive's size (a
 * pickle compresses about tenfold), and a deflated storage to this many times
 * its own compressed size (weights hardly compress), each to at least the
 * floor, so that a small archive cannot inflate to a large allocation.
 */
const INFLATION = 64;
const INFLATED_BYTES_FLOOR = 16 * 2 ** 20;

/**
 * Reads a torch.save archive's structure and checks every tensor's declared
 * size, dtype and view against the archive's directory. Tensor bytes are read
 * (and inflated, if deflated) only when a tensor's `data` is used, one tensor
 * at a time, so a file on disk is never in memory at once.
 */
export function readPyth(input: Uint8Array | ByteSource): Checkpoint {
  const zip = readZip(input);
  const pkls = [...zip.entries.keys()].filter((n) => /^[^/]+\/data\.pkl$/.test(n));
  if (pkls.length !== 1) {
    throw new CheckpointError(
      pkls.length === 0
        ? "torch.save: the zip archive has no <name>/data.pkl entry (not a torch.save file)"
        : `torch.save: the zip archive has several data.pkl entries (${pkls.join(", ")})`,
    );
  }
  const [pklName] = pkls;
  if (pklName === undefined) throw new CheckpointError("torch.save: no data.pkl entry");
  const prefix = pklName.slice(0, -"/data.pkl".length);

  const byteorder = zip.entries.get(`${prefix}/byteorder`);
  if (byteorder) {
    const order = new TextDecoder().decode(zip.read(byteorder, 64)).trim();
    if (order !== "little") {
      throw new CheckpointError(`torch.save: '${prefix}/byteorder' says '${order}'; only little-endian checkpoints are supported`);
    }
  }

  const storages = new Map<string, PyStorage>();
  const persistentLoad = (pid: PyValue): PyValue => {
    const t = pid instanceof PyTuple ? pid.items : [];
    const [kind, type, key, location, count] = t;
    if (
      t.length < 5 ||
      kind !== "storage" ||
      !(type instanceof PyGlobal) ||
      typeof key !== "string" ||
      (typeof count !== "number" && typeof count !== "bigint")
    ) {
      throw new PickleFault(`has a persistent id that is not ('storage', type, key, location, numel): ${describe(pid)}`);
    }
    if (typeof count === "bigint" || !Number.isSafeInteger(count) || count < 0) {
      const why = count >= 0 && (typeof count === "bigint" || Number.isInteger(count)) ? "too large for any tensor" : "not a non-negative integer";
      throw new PickleFault(`gives storage '${key}' an element count of ${count}, ${why}`);
    }
    const known = storages.get(key);
    if (known) {
      if (known.storageType !== type.name || known.numel !== count) {
        throw new PickleFault(`names storage '${key}' twice, as ${known.storageType} of ${known.numel} elements and as ${type.name} of ${count}`);
      }
      return known;
    }
    const s = new PyStorage(
      key,
      type.name,
      type.module === "torch" ? STORAGE_DTYPES[type.name] : undefined,
      count,
      typeof location === "string" ? location : "?",
    );
    storages.set(key, s);
    return s;
  };

  // A copy: a file source hands out views of a buffer that the next read reuses.
  const pickleLimit = Math.min(MAX_PICKLE_BYTES, Math.max(INFLATED_BYTES_FLOOR, INFLATION * input.byteLength));
  const pickle = zip.read(zip.entries.get(pklName) as ZipEntry, pickleLimit).slice();
  const root = unpickle(pickle, {
    persistentLoad,
    call: torchCall,
    construct: builtinConstruct,
    source: pklName,
    // The archive's size, not the inflated pickle's: a deflated pickle earns no more steps than its file.
    maxSteps: pickleStepBudget(input.byteLength),
  });
  const { dict, under } = findStateDict(root);

  const entries: [string, PyTensor][] = [];
  for (const [k, v] of dict.map) {
    const where = under ? `entry '${String(k)}' of '${under}'` : `entry '${String(k)}'`;
    if (typeof k !== "string") throw new CheckpointError(`torch.save: the state dict has a non-string key (${describe(k)})`);
    if (!(v instanceof PyTensor)) throw new CheckpointError(`torch.save: ${where} is ${describe(v)}, not a tensor`);
    entries.push([k, v]);
  }

  // DataParallel prefixes every name; strip it only when it is unambiguous.
  const strip = entries.length > 0 && entries.every(([k]) => k.startsWith("module."));
  const tensors = new Map<string, LoadedTensor>();
  for (const [k, v] of entries) {
    const name = strip ? k.slice("module.".length) : k;
    if (tensors.has(name)) throw new CheckpointError(`torch.save: two entries are named '${name}'`);
    tensors.set(name, lazyTensor(name, v, zip, prefix));
  }
  return { tensors, format: "pyth" };
}

function findStateDict(root: PyValue): { dict: PyDict; under?: string } {
  if (!(root instanceof PyDict)) {
    const hint = root instanceof PyObject ? " (a whole pickled model? save model.state_dict() instead)" : "";
    throw new CheckpointError(`torch.save: data.pkl holds ${describe(root)}, not a dict of tensors${hint}`);
  }
  for (const key of NESTING_KEYS) {
    const v = root.map.get(key);
    if (v instanceof PyDict) return { dict: v, under: key };
  }
  for (const v of root.map.values()) if (v instanceof PyTensor) return { dict: root };
  if (root.map.size === 0) return { dict: root };
  const keys = [...root.map.keys()].slice(0, 12).map((k) => (typeof k === "string" ? `'${k}'` : describe(k)));
  const held = NESTING_KEYS.filter((k) => root.map.has(k)).map((k) => `'${k}' holds ${describe(root.map.get(k) as PyValue)}`);
  throw new CheckpointError(
    `torch.save: no state dict found: the top-level dict has keys ${keys.join(", ")}` +
      `${root.map.size > 12 ? ", ..." : ""}, and no tensors or a dict under ${NESTING_KEYS.map((k) => `'${k}'`).join("/")}` +
      (held.length ? ` (${held.join("; ")})` : ""),
  );
}

/**
 * Checks a tensor against its storage's zip entry, by declared sizes only,
 * and returns it with `data` read on use.
 */
function lazyTensor(name: string, t: PyTensor, zip: ZipArchive, prefix: string): LoadedTensor {
  const where = `torch.save: tensor '${name}'`;
  const dtype = t.dtype;
  if (!dtype) throw new CheckpointError(`${where} uses storage type ${t.storage.storageType}, which is not supported`);
  const itemsize = dtypeSize(dtype);
  const n = numel(t.size);
  const shape = t.size.slice();
  if (n === 0) return { name, dtype, shape, data: new Uint8Array(0) };
  if (n * itemsize > MAX_TENSOR_BYTES) {
    throw new CheckpointError(
      `${where}: shape [${shape.join(", ")}] of ${dtype} is ${n * itemsize} bytes, more than the ${MAX_TENSOR_BYTES} one tensor may hold` +
        (t.stride.some((s, d) => s === 0 && shape[d]! > 1) ? " (a stride-0 view that repeats a small storage)" : ""),
    );
  }

  const entryName = `${prefix}/data/${t.storage.key}`;
  const entry = zip.entries.get(entryName);
  if (!entry) throw new CheckpointError(`torch.save: storage '${t.storage.key}' has no zip entry '${entryName}'`);
  const declared = t.storage.numel * dtypeSize(t.storage.dtype ?? "uint8");
  if (entry.size < declared) {
    throw new CheckpointError(`${where}: storage '${t.storage.key}' has ${entry.size} bytes, its header declares ${declared} (truncated?)`);
  }
  if (declared > MAX_TENSOR_BYTES) {
    throw new CheckpointError(`${where}: storage '${t.storage.key}' declares ${declared} bytes, more than ${MAX_TENSOR_BYTES}`);
  }
  // torch.save stores storages uncompressed; a deflated one is inflated whole when read, so it may not be a bomb.
  if (entry.method !== 0 && entry.size > Math.max(INFLATION * entry.compressedSize, INFLATED_BYTES_FLOOR)) {
    throw new CheckpointError(
      `${where}: storage '${t.storage.key}' is deflated from ${entry.compressedSize} to ${entry.size} bytes, more than ${INFLATION} times; ` +
        "sfc does not inflate such an entry (torch.save stores storages uncompressed: re-save the checkpoint with it)",
    );
  }
  const view = checkView(where, t, itemsize, declared);
  const tensor = { name, dtype, shape } as LoadedTensor;
  // The entry may hold at most what the storage declares: a deflated entry never inflates beyond it.
  Object.defineProperty(tensor, "data", { enumerable: true, get: () => gather(t, itemsize, view.contiguous, zip.read(entry, declared)) });
  // A contiguous tensor in a stored entry (what torch.save writes) goes from the file to its destination in one copy.
  if (view.contiguous && entry.method === 0)
    tensor.readInto = (target, offset = 0) => {
      if (offset < 0 || offset + target.byteLength > n * itemsize)
        throw new CheckpointError(`${where}: bytes ${offset}-${offset + target.byteLength} asked for, it has ${n * itemsize}`);
      zip.readStoredInto(entry, t.offset * itemsize + offset, target, declared);
    };
  return tensor;
}

/** Whether the view is C-contiguous; throws when it reaches past its storage. */
function checkView(where: string, t: PyTensor, itemsize: number, storageBytes: number): { contiguous: boolean } {
  const shape = t.size;
  let contiguous = true;
  let expect = 1;
  let last = t.offset;
  for (let d = shape.length - 1; d >= 0; d--) {
    // size and stride have one rank: checked when the tensor was rebuilt.
    const size = shape[d]!;
    const stride = t.stride[d]!;
    last += (size - 1) * stride;
    if (size !== 1) {
      if (stride !== expect) contiguous = false;
      expect *= size;
    }
  }
  if ((last + 1) * itemsize > storageBytes) {
    throw new CheckpointError(
      `${where}: shape [${shape.join(", ")}] with stride [${t.stride.join(", ")}] at offset ${t.offset} ` +
        `reaches past the ${storageBytes}-byte storage '${t.storage.key}'`,
    );
  }
  return { contiguous };
}

/** The tensor's bytes in C order: a view of the storage when contiguous, else a gathered copy. */
function gather(t: PyTensor, itemsize: number, contiguous: boolean, storage: Uint8Array): Uint8Array {
  const shape = t.size;
  const n = numel(shape);
  if (contiguous) {
    const start = t.offset * itemsize;
    return storage.subarray(start, start + n * itemsize);
  }

  // Strided view (e.g. a transposed weight saved as is): gather rows into a fresh buffer.
  const out = new Uint8Array(n * itemsize);
  const rank = shape.length;
  // Not contiguous, so rank ≥ 1; size and stride have one rank.
  const inner = shape[rank - 1] ?? 1;
  const innerStride = t.stride[rank - 1] ?? 1;
  const idx = new Array<number>(Math.max(rank - 1, 0)).fill(0);
  let o = 0;
  for (;;) {
    let base = t.offset;
    for (let d = 0; d < rank - 1; d++) base += idx[d]! * t.stride[d]!;
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
      const next = idx[d]! + 1;
      if (next < shape[d]!) {
        idx[d] = next;
        break;
      }
      idx[d] = 0;
      d--;
    }
    if (d < 0) break;
  }
  return out;
}
