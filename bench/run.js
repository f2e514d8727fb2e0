#!/usr/bin/env node
// sfc's benchmarks: check and compile time, peak memory, onnxruntime latency
// and throughput, and how checking scales with the number of blocks. Run with
// `npm run bench` (builds first). Every number is measured here, now.
"use strict";
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const { compareWithTorch } = require("./compare-torch");
const { modelWeights, writePyth, writeSafetensors } = require("./checkpoints");

const STEP = path.join(__dirname, "step.js");
const RUNS = Number(process.env.SFC_BENCH_RUNS ?? 5);
// SFC_BENCH_ONLY=networks,torch,chains runs some sections only (default: all).
const ONLY = new Set((process.env.SFC_BENCH_ONLY ?? "networks,torch,chains").split(","));
const work = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-bench-"));

function step(...args) {
  const r = spawnSync(process.execPath, [STEP, ...args], { encoding: "utf8", maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`step ${args.join(" ")} failed:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").pop());
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

async function latency(modelFile, batch, inputShape) {
  const ort = require("onnxruntime-node");
  const session = await ort.InferenceSession.create(modelFile, { executionProviders: ["cpu"], graphOptimizationLevel: "all" });
  const shape = [batch, ...inputShape];
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1)).map((_, i) => ((i * 2654435761) % 4294967296) / 4294967296 - 0.5);
  const feeds = { [session.inputNames[0]]: new ort.Tensor("float32", data, shape) };
  await session.run(feeds); // warm-up
  const times = [];
  const runs = batch > 1 ? Math.max(2, Math.ceil(RUNS / 2)) : RUNS;
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    await session.run(feeds);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  await session.release();
  return median(times);
}

/** A generated file of n bottleneck blocks in a row, to show how checking scales. */
function chain(n) {
  const lines = ["import std.resnet3d { stem, bottleneck }", "", `network Chain${n}(clip: <4, 32², 3>) -> <4, 8², 64> {`, "  x = clip |> stem(out: 16)"];
  for (let i = 0; i < n; i++) lines.push(`  x = x |> bottleneck(inner: 16, out: 64${i === 0 ? ", project: true" : ""}) as b${i}`);
  lines.push("  return x", "}", "");
  return lines.join("\n");
}

function mb(bytes) {
  return `${(bytes / 2 ** 20).toFixed(0)} MiB`;
}

async function main() {
  console.log(`sfc benchmarks on ${os.cpus().length} × ${os.cpus()[0].model.trim()}, Node ${process.version}; median of ${RUNS} runs\n`);
  const networks = [
    ["SlowFast_4x16_R50", [3, 32, 224, 224]],
    ["SlowFast_8x8_R101", [3, 32, 224, 224]],
  ];
  for (const [network, inputShape] of ONLY.has("networks") ? networks : []) {
    const file = "std/slowfast.sf";
    const checkMs = median(Array.from({ length: RUNS }, () => step("check", file, network, "S=224").ms));
    const seededFile = path.join(work, `${network}.onnx`);
    const seeded = Array.from({ length: RUNS }, () => step("compile", file, network, seededFile, "-", "S=224"));
    // The checkpoint holds the network's own tensors (batch norms unfolded), as a training run saves them.
    const unfolded = path.join(work, `${network}-keep-bn.onnx`);
    // --layout ncdhw: the layout pass would store 1×k×k convs' weights as 2-D, which a training run does not.
    const keepBn = spawnSync(
      process.execPath,
      [path.join(__dirname, "..", "bin", "sfc.js"), "compile", file, "--network", network, "--set", "S=224", "--keep-bn", "--layout", "ncdhw", "-o", unfolded],
      { encoding: "utf8" },
    );
    if (keepBn.status !== 0) throw new Error(`compile --keep-bn failed:\n${keepBn.stderr}`);
    const ckpt = path.join(work, `${network}.safetensors`);
    const pyth = path.join(work, `${network}.pyth`);
    const weights = modelWeights(unfolded);
    writeSafetensors(weights, ckpt);
    writePyth(weights, pyth);
    const loaded = Array.from({ length: RUNS }, () => step("compile", file, network, path.join(work, `${network}-w.onnx`), ckpt, "S=224"));
    // Peak RSS of the command itself, the three sources interleaved.
    const cliRss = { seeded: [], safetensors: [], pyth: [] };
    for (let i = 0; i < RUNS; i++) {
      for (const [source, extra] of [
        ["seeded", []],
        ["safetensors", ["--weights", ckpt]],
        ["pyth", ["--weights", pyth]],
      ]) {
        const out = path.join(work, `${network}-cli.onnx`);
        cliRss[source].push(step("cli", "compile", file, "--network", network, "--set", "S=224", ...extra, "-o", out).maxRssBytes);
      }
    }
    const weightBytes = seeded[0].weightBytes;
    const flops = seeded[0].flops;
    const l1 = await latency(seededFile, 1, inputShape.slice(1).length ? inputShape : inputShape);
    const l8 = await latency(seededFile, 8, inputShape);
    const row = (label, value, ratio) => console.log(`  ${label.padEnd(62)}${value.padStart(16)}${ratio ? `   ${ratio}` : ""}`);
    console.log(`${network} at S = 224 (${(flops / 1e9).toFixed(2)} GFLOPs, ${mb(weightBytes)} of weights)`);
    row("sfc check (whole stdlib file)", `${checkMs.toFixed(0)} ms`);
    const target = (ms) =>
      network === "SlowFast_4x16_R50" ? `${(ms / 500).toFixed(2)} × the 0.5 s target; torch.onnx.export ≈ 6 s: ${(6000 / ms).toFixed(1)}× faster` : "";
    for (const [label, runs] of [
      ["seeded weights", seeded],
      ["weights from a .safetensors file", loaded],
    ]) {
      const cold = median(runs.map((s) => s.ms));
      const warm = median(runs.map((s) => s.warmMs));
      row(`compile, ${label}, first in a process`, `${cold.toFixed(0)} ms`, label.startsWith("weights") ? target(cold) : "");
      row(`compile, ${label}, warm`, `${warm.toFixed(0)} ms`, label.startsWith("weights") ? target(warm) : "");
    }
    // Peak RSS depends on when the collector runs: the median and the worst run.
    for (const [label, runs] of [
      ["seeded", seeded],
      ["from a checkpoint", loaded],
    ]) {
      const rss = runs.map((s) => s.maxRssBytes);
      const med = median(rss);
      const worst = Math.max(...rss);
      row(
        `peak RSS, ${label} (median; worst)`,
        `${mb(med)}; ${mb(worst)}`,
        `${(med / weightBytes).toFixed(2)}; ${(worst / weightBytes).toFixed(2)} × weight bytes (target < 2)`,
      );
    }
    for (const [source, label] of [
      ["seeded", "seeded"],
      ["safetensors", "from a .safetensors file"],
      ["pyth", "from a torch.save .pyth file"],
    ]) {
      const rss = cliRss[source];
      row(
        `peak RSS of sfc compile, ${label} (median; worst)`,
        `${mb(median(rss))}; ${mb(Math.max(...rss))}`,
        `${(median(rss) / weightBytes).toFixed(2)}; ${(Math.max(...rss) / weightBytes).toFixed(2)} × weight bytes${network === "SlowFast_8x8_R101" ? " (target ≤ 0.5)" : ""}`,
      );
    }
    row("onnxruntime CPU latency, batch 1", `${l1.toFixed(0)} ms`, `${(flops / (l1 / 1e3) / 1e9).toFixed(1)} GFLOP/s (multiply-adds)`);
    row("onnxruntime CPU latency, batch 8", `${l8.toFixed(0)} ms`, `${((8 * flops) / (l8 / 1e3) / 1e9).toFixed(1)} GFLOP/s (multiply-adds)`);
    console.log("");
  }
  if (ONLY.has("torch")) await compareWithTorch(work, RUNS);
  if (ONLY.has("chains")) console.log("Checking cost against the number of blocks (generated chains of bottlenecks)");
  let base;
  for (const n of ONLY.has("chains") ? [10, 100, 1000, 10000] : []) {
    const file = path.join(work, `chain${n}.sf`);
    fs.writeFileSync(file, chain(n));
    const steps = Array.from({ length: n > 1000 ? 1 : RUNS }, () => step("check", file, `Chain${n}`));
    const ms = median(steps.map((s) => s.ms));
    const warm = median(steps.map((s) => s.warmMs));
    base = base ?? warm / n;
    const target = n === 1000 ? `; target < 300 ms warm: ${(warm / 300).toFixed(2)} ×` : "";
    console.log(
      `  ${String(n).padStart(5)} blocks   first ${`${ms.toFixed(0)} ms`.padStart(9)}   warm ${`${warm.toFixed(0)} ms`.padStart(9)}   ${(warm / n).toFixed(3)} ms per block warm (${(warm / n / base).toFixed(2)} × the 10-block rate${target})`,
    );
  }
  fs.rmSync(work, { recursive: true, force: true });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
