/**
 * The Node host: reads user files and the standard library from disk. Kept
 * apart from the compiler, which only ever sees a SourceHost.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { SourceHost } from "../program";
import { readCheckpoint } from "../weights/read";
import { CheckpointError, type Checkpoint } from "../weights/tensor";

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

/** Reads files as UTF-8; binary garbage still reads, and then fails to lex, with positions. */
export function nodeHost(stdlib: ReadonlyMap<string, string> = loadStdlib()): SourceHost {
  const cache = new Map<string, string | undefined>();
  return {
    stdlib,
    readFile(filePath) {
      // std/NAME.sf names a standard-library module, so `sfc info std/slowfast.sf` works anywhere.
      const std = /^std\/(.+)\.sf$/.exec(filePath);
      if (std && !fs.existsSync(filePath)) return stdlib.get(std[1]!.replace(/\//g, "."));
      if (!cache.has(filePath)) {
        try {
          cache.set(filePath, fs.statSync(filePath).isFile() ? fs.readFileSync(filePath, "utf8") : undefined);
        } catch {
          cache.set(filePath, undefined);
        }
      }
      return cache.get(filePath);
    },
  };
}

/**
 * Opens a checkpoint file. Safetensors and torch.save tensors are read one at
 * a time from the open file when the model is written; a Caffe2 pickle is read
 * whole. Anything but a readable regular file is refused before it is opened,
 * so a FIFO or a device never blocks or streams without end.
 */
export function readCheckpointFile(file: string): Checkpoint {
  let fd: number;
  let size: number;
  try {
    const stat = fs.statSync(file);
    if (stat.isDirectory()) throw new CheckpointError("is a directory; --weights takes a checkpoint file");
    if (!stat.isFile()) throw new CheckpointError("is not a regular file (a FIFO, device or socket); --weights takes a checkpoint file");
    fd = fs.openSync(file, "r");
    size = fs.fstatSync(fd).size;
  } catch (e) {
    if (e instanceof CheckpointError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === "EACCES" || code === "EPERM" ? "permission denied" : code === "ENOENT" ? "no such file" : (e as Error).message;
    throw new CheckpointError(`cannot be read (${why})`);
  }
  // The descriptor stays open for the lazy reads; the process exit closes it.
  // Reads share one scratch buffer: each tensor is copied into the model
  // before the next is read, so a tensor's bytes are valid until then.
  let scratch = Buffer.alloc(0);
  const source = {
    byteLength: size,
    read(offset: number, length: number): Uint8Array {
      // 16 MiB holds any one tensor of the stdlib's networks; a larger one gets exactly its size.
      if (scratch.length < length) scratch = Buffer.allocUnsafeSlow(Math.max(length, 16 << 20));
      const buf = scratch;
      let done = 0;
      while (done < length) {
        const n = fs.readSync(fd, buf, done, length - done, offset + done);
        if (n === 0) throw new CheckpointError(`${file}: ends at byte ${offset + done}, expected ${offset + length}`);
        done += n;
      }
      return new Uint8Array(buf.buffer, buf.byteOffset, length);
    },
  };
  return readCheckpoint(source, path.basename(file));
}
