/** `sfc compile`: one network to an ONNX file. */
import { compileFromArgs, diagnosticFormat, version } from "./common";
import { COMPILE } from "./commands";
import { checkOutputPath, inputsOf, printDiagnostics, UsageError, writeAtomically, type Io } from "./io";
import { parseCommand } from "./options";

export function compileCommand(argv: string[], io: Io): number {
  const { values, positionals } = parseCommand(COMPILE, argv);
  if (positionals.length !== 1) throw new UsageError("sfc compile takes one FILE.sf");
  if (!values.output) throw new UsageError("sfc compile needs -o OUT.onnx");
  const format = diagnosticFormat(values.format);
  // Refused before compiling, and again at the write with every import known.
  checkOutputPath(values.output, [positionals[0]!, values.weights ?? ""]);
  const result = compileFromArgs(positionals[0]!, values);
  printDiagnostics(io, format, result.diagnostics, result.sources, version());
  if (!result.serialised) return 1;
  writeAtomically(values.output, result.serialised, inputsOf(result.sources, positionals[0], values.weights));
  if (format === "human")
    io.err(`wrote ${values.output}: ${result.graph!.name}, ${result.serialised.nodeCount} ONNX nodes, ${(result.serialised.byteLength / 1e6).toFixed(1)} MB\n`);
  return 0;
}
