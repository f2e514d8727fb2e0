#!/usr/bin/env node
// The GPU check: SlowFast_4x16_R50 at 224² (seeded weights), compiled with the
// layout pass (the default) and with `--layout ncdhw`, run by `sfc run --ep
// webgpu` and `--ep cuda`, then timed on each execution provider at batch 1
// and 8 against onnxruntime's CPU provider, whose outputs each GPU run must
// match within 1e-3. A provider that cannot start is reported as not run, with
// onnxruntime's reason; the check fails only where a provider ran and its
// outputs differ. `npm run bench:gpu` (builds first); on the device machine,
// bench/gpu-device.sh runs it. Writes gpu.json to $OUT when that is set.
"use strict";
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..");
const SFC = path.join(ROOT, "bin", "sfc.js");
const NETWORK = "SlowFast_4x16_R50";
const INPUT = [3, 32, 224, 224];
const BATCHES = [1, 8];
const PROVIDERS = ["webgpu", "cuda"];
const TOLERANCE = 1e-3;
const GPU_RUNS = Number(process.env.SFC_BENCH_RUNS ?? 10);
const CPU_RUNS = 2;

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** The same clip on every provider: values in [-1, 1) from a multiplicative hash of the index. */
function clip(batch) {
  const data = new Float32Array(batch * INPUT.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) data[i] = ((Math.imul(i, 2654435761) >>> 0) / 4294967296) * 2 - 1;
  return data;
}

function sfc(args) {
  const r = spawnSync(process.execPath, [SFC, ...args], { encoding: "utf8", maxBuffer: 16 << 20 });
  return { code: r.status, out: r.stdout.trim(), err: r.stderr.trim() };
}

/** `sfc run MODEL --ep EP`, as a user runs it: what it printed, and whether it fell back to the CPU. */
function cliRun(model, ep) {
  const r = sfc(["run", model, "--ep", ep, "--top", "1"]);
  const ranOn = /on (\w+) in [\d.]+ ms/.exec(r.out)?.[1];
  return { ep, code: r.code, ranOn, said: [r.err, r.out.split("\n")[0]].filter(Boolean).join(" | ") };
}

/** A session on `ep` alone, or the reason it could not start. */
async function sessionOn(ort, model, ep) {
  try {
    return { session: await ort.InferenceSession.create(model, { executionProviders: [ep], graphOptimizationLevel: "all", logSeverityLevel: 3 }) };
  } catch (e) {
    return { reason: String(e?.message ?? e).split("\n")[0] };
  }
}

/** The output of one run, and the median and range of `runs` timed runs after `warmUps` untimed ones. */
async function timed(ort, session, batch, runs, warmUps) {
  const feeds = { [session.inputNames[0]]: new ort.Tensor("float32", clip(batch), [batch, ...INPUT]) };
  let output;
  for (let i = 0; i < warmUps; i++) output = (await session.run(feeds))[session.outputNames[0]].data;
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    output = (await session.run(feeds))[session.outputNames[0]].data;
    times.push(performance.now() - t);
  }
  return { output, ms: median(times), min: Math.min(...times), max: Math.max(...times) };
}

function maxAbsDiff(a, b) {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

async function main() {
  const ort = require("onnxruntime-node");
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-gpu-"));
  const report = { machine: `${os.cpus().length} × ${os.cpus()[0].model.trim()}`, node: process.version, backends: ort.listSupportedBackends(), models: [] };
  console.log(`sfc GPU check on ${report.machine}, Node ${process.version}`);
  console.log(`onnxruntime-node backends: ${report.backends.map((b) => `${b.name}${b.bundled ? "" : " (not installed)"}`).join(", ")}\n`);
  let mismatches = 0;
  for (const layout of ["auto", "ncdhw"]) {
    const model = path.join(work, `${NETWORK}_${layout}.onnx`);
    const compiled = sfc(["compile", "std/slowfast.sf", "--network", NETWORK, "--layout", layout, "-o", model]);
    if (compiled.code !== 0) throw new Error(`sfc compile --layout ${layout} failed:\n${compiled.err}`);
    const entry = { layout, cli: PROVIDERS.map((ep) => cliRun(model, ep)), runs: [] };
    console.log(`${NETWORK}, --layout ${layout}:`);
    for (const c of entry.cli) console.log(`  sfc run --ep ${c.ep}: exit ${c.code}, ran on ${c.ranOn ?? "?"}: ${c.said}`);
    const cpu = (await sessionOn(ort, model, "cpu")).session;
    const gpus = [];
    for (const ep of PROVIDERS) gpus.push({ ep, ...(await sessionOn(ort, model, ep)) });
    for (const batch of BATCHES) {
      const reference = await timed(ort, cpu, batch, CPU_RUNS, 1);
      const row = { batch, cpu: { ms: reference.ms, min: reference.min, max: reference.max }, providers: {} };
      console.log(`  batch ${batch}: cpu ${reference.ms.toFixed(1)} ms (${reference.min.toFixed(1)}–${reference.max.toFixed(1)})`);
      for (const { ep, session, reason } of gpus) {
        if (!session) {
          row.providers[ep] = { ran: false, reason };
          console.log(`    ${ep}: did not run: ${reason}`);
          continue;
        }
        const r = await timed(ort, session, batch, GPU_RUNS, 2);
        const diff = maxAbsDiff(r.output, reference.output);
        const ok = diff <= TOLERANCE;
        if (!ok) mismatches++;
        row.providers[ep] = { ran: true, ms: r.ms, min: r.min, max: r.max, maxAbsDiff: diff, ok };
        console.log(
          `    ${ep}: ${r.ms.toFixed(2)} ms (${r.min.toFixed(2)}–${r.max.toFixed(2)}), ${(reference.ms / r.ms).toFixed(1)} × the cpu's speed; ` +
            `outputs within ${diff.toExponential(2)} of the cpu's: ${ok ? "ok" : `OVER ${TOLERANCE}`}`,
        );
      }
      entry.runs.push(row);
    }
    for (const s of [cpu, ...gpus.map((g) => g.session).filter(Boolean)]) await s.release();
    report.models.push(entry);
    fs.rmSync(model, { force: true });
  }
  fs.rmSync(work, { recursive: true, force: true });
  if (process.env.OUT) fs.writeFileSync(path.join(process.env.OUT, "gpu.json"), `${JSON.stringify(report, null, 2)}\n`);
  if (mismatches > 0) {
    console.error(`\n${mismatches} run(s) on a GPU provider differ from the cpu's by more than ${TOLERANCE}`);
    process.exitCode = 1;
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
