/**
 * The Node host: reads user files and the standard library from disk. Kept
 * apart from the compiler, which only ever sees a SourceHost.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { stdlibModuleName, type SourceHost } from "../program";
import { readCheckpoint } from "../weights/read";
import { CheckpointError, type Checkpoint, type LoadedTensor } from "../weights/tensor";

/** The package root: the nearest folder above this file with a stdlib/ and a package.json. */
export function packageRoot(): string {
  let dir = __dirname;
  for (;;) {
    if (fs.existsSync(path.join(dir, "stdlib")) && fs.existsSync(path.join(dir, "package.json"))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error("cannot find the sfc package root (stdlib/ next to package.json)");
    dir = parent;
  }
}

/** The installed package's name and version, from its package.json. */
export function packageInfo(): { readonly name: string; readonly version: string } {
  const pkg = JSON.parse(fs.readFileSync(path.join(packageRoot(), "package.json"), "utf8")) as { name?: unknown; version?: unknown };
  return { name: typeof pkg.name === "string" ? pkg.name : "sfc", version: typeof pkg.version === "string" ? pkg.version : "0.0.0" };
}

/** Standard-library modules by dotted name: stdlib/lateral.sf is "lateral". */
export function loadStdlib(root: string = path.join(packageRoot(), "stdlib")): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string, prefix: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (entry.isDirectory()) walk(path.join(dir, entry.name), `${prefix}${entry.name}.`);
      else if (entry.name.endsWith(".sf")) out.set(prefix + entry.name.slice(0, -3), fs.readFileSync(path.join(dir, entry.name), "utf8"));
    }
  };
  walk(root, "");
  return out;
}

/** An input that cannot be read: missing, unreadable, or not a regular file. */
export class InputFileError extends Error {}

/** Why an open or read failed, in words: "permission denied", not "EACCES: ...". */
export function describeFsError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  switch (code) {
    case "ENOENT":
      return "no such file";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "EISDIR":
      return "it is a directory, not a file";
    case "ENOTDIR":
      return "a part of the path is not a folder";
    case "ELOOP":
      return "too many levels of symbolic links";
    case "ENAMETOOLONG":
      return "the name is too long";
    case "ERR_FS_FILE_TOO_LARGE":
      return "it is larger than 2 GiB, the most sfc reads whole";
    case "ERR_INVALID_ARG_VALUE":
      // Node refuses a path holding a NUL byte before the file system sees it.
      return "no file can have that name (it holds a NUL character)";
    default:
      return code ?? (e as Error).message;
  }
}

/** What a non-regular file is, for the message that refuses it. */
function specialKind(st: fs.Stats): string | undefined {
  if (st.isFile()) return undefined;
  if (st.isDirectory()) return "a directory";
  if (st.isFIFO()) return "a named pipe (FIFO)";
  if (st.isCharacterDevice()) return "a character device";
  if (st.isBlockDevice()) return "a block device";
  if (st.isSocket()) return "a socket";
  return "not a regular file";
}

/**
 * Reads a whole regular file. Everything sfc reads goes through here (or the
 * checkpoint reader's own open), so that a FIFO, a device such as /dev/zero,
 * or a directory is refused up front rather than read forever or blocked on:
 * the file is opened without blocking and checked on the open descriptor, so
 * a symbolic link swapped in between cannot get past the check.
 */
/** The most bytes a file read whole may have: Node's largest buffer from readFileSync (2 GiB - 1). */
const MAX_WHOLE_FILE_BYTES = 2 ** 31 - 1;

export function readRegularFile(file: string): Buffer {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (e) {
    throw new InputFileError(`cannot read ${file}: ${describeFsError(e)}`);
  }
  try {
    const stat = fs.fstatSync(fd);
    const kind = specialKind(stat);
    if (kind) throw new InputFileError(`cannot read ${file}: it is ${kind}, not a regular file`);
    // Node reads at most 2 GiB into one buffer (and ONNX models are no larger): say so rather than pass on its error code.
    if (stat.size > MAX_WHOLE_FILE_BYTES)
      throw new InputFileError(`cannot read ${file}: it is ${stat.size} bytes, more than the ${MAX_WHOLE_FILE_BYTES} sfc reads into memory at once`);
    return fs.readFileSync(fd);
  } catch (e) {
    if (e instanceof InputFileError) throw e;
    throw new InputFileError(`cannot read ${file}: ${describeFsError(e)}`);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Source files are .sf files: a path (or the file a link leads to) with
 * another extension is not read, so that neither an import nor a command
 * line can make a diagnostic echo /etc/shadow or /proc/self/environ.
 */
function sourceProblem(filePath: string): string | undefined {
  if (!filePath.endsWith(".sf")) return "sfc reads only .sf source files";
  try {
    if (!fs.realpathSync(filePath).endsWith(".sf")) return "it links to a file that is not a .sf source file";
  } catch (e) {
    return describeFsError(e);
  }
  return undefined;
}

/**
 * The most bytes a source may have: its text must fit in one JavaScript
 * string (2^29 - 24 UTF-16 units, which no more UTF-8 bytes than that can exceed).
 */
const MAX_SOURCE_BYTES = 2 ** 29 - 24;
const TOO_LARGE_SOURCE = `it is larger than ${Math.floor(MAX_SOURCE_BYTES / 2 ** 20)} MiB, the most sfc reads as a source`;

/** Refuses a source too large to read as text before reading any of it; a file that cannot be stat'ed is left to the read, which says why. */
function sizeProblem(filePath: string): string | undefined {
  try {
    return fs.statSync(filePath).size > MAX_SOURCE_BYTES ? TOO_LARGE_SOURCE : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The folder a source's recorded paths are relative to: the nearest one
 * upward from the file's real path that holds a package.json or a .git, or
 * else the file's own folder.
 */
export function sourceRoot(realFile: string): string {
  const own = path.dirname(realFile);
  for (let dir = own; ;) {
    if (fs.existsSync(path.join(dir, "package.json")) || fs.existsSync(path.join(dir, ".git"))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return own;
    dir = parent;
  }
}

/**
 * A source path as an emitted model records it: `std/NAME.sf` for the
 * standard library, otherwise relative to its source root with `/`
 * separators, so that `tiny.sf`, `./src/tiny.sf` and `/abs/src/tiny.sf` all
 * become `src/tiny.sf` and give the same bytes.
 */
export function displayPath(filePath: string): string {
  // Module paths under std/ are the standard library's own names (program.ts).
  if (filePath === "<command line>" || filePath.startsWith("std/")) return filePath;
  let real: string;
  try {
    real = fs.realpathSync(filePath);
  } catch {
    // Not on disk: nothing to resolve, so the name stays as given.
    return filePath;
  }
  return path.relative(sourceRoot(real), real).split(path.sep).join("/");
}

/** Reads files as UTF-8; binary garbage still reads, and then fails to lex, with positions. */
export function nodeHost(stdlib: ReadonlyMap<string, string> = loadStdlib(), options: Pick<SourceHost, "prebuiltAst"> = {}): SourceHost {
  const cache = new Map<string, { text: string } | { problem: string }>();
  const read = (filePath: string): { text: string } | { problem: string } => {
    const problem = sourceProblem(filePath) ?? sizeProblem(filePath);
    if (problem) return { problem };
    try {
      return { text: readRegularFile(filePath).toString("utf8") };
    } catch (e) {
      if (e instanceof InputFileError) return { problem: e.message.replace(/^cannot read .*?: /, "") };
      // It grew past the size checked above while it was read.
      if ((e as NodeJS.ErrnoException).code === "ERR_STRING_TOO_LONG") return { problem: TOO_LARGE_SOURCE };
      throw e;
    }
  };
  return {
    stdlib,
    readFile(filePath) {
      // std/NAME.sf names a standard-library module, so `sfc info std/slowfast.sf` works anywhere.
      const std = stdlibModuleName(filePath);
      if (std !== undefined && !fs.existsSync(filePath)) return stdlib.get(std);
      if (!cache.has(filePath)) cache.set(filePath, read(filePath));
      const got = cache.get(filePath)!;
      return "text" in got ? got.text : undefined;
    },
    whyUnreadable(filePath) {
      const got = cache.get(filePath);
      return got && "problem" in got ? got.problem : undefined;
    },
    displayPath,
    ...(options.prebuiltAst ? { prebuiltAst: options.prebuiltAst } : {}),
  };
}

/**
 * Opens a checkpoint file. Safetensors and torch.save tensors are read one at
 * a time from the open file when the model is written; a Caffe2 pickle is read
 * whole. Anything but a readable regular file is refused before it is opened,
 * so a FIFO or a device never blocks or streams without end.
 *
 * Throws a CheckpointError for a file that cannot be read or is not a
 * checkpoint sfc reads. A tensor found damaged only when the model is
 * written throws one then, from the compile result's `model` or
 * `serialised.writeTo`, with `file` set. The file stays open for those reads
 * until the checkpoint's `close()` (a server that reads many should call it
 * once each model is written), or until the process exits.
 */
export function readCheckpointFile(file: string): Checkpoint & { close(): void } {
  let fd: number;
  let size: number;
  try {
    const stat = fs.statSync(file);
    if (stat.isDirectory()) throw new CheckpointError("is a directory, not a checkpoint file");
    if (!stat.isFile()) throw new CheckpointError("is not a regular file (a FIFO, device or socket), so not a checkpoint file");
    fd = fs.openSync(file, "r");
    size = fs.fstatSync(fd).size;
  } catch (e) {
    if (e instanceof CheckpointError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === "EACCES" || code === "EPERM" ? "permission denied" : code === "ENOENT" ? "no such file" : (e as Error).message;
    throw new CheckpointError(`cannot be read (${why})`);
  }
  // The descriptor stays open for the lazy reads, until close() or the exit.
  // Reads share one scratch buffer: each tensor is copied into the model
  // before the next is read, so a tensor's bytes are valid until then.
  let scratch = Buffer.alloc(0);
  let open = true;
  const close = (): void => {
    if (open) fs.closeSync(fd);
    open = false;
  };
  const readInto = (offset: number, target: Uint8Array): void => {
    if (!open) throw new CheckpointError("was closed before all its tensors were read");
    const length = target.byteLength;
    let done = 0;
    while (done < length) {
      const n = fs.readSync(fd, target, done, length - done, offset + done);
      if (n === 0) throw new CheckpointError(`ends at byte ${offset + done}, expected ${offset + length} (truncated while being read?)`);
      done += n;
    }
  };
  const source = {
    byteLength: size,
    read(offset: number, length: number): Uint8Array {
      // Grown to the largest piece read so far: peak memory stays one tensor.
      if (scratch.length < length) scratch = Buffer.allocUnsafeSlow(length);
      const view = new Uint8Array(scratch.buffer, scratch.byteOffset, length);
      readInto(offset, view);
      return view;
    },
    // Tensors the emitter consumes whole go straight into its own buffers.
    readInto,
  };
  let checkpoint: Checkpoint;
  try {
    // Without a name in the message: the caller names the file once, from `file`.
    checkpoint = readCheckpoint(source);
  } catch (e) {
    close();
    if (e instanceof CheckpointError) e.file = file;
    throw e;
  }
  for (const [name, tensor] of checkpoint.tensors) checkpoint.tensors.set(name, reportingReadsAgainst(file, tensor));
  return { ...checkpoint, close };
}

/**
 * Tensor bytes are read while the model is written, long after the
 * checkpoint was opened: a deflated entry that does not inflate, a file cut
 * short meanwhile. Whatever goes wrong then is a CheckpointError naming the
 * file, so that it is reported as the checkpoint's fault and not taken for
 * an error writing the output.
 */
function reportingReadsAgainst(file: string, tensor: LoadedTensor): LoadedTensor {
  const blame = (e: unknown): CheckpointError => {
    const why =
      e instanceof CheckpointError
        ? e.message
        : typeof (e as NodeJS.ErrnoException).syscall === "string"
          ? `cannot be read (${(e as Error).message})`
          : `tensor '${tensor.name}' cannot be read: ${(e as Error)?.message ?? String(e)}`;
    const error = new CheckpointError(why);
    error.file = file;
    return error;
  };
  const { data: _read, readInto, ...fields } = Object.getOwnPropertyDescriptors(tensor);
  const wrapped = Object.defineProperties({}, fields) as LoadedTensor;
  Object.defineProperty(wrapped, "data", {
    enumerable: true,
    get: () => {
      try {
        return tensor.data;
      } catch (e) {
        throw blame(e);
      }
    },
  });
  if (readInto !== undefined && tensor.readInto) {
    wrapped.readInto = (target, offset) => {
      try {
        tensor.readInto!(target, offset); // checked above
      } catch (e) {
        throw blame(e);
      }
    };
  }
  return wrapped;
}

/**
 * A file as spans name it, as a file:// URI: std/NAME.sf is the standard
 * library's file in this package (unless a std/ folder here holds it, as the
 * host reads it), other paths are taken from the working directory; the
 * command line stays a name.
 */
export function fileUri(file: string): string {
  if (file === "<command line>") return file;
  const std = /^std\/(.+)$/.exec(file);
  const onDisk = std && !fs.existsSync(file) ? path.join(packageRoot(), "stdlib", std[1]!) : path.resolve(file);
  return pathToFileURL(onDisk).href;
}
