/**
 * Graph passes between elaboration and emission, IR to IR. Each is small and
 * states what it preserves; `inferenceGraph` runs them in a fixed order.
 * Folding needs the weight values, so it only records how each new weight is
 * computed (IRWeight.derived); the emitter computes it, one tensor at a time,
 * when it materialises the initializers.
 */
import type { IRGraph } from "../ir";
import { foldBatchNorms, type FoldedBatchNorm } from "./fold-batchnorm";
import { mergeReshapes } from "./merge-reshapes";
import { removeDropouts } from "./remove-dropout";

export { foldedValues, foldScales } from "./fold-batchnorm";
export { float32Workspace, scaleRows } from "./scale-rows";

export interface PassOptions {
  /** Keep BatchNormalization nodes (and the checkpoint's names for their tensors). */
  readonly keepBn?: boolean;
}

/** What the inference passes did (docs/deploy.md): the metadata's `graph_passes` counts them. */
export interface PassReport {
  readonly foldedBatchNorms: readonly FoldedBatchNorm[];
  /** Batch norms left as nodes: asked for, or not after a conv that only they read. */
  readonly keptBatchNorms: number;
  readonly removedDropouts: readonly string[];
  readonly mergedReshapes: readonly string[];
}

export function inferenceGraph(graph: IRGraph, options: PassOptions = {}): { graph: IRGraph; report: PassReport } {
  const noDropout = removeDropouts(graph);
  const folded = options.keepBn ? { graph: noDropout.graph, folded: [] } : foldBatchNorms(noDropout.graph);
  const merged = mergeReshapes(folded.graph);
  return {
    graph: merged.graph,
    report: {
      foldedBatchNorms: folded.folded,
      keptBatchNorms: merged.graph.nodes.filter((n) => n.op.kind === "bn").length,
      removedDropouts: noDropout.removed,
      mergedReshapes: merged.merged,
    },
  };
}

/**
 * With --keep-bn and a checkpoint: the batch norms' tensors take the
 * checkpoint's names, so the exported file names them as the training code
 * did. Preserves everything else; the checkpoint bytes are re-keyed to match.
 */
export function withCheckpointBnNames<B>(
  graph: IRGraph,
  weights: ReadonlyMap<string, B>,
  names: { apply(name: string): string },
): { graph: IRGraph; weights: Map<string, B> } {
  const taken = new Set<string>();
  for (const node of graph.nodes) for (const w of node.weights) taken.add(w.name);
  const renamed = new Map(weights);
  const nodes = graph.nodes.map((node) => {
    if (node.op.kind !== "bn") return node;
    const newNames = node.weights.map((w) => {
      const external = names.apply(w.name);
      if (external === w.name || taken.has(external) || !weights.has(w.name)) return w.name;
      taken.add(external);
      renamed.set(external, weights.get(w.name)!);
      renamed.delete(w.name);
      return external;
    });
    const rename = new Map(node.weights.map((w, i) => [w.name, newNames[i]!]));
    return { ...node, inputs: node.inputs.map((i) => rename.get(i) ?? i), weights: node.weights.map((w, i) => ({ ...w, name: newNames[i]! })) };
  });
  return { graph: { ...graph, nodes }, weights: renamed };
}
