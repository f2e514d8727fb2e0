/** File and terminal plumbing for the CLI: the only place that touches them. */
import { InputFileError, readRegularFile } from "../compiler/host/node";
import { UsageError } from "./usage-error";
import { renderDiagnostics, type OutputFormat, type ToolNotification } from "../compiler/render/index";
import { fileUri } from "../compiler/host/node";
import type { Diagnostic } from "../compiler/diagnostics/diagnostic";
import type { SourceHost } from "../compiler/program";

export { UsageError };
export { checkOutputPath, writeAtomically, writeOutputs, type FileContent, type OutputFile } from "./outputs";

export interface Io {
  out(text: string): void;
  err(text: string): void;
  readonly colorOut: boolean;
  readonly colorErr: boolean;
}

export function processIo(): Io {
  // `sfc info ... | head` closes the pipe early: stop quietly, as Unix tools do.
  for (const stream of [process.stdout, process.stderr])
    stream.on("error", (e: NodeJS.ErrnoException) => {
      if (e.code === "EPIPE") process.exit(0);
      throw e;
    });
  const tty = (s: NodeJS.WriteStream) => Boolean(s.isTTY) && !process.env.NO_COLOR && process.env.TERM !== "dumb";
  return {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    colorOut: tty(process.stdout) || Boolean(process.env.FORCE_COLOR),
    colorErr: tty(process.stderr) || Boolean(process.env.FORCE_COLOR),
  };
}

export function readBytes(file: string): Buffer {
  try {
    return readRegularFile(file);
  } catch (e) {
    if (e instanceof InputFileError) throw new UsageError(e.message);
    throw e;
  }
}

/** Refuses a source FILE the host cannot read, saying why: missing, unreadable, not a regular or not a .sf file. */
export function requireSource(host: SourceHost, file: string): void {
  if (host.readFile(file) === undefined) throw new UsageError(`cannot read ${file}: ${host.whyUnreadable?.(file) ?? "no such file"}`);
}

/** The files a command read, for checkOutputPath: sources (imports included) and any others. */
export function inputsOf(sources: ReadonlyMap<string, string>, ...others: Array<string | undefined>): string[] {
  return [...sources.keys(), ...others].filter((f): f is string => f !== undefined);
}

/**
 * Diagnostics go to stderr for people, to stdout for machines (json, sarif,
 * github), so that `sfc check --format json > out.json` captures them.
 */
export function printDiagnostics(
  io: Io,
  format: OutputFormat,
  diagnostics: readonly Diagnostic[],
  sources: ReadonlyMap<string, string>,
  version: string,
  notifications: readonly ToolNotification[] = [],
): void {
  const toStdout = format !== "human";
  const text = renderDiagnostics(format, diagnostics, sources, { color: toStdout ? false : io.colorErr, toolVersion: version, uriOf: fileUri, notifications });
  if (text === "") return;
  const line = text.endsWith("\n") ? text : `${text}\n`;
  if (toStdout) io.out(line);
  else io.err(line);
}
