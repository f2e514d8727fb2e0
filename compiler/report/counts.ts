/**
 * Parameters and FLOPs from the graph IR, as the paper counts them:
 * multiply-adds of convolutions and linear layers for one input view, batch
 * norm left out unless asked for (then one multiply-add per element, which
 * is what an inference-time BN is once folded into scale and shift).
 */
import type { IRGraph, IRNode } from "../ir";
import { recordOf } from "../ops";
import { elementCount } from "../shapes";

export interface StageRow {
  readonly stage: string;
  /** Output shape of each pathway at the end of the stage, [C, T, H, W]. */
  readonly outputs: ReadonlyArray<{ readonly pathway: string; readonly shape: readonly number[] }>;
  readonly params: number;
  readonly flops: number;
}

export interface Counts {
  readonly params: number;
  readonly flops: number;
  readonly rows: readonly StageRow[];
}

export function nodeParams(node: IRNode): number {
  return node.weights.filter((w) => !w.buffer).reduce((s, w) => s + elementCount(w.shape), 0);
}

/** The op's own FLOP rule (compiler/ops/), on the node's concrete shapes. */
export function nodeFlops(graph: IRGraph, node: IRNode, countBn: boolean): number {
  const record = recordOf(node.op);
  if (record.flopsOnRequest && !countBn) return 0;
  const shapeOf = (value: string): readonly number[] => graph.values.get(value)!.shape;
  const dataInputs = node.inputs.slice(0, node.inputs.length - node.weights.length);
  return record.flops(node.op, { inputs: dataInputs.map(shapeOf), output: shapeOf(node.outputs[0]!), weights: node.weights.map((w) => w.shape) });
}

/** The stage a node belongs to: the first part of its name when that is a stage. */
function stageOf(node: IRNode, stageNames: ReadonlySet<string>): string {
  const first = node.name.split(".")[0]!;
  return stageNames.has(first) ? first : "(other)";
}

export function countGraph(graph: IRGraph, options: { countBn?: boolean } = {}): Counts {
  const stages = graph.stages ?? [];
  const names = new Set(stages.map((s) => s.name.split(".")[0]!));
  const perStage = new Map<string, { params: number; flops: number }>();
  let params = 0;
  let flops = 0;
  for (const node of graph.nodes) {
    const p = nodeParams(node);
    const f = nodeFlops(graph, node, options.countBn ?? false);
    params += p;
    flops += f;
    const key = stageOf(node, names);
    const acc = perStage.get(key) ?? { params: 0, flops: 0 };
    perStage.set(key, { params: acc.params + p, flops: acc.flops + f });
  }
  const rows: StageRow[] = stages.map((s) => ({
    stage: s.name,
    outputs: [...s.outputs].map(([pathway, value]) => ({ pathway, shape: graph.values.get(value)!.shape })),
    ...(perStage.get(s.name) ?? { params: 0, flops: 0 }),
  }));
  const other = perStage.get("(other)");
  if (other && (other.params > 0 || other.flops > 0)) rows.unshift({ stage: "(input)", outputs: [], ...other });
  return { params, flops, rows };
}
