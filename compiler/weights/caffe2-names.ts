/**
 * Caffe2 blob names to PySlowFast's parameter names, by the rules of
 * PySlowFast's slowfast/utils/c2_model_loading.py: an ordered list of
 * substitutions, each applied in turn to the result of the one before (not
 * first-match), so later rules finish what earlier ones started: `_bn_s` ends
 * as `.bn.weight`, `_w` as `.weight`.
 *
 *   conv1_w                              s1.pathway0_stem.conv.weight
 *   res_conv1_bn_s                       s1.pathway0_stem.bn.weight
 *   res2_0_branch2a_w                    s2.pathway0_res0.branch2.a.weight
 *   res3_1_branch2b_bn_riv               s3.pathway0_res1.branch2.b_bn.running_var
 *   t_res2_0_branch2a_w                  s2.pathway1_res0.branch2.a.weight   (t_: the Fast pathway)
 *   t_pool1_subsample_w                  s1_fuse.conv_f2s.weight
 *   t_res2_2_branch2c_bn_subsample_bn_s  s2_fuse.bn.weight  (a lateral is named after its stage's last Fast block)
 *   nonlocal_conv3_1_theta_w             s3.pathway0_nonlocal1.conv_theta.weight
 *   pred_w                               head.projection.weight
 */
import { type Checkpoint, type LoadedTensor } from "./tensor";

const CAFFE2_RULES: readonly (readonly [RegExp, string])[] = [
  // Non-local blocks: nonlocal_conv{stage}_{block}_{part}.
  [/^nonlocal_conv([0-9]+)_([0-9]+)_(.*)/, "s$1.pathway0_nonlocal$2_$3"],
  [/^(.*)_nonlocal([0-9]+)_(theta)(.*)/, "$1_nonlocal$2.conv_$3$4"],
  [/^(.*)_nonlocal([0-9]+)_(g)(.*)/, "$1_nonlocal$2.conv_$3$4"],
  [/^(.*)_nonlocal([0-9]+)_(phi)(.*)/, "$1_nonlocal$2.conv_$3$4"],
  [/^(.*)_nonlocal([0-9]+)_(out)(.*)/, "$1_nonlocal$2.conv_$3$4"],
  [/^(.*)_nonlocal([0-9]+)_(bn)_(.*)/, "$1_nonlocal$2.$3.$4"],
  // Fast-to-Slow laterals: after the stem (pool1), and after a stage's last Fast block.
  [/^t_pool1_subsample_bn_(.*)/, "s1_fuse.bn.$1"],
  [/^t_pool1_subsample_(.*)/, "s1_fuse.conv_f2s.$1"],
  [/^t_res([0-9]+)_([0-9]+)_branch2c_bn_subsample_bn_(.*)/, "s$1_fuse.bn.$3"],
  [/^t_res([0-9]+)_([0-9]+)_branch2c_bn_subsample_(.*)/, "s$1_fuse.conv_f2s.$3"],
  // The Slow pathway (no prefix).
  [/^res([0-9]+)_([0-9]+)_branch([0-9]+)([a-z])_(.*)/, "s$1.pathway0_res$2.branch$3.$4_$5"],
  [/^res_conv1_bn_(.*)/, "s1.pathway0_stem.bn.$1"],
  [/^conv1_(.*)/, "s1.pathway0_stem.conv.$1"],
  [/^res([0-9]+)_([0-9]+)_branch([0-9]+)_(.*)/, "s$1.pathway0_res$2.branch$3_$4"],
  [/^res_conv1_(.*)/, "s1.pathway0_stem.conv.$1"],
  // The Fast pathway (t_).
  [/^t_res([0-9]+)_([0-9]+)_branch([0-9]+)([a-z])_(.*)/, "s$1.pathway1_res$2.branch$3.$4_$5"],
  [/^t_res_conv1_bn_(.*)/, "s1.pathway1_stem.bn.$1"],
  [/^t_conv1_(.*)/, "s1.pathway1_stem.conv.$1"],
  [/^t_res([0-9]+)_([0-9]+)_branch([0-9]+)_(.*)/, "s$1.pathway1_res$2.branch$3_$4"],
  [/^t_res_conv1_(.*)/, "s1.pathway1_stem.conv.$1"],
  // The classifier, then the parameter suffixes.
  [/pred_(.*)/, "head.projection.$1"],
  [/(.*)bn.b$/, "$1bn.bias"],
  [/(.*)bn.s$/, "$1bn.weight"],
  [/(.*)bn.rm$/, "$1bn.running_mean"],
  [/(.*)bn.riv$/, "$1bn.running_var"],
  [/(.*)[._]b$/, "$1.bias"],
  [/(.*)[._]w$/, "$1.weight"],
];

export function caffe2ToPySlowFast(blob: string): string {
  let name = blob;
  for (const [pattern, replacement] of CAFFE2_RULES) name = name.replace(pattern, replacement);
  return name;
}

/**
 * Training state that a Caffe2 checkpoint keeps beside the weights: SGD
 * momentum per blob, the learning rate and the iteration. PySlowFast skips
 * blobs whose name contains one of these when the model has no such
 * parameter; so does sfc.
 */
export function isCaffe2TrainingState(blob: string): boolean {
  return /momentum|(^|_)lr$|^lr|model_iter/.test(blob);
}

/**
 * The checkpoint under PySlowFast's names. Each tensor keeps its blob name in
 * `origin`, for messages; training state stays, and is skipped when unused.
 */
export function renameCaffe2Blobs(checkpoint: Checkpoint): Checkpoint {
  const tensors = new Map<string, LoadedTensor>();
  for (const [blob, t] of checkpoint.tensors) {
    const renamed = Object.create(t) as LoadedTensor;
    Object.defineProperty(renamed, "name", { value: caffe2ToPySlowFast(blob), enumerable: true });
    Object.defineProperty(renamed, "origin", { value: blob, enumerable: true });
    // Two blobs may become one name (conv1_w and res_conv1_w); the second keeps its blob name and shows as unused.
    tensors.set(tensors.has(renamed.name) ? blob : renamed.name, renamed);
  }
  return { ...checkpoint, tensors };
}
