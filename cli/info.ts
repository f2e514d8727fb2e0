/** `sfc info`: shapes, parameters, multiply-adds and activations of one network, by stage, block or layer, from the graph IR. */
import { elaborateOnly } from "../compiler/index";
import { DEPTHS, reportGraph, type Depth, type Figures, type Report } from "../compiler/report/table";
import { formatReportShape, writtenVideo } from "../compiler/shapes";
import { inferenceGraph } from "../compiler/passes/index";
import { printDiagnostics, requireSource, UsageError, type Io } from "./io";
import { compileFromArgs, positiveIntOption, limitsOf, settingsOf, version } from "./common";
import { cliHost } from "./prebuilt-stdlib";
import { nodeParams } from "../compiler/report/counts";
import { symbolicFlops } from "../compiler/report/symbolic-counts";
import { INFO } from "./commands";
import { parseCommand } from "./options";
import { parametersJson } from "../compiler/metadata";
import { counted, thousands } from "../compiler/thousands";
import { graphOutputs } from "../compiler/ir";

/** A shape as the table writes it: a video [C, T, H, W] as [T, H, W, C] (the paper's <T, S², C>), a vector as it is. */
export function tableOrder(shape: readonly number[]): number[] {
  if (shape.length !== 4) return [...shape];
  const v = writtenVideo(shape);
  return [v.frames, v.height, v.width, v.channels];
}

const giga = (n: number): string => (n / 1e9).toFixed(2);
const mega = (n: number): string => (n / 1e6).toFixed(2);

/** PySlowFast's test protocol: 3 spatial crops × 10 temporal clips. */
const PYSLOWFAST_VIEWS = 30;

function parseDepth(value: string | undefined): Depth {
  const depth = DEPTHS.find((d) => d === (value ?? "stage"));
  if (depth === undefined) throw new UsageError(`unknown --depth ${JSON.stringify(value)}: use ${DEPTHS.join(", ")}`);
  return depth;
}

type ParameterJson = number | string | boolean | null;

/**
 * `parameters: T = 4, α = 8, ..., transform = tconv(k: 5, ratio: 2)`, wrapped
 * under its label at 100 columns: the values the table was built with, a
 * setting's and an alias's included, as the ONNX metadata records them.
 */
export function parametersText(parameters: Record<string, ParameterJson>): string {
  const label = "parameters: ";
  const items = Object.entries(parameters).map(([name, v]) => `${name} = ${v === null ? "?" : String(v)}`);
  if (items.length === 0) return "";
  const lines: string[] = [];
  let line = label;
  items.forEach((item, i) => {
    const text = i < items.length - 1 ? `${item},` : item;
    if (line.length > label.length && line.length + 1 + text.length > 100) {
      lines.push(line);
      line = " ".repeat(label.length) + text;
    } else line += line.length > label.length ? ` ${text}` : text;
  });
  lines.push(line);
  return `${lines.join("\n")}\n`;
}

function figuresJson(f: Figures) {
  return { params: f.params, flops: f.flops, activations: f.activations };
}

export function infoCommand(argv: string[], io: Io): number {
  const { values, positionals } = parseCommand(INFO, argv);
  if (positionals.length !== 1) throw new UsageError("sfc info takes one FILE.sf");
  const format = values.format ?? "table";
  if (format !== "table" && format !== "json") throw new UsageError(`unknown --format ${JSON.stringify(format)}: use table or json`);
  const depth = parseDepth(values.depth);
  const views = values.views === undefined ? undefined : positiveIntOption("views", values.views, 1);
  const host = cliHost();
  requireSource(host, positionals[0]!);
  const result = elaborateOnly({ file: positionals[0]!, host, network: values.network, settings: settingsOf(values), limits: limitsOf(values) });
  // JSON asked for is JSON throughout: the diagnostics too (on stdout), as `sfc check --format json` writes them.
  const failed = !result.graph || !result.ok;
  printDiagnostics(io, format === "json" && failed ? "json" : "human", result.diagnostics, result.sources, version());
  // Any error (a garbage --set included) fails the command: no table built from defaults.
  if (!result.graph || failed) return 1;
  const graph = result.graph;
  const countBn = values["count-bn"] ?? false;
  const report = reportGraph(graph, { depth, countBn });
  const passes = inferenceGraph(graph, { keepBn: values["keep-bn"] ?? false }).report;
  const passesLine =
    `inference graph: ${counted(passes.foldedBatchNorms.length, "batch norm")} folded into convolutions` +
    `${passes.keptBatchNorms > 0 ? `, ${passes.keptBatchNorms} kept${values["keep-bn"] ? " (--keep-bn)" : ""}` : ""}` +
    `, ${counted(passes.removedDropouts.length, "dropout")} removed, ${counted(passes.mergedReshapes.length, "reshape pair")} merged`;
  const symbolic = values.dynamic === undefined ? undefined : dynamicFormulas(positionals[0]!, values, io);
  if (symbolic === null) return 1;
  const parameters = JSON.parse(parametersJson(result.networks[0]?.params ?? [], new Set())) as Record<string, ParameterJson>;
  if (format === "json") {
    io.out(
      `${JSON.stringify(
        {
          network: graph.name,
          inputs: graph.inputs.map((i) => ({ name: i.name, shape: ["N", ...i.shape] })),
          outputs: graphOutputs(graph).map(({ name, value }) => ({ name, shape: ["N", ...value.shape] })),
          // The parameters it was built with, as the ONNX metadata records them (a block as it reads: "tconv(k: 5, ratio: 2)").
          parameters,
          depth,
          ...figuresJson(report.total),
          gflops: Number(giga(report.total.flops)),
          paramBytes: report.paramBytes,
          countsBatchNorm: countBn,
          ...(symbolic ? { dynamic: symbolic } : {}),
          byPathway: Object.fromEntries(report.split.map((s) => [s.part, figuresJson(s)])),
          ...(views === undefined ? {} : { views, overViews: { flops: report.total.flops * views, activations: report.total.activations * views } }),
          passes: {
            foldedBatchNorms: passes.foldedBatchNorms,
            keptBatchNorms: passes.keptBatchNorms,
            removedDropouts: passes.removedDropouts,
            mergedReshapes: passes.mergedReshapes,
          },
          // Shapes in the table's order: [T, H, W, C] for video, [C] for vectors.
          rows: report.rows.map((r) => ({
            name: r.name,
            stage: r.stage,
            ...(r.pathway === undefined ? {} : { pathway: r.pathway }),
            ...(r.op === undefined ? {} : { op: r.op }),
            outputs: Object.fromEntries(r.outputs.map((o) => [o.pathway, tableOrder(o.shape)])),
            ...figuresJson(r),
          })),
        },
        null,
        2,
      )}\n`,
    );
    return 0;
  }
  io.out(
    `${graph.name}: input ${graph.inputs.map((i) => `${i.name} (N, ${i.shape.join(", ")})`).join(", ")} → ${graphOutputs(graph)[0]!.name} (N, ${graph.outputs[0]!.shape.join(", ")})\n`,
  );
  io.out(parametersText(parameters));
  printTable(io, report, { countBn, views });
  io.out(`${passesLine}\n`);
  if (symbolic) {
    io.out(`\nwith ${symbolic.parameters.join(", ")} dynamic:\n`);
    io.out(`  params: ${thousands(symbolic.params)} for every ${symbolic.parameters.join(", ")}\n`);
    io.out(`  multiply-adds: ${symbolic.flops}\n`);
    io.out(`  smallest: ${symbolic.smallest.map((m) => `${m.parameter} ≥ ${m.min} (${m.input} ${m.axis} ≥ ${m.size})`).join(", ")}\n`);
    for (const text of symbolic.requires) io.out(`  requires: ${text}\n`);
  }
  return 0;
}

/**
 * --dynamic: the network compiled with those parameters symbolic (refused as
 * `sfc compile --dynamic` refuses), its multiply-adds as a formula in them.
 * Null after an error, which has been printed.
 */
function dynamicFormulas(
  file: string,
  values: Parameters<typeof compileFromArgs>[1] & { "count-bn"?: boolean },
  io: Io,
): {
  parameters: string[];
  params: number;
  flops: string;
  smallest: Array<{ parameter: string; min: number; input: string; axis: string; size: number }>;
  requires: string[];
} | null {
  const compiled = compileFromArgs(file, values);
  if (!compiled.dynamic || !compiled.elaborated) {
    printDiagnostics(io, "human", compiled.diagnostics, compiled.sources, version());
    return null;
  }
  const plan = compiled.dynamic;
  const params = compiled.elaborated.nodes.reduce((s, n) => s + nodeParams(n), 0);
  const flops = symbolicFlops(compiled.elaborated, plan.dims, values["count-bn"] ?? false).flops;
  const req = plan.requirements;
  // The smallest valid value of each parameter (compiler/dynamic/smallest.ts) and the input size it means.
  const smallest = Object.entries(req.parameters).map(([parameter, read]) => ({
    parameter,
    min: read.min,
    input: read.input,
    axis: read.name ?? `axis ${read.axis}`,
    size: read.scale * read.min + read.offset,
  }));
  const requires = req.constraints.filter((c) => c.kind !== "min").map((c) => c.text);
  return { parameters: [...plan.names], params, flops: flops.toString(), smallest, requires };
}

function printTable(io: Io, report: Report, options: { countBn: boolean; views: number | undefined }): void {
  const stageDepth = report.depth === "stage";
  const pathways = stageDepth ? [...new Set(report.rows.flatMap((r) => r.outputs.map((o) => o.pathway)))] : [];
  const shapeColumns = stageDepth ? pathways.map((p) => `${p} (T×S², C)`) : ["output (T×S², C)"];
  const header = [report.depth, ...(report.depth === "layer" ? ["op"] : []), ...shapeColumns, "params", "GFLOPs", "activations (M)"];
  const rows = report.rows.map((r) => [
    r.name,
    ...(report.depth === "layer" ? [r.op ?? ""] : []),
    ...(stageDepth
      ? pathways.map((p) => {
          const o = r.outputs.find((x) => x.pathway === p);
          return o ? formatReportShape(o.shape) : "";
        })
      : [r.outputs[0] ? formatReportShape(r.outputs[0].shape) : ""]),
    thousands(r.params),
    giga(r.flops),
    mega(r.activations),
  ]);
  const textColumns = header.length - 3;
  rows.push([
    "total",
    ...Array.from({ length: textColumns - 1 }, () => ""),
    thousands(report.total.params),
    giga(report.total.flops),
    mega(report.total.activations),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i < textColumns ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join("  ")
      .trimEnd();
  io.out(
    `FLOPs: multiply-adds of conv, linear and matmul layers for one view${options.countBn ? ", batch norm included" : ", batch norm not counted"}; activations: their output elements\n\n`,
  );
  io.out(`${line(header)}\n${widths.map((w) => "-".repeat(w)).join("  ")}\n`);
  for (const r of rows) io.out(`${line(r)}\n`);
  const share = (n: number) => (report.total.flops === 0 ? "0" : ((100 * n) / report.total.flops).toFixed(1));
  io.out(`\nGFLOPs by part: ${report.split.map((s) => `${s.part} ${giga(s.flops)} (${share(s.flops)} %)`).join(", ")}\n`);
  const memory = report.paramBytes < 2 ** 20 ? `${(report.paramBytes / 2 ** 10).toFixed(1)} KiB` : `${(report.paramBytes / 2 ** 20).toFixed(1)} MiB`;
  io.out(`parameter memory: ${memory} as float32 (${thousands(report.total.params)} parameters × 4 bytes)\n`);
  if (options.views !== undefined) {
    const protocol = options.views === PYSLOWFAST_VIEWS ? " (PySlowFast's test protocol: 3 spatial × 10 temporal)" : "";
    io.out(
      `over ${options.views} views${protocol}: ${giga(report.total.flops * options.views)} GFLOPs, ${mega(report.total.activations * options.views)} M activations\n`,
    );
  }
}
