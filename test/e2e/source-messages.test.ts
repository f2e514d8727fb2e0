/**
 * What a source argument that cannot be read is called: a missing path, a
 * folder or a device says so, rather than "sfc reads only .sf source files";
 * and other messages that named the wrong problem.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { sfc, sfcIn } from "../support/cli";

const work = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-source-messages-"));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));
const root = path.resolve(__dirname, "../..");

describe("a source that cannot be read says why", () => {
  it("a missing folder or path: no such file or folder, in check, compile, info and run", async () => {
    const missing = path.join(work, "models");
    for (const args of [
      ["check", `${missing}/`],
      ["check", missing],
      ["info", missing],
      ["compile", missing, "-o", path.join(work, "x.onnx")],
      ["run", missing],
    ]) {
      const r = await sfc(...args);
      expect([r.code, r.err], args.join(" ")).toEqual([2, `sfc: cannot read ${args[1]}: no such file or folder\n`]);
    }
  });

  it("a folder given where one source is taken: it is a directory", async () => {
    for (const command of ["info", "run", "graph"]) {
      const r = await sfc(command, work);
      expect([r.code, r.err], command).toEqual([2, `sfc: cannot read ${work}: it is a directory\n`]);
    }
  });

  it("a device: it is a device", async () => {
    for (const command of ["check", "info", "run"]) {
      const r = await sfc(command, "/dev/zero");
      expect([r.code, r.err], command).toEqual([2, "sfc: cannot read /dev/zero: it is a device\n"]);
    }
  });

  it("a regular file without .sf is still refused as not a source, and a missing .sf as no such file", async () => {
    const text = path.join(work, "notes.txt");
    fs.writeFileSync(text, "hello\n");
    expect((await sfc("check", text)).err).toBe(`sfc: cannot read ${text}: sfc reads only .sf source files\n`);
    expect((await sfc("check", path.join(work, "gone.sf"))).err).toBe(`sfc: cannot read ${path.join(work, "gone.sf")}: no such file\n`);
  });
});

describe("messages that named the wrong problem", () => {
  it("a positive size too large for a dimension is called too large", async () => {
    const r = await sfcIn(root, "info", "examples/slowfast_tiny.sf", "--set", "S=1e30");
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/error\[SF0004\]: input `clip` <αT, S², 3> has a dimension S = 1000000000000000000000000000000 that is too large to be a size/);
  });

  it("sfc help help is the overview", async () => {
    const r = await sfc("help", "help");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^sfc — .*\n\nUsage: sfc COMMAND \[options\]/);
  });
});
