/**
 * Choosing how a checkpoint's names map onto sfc's: `--weight-names` when
 * given, else by the checkpoint's format (a Caffe2 pickle is read with the
 * `caffe2` map, anything else with sfc's own names).
 *
 * `caffe2` is a map in two steps: the blobs are renamed to PySlowFast's names
 * by PySlowFast's own rules (caffe2-names.ts), and the network's names are
 * mapped with the `pyslowfast` names map of the standard library.
 */
import type { Naming } from "./bind";
import { renameCaffe2Blobs } from "./caffe2-names";
import type { NameMap } from "./names";
import type { Checkpoint } from "./tensor";

export interface ChosenNaming {
  readonly naming: Naming;
  /** The checkpoint as the map sees it (Caffe2 blobs renamed). */
  readonly checkpoint: Checkpoint;
  /** Reshape tensors that differ from a weight only by trailing 1s (Caffe2's layout). */
  readonly padTrailingOnes: boolean;
  /** The names map of the network's source used underneath, for naming kept BN nodes. */
  readonly sourceMap: NameMap | undefined;
}

export type NamingChoice = { readonly ok: ChosenNaming } | { readonly problem: string; readonly help: string };

export function defaultNames(checkpoint: Checkpoint): string {
  return checkpoint.format === "caffe2" ? "caffe2" : "sfc";
}

export function chooseNaming(names: string, checkpoint: Checkpoint, maps: ReadonlyMap<string, NameMap>): NamingChoice {
  const known = ["sfc", "caffe2", ...maps.keys()].join(", ");
  if (names === "caffe2" && !maps.has("caffe2")) {
    const pyslowfast = maps.get("pyslowfast");
    if (!pyslowfast) {
      return {
        problem: "the `caffe2` map needs the `pyslowfast` names map, which this network cannot see",
        help: "import std.slowfast (its networks see it), or declare `names pyslowfast { ... }` beside the network",
      };
    }
    const renamed = renameCaffe2Blobs(checkpoint);
    return { ok: { naming: { name: "caffe2", apply: (n) => pyslowfast.apply(n) }, checkpoint: renamed, padTrailingOnes: true, sourceMap: pyslowfast } };
  }
  const map = maps.get(names);
  if (map) return { ok: { naming: { name: names, apply: (n) => map.apply(n) }, checkpoint, padTrailingOnes: false, sourceMap: map } };
  if (names === "sfc") return { ok: { naming: { name: "sfc", apply: (n) => n }, checkpoint, padTrailingOnes: false, sourceMap: undefined } };
  return { problem: `no weight-name map \`${names}\``, help: `the maps here are ${known}` };
}
