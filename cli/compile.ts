/** `sfc compile`: one network to an ONNX file. */
import * as fs from "node:fs";
import * as path from "node:path";
import { TRITON_DEFAULTS, tritonConfig, tritonModelName } from "../compiler/emit/triton";
import { compileFromArgs, diagnosticFormat, version } from "./common";
import { COMPILE } from "./commands";
import { checkOutputBeforeWork, checkOutputPath, inputsOf, printDiagnostics, UsageError, writeOutputs, type Io, type OutputFile } from "./io";
import { parseCommand } from "./options";

export async function compileCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommand(COMPILE, argv);
  if (positionals.length !== 1) throw new UsageError("sfc compile takes one FILE.sf");
  if (!values.output && values.triton === undefined) throw new UsageError("sfc compile needs -o OUT.onnx (or --triton DIR)");
  const kind = values["triton-kind"] ?? "gpu";
  if (kind !== "gpu" && kind !== "cpu") throw new UsageError(`--triton-kind takes gpu or cpu, given ${JSON.stringify(kind)}`);
  if (values["triton-kind"] !== undefined && values.triton === undefined) throw new UsageError("--triton-kind goes with --triton DIR");
  if (values.triton === "") throw new UsageError("--triton takes a folder, given an empty path (use --triton . for the current folder)");
  if (values.triton !== undefined && fs.existsSync(values.triton) && !fs.statSync(values.triton).isDirectory())
    throw new UsageError(`--triton ${values.triton}: not a folder`);
  const format = diagnosticFormat(values.format);
  // Refused before compiling, and again at the write with every import known. Under --triton, -o's folder
  // may be one the repository will have, which the write refuses as an overlap: only the path is checked here.
  if (values.output) (values.triton === undefined ? checkOutputBeforeWork : checkOutputPath)(values.output, [positionals[0]!, values.weights ?? ""]);
  const result = compileFromArgs(positionals[0]!, values);
  printDiagnostics(io, format, result.diagnostics, result.sources, version());
  if (!result.serialised) return 1;
  const inputs = inputsOf(result.sources, positionals[0], values.weights);
  const outputs: OutputFile[] = [];
  if (values.output) outputs.push({ file: values.output, content: result.serialised });
  if (values.triton !== undefined) {
    // DIR/<model>/1/model.onnx beside DIR/<model>/config.pbtxt: Triton's repository layout, version 1.
    const folder = path.join(values.triton, tritonModelName(result.graph!.name));
    const config = tritonConfig(result.graph!, { ...TRITON_DEFAULTS, kind }, result.dynamic?.requirements);
    outputs.push({ file: path.join(folder, "1", "model.onnx"), content: result.serialised, createFolders: true });
    outputs.push({ file: path.join(folder, "config.pbtxt"), content: new TextEncoder().encode(config), createFolders: true });
  }
  // All or nothing: -o and the repository's files are checked, written and renamed together.
  await writeOutputs(outputs, inputs);
  const written = outputs.map((o) => o.file);
  if (format === "human")
    io.err(
      `wrote ${written.join(" and ")}: ${result.graph!.name}, ${result.serialised.nodeCount} ONNX nodes, ${(result.serialised.byteLength / 1e6).toFixed(1)} MB\n`,
    );
  return 0;
}
