/**
 * Inputs at the edge of what sfc can hold end in a one-line message naming
 * the file or flag at fault, with exit status 2, never an internal error: a
 * source too large for one string, a nesting limit raised past what the
 * stack takes.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { sfc } from "../support/cli";
import { MAX_NESTING } from "../../compiler/limits";

const work = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-edges-"));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** A network whose T is a flat sum of `terms` ones, nested one level a term. */
function flatSumSource(terms: number): string {
  return `network N(clip: <T, 8², 3>, T = ${Array.from({ length: terms }, () => "1").join(" + ")}) -> <4> {\n  return clip |> conv(out: 4) |> gap\n}\n`;
}

describe("edges that are messages, not internal errors", () => {
  it("a .sf larger than a string can hold is refused before it is read (a sparse 600 MB file)", async () => {
    const huge = path.join(work, "huge.sf");
    fs.writeFileSync(huge, "");
    fs.truncateSync(huge, 600 * 2 ** 20);
    for (const command of ["check", "info"]) {
      const r = await sfc(command, huge);
      expect([r.code, r.err], command).toEqual([2, `sfc: cannot read ${huge}: it is larger than 511 MiB, the most sfc reads as a source\n`]);
    }
  });

  it("--limit nesting above what the stack takes is refused, and at the cap a deep sum checks", async () => {
    const sum5k = path.join(work, "sum5k.sf");
    fs.writeFileSync(sum5k, flatSumSource(5000));
    for (const command of ["check", "info", "compile"]) {
      const r = await sfc(command, sum5k, "--limit", "nesting=100000", ...(command === "compile" ? ["-o", path.join(work, "x.onnx")] : []));
      expect([r.code, r.err], command).toEqual([
        2,
        "sfc: --limit nesting=100000: nesting can be raised to at most 1,000; deeper expressions would exhaust sfc's stack\n",
      ]);
    }
    const atCap = path.join(work, "sum-at-cap.sf");
    fs.writeFileSync(atCap, flatSumSource(MAX_NESTING));
    const r = await sfc("check", atCap, "--limit", `nesting=${MAX_NESTING}`);
    expect([r.code, r.err]).toEqual([0, "checked 1 file: 1 network, no errors\n"]);
  });

  it("--limit model-bytes above what one ONNX file holds is refused, not an error inside the writer", async () => {
    const r = await sfc("compile", "examples/slowfast_tiny.sf", "--limit", "model-bytes=3e9", "-o", path.join(work, "never.onnx"));
    expect([r.code, r.err]).toEqual([2, "sfc: --limit model-bytes=3e9: model-bytes can be at most 2^31 (2 GiB), the most one ONNX file holds\n"]);
    expect(fs.existsSync(path.join(work, "never.onnx"))).toBe(false);
  });
});
