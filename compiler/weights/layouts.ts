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
  /** Where the layout's network differs from the standard one: sfc weights it has no tensor for, and why. */
  readonly differences?: readonly LayoutDifference[];
}

/** Weights of the standard network that a layout's checkpoints do not have: reported together, with the fix. */
export interface LayoutDifference {
  readonly sfcName: RegExp;
  /** What the weights are, for the one message about them all: "the Fast-to-Slow laterals' batch norms". */
  readonly what: string;
  readonly note: string;
  readonly help: string;
}

export const LAYOUTS: readonly Layout[] = [
  { map: "sfc", description: "a checkpoint with sfc's own names", marker: /^s\d+\.(slow|fast)\./ },
  { map: "pyslowfast", description: "a PySlowFast checkpoint", marker: /^s\d+\.pathway\d_/ },
  { map: "pytorchvideo", description: "a PyTorchVideo checkpoint", marker: /^blocks\.\d+\.multipathway_blocks\./ },
  {
    map: "mmaction2",
    description: "an MMAction2 checkpoint",
    marker: /^backbone\.(slow|fast)_path\./,
    differences: [
      {
        sfcName: /^s\d+\.fuse\.bn\./,
        what: "the Fast-to-Slow laterals' batch norms",
        help:
          "compile the network with MMAction2's lateral: `--set transform=tconv_only` (std.slowfast's SlowFast), " +
          "or `--set 'transform=tconv_only(k: 7)'` for a checkpoint whose lateral kernel is 7 (its 8×8 models)",
        note:
          "MMAction2's Fast-to-Slow laterals (conv1_lateral, layer{1,2,3}_lateral) are a convolution alone (ConvModule with norm_cfg=None, act_cfg=None): " +
          "no BN and no ReLU after it, where PySlowFast's FuseFastToSlow has conv, BN, ReLU; its checkpoints have no lateral BN to load",
      },
    ],
  },
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
