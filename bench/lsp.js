#!/usr/bin/env node
// Language-server latency: the time from an edit to its published
// diagnostics, and from a hover request to its answer, against the real
// `sfc lsp --stdio` process as an editor drives it. Files: each standard-
// library module (std/resnet3d.sf also with two files open that import it),
// and a generated file of 1,000 blocks that a network calls in a row. Run
// with `npm run bench:lsp` (builds first).
"use strict";
const { spawn } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { pathToFileURL } = require("node:url");
const rpc = require("vscode-languageserver-protocol/node");

const ROOT = path.resolve(__dirname, "..");
const RUNS = Number(process.env.SFC_BENCH_RUNS ?? 15);
const TARGET_MS = 200;
const { check, nodeHost } = require("../dist/compiler/index.js");

/** The library's check of the same file in this process (no server, no debounce): what an edit costs at least. */
function checkAlone(file) {
  const host = nodeHost();
  const times = [];
  for (let i = 0; i < Math.max(3, Math.ceil(RUNS / 3)); i++) {
    const t = performance.now();
    check({ files: [file], host });
    times.push(performance.now() - t);
  }
  return median(times.slice(1));
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** n residual blocks, each declared and each called once by the network, in a row. */
function generated(n) {
  const lines = ["// Generated for the language-server benchmark.", ""];
  for (let i = 0; i < n; i++) {
    lines.push(`block r${i}(x: <T, S², C>, k: int = 3) -> <T, S², C> {`);
    lines.push("  y = x |> conv(out: C, kernel: 1×k², pad: 0×((k - 1)/2)²) |> bn |> relu");
    lines.push("  return add(x, y)");
    lines.push("}", "");
  }
  lines.push("network Deep(clip: <T, S², 3>, T = 2, S = 16, C = 8, classes = 10) -> <classes> {");
  lines.push("  x = clip |> conv(out: C, kernel: 1×3², pad: 0×1²)");
  for (let i = 0; i < n; i++) lines.push(`  x = r${i}(x)`);
  lines.push("  return gap(x) |> linear(out: classes)", "}", "");
  return lines.join("\n");
}

function startServer() {
  const child = spawn(process.execPath, [path.join(ROOT, "bin/sfc.js"), "lsp", "--stdio"], { stdio: ["pipe", "pipe", "inherit"] });
  const connection = rpc.createProtocolConnection(new rpc.StreamMessageReader(child.stdout), new rpc.StreamMessageWriter(child.stdin));
  const waiting = new Map();
  connection.onNotification(rpc.PublishDiagnosticsNotification.type, (p) => {
    const key = `${p.uri}#${p.version}`;
    const w = waiting.get(key);
    if (w) {
      waiting.delete(key);
      w(p);
    }
  });
  connection.listen();
  const published = (uri, version) => new Promise((resolve) => waiting.set(`${uri}#${version}`, resolve));
  return { child, connection, published };
}

/** The position of the first `needle` in `text`, plus `shift` characters. */
function positionOf(text, needle, shift) {
  const lines = text.split("\n");
  for (let line = 0; line < lines.length; line++) {
    const k = lines[line].indexOf(needle);
    if (k >= 0) return { line, character: k + shift };
  }
  throw new Error(`no ${needle}`);
}

/** Opens `files` and waits for their diagnostics: importers open beside the measured file. */
async function openAll(server, files) {
  const uris = [];
  for (const file of files) {
    const uri = pathToFileURL(file).href;
    const opened = server.published(uri, 1);
    await server.connection.sendNotification("textDocument/didOpen", {
      textDocument: { uri, languageId: "sf", version: 1, text: fs.readFileSync(file, "utf8") },
    });
    await opened;
    uris.push(uri);
  }
  return uris;
}

/**
 * Edits of `file` (with `alsoOpen` open beside it), each followed by a hover;
 * with `inlayAfterMs`, an editor's inlay-hint request that many ms after each
 * edit too, as VS Code sends one, answered before the next edit.
 */
async function measure(server, file, text, hoverAt, alsoOpen = [], inlayAfterMs = undefined) {
  const others = await openAll(server, alsoOpen);
  const uri = pathToFileURL(file).href;
  let version = 1;
  const opened = server.published(uri, version);
  const t0 = performance.now();
  await server.connection.sendNotification("textDocument/didOpen", { textDocument: { uri, languageId: "sf", version, text } });
  await opened;
  const openMs = performance.now() - t0;
  const edits = [];
  const hovers = [];
  const lastLine = text.split("\n").length - 1;
  for (let i = 0; i < RUNS; i++) {
    // Type a space at the end of the file, then take it back: the text changes, the program does not.
    version++;
    const insert = i % 2 === 0;
    const change = insert
      ? { range: { start: { line: lastLine, character: 0 }, end: { line: lastLine, character: 0 } }, text: " " }
      : { range: { start: { line: lastLine, character: 0 }, end: { line: lastLine, character: 1 } }, text: "" };
    const done = server.published(uri, version);
    const t = performance.now();
    await server.connection.sendNotification("textDocument/didChange", { textDocument: { uri, version }, contentChanges: [change] });
    const hinted =
      inlayAfterMs === undefined
        ? undefined
        : new Promise((resolve) => setTimeout(resolve, inlayAfterMs)).then(() =>
            server.connection.sendRequest("textDocument/inlayHint", {
              textDocument: { uri },
              range: { start: { line: 0, character: 0 }, end: { line: lastLine + 1, character: 0 } },
            }),
          );
    const p = await done;
    edits.push(performance.now() - t);
    await hinted;
    if (p.diagnostics.some((d) => d.severity === 1)) throw new Error(`${file} has errors: ${p.diagnostics[0].message}`);
    const h = performance.now();
    const answer = await server.connection.sendRequest("textDocument/hover", { textDocument: { uri }, position: hoverAt });
    hovers.push(performance.now() - h);
    if (!answer) throw new Error(`no hover in ${file} at ${JSON.stringify(hoverAt)}`);
  }
  for (const u of [uri, ...others]) await server.connection.sendNotification("textDocument/didClose", { textDocument: { uri: u } });
  return { openMs, editMs: median(edits), hoverMs: median(hovers), worstEditMs: Math.max(...edits) };
}

async function main() {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-bench-lsp-"));
  const deep = path.join(work, "deep1000.sf");
  fs.writeFileSync(deep, generated(1000));
  const cases = [
    ["stdlib/lateral.sf", path.join(ROOT, "stdlib/lateral.sf"), "tconv(x", 7, "std/lateral.sf"],
    ["stdlib/resnet3d.sf", path.join(ROOT, "stdlib/resnet3d.sf"), "return", 7, "std/resnet3d.sf"],
    // A module of blocks with files open that import it: its hover types come from their networks.
    [
      "stdlib/resnet3d.sf, 2 importers",
      path.join(ROOT, "stdlib/resnet3d.sf"),
      "return",
      7,
      "std/resnet3d.sf",
      ["stdlib/slowfast.sf", "examples/slowfast_tiny.sf"],
    ],
    // The same, with an inlay-hint request 25 ms after each edit.
    [
      "  and inlay hints 25 ms after",
      path.join(ROOT, "stdlib/resnet3d.sf"),
      "return",
      7,
      "std/resnet3d.sf",
      ["stdlib/slowfast.sf", "examples/slowfast_tiny.sf"],
      25,
    ],
    ["stdlib/nonlocal.sf", path.join(ROOT, "stdlib/nonlocal.sf"), "return", 7, "std/nonlocal.sf"],
    ["stdlib/slowfast.sf", path.join(ROOT, "stdlib/slowfast.sf"), "pathway fast", 9, "std/slowfast.sf"],
    ["generated, 1,000 blocks", deep, "x = r500(x)", 6, deep],
  ];
  const server = startServer();
  await server.connection.sendRequest("initialize", { processId: process.pid, rootUri: pathToFileURL(ROOT).href, capabilities: {}, initializationOptions: {} });
  await server.connection.sendNotification("initialized", {});
  console.log(
    `sfc lsp latency on ${os.cpus().length} × ${os.cpus()[0].model.trim()}, Node ${process.version}; median of ${RUNS} edits and hovers (debounce 50 ms included)\n`,
  );
  console.log(
    `${"file".padEnd(34)}${"open".padStart(10)}${"edit → diagnostics".padStart(22)}${"worst".padStart(10)}${"hover".padStart(10)}${"check alone".padStart(14)}`,
  );
  for (const [label, file, needle, shift, checked, importers = [], inlayAfterMs] of cases) {
    const text = fs.readFileSync(file, "utf8");
    const r = await measure(
      server,
      file,
      text,
      positionOf(text, needle, shift),
      importers.map((f) => path.join(ROOT, f)),
      inlayAfterMs,
    );
    const alone = checkAlone(checked);
    const target = label.startsWith("stdlib") || label.startsWith("  and") ? `   ${(r.editMs / TARGET_MS).toFixed(2)} × the ${TARGET_MS} ms target` : "";
    console.log(
      `${label.padEnd(34)}${`${r.openMs.toFixed(0)} ms`.padStart(10)}${`${r.editMs.toFixed(0)} ms`.padStart(22)}${`${r.worstEditMs.toFixed(0)} ms`.padStart(10)}${`${r.hoverMs.toFixed(1)} ms`.padStart(10)}${`${alone.toFixed(0)} ms`.padStart(14)}${target}`,
    );
  }
  await server.connection.sendRequest("shutdown");
  await server.connection.sendNotification("exit");
  fs.rmSync(work, { recursive: true, force: true });
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
