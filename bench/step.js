#!/usr/bin/env node
// One measured step in a fresh process, so that its peak RSS is its own.
// Prints one JSON line: { ms, maxRssBytes, ...extra }.
"use strict";
const path = require("node:path");
const fs = require("node:fs");
const dist = path.join(__dirname, "..", "dist");
const { check, compile } = require(path.join(dist, "compiler", "index.js"));
const { nodeHost, readCheckpointFile } = require(path.join(dist, "compiler", "host", "node.js"));

const [kind, ...args] = process.argv.slice(2);
const settings = (s) => s.filter(Boolean).map((text) => ({ text }));

function time(fn) {
  const t0 = process.hrtime.bigint();
  const result = fn();
  return { result, ms: Number(process.hrtime.bigint() - t0) / 1e6 };
}

function report(extra) {
  process.stdout.write(`${JSON.stringify({ ...extra, maxRssBytes: process.resourceUsage().maxRSS * 1024 })}\n`);
}

if (kind === "check") {
  const [file, network, ...set] = args;
  const { result, ms } = time(() => check({ files: [file], host: nodeHost(), settings: settings(set) }));
  if (!result.ok) throw new Error(result.diagnostics.map((d) => d.message).join("\n"));
  report({ ms, networks: result.networks.length, network });
} else if (kind === "compile") {
  const [file, network, out, weights, ...set] = args;
  const { result, ms } = time(() => {
    const checkpoint = weights !== "-" ? { tensors: readCheckpointFile(weights), label: weights, names: "sfc" } : undefined;
    const r = compile({ file, host: nodeHost(), network, settings: settings(set), checkpoint });
    if (!r.model) throw new Error(r.diagnostics.map((d) => d.message).join("\n"));
    fs.writeFileSync(out, r.model);
    return r;
  });
  const weightBytes = result.graph.nodes.reduce((s, n) => s + n.weights.reduce((t, w) => t + w.shape.reduce((a, b) => a * b, 1) * 4, 0), 0);
  const flops = require(path.join(dist, "compiler", "report", "counts.js")).countGraph(result.graph).flops;
  report({ ms, weightBytes, modelBytes: result.model.byteLength, flops });
} else throw new Error(`unknown step ${kind}`);
