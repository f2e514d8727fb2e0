/**
 * The sfc command line: a thin shell over the library. Exit status 0 when
 * clean, 1 when the sources have errors, 2 for usage and I/O problems.
 */
import { parseArgs } from "node:util";
import { check } from "../compiler/index";
import { nodeHost } from "../compiler/host/node";
import { COMMON_OPTIONS, WEIGHT_OPTIONS, compileFromArgs, diagnosticFormat, limitsOf, settingsOf, usage, version } from "./common";
import { checkOutputPath, inputsOf, printDiagnostics, processIo, requireSource, UsageError, writeAtomically, type Io } from "./io";
import { infoCommand } from "./info";
import { runCommand } from "./run";
import { lspCommand } from "./lsp";


function checkCommand(argv: string[], io: Io): number {
  const { values, positionals } = parseArgs({ args: argv, options: COMMON_OPTIONS, allowPositionals: true });
  if (values.help) return usage(io);
  if (positionals.length === 0) throw new UsageError("sfc check needs at least one FILE");
  const format = diagnosticFormat(values.format);
  const host = nodeHost();
  for (const f of positionals) requireSource(host, f);
  const result = check({ files: positionals, host, settings: settingsOf(values), limits: limitsOf(values) });
  printDiagnostics(io, format, result.diagnostics, result.sources, version());
  if (format === "human" && result.ok) io.err(`checked ${positionals.length} file${positionals.length === 1 ? "" : "s"}: ${result.networks.length} network${result.networks.length === 1 ? "" : "s"}, no errors\n`);
  return result.ok ? 0 : 1;
}

function compileCommand(argv: string[], io: Io): number {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { ...COMMON_OPTIONS, ...WEIGHT_OPTIONS, output: { type: "string", short: "o" } },
    allowPositionals: true,
  });
  if (values.help) return usage(io);
  if (positionals.length !== 1) throw new UsageError("sfc compile takes one FILE.sf");
  if (!values.output) throw new UsageError("sfc compile needs -o OUT.onnx");
  const format = diagnosticFormat(values.format);
  // Refused before compiling, and again at the write with every import known.
  checkOutputPath(values.output, [positionals[0]!, values.weights ?? ""]);
  const result = compileFromArgs(positionals[0]!, values);
  printDiagnostics(io, format, result.diagnostics, result.sources, version());
  if (!result.serialised) return 1;
  writeAtomically(values.output, result.serialised, inputsOf(result.sources, positionals[0], values.weights));
  if (format === "human") io.err(`wrote ${values.output}: ${result.graph!.name}, ${result.graph!.nodes.length} nodes, ${(result.serialised.byteLength / 1e6).toFixed(1)} MB
`);
  return 0;
}


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

export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  const [command, ...rest] = joinNegativeValues(argv);
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
      case "lsp":
        return await lspCommand(rest, io);
      default:
        throw new UsageError(`unknown command ${JSON.stringify(command)}; see sfc --help`);
    }
  } catch (e) {
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
      io.err(`sfc: ${(e as Error).message}\n`);
      return 2;
    }
    // Never a stack trace: a fault in sfc is one line, with the trace only when asked for.
    io.err(`sfc: internal error: ${(e as Error)?.message ?? String(e)}\n${process.env.SFC_DEBUG ? `${(e as Error)?.stack}\n` : "set SFC_DEBUG=1 to see where; please report it with the input\n"}`);
    return 2;
  }
}

