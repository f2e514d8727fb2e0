/**
 * Writing output files: through temporary files renamed into place, never
 * over an input or a special file, and never left half done by an error or a
 * signal.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type * as crypto from "node:crypto";
import { describeFsError } from "../compiler/host/node";
import { UsageError } from "./usage-error";

/** Temporary files being written now: removed if the process is interrupted or fails. */
const pendingTemps = new Set<string>();
/** Folders made for outputs not yet in place, outermost first: removed with the temporary files, when empty. */
const pendingFolders = new Set<string>();
let cleanupInstalled = false;

/** Removes what unfinished writes have made: their temporary files, then their folders, innermost first. */
function removeUnfinishedWrites(): void {
  for (const tmp of pendingTemps) {
    try {
      fs.unlinkSync(tmp);
    } catch {
      // already renamed into place or never created
    }
  }
  pendingTemps.clear();
  for (const dir of [...pendingFolders].reverse()) removeFolderQuietly(dir);
  pendingFolders.clear();
}

const CLEANUP_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

/**
 * On SIGINT, SIGTERM, SIGHUP or any exit, temporary files are removed. A
 * listener runs only between synchronous steps: a signal that arrives while a
 * file is written is delivered at the next `deliverPendingSignals`, which
 * writers call before renaming anything into place. The process then ends as
 * the signal would have ended it (a shell sees 128 + the signal's number).
 */
function installCleanup(): void {
  if (cleanupInstalled) return;
  cleanupInstalled = true;
  process.on("exit", removeUnfinishedWrites);
  for (const signal of CLEANUP_SIGNALS) {
    process.once(signal, () => {
      removeUnfinishedWrites();
      // With this listener gone the default action applies and ends the process here;
      // the exit below is for a platform where the signal is still caught.
      process.kill(process.pid, signal);
      process.exit(128 + os.constants.signals[signal]);
    });
  }
}

/**
 * Lets the event loop run once, so that a signal that arrived during
 * synchronous work reaches its listener now. Without this turn a pending
 * signal is never delivered: its handle does not keep the loop alive, so the
 * process would end with status 0 as if nothing had happened.
 */
export function deliverPendingSignals(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
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

/**
 * checkOutputPath and the output's folder, before a command does its work:
 * an output that cannot be written costs no compile and no run.
 */
export function checkOutputBeforeWork(file: string, inputs: readonly string[]): void {
  checkOutputPath(file, inputs);
  requireFolder(file);
}

/** What can be written: bytes in hand, or a producer that writes them in order into a sink (a model). */
export type FileContent = Uint8Array | { readonly byteLength: number; writeTo(sink: { write(bytes: Uint8Array): void }): void };

export interface OutputFile {
  readonly file: string;
  readonly content: FileContent;
  /** Make the file's missing folders (a Triton repository's DIR/<model>/1) rather than refuse it. */
  readonly createFolders?: boolean;
}

/** Where an output's bytes go, and the permissions an existing file there keeps. */
interface Destination {
  readonly target: string;
  readonly mode?: number;
}

/**
 * An output that is a symbolic link is written through: the file it leads to
 * is replaced and the link stays, as a shell's `> FILE` does. An existing
 * file keeps its permissions; one its user may not write is refused, as the
 * shell refuses it, rather than replaced by a rename the folder allows. Call
 * after checkOutputPath, which refuses special files and inputs.
 */
function destinationOf(file: string): Destination {
  let target = file;
  let entry: fs.Stats;
  try {
    entry = fs.lstatSync(file);
  } catch {
    // A new path; checkOutputPath has said why another cannot be used.
    return { target };
  }
  if (entry.isSymbolicLink()) {
    try {
      target = fs.realpathSync(file);
    } catch {
      throw new UsageError(`cannot write ${file}: it is a link to a file that does not exist`);
    }
  }
  let st: fs.Stats;
  try {
    st = fs.statSync(target);
  } catch {
    return { target };
  }
  try {
    fs.accessSync(target, fs.constants.W_OK);
  } catch {
    throw new UsageError(`cannot write ${file}: permission denied; it is read-only to you, and sfc does not replace a file you cannot write`);
  }
  return { target, mode: st.mode & 0o7777 };
}

/** Moves a complete temporary file onto its destination, with the permissions the file there had. */
function putInPlace(tmp: string, destination: Destination): void {
  if (destination.mode !== undefined) fs.chmodSync(tmp, destination.mode);
  fs.renameSync(tmp, destination.target);
}

function requireFolder(file: string): string {
  const dir = path.dirname(path.resolve(file));
  if (!fs.existsSync(dir)) throw new UsageError(`cannot write ${file}: the folder ${path.dirname(file)} does not exist`);
  return dir;
}

/** Bytes of the output's name kept in its temporary file's name: with the dot, pid, random part and .tmp it stays within 255. */
const TEMPORARY_NAME_BASE_BYTES = 200;

/**
 * A temporary file's path beside `file`, unpredictable so that a link planted
 * there cannot redirect the write. A long output name is shortened in it, so
 * that any name the file system takes for the output is also taken for its
 * temporary file.
 */
function temporaryPathFor(file: string, dir: string): string {
  let base = path.basename(file);
  while (Buffer.byteLength(base) > TEMPORARY_NAME_BASE_BYTES) base = [...base].slice(0, -1).join("");
  return path.join(dir, `.${base}.${process.pid}.${(require("node:crypto") as typeof crypto).randomBytes(6).toString("hex")}.tmp`);
}

function removeQuietly(file: string): void {
  try {
    fs.unlinkSync(file);
  } catch {
    // nothing was written
  }
}

/** An error from the file system becomes a one-line usage error; any other (a checkpoint that cannot be read) passes on as it is. */
function asWriteError(file: string, e: unknown): unknown {
  if (typeof (e as NodeJS.ErrnoException).syscall !== "string") return e;
  return new UsageError(`cannot write ${file}: ${describeFsError(e)}`);
}

/**
 * Writes `file` through a temporary file in the same folder, renamed into
 * place when complete, so that a failed write never leaves a partial file.
 * A signal during the write is handled at the process's next turn, after the
 * rename; `writeOutputs` checks for one before renaming.
 */
export function writeAtomically(file: string, content: FileContent, inputs: readonly string[] = []): void {
  checkOutputPath(file, inputs);
  const destination = destinationOf(file);
  const dir = requireFolder(destination.target);
  installCleanup();
  const tmp = temporaryPathFor(destination.target, dir);
  pendingTemps.add(tmp);
  try {
    writeContent(tmp, content);
    putInPlace(tmp, destination);
  } catch (e) {
    removeQuietly(tmp);
    throw asWriteError(file, e);
  } finally {
    pendingTemps.delete(tmp);
  }
}

/**
 * The folders to create, outermost first, so that `file`'s folder exists;
 * refuses a path where a part that must be a folder is something else. The
 * path is walked as given, so that a message names the part as the user wrote it.
 */
function foldersToCreate(file: string): string[] {
  const missing: string[] = [];
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    let st: fs.Stats;
    try {
      st = fs.statSync(dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw new UsageError(`cannot write ${file}: ${describeFsError(e)}`);
      missing.unshift(dir);
      if (path.dirname(dir) === dir) break;
      continue;
    }
    if (!st.isDirectory()) throw new UsageError(`cannot write ${file}: ${dir} is ${unwritableKind(st) ?? "a file"}, not a folder`);
    return missing;
  }
  return missing;
}

/**
 * Writes a set of outputs together: every destination is checked (and, where
 * `createFolders`, its missing folders made) before any is written; every
 * file is written to a temporary file; a signal that arrived meanwhile then
 * ends the process (no output replaced, no temporary file left); only then
 * are they all renamed into place. Outputs that would land on one another
 * (`-o` inside a folder made for another) are refused before anything is
 * made. A failure before the renames replaces nothing and removes the
 * folders it made, as a signal does. (The renames, in folders checked just
 * before, fail only if another process changes them meanwhile; folders
 * still empty then are removed too.)
 */
export async function writeOutputs(outputs: readonly OutputFile[], inputs: readonly string[]): Promise<void> {
  const missing: string[] = [];
  for (const { file, createFolders } of outputs) {
    // The folders first: a message then names the part of the path that is not one.
    if (createFolders) missing.push(...foldersToCreate(file));
    checkOutputPath(file, inputs);
  }
  const folders = [...new Set(missing)];
  // Overlaps before missing folders: `-o` onto the model a Triton repository not yet made will hold is that, not a missing folder.
  refuseOverlaps(outputs, folders);
  for (const { file, createFolders } of outputs) if (!createFolders) requireFolder(file);
  const planned = outputs.map(({ file, content }) => {
    const destination = destinationOf(file);
    return { file, content, destination, tmp: temporaryPathFor(destination.target, path.dirname(path.resolve(destination.target))) };
  });
  installCleanup();
  let complete = false;
  try {
    for (const dir of folders) {
      try {
        fs.mkdirSync(dir);
      } catch (e) {
        throw new UsageError(`cannot make the folder ${dir}: ${describeFsError(e)}`);
      }
      pendingFolders.add(dir);
    }
    for (const { file, content, tmp } of planned) {
      pendingTemps.add(tmp);
      try {
        writeContent(tmp, content);
      } catch (e) {
        throw asWriteError(file, e);
      }
    }
    await deliverPendingSignals();
    for (const { file, tmp, destination } of planned) {
      try {
        putInPlace(tmp, destination);
      } catch (e) {
        throw asWriteError(file, e);
      }
    }
    complete = true;
  } finally {
    for (const { tmp } of planned) if (pendingTemps.delete(tmp)) removeQuietly(tmp);
    // On a failure the folders made are removed, innermost first; only empty ones go, so one a file was already renamed into stays.
    for (const dir of [...folders].reverse()) if (pendingFolders.delete(dir) && !complete) removeFolderQuietly(dir);
  }
}

/**
 * The path as the file system will resolve it once written: the deepest part
 * that exists through its links, then the parts to be made. Two spellings of
 * one place (`repo/./N`, a link to `repo`) compare equal.
 */
function placeOf(file: string): string {
  const rest: string[] = [];
  for (let at = path.resolve(file); ; at = path.dirname(at)) {
    try {
      return path.join(fs.realpathSync(at), ...rest.reverse());
    } catch {
      if (path.dirname(at) === at) return path.join(at, ...rest.reverse());
      rest.push(path.basename(at));
    }
  }
}

/**
 * Refuses outputs that would land on one another, before any folder is made:
 * `-o repo --triton repo` would make repo/ and then fail to put the model file
 * where that folder now is; `-o` naming a file --triton writes would write it twice.
 */
function refuseOverlaps(outputs: readonly OutputFile[], folders: readonly string[]): void {
  const made = new Map(folders.map((dir) => [placeOf(dir), dir]));
  const written = new Map<string, string>();
  for (const { file } of outputs) {
    const place = placeOf(file);
    const folder = made.get(place);
    if (folder !== undefined)
      throw new UsageError(
        `cannot write ${file}: ${folder === file ? "it" : folder} is a folder this command makes for its other outputs; choose another path`,
      );
    const other = written.get(place);
    if (other !== undefined)
      throw new UsageError(
        `cannot write ${file}: ${other === file ? "two outputs of this command are that one path" : `it is ${other}, another output of this command`}; choose another path`,
      );
    written.set(place, file);
  }
}

function removeFolderQuietly(dir: string): void {
  try {
    fs.rmdirSync(dir);
  } catch {
    // not empty or already gone: keep it
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
