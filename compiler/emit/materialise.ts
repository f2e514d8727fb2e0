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
export type CheckpointBytes = ReadonlyMap<string, Uint8Array | { readonly byteLength: number; read(): Uint8Array }>;

function fromLittleEndian(bytes: Uint8Array, count: number, name: string): Float32Array {
  if (bytes.byteLength !== count * 4) throw new Error(`weight ${name}: checkpoint has ${bytes.byteLength} bytes, expected ${count * 4}`);
  const out = new Float32Array(count);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (PLATFORM_IS_LITTLE_ENDIAN && bytes.byteOffset % 4 === 0) out.set(new Float32Array(bytes.buffer, bytes.byteOffset, count));
  else for (let i = 0; i < count; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

/** Writes the values of `weight` into `target` (platform float32 order). */
export function fillWeight(weight: IRWeight, seed: number, checkpoint: CheckpointBytes, target: Float32Array): void {
  const derived = weight.derived;
  if (derived !== undefined) {
    const source = (w: IRWeight): Float32Array => {
      const values = new Float32Array(elementCount(w.shape));
      fillWeight(w, seed, checkpoint, values);
      return values;
    };
    switch (derived.kind) {
      case "bn_fold":
        foldedValues(derived, weight.shape, source, target);
        return;
      default: {
        const unhandled: never = derived.kind;
        throw new Error(`unknown weight derivation ${String(unhandled)}`);
      }
    }
  }
  const supplied = checkpoint.get(weight.name);
  if (supplied !== undefined) {
    const bytes = supplied instanceof Uint8Array ? supplied : supplied.read();
    target.set(fromLittleEndian(bytes, target.length, weight.name));
    return;
  }
  fillInitialWeight(weight, seed, target);
}
