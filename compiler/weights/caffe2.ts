/**
 * Reads Caffe2 checkpoints: the `.pkl` files of PySlowFast's model zoo
 * (`CHECKPOINT_TYPE: caffe2`). Each is a Python 2 pickle (protocol 2) of
 * `{"blobs": {name: numpy.ndarray}}`, with names in Caffe2's layout
 * (`res2_0_branch2a_w`); caffe2-names.ts turns those into PySlowFast's.
 *
 * An array is pickled as `numpy.core.multiarray._reconstruct(ndarray, (0,), 'b')`
 * followed by BUILD with the state `(version, shape, dtype, is_fortran, raw
 * bytes)`, and a dtype as `numpy.dtype('f4', 0, 1)` followed by BUILD with its
 * byte order. The same dict saved again from Python 3 differs in two ways:
 * at protocol 2 its bytes are `_codecs.encode(text, 'latin1')`, and at
 * protocol 5 an array is `numpy.core.numeric._frombuffer(bytes, dtype, shape,
 * order)`. Those globals are the only ones such a file names; any other is
 * refused as soon as the pickle names it, and nothing is ever called: the
 * pickle machine records the calls and this module reads the records.
 */
import { PickleFault, PyDict, PyGlobal, PyList, PyObject, PyTuple, type PyValue, argsOf, describe, intArg, intTuple, isGlobal, unpickle } from "./pickle";
import { Checkpoint, CheckpointError, LoadedTensor, MAX_TENSOR_BYTES, TensorDType, dtypeSize, numel } from "./tensor";

/** The globals a Caffe2 blobs pickle names (numpy 2 moved `core` to `_core`). */
const RECONSTRUCT = new Set(["numpy.core.multiarray._reconstruct", "numpy._core.multiarray._reconstruct"]);
const FROM_BUFFER = new Set(["numpy.core.numeric._frombuffer", "numpy._core.numeric._frombuffer"]);
const ENCODE = "_codecs.encode";
const ALLOWED_GLOBALS = new Set([...RECONSTRUCT, ...FROM_BUFFER, "numpy.ndarray", "numpy.dtype", ENCODE]);

/** numpy type strings of the arrays a checkpoint may hold. */
const NUMPY_DTYPES: Record<string, TensorDType> = {
  f4: "float32",
  f8: "float64",
  i8: "int64",
  i4: "int32",
};

const latin1 = new TextDecoder("latin1");

/**
 * Bytes: a Python 2 str (kept as bytes by the pickle machine), Python 3
 * bytes, or Python 3's protocol-2 `_codecs.encode(text, 'latin1')`, which
 * the pickle machine has made bytes already (py-values.ts). An encode call
 * left as a record is one it could not read: refused, saying why.
 */
function bytesOf(v: PyValue): Uint8Array | undefined {
  if (v instanceof Uint8Array) return v;
  if (!(v instanceof PyObject) || !isGlobal(v.callable, ENCODE)) return undefined;
  const [chars, encoding] = argsOf(v.args);
  const wrong =
    typeof chars !== "string" ? describe(chars ?? null) : typeof encoding === "string" ? `encoding '${encoding}'` : `encoding ${describe(encoding ?? null)}`;
  throw new PickleFault(`calls ${ENCODE} with ${wrong}; bytes are pickled as ${ENCODE}(text, 'latin1'), one character per byte`);
}

/** A unicode string, or bytes read as latin-1 text. */
function text(v: PyValue): string | undefined {
  if (typeof v === "string") return v;
  const bytes = bytesOf(v);
  return bytes === undefined ? undefined : latin1.decode(bytes);
}

function refuseOtherGlobals(g: PyGlobal): void {
  if (!ALLOWED_GLOBALS.has(g.qualifiedName)) {
    throw new PickleFault(
      `names the global ${g.qualifiedName}, which a Caffe2 checkpoint does not use ` +
        `(it holds only numpy arrays: ${[...ALLOWED_GLOBALS].join(", ")}); the file is refused and nothing in it was run`,
    );
  }
}

/** A Caffe2 blobs pickle as a checkpoint with the blobs' own names; arrays are views into `bytes`. */
export function readCaffe2(bytes: Uint8Array): Checkpoint {
  const root = unpickle(bytes, { source: "Caffe2 pickle", global: refuseOtherGlobals, python2StringsAsBytes: true });
  try {
    return blobsOf(root);
  } catch (e) {
    // A key spelt in a way no Caffe2 file spells one (a blob's own faults are reported with its name below).
    if (e instanceof PickleFault) throw new CheckpointError(`Caffe2 pickle: a key ${e.message}`);
    throw e;
  }
}

function blobsOf(root: PyValue): Checkpoint {
  if (!(root instanceof PyDict)) {
    throw new CheckpointError(`Caffe2 pickle: holds ${describe(root)}, not a dict with "blobs"`);
  }
  let blobs: PyValue | undefined;
  const topKeys: string[] = [];
  for (const [k, v] of root.map) {
    const key = text(k);
    topKeys.push(key ?? describe(k));
    if (key === "blobs") blobs = v;
  }
  if (!(blobs instanceof PyDict)) {
    throw new CheckpointError(
      `Caffe2 pickle: no "blobs" dict (the top-level keys are ${
        topKeys
          .slice(0, 12)
          .map((k) => `'${k}'`)
          .join(", ") || "none"
      }); ` + 'a Caffe2 checkpoint is {"blobs": {name: array}}',
    );
  }
  const tensors = new Map<string, LoadedTensor>();
  for (const [k, v] of blobs.map) {
    const name = text(k);
    if (name === undefined) throw new CheckpointError(`Caffe2 pickle: a blob is named by ${describe(k)}, not a string`);
    if (tensors.has(name)) throw new CheckpointError(`Caffe2 pickle: two blobs are named '${name}'`);
    try {
      tensors.set(name, readArray(name, v));
    } catch (e) {
      if (e instanceof PickleFault) throw new CheckpointError(`Caffe2 pickle: blob '${name}' ${e.message}`);
      throw e;
    }
  }
  return { tensors, format: "caffe2" };
}

/** What a pickled ndarray holds, however it was pickled. */
interface ArrayParts {
  readonly shapeV: PyValue;
  readonly dtypeV: PyValue;
  readonly fortran: boolean;
  readonly dataV: PyValue;
}

/** `_reconstruct(ndarray, (0,), b'b')` then BUILD `(version, shape, dtype, is_fortran, data)`; or `_frombuffer(data, dtype, shape, order)`. */
function arrayParts(v: PyValue): ArrayParts {
  const callable = v instanceof PyObject && v.callable instanceof PyGlobal ? v.callable.qualifiedName : undefined;
  if (callable !== undefined && FROM_BUFFER.has(callable)) {
    const [dataV, dtypeV, shapeV, orderV] = argsOf((v as PyObject).args);
    const order = text(orderV ?? null);
    if (order !== "C" && order !== "F") throw new PickleFault(`has array order ${describe(orderV ?? null)}, expected 'C' or 'F'`);
    return { shapeV: shapeV ?? null, dtypeV: dtypeV ?? null, fortran: order === "F", dataV: dataV ?? null };
  }
  if (callable === undefined || !RECONSTRUCT.has(callable)) throw new PickleFault(`is ${describe(v)}, not a numpy array`);
  const state = (v as PyObject).state;
  if (!(state instanceof PyTuple) || (state.items.length !== 5 && state.items.length !== 4)) {
    throw new PickleFault(`has array state ${describe(state)}, expected (version, shape, dtype, is_fortran, data)`);
  }
  const [shapeV, dtypeV, fortranV, dataV] = state.items.length === 5 ? state.items.slice(1) : state.items;
  return { shapeV: shapeV ?? null, dtypeV: dtypeV ?? null, fortran: intArg(fortranV ?? null, "is_fortran") !== 0, dataV: dataV ?? null };
}

/** An ndarray from the record of how it was pickled. */
function readArray(name: string, v: PyValue): LoadedTensor {
  const { shapeV, dtypeV, fortran, dataV: pickled } = arrayParts(v);
  const shape = intTuple(shapeV, "array shape");
  if (shape.some((d) => d < 0)) throw new PickleFault(`has a negative dimension in shape (${shape.join(", ")})`);
  const dtype = readDtype(dtypeV);
  if (pickled instanceof PyList) throw new PickleFault("is an array of Python objects, not numbers");
  const dataV = bytesOf(pickled);
  if (dataV === undefined) throw new PickleFault(`has array data ${describe(pickled)}, expected bytes`);
  const n = numel(shape);
  const bytes = n * dtypeSize(dtype);
  if (bytes > MAX_TENSOR_BYTES) throw new PickleFault(`declares ${bytes} bytes, more than the ${MAX_TENSOR_BYTES} one tensor may hold`);
  if (dataV.byteLength !== bytes) {
    throw new PickleFault(`holds ${dataV.byteLength} bytes, but ${dtype} (${shape.join(", ")}) needs ${bytes}`);
  }
  if (!fortran || shape.length < 2) return { name, dtype, shape, data: dataV };
  const tensor = { name, dtype, shape } as LoadedTensor;
  Object.defineProperty(tensor, "data", { enumerable: true, get: () => fortranToC(dataV, shape, dtypeSize(dtype)) });
  return tensor;
}

/** `numpy.dtype(typestr, 0, 1)` with BUILD state `(version, byteorder, ...)`. */
function readDtype(v: PyValue): TensorDType {
  if (!(v instanceof PyObject) || !(v.callable instanceof PyGlobal) || v.callable.qualifiedName !== "numpy.dtype") {
    throw new PickleFault(`has dtype ${describe(v)}, expected numpy.dtype(...)`);
  }
  const typestr = text(argsOf(v.args)[0] ?? null);
  const dtype = typestr === undefined ? undefined : NUMPY_DTYPES[typestr];
  if (!dtype) {
    throw new PickleFault(`has dtype '${typestr ?? "?"}'; a checkpoint array is one of ${Object.keys(NUMPY_DTYPES).join(", ")}`);
  }
  const order = v.state instanceof PyTuple ? text(v.state.items[1] ?? null) : undefined;
  if (order === ">") throw new PickleFault(`is big-endian ('>${typestr}'); only little-endian arrays are read`);
  return dtype;
}

/** Column-major bytes to row-major: element (i0..ik) sits at sum(i_d * prod(shape[<d])). */
function fortranToC(src: Uint8Array, shape: readonly number[], itemsize: number): Uint8Array {
  const n = numel(shape);
  const out = new Uint8Array(n * itemsize);
  const rank = shape.length;
  const fstride: number[] = [];
  let s = 1;
  for (let d = 0; d < rank; d++) {
    fstride.push(s);
    s *= shape[d]!;
  }
  const idx = new Array<number>(rank).fill(0);
  for (let o = 0; o < n; o++) {
    let f = 0;
    for (let d = 0; d < rank; d++) f += idx[d]! * fstride[d]!;
    out.set(src.subarray(f * itemsize, (f + 1) * itemsize), o * itemsize);
    for (let d = rank - 1; d >= 0; d--) {
      if (++idx[d]! < shape[d]!) break;
      idx[d] = 0;
    }
  }
  return out;
}
