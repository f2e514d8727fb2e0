/**
 * A stage's hover in a network: each pathway's shape where the stage ends,
 * and the parameters and FLOPs of the layers it runs (its nested stages'
 * included), from the network's graph at its defaults, as `sfc info` counts
 * its rows.
 */
import type { SourceFacts, FileFacts } from "../compiler/index";
import type { IRGraph, IRStage } from "../compiler/ir";
import { countNodes } from "../compiler/report/counts";
import { formatReportShape } from "../compiler/shapes";

/** What a stage's hover shows: each pathway's shape where it ends, and what its layers count. */
export interface StageSummary {
  readonly network: string;
  readonly ends: ReadonlyArray<{ readonly pathway: string; readonly shape: string }>;
  readonly params: number;
  readonly flops: number;
  readonly nodes: number;
}

/** The stage whose name starts at `start`; undefined where no network's graph ran it (a stage in a branch not taken). */
export function stageSummary(facts: SourceFacts, file: FileFacts, start: number): StageSummary | undefined {
  for (const item of file.module.ast.items) {
    if (item.kind !== "network" || !(item.span.start <= start && start < item.span.end)) continue;
    const graph = facts.graphs.get(item.name.name);
    // Each stage the network ran is recorded with where it is written: a stage written twice has two.
    const found = graph?.stages?.find((s) => s.span?.file === file.module.path && s.span.start === start);
    return graph && found ? summary(graph, found) : undefined;
  }
  return undefined;
}

function summary(graph: IRGraph, stage: IRStage): StageSummary {
  // The stages nested in this run of it are the records after its own that are named inside it.
  const stages = graph.stages ?? [];
  const own = new Set(stage.nodes ?? []);
  for (let k = stages.indexOf(stage) + 1; k < stages.length && stages[k]!.name.startsWith(`${stage.name}.`); k++)
    for (const n of stages[k]!.nodes ?? []) own.add(n);
  const { params, flops } = countNodes(
    graph,
    graph.nodes.filter((n) => own.has(n.name)),
  );
  return {
    network: graph.name,
    ends: [...stage.outputs].map(([pathway, value]) => ({ pathway, shape: formatReportShape(graph.values.get(value)?.shape ?? []) })),
    params,
    flops,
    nodes: own.size,
  };
}
