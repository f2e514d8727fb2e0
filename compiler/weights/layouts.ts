/**
 * The checkpoint layouts sfc has names maps for, recognised by their tensor
 * names, so that a wrong `--weight-names` can be answered with the right one.
 */
export interface Layout {
  /** The `--weight-names` value that reads it. */
  readonly map: string;
  /** "a PyTorchVideo checkpoint" */
  readonly description: string;
  /** A name only this layout has. */
  readonly marker: RegExp;
}

export const LAYOUTS: readonly Layout[] = [
  { map: "sfc", description: "a checkpoint with sfc's own names", marker: /^s\d+\.(slow|fast)\./ },
  { map: "pyslowfast", description: "a PySlowFast checkpoint", marker: /^s\d+\.pathway\d_/ },
  { map: "pytorchvideo", description: "a PyTorchVideo checkpoint", marker: /^blocks\.\d+\.multipathway_blocks\./ },
  { map: "mmaction2", description: "an MMAction2 checkpoint", marker: /^backbone\.(slow|fast)_path\./ },
  { map: "caffe2", description: "a Caffe2 checkpoint (PySlowFast's model zoo)", marker: /^(t_)?res\d+_\d+_branch\d|^(t_)?conv1_w$/ },
];

/** The layout most of the names belong to, if any does. */
export function guessLayout(names: readonly string[]): Layout | undefined {
  let best: Layout | undefined;
  let bestCount = 0;
  for (const layout of LAYOUTS) {
    const count = names.filter((n) => layout.marker.test(n)).length;
    if (count > bestCount) {
      best = layout;
      bestCount = count;
    }
  }
  return bestCount * 4 >= names.length ? best : undefined;
}
