/**
 * The values of one weight, as the emitter writes them: from the checkpoint,
 * from the seeded generator, or computed by a graph pass from other weights
 * (IRWeight.derived). One tensor at a time: a derived weight reads its sources
 * here and nothing else stays in memory.
 */
import type { IRWeight } from "../ir";
import { foldedValues, foldScales, scaleRows } from "../passes/index";
import { elementCount } from "../shapes";
import { fillInitialWeight, initialWeightFiller, PLATFORM_IS_LITTLE_ENDIAN } from "./init";

/** Checkpoint bytes per weight name: little-endian float32, in hand or read on demand. */
export type CheckpointBytes = ReadonlyMap<string, Uint8Array | PieceSource>;

/** Checkpoint bytes read on demand; `readInto` copies `target.byteLength` bytes from `offset` (default 0) into `target`. */
export interface PieceSource {
  readonly byteLength: number;
  read(): Uint8Array;
  readInto?(target: Uint8Array, offset?: number): void;
}

/** Copies little-endian float32 checkpoint bytes into `target` (platform order). */
function copyLittleEndian(bytes: Uint8Array, target: Float32Array, name: string): void {
  const count = target.length;
  if (bytes.byteLength !== count * 4) throw new Error(`weight ${name}: checkpoint has ${bytes.byteLength} bytes, expected ${count * 4}`);
  if (PLATFORM_IS_LITTLE_ENDIAN && bytes.byteOffset % 4 === 0) {
    target.set(new Float32Array(bytes.buffer, bytes.byteOffset, count));
    return;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < count; i++) target[i] = view.getFloat32(i * 4, true);
}

const scratchSlots: ArrayBuffer[] = [];
/** Slots held by derivations in progress; a nested derivation takes the ones after them. */
let slotsInUse = 0;

/** A Float32Array of `count` elements over the reusable buffer of `slot`, grown as needed. */
function sourceScratch(slot: number, count: number): Float32Array {
  let buffer = scratchSlots[slot];
  if (buffer === undefined || buffer.byteLength < count * 4) {
    buffer = new ArrayBuffer(count * 4);
    scratchSlots[slot] = buffer;
  }
  return new Float32Array(buffer, 0, count);
}

/**
 * A float tensor produced a few rows at a time (rows along its first
 * dimension), in order, so that no buffer of its size is needed: a checkpoint
 * weight read in place, a generated one (the next draws of its stream), a conv
 * weight of either kind with a batch norm folded into it, or a lowering's
 * constant made from its sizes (OnnxWriter.floatValues, one element a row).
 */
export interface TensorPieces {
  readonly rows: number;
  readonly rowLength: number;
  /** Writes rows firstRow.. into `target` (a whole number of rows), platform float32 order; pieces come in order. */
  fill(firstRow: number, target: Float32Array): void;
}

/** How to produce `weight` in pieces, or undefined when it is made whole. */
export function weightPieces(weight: IRWeight, seed: number, checkpoint: CheckpointBytes): TensorPieces | undefined {
  if (!PLATFORM_IS_LITTLE_ENDIAN || elementCount(weight.shape) === 0) return undefined;
  const rows = weight.shape[0] ?? 1;
  const rowLength = elementCount(weight.shape) / rows;
  /** Rows of a weight that is not derived: read in place from the checkpoint, or generated in order. */
  const rowsOf = (w: IRWeight): ((firstRow: number, target: Float32Array) => void) | undefined => {
    if (w.derived !== undefined) return undefined;
    const supplied = checkpoint.get(w.name);
    if (supplied === undefined) {
      const fillNext = initialWeightFiller(w, seed);
      let next = 0;
      return (firstRow, target) => {
        if (firstRow !== next) throw new Error(`weight ${w.name}: generated rows asked for from ${firstRow}, the stream is at ${next}`);
        fillNext(target);
        next += target.length / rowLength;
      };
    }
    if (supplied instanceof Uint8Array || supplied.readInto === undefined || supplied.byteLength !== elementCount(w.shape) * 4) return undefined;
    return (firstRow, target) => supplied.readInto!(new Uint8Array(target.buffer, target.byteOffset, target.byteLength), firstRow * rowLength * 4);
  };
  const derived = weight.derived;
  if (derived === undefined) {
    const fill = rowsOf(weight);
    return fill && { rows, rowLength, fill };
  }
  switch (derived.kind) {
    case "bn_fold": {
      const conv = derived.part === "weight" && derived.conv !== undefined ? rowsOf(derived.conv) : undefined;
      if (conv === undefined) return undefined;
      let scale: Float64Array | undefined;
      return {
        rows,
        rowLength,
        fill(firstRow, target) {
          // The scales (from the small batch-norm vectors) once; then each row read and scaled in place, as foldedValues does.
          scale ??= withSourceSlots((source) => foldScales(derived, rows, source), seed, checkpoint);
          conv(firstRow, target);
          scaleRows(target, rowLength, scale, firstRow);
        },
      };
    }
    default: {
      const unhandled: never = derived.kind;
      throw new Error(`unknown weight derivation ${String(unhandled)}`);
    }
  }
}

/** Runs `use` with a source of weights' values, each in its own reused scratch slot while `use` runs. */
function withSourceSlots<T>(use: (source: (w: IRWeight) => Float32Array) => T, seed: number, checkpoint: CheckpointBytes): T {
  const firstSlot = slotsInUse;
  try {
    return use((w) => {
      const values = sourceScratch(slotsInUse++, elementCount(w.shape));
      fillWeight(w, seed, checkpoint, values);
      return values;
    });
  } finally {
    slotsInUse = firstSlot;
  }
}

/** Writes the values of `weight` into `target` (platform float32 order). */
export function fillWeight(weight: IRWeight, seed: number, checkpoint: CheckpointBytes, target: Float32Array): void {
  const derived = weight.derived;
  if (derived !== undefined) {
    // The sources live only until `target` is filled: each takes its own
    // reused scratch slot, so a model's worth of garbage never builds up.
    const firstSlot = slotsInUse;
    const source = (w: IRWeight, into?: Float32Array): Float32Array => {
      const values = into ?? sourceScratch(slotsInUse++, elementCount(w.shape));
      fillWeight(w, seed, checkpoint, values);
      return values;
    };
    switch (derived.kind) {
      case "bn_fold":
        try {
          foldedValues(derived, weight.shape, source, target);
        } finally {
          slotsInUse = firstSlot;
        }
        return;
      default: {
        const unhandled: never = derived.kind;
        throw new Error(`unknown weight derivation ${String(unhandled)}`);
      }
    }
  }
  const supplied = checkpoint.get(weight.name);
  if (supplied !== undefined) {
    if (PLATFORM_IS_LITTLE_ENDIAN && !(supplied instanceof Uint8Array) && supplied.readInto) {
      if (supplied.byteLength !== target.length * 4)
        throw new Error(`weight ${weight.name}: checkpoint has ${supplied.byteLength} bytes, expected ${target.length * 4}`);
      supplied.readInto(new Uint8Array(target.buffer, target.byteOffset, target.byteLength));
      return;
    }
    const bytes = supplied instanceof Uint8Array ? supplied : supplied.read();
    copyLittleEndian(bytes, target, weight.name);
    return;
  }
  fillInitialWeight(weight, seed, target);
}
