// sfc against torch.onnx.export of the same network with the same weights,
// when Debian's python3-torch is installed (bench/torch_slowfast.py builds
// PySlowFast's layout in PyTorch). Reports ratios measured in one run:
// compile time (the sfc bin run directly, in a fresh process) against the
// export's own time, and onnxruntime latency of the two models, interleaved.
"use strict";
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const PYTHON = "/usr/bin/python3";
const SFC = path.join(__dirname, "..", "bin", "sfc.js");

function hasTorch() {
  if (!fs.existsSync(PYTHON)) return false;
  return spawnSync(PYTHON, ["-c", "import torch"], { stdio: "ignore" }).status === 0;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function spread(xs) {
  return `${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)}`;
}

function timedRun(cmd, args, env = process.env) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { encoding: "utf8", maxBuffer: 16 << 20, env });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed:\n${r.stderr}`);
  return { ms, stdout: r.stdout };
}

/**
 * Writing `bytes` bytes as a compile writes its model: 1 MiB writes to a new
 * file, closed and renamed over the previous output. On ext4 the rename over
 * an existing file makes the file system allocate the new file's blocks
 * there and then (auto_da_alloc), which costs as much as the writes.
 */
function rawWriteMs(work, bytes) {
  const file = path.join(work, "raw-write.bin");
  const chunk = Buffer.alloc(1 << 20, 0x5a);
  const writeNew = (target) => {
    const fd = fs.openSync(target, "w");
    for (let done = 0; done < bytes; done += chunk.length) fs.writeSync(fd, chunk, 0, Math.min(chunk.length, bytes - done));
    fs.closeSync(fd);
  };
  writeNew(file); // the previous output, to be replaced
  const tmp = `${file}.tmp`;
  const t0 = process.hrtime.bigint();
  writeNew(tmp);
  fs.renameSync(tmp, file);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  fs.rmSync(file);
  return ms;
}

/** SHA-256 of a file read in 1 MiB pieces: what `weights_sha256` costs. */
function hashMs(file) {
  const crypto = require("node:crypto");
  const t0 = process.hrtime.bigint();
  const hash = crypto.createHash("sha256");
  const fd = fs.openSync(file, "r");
  const chunk = Buffer.alloc(1 << 20);
  for (let n = fs.readSync(fd, chunk); n > 0; n = fs.readSync(fd, chunk)) hash.update(chunk.subarray(0, n));
  fs.closeSync(fd);
  hash.digest();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/** One run of bench/torch_slowfast.py: builds and seeds the model, writes its weights, times the export. */
function torchExport(work, { T, alpha, K, S }) {
  const args = ["--out", work, "--T", String(T), "--alpha", String(alpha), "--fusion-k", String(K), "--S", String(S)];
  return JSON.parse(
    timedRun(PYTHON, [path.join(__dirname, "torch_slowfast.py"), ...args])
      .stdout.trim()
      .split("\n")
      .pop(),
  );
}

/**
 * The torch export (SFC_BENCH_EXPORTS times, default once: each takes tens of
 * seconds; further ones interleaved with the compiles) and sfc compiles of the
 * same weights.
 */
function compileBoth(work, runs, { network, T, alpha, K, S, extraCompileArgs = [] }) {
  const exports = Math.max(1, Number(process.env.SFC_BENCH_EXPORTS ?? 1));
  const torchOut = torchExport(work, { T, alpha, K, S });
  const exportMs = [torchOut.exportMs];
  const sfcModel = path.join(work, "sfc_from_torch_weights.onnx");
  const compileArgs = [
    SFC,
    "compile",
    "std/slowfast.sf",
    "--network",
    network,
    "--set",
    `S=${S}`,
    "--weights",
    torchOut.weights,
    "--weight-names",
    "pyslowfast",
    ...extraCompileArgs,
  ];
  // The compile, and beside it (interleaved, so that machine noise hits all alike) what bounds it from below.
  const parts = { compile: [], node: [], version: [], info: [], write: [], hash: [], compileWithoutCaCerts: [], nodeWithoutCaCerts: [] };
  // NODE_EXTRA_CA_CERTS makes Node parse those certificates at every start, before any script runs
  // (40 ms of `node -e 0` where it was found set): where it is set, the compile is also timed without it.
  const withoutCaCerts = process.env.NODE_EXTRA_CA_CERTS
    ? Object.fromEntries(Object.entries(process.env).filter(([key]) => key !== "NODE_EXTRA_CA_CERTS"))
    : undefined;
  const infoArgs = [SFC, "info", "std/slowfast.sf", "--network", network, "--set", `S=${S}`];
  for (let r = 0; r < runs; r++) {
    parts.compile.push(timedRun(process.execPath, [...compileArgs, "-o", sfcModel]).ms);
    parts.node.push(timedRun(process.execPath, ["-e", "0"]).ms);
    parts.version.push(timedRun(process.execPath, [SFC, "--version"]).ms);
    parts.info.push(timedRun(process.execPath, infoArgs).ms);
    parts.write.push(rawWriteMs(work, fs.statSync(sfcModel).size));
    parts.hash.push(hashMs(torchOut.weights));
    if (withoutCaCerts) {
      parts.compileWithoutCaCerts.push(timedRun(process.execPath, [...compileArgs, "-o", sfcModel], withoutCaCerts).ms);
      parts.nodeWithoutCaCerts.push(timedRun(process.execPath, ["-e", "0"], withoutCaCerts).ms);
    }
    // The same seed writes the same weights: a further export leaves the compile's input as it was.
    if (exportMs.length < exports) exportMs.push(torchExport(work, { T, alpha, K, S }).exportMs);
  }
  torchOut.exportMs = median(exportMs);
  torchOut.exportRuns = exportMs;
  const compileMs = parts.compile;
  // The same weights without the layout pass, to show what it buys.
  const plainModel = path.join(work, "sfc_from_torch_weights_ncdhw.onnx");
  timedRun(process.execPath, [...compileArgs, "--layout", "ncdhw", "-o", plainModel]);
  return { torchOut, sfcModel, plainModel, compileMs, parts };
}

/** Median latency of each model, runs interleaved so that machine noise hits both alike. */
async function interleavedLatency(models, batch, inputShape, runs, threads) {
  const ort = require("onnxruntime-node");
  const options = { executionProviders: ["cpu"], graphOptimizationLevel: "all", ...(threads ? { intraOpNumThreads: threads } : {}) };
  const sessions = [];
  for (const m of models) sessions.push(await ort.InferenceSession.create(m, options));
  const shape = [batch, ...inputShape];
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1)).map((_, i) => ((i * 2654435761) % 4294967296) / 4294967296 - 0.5);
  const feed = (s) => ({ [s.inputNames[0]]: new ort.Tensor("float32", data, shape) });
  const outputs = [];
  for (const s of sessions) outputs.push((await s.run(feed(s)))[s.outputNames[0]].data); // warm-up, and the outputs to compare
  const times = sessions.map(() => []);
  for (let r = 0; r < runs; r++) {
    for (let i = 0; i < sessions.length; i++) {
      const t0 = process.hrtime.bigint();
      await sessions[i].run(feed(sessions[i]));
      times[i].push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
  }
  for (const s of sessions) await s.release();
  let maxDiff = 0;
  for (const other of outputs.slice(1)) for (let i = 0; i < outputs[0].length; i++) maxDiff = Math.max(maxDiff, Math.abs(outputs[0][i] - other[i]));
  return { times, maxDiff };
}

/** With `latency: false`, the compile only (SFC_BENCH_ONLY=torch-compile): the latencies take minutes. */
async function compareWithTorch(work, runs, { latency = true } = {}) {
  if (!hasTorch()) {
    console.log("torch.onnx.export comparison skipped: Debian's python3-torch is not installed (apt-get install -y python3-torch)\n");
    return;
  }
  const subject = { network: "SlowFast_4x16_R50", T: 4, alpha: 8, K: 5, S: 224 };
  console.log(`${subject.network} at S = ${subject.S} against torch.onnx.export (same weights, PySlowFast layout in PyTorch)`);
  const { torchOut, sfcModel, plainModel, compileMs, parts } = compileBoth(work, runs, subject);
  const row = (label, value, ratio) => console.log(`  ${label.padEnd(58)}${value.padStart(20)}${ratio ? `   ${ratio}` : ""}`);
  const sfcCompile = median(compileMs);
  const exportRuns = torchOut.exportRuns;
  row(
    `torch.onnx.export (torch ${torchOut.torch}), ${exportRuns.length === 1 ? "once" : `median of ${exportRuns.length}`}`,
    exportRuns.length === 1 ? `${torchOut.exportMs.toFixed(0)} ms` : `${torchOut.exportMs.toFixed(0)} ms (${spread(exportRuns)})`,
  );
  row(
    "sfc compile --weights (bin, fresh process; median, range)",
    `${sfcCompile.toFixed(0)} ms (${spread(compileMs)})`,
    `${(sfcCompile / torchOut.exportMs).toFixed(3)} × the export (target ≤ 0.05)`,
  );
  const share = (label, xs) => row(`  ${label}`, `${median(xs).toFixed(0)} ms (${spread(xs)})`, `${(median(xs) / torchOut.exportMs).toFixed(3)} × the export`);
  console.log("  what bounds the compile from below, measured beside it (median, range):");
  share("node -e 0 (Node's own start-up)", parts.node);
  share("sfc --version (start-up, the CLI loaded)", parts.version);
  share("sfc info (start-up, check and elaborate: no weights)", parts.info);
  share("writing the model's bytes, renamed over the last", parts.write);
  share("SHA-256 of the checkpoint (weights_sha256)", parts.hash);
  if (parts.compileWithoutCaCerts.length > 0) {
    console.log(`  this environment sets NODE_EXTRA_CA_CERTS (${process.env.NODE_EXTRA_CA_CERTS}); with it unset:`);
    share("node -e 0", parts.nodeWithoutCaCerts);
    row(
      "  sfc compile --weights",
      `${median(parts.compileWithoutCaCerts).toFixed(0)} ms (${spread(parts.compileWithoutCaCerts)})`,
      `${(median(parts.compileWithoutCaCerts) / torchOut.exportMs).toFixed(3)} × the export (target ≤ 0.05)`,
    );
  }
  if (!latency) {
    console.log("");
    return;
  }
  const inputShape = [3, subject.alpha * subject.T, subject.S, subject.S];
  for (const threads of [2, 0]) {
    for (const batch of [1, 4]) {
      const n = batch > 1 ? Math.max(2, Math.ceil(runs / 2)) : runs;
      const { times, maxDiff } = await interleavedLatency([sfcModel, plainModel, torchOut.onnx], batch, inputShape, n, threads);
      const [sfcMs, plainMs, torchMs] = times.map(median);
      const label = `ORT CPU, batch ${batch}, ${threads ? `${threads} threads` : "default threads"}: sfc / --layout ncdhw / torch`;
      row(
        label,
        `${sfcMs.toFixed(0)} / ${plainMs.toFixed(0)} / ${torchMs.toFixed(0)} ms`,
        `sfc ${(sfcMs / torchMs).toFixed(2)} × torch (target ≤ 0.80), ncdhw ${(plainMs / torchMs).toFixed(2)} × torch; ranges ${spread(times[0])}, ${spread(times[1])}, ${spread(times[2])} ms; outputs within ${maxDiff.toExponential(1)}`,
      );
    }
  }
  console.log("");
}

module.exports = { compareWithTorch, hasTorch, interleavedLatency, median, spread };
