#!/usr/bin/env node
// Assembles each compiler/**/wasm/*.wat into the .ts beside it that holds its
// bytes (NAME-wasm.ts), with wabt. Run after editing a .wat: `npm run build:wasm`.
// The bytes are committed, so building sfc needs no assembler; test/emit/wasm.test.ts
// checks that they are still what the .wat assembles to.
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const root = path.join(__dirname, "..");

/** Every .wat under compiler/, with the .ts file its bytes go to. */
function watFiles(dir = path.join(root, "compiler")) {
  const found = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...watFiles(file));
    else if (entry.name.endsWith(".wat")) found.push({ wat: file, ts: file.replace(/\.wat$/, "-wasm.ts") });
  }
  return found.sort((a, b) => a.wat.localeCompare(b.wat));
}

/** The module's bytes, assembled by wabt with the features the .wat files use. */
async function assemble(watFile) {
  const wabt = await require("wabt")();
  const parsed = wabt.parseWat(path.basename(watFile), fs.readFileSync(watFile, "utf8"), { simd: true });
  try {
    parsed.resolveNames();
    parsed.validate();
    return Buffer.from(parsed.toBinary({}).buffer);
  } finally {
    parsed.destroy();
  }
}

/** The .ts file's text for `bytes` assembled from `watFile`. */
function tsSource(watFile, bytes) {
  const name = path.basename(watFile);
  return [
    `// Assembled from ${name} by scripts/build-wasm.js (npm run build:wasm): edit the .wat, not this file.`,
    `export const WASM_BASE64 =`,
    `  "${bytes.toString("base64")}";`,
    "",
  ].join("\n");
}

async function main() {
  for (const { wat, ts } of watFiles()) {
    fs.writeFileSync(ts, tsSource(wat, await assemble(wat)));
    console.log(`${path.relative(root, wat)} -> ${path.relative(root, ts)}`);
  }
}

module.exports = { watFiles, assemble, tsSource };
if (require.main === module) main();
