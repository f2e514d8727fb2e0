/**
 * Rows of float32 values multiplied in place by a float64 scale per row, each
 * product rounded once to float32: the inner loop of batch-norm folding, run
 * over every conv weight a compile writes (34 M values for
 * SlowFast_4x16_R50). In a float32 workspace (float32Workspace) it runs as
 * WebAssembly SIMD, about 5× the plain loop; anywhere else, or where this
 * Node has no WebAssembly SIMD, as the plain loop. Both give the same bits
 * (test/emit/scale-rows.test.ts).
 */
import { WASM_BASE64 } from "./wasm/scale-rows-wasm";

const WASM_PAGE_BYTES = 65536;

/** The part of Node's WebAssembly global used here (the ES2022 lib this project builds with has no types for it). */
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => WasmModule;
  Memory: new (descriptor: { initial: number; maximum: number }) => { readonly buffer: ArrayBuffer };
  Instance: new (module: WasmModule, imports: object) => { readonly exports: object };
};
interface WasmModule {
  readonly __brand: "WebAssembly.Module";
}

interface ScaleExports {
  scale(pointer: number, count: number, scale: number): void;
}

/** The compiled module, or null where WebAssembly or its SIMD is missing (e.g. node --jitless). */
let compiled: WasmModule | null | undefined;

function scaleModule(): WasmModule | null {
  if (compiled === undefined) {
    try {
      compiled = new WebAssembly.Module(Buffer.from(WASM_BASE64, "base64"));
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

/** The instance working on each workspace's memory, by the memory's buffer (which never grows, so never changes). */
const instances = new WeakMap<ArrayBufferLike, ScaleExports>();

/** Whether the WebAssembly loop is available here (float32Workspace gives plain arrays otherwise). */
export function rowScalingIsSimd(): boolean {
  return scaleModule() !== null;
}

/**
 * A float32 array of `count` values in which scaleRows runs as WebAssembly:
 * its own memory, of fixed size. A plain Float32Array where that is missing.
 */
export function float32Workspace(count: number): Float32Array {
  const module = scaleModule();
  if (module === null || count === 0) return new Float32Array(count);
  const pages = Math.ceil((count * 4) / WASM_PAGE_BYTES);
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
  const instance = new WebAssembly.Instance(module, { sfc: { memory } });
  instances.set(memory.buffer, instance.exports as unknown as ScaleExports);
  return new Float32Array(memory.buffer, 0, count);
}

/** Multiplies row r of `values` (rows of `rowLength` values) by `scales[firstScale + r]`. */
export function scaleRows(values: Float32Array, rowLength: number, scales: Float64Array, firstScale = 0): void {
  const rows = values.length / rowLength;
  const simd = instances.get(values.buffer);
  if (simd !== undefined) {
    for (let r = 0; r < rows; r++) simd.scale(values.byteOffset + r * rowLength * 4, rowLength, scales[firstScale + r]!);
    return;
  }
  for (let r = 0; r < rows; r++) {
    const s = scales[firstScale + r]!;
    for (let i = r * rowLength, end = i + rowLength; i < end; i++) values[i] = values[i]! * s;
  }
}
