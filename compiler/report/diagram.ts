/**
 * The picture of a network, as the paper's Figure 1 draws it: one lane per
 * pathway with its stages (or blocks) in order, each lateral link an edge
 * from one lane into a fusion point of another, labelled with its transform
 * and the shapes it maps, and the head where the lanes meet. Built from the
 * graph IR's stages and node names (see table.ts for the naming); DOT and
 * Mermaid text are written from it.
 */
import { byKey } from "../group";
import type { IRGraph, IRNode, IRStage } from "../ir";
import { formatReportShape } from "../shapes";
import { placesOf, segmentsOf, type Segment } from "./segments";

export type DiagramDepth = "stage" | "block";

export interface DiagramBox {
  readonly id: string;
  readonly label: string;
  /** The lane (pathway) it sits in; undefined for the input and the head. */
  readonly lane: string | undefined;
  readonly kind: "input" | "step" | "fusion" | "head";
}

export interface DiagramEdge {
  readonly from: string;
  readonly to: string;
  readonly label?: string;
  readonly lateral: boolean;
}

export interface Diagram {
  readonly name: string;
  readonly lanes: readonly string[];
  readonly boxes: readonly DiagramBox[];
  readonly edges: readonly DiagramEdge[];
}

const sides = (h: number, w: number): string => (h === w ? `${h}²` : `${h}×${w}`);

/** A conv's window, and its stride where that is not 1 on every axis. */
function convWindow(kernel: readonly number[], stride: readonly number[]): string {
  const [kt, kh, kw] = kernel as [number, number, number];
  const [st, sh, sw] = stride as [number, number, number];
  const strideText = st === 1 && sh === 1 && sw === 1 ? "" : sh === 1 && sw === 1 ? `, stride ${st}` : `, stride ${st}×${sides(sh, sw)}`;
  return `${kt}×${sides(kh, kw)}${strideText}`;
}

type ConvOp = Extract<IRNode["op"], { kind: "conv" }>;

/** 1st, 2nd, 3rd, 4th, ..., 11th, 12th, 13th, ..., 21st. */
function ordinal(n: number): string {
  const lastTwo = n % 100;
  const suffix = lastTwo >= 11 && lastTwo <= 13 ? "th" : (["th", "st", "nd", "rd"][n % 10] ?? "th");
  return `${n}${suffix}`;
}

/** One layer in words: a conv by its window, a frame sampling by its frames, anything else by its op. */
function describeLayer(node: IRNode): string {
  const op = node.op;
  if (op.kind === "conv") return `conv ${convWindow(op.kernel, op.stride)}`;
  if (op.kind === "frames") return "every" in op ? `every ${ordinal(op.every)} frame` : `${op.indices.length} frames, evenly spaced`;
  return op.kind;
}

/** The most layers a box lists before it only counts the rest. */
const LAYERS_LISTED = 6;

/** A run of layers in words, in order (one word for several alike in a row), as many as a box can hold. */
function describeLayers(nodes: readonly IRNode[]): string {
  const words: string[] = [];
  for (const n of nodes) {
    const word = describeLayer(n);
    if (words[words.length - 1] !== word) words.push(word);
  }
  if (words.length <= LAYERS_LISTED) return words.join(" → ");
  return `${words.slice(0, LAYERS_LISTED - 1).join(" → ")} → … (${nodes.length} layers)`;
}

/** A lateral transform in words, from its ops: a time-strided conv, time-to-channel, or frame sampling. */
function describeTransform(nodes: readonly IRNode[]): string {
  const conv = nodes.find((n) => n.op.kind === "conv")?.op as ConvOp | undefined;
  // The paper's T-conv where it convolves or strides over time; a conv that does neither is a plain one.
  if (conv) return `${conv.kernel[0] > 1 || conv.stride[0] > 1 ? "T-conv" : "conv"} ${convWindow(conv.kernel, conv.stride)}`;
  const frames = nodes.find((n) => n.op.kind === "frames");
  if (frames) return describeLayer(frames);
  const kinds = new Set(nodes.map((n) => n.op.kind as string));
  if (kinds.has("transpose") || kinds.has("reshape")) return "time-to-channel";
  return [...kinds].join(", ");
}

const capital = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

export function buildDiagram(graph: IRGraph, depth: DiagramDepth = "stage"): Diagram {
  const stages = (graph.stages ?? []).filter((s) => s.outputs.size > 0);
  // The paper's order: the Slow pathway (fewest frames) on top, the Fast one below.
  // Each lane's frames where it first appears; every map here keeps the picture linear in the graph's size.
  // The lanes are the pathways named where the stages end, and where the layers outside them end (a network without stages).
  const frames = new Map<string, number>();
  for (const s of [...stages, ...(graph.outsideStages ?? [])])
    for (const [lane, v] of s.outputs)
      if (!frames.has(lane)) {
        const shape = graph.values.get(v)!.shape;
        frames.set(lane, shape.length === 4 ? shape[1]! : 0);
      }
  const lanes = [...frames.keys()].sort((a, b) => frames.get(a)! - frames.get(b)!);
  const laneSet = new Set(lanes);
  const laneIndex = new Map(lanes.map((l, i) => [l, i]));
  /** Whichever of two names comes first among the lanes; undefined when neither is one. */
  const firstLane = (a: string | undefined, b: string | undefined): string | undefined => {
    const ia = a === undefined ? undefined : laneIndex.get(a);
    const ib = b === undefined ? undefined : laneIndex.get(b);
    if (ia === undefined) return ib === undefined ? undefined : b;
    return ib !== undefined && ib < ia ? b : a;
  };
  const shapeOf = (value: string) => graph.values.get(value)!.shape;
  const producer = new Map<string, IRNode>();
  for (const n of graph.nodes) for (const o of n.outputs) producer.set(o, n);
  const order = new Map(graph.nodes.map((n, i) => [n, i]));

  const boxes: DiagramBox[] = [];
  const edges: DiagramEdge[] = [];
  const input = graph.inputs[0]!;
  boxes.push({ id: "input", label: `${input.name}\n${formatReportShape(input.shape)}`, lane: undefined, kind: "input" });

  const segments = segmentsOf(graph);
  const where = whereNodesRun(graph, segments);
  const freshId = idMaker();
  if (lanes.length === 0) return stagesInARow(graph, segments, where, freshId, depth, boxes, edges);
  const { restOf, stageOf, runOf, bySegment } = where;
  const nodeNamed = new Map(graph.nodes.map((n) => [n.name, n]));

  /** The last box of each lane so far, and the value it ends with. */
  const tail = new Map<string, string>(lanes.map((l) => [l, "input"]));

  /**
   * Layers written outside the stages: a box in each lane they run in, the
   * lane they are named for or whose value they compute. Those of no lane
   * run after the last stage, in the head, and are returned; anywhere else
   * they join the first lane, so that every layer is drawn.
   */
  const outsideStages = (segment: Extract<Segment, { kind: "outside" }>): IRNode[] => {
    const nodes = segment.outside.nodes.flatMap((name) => nodeNamed.get(name) ?? []);
    const among = new Set(nodes);
    const laneOfNode = new Map<IRNode, string>();
    for (const n of nodes) if (laneSet.has(restOf(n)[0]!)) laneOfNode.set(n, restOf(n)[0]!);
    for (const lane of lanes) {
      const end = producer.get(segment.outside.outputs.get(lane) ?? "");
      if (end === undefined || !among.has(end)) continue;
      for (const n of [end, ...feeding(end, among, producer, order)]) if (!laneOfNode.has(n)) laneOfNode.set(n, lane);
    }
    const rest = nodes.filter((n) => !laneOfNode.has(n));
    if (!segment.last) for (const n of rest) laneOfNode.set(n, lanes[0]!);
    const byLane = byKey(nodes, (n) => laneOfNode.get(n));
    for (const lane of lanes) {
      const own = byLane.get(lane);
      if (own === undefined) continue;
      const id = freshId(segment.after === undefined ? `${lane}_in` : `after_${segment.after.replace(/\W/g, "_")}_${lane}`);
      // The lane's value where the layers end, or the last of them when the lane's value comes from elsewhere.
      const end = segment.outside.outputs.get(lane);
      const shown = end !== undefined && own.includes(producer.get(end)!) ? end : own[own.length - 1]!.outputs[0]!;
      boxes.push({ id, label: `${describeLayers(own)}\n${formatReportShape(shapeOf(shown))}`, lane, kind: "step" });
      edges.push({ from: tail.get(lane)!, to: id, lateral: false });
      tail.set(lane, id);
    }
    return segment.last ? rest : [];
  };

  const inHead: IRNode[] = [];
  for (const segment of segments) {
    if (segment.kind === "outside") {
      inHead.push(...outsideStages(segment));
      continue;
    }
    const stage = segment.stage;
    if (stage.outputs.size === 0) continue;
    /** The lane each of the stage's outputs ends, the first named when two share one. */
    const laneOf = new Map<string, string>();
    for (const lane of lanes) {
      const v = stage.outputs.get(lane);
      if (v !== undefined && !laneOf.has(v)) laneOf.set(v, lane);
    }
    // The stage's nodes, those of the stages nested in it included. Per block, each nested stage in turn, its links after its blocks.
    const inStage = bySegment.get(segment) ?? [];
    const runs = depth === "stage" ? [inStage] : runsOf(inStage, runOf);
    for (const run of runs) {
      const byLane = byKey(run, (n) => restOf(n)[0] ?? "");
      // The lanes' own steps: the whole stage, or each block.
      for (const lane of lanes) {
        const own = byLane.get(lane) ?? [];
        if (own.length === 0) continue;
        const groups = depth === "stage" ? [{ name: stage.name, nodes: own }] : groupBy(own, (n) => [stageOf(n), ...restOf(n).slice(0, 2)].join("."));
        for (const g of groups) {
          const id = freshId(g.name.replace(/\W/g, "_") + (depth === "stage" ? `_${lane}` : ""));
          const last = g.nodes[g.nodes.length - 1]!;
          boxes.push({ id, label: `${g.name}\n${formatReportShape(shapeOf(last.outputs[0]!))}`, lane, kind: "step" });
          edges.push({ from: tail.get(lane)!, to: id, lateral: false });
          tail.set(lane, id);
        }
      }
      // Lateral links and their fusion: the nodes outside every lane.
      const outside = run.filter((n) => !laneSet.has(restOf(n)[0] ?? ""));
      const fusions = outside.filter((n) => n.op.kind === "concat" || n.op.kind === "add");
      // A link may read a lane that an earlier link of the stage fused into (medium, then slow):
      // the walk back from a fusion stops at the other fusions, where that lane's value is.
      const fusionSet = new Set(fusions);
      const transformNodes = new Set(outside.filter((n) => !fusionSet.has(n)));
      for (const fusion of fusions) {
        const target = laneOf.get(fusion.outputs[0]!) ?? restOf(fusion)[0]!.replace(/_fuse$/, "");
        // The lateral's transform: with one fusion, the other nodes outside the lanes; with several, those that feed this one.
        const transform = fusions.length === 1 ? outside.filter((n) => n !== fusion) : feeding(fusion, transformNodes, producer, order);
        const first = transform[0];
        const source = first ? firstLane(restOf(producer.get(first.inputs[0]!) ?? first)[0], laneOf.get(first.inputs[0]!)) : undefined;
        // Named by the innermost stage: two nested stages may each fuse into one lane.
        const id = freshId(`${stageOf(fusion).split(".").join("_")}_fuse_${target}`);
        boxes.push({
          id,
          label: `${fusion.op.kind === "add" ? "sum" : "concat"}\n${formatReportShape(shapeOf(fusion.outputs[0]!))}`,
          lane: target,
          kind: "fusion",
        });
        edges.push({ from: tail.get(target)!, to: id, lateral: false });
        if (first && source) {
          const into = transform[transform.length - 1]!;
          edges.push({
            from: tail.get(source)!,
            to: id,
            lateral: true,
            label: `${describeTransform(transform)}\n${formatReportShape(shapeOf(first.inputs[0]!))} → ${formatReportShape(shapeOf(into.outputs[0]!))}`,
          });
        }
        tail.set(target, id);
      }
    }
  }

  // A top-level stage that returns is the head.
  const headStage = segments.find((s) => s.kind === "stage" && s.stage.outputs.size === 0);
  const output = graph.outputs[0]!;
  const headNodes = [...(headStage ? (bySegment.get(headStage) ?? []) : []), ...inHead];
  const headOps = [...new Set(headNodes.map((n) => n.op.kind as string))].join(" → ");
  boxes.push({
    id: "head",
    label: `${headStage?.name ?? "head"}\n${headOps || "output"}\n${output.name} ${formatReportShape(output.shape)}`,
    lane: undefined,
    kind: "head",
  });
  for (const lane of lanes) edges.push({ from: tail.get(lane)!, to: "head", lateral: false });
  return { name: graph.name, lanes, boxes, edges };
}

/**
 * A network without pathways: its stages (or their blocks) in a row, from the
 * input to the head, with a box for the layers written before or between
 * them; the head lists what runs after the last stage.
 */
function stagesInARow(
  graph: IRGraph,
  segments: readonly Segment[],
  { restOf, stageOf, bySegment }: WhereNodesRun,
  freshId: (base: string) => string,
  depth: DiagramDepth,
  boxes: DiagramBox[],
  edges: DiagramEdge[],
): Diagram {
  const nodeNamed = new Map(graph.nodes.map((n) => [n.name, n]));
  let last = "input";
  let inHead: IRNode[] = [];
  for (const segment of segments) {
    if (segment.kind === "outside") {
      const nodes = segment.outside.nodes.flatMap((name) => nodeNamed.get(name) ?? []);
      if (segment.last) inHead = nodes;
      if (segment.last || nodes.length === 0) continue;
      // Named apart from the stages' boxes ("stage_..."), the input and the head.
      const id = freshId(segment.after === undefined ? "input_layers" : `after_${segment.after.replace(/\W/g, "_")}`);
      boxes.push({
        id,
        label: `${describeLayers(nodes)}\n${formatReportShape(graph.values.get(nodes[nodes.length - 1]!.outputs[0]!)!.shape)}`,
        lane: undefined,
        kind: "step",
      });
      edges.push({ from: last, to: id, lateral: false });
      last = id;
      continue;
    }
    const stage = segment.stage;
    const own = bySegment.get(segment) ?? [];
    const groups = depth === "stage" ? [{ name: stage.name, nodes: own }] : groupBy(own, (n) => [stageOf(n), ...restOf(n).slice(0, 1)].join("."));
    for (const g of groups.filter((x) => x.nodes.length > 0)) {
      // Named apart from the input and head boxes, whatever the stages are called.
      const id = freshId(`stage_${g.name.replace(/\W/g, "_")}`);
      boxes.push({
        id,
        label: `${g.name}\n${formatReportShape(graph.values.get(g.nodes[g.nodes.length - 1]!.outputs[0]!)!.shape)}`,
        lane: undefined,
        kind: "step",
      });
      edges.push({ from: last, to: id, lateral: false });
      last = id;
    }
  }
  const output = graph.outputs[0]!;
  const after = [...new Set(inHead.map((n) => n.op.kind as string))].join(" → ");
  boxes.push({ id: "head", label: `${after ? `${after}\n` : ""}${output.name} ${formatReportShape(output.shape)}`, lane: undefined, kind: "head" });
  edges.push({ from: last, to: "head", lateral: false });
  return { name: graph.name, lanes: [], boxes, edges };
}

/**
 * Box ids, each once in the drawing: a second stage of one name, or a
 * second link into one lane in one stage, gets `_1`, then `_2`, ... The
 * input's and the head's are taken from the start.
 */
function idMaker(): (base: string) => string {
  const used = new Set(["input", "head"]);
  const next = new Map<string, number>();
  return (base) => {
    let id = base;
    for (let k = next.get(base) ?? 1; used.has(id); k++) {
      id = `${base}_${k}`;
      next.set(base, k + 1);
    }
    used.add(id);
    return id;
  };
}

interface WhereNodesRun {
  /** A node's name parts after its innermost stage's (`video`, `conv` of `s2.a.video.conv`); all of them outside the stages. */
  readonly restOf: (n: IRNode) => readonly string[];
  /** The name of the innermost stage a node runs in (`s2.a`); "" outside the stages. */
  readonly stageOf: (n: IRNode) => string;
  /** That stage's record: one of two stages of one name. */
  readonly runOf: (n: IRNode) => IRStage | undefined;
  /** The nodes of each part (a top-level stage with the stages nested in it, or layers outside the stages), in order. */
  readonly bySegment: Map<Segment, IRNode[]>;
}

function whereNodesRun(graph: IRGraph, segments: readonly Segment[]): WhereNodesRun {
  const places = placesOf(graph, segments);
  return {
    restOf: (n) => places.get(n)?.rest ?? n.name.split("."),
    stageOf: (n) => places.get(n)?.stage?.name ?? "",
    runOf: (n) => places.get(n)?.stage,
    bySegment: byKey(graph.nodes, (n) => places.get(n)?.segment),
  };
}

/** The nodes of `among` that feed `fusion`, in graph order: a walk back from its inputs. */
function feeding(fusion: IRNode, among: ReadonlySet<IRNode>, producer: ReadonlyMap<string, IRNode>, order: ReadonlyMap<IRNode, number>): IRNode[] {
  const found = new Set<IRNode>();
  const stack = [...fusion.inputs];
  while (stack.length > 0) {
    const n = producer.get(stack.pop()!);
    if (!n || n === fusion || found.has(n) || !among.has(n)) continue;
    found.add(n);
    stack.push(...n.inputs);
  }
  return [...found].sort((a, b) => order.get(a)! - order.get(b)!);
}

/** Runs of neighbouring items with one key (compared as ===), in order: a key that comes back later starts a new run. */
function runsOf<T, K>(items: readonly T[], key: (t: T) => K): T[][] {
  const out: T[][] = [];
  let last: K | undefined;
  for (const item of items) {
    const k = key(item);
    if (out.length > 0 && k === last) out[out.length - 1]!.push(item);
    else out.push([item]);
    last = k;
  }
  return out;
}

/** Runs of neighbouring items with one key, in order: a key that comes back later starts a new run. */
function groupBy<T>(items: readonly T[], key: (t: T) => string): Array<{ name: string; nodes: T[] }> {
  return runsOf(items, key).map((nodes) => ({ name: key(nodes[0]!), nodes }));
}

const dotString = (s: string): string => `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;

/** Graphviz DOT: left to right, one cluster per lane, laterals dashed and labelled. */
export function diagramToDot(d: Diagram): string {
  const lines = [
    `digraph ${dotString(d.name)} {`,
    `  label=${dotString(d.name)}; labelloc=t; fontname="Helvetica"; rankdir=LR; newrank=true; nodesep=0.5; ranksep=0.45;`,
    `  node [shape=box, style="rounded,filled", fillcolor="#ffffff", fontname="Helvetica", fontsize=11];`,
    `  edge [fontname="Helvetica", fontsize=9];`,
  ];
  const boxLine = (b: DiagramBox) => {
    if (b.kind === "fusion") {
      // A small mark where the lateral joins, its operation inside and the fused shape beside it.
      const [op, shape] = b.label.split("\n");
      return `${b.id} [label=${dotString(op === "sum" ? "+" : "C")}, tooltip=${dotString(`${op} → ${shape}`)}, shape=circle, fixedsize=true, width=0.32, fontsize=10, fillcolor="#fff3c4"];`;
    }
    const style = b.kind === "input" || b.kind === "head" ? `fillcolor="#e8e8e8"` : "";
    return `${b.id} [label=${dotString(b.label)}${style ? `, ${style}` : ""}];`;
  };
  // The input, and the steps of a network without pathways, outside every lane.
  for (const b of d.boxes.filter((x) => x.lane === undefined && x.kind !== "head")) lines.push(`  ${boxLine(b)}`);
  const inLane = byKey(d.boxes, (b) => b.lane);
  const colours = ["#dbe8f7", "#f7e1db", "#e1f2dc", "#efe3f5"];
  d.lanes.forEach((lane, i) => {
    lines.push(
      `  subgraph cluster_${lane.replace(/\W/g, "_")} {`,
      `    label=${dotString(`${capital(lane)} pathway`)}; style="rounded,filled"; color="${colours[i % colours.length]}"; fillcolor="${colours[i % colours.length]}";`,
    );
    for (const b of inLane.get(lane) ?? []) lines.push(`    ${boxLine(b)}`);
    lines.push("  }");
  });
  for (const b of d.boxes.filter((x) => x.lane === undefined && x.kind === "head")) lines.push(`  ${boxLine(b)}`);
  // Each lateral runs straight across the lanes: its source and its fusion point share a rank.
  for (const e of d.edges.filter((x) => x.lateral)) lines.push(`  { rank=same; ${e.from}; ${e.to}; }`);
  const fusions = new Map<string, DiagramBox>();
  for (const b of d.boxes) if (b.kind === "fusion" && !fusions.has(b.id)) fusions.set(b.id, b);
  for (const e of d.edges) {
    const attrs = e.lateral ? [`style=dashed`, `color="#c0392b"`, `fontcolor="#c0392b"`, `penwidth=1.4`] : [];
    if (e.label) attrs.push(`label=${dotString(e.label)}`);
    // What leaves a fusion point: the fused tensor, written on its way to the next stage.
    const fusion = e.lateral ? undefined : fusions.get(e.from);
    if (fusion) attrs.push(`label=${dotString(fusion.label.replace("\n", ": "))}`);
    lines.push(`  ${e.from} -> ${e.to}${attrs.length ? ` [${attrs.join(", ")}]` : ""};`);
  }
  lines.push("}");
  return `${lines.join("\n")}\n`;
}

const mermaidText = (s: string): string => `"${s.replace(/"/g, "#quot;").replace(/\n/g, "<br/>")}"`;

/** A Mermaid flowchart: one subgraph per lane, laterals as dotted labelled links. */
export function diagramToMermaid(d: Diagram): string {
  const lines = ["flowchart LR"];
  const box = (b: DiagramBox) => (b.kind === "fusion" ? `${b.id}((${mermaidText(b.label)}))` : `${b.id}[${mermaidText(b.label)}]`);
  for (const b of d.boxes.filter((x) => x.lane === undefined && x.kind !== "head")) lines.push(`  ${box(b)}`);
  const inLane = byKey(d.boxes, (b) => b.lane);
  for (const lane of d.lanes) {
    lines.push(`  subgraph ${lane.replace(/\W/g, "_")}_lane[${mermaidText(`${capital(lane)} pathway`)}]`, "    direction LR");
    for (const b of inLane.get(lane) ?? []) lines.push(`    ${box(b)}`);
    lines.push("  end");
  }
  for (const b of d.boxes.filter((x) => x.kind === "head")) lines.push(`  ${box(b)}`);
  for (const e of d.edges) lines.push(e.lateral ? `  ${e.from} -. ${mermaidText(e.label ?? "")} .-> ${e.to}` : `  ${e.from} --> ${e.to}`);
  return `${lines.join("\n")}\n`;
}
