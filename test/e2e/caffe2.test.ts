/**
 * PySlowFast's model-zoo checkpoints end to end: the reference fixture's
 * weights rewritten as a Caffe2 `.pkl` (Python 2 pickle, Caffe2 blob names,
 * 1×1×1 conv weights stored without their trailing 1s, SGD momentum beside
 * every blob) compile with `--weights FILE.pkl` alone and reproduce the
 * fixture's logits; and fine-tuning a checkpoint's backbone into a network
 * with another class count with --reinit.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { onnx } from "onnx-proto";
import { afterAll, describe, expect, it } from "vitest";
import { sfc } from "../support/cli";
import { readSafetensors } from "../../compiler/weights/safetensors";
import { readNpy } from "../../runtime/npy";
import { caffe2Name, lastFastBlocks, writeCaffe2Pickle, type Blob } from "../support/caffe2";
import { f32bytes, writeSafetensors } from "../support/checkpoints";
import { fixturePath } from "../support/fixtures";

const work = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-caffe2-"));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const NET = ["std/slowfast.sf", "--network", "SlowFast_4x16_R50", "--set", "C=16", "--set", "S=48"];
const fixture = readSafetensors(new Uint8Array(fs.readFileSync(fixturePath("weights.safetensors"))));

/** `reshape`: blobs stored with another shape of the same size. */
function fixtureAsCaffe2(reshape: Record<string, number[]> = {}): Uint8Array {
  const last = lastFastBlocks(fixture.tensors.keys());
  const blobs: [string, Blob][] = [];
  for (const [name, t] of fixture.tensors) {
    if (name.endsWith("num_batches_tracked")) continue;
    const blob = caffe2Name(name, last);
    // Caffe2 keeps 1×1×1 convolutions as 2-D (out, in); PySlowFast reshapes them on load.
    const shape = t.shape.length === 5 && t.shape.slice(2).every((d) => d === 1) ? t.shape.slice(0, 2) : t.shape;
    blobs.push([blob, { type: "f4", shape: reshape[blob] ?? shape, data: t.data }]);
    if (/_(w|b)$/.test(blob)) blobs.push([`${blob}_momentum`, { type: "f4", shape, data: new Uint8Array(t.data.byteLength) }]);
  }
  blobs.push(["lr", { type: "f4", shape: [1], data: f32bytes([0.1]) }]);
  blobs.push(["model_iter", { type: "i8", shape: [1], data: new Uint8Array(new BigInt64Array([196000n]).buffer) }]);
  return writeCaffe2Pickle(blobs);
}

describe("a Caffe2 checkpoint in PySlowFast's model-zoo layout", () => {
  it("compiles with --weights FILE.pkl alone and reproduces logits.npy within 1e-4", async () => {
    const pkl = path.join(work, "SLOWFAST_4x16_R50_w16.pkl");
    fs.writeFileSync(pkl, fixtureAsCaffe2());
    const model = path.join(work, "caffe2.onnx");
    const compiled = await sfc("compile", ...NET, "--set", "classes=10", "--weights", pkl, "-o", model);
    expect(compiled.err).toMatch(/^wrote /);
    expect(compiled.code).toBe(0);
    const logits = path.join(work, "caffe2-logits.npy");
    expect((await sfc("run", model, "--input", fixturePath("input.npy"), "--output", logits)).code).toBe(0);
    const got = readNpy(fs.readFileSync(logits)).data as Float32Array;
    const want = readNpy(fs.readFileSync(fixturePath("logits.npy"))).data as Float32Array;
    let worst = 0;
    for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!));
    expect(worst).toBeLessThan(1e-4);
    // Naming the map gives the same model.
    const named = path.join(work, "caffe2-named.onnx");
    expect((await sfc("compile", ...NET, "--set", "classes=10", "--weights", pkl, "--weight-names", "caffe2", "-o", named)).code).toBe(0);
    expect(fs.readFileSync(named).equals(fs.readFileSync(model))).toBe(true);
  });

  it("with the wrong map, says so once and names the right one", async () => {
    const pkl = path.join(work, "wrong-map.pkl");
    fs.writeFileSync(pkl, fixtureAsCaffe2());
    const r = await sfc("compile", ...NET, "--set", "classes=10", "--weights", pkl, "--weight-names", "pytorchvideo", "-o", path.join(work, "never.onnx"));
    expect(r.code).toBe(1);
    expect(r.err.match(/error\[/g)).toHaveLength(1);
    expect(r.err).toMatch(
      /error\[SF0407\]: 0 of 552 names matched under the `pytorchvideo` map: this looks like a Caffe2 checkpoint \(PySlowFast's model zoo\); try --weight-names caffe2/,
    );
  });
});

describe("a Caffe2 blob of the wrong shape", () => {
  it("is named by its blob and the PySlowFast name it stands for, in balanced quotes and parentheses", async () => {
    const pkl = path.join(work, "pred3d.pkl");
    // PySlowFast pads only a blob shorter than the weight with 1s: one longer is refused.
    fs.writeFileSync(pkl, fixtureAsCaffe2({ pred_w: [10, 576, 1] }));
    const r = await sfc("compile", ...NET, "--set", "classes=10", "--weights", pkl, "-o", path.join(work, "never.onnx"));
    expect(r.code).toBe(1);
    expect(r.err.split("\n")[0]).toBe("error[SF0403]: `pred_w` (`head.projection.weight`) has shape (10, 576, 1), expected (10, 576)");
  });
});

describe("fine-tuning with --reinit", () => {
  // The fixture with a 400-class head, as a Kinetics-400 checkpoint has.
  const kinetics = path.join(work, "kinetics400.safetensors");
  const entries: Record<string, { dtype: string; shape: number[]; data: Uint8Array }> = {};
  for (const [name, t] of fixture.tensors) {
    const shape = name.startsWith("head.projection.") ? [400, ...t.shape.slice(1)] : t.shape;
    const data = name.startsWith("head.projection.") ? f32bytes(Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(i))) : t.data;
    entries[name] = { dtype: t.dtype === "int64" ? "I64" : "F32", shape, data };
  }
  fs.writeFileSync(kinetics, writeSafetensors(entries));
  const initializers = (file: string): Map<string, Buffer> =>
    new Map(onnx.ModelProto.decode(fs.readFileSync(file)).graph!.initializer!.map((t) => [t.name!, Buffer.from(t.rawData!)]));

  it("a head-shape mismatch suggests --reinit", async () => {
    const r = await sfc("compile", ...NET, "--set", "classes=10", "--weights", kinetics, "--weight-names", "pyslowfast", "-o", path.join(work, "never.onnx"));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/`head\.projection\.weight` has shape \(400, 576\), expected \(10, 576\)/);
    expect(r.err).toMatch(
      /help: only the head differs: the checkpoint was trained for another number of classes; to fine-tune, start the head afresh with --reinit 'head\.projection\.\*'/,
    );
  });

  it("--reinit 'head.projection.*' turns the 400-class checkpoint into a 10-class model: backbone from the checkpoint, head seeded", async () => {
    const tuned = path.join(work, "tuned.onnx");
    const r = await sfc(
      "compile",
      ...NET,
      "--set",
      "classes=10",
      "--weights",
      kinetics,
      "--weight-names",
      "pyslowfast",
      "--reinit",
      "head.projection.*",
      "-o",
      tuned,
    );
    expect(r.err).toMatch(/^wrote /);
    const reference = path.join(work, "reference.onnx");
    expect(
      (await sfc("compile", ...NET, "--set", "classes=10", "--weights", fixturePath("weights.safetensors"), "--weight-names", "pyslowfast", "-o", reference))
        .code,
    ).toBe(0);
    const seeded = path.join(work, "seeded.onnx");
    expect((await sfc("compile", ...NET, "--set", "classes=10", "-o", seeded)).code).toBe(0);
    const [a, b, c] = [initializers(tuned), initializers(reference), initializers(seeded)];
    expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
    const head = [...a.keys()].filter((k) => k.startsWith("head.projection."));
    expect(head.sort()).toEqual(["head.projection.bias", "head.projection.weight"]);
    for (const [name, bytes] of a) {
      if (head.includes(name)) {
        expect(bytes.equals(c.get(name)!), name).toBe(true);
        expect(bytes.equals(b.get(name)!), name).toBe(false);
      } else expect(bytes.equals(b.get(name)!), name).toBe(true);
    }
    const logits = path.join(work, "tuned-logits.npy");
    expect((await sfc("run", tuned, "--input", fixturePath("input.npy"), "--output", logits)).code).toBe(0);
    expect(readNpy(fs.readFileSync(logits)).shape).toEqual([2, 10]);
  });

  it("a --reinit pattern that matches nothing is an error", async () => {
    const r = await sfc(
      "compile",
      ...NET,
      "--set",
      "classes=10",
      "--weights",
      fixturePath("weights.safetensors"),
      "--weight-names",
      "pyslowfast",
      "--reinit",
      "head.fc.*",
      "-o",
      path.join(work, "never.onnx"),
    );
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/error\[SF0408\]: --reinit 'head\.fc\.\*' matches no weight of `SlowFast_4x16_R50`/);
  });
});
