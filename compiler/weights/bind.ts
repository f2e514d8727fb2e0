/**
 * Matching a checkpoint to the graph IR: every IR weight, renamed by the
 * chosen map, must be in the checkpoint with the IR's shape. Each missing,
 * unexpected or mis-shaped tensor gets a diagnostic of its own.
 */
import { makeDiagnostic, type Diagnostic } from "../diagnostics/diagnostic";
import type { IRGraph } from "../ir";
import { elementCount, formatShape, sameShape } from "../shapes";
import type { Span } from "../span";
import type { NameMap } from "./names";
import type { LazyBytes } from "../emit/onnx";
import { toFloat32Bytes, type Checkpoint } from "./tensor";

const FLOATS = new Set(["float32", "float64", "float16", "bfloat16"]);

/** Bookkeeping tensors that carry no weight. */
function isIgnored(name: string): boolean {
  return name.endsWith("num_batches_tracked");
}


export function bindCheckpoint(
  graph: IRGraph,
  checkpoint: Checkpoint,
  names: NameMap,
  where: Span,
  diagnostics: Diagnostic[],
): Map<string, LazyBytes> {
  // Bytes are taken only when the emitter writes them: one tensor in memory at a time.
  const bound = new Map<string, LazyBytes>();
  const used = new Set<string>();
  for (const node of graph.nodes) {
    for (const w of node.weights) {
      const external = names.apply(w.name);
      const t = checkpoint.tensors.get(external);
      if (!t) {
        diagnostics.push(
          makeDiagnostic("SF0401", node.span, {
            message: `the checkpoint has no \`${external}\` for ${w.name} ${formatShape(w.shape)}`,
            label: `\`${node.name}\` needs it`,
            related: [{ span: where, label: "this checkpoint" }],
          }),
        );
        continue;
      }
      used.add(external);
      const same = sameShape(t.shape, w.shape);
      if (!same) {
        diagnostics.push(
          makeDiagnostic("SF0403", node.span, {
            message: `\`${external}\` has shape ${formatShape(t.shape)}, expected ${formatShape(w.shape)}`,
            label: `\`${node.name}\` expects ${formatShape(w.shape)}`,
            related: [{ span: where, label: "this checkpoint" }],
            notes: [`expected ${formatShape(w.shape)}`, `   found ${formatShape(t.shape)}`],
          }),
        );
        continue;
      }
      if (!FLOATS.has(t.dtype)) {
        diagnostics.push(makeDiagnostic("SF0403", node.span, { message: `\`${external}\` holds ${t.dtype}; weights are floating point`, label: "unusable tensor", related: [{ span: where, label: "this checkpoint" }] }));
        continue;
      }
      bound.set(w.name, { byteLength: elementCount(w.shape) * 4, read: () => toFloat32Bytes(t) });
    }
  }
  for (const name of [...checkpoint.tensors.keys()].sort()) {
    if (used.has(name) || isIgnored(name)) continue;
    const t = checkpoint.tensors.get(name)!;
    diagnostics.push(
      makeDiagnostic("SF0402", where, {
        message: `the checkpoint's \`${name}\` ${formatShape(t.shape)} matches no weight of \`${graph.name}\``,
        label: "unexpected tensor",
        help: "check the weight-name map (--weight-names) and the network's parameters",
      }),
    );
  }
  return bound;
}
