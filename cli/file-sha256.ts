/**
 * SHA-256 of a checkpoint for `weights_sha256`. Hashing a 138 MB file takes
 * about 80 ms, as long as checking and elaborating the network, so the CLI
 * hashes it on a worker thread while the compiler works, and takes the digest
 * when the metadata is written, after the weights (metadata_props is the end
 * of the model). The worker usually ends before the weights are streamed;
 * where it runs beside them, its few MB stay under R101's peak from its
 * weight pieces (bench/README.md).
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import { Worker } from "node:worker_threads";

/** Shared between the threads: [state, pieces hashed so far], then the 32-byte digest. */
const STATE = 0;
const PROGRESS = 1;
const DIGEST_OFFSET = 8;
const PENDING = 0;
const DONE = 1;
const FAILED = 2;

/**
 * How long the worker may make no progress (none at all: it has not started)
 * before the file is hashed here instead. A healthy worker reports every MiB.
 */
const STALL_MS = 1000;
const WAIT_SLICE_MS = 50;

/**
 * The worker's niceness. On two cores the hashing thread competed with the
 * threads V8 compiles and collects garbage on while the main thread checks and
 * elaborates, which cost the compile about as much as it saved; at the lowest
 * priority it takes what they leave (15 ms faster, R50 compile, interleaved
 * runs). Linux only: there a niceness belongs to the calling thread, on other
 * systems to the whole process.
 */
const BACKGROUND_NICENESS = 19;

/**
 * The worker, as source: a bundle cannot name a module file for it. It reports
 * by the shared memory alone, so that the main thread can wait for it
 * synchronously (Atomics.wait) inside the compile.
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
const state = new Int32Array(workerData.shared, 0, 2);
let outcome = ${FAILED};
try {
  Atomics.add(state, ${PROGRESS}, 1);
  const fs = require("node:fs");
  const { createHash } = require("node:crypto");
  const hash = createHash("sha256");
  const fd = fs.openSync(workerData.file, "r");
  try {
    const piece = Buffer.allocUnsafe(1 << 20);
    for (let n = fs.readSync(fd, piece); n > 0; n = fs.readSync(fd, piece)) {
      hash.update(piece.subarray(0, n));
      Atomics.add(state, ${PROGRESS}, 1);
    }
  } finally {
    fs.closeSync(fd);
  }
  new Uint8Array(workerData.shared, ${DIGEST_OFFSET}, 32).set(hash.digest());
  outcome = ${DONE};
} finally {
  Atomics.store(state, ${STATE}, outcome);
  Atomics.notify(state, ${STATE});
}
`;

/** SHA-256 of a file, hex, read in 1 MiB pieces so that a large checkpoint is never whole in memory. */
export function fileSha256(file: string): string {
  const hash = createHash("sha256");
  const fd = fs.openSync(file, "r");
  try {
    const piece = Buffer.allocUnsafe(1 << 20);
    for (let n = fs.readSync(fd, piece); n > 0; n = fs.readSync(fd, piece)) hash.update(piece.subarray(0, n));
  } finally {
    fs.closeSync(fd);
  }
  return hash.digest("hex");
}

/** A digest being computed; `hashedBy` says, once it is given, which thread computed it. */
export interface PendingDigest {
  digest(): string;
  hashedBy(): "worker" | "this thread" | undefined;
}

/**
 * Starts hashing `file` on a worker thread. The digest, asked for, waits for
 * the worker if it has not finished. Whatever goes wrong there (no worker, a
 * read error, a worker that stops making progress or never starts) ends in
 * hashing the file on this thread, so the digest, or the error, is the one
 * fileSha256 gives.
 */
export function fileSha256InBackground(file: string): PendingDigest {
  const shared = new SharedArrayBuffer(DIGEST_OFFSET + 32);
  let worker: Worker | undefined;
  try {
    worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, shared, lowerPriority: process.platform === "linux" }, stdout: true, stderr: true });
    // Never keeps the process alive: a compile that fails early exits without the digest.
    worker.unref();
    worker.on("error", () => {
      // Seen through the shared state (FAILED, or no progress), and the file is hashed on this thread.
    });
  } catch {
    worker = undefined;
  }
  let digest: string | undefined;
  let by: "worker" | "this thread" | undefined;
  return {
    digest() {
      if (digest === undefined) {
        const fromWorker = worker && awaitDigest(shared);
        void worker?.terminate();
        by = fromWorker ? "worker" : "this thread";
        digest = fromWorker ?? fileSha256(file);
      }
      return digest;
    },
    hashedBy: () => by,
  };
}

/** The worker's digest, or undefined when it failed or stalled. */
function awaitDigest(shared: SharedArrayBuffer): string | undefined {
  const state = new Int32Array(shared, 0, 2);
  let stalledMs = 0;
  let progress = Atomics.load(state, PROGRESS);
  while (Atomics.load(state, STATE) === PENDING && stalledMs < STALL_MS) {
    Atomics.wait(state, STATE, PENDING, WAIT_SLICE_MS);
    const now = Atomics.load(state, PROGRESS);
    stalledMs = now === progress ? stalledMs + WAIT_SLICE_MS : 0;
    progress = now;
  }
  if (Atomics.load(state, STATE) !== DONE) return undefined;
  return Buffer.from(shared, DIGEST_OFFSET, 32).toString("hex");
}
