/**
 * The in-memory form of a checkpoint, shared by the safetensors and torch.save
 * readers. Tensor bytes stay as little-endian views into the file buffer so that
 * a large checkpoint is never copied into JS numbers.
 */
import { elementCount } from "../shapes";

/** A checkpoint tensor's element type. */
export type TensorDType = "float32" | "float64" | "float16" | "bfloat16" | "int64" | "int32" | "int16" | "int8" | "uint8" | "bool";

/** Random access to a file's bytes: an in-memory buffer, or a file read piece by piece. */
export interface ByteSource {
  readonly byteLength: number;
  /** `length` bytes at `offset`; a view that may be valid only until the next read. */
  read(offset: number, length: number): Uint8Array;
  /** Reads `target.byteLength` bytes at `offset` into `target` itself, when the source can (a file): no buffer in between. */
  readInto?(offset: number, target: Uint8Array): void;
}

export function asByteSource(input: Uint8Array | ByteSource): ByteSource {
  if (!(input instanceof Uint8Array)) return input;
  return {
    byteLength: input.byteLength,
    read: (offset, length) => input.subarray(offset, offset + length),
    readInto: (offset, target) => target.set(input.subarray(offset, offset + target.byteLength)),
  };
}

/** The formats sfc reads, recognised by content. */
export type CheckpointFormat = "safetensors" | "pyth" | "caffe2";

/**
 * The most bytes one tensor may take: ONNX keeps a model in one protobuf of
 * at most 2 GiB, so no usable weight is larger. Declared sizes are checked
 * against it before anything is allocated.
 */
export const MAX_TENSOR_BYTES = 2 ** 31;

/** One tensor of a checkpoint; its bytes are read from the file when `data` is first read. */
export interface LoadedTensor {
  name: string;
  dtype: TensorDType;
  shape: number[];
  /** Raw little-endian bytes, C-contiguous. */
  data: Uint8Array;
  /**
   * Copies `target.byteLength` bytes of `data`, from byte `offset` (default
   * 0), into `target` straight from the file, without the reader's buffer in
   * between; present when the reader can (a contiguous tensor stored
   * uncompressed).
   */
  readInto?(target: Uint8Array, offset?: number): void;
  /** The name in the file, when a names map for a foreign layout renamed it (a Caffe2 blob name). */
  origin?: string;
}

/** A checkpoint's tensors by name, for `compile`'s `checkpoint.tensors`: `readCheckpointFile` or `readCheckpoint` gives one. */
export interface Checkpoint {
  tensors: Map<string, LoadedTensor>;
  format: CheckpointFormat;
  /** safetensors `__metadata__` (string to string); absent for torch.save files. */
  metadata?: Record<string, string>;
  /**
   * Closes the file a checkpoint read from disk (readCheckpointFile) keeps
   * open for its tensors' lazy reads; a tensor read after it is a
   * CheckpointError. Absent where nothing is held open (bytes in memory).
   * A process that writes one model and exits may leave it to the exit.
   */
  close?(): void;
}

/** A checkpoint that cannot be read; the message says what is wrong and where. */
export class CheckpointError extends Error {
  /**
   * The checkpoint as the user named it, set on errors found after loading,
   * while tensor bytes are read to write the model: by then nothing else
   * tells the catcher which file was at fault.
   */
  file?: string;

  constructor(message: string) {
    super(message);
    this.name = "CheckpointError";
  }

  /** The same error with the file name in front, for errors raised below the file level. */
  inFile(fileName: string): CheckpointError {
    if (this.message.startsWith(`${fileName}: `)) return this;
    const e = new CheckpointError(`${fileName}: ${this.message}`);
    e.stack = this.stack;
    return e;
  }
}

const DTYPE_SIZE: Record<TensorDType, number> = {
  float32: 4,
  float64: 8,
  float16: 2,
  bfloat16: 2,
  int64: 8,
  int32: 4,
  int16: 2,
  int8: 1,
  uint8: 1,
  bool: 1,
};

export function dtypeSize(dtype: TensorDType): number {
  return DTYPE_SIZE[dtype];
}

/** Product of the dims; 1 for a 0-dim tensor (the checkpoint readers' name for elementCount). */
export const numel = elementCount;

/**
 * The tensor as float32 bytes. Already-float32 data is returned as is when its
 * offset allows a Float32Array view over it; otherwise (unaligned float32, or a
 * float64/float16/bfloat16 tensor) a new aligned buffer is filled.
 */
export function toFloat32Bytes(t: LoadedTensor): Uint8Array {
  const n = numel(t.shape);
  const src = t.data;
  if (src.byteLength !== n * dtypeSize(t.dtype)) {
    throw new CheckpointError(`tensor '${t.name}': ${src.byteLength} bytes do not match ${t.dtype} shape [${t.shape.join(", ")}]`);
  }
  if (t.dtype === "float32") {
    if (src.byteOffset % 4 === 0) return src;
    return new Uint8Array(src);
  }
  const out = new Float32Array(n);
  const view = new DataView(src.buffer, src.byteOffset, src.byteLength);
  switch (t.dtype) {
    case "float64":
      for (let i = 0; i < n; i++) out[i] = view.getFloat64(i * 8, true);
      break;
    case "float16":
      for (let i = 0; i < n; i++) out[i] = halfToFloat(view.getUint16(i * 2, true));
      break;
    case "bfloat16": {
      // bfloat16 is the top half of a float32, so widening is a shift.
      const bits = new Uint32Array(out.buffer);
      for (let i = 0; i < n; i++) bits[i] = view.getUint16(i * 2, true) << 16;
      break;
    }
    default:
      throw new CheckpointError(`tensor '${t.name}' is ${t.dtype}; only floating-point tensors convert to float32`);
  }
  return new Uint8Array(out.buffer);
}

/** IEEE 754 binary16 to a JS number (exact: every half is representable). */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}
