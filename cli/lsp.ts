/** `sfc lsp --stdio`: runs the language server on standard input and output until the client says exit. */
import { LSP } from "./commands";
import { UsageError } from "./io";
import { parseCommand } from "./options";

export async function lspCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(LSP, argv);
  if (positionals.length > 0) throw new UsageError(`sfc lsp takes no files (given ${positionals[0]}): run \`sfc lsp --stdio\``);
  // The language client passes its own process id, so that the server ends with the editor.
  if (values.clientProcessId !== undefined && !/^[1-9]\d{0,9}$/.test(values.clientProcessId))
    throw new UsageError(`--clientProcessId takes a process id (a positive whole number), given ${values.clientProcessId}`);
  if (!values.stdio) throw new UsageError("sfc lsp speaks over standard input and output: run `sfc lsp --stdio`");
  // Loaded here so that the other commands do not pay for the protocol library.
  const { startServer } = await import("../lsp/server");
  // The server ends the process: when the client exits or closes the stream, or sends what cannot be read.
  startServer(process.stdin, process.stdout, (code, why) => {
    if (why !== undefined) process.stderr.write(`sfc lsp: the client's messages cannot be read any more (${why}); exiting\n`);
    process.exit(code);
  });
  return new Promise<number>(() => undefined);
}
