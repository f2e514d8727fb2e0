/**
 * Parameters and FLOPs from the graph IR, as the paper counts them:
 * multiply-adds of convolutions and linear layers for one input view, batch
 * norm left out unless asked for (then one multiply-add per element, which
 * is what an inference-time BN is once folded into scale and shift).
 */
import type { IRGraph, IRNode } from "../ir";
import { recordOf } from "../ops";
import { elementCount } from "../shapes";
import { placesOf, segmentsOf, type Segment } from "./segments";

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

/** The parameters and FLOPs (batch norms not counted) of some of a graph's nodes: a call's, a stage's. */
export function countNodes(graph: IRGraph, nodes: Iterable<IRNode>): { params: number; flops: number } {
  let params = 0;
  let flops = 0;
  for (const node of nodes) {
    params += nodeParams(node);
    flops += nodeFlops(graph, node, false);
  }
  return { params, flops };
}

export function countGraph(graph: IRGraph, options: { countBn?: boolean } = {}): Counts {
  const segments = segmentsOf(graph);
  const places = placesOf(graph, segments);
  const perRow = new Map<Segment, { params: number; flops: number }>();
  let params = 0;
  let flops = 0;
  for (const node of graph.nodes) {
    const p = nodeParams(node);
    const f = nodeFlops(graph, node, options.countBn ?? false);
    params += p;
    flops += f;
    const row = places.get(node)?.segment;
    if (row === undefined) continue;
    const acc = perRow.get(row) ?? { params: 0, flops: 0 };
    perRow.set(row, { params: acc.params + p, flops: acc.flops + f });
  }
  const rows: StageRow[] = [];
  for (const s of segments) {
    const figures = perRow.get(s) ?? { params: 0, flops: 0 };
    // Layers outside the stages have a row where they run when they count something.
    if (s.kind === "outside" && figures.params === 0 && figures.flops === 0) continue;
    const outputs = s.kind === "stage" ? s.stage.outputs : s.outside.outputs;
    rows.push({ stage: s.name, outputs: [...outputs].map(([pathway, value]) => ({ pathway, shape: graph.values.get(value)!.shape })), ...figures });
  }
  return { params, flops, rows };
}
