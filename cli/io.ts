/** File and terminal plumbing for the CLI: the only place that touches them. */
import * as fs from "node:fs";
import * as path from "node:path";
import { randomBytes } from "node:crypto";
import { describeFsError, InputFileError, readRegularFile } from "../compiler/host/node";
import { renderDiagnostics, type OutputFormat, type ToolNotification } from "../compiler/render/index";
import { fileUri } from "../compiler/host/node";
import type { Diagnostic } from "../compiler/diagnostics/diagnostic";
import type { SourceHost } from "../compiler/program";

/** A usage or I/O problem: printed as one line, exit status 2. */
export class UsageError extends Error {}

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

/** Temporary files being written now: removed if the process is interrupted or fails. */
const pendingTemps = new Set<string>();
let cleanupInstalled = false;

function removePendingTemps(): void {
  for (const tmp of pendingTemps) {
    try {
      fs.unlinkSync(tmp);
    } catch {
      // already renamed into place or never created
    }
  }
  pendingTemps.clear();
}

/**
 * On SIGINT, SIGTERM or any exit, temporary files are removed. Node runs a
 * signal listener between synchronous steps, so a write in progress finishes
 * (and is renamed into place, or removed) before the process ends; the
 * process then ends as the signal would have ended it.
 */
function installCleanup(): void {
  if (cleanupInstalled) return;
  cleanupInstalled = true;
  process.on("exit", removePendingTemps);
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.once(signal, () => {
      removePendingTemps();
      process.kill(process.pid, signal);
    });
  }
}

/** What an existing output path is, when it is not something sfc may replace. */
function unwritableKind(st: fs.Stats): string | undefined {
  if (st.isFile()) return undefined;
  if (st.isDirectory()) return "a directory";
  if (st.isFIFO()) return "a named pipe (FIFO)";
  if (st.isCharacterDevice() || st.isBlockDevice()) return "a device";
  if (st.isSocket()) return "a socket";
  return "not a regular file";
}

/**
 * Refuses an output path that sfc must not replace: anything but a regular
 * file or a new path (a device such as /dev/null, a directory, a FIFO), or a
 * file this same command reads (the source, an import, the model, an input,
 * the checkpoint): `compile x.sf -o x.sf` would otherwise destroy the source.
 */
export function checkOutputPath(file: string, inputs: readonly string[]): void {
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return;
    throw new UsageError(`cannot write ${file}: ${describeFsError(e)}`);
  }
  const kind = unwritableKind(st);
  if (kind) throw new UsageError(`cannot write ${file}: it is ${kind}; sfc writes only regular files or new paths`);
  for (const input of inputs) {
    let other: fs.Stats;
    try {
      other = fs.statSync(input);
    } catch {
      continue;
    }
    if (other.dev === st.dev && other.ino === st.ino)
      throw new UsageError(`cannot write ${file}: it is ${input === file ? "an input" : `${input}, an input`} of this command; choose another output path`);
  }
}

/** What can be written: bytes in hand, or a producer that writes them in order into a sink (a model). */
export type FileContent = Uint8Array | { readonly byteLength: number; writeTo(sink: { write(bytes: Uint8Array): void }): void };

/**
 * Writes through a temporary file in the same folder and renames it into
 * place, so that a failed or interrupted write never leaves a partial file.
 * The temporary file is created exclusively under an unpredictable name, so
 * that a link planted at its path cannot redirect the write. An error while
 * producing the content (a checkpoint that cannot be read) is passed on as it
 * is, after the temporary file is removed.
 */
export function writeAtomically(file: string, content: FileContent, inputs: readonly string[] = []): void {
  checkOutputPath(file, inputs);
  const dir = path.dirname(path.resolve(file));
  if (!fs.existsSync(dir)) throw new UsageError(`cannot write ${file}: the folder ${path.dirname(file)} does not exist`);
  installCleanup();
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
  pendingTemps.add(tmp);
  try {
    writeContent(tmp, content);
    fs.renameSync(tmp, file);
  } catch (e) {
    try {
      fs.unlinkSync(tmp);
    } catch {
      // nothing was written
    }
    if (typeof (e as NodeJS.ErrnoException).syscall !== "string") throw e;
    throw new UsageError(`cannot write ${file}: ${describeFsError(e)}`);
  } finally {
    pendingTemps.delete(tmp);
  }
}

/** Produced content reaches the file through one reused buffer of this size. */
const STREAM_BUFFER_BYTES = 2 ** 20;

/** Writes `content` to `file`; a producer's bytes are batched, so a large model is never in memory whole. */
function writeContent(file: string, content: FileContent): void {
  if (content instanceof Uint8Array) {
    fs.writeFileSync(file, content, { flag: "wx" });
    return;
  }
  const fd = fs.openSync(file, "wx");
  try {
    const buffer = new Uint8Array(Math.min(STREAM_BUFFER_BYTES, Math.max(content.byteLength, 1)));
    let used = 0;
    const flush = (): void => {
      writeAll(fd, buffer.subarray(0, used));
      used = 0;
    };
    content.writeTo({
      write(bytes) {
        if (used + bytes.byteLength > buffer.byteLength) flush();
        if (bytes.byteLength >= buffer.byteLength) writeAll(fd, bytes);
        else {
          buffer.set(bytes, used);
          used += bytes.byteLength;
        }
      },
    });
    flush();
  } finally {
    fs.closeSync(fd);
  }
}

function writeAll(fd: number, bytes: Uint8Array): void {
  for (let offset = 0; offset < bytes.byteLength;) offset += fs.writeSync(fd, bytes, offset, bytes.byteLength - offset);
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
