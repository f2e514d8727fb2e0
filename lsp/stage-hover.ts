/**
 * A stage's hover in a network: each pathway's shape where the stage ends,
 * and the parameters and FLOPs of the layers it runs (its nested stages'
 * included), from the network's graph at its defaults, as `sfc info` counts
 * its rows.
 */
import type * as A from "../compiler/ast";
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

/** The stage whose name starts at `start`; undefined where no network's graph has it. */
export function stageSummary(facts: SourceFacts, file: FileFacts, start: number): StageSummary | undefined {
  for (const item of file.module.ast.items) {
    if (item.kind !== "network" || !(item.span.start <= start && start < item.span.end)) continue;
    const graph = facts.graphs.get(item.name.name);
    const found = graph && stageRecord(graph, item.body, start);
    if (!graph || !found) return undefined;
    return summary(graph, found);
  }
  return undefined;
}

/**
 * The graph's record of the stage named at `start`: stages are recorded by
 * their path (`s2.a`), one record each time a stage of that path runs, in
 * the order they run, which is the order they are written.
 */
function stageRecord(graph: IRGraph, body: readonly A.Stmt[], start: number): IRStage | undefined {
  let wanted: { path: string; index: number } | undefined;
  const seen = new Map<string, number>();
  const walk = (stmts: readonly A.Stmt[], outer: string): void => {
    for (const s of stmts) {
      if (s.kind === "if") {
        walk(s.then, outer);
        walk(s.otherwise ?? [], outer);
      }
      if (s.kind !== "stage") continue;
      const path = outer === "" ? s.name.name : `${outer}.${s.name.name}`;
      const index = seen.get(path) ?? 0;
      seen.set(path, index + 1);
      if (s.name.span.start === start) wanted = { path, index };
      walk(s.body, path);
    }
  };
  walk(body, "");
  if (!wanted) return undefined;
  const { path, index } = wanted;
  return (graph.stages ?? []).filter((s) => s.name === path)[index];
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
