/**
 * `weights_sha256` is computed on a worker thread while the compiler works
 * (cli/file-sha256.ts), and on the main thread too when it is wanted before
 * the worker has it. Its digest must be the file's SHA-256 whatever the size
 * and whichever thread gives it, and every failure must end as the plain
 * hash's would.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { fileSha256, fileSha256InBackground } from "../../cli/file-sha256";
import { makeRandom } from "../support/random";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-sha256-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function fileOf(name: string, bytes: Uint8Array): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, bytes);
  return file;
}

const expected = (file: string): string => createHash("sha256").update(fs.readFileSync(file)).digest("hex");

/** Resolves once `done()` is true, looking every few milliseconds for up to 20 s. */
async function until(done: () => boolean): Promise<void> {
  for (let waited = 0; !done(); waited += 5) {
    if (waited > 20_000) throw new Error("the worker did not finish in 20 s");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe("the checkpoint's SHA-256, hashed on a worker thread", () => {
  it("is the file's digest for files of several sizes (pieces of 1 MiB, a partial last piece, none)", async () => {
    const random = makeRandom(7);
    for (const [name, size] of [
      ["empty", 0],
      ["small", 1000],
      ["pieces", 3 * (1 << 20) + 12345],
    ] as const) {
      const file = fileOf(
        name,
        Uint8Array.from({ length: size }, () => Math.floor(random() * 256)),
      );
      const pending = fileSha256InBackground(file);
      expect(pending.hashedBy()).toBeUndefined();
      await until(() => pending.workerFinished());
      expect(pending.digest()).toBe(expected(file));
      // The worker hashed it: this thread did not.
      expect(pending.hashedBy()).toBe("worker");
      // Asked again, the same digest without hashing again.
      expect(pending.digest()).toBe(expected(file));
      expect(fileSha256(file)).toBe(expected(file));
    }
  });

  it("asked for before the worker has it, is hashed here too, and whichever thread finishes first gives the same digest", () => {
    const random = makeRandom(11);
    const file = fileOf(
      "raced",
      Uint8Array.from({ length: 5 * (1 << 20) + 7 }, () => Math.floor(random() * 256)),
    );
    // At once: the worker is still starting, so this thread hashes, checking the worker between pieces.
    const pending = fileSha256InBackground(file);
    expect(pending.digest()).toBe(expected(file));
    expect(["worker", "this thread"]).toContain(pending.hashedBy());
  });

  it("hashes on this thread when the worker fails, so the error is fileSha256's: a missing file throws ENOENT", () => {
    const missing = path.join(dir, "no-such-file");
    expect(() => fileSha256(missing)).toThrow(/ENOENT/);
    const pending = fileSha256InBackground(missing);
    expect(() => pending.digest()).toThrow(/ENOENT/);
    expect(pending.hashedBy()).toBe("this thread");
  });
});
