/** File and terminal plumbing for the CLI: the only place that touches them. */
import * as fs from "node:fs";
import * as path from "node:path";
import { renderDiagnostics, type OutputFormat } from "../compiler/render/index";
import type { Diagnostic } from "../compiler/diagnostics/diagnostic";

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
    return fs.readFileSync(file);
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message}`);
  }
}

/**
 * Writes through a temporary file in the same folder and renames it into
 * place, so that a failed or interrupted write never leaves a partial file.
 */
export function writeAtomically(file: string, bytes: Uint8Array): void {
  const dir = path.dirname(path.resolve(file));
  if (!fs.existsSync(dir)) throw new UsageError(`cannot write ${file}: the folder ${path.dirname(file)} does not exist`);
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    fs.writeFileSync(tmp, bytes);
    fs.renameSync(tmp, file);
  } catch (e) {
    try {
      fs.unlinkSync(tmp);
    } catch {
      // nothing was written
    }
    throw new UsageError(`cannot write ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/**
 * Diagnostics go to stderr for people, to stdout for machines (json, sarif,
 * github), so that `sfc check --format json > out.json` captures them.
 */
export function printDiagnostics(io: Io, format: OutputFormat, diagnostics: readonly Diagnostic[], sources: ReadonlyMap<string, string>, version: string): void {
  const toStdout = format !== "human";
  const text = renderDiagnostics(format, diagnostics, sources, { color: toStdout ? false : io.colorErr, toolVersion: version });
  if (text === "") return;
  const line = text.endsWith("\n") ? text : `${text}\n`;
  if (toStdout) io.out(line);
  else io.err(line);
}
