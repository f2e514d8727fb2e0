/**
 * `sfc run --format json|sarif|github` writes exactly one document on
 * stdout, agreeing with the exit status: an empty one for a clean run of a
 * .onnx as of a .sf, and SF0703 for an input the model does not take (exit 1),
 * in the document rather than only on stderr.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { sfc } from "../support/cli";
import { writeNpy } from "../../runtime/npy";
import { deterministicClip } from "../../runtime/session";

const work = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-run-documents-"));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const source = path.join(work, "halves.sf");
fs.writeFileSync(source, "network D(clip: <T, S², 3>, T = 4, S = 8) -> <3> {\n  return clip |> resize(by: 1×(1/2)²) |> gap\n}\n");

function clip(name: string, shape: number[]): string {
  const file = path.join(work, `${name}.npy`);
  fs.writeFileSync(file, writeNpy(deterministicClip(shape), shape));
  return file;
}

interface SarifLog {
  runs: Array<{ results: Array<{ ruleId: string; message: { text: string } }>; invocations: Array<{ executionSuccessful: boolean }> }>;
}

describe("sfc run in a machine format", () => {
  it("writes one clean document for a successful run of a .onnx", async () => {
    const model = path.join(work, "halves.onnx");
    expect((await sfc("compile", source, "--dynamic", "T,S", "-o", model)).code).toBe(0);
    const json = await sfc("run", model, "--format", "json");
    expect([json.code, JSON.parse(json.out)]).toEqual([0, []]);
    expect(json.err).toMatch(/^out: shape|shape \(1, 3\)/m);
    const sarif = await sfc("run", model, "--format", "sarif");
    const log = JSON.parse(sarif.out) as SarifLog;
    expect([sarif.code, log.runs[0]!.results, log.runs[0]!.invocations[0]!.executionSuccessful]).toEqual([0, [], true]);
    const github = await sfc("run", model, "--format", "github");
    expect([github.code, github.out]).toEqual([0, ""]);
  });

  it("puts an input the model does not take in the document, with exit status 1", async () => {
    const model = path.join(work, "halves.onnx");
    if (!fs.existsSync(model)) expect((await sfc("compile", source, "--dynamic", "T,S", "-o", model)).code).toBe(0);
    const odd = clip("odd", [1, 3, 4, 9, 9]);
    const message = "height 9: resized height S/2: S/2 must be an integer (here S/2 = 4.5); use 8 or 10";
    for (const from of [model, source]) {
      const dynamic = from === source ? ["--dynamic", "T,S"] : [];
      const json = await sfc("run", from, ...dynamic, "--input", odd, "--format", "json");
      expect(json.code).toBe(1);
      const entries = JSON.parse(json.out) as Array<{ code: string; file: string; message: string }>;
      expect(entries.map((e) => [e.code, e.file, e.message])).toEqual([["SF0703", odd, message]]);
      expect(json.err).toBe("");
      const sarif = await sfc("run", from, ...dynamic, "--input", odd, "--format", "sarif");
      const log = JSON.parse(sarif.out) as SarifLog;
      expect(sarif.code).toBe(1);
      expect(log.runs[0]!.results.map((r) => [r.ruleId, r.message.text])).toEqual([["SF0703", message]]);
      const github = await sfc("run", from, ...dynamic, "--input", odd, "--format", "github");
      expect(github.code).toBe(1);
      expect(github.out).toMatch(/^::error file=.*title=SF0703::height 9: /);
    }
  });

  it("refuses a clip of the wrong shape for a fixed-size model as bad input (exit 1), as for a dynamic one, and names an empty batch", async () => {
    const fixed = path.join(work, "fixed.onnx");
    expect((await sfc("compile", source, "-o", fixed)).code).toBe(0);
    const small = clip("small", [2, 3, 4, 6, 6]);
    const wrong = await sfc("run", fixed, "--input", small);
    expect(wrong.code).toBe(1);
    expect(wrong.err).toBe(`error[SF0703]: input clip has shape (2, 3, 4, 6, 6); the model takes (N, 3, 4, 8, 8)\n --> ${small}:1:1\n\n1 error emitted\n`);
    const json = await sfc("run", fixed, "--input", small, "--format", "json");
    expect(json.code).toBe(1);
    expect((JSON.parse(json.out) as Array<{ code: string }>).map((e) => e.code)).toEqual(["SF0703"]);
    const dynamic = path.join(work, "halves.onnx");
    if (!fs.existsSync(dynamic)) expect((await sfc("compile", source, "--dynamic", "T,S", "-o", dynamic)).code).toBe(0);
    const empty = await sfc("run", dynamic, "--input", clip("empty", [0, 3, 4, 8, 8]));
    expect([empty.code, empty.err.split("\n")[0]]).toEqual([1, "error[SF0703]: input clip has shape (0, 3, 4, 8, 8): the batch is empty, with no clips"]);
  });
});
