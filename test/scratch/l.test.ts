import { test } from "vitest";
import { check } from "../../compiler/index";
import { loadStdlib } from "../../compiler/host/node";
test("x", () => {
  const files: Record<string, string> = { "a.sf": `import std.slowfast\n` };
  const stdlib = loadStdlib();
  const r = check({ files: ["std/slowfast.sf"], host: { stdlib, readFile: (p) => p.startsWith("std/") ? stdlib.get(p.slice(4, -3)) : files[p] }, settings: [{ text: "S=256" }] });
  for (const d of r.diagnostics) console.log(JSON.stringify({ code: d.code, msg: d.message, at: `${d.primary.span.file}:${d.primary.span.line}:${d.primary.span.column}`, label: d.primary.label, rel: d.related.map((x) => `${x.span.file}:${x.span.line}:${x.span.column} ${x.label}`), notes: d.notes, help: d.help }));
  for (const n of r.networks) {
    const g = n.graph;
    if (!g) { console.log(n.name, "no graph"); continue; }
    let params = 0, flops = 0;
    for (const node of g.nodes) {
      for (const w of node.weights) if (!w.buffer) params += w.shape.reduce((a, b) => a * b, 1);
      const out = g.values.get(node.outputs[0]!)!.shape.reduce((a, b) => a * b, 1);
      if (node.op.kind === "conv") { const w = node.weights[0]!.shape; flops += out * w[1]! * w[2]! * w[3]! * w[4]!; }
      if (node.op.kind === "linear") flops += node.weights[0]!.shape[0]! * node.weights[0]!.shape[1]!;
    }
    console.log(n.name, params, (flops / 1e9).toFixed(2), g.nodes.length);
  }
});
