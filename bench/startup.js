#!/usr/bin/env node
// Start-up time of the sfc command line, interleaved across builds so that a
// noisy machine affects each alike: `node bench/startup.js [RUNS] [ROOT...]`
// runs `node ROOT/bin/sfc.js ARGS` RUNS times per root and command (default
// 15, and this checkout; each in its own folder), and prints median and spread per root, and the
// ratio to the first root. Roots are checkouts built with `npm run build`.
// SFC_STARTUP_WEIGHTS=FILE (and SFC_STARTUP_WEIGHT_NAMES=MAP) adds a compile of
// SlowFast_4x16_R50 at S = 224 from that checkpoint, written to a temporary file.
"use strict";
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const runs = Number(process.argv[2] ?? 15);
const roots = (process.argv.length > 3 ? process.argv.slice(3) : [path.resolve(__dirname, "..")]).map((r) => path.resolve(r));
const commands = [["--version"], ["check", "examples/slowfast_tiny.sf"], ["info", "examples/slowfast_tiny.sf"]];
const work = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-startup-"));
process.on("exit", () => fs.rmSync(work, { recursive: true, force: true }));
if (process.env.SFC_STARTUP_WEIGHTS) {
  const weights = path.resolve(process.env.SFC_STARTUP_WEIGHTS);
  const names = process.env.SFC_STARTUP_WEIGHT_NAMES ? ["--weight-names", process.env.SFC_STARTUP_WEIGHT_NAMES] : [];
  commands.push([
    "compile",
    "std/slowfast.sf",
    "--network",
    "SlowFast_4x16_R50",
    "--set",
    "S=224",
    "--weights",
    weights,
    ...names,
    "-o",
    path.join(work, "r50.onnx"),
  ]);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
for (const args of commands) {
  const times = roots.map(() => []);
  for (let i = 0; i < runs; i++)
    roots.forEach((root, r) => {
      const t = process.hrtime.bigint();
      const result = spawnSync(process.execPath, [path.join(root, "bin/sfc.js"), ...args], { cwd: root, stdio: "ignore" });
      if (result.status !== 0) throw new Error(`${root}: sfc ${args.join(" ")} exited ${result.status}`);
      times[r].push(Number(process.hrtime.bigint() - t) / 1e6);
    });
  const base = median(times[0]);
  console.log(`sfc ${args.map((a) => (a.startsWith(work) ? path.basename(a) : a)).join(" ")}`);
  roots.forEach((root, r) => {
    const m = median(times[r]);
    const sorted = [...times[r]].sort((a, b) => a - b);
    console.log(`  ${root}: median ${m.toFixed(0)} ms (min ${sorted[0].toFixed(0)}, max ${sorted.at(-1).toFixed(0)}), ${(base / m).toFixed(2)}× the first`);
  });
}
