/**
 * Matching a checkpoint to the graph IR: every IR weight, renamed by the
 * chosen map, must be in the checkpoint with the IR's shape, unless a
 * `--reinit` pattern starts it from the seeded initialisation instead. Each
 * missing, unexpected or mis-shaped tensor gets a diagnostic of its own, except
 * when the map matches little of the checkpoint: then one summary says so and
 * names the layout the checkpoint looks like.
 */
import { makeDiagnostic, type Diagnostic } from "../diagnostics/diagnostic";
import type { IRGraph } from "../ir";
import { elementCount, formatShape, sameShape } from "../shapes";
import type { Span } from "../span";
import type { LazyBytes } from "../emit/onnx";
import { explainedBy, kernelHelp, pairRenamed, reportMissing, type MissingWeight } from "./bind-reports";
import { isCaffe2TrainingState } from "./caffe2-names";
import { guessLayout, LAYOUTS } from "./layouts";
import { NamePattern } from "./name-pattern";
import { toFloat32Bytes, type Checkpoint, type LoadedTensor } from "./tensor";

const FLOATS = new Set(["float32", "float64", "float16", "bfloat16"]);

/** Bookkeeping tensors that carry no weight: BN's batch counter, Caffe2's training state. */
function isIgnored(t: LoadedTensor): boolean {
  return t.name.endsWith("num_batches_tracked") || (t.origin !== undefined && isCaffe2TrainingState(t.origin));
}

/** How the file names a tensor, quoted: its own name, and the PySlowFast name a foreign layout was renamed to. */
const shown = (t: LoadedTensor): string => (t.origin ? `\`${t.origin}\` (\`${t.name}\`)` : `\`${t.name}\``);

export interface Naming {
  /** The map's name, for messages (sfc, pyslowfast, caffe2, ...). */
  readonly name: string;
  apply(sfcName: string): string;
}

export interface BindOptions {
  /** Glob patterns (`*` any run of characters, `?` one): weights matching them are not taken from the checkpoint. */
  readonly reinit?: readonly { readonly pattern: string; readonly span: Span }[];
  /** Caffe2 layouts store a linear layer as (out, in) where a 1×1×1 conv has (out, in, 1, 1, 1): reshape, as PySlowFast does. */
  readonly padTrailingOnes?: boolean;
  /** What the user's file needs before `--weight-names map` works there (an import), or undefined when it works as is. */
  readonly mapImportHint?: (map: string) => string | undefined;
}

/** `t.shape` equals `want` after appending 1s to it. */
function sameUpToTrailingOnes(have: readonly number[], want: readonly number[]): boolean {
  if (have.length > want.length) return false;
  return want.every((d, i) => (i < have.length ? have[i] === d : d === 1));
}

export function bindCheckpoint(
  graph: IRGraph,
  checkpoint: Checkpoint,
  names: Naming,
  where: Span,
  diagnostics: Diagnostic[],
  options: BindOptions = {},
): Map<string, LazyBytes> {
  // Bytes are taken only when the emitter writes them: one tensor in memory at a time.
  const bound = new Map<string, LazyBytes>();
  const used = new Set<string>();
  const { externalOf, shared } = checkpointNames(graph, names);
  const missing: MissingWeight[] = [];
  const problems: Diagnostic[] = [];
  const misShaped: { sfc: string; external: string; otherClasses: boolean }[] = [];
  const reinit = (options.reinit ?? []).map((r) => ({ ...r, glob: NamePattern.glob(r.pattern), hits: 0 }));
  const differences = LAYOUTS.find((l) => l.map === names.name)?.differences ?? [];
  let weightCount = 0;
  for (const node of graph.nodes) {
    for (const w of node.weights) {
      weightCount++;
      const external = externalOf.get(w.name)!;
      const fresh = reinit.filter((r) => r.glob.test(w.name) || r.glob.test(external));
      if (fresh.length > 0) {
        for (const r of fresh) r.hits++;
        if (checkpoint.tensors.has(external)) used.add(external);
        continue;
      }
      const t = checkpoint.tensors.get(external);
      if (!t) {
        missing.push({ node, weight: w, external });
        continue;
      }
      used.add(external);
      const sharing = shared.get(external);
      if (sharing) {
        // One error for the name, at the first weight that takes it; none of them is loaded.
        if (sharing[0] === w.name)
          problems.push(
            makeDiagnostic("SF0409", node.span, {
              message: `the \`${names.name}\` map gives ${sharing.join(" and ")} one checkpoint name, \`${external}\``,
              label: `${sharing.length} weights would load ${shown(t)}`,
              related: [{ span: where, label: "this checkpoint" }],
              chain: node.calls,
              help: `each weight needs its own checkpoint name: a rule of the \`${names.name}\` map is too broad`,
            }),
          );
        continue;
      }
      const same = sameShape(t.shape, w.shape);
      if (!same && !(options.padTrailingOnes && sameUpToTrailingOnes(t.shape, w.shape))) {
        misShaped.push({ sfc: w.name, external, otherClasses: t.shape.length === w.shape.length && t.shape.every((d, i) => i === 0 || d === w.shape[i]) });
        problems.push(
          makeDiagnostic("SF0403", node.span, {
            message: `${shown(t)} has shape ${formatShape(t.shape)}, expected ${formatShape(w.shape)}`,
            label: `\`${node.name}\` expects ${formatShape(w.shape)}`,
            related: [{ span: where, label: "this checkpoint" }],
            chain: node.calls,
            notes: [`expected ${formatShape(w.shape)}`, `   found ${formatShape(t.shape)}`],
            help: kernelHelp(w.name, w.shape, t.shape),
          }),
        );
        continue;
      }
      if (!FLOATS.has(t.dtype)) {
        problems.push(
          makeDiagnostic("SF0403", node.span, {
            message: `${shown(t)} holds ${t.dtype}; weights are floating point`,
            label: "unusable tensor",
            related: [{ span: where, label: "this checkpoint" }],
            chain: node.calls,
          }),
        );
        continue;
      }
      const readInto = t.dtype === "float32" ? t.readInto?.bind(t) : undefined;
      bound.set(w.name, { byteLength: elementCount(w.shape) * 4, read: () => toFloat32Bytes(t), ...(readInto ? { readInto } : {}) });
    }
  }
  const unused = [...checkpoint.tensors.keys()]
    .sort()
    .map((name) => checkpoint.tensors.get(name)!)
    .filter((t) => !used.has(t.name) && !isIgnored(t));

  for (const r of reinit) {
    if (r.hits === 0) {
      diagnostics.push(
        makeDiagnostic("SF0408", r.span, {
          message: `--reinit '${r.pattern}' matches no weight of \`${graph.name}\``,
          label: "matches nothing",
          help: `weights are named as in the checkpoint (e.g. \`${names.apply(graph.nodes.find((n) => n.weights.length > 0)?.weights[0]?.name ?? "head.projection.weight")}\`) or as in sfc; * matches any run of characters`,
        }),
      );
    }
  }

  // A map that finds under half of the network's weights is the wrong map, not hundreds of separate mistakes.
  const matched = weightCount - missing.length - reinit.reduce((n, r) => n + r.hits, 0);
  if (missing.length > 0 && matched * 2 < weightCount) {
    const layout = guessLayout([...checkpoint.tensors.values()].map((t) => t.origin ?? t.name));
    const other = layout && layout.map !== names.name ? layout : undefined;
    // Suggesting a map the file cannot see would only lead to SF0405: say what to import first.
    const importFirst = other && options.mapImportHint?.(other.map);
    const suggestion = other
      ? `this looks like ${other.description}; ${importFirst ? `--weight-names ${other.map} needs an import` : `try --weight-names ${other.map}`}`
      : undefined;
    diagnostics.push(
      makeDiagnostic("SF0407", where, {
        message: `${matched} of ${weightCount} names matched under the \`${names.name}\` map${suggestion ? `: ${suggestion}` : ""}`,
        label: "this checkpoint",
        notes: [
          `the network wants e.g. \`${missing[0]!.external}\`; the checkpoint has e.g. \`${[...checkpoint.tensors.values()][0]?.origin ?? [...checkpoint.tensors.keys()][0] ?? "nothing"}\``,
          `${missing.length} weights missing, ${unused.length} checkpoint tensors unused`,
        ],
        help: importFirst
          ? `${importFirst}, then use --weight-names ${other!.map}`
          : suggestion
            ? undefined
            : "choose the names map that matches the checkpoint's layout with --weight-names",
      }),
    );
    return bound;
  }
  // A weight the checkpoint has under another name shows as one missing and one unexpected: each names the other.
  // Weights a layout lacks by design are reported together, with its fix: no tensor stands for one of them.
  const renamed = pairRenamed(
    missing.filter((m) => explainedBy(m, differences) === undefined),
    unused,
  );
  const unexpected = unused.map((t) => {
    const weight = renamed.byTensor.get(t);
    return makeDiagnostic("SF0402", where, {
      message: `the checkpoint's ${shown(t)} ${formatShape(t.shape)} matches no weight of \`${graph.name}\``,
      label: "unexpected tensor",
      help: !weight
        ? "check the weight-name map (--weight-names) and the network's parameters"
        : weight.weight.name === weight.external
          ? `it may be \`${weight.external}\` under another name: rename it in the checkpoint, or map the name with a names map (--weight-names)`
          : `it may be ${weight.weight.name}, which the \`${names.name}\` map looks for as \`${weight.external}\`: rename one, or add a rule to the map`,
    });
  });
  diagnostics.push(...reportMissing(missing, differences, renamed.byWeight, where), ...problems, ...unexpected);
  headOnlyHint(misShaped, diagnostics, problems);
  return bound;
}

/**
 * Each weight's checkpoint name under the map, and the names it gives two or
 * more weights, each with those weights in order: a map that does is wrong.
 */
function checkpointNames(graph: IRGraph, names: Naming): { externalOf: Map<string, string>; shared: Map<string, string[]> } {
  const externalOf = new Map<string, string>();
  const weightsOf = new Map<string, string[]>();
  for (const node of graph.nodes)
    for (const w of node.weights) {
      const external = names.apply(w.name);
      externalOf.set(w.name, external);
      const seen = weightsOf.get(external);
      if (seen) seen.push(w.name);
      else weightsOf.set(external, [w.name]);
    }
  return { externalOf, shared: new Map([...weightsOf].filter(([, weights]) => weights.length > 1)) };
}

/** When only the classifier's shapes differ, the checkpoint was trained for another class count: say how to fine-tune. */
function headOnlyHint(
  misShaped: readonly { sfc: string; external: string; otherClasses: boolean }[],
  all: Diagnostic[],
  problems: readonly Diagnostic[],
): void {
  if (misShaped.length === 0 || !misShaped.every((m) => m.sfc.startsWith("head.") && m.otherClasses)) return;
  const layers = [...new Set(misShaped.map((m) => m.external.replace(/\.[^.]+$/, ".*")))];
  const first = problems[0]!;
  all[all.indexOf(first)] = {
    ...first,
    help: `only the head differs: the checkpoint was trained for another number of classes; to fine-tune, start the head afresh with ${layers.map((l) => `--reinit '${l}'`).join(" ")}`,
  };
}
