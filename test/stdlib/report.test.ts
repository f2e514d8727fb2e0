/**
 * `sfc info`'s report at every depth, against the graph IR: each layer row's
 * figures recomputed here from the node's weights and shapes, every depth
 * summing to the same totals, and those totals the counts pinned in
 * counts.test.ts.
 */
import { describe, expect, it } from "vitest";
import { elaborateOnly } from "../../compiler/index";
import { nodeHost } from "../../compiler/host/node";
import { countGraph } from "../../compiler/report/counts";
import { DEPTHS, reportGraph, type Figures } from "../../compiler/report/table";
import type { IRGraph, IRNode } from "../../compiler/ir";
import { main } from "../../cli/main";

function graphOf(network: string, settings: string[] = ["S=256"]): IRGraph {
  const r = elaborateOnly({ file: "std/slowfast.sf", host: nodeHost(), network, settings: settings.map((text) => ({ text })) });
  expect(r.diagnostics).toEqual([]);
  return r.graph!;
}

const product = (xs: readonly number[]): number => xs.reduce((a, b) => a * b, 1);
const sum = (rows: readonly Figures[]): Figures =>
  rows.reduce((a, r) => ({ params: a.params + r.params, flops: a.flops + r.flops, activations: a.activations + r.activations }), {
    params: 0,
    flops: 0,
    activations: 0,
  });

/** The figures of one node, from first principles: the paper's multiply-adds, fvcore's activations. */
function expected(graph: IRGraph, node: IRNode): Figures {
  const out = graph.values.get(node.outputs[0]!)!.shape;
  const params = node.weights.filter((w) => !w.buffer).reduce((s, w) => s + product(w.shape), 0);
  switch (node.op.kind) {
    case "conv": {
      const w = node.weights[0]!.shape; // [out, in / groups, kt, kh, kw]
      return { params, flops: product(out) * product(w.slice(1)), activations: product(out) };
    }
    case "linear": {
      const w = node.weights[0]!.shape;
      return { params, flops: product(w) * (out.length > 1 ? product(out.slice(0, -1)) : 1), activations: product(out) };
    }
    case "matmul": {
      const a = graph.values.get(node.inputs[0]!)!.shape;
      return { params, flops: product(out) * a[a.length - 1]!, activations: product(out) };
    }
    default:
      return { params, flops: 0, activations: 0 };
  }
}

const PINNED: Array<[string, number, string]> = [
  ["SlowFast_4x16_R50", 34_480_216, "36.10"],
  ["SlowFast_8x8_R101", 62_826_968, "125.91"],
  ["Slow_4x16_R50", 32_454_096, "27.26"],
  ["SlowFast_16x8_R101_50_50_NL", 60_080_088, "233.96"],
];

describe("sfc info's report", () => {
  for (const [network, params, gflops] of PINNED) {
    it(`${network}: every layer row is its node's figures, and every depth sums to ${params.toLocaleString("en-US")} parameters and ${gflops} GFLOPs`, () => {
      const graph = graphOf(network);
      const layer = reportGraph(graph, { depth: "layer" });
      expect(layer.rows).toHaveLength(graph.nodes.length);
      layer.rows.forEach((row, i) => {
        const node = graph.nodes[i]!;
        expect(row.name).toBe(node.name);
        expect({ params: row.params, flops: row.flops, activations: row.activations }).toEqual(expected(graph, node));
        expect(row.outputs[0]!.shape).toEqual(graph.values.get(node.outputs[0]!)!.shape);
      });
      const counts = countGraph(graph);
      for (const depth of DEPTHS) {
        const report = reportGraph(graph, { depth });
        expect(sum(report.rows), depth).toEqual(layer.total);
        expect(report.total).toEqual(layer.total);
        expect(sum(report.split)).toEqual(layer.total);
      }
      expect(layer.total.params).toBe(params);
      expect((layer.total.flops / 1e9).toFixed(2)).toBe(gflops);
      expect({ params: layer.total.params, flops: layer.total.flops }).toEqual({ params: counts.params, flops: counts.flops });
      expect(layer.paramBytes).toBe(4 * params);
      // Stage rows are counts.ts's stage rows.
      const stages = reportGraph(graph, { depth: "stage" }).rows;
      expect(stages.map((r) => [r.name, r.params, r.flops])).toEqual(counts.rows.map((r) => [r.stage, r.params, r.flops]));
    });
  }

  it("splits the work by pathway as the node names place it", () => {
    const graph = graphOf("SlowFast_4x16_R50");
    const split = new Map(reportGraph(graph).split.map((s) => [s.part, s]));
    const of = (test: (name: string) => boolean) => sum(graph.nodes.filter((n) => test(n.name)).map((n) => expected(graph, n)));
    expect(split.get("slow")).toMatchObject(of((n) => n.split(".")[1] === "slow" || n.startsWith("slow.")));
    expect(split.get("fast")).toMatchObject(of((n) => n.split(".")[1] === "fast" || n.startsWith("fast.")));
    expect(split.get("lateral")).toMatchObject(of((n) => /^s\d\.(fuse|slow_fuse)/.test(n)));
    expect(split.get("head")).toMatchObject(of((n) => n.startsWith("head.")));
    expect([...split.keys()]).toEqual(["slow", "fast", "lateral", "head"]);
  });

  it("gives blocks as PySlowFast's modules: a residual block's row holds its three convs, its shortcut and their norms", () => {
    const graph = graphOf("SlowFast_4x16_R50");
    const blocks = reportGraph(graph, { depth: "block" }).rows;
    const res0 = blocks.find((b) => b.name === "s2.slow.res0")!;
    expect(res0).toMatchObject({ stage: "s2", pathway: "slow" });
    expect(res0.params).toBe(sum(graph.nodes.filter((n) => n.name.startsWith("s2.slow.res0.")).map((n) => expected(graph, n))).params);
    expect(res0.outputs[0]!.shape).toEqual([256, 4, 64, 64]);
    expect(blocks.filter((b) => b.stage === "s4" && b.pathway === "slow")).toHaveLength(6);
  });
});

describe("sfc info on the command line", () => {
  async function info(...args: string[]): Promise<{ code: number; out: string }> {
    let out = "";
    const code = await main(["info", "std/slowfast.sf", "--network", "SlowFast_4x16_R50", "--set", "S=256", ...args], {
      out: (t) => (out += t),
      err: () => undefined,
      colorOut: false,
      colorErr: false,
    });
    return { code, out };
  }

  it("JSON has the table's fields, shapes in the table's order, and the totals over views", async () => {
    const graph = graphOf("SlowFast_4x16_R50");
    for (const depth of DEPTHS) {
      const r = await info("--depth", depth, "--format", "json", "--views", "30");
      expect(r.code).toBe(0);
      const json = JSON.parse(r.out);
      const report = reportGraph(graph, { depth });
      expect(json.depth).toBe(depth);
      expect({ params: json.params, flops: json.flops, activations: json.activations }).toEqual(report.total);
      expect(json.paramBytes).toBe(report.paramBytes);
      expect(json.views).toBe(30);
      expect(json.overViews).toEqual({ flops: 30 * report.total.flops, activations: 30 * report.total.activations });
      expect(Object.keys(json.byPathway)).toEqual(["slow", "fast", "lateral", "head"]);
      expect(json.rows).toHaveLength(report.rows.length);
      json.rows.forEach((row: { name: string; params: number; flops: number; activations: number; outputs: Record<string, number[]> }, i: number) => {
        const want = report.rows[i]!;
        expect(row).toMatchObject({ name: want.name, params: want.params, flops: want.flops, activations: want.activations });
        for (const o of want.outputs) {
          const s = o.shape;
          expect(row.outputs[o.pathway]).toEqual(s.length === 4 ? [s[1], s[2], s[3], s[0]] : s);
        }
      });
    }
  });

  it("the table prints the same figures, the split, the parameter memory and the 30-view totals", async () => {
    const r = await info("--views", "30");
    expect(r.out).toMatch(/^s2 +32×64², 32 +4×64², 320 +236,128 +4\.33 +47\.19$/m);
    expect(r.out).toMatch(/^total +34,480,216 +36\.10 +118\.23$/m);
    expect(r.out).toMatch(/^GFLOPs by part: slow 28\.68 \(79\.5 %\), fast 6\.90 \(19\.1 %\), lateral 0\.51 \(1\.4 %\), head 0\.00 \(0\.0 %\)$/m);
    expect(r.out).toMatch(/^parameter memory: 131\.5 MiB as float32 \(34,480,216 parameters × 4 bytes\)$/m);
    expect(r.out).toMatch(/^over 30 views \(PySlowFast's test protocol: 3 spatial × 10 temporal\): 1082\.98 GFLOPs, 3546\.82 M activations$/m);
    const layers = await info("--depth", "layer");
    expect(layers.out).toMatch(/^s2\.slow\.res0\.branch2\.b +conv +4×64², 64 +36,864 +0\.60 +1\.05$/m);
    expect(layers.out).toMatch(/^total +34,480,216 +36\.10 +118\.23$/m);
  });

  it("refuses an unknown depth and a views count below 1", async () => {
    expect((await info("--depth", "module")).code).toBe(2);
    expect((await info("--views", "0")).code).toBe(2);
  });
});
