#!/usr/bin/env node
// The tests check every emitted model with Debian's onnx 1.12 (python3-onnx),
// an independent implementation of the ONNX checker and shape inference.
// This installs it when it is missing and we may (root with apt), and
// otherwise says how.
"use strict";
const { spawnSync } = require("node:child_process");

const PYTHON = "/usr/bin/python3";
const probe = () => spawnSync(PYTHON, ["-c", "import onnx, numpy"], { stdio: "ignore" }).status === 0;

if (probe()) process.exit(0);
const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
const hasApt = spawnSync("sh", ["-c", "command -v apt-get"], { stdio: "ignore" }).status === 0;
if (isRoot && hasApt) {
  console.error("installing python3-onnx and python3-numpy (Debian) for the ONNX checks...");
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const run = (args) => spawnSync("apt-get", args, { stdio: ["ignore", "ignore", "inherit"], env }).status === 0;
  if (run(["update", "-qq"]) && run(["install", "-y", "-qq", "python3-onnx", "python3-numpy"]) && probe()) process.exit(0);
}
console.error(`The tests need Debian's onnx checker: sudo apt-get install -y python3-onnx python3-numpy (used as ${PYTHON}).`);
process.exit(1);
