/**
 * sfc run --views: a batch of views of one video gives one row, the mean of
 * the views' softmax scores (PySlowFast's test-time ensemble), checked
 * against the per-view logits of the same run without --views.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { sfc } from "../support/cli";
import { readNpy, writeNpy } from "../../runtime/npy";
import { deterministicClip } from "../../runtime/session";

const work = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-views-"));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe("sfc run --views", () => {
  it("averages the softmax of three views into one row", async () => {
    const model = path.join(work, "model.onnx");
    const compiled = await sfc(
      "compile",
      "std/slowfast.sf",
      "--network",
      "SlowFast_4x16_R50",
      "--set",
      "C=8",
      "--set",
      "classes=10",
      "--set",
      "S=48",
      "-o",
      model,
    );
    expect(compiled.code, compiled.err).toBe(0);
    const shape = [3, 3, 32, 48, 48];
    const input = path.join(work, "views.npy");
    fs.writeFileSync(input, writeNpy(deterministicClip(shape), shape));
    const perView = path.join(work, "logits.npy");
    const averaged = path.join(work, "averaged.npy");
    expect((await sfc("run", model, "--input", input, "--output", perView)).code).toBe(0);
    const ran = await sfc("run", model, "--input", input, "--views", "--output", averaged);
    expect(ran.code, ran.err).toBe(0);
    expect(ran.out).toMatch(/^3 views averaged/);
    expect(ran.out).toMatch(/logits: shape \(1, 10\)/);
    const logits = readNpy(fs.readFileSync(perView));
    const got = readNpy(fs.readFileSync(averaged));
    expect(got.shape).toEqual([1, 10]);
    const want = new Array<number>(10).fill(0);
    for (let v = 0; v < 3; v++) {
      const row = Array.from(logits.data.subarray(v * 10, v * 10 + 10) as Float32Array);
      const max = Math.max(...row);
      const total = row.reduce((s, x) => s + Math.exp(x - max), 0);
      row.forEach((x, c) => (want[c]! += Math.exp(x - max) / total / 3));
    }
    want.forEach((w, c) => expect(Math.abs((got.data as Float32Array)[c]! - w)).toBeLessThan(1e-6));
    expect(want.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    const one = path.join(work, "one-view.npy");
    fs.writeFileSync(one, writeNpy(deterministicClip([1, ...shape.slice(1)]), [1, ...shape.slice(1)]));
    const single = await sfc("run", model, "--input", one, "--views");
    expect([single.code, single.out.split("\n")[0]]).toEqual([
      0,
      "1 view averaged: the mean of their softmax scores, as PySlowFast's test loop ensembles them",
    ]);
  });
});
