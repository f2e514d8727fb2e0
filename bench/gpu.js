#!/usr/bin/env node
// The GPU check: SlowFast_4x16_R50 at 224² (seeded weights), compiled with the
// layout pass (the default, which chooses by measuring on the compiling
// machine's CPU) and with `--layout ncdhw`; each run by `sfc run --ep webgpu`
// and `--ep cuda` as a user runs it (its logits compared with `sfc run --ep
// cpu`'s), then timed on each execution provider at batch 1 and 8 against
// onnxruntime's CPU provider, whose outputs each GPU run must match within
// 1e-3. Each provider is measured in a child process under a time limit, so
// that a crash or a hang costs its own row only; a provider that cannot start
// is reported as not run, with onnxruntime's reason, and the report is
// rewritten after every row. Exit status: 1 where a provider ran and its
// outputs differ, 2 where no GPU provider ran, else 0. `npm run bench:gpu`
// (builds first); on a GPU machine without Node, bench/gpu-device.sh runs it. Writes
// gpu.json to $OUT (else build/) as it goes.
"use strict";
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..");
// The CLI's own clip (the same input on every provider), reading of .npy files and wording of a provider's failure.
const { deterministicClip, providerFailure } = require("../dist/runtime/session.js");
const { readNpy } = require("../dist/runtime/npy.js");
const SFC = path.join(ROOT, "bin", "sfc.js");
const NETWORK = "SlowFast_4x16_R50";
const INPUT = [3, 32, 224, 224];
const BATCHES = [1, 8];
const PROVIDERS = ["webgpu", "cuda"];
const TOLERANCE = 1e-3;
const GPU_RUNS = Number(process.env.SFC_BENCH_RUNS ?? 10);
const CPU_RUNS = 2;
/** Per child (one `sfc run`, or one provider's sessions and runs at both batches). */
const CHILD_LIMIT_MS = 150_000;
const NOT_ASSIGNED = /Some nodes were not assigned to the preferred execution providers[^\n]*/;
// onnxruntime-node's CUDA provider is not in the package: its install script downloads it, built for CUDA 12.
const CUDA_NOTE =
  "onnxruntime-node's CUDA provider is downloaded by its install script (ONNXRUNTIME_NODE_INSTALL=cuda12), built for CUDA 12; it cannot be installed without network access";

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function run(args, limitMs = CHILD_LIMIT_MS) {
  const r = spawnSync(process.execPath, args, { encoding: "utf8", maxBuffer: 64 << 20, timeout: limitMs, killSignal: "SIGKILL" });
  const timedOut = r.error?.code === "ETIMEDOUT" || (r.status === null && r.signal === "SIGKILL");
  return { code: r.status, signal: r.signal, timedOut, out: (r.stdout ?? "").trim(), err: (r.stderr ?? "").trim() };
}

/** Largest absolute difference, that over the reference's largest magnitude, and whether the five top classes agree. */
function compare(output, reference, classes) {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < reference.length; i++) {
    diff = Math.max(diff, Math.abs(output[i] - reference[i]));
    scale = Math.max(scale, Math.abs(reference[i]));
  }
  const top5 = (v, row) =>
    Array.from(v.subarray(row * classes, (row + 1) * classes))
      .map((x, i) => [x, i])
      .sort((a, b) => b[0] - a[0])
      .slice(0, 5)
      .map(([, i]) => i)
      .join(",");
  let sameTop5 = true;
  for (let row = 0; row < reference.length / classes; row++) sameTop5 &&= top5(output, row) === top5(reference, row);
  return { maxAbsDiff: diff, relative: scale > 0 ? diff / scale : diff, sameTop5, ok: diff <= TOLERANCE };
}

/** `sfc run MODEL --ep EP` as a user runs it: where it ran, what it warned, and its logits. */
function cliRun(model, ep, work) {
  const output = path.join(work, `cli-${ep}.npy`);
  const r = run([SFC, "run", model, "--ep", ep, "--top", "1", "--output", output]);
  const ranOn = /on (\w+) in [\d.]+ ms/.exec(r.out)?.[1];
  const warned = r.err.split("\n").find((l) => l.startsWith("warning:"));
  return {
    ep,
    code: r.timedOut ? "timed out" : r.code,
    ranOn,
    warning: warned?.replace(/^warning: /, "").replace(/^execution provider '\w+' failed to start \((.*)\); running on cpu$/, "$1"),
    logits: r.code === 0 && fs.existsSync(output) ? readNpy(fs.readFileSync(output)).data : undefined,
  };
}

// --------------------------------------------------------------------------- one provider, in a child

/** `gpu.js --measure EP MODEL REFS`: sessions on EP alone, timed at each batch; prints one JSON line. */
async function measureProvider(ep, model, refs) {
  const ort = require("onnxruntime-node");
  let session;
  try {
    // Warnings (level 2) let through: onnxruntime says so when it places some nodes on the CPU instead.
    session = await ort.InferenceSession.create(model, { executionProviders: [ep], graphOptimizationLevel: "all", logSeverityLevel: 2 });
  } catch (e) {
    console.log(JSON.stringify({ ran: false, reason: providerFailure(e) }));
    return;
  }
  const rows = [];
  for (const batch of BATCHES) {
    const bytes = fs.readFileSync(path.join(refs, `${batch}.f32`));
    const reference = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    try {
      const feeds = { [session.inputNames[0]]: new ort.Tensor("float32", deterministicClip([batch, ...INPUT]), [batch, ...INPUT]) };
      let output;
      for (let i = 0; i < 2; i++) output = (await session.run(feeds))[session.outputNames[0]].data;
      const times = [];
      for (let i = 0; i < GPU_RUNS; i++) {
        const t = performance.now();
        output = (await session.run(feeds))[session.outputNames[0]].data;
        times.push(performance.now() - t);
      }
      rows.push({
        batch,
        ran: true,
        ms: median(times),
        min: Math.min(...times),
        max: Math.max(...times),
        ...compare(output, reference, reference.length / batch),
      });
    } catch (e) {
      rows.push({ batch, ran: false, reason: providerFailure(e) });
    }
  }
  await session.release();
  console.log(JSON.stringify({ ran: true, rows }));
}

// --------------------------------------------------------------------------- the check

async function cpuReference(ort, model, batch) {
  const session = await ort.InferenceSession.create(model, { executionProviders: ["cpu"], graphOptimizationLevel: "all" });
  const feeds = { [session.inputNames[0]]: new ort.Tensor("float32", deterministicClip([batch, ...INPUT]), [batch, ...INPUT]) };
  let output = (await session.run(feeds))[session.outputNames[0]].data;
  const times = [];
  for (let i = 0; i < CPU_RUNS; i++) {
    const t = performance.now();
    output = (await session.run(feeds))[session.outputNames[0]].data;
    times.push(performance.now() - t);
  }
  await session.release();
  return { output, ms: median(times), min: Math.min(...times), max: Math.max(...times) };
}

const fmt = (r) => `${r.ms.toFixed(2)} ms (${r.min.toFixed(2)}–${r.max.toFixed(2)})`;

async function main() {
  const ort = require("onnxruntime-node");
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-gpu-"));
  const reportFile = path.join(process.env.OUT || path.join(ROOT, "build"), "gpu.json");
  fs.mkdirSync(path.dirname(reportFile), { recursive: true });
  const report = {
    machine: `${os.cpus().length} × ${os.cpus()[0].model.trim()}`,
    node: process.version,
    backends: ort.listSupportedBackends(),
    cudaNote: CUDA_NOTE,
    models: [],
  };
  const save = () => fs.writeFileSync(reportFile, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`sfc GPU check on ${report.machine}, Node ${process.version}`);
  console.log(`onnxruntime-node backends: ${report.backends.map((b) => `${b.name}${b.bundled ? "" : " (not installed)"}`).join(", ")}`);
  if (!report.backends.some((b) => b.name === "cuda" && b.bundled)) console.log(`cuda: ${CUDA_NOTE}`);
  console.log("");
  let mismatches = 0;
  let gpuRuns = 0;
  for (const layout of ["auto", "ncdhw"]) {
    const model = path.join(work, `${NETWORK}_${layout}.onnx`);
    const compiled = run([SFC, "compile", "std/slowfast.sf", "--network", NETWORK, "--layout", layout, "-o", model]);
    const entry = { layout, cli: [], cpu: [], providers: {} };
    report.models.push(entry);
    console.log(`${NETWORK}, --layout ${layout}:`);
    if (compiled.code !== 0) {
      entry.error = `sfc compile failed: ${compiled.timedOut ? "timed out" : compiled.err}`;
      console.log(`  ${entry.error}`);
      save();
      continue;
    }
    const cpuCli = cliRun(model, "cpu", work);
    for (const ep of PROVIDERS) {
      const c = cliRun(model, ep, work);
      const agreement = c.logits && cpuCli.logits ? compare(c.logits, cpuCli.logits, c.logits.length) : undefined;
      entry.cli.push({ ep, code: c.code, ranOn: c.ranOn, warning: c.warning, ...(agreement ? { vsCpu: agreement } : {}) });
      const against = agreement ? `, logits within ${agreement.maxAbsDiff.toExponential(2)} of --ep cpu's` : "";
      console.log(`  sfc run --ep ${ep}: exit ${c.code}, ran on ${c.ranOn ?? "?"}${c.warning ? ` (${c.warning})` : ""}${against}`);
      if (agreement && c.ranOn === ep && !agreement.ok) mismatches++;
    }
    const refs = path.join(work, `refs-${layout}`);
    fs.mkdirSync(refs);
    for (const batch of BATCHES) {
      const r = await cpuReference(ort, model, batch);
      fs.writeFileSync(path.join(refs, `${batch}.f32`), Buffer.from(r.output.buffer, r.output.byteOffset, r.output.byteLength));
      entry.cpu.push({ batch, ms: r.ms, min: r.min, max: r.max });
      console.log(`  cpu, batch ${batch}: ${fmt(r)}`);
    }
    save();
    for (const ep of PROVIDERS) {
      const child = run([__filename, "--measure", ep, model, refs]);
      const line = child.out.split("\n").pop();
      let result;
      try {
        result = JSON.parse(line);
      } catch {
        result = {
          ran: false,
          reason: child.timedOut
            ? `timed out after ${CHILD_LIMIT_MS / 1000} s`
            : `the child ended (${child.signal ?? `exit ${child.code}`}): ${child.err.split("\n").pop()}`,
        };
      }
      const unassigned = NOT_ASSIGNED.exec(child.err)?.[0];
      if (unassigned) result.notAssigned = unassigned;
      entry.providers[ep] = result;
      if (!result.ran) console.log(`  ${ep}: did not run: ${result.reason}`);
      for (const row of result.rows ?? []) {
        const cpu = entry.cpu.find((c) => c.batch === row.batch);
        if (!row.ran) {
          console.log(`  ${ep}, batch ${row.batch}: failed: ${row.reason}`);
          continue;
        }
        gpuRuns++;
        if (!row.ok) mismatches++;
        console.log(
          `  ${ep}, batch ${row.batch}: ${fmt(row)}, ${(cpu.ms / row.ms).toFixed(1)} × the cpu's speed; outputs within ${row.maxAbsDiff.toExponential(2)} ` +
            `(${(row.relative * 100).toFixed(3)} % of the largest), top-5 ${row.sameTop5 ? "the same" : "DIFFERENT"}: ${row.ok ? "ok" : `OVER ${TOLERANCE}`}`,
        );
      }
      if (unassigned) console.log(`  ${ep}: ${unassigned}`);
      save();
    }
    fs.rmSync(model, { force: true });
  }
  fs.rmSync(work, { recursive: true, force: true, maxRetries: 2 });
  console.log(`\nreport: ${reportFile}`);
  if (mismatches > 0) {
    console.error(`${mismatches} run(s) on a GPU provider differ from the cpu's by more than ${TOLERANCE}`);
    process.exitCode = 1;
  } else if (gpuRuns === 0) {
    console.error("no GPU provider ran");
    process.exitCode = 2;
  }
}

if (process.argv[2] === "--measure") {
  const [, , , ep, model, refs] = process.argv;
  measureProvider(ep, model, refs).catch((e) => {
    console.log(JSON.stringify({ ran: false, reason: providerFailure(e) }));
  });
} else {
  main().catch((e) => {
    console.error(e);
    process.exitCode = 1;
  });
}
