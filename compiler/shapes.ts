/**
 * Shapes and layouts. Concrete shapes are arrays of dimensions without the
 * batch, in ONNX order (a video tensor [C, T, H, W], a vector [C]): the graph
 * IR's, weights', checkpoints'. The layout functions are generic over the
 * dimension type, so that symbolic types (types.ts, over the dimension
 * algebra) and concrete shapes share the one permutation between the written
 * order <T, H×W, C> and ONNX's [C, T, H, W].
 */

/** The number of elements of a tensor of this shape (1 for a scalar). */
export function elementCount(shape: readonly number[]): number {
  let count = 1;
  for (const dim of shape) count *= dim;
  return count;
}

/** Whether two concrete shapes are the same, rank included. */
export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** A concrete shape as messages show it: (3, 32, 224, 224). */
export function formatShape(shape: readonly number[]): string {
  return `(${shape.join(", ")})`;
}

/** The index of each axis of a video shape [C, T, H, W] (without the batch, which ONNX puts before them). */
export const VIDEO_AXIS = { channels: 0, frames: 1, height: 2, width: 3 } as const;

/** A video tensor's dimensions in ONNX order [C, T, H, W], from the written order <T, H×W, C>. */
export function videoDims<D>(frames: D, height: D, width: D, channels: D): [D, D, D, D] {
  return [channels, frames, height, width];
}

export interface WrittenVideo<D> {
  readonly frames: D;
  readonly height: D;
  readonly width: D;
  readonly channels: D;
}

/** The written axes of a video tensor's ONNX-order dimensions [C, T, H, W]. */
export function writtenVideo<D>(dims: readonly D[]): WrittenVideo<D> {
  if (dims.length !== 4) throw new Error(`a video shape has 4 dimensions, not ${dims.length}`);
  return { frames: dims[VIDEO_AXIS.frames]!, height: dims[VIDEO_AXIS.height]!, width: dims[VIDEO_AXIS.width]!, channels: dims[VIDEO_AXIS.channels]! };
}

/**
 * Which of the three written parts of <T, spatial, C> holds the video
 * dimension at ONNX-order index `axis`: T is part 0, H and W part 1, C part 2.
 */
export function writtenPartOfVideoAxis(axis: number): number {
  return [2, 0, 1, 1][axis] ?? 0;
}

/** The spatial extent as written: S² for square frames, H×W otherwise. */
export function formatSpatial<D>(height: D, width: D, show: { equal(a: D, b: D): boolean; square(d: D): string; factor(d: D): string }): string {
  return show.equal(height, width) ? show.square(height) : `${show.factor(height)}×${show.factor(width)}`;
}

/** A concrete video shape [C, T, H, W] in the written order of reports: 32×56², 8. */
export function formatVideoShape(shape: readonly number[]): string {
  const v = writtenVideo(shape);
  return `${v.frames}×${formatSpatial(v.height, v.width, { equal: (a, b) => a === b, square: (d) => `${d}²`, factor: String })}, ${v.channels}`;
}

/** A value's shape as reports write it: a video's [C, T, H, W] as 32×56², 8, any other as (10). */
export function formatReportShape(shape: readonly number[]): string {
  return shape.length === 4 ? formatVideoShape(shape) : formatShape(shape);
}
