#!/usr/bin/env node
// Start-up time of the sfc command line, interleaved across builds so that a
// noisy machine affects each alike: `node bench/startup.js [RUNS] [ROOT...]`
// runs `node ROOT/bin/sfc.js ARGS` RUNS times per root and command (default
// 15, and this checkout; each in its own folder), and prints median and spread per root, and the
// ratio to the first root. Roots are checkouts built with `npm run build`.
"use strict";
const { spawnSync } = require("node:child_process");
const path = require("node:path");

const runs = Number(process.argv[2] ?? 15);
const roots = (process.argv.length > 3 ? process.argv.slice(3) : [path.resolve(__dirname, "..")]).map((r) => path.resolve(r));
const commands = [["--version"], ["check", "examples/slowfast_tiny.sf"], ["info", "examples/slowfast_tiny.sf"]];

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
  console.log(`sfc ${args.join(" ")}`);
  roots.forEach((root, r) => {
    const m = median(times[r]);
    const sorted = [...times[r]].sort((a, b) => a - b);
    console.log(`  ${root}: median ${m.toFixed(0)} ms (min ${sorted[0].toFixed(0)}, max ${sorted.at(-1).toFixed(0)}), ${(base / m).toFixed(2)}× the first`);
  });
}
