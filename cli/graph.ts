/** `sfc graph`: the network as a picture (DOT, SVG through Graphviz, or Mermaid), from the graph IR. */
import { elaborateOnly } from "../compiler/index";
import { raiseHint, withLimits, type Limits } from "../compiler/limits";
import { buildDiagram, diagramToDot, diagramToMermaid, type Diagram, type DiagramDepth } from "../compiler/report/diagram";
import { thousands } from "../compiler/thousands";
import { limitsOf, settingsOf, version } from "./common";
import { cliHost } from "./prebuilt-stdlib";
import { GRAPH } from "./commands";
import { checkOutputBeforeWork, inputsOf, printDiagnostics, requireSource, UsageError, writeAtomically, type Io } from "./io";
import { parseCommand } from "./options";

const FORMATS = ["dot", "svg", "mermaid"] as const;
type GraphFormat = (typeof FORMATS)[number];
const DEPTHS: readonly DiagramDepth[] = ["stage", "block"];

/**
 * SVG from DOT by Graphviz compiled to WebAssembly (@hpcc-js/wasm-graphviz), loaded only here. Its failing,
 * whether on the DOT or for want of memory, is a usage error that says so rather than an internal one.
 */
export async function renderSvg(dot: string): Promise<string> {
  try {
    const { Graphviz } = await import("@hpcc-js/wasm-graphviz");
    const graphviz = await Graphviz.load();
    return graphviz.dot(dot, "svg");
  } catch (e) {
    const why = (e instanceof Error ? e.message : String(e)).trim().split("\n")[0] || "no reason given";
    throw new UsageError(`Graphviz could not draw the SVG (${why}); write the drawing with --format dot or --format mermaid`);
  }
}

/** Pathways an SVG may draw, per unit of the svg-items limit: each is a cluster, and Graphviz's layout of clusters linked side by side grows fastest. */
const SVG_ITEMS_PER_LANE = 40;

/**
 * Refuses, before Graphviz sees it, a drawing whose layout would take minutes or exhaust its memory (SF0609):
 * more boxes and links than the limit, or more pathways than a fortieth of it.
 */
function checkSvgSize(diagram: Diagram, depth: DiagramDepth, limits: Limits): void {
  const items = diagram.boxes.length + diagram.edges.length;
  const lanes = diagram.lanes.length;
  const maxLanes = Math.floor(limits.svgItems / SVG_ITEMS_PER_LANE);
  if (items <= limits.svgItems && lanes <= maxLanes) return;
  const instead = depth === "block" ? "--format dot or mermaid, or --depth stage" : "--format dot or mermaid";
  const what =
    items > limits.svgItems
      ? `${thousands(items)} boxes and links`
      : `${thousands(lanes)} pathways (at most ${thousands(maxLanes)}, one for each ${SVG_ITEMS_PER_LANE} of the limit)`;
  throw new UsageError(
    `error[SF0609]: the drawing has ${what}, too many for Graphviz to lay out as SVG; write it with ${instead}; ${raiseHint("svgItems", limits)}`,
  );
}

export async function graphCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommand(GRAPH, argv);
  if (positionals.length !== 1) throw new UsageError("sfc graph takes one FILE.sf");
  const format = FORMATS.find((f) => f === (values.format ?? "dot"));
  if (format === undefined) throw new UsageError(`unknown --format ${JSON.stringify(values.format)}: use ${FORMATS.join(", ")}`);
  const depth = DEPTHS.find((d) => d === (values.depth ?? "stage"));
  if (depth === undefined) throw new UsageError(`unknown --depth ${JSON.stringify(values.depth)}: use ${DEPTHS.join(" or ")}`);
  const host = cliHost();
  // The source first: with both it and the output's folder missing, the source is the first thing to say.
  requireSource(host, positionals[0]!);
  if (values.output) checkOutputBeforeWork(values.output, [positionals[0]!]);
  const limits = withLimits(limitsOf(values));
  const result = elaborateOnly({ file: positionals[0]!, host, network: values.network, settings: settingsOf(values), limits });
  printDiagnostics(io, "human", result.diagnostics, result.sources, version());
  if (!result.graph || !result.ok) return 1;
  const diagram = buildDiagram(result.graph, depth);
  if (format === "svg") checkSvgSize(diagram, depth, limits);
  const text = await render(format, diagram);
  if (values.output) writeAtomically(values.output, new TextEncoder().encode(text), inputsOf(result.sources, positionals[0]));
  else io.out(text);
  return 0;
}

async function render(format: GraphFormat, diagram: ReturnType<typeof buildDiagram>): Promise<string> {
  switch (format) {
    case "dot":
      return diagramToDot(diagram);
    case "mermaid":
      return diagramToMermaid(diagram);
    case "svg":
      return renderSvg(diagramToDot(diagram));
  }
}
