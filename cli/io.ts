/** File and terminal plumbing for the CLI: the only place that touches them. */
import * as fs from "node:fs";
import { InputFileError, readRegularFile } from "../compiler/host/node";
import { UsageError } from "./usage-error";
import { renderDiagnostics, type OutputFormat, type ToolNotification } from "../compiler/render/index";
import { fileUri } from "../compiler/host/node";
import type { Diagnostic } from "../compiler/diagnostics/diagnostic";
import type { SourceHost } from "../compiler/program";

export { UsageError };
export { checkOutputBeforeWork, checkOutputPath, writeAtomically, writeOutputs, type FileContent, type OutputFile } from "./outputs";

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
  if (host.readFile(file) === undefined) throw new UsageError(`cannot read ${file}: ${whyNotASource(host, file)}`);
}

/**
 * Why the host could not read FILE as a source. A name without `.sf` that is
 * missing, a folder or a device is named as such: "sfc reads only .sf source
 * files" would send the user looking for the wrong mistake (`sfc check
 * models/` before models/ exists).
 */
export function whyNotASource(host: SourceHost, file: string): string {
  const reason = host.whyUnreadable?.(file) ?? "no such file";
  if (file.endsWith(".sf")) return reason;
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file or folder" : reason;
  }
  if (st.isDirectory()) return "it is a directory";
  if (st.isCharacterDevice() || st.isBlockDevice()) return "it is a device";
  if (st.isFIFO()) return "it is a named pipe (FIFO)";
  return reason;
}

/** The files a command read, for checkOutputPath: sources (imports included) and any others. */
export function inputsOf(sources: ReadonlyMap<string, string>, ...others: Array<string | undefined>): string[] {
  return [...sources.keys(), ...others].filter((f): f is string => f !== undefined);
}

/**
 * A machine-format document held back until the command's outcome is known
 * (see `holdDocument`): what `printDiagnostics` was given so far.
 */
interface HeldDocument {
  format?: Exclude<OutputFormat, "human">;
  readonly diagnostics: Diagnostic[];
  readonly sources: Map<string, string>;
  readonly notifications: ToolNotification[];
  version: string;
}

const heldDocuments = new WeakMap<Io, HeldDocument>();

/**
 * From now until `releaseDocument`, machine-format diagnostics printed to
 * `io` are held, so that the command writes exactly one document whose
 * result agrees with its exit status, even when an output cannot be written
 * (or sfc fails) after the diagnostics were printed.
 */
export function holdDocument(io: Io): void {
  heldDocuments.set(io, { diagnostics: [], sources: new Map(), notifications: [], version: "" });
}

/**
 * Prints the held document, if any, with `failure` (the reason the command
 * ends with status 2) as one more notification. With nothing held, a failure
 * still gets a whole document in the `format` asked for, so that a CI step
 * reading it never sees an empty file.
 */
export function releaseDocument(io: Io, format: Exclude<OutputFormat, "human"> | undefined, version: string, failure?: string): void {
  const held = heldDocuments.get(io);
  heldDocuments.delete(io);
  const extra: ToolNotification[] = failure === undefined ? [] : [{ code: "SF0801", message: failure }];
  if (held?.format) printDiagnostics(io, held.format, held.diagnostics, held.sources, held.version, [...held.notifications, ...extra]);
  else if (format && failure !== undefined) printDiagnostics(io, format, [], new Map(), version, extra);
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
  const held = format === "human" ? undefined : heldDocuments.get(io);
  if (format !== "human" && held) {
    held.format = format;
    held.version = version;
    held.diagnostics.push(...diagnostics);
    for (const [file, text] of sources) held.sources.set(file, text);
    held.notifications.push(...notifications);
    return;
  }
  const toStdout = format !== "human";
  const text = renderDiagnostics(format, diagnostics, sources, { color: toStdout ? false : io.colorErr, toolVersion: version, uriOf: fileUri, notifications });
  if (text === "") return;
  const line = text.endsWith("\n") ? text : `${text}\n`;
  if (toStdout) io.out(line);
  else io.err(line);
}
