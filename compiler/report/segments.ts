/**
 * The parts of a network in the order they run, as the reports list them:
 * each top-level stage (the stages nested in it are part of it), and each
 * stretch of layers written outside the stages, named for where it runs:
 * `(input)` before the first top-level stage (or for a network without
 * stages), `(after s1)` after the top-level stage s1, up to the next one or
 * the end. And where each node runs: its part, and the innermost stage.
 */
import type { IRGraph, IRNode, IROutsideStages, IRStage } from "../ir";

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

type StageSegment = Extract<Segment, { readonly kind: "stage" }>;

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
  const topLevel = (graph.stages ?? []).filter(isTopLevel);
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
  topLevel.forEach((stage, ran) => {
    outsideUpTo(ran);
    out.push({ kind: "stage", name: stage.name, stage });
  });
  outsideUpTo(Number.POSITIVE_INFINITY);
  return out;
}

/** Where a node runs. */
export interface NodePlace {
  /** The part it is reported in: a top-level stage, or a stretch of layers outside the stages. */
  readonly segment: Segment;
  /** The innermost stage it runs in (`s2.a` for `s2.a.video.conv`); undefined outside the stages. */
  readonly stage: IRStage | undefined;
  /** The parts of its name after that stage's (`video`, `conv`); all of them outside the stages. */
  readonly rest: readonly string[];
}

/**
 * The place of every node, by node: a node outside the stages is in the
 * stretch that records it; one in a stage is in the innermost stage that
 * ran it, and in that stage's top-level stage's part. The builder records
 * which nodes each stage ran, so that two stages of one name are two parts;
 * in a graph built without that record, a node is in the innermost stage
 * whose name its name starts with.
 */
export function placesOf(graph: IRGraph, segments: readonly Segment[]): Map<IRNode, NodePlace> {
  const places = new Map<IRNode, NodePlace>();
  const nodeNamed = new Map(graph.nodes.map((n) => [n.name, n]));
  const topLevel = new Map<IRStage, StageSegment>();
  for (const s of segments) {
    if (s.kind === "outside") for (const name of s.outside.nodes) placeNamed(places, nodeNamed.get(name), s, undefined);
    else topLevel.set(s.stage, s);
  }
  const stages = graph.stages ?? [];
  if (stages.every((s) => s.nodes !== undefined)) {
    // A nested stage's record follows its top-level stage's.
    let top: Segment | undefined;
    for (const stage of stages) {
      top = topLevel.get(stage) ?? top;
      if (top !== undefined) for (const name of stage.nodes!) placeNamed(places, nodeNamed.get(name), top, stage);
    }
    return places;
  }
  const byName = new Map<string, StageSegment>();
  for (const [stage, s] of topLevel) if (!byName.has(stage.name)) byName.set(stage.name, s);
  const stageNamed = new Map<string, IRStage>();
  for (const stage of stages) if (!stageNamed.has(stage.name)) stageNamed.set(stage.name, stage);
  for (const node of graph.nodes) {
    if (places.has(node)) continue;
    const parts = node.name.split(".");
    const segment = byName.get(parts[0]!);
    if (segment === undefined) continue;
    // The longest of its name's leading parts that is a stage: a nested stage's name holds its parents'.
    let depth = Math.max(1, parts.length - 1);
    while (depth > 1 && !stageNamed.has(parts.slice(0, depth).join("."))) depth--;
    placeNamed(places, node, segment, stageNamed.get(parts.slice(0, depth).join(".")) ?? segment.stage);
  }
  return places;
}

/** `stage`: the innermost stage that ran the node, whose name its own starts with; undefined outside the stages. */
function placeNamed(places: Map<IRNode, NodePlace>, node: IRNode | undefined, segment: Segment, stage: IRStage | undefined): void {
  if (node === undefined) return;
  const parts = node.name.split(".");
  places.set(node, { segment, stage, rest: stage === undefined ? parts : parts.slice(stage.name.split(".").length) });
}
