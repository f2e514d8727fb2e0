/** `sfc info`: per-stage shapes, parameters and FLOPs of one network, from the graph IR. */
import { elaborateOnly } from "../compiler/index";
import { nodeHost } from "../compiler/host/node";
import { countGraph } from "../compiler/report/counts";
import { formatShape, formatVideoShape } from "../compiler/shapes";
import { inferenceGraph } from "../compiler/passes/index";
import { printDiagnostics, requireSource, UsageError, type Io } from "./io";
import { limitsOf, settingsOf, version } from "./common";
import { INFO } from "./commands";
import { parseCommand } from "./options";

const formatStageShape = (shape: readonly number[]): string => (shape.length === 4 ? formatVideoShape(shape) : formatShape(shape));

const thousands = (n: number): string => n.toLocaleString("en-US");

export function infoCommand(argv: string[], io: Io): number {
  const { values, positionals } = parseCommand(INFO, argv);
  if (positionals.length !== 1) throw new UsageError("sfc info takes one FILE.sf");
  const format = values.format ?? "table";
  if (format !== "table" && format !== "json") throw new UsageError(`unknown --format ${JSON.stringify(format)}: use table or json`);
  const host = nodeHost();
  requireSource(host, positionals[0]!);
  const result = elaborateOnly({ file: positionals[0]!, host, network: values.network, settings: settingsOf(values), limits: limitsOf(values) });
  // JSON asked for is JSON throughout: the diagnostics too (on stdout), as `sfc check --format json` writes them.
  const failed = !result.graph || !result.ok;
  printDiagnostics(io, format === "json" && failed ? "json" : "human", result.diagnostics, result.sources, version());
  // Any error (a garbage --set included) fails the command: no table built from defaults.
  if (!result.graph || failed) return 1;
  const graph = result.graph;
  const counts = countGraph(graph, { countBn: values["count-bn"] ?? false });
  const passes = inferenceGraph(graph, { keepBn: values["keep-bn"] ?? false }).report;
  const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;
  const passesLine =
    `inference graph: ${plural(passes.foldedBatchNorms.length, "batch norm", "batch norms")} folded into convolutions` +
    `${passes.keptBatchNorms > 0 ? `, ${passes.keptBatchNorms} kept${values["keep-bn"] ? " (--keep-bn)" : ""}` : ""}` +
    `, ${plural(passes.removedDropouts.length, "dropout", "dropouts")} removed, ${plural(passes.mergedReshapes.length, "reshape pair", "reshape pairs")} merged`;
  const pathways = [...new Set(counts.rows.flatMap((r) => r.outputs.map((o) => o.pathway)))];
  if (format === "json") {
    io.out(
      `${JSON.stringify(
        {
          network: graph.name,
          inputs: graph.inputs.map((i) => ({ name: i.name, shape: ["N", ...i.shape] })),
          outputs: graph.outputs.map((o) => ({ name: o.name, shape: ["N", ...o.shape] })),
          params: counts.params,
          flops: counts.flops,
          gflops: Number((counts.flops / 1e9).toFixed(2)),
          countsBatchNorm: values["count-bn"] ?? false,
          passes: {
            foldedBatchNorms: passes.foldedBatchNorms,
            keptBatchNorms: passes.keptBatchNorms,
            removedDropouts: passes.removedDropouts,
            mergedReshapes: passes.mergedReshapes,
          },
          stages: counts.rows.map((r) => ({ stage: r.stage, outputs: Object.fromEntries(r.outputs.map((o) => [o.pathway, o.shape])), params: r.params, flops: r.flops })),
        },
        null,
        2,
      )}\n`,
    );
    return 0;
  }
  const header = ["stage", ...pathways.map((p) => `${p} (T×S², C)`), "params", "GFLOPs"];
  const rows = counts.rows.map((r) => [
    r.stage,
    ...pathways.map((p) => {
      const o = r.outputs.find((x) => x.pathway === p);
      return o ? formatStageShape(o.shape) : "";
    }),
    thousands(r.params),
    (r.flops / 1e9).toFixed(2),
  ]);
  rows.push(["total", ...pathways.map(() => ""), thousands(counts.params), (counts.flops / 1e9).toFixed(2)]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 || i <= pathways.length ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ").trimEnd();
  io.out(`${graph.name}: input ${graph.inputs.map((i) => `${i.name} (N, ${i.shape.join(", ")})`).join(", ")} → ${graph.outputs[0]!.name} (N, ${graph.outputs[0]!.shape.join(", ")})\n`);
  io.out(`FLOPs: multiply-adds of conv, linear and matmul layers for one view${values["count-bn"] ? ", batch norm included" : ", batch norm not counted"}\n\n`);
  io.out(`${line(header)}\n${widths.map((w) => "-".repeat(w)).join("  ")}\n`);
  for (const r of rows) io.out(`${line(r)}\n`);
  io.out(`\n${passesLine}\n`);
  return 0;
}
