/**
 * The values of one weight, as the emitter writes them: from the checkpoint,
 * from the seeded generator, or computed by a graph pass from other weights
 * (IRWeight.derived). One tensor at a time: a derived weight reads its sources
 * here and nothing else stays in memory.
 */
import type { IRWeight } from "../ir";
import { foldedValues } from "../passes/index";
import { elementCount } from "../shapes";
import { fillInitialWeight, PLATFORM_IS_LITTLE_ENDIAN } from "./init";

/** Checkpoint bytes per weight name: little-endian float32, in hand or read on demand. */
export type CheckpointBytes = ReadonlyMap<string, Uint8Array | { readonly byteLength: number; read(): Uint8Array; readInto?(target: Uint8Array): void }>;

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
