/**
 * Dropout removed: it is the identity at inference.
 *
 * Preserves: the function the graph computes, exactly; every remaining
 * node's name and span. Consumers of a dropout's output read its input
 * instead; when the output is pinned (a graph output or a stage record) the
 * input's producer takes the output's name. A dropout between a graph input
 * and a graph output is kept, since no node could take both names.
 */
import type { IRGraph, IRNode } from "../ir";
import { pinnedValues, rebuild } from "./rewrite";

export function removeDropouts(graph: IRGraph): { graph: IRGraph; removed: string[] } {
  const pinned = pinnedValues(graph);
  const inputs = new Set(graph.inputs.map((v) => v.name));
  const renames = new Map<string, string>();
  const removed: string[] = [];
  const kept: IRNode[] = [];
  for (const node of graph.nodes) {
    if (node.op.kind !== "dropout") {
      kept.push(node);
      continue;
    }
    const input = node.inputs[0]!;
    const output = node.outputs[0]!;
    if (!pinned.has(output)) renames.set(output, input);
    else if (!inputs.has(input) && !pinned.has(input)) renames.set(input, output);
    else {
      kept.push(node);
      continue;
    }
    removed.push(node.name);
  }
  if (removed.length === 0) return { graph, removed };
  return { graph: rebuild(graph, kept, renames), removed };
}
