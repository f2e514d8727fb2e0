/**
 * Reshape pairs merged: reshape(reshape(x, a), b) is reshape(x, b) when
 * nothing else reads the intermediate value.
 *
 * Preserves: the function the graph computes, exactly (a reshape depends
 * only on the element order, which neither changes); the second node's name
 * and span, and its output's name.
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
    if (first === undefined || first.op.kind !== "reshape" || pinned.has(input) || (consumers.get(input) ?? []).length !== 1) continue;
    const combined: IRNode = { ...node, inputs: [first.inputs[0]!] };
    replaced.set(node, combined);
    for (const output of node.outputs) producer.set(output, combined);
    removed.add(graph.nodes.find((n) => n.outputs.includes(input))!);
    merged.push(node.name);
  }
  if (merged.length === 0) return { graph, merged };
  const nodes = graph.nodes.filter((n) => !removed.has(n)).map((n) => replaced.get(n) ?? n);
  return { graph: rebuild(graph, nodes), merged };
}
