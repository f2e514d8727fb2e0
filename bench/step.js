#!/usr/bin/env node
// One measured step in a fresh process, so that its peak RSS is its own.
// Prints one JSON line: { ms, maxRssBytes, ...extra }.
"use strict";
const path = require("node:path");
const fs = require("node:fs");
const dist = path.join(__dirname, "..", "dist");
// Loaded by the steps that use them: the cli step measures the command alone.
const library = () => ({ ...require(path.join(dist, "compiler", "index.js")), ...require(path.join(dist, "compiler", "host", "node.js")) });

const [kind, ...args] = process.argv.slice(2);
const settings = (s) => s.filter(Boolean).map((text) => ({ text }));

function time(fn) {
  const t0 = process.hrtime.bigint();
  const result = fn();
  return { result, ms: Number(process.hrtime.bigint() - t0) / 1e6 };
}

function report(extra) {
  process.stdout.write(`${JSON.stringify({ maxRssBytes: process.resourceUsage().maxRSS * 1024, ...extra })}\n`);
}

if (kind === "check") {
  const { check, nodeHost } = library();
  // First in a process (what one `sfc check` pays after start-up), then warm:
  // the median of five more, as an editor or a watch loop sees it.
  const [file, network, ...set] = args;
  // The chain of 10,000 blocks is 500 KB, past the default source-bytes (256 KiB): raised for the bench alone.
  const once = () => check({ files: [file], host: nodeHost(), settings: settings(set), limits: { sourceBytes: 2 ** 20 } });
  const { result, ms } = time(once);
  if (!result.ok) throw new Error(result.diagnostics.map((d) => d.message).join("\n"));
  const warm = Array.from({ length: 5 }, () => time(once).ms).sort((a, b) => a - b);
  report({ ms, warmMs: warm[2], networks: result.networks.length, network });
} else if (kind === "compile") {
  const { compile, nodeHost, readCheckpointFile } = library();
  // Twice in one process: the first includes one-time start-up (parser
  // construction, JIT); the second is what a long-lived caller (an editor, a
  // test suite) sees. Both write the model to the file as `sfc compile` does,
  // streamed through the CLI's writer.
  const { writeAtomically } = require(path.join(dist, "cli", "io.js"));
  const [file, network, out, weights, ...set] = args;
  const once = () => {
    const checkpoint = weights !== "-" ? { tensors: readCheckpointFile(weights), label: weights, names: "sfc" } : undefined;
    const r = compile({ file, host: nodeHost(), network, settings: settings(set), checkpoint });
    if (!r.serialised) throw new Error(r.diagnostics.map((d) => d.message).join("\n"));
    writeAtomically(out, r.serialised);
    return r;
  };
  const first = time(once);
  // Peak memory of one compile: read before the second compile runs.
  const maxRssBytes = process.resourceUsage().maxRSS * 1024;
  first.result = undefined;
  const { result, ms: warmMs } = time(once);
  const ms = first.ms;
  const weightBytes = result.graph.nodes.reduce((s, n) => s + n.weights.reduce((t, w) => t + w.shape.reduce((a, b) => a * b, 1) * 4, 0), 0);
  const flops = require(path.join(dist, "compiler", "report", "counts.js")).countGraph(result.graph).flops;
  report({ ms, warmMs, weightBytes, modelBytes: result.serialised.byteLength, flops, maxRssBytes });
} else if (kind === "cli") {
  // The command line itself (bin/sfc.js does no more than this), timed from
  // here and with its own peak RSS: what `/usr/bin/time -f %M sfc ...` reports.
  const t0 = process.hrtime.bigint();
  require(path.join(__dirname, "..", "bin", "load-cli.js"))
    .loadCli()
    .main(args)
    .then((code) => {
      if (code !== 0) throw new Error(`sfc ${args.join(" ")} exited with ${code}`);
      report({ ms: Number(process.hrtime.bigint() - t0) / 1e6 });
    });
} else throw new Error(`unknown step ${kind}`);
