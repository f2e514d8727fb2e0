/**
 * Reshape pairs merged, when nothing else reads the intermediate value:
 * reshape(reshape(x, a), b) is reshape(x, b); reshape(gap(x), b) is one gap
 * node that writes its pooled vector in shape b, so the ONNX graph has one
 * Reshape (or none, when b is GlobalAveragePool's own [C, 1, 1, 1]) where it
 * had Flatten and Reshape. These are the only pairs of shape-only ONNX nodes
 * the lowerings can produce: gap's Flatten is the only Flatten, no lowering
 * writes a Squeeze, and other Reshapes sit inside one op's lowering.
 *
 * Preserves: the function the graph computes, exactly (a reshape depends
 * only on the element order, which neither changes); the output's name; for
 * two reshapes the second node's name and span, for gap and reshape the gap's
 * (the node that computes).
 */
import type { IRGraph, IRNode } from "../ir";
import { consumersOf, pinnedValues, rebuild } from "./rewrite";

export function mergeReshapes(graph: IRGraph): { graph: IRGraph; merged: string[] } {
  const consumers = consumersOf(graph);
  const pinned = pinnedValues(graph);
  const producer = new Map<string, IRNode>();
  const replaced = new Map<IRNode, IRNode>();
  const removed = new Set<IRNode>();
  const merged: string[] = [];
  for (const node of graph.nodes) {
    const current = replaced.get(node) ?? node;
    for (const output of node.outputs) producer.set(output, current);
    if (node.op.kind !== "reshape") continue;
    const input = node.inputs[0]!;
    const first = producer.get(input);
    if (first === undefined || pinned.has(input) || (consumers.get(input) ?? []).length !== 1) continue;
    let combined: IRNode;
    if (first.op.kind === "reshape") combined = { ...node, inputs: [first.inputs[0]!] };
    else if (first.op.kind === "gap" && first.op.shape === undefined) combined = { ...first, op: { ...first.op, shape: node.op.shape }, outputs: node.outputs };
    else continue;
    replaced.set(node, combined);
    for (const output of node.outputs) producer.set(output, combined);
    removed.add(graph.nodes.find((n) => n.outputs.includes(input))!);
    merged.push(node.name);
  }
  if (merged.length === 0) return { graph, merged };
  const nodes = graph.nodes.filter((n) => !removed.has(n)).map((n) => replaced.get(n) ?? n);
  return { graph: rebuild(graph, nodes), merged };
}
