/**
 * A request's inputs are checked together: a parameter read off one input
 * sizes another, and two inputs' axes may have to agree. sfc run refuses
 * such a request before onnxruntime sees it.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { sfc } from "../support/cli";
import { checkInputs, type ShapeRequirements } from "../../compiler/index";
import { dimNameValue } from "../../compiler/dynamic/dim-names";
import { writeNpy } from "../../runtime/npy";
import { deterministicClip } from "../../runtime/session";

const work = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-check-inputs-"));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

function npy(name: string, shape: number[]): string {
  const file = path.join(work, `${name}.npy`);
  fs.writeFileSync(file, writeNpy(deterministicClip(shape), shape));
  return file;
}

/** Two inputs: T and S read off `clip`, `flow` sized by them. */
const TWO_INPUTS: ShapeRequirements = {
  format: "sfc-requirements/1",
  dynamic: ["T", "S"],
  inputs: { clip: ["N", 3, "T", "S", "S"], flow: ["N", 2, "4*T", "S", "S"] },
  outputs: { logits: ["N", 10] },
  parameters: {
    T: { input: "clip", axis: 2, name: "frames", scale: 1, offset: 0, min: 1, compiled: 4 },
    S: { input: "clip", axis: 3, name: "height", scale: 1, offset: 0, min: 1, compiled: 32 },
  },
  constraints: [
    { kind: "size", input: "flow", axis: 2, name: "frames", expr: "4*T", text: "the Fast clip needs frames 4*T" },
    {
      kind: "equal",
      input: "flow",
      axis: 3,
      name: "height",
      to: { input: "clip", axis: 3 },
      text: "the Fast clip needs its height equal to the height of the Slow clip",
    },
  ],
};

describe("checkInputs", () => {
  it("reads the parameters off the input that defines them and checks the other input by them", () => {
    const clip = [1, 3, 4, 32, 32];
    expect(checkInputs(TWO_INPUTS, { clip, flow: [1, 2, 16, 32, 32] }, dimNameValue)).toEqual([]);
    expect(checkInputs(TWO_INPUTS, { clip, flow: [1, 2, 20, 32, 32] }, dimNameValue)).toEqual([
      { input: "flow", message: "20 frames: the Fast clip needs frames 4*T = 16; use 16" },
    ]);
    expect(checkInputs(TWO_INPUTS, { clip, flow: [1, 2, 16, 40, 32] }, dimNameValue)).toEqual([
      { input: "flow", message: "height 40: the Fast clip needs its height equal to the height of the Slow clip (32)" },
    ]);
  });

  it("takes one batch: every input N clips, the same N", () => {
    expect(checkInputs(TWO_INPUTS, { clip: [2, 3, 4, 32, 32], flow: [2, 2, 16, 32, 32] }, dimNameValue)).toEqual([]);
    expect(checkInputs(TWO_INPUTS, { clip: [1, 3, 4, 32, 32], flow: [2, 2, 16, 32, 32] }, dimNameValue)).toEqual([
      { input: "flow", message: "input flow has 2 clips in its batch, input clip 1: the inputs are one batch, N clips each" },
    ]);
  });

  it("needs every input of the model, and only its inputs", () => {
    expect(checkInputs(TWO_INPUTS, { clip: [1, 3, 4, 32, 32] }, dimNameValue)).toEqual([
      { input: "flow", message: "no shape for input flow: the model takes one for each of its inputs" },
    ]);
    expect(checkInputs(TWO_INPUTS, { clip: [1, 3, 4, 32, 32], flow: [1, 2, 16, 32, 32], depth: [1] }, dimNameValue)).toEqual([
      { input: "depth", message: "the model has no input depth" },
    ]);
  });
});

describe("sfc run with two inputs of a dynamic model", () => {
  it("refuses a second input whose size or frames do not fit the first, with exit status 1", async () => {
    const model = path.join(work, "flow.onnx");
    const compiled = await sfc("compile", "examples/fast_inputs.sf", "--network", "FlowInputs", "--dynamic", "T,S", "-o", model);
    expect(compiled.code, compiled.err).toBe(0);
    const clip = `clip=${npy("clip", [1, 3, 4, 32, 32])}`;
    const ran = await sfc("run", model, "--input", clip, "--input", `flow=${npy("flow", [1, 2, 16, 32, 32])}`);
    expect(ran.code, ran.err).toBe(0);
    const frames = await sfc("run", model, "--input", clip, "--input", `flow=${npy("flow20", [1, 2, 20, 32, 32])}`);
    expect([frames.code, frames.err.split("\n")[0]]).toEqual([1, "error[SF0703]: 20 frames: the Fast clip needs frames 4*T = 16; use 16"]);
    const size = await sfc("run", model, "--input", clip, "--input", `flow=${npy("flow40", [1, 2, 16, 40, 40])}`);
    expect(size.code).toBe(1);
    expect(size.err).toContain("error[SF0703]: height 40: the Fast clip needs its height equal to the height of the Slow clip (32)\n");
    expect(size.err).not.toContain("onnxruntime");
    const batch = await sfc("run", model, "--input", clip, "--input", `flow=${npy("flow-batch2", [2, 2, 16, 32, 32])}`);
    expect([batch.code, batch.err.split("\n").slice(0, 2)]).toEqual([
      1,
      [
        "error[SF0703]: input flow has 2 clips in its batch, input clip 1: the inputs are one batch, N clips each",
        expect.stringMatching(/^ --> .*flow-batch2\.npy:1:1$/),
      ],
    ]);
  });
});
