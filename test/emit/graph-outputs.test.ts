/**
 * Graph outputs that are not values of their own: a network that returns its
 * input, and outputs that repeat a value. ONNX needs each output a distinct
 * value that no input is, so the emitter copies these with Identity; the
 * model, its metadata and the Triton configuration must name them alike.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { onnx } from "onnx-proto";
import { afterAll, describe, expect, it } from "vitest";
import { emitOnnx } from "../../compiler/emit/onnx";
import { tritonConfig } from "../../compiler/emit/triton";
import { fixedRequirements } from "../../compiler/dynamic/requirements";
import { sfc } from "../support/cli";
import { IRBuilder } from "../support/ir-builder";
import { checkWithOnnx, runWithOrt } from "../support/onnx-check";
import { makeRandom } from "../support/random";

const work = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-graph-outputs-"));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const outputNames = (model: Uint8Array): string[] => onnx.ModelProto.decode(model).graph!.output!.map((o) => o.name!);

describe("graph outputs without a value of their own", () => {
  it("a network that returns its input compiles to an Identity that onnx accepts and onnxruntime runs", async () => {
    const source = path.join(work, "ident.sf");
    const model = path.join(work, "ident.onnx");
    fs.writeFileSync(source, "network N(x: <4, S², 3>, S = 8) -> <4, S², 3> {\n  return x\n}\n");
    expect((await sfc("compile", source, "-o", model)).code).toBe(0);
    const bytes = new Uint8Array(fs.readFileSync(model));
    const check = checkWithOnnx(bytes);
    expect(check.error).toBeUndefined();
    expect(check.ok).toBe(true);
    const nodes = onnx.ModelProto.decode(bytes).graph!.node!;
    expect(nodes.map((n) => [n.opType, n.input, n.output])).toEqual([["Identity", ["x"], ["output"]]]);

    const dims = [2, 3, 4, 8, 8];
    const random = makeRandom(7);
    const data = Float32Array.from({ length: dims.reduce((a, b) => a * b) }, () => random() - 0.5);
    const results = await runWithOrt(bytes, { x: { data, dims } });
    expect(Object.keys(results)).toEqual(["output"]);
    expect(results["output"]!.dims).toEqual(dims);
    expect(Array.from(results["output"]!.data)).toEqual(Array.from(data));
    expect((await sfc("run", model)).code).toBe(0);
  });

  it("outputs that repeat a value or are an input get copies, named alike in the model, the requirements and Triton's config", async () => {
    const b = new IRBuilder("repeats");
    const x = b.input("x", [2, 3]);
    const r = b.op("r", { kind: "relu" }, [x]);
    const graph = b.output(r, r, x).build();
    const bytes = emitOnnx(graph);
    const check = checkWithOnnx(bytes);
    expect(check.error).toBeUndefined();
    expect(check.ok).toBe(true);
    expect(outputNames(bytes)).toEqual(["r", "output", "output_1"]);
    expect(Object.keys(fixedRequirements(graph).outputs)).toEqual(["r", "output", "output_1"]);
    expect([...tritonConfig(graph).matchAll(/name: "([^"]+)"/g)].map((m) => m[1]).slice(2)).toEqual(["r", "output", "output_1"]);

    const data = Float32Array.from([-1, 2, -3, 4, -5, 6]);
    const results = await runWithOrt(bytes, { x: { data, dims: [1, 2, 3] } });
    const relu = [0, 2, 0, 4, 0, 6];
    expect(Array.from(results["r"]!.data)).toEqual(relu);
    expect(Array.from(results["output"]!.data)).toEqual(relu);
    expect(Array.from(results["output_1"]!.data)).toEqual(Array.from(data));
  });
});
