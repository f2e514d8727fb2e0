/**
 * SHA-256 of a checkpoint for `weights_sha256`. Hashing a 138 MB file takes
 * about 80 ms, as long as checking and elaborating the network, so the CLI
 * hashes it on a worker thread while the compiler works, and takes the digest
 * when the metadata is written, after the weights (metadata_props is the end
 * of the model). The worker usually ends before the weights are streamed;
 * where it runs beside them, its few MB stay under R101's peak from its
 * weight pieces (bench/README.md). When the digest is wanted before the
 * worker has it (a worker starved by a busy machine, or one that failed),
 * this thread hashes the file too, and the first to finish gives it: the
 * compile never waits longer than hashing here would take.
 */
import type * as crypto from "node:crypto";
import * as fs from "node:fs";
import type * as workerThreads from "node:worker_threads";

/** Shared between the threads: the worker's state, then the 32-byte digest. */
const STATE = 0;
const DIGEST_OFFSET = 8;
const PENDING = 0;
const DONE = 1;
const FAILED = 2;

/**
 * The worker's niceness. On two cores the hashing thread competed with the
 * threads V8 compiles and collects garbage on while the main thread checks and
 * elaborates, which cost the compile about as much as it saved; at the lowest
 * priority it takes what they leave (15 ms faster, R50 compile, interleaved
 * runs). Linux only: there a niceness belongs to the calling thread, on other
 * systems to the whole process. A worker that gets no time at all costs only
 * the hashing this thread then does.
 */
const BACKGROUND_NICENESS = 19;

/**
 * The worker, as source: a bundle cannot name a module file for it. It reports
 * by the shared memory alone, which the main thread reads between its own
 * pieces inside the compile.
 */
const WORKER_SOURCE = `"use strict";
const { workerData } = require("node:worker_threads");
if (workerData.lowerPriority) {
  try {
    require("node:os").setPriority(${BACKGROUND_NICENESS});
  } catch {
    // The digest is only slower to arrive.
  }
}
const state = new Int32Array(workerData.shared, 0, 1);
let outcome = ${FAILED};
try {
  const fs = require("node:fs");
  const { createHash } = require("node:crypto");
  const hash = createHash("sha256");
  const fd = fs.openSync(workerData.file, "r");
  try {
    const piece = Buffer.allocUnsafe(1 << 20);
    for (let n = fs.readSync(fd, piece); n > 0; n = fs.readSync(fd, piece)) {
      hash.update(piece.subarray(0, n));
    }
  } finally {
    fs.closeSync(fd);
  }
  new Uint8Array(workerData.shared, ${DIGEST_OFFSET}, 32).set(hash.digest());
  outcome = ${DONE};
} finally {
  Atomics.store(state, ${STATE}, outcome);
}
`;

/** SHA-256 of a file, hex, read in 1 MiB pieces so that a large checkpoint is never whole in memory. */
export function fileSha256(file: string): string {
  return fileSha256Unless(file, () => false)!;
}

/** fileSha256, or undefined as soon as `stop()` is true (asked before each piece). */
function fileSha256Unless(file: string, stop: () => boolean): string | undefined {
  // node:crypto loads with a checkpoint (and to write a model): `sfc check` and `info` do without it.
  const hash = (require("node:crypto") as typeof crypto).createHash("sha256");
  const fd = fs.openSync(file, "r");
  try {
    const piece = Buffer.allocUnsafe(1 << 20);
    for (let n = fs.readSync(fd, piece); n > 0; n = fs.readSync(fd, piece)) {
      if (stop()) return undefined;
      hash.update(piece.subarray(0, n));
    }
  } finally {
    fs.closeSync(fd);
  }
  return hash.digest("hex");
}

/** A digest being computed; `hashedBy` says, once it is given, which thread computed it. */
export interface PendingDigest {
  digest(): string;
  hashedBy(): "worker" | "this thread" | undefined;
  /** Whether the worker has finished, with the digest or with an error. */
  workerFinished(): boolean;
}

/**
 * Starts hashing `file` on a worker thread. The digest, asked for before the
 * worker has it, is raced for: this thread hashes the file too, and takes the
 * worker's digest if that comes first. Whatever goes wrong in the worker (no
 * worker, a read error, a worker that never starts) leaves the hash on this
 * thread, so the digest, or the error, is the one fileSha256 gives.
 */
export function fileSha256InBackground(file: string): PendingDigest {
  const shared = new SharedArrayBuffer(DIGEST_OFFSET + 32);
  let worker: workerThreads.Worker | undefined;
  try {
    const { Worker } = require("node:worker_threads") as typeof workerThreads;
    worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, shared, lowerPriority: process.platform === "linux" }, stdout: true, stderr: true });
    // Never keeps the process alive: a compile that fails early exits without the digest.
    worker.unref();
    worker.on("error", () => {
      // Seen as a digest that never comes: this thread hashes the file when the digest is wanted.
    });
  } catch {
    worker = undefined;
  }
  const state = new Int32Array(shared, 0, 1);
  const workerDone = (): boolean => worker !== undefined && Atomics.load(state, STATE) === DONE;
  let digest: string | undefined;
  let by: "worker" | "this thread" | undefined;
  return {
    digest() {
      if (digest === undefined) {
        let own: string | undefined;
        try {
          own = workerDone() ? undefined : fileSha256Unless(file, workerDone);
        } catch (e) {
          // This thread could not read it: the worker's digest if it has one, else this error.
          if (!workerDone()) {
            by = "this thread";
            throw e;
          }
        } finally {
          void worker?.terminate();
        }
        by = own === undefined ? "worker" : "this thread";
        digest = own ?? Buffer.from(shared, DIGEST_OFFSET, 32).toString("hex");
      }
      return digest;
    },
    hashedBy: () => by,
    workerFinished: () => Atomics.load(state, STATE) !== PENDING,
  };
}
