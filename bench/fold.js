#!/usr/bin/env node
// The inference passes against the plain lowering: onnxruntime-node CPU
// session-creation time and latency (batch 1) of SlowFast_4x16_R50 at S = 224
// compiled by default (batch norm folded into the convolutions, dropout
// removed) and with --keep-bn, side by side. Run with `npm run bench:fold`
// (builds first); SFC_BENCH_RUNS=N sets the runs (default 5), medians shown.
"use strict";
const ort = require("onnxruntime-node");
const { compile, nodeHost } = require("../dist/compiler/index.js");
const { deterministicClip } = require("../dist/runtime/session.js");

const RUNS = Number(process.env.SFC_BENCH_RUNS ?? 5);
const NETWORK = "SlowFast_4x16_R50";

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function build(keepBn) {
  const r = compile({ file: "std/slowfast.sf", host: nodeHost(), network: NETWORK, settings: [{ text: "S=224" }], keepBn });
  if (!r.model) throw new Error(r.diagnostics.map((d) => d.message).join("\n"));
  return { model: r.model, nodes: r.graph.nodes.length, input: r.graph.inputs[0] };
}

async function measure(model, input) {
  const created = [];
  const latency = [];
  const dims = [1, ...input.shape];
  const feeds = { [input.name]: new ort.Tensor("float32", deterministicClip(dims), dims) };
  for (let i = 0; i < RUNS; i++) {
    let t = performance.now();
    const session = await ort.InferenceSession.create(model, { graphOptimizationLevel: "all", executionProviders: ["cpu"] });
    created.push(performance.now() - t);
    await session.run(feeds); // warm-up
    t = performance.now();
    await session.run(feeds);
    latency.push(performance.now() - t);
    await session.release();
  }
  return { created: median(created), latency: median(latency) };
}

(async () => {
  const rows = [];
  for (const [label, keepBn] of [
    ["--keep-bn (BatchNormalization nodes)", true],
    ["default (batch norm folded)", false],
  ]) {
    const built = build(keepBn);
    const m = await measure(built.model, built.input);
    rows.push({ label, nodes: built.nodes, ...m });
  }
  console.log(`${NETWORK} at S = 224, batch 1, onnxruntime-node CPU, median of ${RUNS}`);
  console.log(`${"graph".padEnd(40)}${"nodes".padStart(7)}${"session".padStart(12)}${"latency".padStart(12)}`);
  for (const r of rows)
    console.log(`${r.label.padEnd(40)}${String(r.nodes).padStart(7)}${`${r.created.toFixed(0)} ms`.padStart(12)}${`${r.latency.toFixed(0)} ms`.padStart(12)}`);
  const [kept, folded] = rows;
  console.log(`folded / keep-bn: session ${(folded.created / kept.created).toFixed(2)}×, latency ${(folded.latency / kept.latency).toFixed(2)}×`);
})();
