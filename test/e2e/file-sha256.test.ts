/**
 * `weights_sha256` is computed on a worker thread while the compiler works
 * (cli/file-sha256.ts). Its digest must be the file's SHA-256 whatever the
 * size, and every failure must end as the plain hash's would.
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

describe("the checkpoint's SHA-256, hashed on a worker thread", () => {
  it("is the file's digest for files of several sizes (pieces of 1 MiB, a partial last piece, none)", () => {
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
      expect(pending.digest()).toBe(expected(file));
      // The worker hashed it: the fallback on this thread would give the same digest.
      expect(pending.hashedBy()).toBe("worker");
      // Asked again, the same digest without hashing again.
      expect(pending.digest()).toBe(expected(file));
      expect(fileSha256(file)).toBe(expected(file));
    }
  });

  it("hashes on this thread when the worker fails, so the error is fileSha256's: a missing file throws ENOENT", () => {
    const missing = path.join(dir, "no-such-file");
    expect(() => fileSha256(missing)).toThrow(/ENOENT/);
    const pending = fileSha256InBackground(missing);
    expect(() => pending.digest()).toThrow(/ENOENT/);
    expect(pending.hashedBy()).toBe("this thread");
  });
});
