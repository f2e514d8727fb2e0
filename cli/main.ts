/**
 * The sfc command line: a thin shell over the library. Exit status 0 when
 * clean, 1 when the sources have errors, 2 for usage and I/O problems.
 */
import { parseArgs } from "node:util";
import * as fs from "node:fs";
import * as path from "node:path";
import { check, compile, elaborateOnly, type CompileResult, type Setting } from "../compiler/index";
import { nodeHost, readCheckpointFile } from "../compiler/host/node";
import type { OutputFormat } from "../compiler/render/index";
import { CheckpointError } from "../compiler/weights/tensor";
import { printDiagnostics, processIo, UsageError, writeAtomically, type Io } from "./io";
import { infoCommand } from "./info";
import { runCommand } from "./run";

const USAGE = `sfc — a typed language and compiler for two-pathway video networks

Usage:
  sfc check FILE... [--format human|json|sarif|github] [--set NAME=VALUE]...
  sfc compile FILE.sf [--network NAME] [--set NAME=VALUE]... [--seed N] [--opset N]
              [--weights FILE --weight-names sfc|pyslowfast|pytorchvideo] -o OUT.onnx
  sfc run MODEL.onnx|FILE.sf [--network NAME] [--set ...] [--input X.npy] [--output Y.npy]
              [--ep cpu|cuda|webgpu] [--threads N]
  sfc info FILE.sf [--network NAME] [--set ...] [--format table|json] [--count-bn]

FILE may name a standard-library module as std/NAME.sf (e.g. std/slowfast.sf).
Parameters: --set T=8 --set alpha=4 --set beta=1/8 --set transform=t2c.

Exit status: 0 clean, 1 errors in the sources, 2 usage or I/O errors.
`;

export function version(): string {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "package.json"), "utf8")) as { version: string };
    return pkg.version;
  } catch {
    return "0.0.0";
  }
}

const COMMON = {
  format: { type: "string" },
  set: { type: "string", multiple: true },
  network: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

export function settingsOf(values: { set?: string[] }): Setting[] {
  return (values.set ?? []).map((text) => ({ text }));
}

export function diagnosticFormat(value: string | undefined): OutputFormat {
  const f = value ?? "human";
  if (f === "human" || f === "json" || f === "sarif" || f === "github") return f;
  throw new UsageError(`unknown --format ${JSON.stringify(f)}: use human, json, sarif or github`);
}

export function intOption(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^-?\d+$/.test(value)) throw new UsageError(`--${name} takes an integer, given ${JSON.stringify(value)}`);
  return Number(value);
}

function checkCommand(argv: string[], io: Io): number {
  const { values, positionals } = parseArgs({ args: argv, options: COMMON, allowPositionals: true });
  if (values.help) return usage(io);
  if (positionals.length === 0) throw new UsageError("sfc check needs at least one FILE");
  const format = diagnosticFormat(values.format);
  const host = nodeHost();
  for (const f of positionals) if (host.readFile(f) === undefined) throw new UsageError(`cannot read ${f}: no such file`);
  const result = check({ files: positionals, host, settings: settingsOf(values) });
  printDiagnostics(io, format, result.diagnostics, result.sources, version());
  if (format === "human" && result.ok) io.err(`checked ${positionals.length} file${positionals.length === 1 ? "" : "s"}: ${result.networks.length} network${result.networks.length === 1 ? "" : "s"}, no errors\n`);
  return result.ok ? 0 : 1;
}

const WEIGHT_OPTIONS = {
  weights: { type: "string" },
  "weight-names": { type: "string" },
  seed: { type: "string" },
  opset: { type: "string" },
} as const;

/** Compiles FILE's network in memory: shared by `compile` and `run`. */
export function compileFromArgs(file: string, values: { set?: string[]; network?: string; weights?: string; "weight-names"?: string; seed?: string; opset?: string }): CompileResult {
  const host = nodeHost();
  if (host.readFile(file) === undefined) throw new UsageError(`cannot read ${file}: no such file`);
  let checkpoint: Parameters<typeof compile>[0]["checkpoint"];
  if (values.weights !== undefined) {
    if (!fs.existsSync(values.weights)) throw new UsageError(`cannot read ${values.weights}: no such file`);
    try {
      checkpoint = {
        tensors: readCheckpointFile(values.weights),
        label: values.weights,
        names: values["weight-names"] ?? "sfc",
      };
    } catch (e) {
      if (e instanceof CheckpointError) throw new UsageError(`cannot load ${values.weights}: ${e.message}`);
      throw e;
    }
  } else if (values["weight-names"] !== undefined) throw new UsageError("--weight-names goes with --weights FILE");
  return compile({
    file,
    host,
    network: values.network,
    settings: settingsOf(values),
    seed: intOption("seed", values.seed, 0),
    opset: intOption("opset", values.opset, 17),
    checkpoint,
  });
}

function compileCommand(argv: string[], io: Io): number {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { ...COMMON, ...WEIGHT_OPTIONS, output: { type: "string", short: "o" } },
    allowPositionals: true,
  });
  if (values.help) return usage(io);
  if (positionals.length !== 1) throw new UsageError("sfc compile takes one FILE.sf");
  if (!values.output) throw new UsageError("sfc compile needs -o OUT.onnx");
  const format = diagnosticFormat(values.format);
  const result = compileFromArgs(positionals[0]!, values);
  printDiagnostics(io, format, result.diagnostics, result.sources, version());
  if (!result.model) return 1;
  writeAtomically(values.output, result.model);
  if (format === "human") io.err(`wrote ${values.output}: ${result.graph!.name}, ${result.graph!.nodes.length} nodes, ${(result.model.byteLength / 1e6).toFixed(1)} MB\n`);
  return 0;
}

function usage(io: Io): number {
  io.out(USAGE);
  return 0;
}

export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case undefined:
      case "help":
      case "--help":
      case "-h":
        return usage(io);
      case "--version":
      case "-V":
        io.out(`sfc ${version()}\n`);
        return 0;
      case "check":
        return checkCommand(rest, io);
      case "compile":
        return compileCommand(rest, io);
      case "run":
        return await runCommand(rest, io);
      case "info":
        return infoCommand(rest, io);
      default:
        throw new UsageError(`unknown command ${JSON.stringify(command)}; see sfc --help`);
    }
  } catch (e) {
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
      io.err(`sfc: ${(e as Error).message}\n`);
      return 2;
    }
    throw e;
  }
}

export { elaborateOnly };
