/**
 * Outputs that already exist as something a user set up: a link is written
 * through (the file it leads to is replaced, the link stays), an existing
 * file keeps its permissions, and a file its user may not write is refused.
 * Long output names and names that are properties of every JavaScript
 * object are taken as they are.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { onnx } from "onnx-proto";
import { afterAll, describe, expect, it } from "vitest";
import { sfc } from "../support/cli";

const work = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-output-paths-"));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const src = path.join(work, "tiny.sf");
fs.writeFileSync(src, "network N(clip: <4, 8², 3>, T = 4) -> <4> {\n  return clip |> conv(out: 4) |> gap\n}\n");
const isModel = (file: string): boolean => onnx.ModelProto.decode(fs.readFileSync(file)).graph!.node!.length > 0;
const temps = (dir: string) => fs.readdirSync(dir).filter((f) => f.endsWith(".tmp"));

describe("existing outputs", () => {
  it("a link is written through: the file it leads to is replaced, the link stays", async () => {
    const real = path.join(work, "real.onnx");
    fs.writeFileSync(real, "OLD");
    const link = path.join(work, "link.onnx");
    fs.symlinkSync(real, link);
    const r = await sfc("compile", src, "-o", link);
    expect(r.code).toBe(0);
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(isModel(real)).toBe(true);
  });

  it("a link to nothing is refused, saying so", async () => {
    const dangling = path.join(work, "dangling.onnx");
    fs.symlinkSync(path.join(work, "nowhere", "x.onnx"), dangling);
    const r = await sfc("compile", src, "-o", dangling);
    expect([r.code, r.err]).toEqual([2, `sfc: cannot write ${dangling}: it is a link to a file that does not exist\n`]);
  });

  it("an existing file keeps its permissions", async () => {
    const kept = path.join(work, "kept.onnx");
    fs.writeFileSync(kept, "OLD");
    fs.chmodSync(kept, 0o640);
    expect((await sfc("compile", src, "-o", kept)).code).toBe(0);
    expect(fs.statSync(kept).mode & 0o777).toBe(0o640);
    expect(isModel(kept)).toBe(true);
  });

  it("a read-only file is refused and left as it was (as an unprivileged user: root may write any file)", () => {
    fs.chmodSync(work, 0o755);
    const dir = fs.mkdtempSync(path.join(work, "shared-"));
    fs.chmodSync(dir, 0o777);
    const readOnly = path.join(dir, "ro.onnx");
    fs.writeFileSync(readOnly, "OLD");
    fs.chmodSync(readOnly, 0o444);
    const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    const bin = path.resolve(__dirname, "../../bin/sfc.js");
    const r = spawnSync(process.execPath, [bin, "compile", src, "-o", readOnly], { encoding: "utf8", ...asNobody });
    expect([r.status, r.stderr]).toEqual([2, expect.stringMatching(/^sfc: cannot write .*ro\.onnx: permission denied; it is read-only to you/)]);
    expect(fs.readFileSync(readOnly, "utf8")).toBe("OLD");
    expect(temps(dir)).toEqual([]);
  });
});

describe("an output into a folder that does not exist", () => {
  it("is refused before the command compiles, draws or runs anything", async () => {
    const missing = path.join(work, "no-such-folder");
    const model = path.join(work, "for-run.onnx");
    expect((await sfc("compile", src, "-o", model)).code).toBe(0);
    for (const [args, out] of [
      [["compile", src, "-o", path.join(missing, "x.onnx")], "x.onnx"],
      [["graph", src, "-o", path.join(missing, "x.dot")], "x.dot"],
      [["run", model, "--output", path.join(missing, "x.npy")], "x.npy"],
    ] as const) {
      const r = await sfc(...args);
      expect([r.code, r.out, r.err]).toEqual([2, "", `sfc: cannot write ${path.join(missing, out)}: the folder ${missing} does not exist\n`]);
    }
  });
});

describe("names", () => {
  it("an output name of 250 bytes is written (its temporary file's name is shortened)", async () => {
    const long = path.join(work, `${"a".repeat(245)}.onnx`);
    const r = await sfc("compile", src, "-o", long);
    expect([r.code, r.err]).toEqual([0, expect.stringContaining("wrote ")]);
    expect(isModel(long)).toBe(true);
    expect(temps(work)).toEqual([]);
  });

  it("--dynamic constructor names the parameter as written, not a JavaScript function", async () => {
    for (const name of ["constructor", "toString", "__proto__"]) {
      const r = await sfc("compile", src, "--dynamic", name, "-o", path.join(work, "d.onnx"));
      expect(r.code, name).not.toBe(0);
      expect(r.err).toContain(`no parameter \`${name}\``);
      expect(r.err).not.toMatch(/native code|\[object Object\]/);
    }
  });
});
