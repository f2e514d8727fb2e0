/**
 * The parts of a network in the order they run, as the reports list them:
 * each stage, and each stretch of layers written outside the stages, named
 * for where it runs: `(input)` before the first top-level stage (or for a
 * network without stages), `(after s1)` after the top-level stage s1, up to
 * the next one or the end.
 */
import type { IRGraph, IROutsideStages, IRStage } from "../ir";

export const INPUT_ROW = "(input)";

export type Segment =
  | { readonly kind: "stage"; readonly name: string; readonly stage: IRStage }
  | {
      readonly kind: "outside";
      readonly name: string;
      readonly outside: IROutsideStages;
      /** The top-level stage it runs after; undefined before the first. */
      readonly after: string | undefined;
      /** Whether it runs after the last top-level stage (or in a network without stages): what ends the network. */
      readonly last: boolean;
    };

const isTopLevel = (stage: IRStage): boolean => !stage.name.includes(".");

/**
 * A graph built without the record of the layers outside its stages (by
 * hand, in tests): every node whose name does not start with a stage's is
 * taken to run before the first stage.
 */
function outsideStagesOf(graph: IRGraph): readonly IROutsideStages[] {
  if (graph.outsideStages) return graph.outsideStages;
  const stageNames = new Set((graph.stages ?? []).map((s) => s.name.split(".")[0]!));
  const nodes = graph.nodes.filter((n) => !stageNames.has(n.name.split(".")[0]!)).map((n) => n.name);
  return nodes.length > 0 ? [{ afterStages: 0, nodes, outputs: new Map() }] : [];
}

export function segmentsOf(graph: IRGraph): Segment[] {
  const stages = graph.stages ?? [];
  const topLevel = stages.filter(isTopLevel);
  const outside = outsideStagesOf(graph);
  const out: Segment[] = [];
  let next = 0;
  const outsideUpTo = (afterStages: number) => {
    for (; next < outside.length && outside[next]!.afterStages <= afterStages; next++) {
      const o = outside[next]!;
      const after = o.afterStages === 0 ? undefined : (topLevel[o.afterStages - 1]?.name ?? "the stages");
      out.push({ kind: "outside", name: after === undefined ? INPUT_ROW : `(after ${after})`, outside: o, after, last: o.afterStages >= topLevel.length });
    }
  };
  let ran = 0;
  for (const stage of stages) {
    if (isTopLevel(stage)) outsideUpTo(ran++);
    out.push({ kind: "stage", name: stage.name, stage });
  }
  outsideUpTo(Number.POSITIVE_INFINITY);
  return out;
}

/** The row each node outside the stages is reported in, by node name. */
export function outsideRowOf(segments: readonly Segment[]): Map<string, string> {
  const rows = new Map<string, string>();
  for (const s of segments) if (s.kind === "outside") for (const node of s.outside.nodes) rows.set(node, s.name);
  return rows;
}
