/**
 * Concrete shapes: arrays of dimensions without the batch, in ONNX order
 * (a video tensor [C, T, H, W], a vector [C]). Symbolic shapes are in
 * types.ts and the dimension algebra; this module is for shapes whose every
 * dimension is a number (the graph IR, weights, checkpoints, reports).
 */

/** The number of elements of a tensor of this shape (1 for a scalar). */
export function elementCount(shape: readonly number[]): number {
  let count = 1;
  for (const dim of shape) count *= dim;
  return count;
}
