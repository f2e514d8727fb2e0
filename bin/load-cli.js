"use strict";
// Loads the command line. A build (`npm run build`, scripts/bundle.js) puts
// the whole CLI in one file, dist/sfc.js, and beside it V8's code cache of
// that file, compiled while it checked and compiled the standard library:
// Node 20 has no compile cache of its own, and starting from one file with
// its functions already compiled saves most of what loading sfc costs.
//
// When the bundle runs:
// - in an installed package (no tsconfig.json beside package.json: the
//   package ships its build whole, made by one `prepack`), whenever it is
//   there. File times say nothing there: install writes files in archive order;
// - in a checkout, only when it is at least as new as every file tsc wrote
//   into dist/, since `tsc` alone (incremental or not) may have rebuilt any of
//   them since the bundle was made;
// - never with SFC_NO_BUNDLE=1.
// A bundle that cannot be compiled (cut short, edited) is passed over for the
// plain dist/cli/main.js, which is what runs otherwise.
const fs = require("node:fs");
const path = require("node:path");

const root = path.join(__dirname, "..");
const dist = path.join(root, "dist");
const BUNDLE = path.join(dist, "sfc.js");
const CACHE = `${BUNDLE}.cache`;
// The standard library's syntax trees, built with the bundle (cli/prebuilt-stdlib.ts).
const STDLIB = `${BUNDLE}.stdlib`;
const PLAIN = path.join(dist, "cli", "main.js");

/** The bundle's build id, from its first line: the cache is valid for that build only. */
function buildId(source) {
  const match = /^\/\* sfc bundle ([0-9a-f]{64}) \*\//.exec(source);
  return match ? match[1] : undefined;
}

/** The newest modification time of tsc's output under `dir` (the bundle's own files left out). */
function newestTscOutput(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestTscOutput(file));
    else if (entry.name.endsWith(".js") && file !== BUNDLE) newest = Math.max(newest, fs.statSync(file).mtimeMs);
  }
  return newest;
}

/** Whether bin/sfc.js should run the bundle (see the rules above). */
function bundleIsCurrent() {
  try {
    const built = fs.statSync(BUNDLE).mtimeMs;
    if (!fs.existsSync(path.join(root, "tsconfig.json"))) return true;
    return built >= newestTscOutput(dist);
  } catch {
    return false;
  }
}

/**
 * Runs the bundle as a CommonJS module, with its code cache when the cache
 * belongs to this build (V8 refuses one from another Node version itself).
 * Returns the module's exports and the script, whose cache can be written.
 */
function runBundle(useCache) {
  const vm = require("node:vm");
  const { createRequire } = require("node:module");
  const source = fs.readFileSync(BUNDLE, "utf8");
  const id = buildId(source);
  if (id === undefined) throw new Error(`${BUNDLE} has no build id: not a bundle scripts/bundle.js wrote`);
  let cachedData;
  if (useCache) {
    try {
      const cache = fs.readFileSync(CACHE);
      if (cache.subarray(0, 64).toString("latin1") === id) cachedData = cache.subarray(64);
    } catch {
      // no cache: compiled as it runs
    }
  }
  const wrapped = `(function (exports, require, module, __filename, __dirname) { ${source}\n});`;
  const script = new vm.Script(wrapped, { filename: BUNDLE, ...(cachedData ? { cachedData } : {}) });
  const module = { exports: {}, id: BUNDLE, filename: BUNDLE, loaded: false };
  script.runInThisContext()(module.exports, createRequire(BUNDLE), module, BUNDLE, dist);
  module.loaded = true;
  if (typeof module.exports.main !== "function") throw new Error(`${BUNDLE} does not export main`);
  // Read when a standard-library module is first loaded, and only if it belongs to this build.
  module.exports.usePrebuiltStdlib(STDLIB, id);
  return { exports: module.exports, script, id };
}

/** The CLI's exports (`main`): the bundle when it should run and loads, else dist/cli/main.js. */
function loadCli() {
  if (process.env.SFC_NO_BUNDLE !== "1" && bundleIsCurrent()) {
    try {
      return runBundle(true).exports;
    } catch {
      // A damaged bundle: the plain build below is the same program.
    }
  }
  if (!fs.existsSync(PLAIN)) {
    // A checkout that was never built: say so, rather than a module-not-found trace.
    process.stderr.write(`sfc: ${PLAIN} is missing: build this checkout first with \`npm run build\`\n`);
    process.exit(2);
  }
  return require(PLAIN);
}

module.exports = { loadCli, runBundle, bundleIsCurrent, BUNDLE, CACHE, STDLIB };
