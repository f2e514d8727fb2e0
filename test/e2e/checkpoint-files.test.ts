/**
 * `--weights` given something that is not a readable checkpoint: a clear
 * one-line error, exit 2, no stack trace and no output file.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { sfc } from "../support/cli";
import { PickleWriter, writeSafetensors, writeStateDict, writeTorchZip, f32bytes } from "../support/checkpoints";

const work = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-ckpt-"));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const NET = ["std/slowfast.sf", "--network", "SlowFast_4x16_R50", "--set", "C=16", "--set", "classes=10", "--set", "S=48"];

async function compileWith(weights: string): Promise<{ code: number; err: string; wrote: boolean }> {
  const out = path.join(work, `${path.basename(weights)}.onnx`);
  const r = await sfc("compile", ...NET, "--weights", weights, "-o", out);
  expect(r.err).not.toMatch(/\n\s+at /);
  return { code: r.code, err: r.err, wrote: fs.existsSync(out) };
}

describe("--weights that cannot be read", () => {
  it("a directory (EISDIR)", async () => {
    const r = await compileWith(work);
    expect(r).toEqual({ code: 2, err: `sfc: cannot load ${work}: is a directory, not a checkpoint file\n`, wrote: false });
  });

  it("a FIFO is refused without blocking", async () => {
    const fifo = path.join(work, "pipe.pyth");
    if (spawnSync("mkfifo", [fifo]).status !== 0) return expect.fail("mkfifo failed");
    const r = await compileWith(fifo);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/is not a regular file/);
  });

  it("an unreadable file (EACCES), also as root: the compile runs as an unprivileged user", () => {
    const dir = fs.mkdtempSync(path.join(work, "acl-"));
    fs.chmodSync(work, 0o755);
    fs.chmodSync(dir, 0o755);
    const file = path.join(dir, "secret.pyth");
    fs.writeFileSync(file, "not for you");
    fs.chmodSync(file, 0o000);
    const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    const bin = path.resolve(__dirname, "../../bin/sfc.js");
    const r = spawnSync(process.execPath, [bin, "compile", ...NET, "--weights", file, "-o", path.join(dir, "x.onnx")], { encoding: "utf8", ...asNobody });
    expect(r.stderr).toBe(`sfc: cannot load ${file}: cannot be read (permission denied)\n`);
    expect(r.status).toBe(2);
  });

  it("a legacy torch.save file is named as one", async () => {
    const file = path.join(work, "legacy.pth");
    const legacy = new PickleWriter().proto(2).op(0x8a, 10, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19).stop();
    fs.writeFileSync(file, legacy.proto(2).int(1001).stop().bytes());
    const r = await compileWith(file);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^sfc: cannot load .*legacy\.pth: this is a legacy torch\.save file \(the pre-zip format of PyTorch < 1\.6/);
    expect(r.err).not.toMatch(/header length|not a safetensors/);
  });

  it("a 660-byte stride-0 view of 64 GiB", async () => {
    const file = path.join(work, "view.pyth");
    const view = { storageType: "FloatStorage", key: "0", storageNumel: 1, size: [1 << 20, 1 << 14], stride: [0, 0] };
    fs.writeFileSync(
      file,
      writeTorchZip(
        writeStateDict(new PickleWriter().proto(2), [["s1.pathway0_stem.conv.weight", view]])
          .stop()
          .bytes(),
        { 0: f32bytes([1]) },
      ),
    );
    expect(fs.statSync(file).size).toBeLessThan(1000);
    const r = await compileWith(file);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/is 68719476736 bytes, more than the 2147483648 one tensor may hold \(a stride-0 view/);
    expect(r.wrote).toBe(false);
  });

  it("names from the checkpoint are shown escaped and cut: no terminal escape, no forged line, no 2 MB name", async () => {
    const file = path.join(work, "names.safetensors");
    const one = { dtype: "F32", shape: [1], data: f32bytes([1]) };
    const forged = "\u001b]0;title\u0007\u001b[2J\u202eevil\nerror[SF0000]: forged";
    fs.writeFileSync(file, writeSafetensors({ [forged]: one, ["n".repeat(2_000_000)]: one }));
    for (const format of ["human", "github"]) {
      const r = await sfc("compile", ...NET, "--weights", file, "-o", path.join(work, "names.onnx"), "--format", format);
      expect(r.code).toBe(1);
      expect(r.err + r.out).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f\u202e]/);
      expect(r.err + r.out).toContain("\\x1b]0;title\\x07\\x1b[2J\\u{202e}evil\\x0aerror[SF0000]: forged");
      expect(r.err + r.out).not.toMatch(/^error\[SF0000\]/m);
      expect((r.err + r.out).length).toBeLessThan(20_000);
    }
  });
});
