/**
 * The rows of `sfc info`: the graph IR's nodes grouped by stage, by block or
 * one per layer, each with its parameters, multiply-adds, activations and
 * output shape, and totals split by pathway. Everything is summed from the
 * per-node counts of counts.ts, so every depth has the same totals.
 *
 * Node names carry the grouping: `s2.slow.res0.branch2.a` is stage s2,
 * pathway slow, block s2.slow.res0; `s2.fuse.conv_f2s` and `s2.slow_fuse`
 * are the stage's lateral link and its fusion; `head.projection` is the
 * head's; in a nested stage the pathway follows the whole stage path
 * (`s2.a.video.conv`: stage s2.a, in s2's row, pathway video, block
 * s2.a.video.conv); a name whose first part is a pathway (`slow.frames`) is a layer of
 * that pathway written outside the stages, reported where it runs:
 * `(input)` before the first stage, `(after s1)` after stage s1 (segments.ts).
 */
import type { IRGraph, IRNode } from "../ir";
import { recordOf } from "../ops";
import { elementCount } from "../shapes";
import { nodeFlops, nodeParams } from "./counts";
import { INPUT_ROW, placesOf, segmentsOf, type NodePlace, type Segment } from "./segments";

export type Depth = "stage" | "block" | "layer";
export const DEPTHS: readonly Depth[] = ["stage", "block", "layer"];

/**
 * The part of a network that declares no pathways for its one stream:
 * `pathway` is a keyword, so no declared pathway has this name.
 */
export const IMPLICIT_PATHWAY = "pathway";

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
  /** The stage-depth row it is counted in; undefined for a node no part records. */
  readonly segment: Segment | undefined;
  readonly stage: string;
  readonly block: string;
  readonly attribution: Attribution;
  readonly figures: Figures;
}

/**
 * `where`: the node's part and innermost stage (segments.ts). In a network
 * without pathways (`withoutPathways`) the layers that are not the head are
 * its one stream's, IMPLICIT_PATHWAY: there are no lateral links.
 */
function place(graph: IRGraph, node: IRNode, where: NodePlace | undefined, pathways: ReadonlySet<string>, withoutPathways: boolean, countBn: boolean): Placed {
  const figures = { params: nodeParams(node), flops: nodeFlops(graph, node, countBn), activations: nodeActivations(graph, node) };
  const segment = where?.segment;
  const stage = segment?.name ?? INPUT_ROW;
  const implicit: Attribution = { kind: "pathway", pathway: IMPLICIT_PATHWAY };
  if (where?.stage === undefined) {
    const parts = node.name.split(".");
    // What runs after the last stage, outside every pathway, is the head.
    const beforeTheEnd = segment?.kind === "outside" && !segment.last;
    const inPathway = pathways.has(parts[0]!);
    const attribution: Attribution = inPathway ? { kind: "pathway", pathway: parts[0]! } : withoutPathways && beforeTheEnd ? implicit : { kind: "head" };
    // A block call's layers share its label: `slow.stem.conv` is block slow.stem, `proj.linear` block proj.
    return { node, segment, stage, block: parts.slice(0, inPathway ? 2 : 1).join("."), attribution, figures };
  }
  // A block is named by the whole stage path, a nested stage's too: `s2.slow.res0`, `s2.a.video.conv`.
  const first = where.rest[0];
  if (first !== undefined && pathways.has(first))
    return { node, segment, stage, block: [where.stage.name, ...where.rest.slice(0, 2)].join("."), attribution: { kind: "pathway", pathway: first }, figures };
  if (stage === "head" || withoutPathways)
    return {
      node,
      segment,
      stage,
      block: [where.stage.name, ...where.rest.slice(0, 1)].join("."),
      attribution: stage === "head" ? { kind: "head" } : implicit,
      figures,
    };
  return { node, segment, stage, block: `${where.stage.name}.${first?.endsWith("fuse") ? "fuse" : (first ?? "")}`, attribution: { kind: "lateral" }, figures };
}

/**
 * A stage's fusion (`s1.slow_fuse`, the concat or sum of a lateral link) is
 * counted in the stage's `fuse` row, with a link named `fuse` (the standard
 * library's `as fuse`): `s1.fuse` holds `s1.fuse.conv_f2s` and
 * `s1.slow_fuse`. Where a stage fuses into two pathways, each fusion has its
 * own row, named as the layer is, so that the two are not summed into one.
 */
function withFusionsApart(placed: readonly Placed[]): Placed[] {
  const isFusion = (p: Placed) =>
    p.attribution.kind === "lateral" && (p.node.op.kind === "concat" || p.node.op.kind === "add") && p.node.name.endsWith("_fuse");
  const fusionsIn = new Map<string, number>();
  for (const p of placed) if (isFusion(p)) fusionsIn.set(p.block, (fusionsIn.get(p.block) ?? 0) + 1);
  return placed.map((p) => (isFusion(p) && fusionsIn.get(p.block)! > 1 ? { ...p, block: p.node.name } : p));
}

const add = (a: Figures, b: Figures): Figures => ({ params: a.params + b.params, flops: a.flops + b.flops, activations: a.activations + b.activations });
const ZERO: Figures = { params: 0, flops: 0, activations: 0 };

const partName = (a: Attribution): string => (a.kind === "pathway" ? a.pathway : a.kind);

export function reportGraph(graph: IRGraph, options: { depth?: Depth; countBn?: boolean } = {}): Report {
  const depth = options.depth ?? "stage";
  // The pathways are named where each stage, and each run of layers outside the stages, ends: a network whose
  // only stage returns has them at that stage alone, one without stages at its outside layers' end alone.
  const pathways = new Set([...(graph.stages ?? []), ...(graph.outsideStages ?? [])].flatMap((s) => [...s.outputs.keys()]));
  const withoutPathways = pathways.size === 0;
  const segments = segmentsOf(graph);
  const places = placesOf(graph, segments);
  const placed = withFusionsApart(graph.nodes.map((n) => place(graph, n, places.get(n), pathways, withoutPathways, options.countBn ?? false)));
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
      const perStage = new Map<Segment, Figures>();
      for (const p of placed) if (p.segment) perStage.set(p.segment, add(perStage.get(p.segment) ?? ZERO, p.figures));
      rows = [];
      for (const s of segments) {
        const figures = perStage.get(s) ?? ZERO;
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
