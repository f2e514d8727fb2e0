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

const STEP = path.join(__dirname, "step.js");
const RUNS = Number(process.env.SFC_BENCH_RUNS ?? 5);
// SFC_BENCH_ONLY=networks,memory,torch,chains runs some sections only (default: all); torch-compile
// is the torch section without the onnxruntime latencies.
const ONLY = new Set((process.env.SFC_BENCH_ONLY ?? "networks,memory,torch,chains").split(","));
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

const checkpoints = new Map();

/**
 * The network's weights as a training run saves them (batch norms unfolded, every conv 3-D: --keep-bn
 * --layout ncdhw), written as a .safetensors file and as a torch.save .pyth archive; once per network.
 */
function checkpointsFor(network) {
  if (checkpoints.has(network)) return checkpoints.get(network);
  const unfolded = path.join(work, `${network}-keep-bn.onnx`);
  const keepBn = spawnSync(
    process.execPath,
    [
      path.join(__dirname, "..", "bin", "sfc.js"),
      "compile",
      "std/slowfast.sf",
      "--network",
      network,
      "--set",
      "S=224",
      "--keep-bn",
      "--layout",
      "ncdhw",
      "-o",
      unfolded,
    ],
    { encoding: "utf8" },
  );
  if (keepBn.status !== 0) throw new Error(`compile --keep-bn failed:\n${keepBn.stderr}`);
  const files = { safetensors: path.join(work, `${network}.safetensors`), pyth: path.join(work, `${network}.pyth`) };
  // Written by a child: a process forked from this one starts with this one's RSS, which would count in its peak.
  const written = spawnSync(process.execPath, [path.join(__dirname, "checkpoints.js"), unfolded, files.safetensors, files.pyth], { encoding: "utf8" });
  if (written.status !== 0) throw new Error(`writing checkpoints failed:\n${written.stderr}`);
  const made = { ...files, weightBytes: JSON.parse(written.stdout.trim().split("\n").pop()).weightBytes };
  fs.rmSync(unfolded);
  checkpoints.set(network, made);
  return made;
}

/** Peak RSS of `sfc compile` itself (bin/sfc.js's code, in a fresh process), seeded and from both checkpoint formats, interleaved. */
function memory(networks) {
  console.log("Peak RSS of sfc compile (the command, fresh process each run; median and worst of the runs, interleaved)");
  for (const network of networks) {
    const { safetensors, pyth, weightBytes } = checkpointsFor(network);
    const sources = [
      ["seeded", []],
      ["from a .safetensors file", ["--weights", safetensors]],
      ["from a torch.save .pyth file", ["--weights", pyth]],
    ];
    const rss = sources.map(() => []);
    const out = path.join(work, `${network}-memory.onnx`);
    for (let i = 0; i < RUNS; i++)
      sources.forEach(([, extra], k) =>
        rss[k].push(step("cli", "compile", "std/slowfast.sf", "--network", network, "--set", "S=224", ...extra, "-o", out).maxRssBytes),
      );
    console.log(`  ${network} (${(weightBytes / 1e6).toFixed(1)} MB of weights)`);
    sources.forEach(([label], k) => {
      const med = median(rss[k]);
      const worst = Math.max(...rss[k]);
      const target = network === "SlowFast_8x8_R101" ? " (target ≤ 0.5)" : "";
      console.log(
        `    ${label.padEnd(32)}${`${(med / 1e6).toFixed(0)} MB; ${(worst / 1e6).toFixed(0)} MB`.padStart(18)}   ${(med / weightBytes).toFixed(2)}; ${(worst / weightBytes).toFixed(2)} × the weight bytes${target}`,
      );
    });
  }
  console.log("");
}

async function main() {
  console.log(`sfc benchmarks on ${os.cpus().length} × ${os.cpus()[0].model.trim()}, Node ${process.version}; median of ${RUNS} runs\n`);
  const networks = [
    ["SlowFast_4x16_R50", [3, 32, 224, 224]],
    ["SlowFast_8x8_R101", [3, 32, 224, 224]],
  ];
  // First: onnxruntime sessions (networks) leave this process large, and a child forked from it starts from its RSS.
  if (ONLY.has("memory")) memory(networks.map(([network]) => network));
  for (const [network, inputShape] of ONLY.has("networks") ? networks : []) {
    const file = "std/slowfast.sf";
    const checkMs = median(Array.from({ length: RUNS }, () => step("check", file, network, "S=224").ms));
    const seededFile = path.join(work, `${network}.onnx`);
    const seeded = Array.from({ length: RUNS }, () => step("compile", file, network, seededFile, "-", "S=224"));
    const { safetensors: ckpt } = checkpointsFor(network);
    const loaded = Array.from({ length: RUNS }, () => step("compile", file, network, path.join(work, `${network}-w.onnx`), ckpt, "S=224"));
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
    row("onnxruntime CPU latency, batch 1", `${l1.toFixed(0)} ms`, `${(flops / (l1 / 1e3) / 1e9).toFixed(1)} GFLOP/s (multiply-adds)`);
    row("onnxruntime CPU latency, batch 8", `${l8.toFixed(0)} ms`, `${((8 * flops) / (l8 / 1e3) / 1e9).toFixed(1)} GFLOP/s (multiply-adds)`);
    console.log("");
  }
  if (ONLY.has("torch")) await compareWithTorch(work, RUNS);
  else if (ONLY.has("torch-compile")) await compareWithTorch(work, RUNS, { latency: false });
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
