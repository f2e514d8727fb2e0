/** `sfc graph`: the network as a picture (DOT, SVG through Graphviz, or Mermaid), from the graph IR. */
import { elaborateOnly } from "../compiler/index";
import { buildDiagram, diagramToDot, diagramToMermaid, type DiagramDepth } from "../compiler/report/diagram";
import { limitsOf, settingsOf, version } from "./common";
import { cliHost } from "./prebuilt-stdlib";
import { GRAPH } from "./commands";
import { checkOutputPath, inputsOf, printDiagnostics, requireSource, UsageError, writeAtomically, type Io } from "./io";
import { parseCommand } from "./options";

const FORMATS = ["dot", "svg", "mermaid"] as const;
type GraphFormat = (typeof FORMATS)[number];
const DEPTHS: readonly DiagramDepth[] = ["stage", "block"];

/** SVG from DOT by Graphviz compiled to WebAssembly (@hpcc-js/wasm-graphviz), loaded only here. */
export async function renderSvg(dot: string): Promise<string> {
  const { Graphviz } = await import("@hpcc-js/wasm-graphviz");
  const graphviz = await Graphviz.load();
  return graphviz.dot(dot, "svg");
}

export async function graphCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommand(GRAPH, argv);
  if (positionals.length !== 1) throw new UsageError("sfc graph takes one FILE.sf");
  const format = FORMATS.find((f) => f === (values.format ?? "dot"));
  if (format === undefined) throw new UsageError(`unknown --format ${JSON.stringify(values.format)}: use ${FORMATS.join(", ")}`);
  const depth = DEPTHS.find((d) => d === (values.depth ?? "stage"));
  if (depth === undefined) throw new UsageError(`unknown --depth ${JSON.stringify(values.depth)}: use ${DEPTHS.join(" or ")}`);
  if (values.output) checkOutputPath(values.output, [positionals[0]!]);
  const host = cliHost();
  requireSource(host, positionals[0]!);
  const result = elaborateOnly({ file: positionals[0]!, host, network: values.network, settings: settingsOf(values), limits: limitsOf(values) });
  printDiagnostics(io, "human", result.diagnostics, result.sources, version());
  if (!result.graph || !result.ok) return 1;
  const diagram = buildDiagram(result.graph, depth);
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
