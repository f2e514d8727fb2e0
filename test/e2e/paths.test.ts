/**
 * Determinism across spellings: the same source compiled as `tiny.sf`,
 * `./src/tiny.sf` or by its absolute path gives byte-identical models, since
 * emitted paths are relative to the source root (or std/... for the standard
 * library), never the path as typed.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { onnx } from "onnx-proto";
import { sfc } from "../support/cli";
import { displayPath } from "../../compiler/host/node";

const work = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "sfc-paths-")));
const cwd = process.cwd();
afterAll(() => {
  process.chdir(cwd);
  fs.rmSync(work, { recursive: true, force: true });
});

describe("emitted paths", () => {
  const project = path.join(work, "project");
  const src = path.join(project, "src");
  fs.mkdirSync(src, { recursive: true });
  fs.writeFileSync(path.join(project, "package.json"), "{}\n");
  fs.copyFileSync(path.resolve(__dirname, "../../examples/slowfast_tiny.sf"), path.join(src, "tiny.sf"));

  it("are the same however the source is spelled, relative to the source root", async () => {
    const compileIn = async (dir: string, file: string, out: string): Promise<Buffer> => {
      process.chdir(dir);
      try {
        const got = await sfc("compile", file, "--set", "S=32", "--set", "C=8", "-o", out);
        expect(got.err).toMatch(/^wrote /);
        expect(got.code).toBe(0);
      } finally {
        process.chdir(cwd);
      }
      return fs.readFileSync(out);
    };
    const bare = await compileIn(src, "tiny.sf", path.join(work, "a.onnx"));
    const dotted = await compileIn(project, "./src/tiny.sf", path.join(work, "b.onnx"));
    const absolute = await compileIn(work, path.join(src, "tiny.sf"), path.join(work, "c.onnx"));
    expect(Buffer.compare(bare, dotted)).toBe(0);
    expect(Buffer.compare(bare, absolute)).toBe(0);

    const model = onnx.ModelProto.decode(bare);
    const docs = new Set(model.graph!.node!.map((n) => n.docString ?? ""));
    expect(model.graph!.docString).toMatch(/^src\/tiny\.sf:\d+:\d+$/);
    expect([...docs].some((d) => /^src\/tiny\.sf:\d+:\d+$/.test(d))).toBe(true);
    expect([...docs].some((d) => /^std\/[a-z0-9_/]+\.sf:\d+:\d+$/.test(d))).toBe(true);
    for (const d of docs) expect(d).toMatch(/^(src\/tiny|std\/[a-z0-9_/]+)\.sf:\d+:\d+$/);
    expect(bare.includes(Buffer.from(work))).toBe(false);
  });

  it("fall back to the source's own folder when no package.json or .git is above it", () => {
    // os.tmpdir() has neither above it on the machines this runs on; the check says so if not.
    const loose = path.join(work, "loose");
    fs.mkdirSync(loose);
    fs.copyFileSync(path.join(src, "tiny.sf"), path.join(loose, "net.sf"));
    const above = (dir: string): boolean =>
      fs.existsSync(path.join(dir, "package.json")) || fs.existsSync(path.join(dir, ".git")) || (path.dirname(dir) !== dir && above(path.dirname(dir)));
    expect(displayPath(path.join(loose, "net.sf"))).toBe(
      above(loose) ? path.relative(findRoot(loose), path.join(loose, "net.sf")).split(path.sep).join("/") : "net.sf",
    );
    expect(displayPath("std/lateral.sf")).toBe("std/lateral.sf");
    expect(displayPath(path.join(src, "tiny.sf"))).toBe("src/tiny.sf");
  });
});

function findRoot(dir: string): string {
  return fs.existsSync(path.join(dir, "package.json")) || fs.existsSync(path.join(dir, ".git")) ? dir : findRoot(path.dirname(dir));
}
