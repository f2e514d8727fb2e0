/**
 * The rows of `sfc info`: the graph IR's nodes grouped by stage, by block or
 * one per layer, each with its parameters, multiply-adds, activations and
 * output shape, and totals split by pathway. Everything is summed from the
 * per-node counts of counts.ts, so every depth has the same totals.
 *
 * Node names carry the grouping: `s2.slow.res0.branch2.a` is stage s2,
 * pathway slow, block s2.slow.res0; `s2.fuse.conv_f2s` and `s2.slow_fuse`
 * are the stage's lateral link and its fusion; `head.projection` is the
 * head's; a name whose first part is a pathway (`slow.frames`) is a layer of
 * that pathway written outside the stages, reported where it runs:
 * `(input)` before the first stage, `(after s1)` after stage s1 (segments.ts).
 */
import type { IRGraph, IRNode } from "../ir";
import { recordOf } from "../ops";
import { elementCount } from "../shapes";
import { nodeFlops, nodeParams } from "./counts";
import { INPUT_ROW, outsideRowOf, segmentsOf } from "./segments";

export type Depth = "stage" | "block" | "layer";
export const DEPTHS: readonly Depth[] = ["stage", "block", "layer"];

/** Where a node's work is attributed in the per-pathway split. */
export type Attribution = { readonly kind: "pathway"; readonly pathway: string } | { readonly kind: "lateral" } | { readonly kind: "head" };

export interface Figures {
  readonly params: number;
  /** Multiply-adds for one view. */
  readonly flops: number;
  /** Output elements of the nodes that do multiply-adds (convolutions, linear layers, matmuls), as fvcore counts activations. */
  readonly activations: number;
}

export interface ReportRow extends Figures {
  /** The stage's, block's or node's name. */
  readonly name: string;
  readonly stage: string;
  /** The pathway the row belongs to; undefined for a stage row, the head and lateral links. */
  readonly pathway: string | undefined;
  /** The op, for a layer row. */
  readonly op: string | undefined;
  /** Output shape per pathway [C, T, H, W] (a stage row: every pathway; others: the row's last node). */
  readonly outputs: ReadonlyArray<{ readonly pathway: string; readonly shape: readonly number[] }>;
}

export interface Report {
  readonly depth: Depth;
  readonly rows: readonly ReportRow[];
  readonly total: Figures;
  /** Totals per pathway, then lateral links and the head, in the order they first appear. */
  readonly split: ReadonlyArray<{ readonly part: string } & Figures>;
  /** float32 bytes of the parameters (buffers such as running statistics left out). */
  readonly paramBytes: number;
}

/** Output elements of a node that does multiply-adds. */
export function nodeActivations(graph: IRGraph, node: IRNode): number {
  const record = recordOf(node.op);
  if (record.flopsOnRequest || nodeFlops(graph, node, false) === 0) return 0;
  return elementCount(graph.values.get(node.outputs[0]!)!.shape);
}

interface Placed {
  readonly node: IRNode;
  readonly stage: string;
  readonly block: string;
  readonly attribution: Attribution;
  readonly figures: Figures;
}

/** `outsideRow`: the row of each node written outside the stages, `(input)` or `(after s1)` (segments.ts). */
function place(
  graph: IRGraph,
  node: IRNode,
  stages: ReadonlySet<string>,
  pathways: ReadonlySet<string>,
  outsideRow: ReadonlyMap<string, string>,
  countBn: boolean,
): Placed {
  const parts = node.name.split(".");
  const figures = { params: nodeParams(node), flops: nodeFlops(graph, node, countBn), activations: nodeActivations(graph, node) };
  const first = parts[0]!;
  const second = parts[1];
  const outside = outsideRow.get(node.name);
  if (outside !== undefined || !stages.has(first)) {
    const attribution: Attribution = pathways.has(first) ? { kind: "pathway", pathway: first } : { kind: "head" };
    return { node, stage: outside ?? INPUT_ROW, block: parts.slice(0, 2).join("."), attribution, figures };
  }
  if (second !== undefined && pathways.has(second))
    return { node, stage: first, block: parts.slice(0, 3).join("."), attribution: { kind: "pathway", pathway: second }, figures };
  const attribution: Attribution = first === "head" || stages.size === 0 ? { kind: "head" } : { kind: "lateral" };
  return {
    node,
    stage: first,
    block: first === "head" ? parts.slice(0, 2).join(".") : `${first}.${second?.endsWith("fuse") ? "fuse" : (second ?? "")}`,
    attribution,
    figures,
  };
}

const add = (a: Figures, b: Figures): Figures => ({ params: a.params + b.params, flops: a.flops + b.flops, activations: a.activations + b.activations });
const ZERO: Figures = { params: 0, flops: 0, activations: 0 };

const partName = (a: Attribution): string => (a.kind === "pathway" ? a.pathway : a.kind);

export function reportGraph(graph: IRGraph, options: { depth?: Depth; countBn?: boolean } = {}): Report {
  const depth = options.depth ?? "stage";
  const stageList = graph.stages ?? [];
  const stages = new Set(stageList.map((s) => s.name));
  const pathways = new Set(stageList.flatMap((s) => [...s.outputs.keys()]));
  const segments = segmentsOf(graph);
  const outsideRow = outsideRowOf(segments);
  const placed = graph.nodes.map((n) => place(graph, n, stages, pathways, outsideRow, options.countBn ?? false));
  const shapeOf = (value: string) => graph.values.get(value)!.shape;

  const split = new Map<string, Figures>();
  let total = ZERO;
  for (const p of placed) {
    total = add(total, p.figures);
    split.set(partName(p.attribution), add(split.get(partName(p.attribution)) ?? ZERO, p.figures));
  }

  let rows: ReportRow[];
  switch (depth) {
    case "stage": {
      const perStage = new Map<string, Figures>();
      for (const p of placed) perStage.set(p.stage, add(perStage.get(p.stage) ?? ZERO, p.figures));
      rows = [];
      for (const s of segments) {
        const figures = perStage.get(s.name) ?? ZERO;
        // Layers outside the stages have a row where they run when they count something.
        if (s.kind === "outside" && figures.params === 0 && figures.flops === 0 && figures.activations === 0) continue;
        const outputs = s.kind === "stage" ? s.stage.outputs : s.outside.outputs;
        rows.push({
          name: s.name,
          stage: s.name,
          pathway: undefined,
          op: undefined,
          outputs: [...outputs].map(([pathway, value]) => ({ pathway, shape: shapeOf(value) })),
          ...figures,
        });
      }
      break;
    }
    case "block": {
      const order: string[] = [];
      const byBlock = new Map<string, { first: Placed; last: Placed; figures: Figures }>();
      for (const p of placed) {
        const seen = byBlock.get(p.block);
        if (seen) byBlock.set(p.block, { first: seen.first, last: p, figures: add(seen.figures, p.figures) });
        else {
          order.push(p.block);
          byBlock.set(p.block, { first: p, last: p, figures: p.figures });
        }
      }
      rows = order.map((name) => {
        const { first, last, figures } = byBlock.get(name)!;
        return {
          name,
          stage: first.stage,
          pathway: first.attribution.kind === "pathway" ? first.attribution.pathway : undefined,
          op: undefined,
          outputs: [{ pathway: partName(first.attribution), shape: shapeOf(last.node.outputs[0]!) }],
          ...figures,
        };
      });
      break;
    }
    case "layer":
      rows = placed.map((p) => ({
        name: p.node.name,
        stage: p.stage,
        pathway: p.attribution.kind === "pathway" ? p.attribution.pathway : undefined,
        op: p.node.op.kind,
        outputs: [{ pathway: partName(p.attribution), shape: shapeOf(p.node.outputs[0]!) }],
        ...p.figures,
      }));
      break;
  }
  return { depth, rows, total, split: [...split].map(([part, f]) => ({ part, ...f })), paramBytes: total.params * 4 };
}
