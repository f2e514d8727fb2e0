/**
 * What the graph passes share: who reads each value, and rebuilding a graph
 * from edited nodes. A pass never mutates its input graph; it returns a new
 * one whose node, value and stage records are rebuilt from the edits.
 */
import type { IRGraph, IRNode, IRStage, IRValue } from "../ir";

/** The nodes that read each value, in node order. */
export function consumersOf(graph: IRGraph): Map<string, IRNode[]> {
  const out = new Map<string, IRNode[]>();
  for (const node of graph.nodes)
    for (const input of node.inputs) {
      const list = out.get(input) ?? [];
      if (!list.includes(node)) list.push(node);
      out.set(input, list);
    }
  return out;
}

/** Values a pass must keep by name: graph inputs and outputs, and what stages record. */
export function pinnedValues(graph: IRGraph): Set<string> {
  const pinned = new Set<string>([...graph.inputs.map((v) => v.name), ...graph.outputs.map((v) => v.name)]);
  for (const stage of graph.stages ?? []) for (const value of stage.outputs.values()) pinned.add(value);
  return pinned;
}

/**
 * A graph with `nodes` in place of the old ones: values no node produces
 * and no input provides are dropped, names in `renames` (old → new) are
 * applied to node inputs, outputs and stage records (and the records of
 * the nodes in each stage and outside the stages, which no pass keeps by
 * name: a report reads them on the graph before the passes).
 */
export function rebuild(graph: IRGraph, nodes: readonly IRNode[], renames: ReadonlyMap<string, string> = new Map()): IRGraph {
  const rename = (name: string): string => {
    let current = name;
    for (let guard = 0; renames.has(current) && guard < 64; guard++) current = renames.get(current)!;
    return current;
  };
  const renamed = nodes.map((node) => (renames.size === 0 ? node : { ...node, inputs: node.inputs.map(rename), outputs: node.outputs.map(rename) }));
  const values = new Map<string, IRValue>();
  for (const input of graph.inputs) values.set(input.name, input);
  for (const node of renamed)
    for (const output of node.outputs) {
      const value = graph.values.get(output);
      if (value === undefined) throw new Error(`pass produced ${output}, which the graph does not declare`);
      values.set(output, value);
    }
  const renameOutputs = (outputs: ReadonlyMap<string, string>) => new Map([...outputs].map(([pathway, value]) => [pathway, rename(value)]));
  const stages: IRStage[] | undefined = graph.stages?.map((stage) => ({ ...stage, outputs: renameOutputs(stage.outputs) }));
  const outsideStages = graph.outsideStages?.map((outside) => ({ ...outside, outputs: renameOutputs(outside.outputs) }));
  return {
    ...graph,
    outputs: graph.outputs.map((output) => values.get(rename(output.name)) ?? output),
    values,
    nodes: renamed,
    ...(stages ? { stages } : {}),
    ...(outsideStages ? { outsideStages } : {}),
  };
}
