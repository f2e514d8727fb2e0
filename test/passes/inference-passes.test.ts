/**
 * The inference passes against the plain lowering: batch norm folded, dropout
 * removed, reshape pairs merged; outputs within 1e-4 of the --keep-bn model,
 * every node keeping its span. Batch norms get non-trivial statistics from a
 * checkpoint built here, so that folding has something to get wrong.
 */
import { onnx } from "onnx-proto";
import { describe, expect, it } from "vitest";
import { compile, type CompileResult } from "../../compiler/index";
import { nodeHost } from "../../compiler/host/node";
import { initialWeightBytes } from "../../compiler/emit/init";
import type { IRGraph } from "../../compiler/ir";
import { inferenceGraph } from "../../compiler/passes/index";
import type { Checkpoint, LoadedTensor } from "../../compiler/weights/tensor";
import { deterministicClip } from "../../runtime/session";
import { runWithOrt } from "../support/onnx-check";
import { elaborateSource } from "../support/compiler";
import { readFixture } from "../support/fixtures";
import { readCheckpoint } from "../../compiler/weights/read";

const SMALL = ["C=8", "S=32", "classes=10"];
const NETWORKS = [
  "SlowFast_4x16_R50",
  "SlowFast_8x8_R50",
  "SlowFast_8x8_R101",
  "SlowFast_16x8_R101_50_50_NL",
  "Slow_4x16_R50",
  "Slow_8x8_R50",
  "Fast_32x2_R50",
];

/** A small deterministic generator for test values. */
function lcg(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
}

/** Every weight of the graph: seeded values, batch norms with scattered statistics. */
function checkpointFor(graph: IRGraph): Checkpoint {
  const random = lcg(7);
  const tensors = new Map<string, LoadedTensor>();
  for (const node of graph.nodes)
    for (const w of node.weights) {
      const count = w.shape.reduce((a, b) => a * b, 1);
      let data: Uint8Array;
      if (node.op.kind === "bn") {
        const values = new Float32Array(count);
        const part = w.name.slice(w.name.lastIndexOf(".") + 1);
        for (let i = 0; i < count; i++) {
          const u = random();
          // A residual branch's last BN (initialised to 0) gets a small scale, as trained ones have,
          // so that a 101-layer network's activations stay in a range float32 resolves to 1e-4.
          const zeroInit = w.init.kind === "constant" && w.init.value === 0 && part === "weight";
          values[i] = part === "running_var" ? 0.5 + u : part === "weight" ? (zeroInit ? 0.2 * u : 0.6 + 0.8 * u) : 0.2 * (u - 0.5);
        }
        data = new Uint8Array(values.buffer);
      } else data = initialWeightBytes(w, 3);
      tensors.set(w.name, { name: w.name, dtype: "float32", shape: [...w.shape], data });
    }
  return { tensors, format: "safetensors" };
}

function build(network: string, settings: string[], keepBn: boolean, checkpoint?: Checkpoint): CompileResult {
  const r = compile({
    file: "std/slowfast.sf",
    host: nodeHost(),
    network,
    settings: settings.map((text) => ({ text })),
    keepBn,
    ...(checkpoint ? { checkpoint: { tensors: checkpoint, label: "test.safetensors", names: "sfc" } } : {}),
  });
  expect(r.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([]);
  return r;
}

const opTypes = (model: Uint8Array): string[] => onnx.ModelProto.decode(model).graph!.node!.map((n) => n.opType!);

async function logits(model: Uint8Array, graph: IRGraph): Promise<Float32Array> {
  const feeds = Object.fromEntries(graph.inputs.map((i) => [i.name, { data: deterministicClip([2, ...i.shape]), dims: [2, ...i.shape] }]));
  const out = await runWithOrt(model, feeds);
  return out[graph.outputs[0]!.name]!.data;
}

describe("inference passes", () => {
  for (const network of NETWORKS) {
    it(`${network}: folded model within 1e-4 of --keep-bn, no BatchNormalization or Dropout left`, async () => {
      const plain = build(network, SMALL, true);
      const checkpoint = checkpointFor(plain.elaborated!);
      const kept = build(network, SMALL, true, checkpoint);
      const folded = build(network, SMALL, false, checkpoint);
      expect(opTypes(kept.model!)).toContain("BatchNormalization");
      expect(opTypes(folded.model!)).not.toContain("BatchNormalization");
      expect(opTypes(folded.model!)).not.toContain("Dropout");
      expect(folded.passes!.foldedBatchNorms.length).toBe(plain.elaborated!.nodes.filter((n) => n.op.kind === "bn").length);
      const want = await logits(kept.model!, kept.graph!);
      const got = await logits(folded.model!, folded.graph!);
      let worst = 0;
      for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!));
      expect(worst, `largest logit ${Math.max(...want.map(Math.abs))}`).toBeLessThan(1e-4);
    });
  }

  it("keeps every node's span and the folded conv's name", () => {
    const elaborated = build("SlowFast_4x16_R50", SMALL, true).elaborated!;
    const { graph } = inferenceGraph(elaborated);
    const spans = new Map(elaborated.nodes.map((n) => [n.name, n.span]));
    for (const node of graph.nodes) expect(node.span, node.name).toEqual(spans.get(node.name));
    expect(graph.nodes.find((n) => n.name === "s1.slow.stem.conv")?.op).toMatchObject({ kind: "conv", bias: true });
  });

  it("names the kept batch norms' tensors as the checkpoint does with --keep-bn", () => {
    const file = "weights.safetensors";
    const compileFixture = (keepBn: boolean) =>
      compile({
        file: "std/slowfast.sf",
        host: nodeHost(),
        network: "SlowFast_4x16_R50",
        settings: ["C=16", "classes=10", "S=48"].map((text) => ({ text })),
        keepBn,
        checkpoint: { tensors: readCheckpoint(readFixture(file), file), label: file, names: "pyslowfast" },
      });
    const names = (model: Uint8Array) => onnx.ModelProto.decode(model).graph!.initializer!.map((t) => t.name!);
    const kept = names(compileFixture(true).model!);
    expect(kept).toContain("s1.pathway0_stem.bn.running_var");
    expect(kept).toContain("s1.slow.stem.conv.weight");
    const folded = names(compileFixture(false).model!);
    expect(folded.filter((n) => n.includes("running_"))).toEqual([]);
    expect(folded).toContain("s1.slow.stem.conv.bias");
  });

  it("merges reshape pairs and removes a dropout that ends the graph", () => {
    const r = elaborateSource(
      `network N(x: <4, 2², 3>) -> <48> {
  y = reshape(x, [12, 4]) |> reshape(<48>) as flat
  return dropout(y)
}`,
    );
    expect(r.diagnostics.map((d) => d.message)).toEqual([]);
    const { graph, report } = inferenceGraph(r.graph!);
    expect(report.mergedReshapes).toEqual(["flat"]);
    expect(report.removedDropouts.length).toBe(1);
    expect(graph.nodes.map((n) => n.op.kind)).toEqual(["reshape"]);
    expect(graph.nodes[0]!.inputs).toEqual(["x"]);
    expect(graph.outputs[0]!.name).toBe(r.graph!.outputs[0]!.name);
    expect(graph.nodes[0]!.outputs).toEqual([graph.outputs[0]!.name]);
  });
});
