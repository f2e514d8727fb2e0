#!/usr/bin/env node
// Builds dist/sfc.js, the whole command line in one file, and dist/sfc.js.cache,
// V8's code cache of it (see bin/load-cli.js). Run by `npm run build` after tsc,
// which still builds dist/ file by file for the library (package.json "main")
// and its types. The bundle is not minified and has a source map with the
// TypeScript sources in it, so a stack trace read with `node --enable-source-maps` names the sources.
"use strict";
const crypto = require("node:crypto");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { asciiOnly } = require("./ascii-only.js");

let esbuild;
try {
  esbuild = require("esbuild");
} catch {
  // A checkout whose node_modules predate the bundle: dist/ alone still runs (bin/load-cli.js falls back to it).
  // A package is never made without it.
  if (process.env.npm_lifecycle_event === "prepack") throw new Error("esbuild is needed to pack sfc: run npm install");
  console.warn("scripts/bundle.js: esbuild is not installed (run npm install); dist/sfc.js not built, bin/sfc.js runs dist/cli/main.js");
  process.exit(0);
}

const root = path.join(__dirname, "..");
const BUNDLE = path.join(root, "dist", "sfc.js");
const PLACEHOLDER = "0".repeat(64);

// chevrotain's package entry is hundreds of ES modules; grammar/chevrotain.ts
// loads its single-file build at run time, found through require.resolve. In
// the bundle that file is bundled instead.
const chevrotainSingleFile = {
  name: "chevrotain-single-file",
  setup(build) {
    build.onResolve({ filter: /^chevrotain$/ }, () => ({ path: path.join(root, "node_modules", "chevrotain", "lib", "chevrotain.mjs") }));
    build.onLoad({ filter: /[/\\]grammar[/\\]chevrotain\.ts$/ }, () => ({
      contents: 'import * as chevrotain from "chevrotain";\nexport { chevrotain };\n',
      loader: "ts",
    }));
  },
};

// compiler/grammar.ts imports the parser with the compiler; in the bundle it is
// required when first asked for, so that a command that parses nothing (a
// standard-library network, whose trees are prebuilt) does not start chevrotain.
const parserOnFirstUse = {
  name: "parser-on-first-use",
  setup(build) {
    build.onLoad({ filter: /[/\\]compiler[/\\]grammar\.ts$/ }, () => ({
      contents: 'import type * as parse from "../grammar/parse";\nexport function grammar(): typeof parse {\n  return require("../grammar/parse");\n}\n',
      loader: "ts",
      resolveDir: path.join(root, "compiler"),
    }));
  },
};

// onnx-proto and protobufjs are bundled for the emitter, which only encodes:
// loading them from node_modules was 12 ms of every compile (resolving and
// compiling a dozen files), against 2 ms from the bundle with its code cache.
// They load when the first model is written, since a bundled CommonJS module
// runs when it is first required. `sfc run` decodes models with its own copy
// from node_modules: protobufjs decodes an empty bytes field with `new
// Buffer(0)`, and Node hides that deprecation warning only for code under
// node_modules (sfc run of a --dynamic model printed DEP0005 from the bundle).
// protobufjs also looks for optional packages at run time through
// @protobufjs/inquire: `buffer`, and `long`, which it needs only to return the
// 64-bit integers it decodes. The bundled copy only encodes, from JS numbers,
// so it is given `buffer` alone and spared loading `long` (2 ms a compile).
const emitterProtobuf = {
  name: "emitter-protobuf",
  setup(build) {
    build.onLoad({ filter: /[/\\]@protobufjs[/\\]inquire[/\\]index\.js$/ }, () => ({
      contents: 'module.exports = (name) => (name === "buffer" ? require("node:buffer") : null);\n',
      loader: "js",
    }));
    build.onResolve({ filter: /^onnx-proto$/ }, (args) => (/[/\\]cli[/\\]run\.ts$/.test(args.importer) ? { path: args.path, external: true } : undefined));
  },
};

/** Writes `data` to a temporary file and renames it over `file`, so that no reader sees half of it. */
function writeWhole(file, data) {
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, data);
  fs.renameSync(temporary, file);
}

async function bundle() {
  const built = await esbuild.build({
    entryPoints: [path.join(root, "cli", "main.ts")],
    outfile: BUNDLE,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    sourcemap: "linked",
    // Native or loaded from files of their own at run time: left to require.
    external: ["onnxruntime-node", "@hpcc-js/wasm-graphviz", "vscode-languageserver", "vscode-languageserver-textdocument"],
    // import() of an external package becomes require, as tsc's CommonJS output has it: the bundle runs as a
    // script (bin/load-cli.js), which has no loader for ES modules.
    supported: { "dynamic-import": false },
    plugins: [chevrotainSingleFile, parserOnFirstUse, emitterProtobuf],
    // A line of its own, replaced by the build id below without moving any other line (the source map stays true).
    banner: { js: `/* sfc bundle ${PLACEHOLDER} */` },
    logLevel: "warning",
    // Kept in memory and written below, each file whole.
    write: false,
  });
  const output = (file) => built.outputFiles.find((f) => f.path === file).text;
  // The build id heads the file, so that a code cache of another build is never used with it.
  const { code: body, map } = asciiOnly(output(BUNDLE), output(`${BUNDLE}.map`));
  const id = crypto.createHash("sha256").update(body).digest("hex");
  fs.mkdirSync(path.dirname(BUNDLE), { recursive: true });
  fs.rmSync(`${BUNDLE}.cache`, { force: true });
  fs.rmSync(`${BUNDLE}.stdlib`, { force: true });
  writeWhole(`${BUNDLE}.map`, map);
  writeWhole(BUNDLE, body.replace(PLACEHOLDER, id));
}

/**
 * Writes the standard library's syntax trees for this build (cli/prebuilt-stdlib.ts), made by the bundle itself;
 * then runs the bundle on the standard library and a small compile, and writes V8's cache of what it compiled.
 */
async function codeCache() {
  const { runBundle, CACHE, STDLIB } = require(path.join(root, "bin", "load-cli.js"));
  const { exports, script, id } = runBundle(false);
  writeWhole(STDLIB, exports.prebuiltStdlibFile(id));
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-bundle-"));
  const quiet = { out: () => {}, err: () => {}, colorOut: false, colorErr: false };
  try {
    for (const args of [
      ["check", "std/slowfast.sf"],
      ["info", "std/slowfast.sf", "--network", "SlowFast_4x16_R50"],
      ["compile", path.join(root, "examples", "slowfast_tiny.sf"), "-o", path.join(work, "tiny.onnx")],
    ]) {
      const code = await exports.main(args, quiet);
      if (code !== 0) throw new Error(`sfc ${args.join(" ")} exited with ${code} while making the code cache`);
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  writeWhole(CACHE, Buffer.concat([Buffer.from(id, "latin1"), script.createCachedData()]));
}

bundle()
  .then(codeCache)
  .catch((e) => {
    console.error(e);
    process.exit(1);
  });
