/**
 * Checkpoint faults found only while the model is written, when each tensor's
 * bytes are read: a deflated storage that does not inflate, a file cut short
 * after it was opened. They are the checkpoint's fault, reported as `cannot
 * load FILE` with exit 2, the old output kept and no temporary file left.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readCheckpointFile } from "../../compiler/host/node";
import { readZip } from "../../compiler/weights/zip";
import { CheckpointError } from "../../compiler/weights/tensor";
import { sfc } from "../support/cli";
import { readFixture } from "../support/fixtures";
import { writeSafetensors, writeZip, f32bytes } from "../support/checkpoints";

const work = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-ckpt-write-"));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const NET = ["std/slowfast.sf", "--network", "SlowFast_4x16_R50", "--set", "C=16", "--set", "classes=10", "--set", "S=48", "--weight-names", "pyslowfast"];

/** The fixture checkpoint with its storages deflated, and one of them made invalid from its first byte. */
function fixtureWithBadStorage(): { file: Uint8Array; broken: string } {
  const zip = readZip(readFixture("weights.pyth"));
  const names = [...zip.entries.keys()];
  const broken = names.find((n) => /\/data\/\d+$/.test(n))!;
  const file = writeZip(names.map((name) => ({ name, data: zip.read(zip.entries.get(name)!).slice(), deflate: name.includes("/data/") })));
  // Patch the broken entry's first deflate byte to block type 3, which no inflater accepts.
  const nameBytes = Buffer.from(broken, "utf8");
  const at = Buffer.from(file).indexOf(nameBytes);
  const view = new DataView(file.buffer, file.byteOffset);
  const headerStart = at - 30;
  expect(view.getUint32(headerStart, true)).toBe(0x04034b50);
  file[at + nameBytes.length + view.getUint16(headerStart + 28, true)] = 0xff;
  return { file, broken };
}

function leftovers(dir: string): string[] {
  return fs.readdirSync(dir).filter((n) => n.endsWith(".tmp"));
}

describe("a checkpoint that fails while the model is written", () => {
  it("a deflated storage that does not inflate: cannot load FILE, exit 2, the old output kept", async () => {
    const { file, broken } = fixtureWithBadStorage();
    const weights = path.join(work, "corrupt.pyth");
    fs.writeFileSync(weights, file);
    const out = path.join(work, "keep.onnx");
    fs.writeFileSync(out, "old");
    const r = await sfc("compile", ...NET, "--weights", weights, "-o", out);
    expect(r.err).not.toMatch(/internal error|\n\s+at /);
    expect(r.err).toMatch(new RegExp(`^sfc: cannot load ${weights.replace(/[.]/g, "\\.")}: zip: entry '${broken}' does not inflate: .*\\n$`));
    expect(r.code).toBe(2);
    expect(fs.readFileSync(out, "utf8")).toBe("old");
    expect(leftovers(work)).toEqual([]);
  });

  it("a stored storage with a byte changed on disk fails its CRC-32 once read: cannot load FILE, exit 2, the old output kept", async () => {
    const file = readFixture("weights.pyth").slice();
    const zip = readZip(file);
    const [name, entry] = [...zip.entries].find(([n, e]) => /\/data\/\d+$/.test(n) && e.size >= 64)!;
    const data = zip.read(entry).slice();
    file[Buffer.from(file).indexOf(Buffer.from(data)) + data.length - 1]! ^= 0x01;
    const weights = path.join(work, "bitflip.pyth");
    fs.writeFileSync(weights, file);
    const out = path.join(work, "keep-crc.onnx");
    fs.writeFileSync(out, "old");
    const r = await sfc("compile", ...NET, "--weights", weights, "-o", out);
    expect(r.err).toMatch(
      new RegExp(
        `^sfc: cannot load .*bitflip\\.pyth: zip: entry '${name}' is damaged: its bytes have CRC-32 0x[0-9a-f]{8}, the archive records 0x[0-9a-f]{8}\\n$`,
      ),
    );
    expect(r.code).toBe(2);
    expect(fs.readFileSync(out, "utf8")).toBe("old");
    expect(leftovers(work)).toEqual([]);
  });

  it("--format json reports what failed, as a diagnostic", async () => {
    const { file } = fixtureWithBadStorage();
    const weights = path.join(work, "corrupt2.pyth");
    fs.writeFileSync(weights, file);
    const r = await sfc("compile", ...NET, "--weights", weights, "-o", path.join(work, "j.onnx"), "--format", "json");
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/does not inflate/);
  });

  it("a file cut short after it was opened names the file and where it ends", () => {
    const file = path.join(work, "cut.safetensors");
    fs.writeFileSync(file, writeSafetensors({ a: { dtype: "F32", shape: [4], data: f32bytes([1, 2, 3, 4]) } }));
    const checkpoint = readCheckpointFile(file);
    fs.truncateSync(file, fs.statSync(file).size - 8);
    const tensor = checkpoint.tensors.get("a")!;
    let caught: unknown;
    try {
      tensor.readInto!(new Uint8Array(16));
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(CheckpointError);
    expect((caught as CheckpointError).file).toBe(file);
    expect((caught as Error).message).toMatch(/^ends at byte \d+, expected \d+ \(truncated while being read\?\)$/);
    expect(() => tensor.data).toThrow(CheckpointError);
  });
});

describe("messages about a checkpoint", () => {
  it("name the file once", async () => {
    const weights = path.join(work, "notes.pyth");
    fs.writeFileSync(weights, "these are not weights, just some text");
    const r = await sfc("compile", ...NET, "--weights", weights, "-o", path.join(work, "n.onnx"));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^sfc: cannot load .*notes\.pyth: not a checkpoint: /);
    expect(r.err.split("notes.pyth")).toHaveLength(2);
  });
});

describe("files too large to read whole", () => {
  it("a 3 GiB model is refused by its size, not with Node's error code", async () => {
    const model = path.join(work, "huge.onnx");
    fs.writeFileSync(model, "");
    fs.truncateSync(model, 3 * 2 ** 30);
    const r = await sfc("run", model);
    expect(r.err).toBe(`sfc: cannot read ${model}: it is 3221225472 bytes, more than the 2147483647 sfc reads into memory at once\n`);
    expect(r.code).toBe(2);
  });
});
