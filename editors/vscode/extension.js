// The VS Code side of sfc's language support: starts `sfc lsp --stdio` for
// .sf files and passes the `sfc.*` settings to it. Everything else (checking,
// hover, navigation) is the server's.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

let client;

/** The `sfc` to run: the setting, else the workspace's own (node_modules/.bin), else the one on PATH. */
function serverCommand() {
  const configured = vscode.workspace.getConfiguration("sfc").get("server.path");
  if (configured) return configured;
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    const local = path.join(folder.uri.fsPath, "node_modules", ".bin", process.platform === "win32" ? "sfc.cmd" : "sfc");
    if (fs.existsSync(local)) return local;
    // In the sfc repository itself.
    const own = path.join(folder.uri.fsPath, "bin", "sfc.js");
    if (fs.existsSync(own) && fs.existsSync(path.join(folder.uri.fsPath, "stdlib"))) return own;
  }
  return "sfc";
}

function activate(context) {
  const config = vscode.workspace.getConfiguration("sfc");
  const command = serverCommand();
  const run = command.endsWith(".js")
    ? {
        command: process.execPath,
        args: [command, "lsp", "--stdio"],
        transport: TransportKind.stdio,
        options: { env: { ...process.env, ELECTRON_RUN_AS_NODE: "1" } },
      }
    : { command, args: ["lsp", "--stdio"], transport: TransportKind.stdio };
  client = new LanguageClient(
    "sfc",
    "sfc",
    { run, debug: run },
    {
      documentSelector: [
        { scheme: "file", language: "sf" },
        { scheme: "untitled", language: "sf" },
      ],
      initializationOptions: { inlayHints: config.get("inlayHints"), diagnosticsDelay: config.get("diagnosticsDelay") },
      synchronize: { configurationSection: "sfc" },
    },
  );
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
