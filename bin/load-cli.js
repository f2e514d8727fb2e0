"use strict";
// Loads the command line. A build (`npm run build`, scripts/bundle.js) puts
// the whole CLI in one file, dist/sfc.js, and beside it V8's code cache of
// that file, compiled while it checked and compiled the standard library:
// Node 20 has no compile cache of its own, and starting from one file with
// its functions already compiled saves most of what loading sfc costs.
// Without the bundle, or when tsc has rebuilt dist/ since the bundle was
// made (a checkout where only `tsc` ran), the plain dist/cli/main.js runs.
const fs = require("node:fs");
const path = require("node:path");

const dist = path.join(__dirname, "..", "dist");
const BUNDLE = path.join(dist, "sfc.js");
const CACHE = `${BUNDLE}.cache`;
const PLAIN = path.join(dist, "cli", "main.js");

/** The bundle's build id, from its first line: the cache is valid for that build only. */
function buildId(source) {
  const match = /^\/\* sfc bundle ([0-9a-f]{64}) \*\//.exec(source);
  return match ? match[1] : undefined;
}

/** Whether the bundle is at least as new as tsc's output (npm packs give every file one time). */
function bundleIsCurrent() {
  try {
    return fs.statSync(BUNDLE).mtimeMs >= fs.statSync(PLAIN).mtimeMs;
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
  let cachedData;
  if (useCache && id !== undefined) {
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
  return { exports: module.exports, script, id };
}

/** The CLI's exports (`main`): the bundle when it is current, else dist/cli/main.js. */
function loadCli() {
  if (process.env.SFC_NO_BUNDLE !== "1" && bundleIsCurrent()) return runBundle(true).exports;
  return require(PLAIN);
}

module.exports = { loadCli, runBundle, BUNDLE, CACHE };
