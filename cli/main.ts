/**
 * The sfc command line: a thin shell over the library. Exit status 0 when
 * clean, 1 when the sources have errors, 2 for usage and I/O problems.
 */
import { version } from "./common";
import { CHECK, COMMANDS, COMPILE, GRAPH, INFO, LSP, RUN } from "./commands";
import { holdDocument, processIo, releaseDocument, UsageError, type Io } from "./io";
import { deliverPendingSignals } from "./outputs";
import type { OutputFormat } from "../compiler/render/index";
import { printableMessage } from "../compiler/render/printable";
import { CheckpointError } from "../compiler/weights/tensor";
import { commandHelp } from "./options";

// For bin/load-cli.js and scripts/bundle.js: the standard library's trees built with the bundle.
export { prebuiltStdlibFile, usePrebuiltStdlib } from "./prebuilt-stdlib";

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return `sfc — a typed language and compiler for two-pathway video networks

Usage: sfc COMMAND [options]

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join("\n")}

sfc help COMMAND (or sfc COMMAND --help) lists a command's options.
FILE may name a standard-library module as std/NAME.sf (e.g. std/slowfast.sf).
Parameters: --set T=8 --set alpha=4 --set beta=1/8 --set transform=t2c.

Exit status: 0 clean; 1 errors in the sources, or a setting that breaks a rule of
the language (an unknown --network or --set name, a value that does not fit);
2 usage or I/O errors.
`;
}

function helpFor(name: string | undefined, io: Io): number {
  // `sfc help help` is the overview, where `help` is listed.
  if (name === undefined || name === "help") {
    io.out(usage());
    return 0;
  }
  const spec = COMMANDS.find((c) => c.name === name);
  if (!spec) throw new UsageError(`unknown command ${JSON.stringify(name)}; the commands are ${COMMANDS.map((c) => c.name).join(", ")}`);
  io.out(commandHelp(spec));
  return 0;
}

const wantsHelp = (args: readonly string[]): boolean => {
  const end = args.indexOf("--");
  return (end < 0 ? args : args.slice(0, end)).some((a) => a === "--help" || a === "-h");
};

/** The machine format asked for with --format, if any. */
function machineFormat(args: readonly string[]): Exclude<OutputFormat, "human"> | undefined {
  let value: string | undefined;
  args.forEach((a, i) => {
    if (a === "--format") value = args[i + 1];
    else if (a.startsWith("--format=")) value = a.slice("--format=".length);
  });
  return value === "json" || value === "sarif" || value === "github" ? value : undefined;
}

type Implementation = (args: string[], io: Io) => number | Promise<number>;
type CommandName = (typeof CHECK | typeof COMPILE | typeof RUN | typeof INFO | typeof GRAPH | typeof LSP)["name"];

/**
 * Each command's implementation is loaded when it runs (TypeScript emits
 * these imports as require calls), so that `sfc check` never loads the ONNX emitter, protobufjs or onnxruntime.
 */
const IMPLEMENTATIONS: Record<CommandName, Implementation> = {
  check: async (args, io) => (await import("./check")).checkCommand(args, io),
  compile: async (args, io) => (await import("./compile")).compileCommand(args, io),
  run: async (args, io) => (await import("./run")).runCommand(args, io),
  info: async (args, io) => (await import("./info")).infoCommand(args, io),
  graph: async (args, io) => (await import("./graph")).graphCommand(args, io),
  lsp: async (args) => (await import("./lsp")).lspCommand(args),
};

/**
 * `--opset -1` reads to node:util's parseArgs as two options; an option
 * followed by a negative number takes it as its value, as people mean.
 */
function joinNegativeValues(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = argv[i + 1];
    if (/^--[a-z][a-z-]*$/.test(a) && next !== undefined && /^-\d/.test(next)) {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

async function runCommand(command: string | undefined, rest: string[], io: Io): Promise<number> {
  if (command === undefined || command === "--help" || command === "-h") return helpFor(undefined, io);
  if (command === "help") return helpFor(rest[0], io);
  if (command === "--version" || command === "-V") {
    io.out(`sfc ${version()}\n`);
    return 0;
  }
  const spec = COMMANDS.find((c) => c.name === command);
  if (!spec) throw new UsageError(`unknown command ${JSON.stringify(command)}; see sfc --help`);
  if (wantsHelp(rest)) return helpFor(spec.name, io);
  const status = await IMPLEMENTATIONS[spec.name as CommandName](rest, io);
  // A signal that arrived during the command's last synchronous step ends the process now, as the signal would.
  await deliverPendingSignals();
  return status;
}

export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  const [command, ...rest] = joinNegativeValues(argv);
  // Read without parsing the rest, which may be what fails.
  const format = machineFormat(rest);
  // One document per run in a machine format, printed once the outcome is known.
  holdDocument(io);
  try {
    const status = await runCommand(command, rest, io);
    releaseDocument(io, format, version());
    return status;
  } catch (caught) {
    // A checkpoint whose bytes fail while the model is written is the checkpoint's fault, as when it fails to load.
    const e = caught instanceof CheckpointError ? new UsageError(`cannot load ${caught.file ?? "the checkpoint"}: ${caught.message}`) : caught;
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
      releaseDocument(io, format, version(), (e as Error).message);
      io.err(`sfc: ${printableMessage((e as Error).message)}\n`);
      return 2;
    }
    // Never a stack trace: a fault in sfc is one line, with the trace only when asked for.
    const message = `internal error: ${(e as Error)?.message ?? String(e)}`;
    releaseDocument(io, format, version(), message);
    io.err(
      `sfc: ${printableMessage(message)}\n${process.env.SFC_DEBUG ? `${(e as Error)?.stack}\n` : "set SFC_DEBUG=1 to see where; please report it with the input\n"}`,
    );
    return 2;
  }
}
