/** `sfc lsp --stdio`: runs the language server on standard input and output until the client says exit. */
import { parseArgs } from "node:util";
import { UsageError, type Io } from "./io";

export async function lspCommand(argv: string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { stdio: { type: "boolean" }, help: { type: "boolean", short: "h" }, clientProcessId: { type: "string" } },
    allowPositionals: false,
  });
  if (values.help) {
    io.out("Usage: sfc lsp --stdio\n\nRuns the sfc language server, speaking the Language Server Protocol over standard input and output.\n");
    return 0;
  }
  if (!values.stdio) throw new UsageError("sfc lsp speaks over standard input and output: run `sfc lsp --stdio`");
  // Loaded here so that the other commands do not pay for the protocol library.
  const { startServer } = await import("../lsp/server");
  startServer(process.stdin, process.stdout);
  // The connection ends the process when the client exits or closes the stream.
  return new Promise<number>(() => undefined);
}
