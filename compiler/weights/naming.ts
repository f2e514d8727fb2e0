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

/**
 * What the compiled file needs before `--weight-names map` works: nothing
 * (undefined) when the map is visible to the network, else the import that
 * brings it (or, for `caffe2`, the `pyslowfast` map it reads through) from
 * the standard module that declares it. `stdlibMaps`: the standard library's
 * maps by name, with their modules.
 */
export function mapImportHint(
  map: string,
  maps: ReadonlyMap<string, NameMap>,
  stdlibMaps: () => ReadonlyMap<string, string>,
  file: string,
): string | undefined {
  if (map === "sfc" || maps.has(map) || (map === "caffe2" && maps.has("pyslowfast"))) return undefined;
  const needed = map === "caffe2" ? "pyslowfast" : map;
  const module = stdlibMaps().get(needed);
  const reads = map === "caffe2" ? " (the `caffe2` map reads through it)" : "";
  if (!module) return `declare \`names ${needed} { ... }\` beside the network${reads}`;
  return `add \`import ${module} { ${needed} }\` to ${file}${reads}`;
}

export function chooseNaming(
  names: string,
  checkpoint: Checkpoint,
  maps: ReadonlyMap<string, NameMap>,
  importHint: (map: string) => string | undefined = () => undefined,
): NamingChoice {
  const known = ["sfc", "caffe2", ...maps.keys()].join(", ");
  if (names === "caffe2" && !maps.has("caffe2")) {
    const pyslowfast = maps.get("pyslowfast");
    if (!pyslowfast) {
      return {
        problem: "the `caffe2` map needs the `pyslowfast` names map, which this network cannot see",
        help: importHint("caffe2") ?? "import std.slowfast (its networks see it), or declare `names pyslowfast { ... }` beside the network",
      };
    }
    const renamed = renameCaffe2Blobs(checkpoint);
    return { ok: { naming: { name: "caffe2", apply: (n) => pyslowfast.apply(n) }, checkpoint: renamed, padTrailingOnes: true, sourceMap: pyslowfast } };
  }
  const map = maps.get(names);
  if (map) return { ok: { naming: { name: names, apply: (n) => map.apply(n) }, checkpoint, padTrailingOnes: false, sourceMap: map } };
  if (names === "sfc") return { ok: { naming: { name: "sfc", apply: (n) => n }, checkpoint, padTrailingOnes: false, sourceMap: undefined } };
  const hint = importHint(names);
  return {
    problem: `no weight-name map \`${names}\``,
    help: hint?.startsWith("add") ? `the standard library has it, not imported here: ${hint}` : `the maps here are ${known}`,
  };
}
