/**
 * The CLI end to end, in process: compile with a checkpoint, run on a clip,
 * and every kind of bad input ending in a message, a non-zero exit and no
 * output file.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { sfc } from "../support/cli";
import { compileFromArgs } from "../../cli/common";
import { readNpy, writeNpy } from "../../runtime/npy";
import { fixturePath } from "../support/fixtures";

const work = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-cli-"));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const FIXTURE_NET = ["std/slowfast.sf", "--network", "SlowFast_4x16_R50", "--set", "C=16", "--set", "classes=10", "--set", "S=48"];

describe("compile and run", () => {
  it("compiles the fixture network from a safetensors file and reproduces its logits", async () => {
    const model = path.join(work, "fixture.onnx");
    const compiled = await sfc("compile", ...FIXTURE_NET, "--weights", fixturePath("weights.safetensors"), "--weight-names", "pyslowfast", "-o", model);
    expect(compiled.err).toMatch(/^wrote /);
    expect(compiled.code).toBe(0);
    const logits = path.join(work, "logits.npy");
    const ran = await sfc("run", model, "--input", fixturePath("input.npy"), "--output", logits);
    expect(ran.code).toBe(0);
    expect(ran.out).toMatch(/^logits: shape \(2, 10\) on cpu/);
    const got = readNpy(fs.readFileSync(logits)).data as Float32Array;
    const want = readNpy(fs.readFileSync(fixturePath("logits.npy"))).data as Float32Array;
    for (let i = 0; i < want.length; i++) expect(Math.abs(got[i]! - want[i]!)).toBeLessThan(1e-4);
  });

  it("streams the model to the file: the same bytes as the library's model, tensor by tensor", async () => {
    const file = path.join(work, "streamed.onnx");
    const args = [...FIXTURE_NET, "--weights", fixturePath("weights.safetensors"), "--weight-names", "pyslowfast"];
    expect((await sfc("compile", ...args, "-o", file)).code).toBe(0);
    const result = compileFromArgs("std/slowfast.sf", {
      network: "SlowFast_4x16_R50",
      set: ["C=16", "classes=10", "S=48"],
      weights: fixturePath("weights.safetensors"),
      "weight-names": "pyslowfast",
    });
    const chunks: number[] = [];
    result.serialised!.writeTo({ write: (bytes) => void chunks.push(bytes.byteLength) });
    // No chunk is the whole model: the writer hands over one tensor (or header) at a time.
    expect(Math.max(...chunks)).toBeLessThan(result.serialised!.byteLength / 4);
    expect(Buffer.compare(fs.readFileSync(file), Buffer.from(result.model!))).toBe(0);
  });

  it("runs a .sf file directly on a deterministic clip and prints the top-5", async () => {
    const ran = await sfc("run", "std/slowfast.sf", "--network", "SlowFast_4x16_R50", "--set", "C=8", "--set", "S=32", "--set", "classes=7");
    expect(ran.code).toBe(0);
    expect(ran.out).toMatch(/^logits: shape \(1, 7\)/);
    expect(ran.out).toMatch(/the scores are logits \(the network ends without softmax\)/);
    expect(ran.out).toMatch(/\[0\] top-5 by logit: /);
  });

  it("calls only a vector of class scores logits: a video or raw output is described by its shape", async () => {
    const file = path.join(work, "tensors.sf");
    fs.writeFileSync(
      file,
      "network Id(clip: <4, 8², 3>) -> <4, 8², 3> { return clip }\nnetwork Raw(clip: <4, 8², 3>) -> [3, 4·8·8] { return reshape(clip, [3, 4·8·8]) }\n",
    );
    for (const [network, shape] of [
      ["Id", "(1, 3, 4, 8, 8)"],
      ["Raw", "(1, 3, 256)"],
    ]) {
      const ran = await sfc("run", file, "--network", network!);
      expect(ran.code, ran.err).toBe(0);
      expect(ran.out).toMatch(new RegExp(`^output: shape ${shape!.replace(/[()]/g, "\\$&")} on cpu in [\\d.]+ ms; a tensor, not a vector of class scores\n$`));
      expect(ran.out).not.toMatch(/logit|scores are|top-/);
    }
  });

  it("falls back to the CPU with a warning when CUDA is not installed", async () => {
    const ran = await sfc("run", "std/slowfast.sf", "--network", "Slow_4x16_R50", "--set", "C=8", "--set", "S=32", "--ep", "cuda");
    expect(ran.code).toBe(0);
    expect(ran.err).toMatch(/warning: .*cuda/);
  });

  it("info gives per-stage rows and totals, as a table and as JSON", async () => {
    const table = await sfc("info", "std/slowfast.sf", "--network", "SlowFast_4x16_R50", "--set", "S=256");
    expect(table.code).toBe(0);
    expect(table.out).toMatch(/total\s.*34,480,216\s+36\.10/);
    const json = await sfc("info", "std/slowfast.sf", "--network", "SlowFast_4x16_R50", "--format", "json", "--set", "S=256");
    const parsed = JSON.parse(json.out) as { params: number; flops: number; rows: Array<{ stage: string; outputs: Record<string, number[]> }> };
    expect(parsed.params).toBe(34_480_216);
    expect((parsed.flops / 1e9).toFixed(2)).toBe("36.10");
    expect(parsed.rows.map((s) => s.stage)).toEqual(["s1", "s2", "s3", "s4", "s5", "head"]);
    // Slow after the lateral concat: 4C + 2·4βC channels; shapes as the table writes them, <T, H, W, C>.
    expect(parsed.rows[1]!.outputs).toEqual({ fast: [32, 64, 64, 32], slow: [4, 64, 64, 320] });
    const withBn = await sfc("info", "std/slowfast.sf", "--network", "SlowFast_4x16_R50", "--format", "json", "--set", "S=256", "--count-bn");
    expect((JSON.parse(withBn.out) as { flops: number }).flops).toBeGreaterThan(parsed.flops);
  });

  it("info's table says what it was built with: the parameters, a setting's and a block value's as given", async () => {
    const table = await sfc("info", "std/slowfast.sf", "--network", "SlowFast_8x8_R50", "--set", "S=64", "--set", "transform=tconv_only(k: K)");
    expect(table.code).toBe(0);
    const lines = table.out.split("\n");
    expect(lines[0]).toMatch(/^SlowFast_8x8_R50: input clip \(N, 3, 32, 64, 64\)/);
    // Wrapped under its label: every line within 100 columns, the values in declaration order.
    const block = lines.slice(
      1,
      lines.findIndex((l) => l.startsWith("FLOPs:")),
    );
    expect(block[0]).toMatch(/^parameters: T = 8, α = 4, β = 1\/8, τ = 8, S = 64, C = 64,/);
    expect(block.slice(1).every((l) => l.startsWith(" ".repeat("parameters: ".length)))).toBe(true);
    expect(block.every((l) => l.length <= 100)).toBe(true);
    const text = block
      .map((l) => l.trim())
      .join(" ")
      .slice("parameters: ".length);
    expect(text).toContain("K = 7, ratio = 2, transform = tconv_only(k: 7), fusion = concat");
    const json = JSON.parse(
      (await sfc("info", "std/slowfast.sf", "--network", "SlowFast_8x8_R50", "--set", "S=64", "--set", "transform=tconv_only(k: K)", "--format", "json")).out,
    ) as {
      parameters: Record<string, unknown>;
    };
    expect(text).toBe(
      Object.entries(json.parameters)
        .map(([n, v]) => `${n} = ${String(v)}`)
        .join(", "),
    );
  });
});

describe("bad input leaves no output file", () => {
  const out = path.join(work, "never.onnx");
  const cases: Array<[string, string[], number, RegExp]> = [
    ["an unknown network", ["compile", "std/slowfast.sf", "--network", "SlowFast_9x9", "-o", out], 1, /SF0110/],
    ["a --set of an unknown parameter", ["compile", ...FIXTURE_NET, "--set", "gamma=2", "-o", out], 1, /SF0111/],
    ["a --set that breaks an obligation", ["compile", ...FIXTURE_NET, "--set", "beta=1/6", "-o", out], 1, /SF0205/],
    ["a value that is not a number", ["compile", ...FIXTURE_NET, "--set", "T=four", "-o", out], 1, /SF0112/],
    ["a missing source file", ["compile", "nowhere.sf", "-o", out], 2, /cannot read nowhere\.sf/],
    ["a missing -o", ["compile", ...FIXTURE_NET], 2, /needs -o/],
    ["an unknown option", ["compile", ...FIXTURE_NET, "--optimise", "-o", out], 2, /optimise/],
    ["an opset out of range", ["compile", ...FIXTURE_NET, "--opset", "99", "-o", out], 1, /SF0501/],
    ["an unreadable checkpoint", ["compile", ...FIXTURE_NET, "--weights", fixturePath("input.npy"), "-o", out], 2, /cannot load/],
    ["an unwritable output path", ["compile", ...FIXTURE_NET, "-o", path.join(work, "no-such-dir", "m.onnx")], 2, /cannot write/],
  ];
  for (const [what, args, code, message] of cases) {
    it(`${what}: exit ${code}`, async () => {
      const r = await sfc(...args);
      expect(r.code).toBe(code);
      expect(r.err).toMatch(message);
      expect(r.err).not.toMatch(/\n\s+at /); // no stack trace
      expect(fs.existsSync(out)).toBe(false);
      expect(fs.readdirSync(work).filter((f) => f.endsWith(".tmp"))).toEqual([]);
    });
  }

  it("a checkpoint with a mis-shaped tensor lists it with expected and found shapes", async () => {
    const r = await sfc(
      "compile",
      "std/slowfast.sf",
      "--network",
      "SlowFast_4x16_R50",
      "--set",
      "C=16",
      "--set",
      "classes=11",
      "--set",
      "S=48",
      "--weights",
      fixturePath("weights.safetensors"),
      "--weight-names",
      "pyslowfast",
      "-o",
      out,
    );
    expect(r.code).toBe(1);
    expect(r.err).toContain("error[SF0403]: `head.projection.weight` has shape (10, 576), expected (11, 576)");
    expect(r.err).toContain("error[SF0403]: `head.projection.bias` has shape (10), expected (11)");
    expect(fs.existsSync(out)).toBe(false);
  });

  it("a checkpoint for another layout gets one summary that names the right map", async () => {
    const r = await sfc("compile", ...FIXTURE_NET, "--weights", fixturePath("weights.safetensors"), "--weight-names", "pytorchvideo", "-o", out);
    expect(r.code).toBe(1);
    expect(r.err).toContain(
      "error[SF0407]: 0 of 552 names matched under the `pytorchvideo` map: this looks like a PySlowFast checkpoint; try --weight-names pyslowfast",
    );
    expect(r.err).toContain("the network wants e.g. `blocks.0.multipathway_blocks.0.conv.weight`; the checkpoint has e.g. `s1.pathway0_stem.conv.weight`");
    expect(r.err.match(/error\[/g)).toHaveLength(1);
    expect(r.err).not.toContain("num_batches_tracked");
  });

  describe("run", () => {
    const model = path.join(work, "small.onnx");
    it("compiles a small model to run", async () => {
      expect((await sfc("compile", "std/slowfast.sf", "--network", "Slow_4x16_R50", "--set", "C=8", "--set", "S=32", "-o", model)).code).toBe(0);
    });
    const wrongShape = path.join(work, "wrong-shape.npy");
    const wrongType = path.join(work, "wrong-type.npy");
    fs.writeFileSync(wrongShape, writeNpy(new Float32Array(3 * 4 * 16 * 16), [1, 3, 4, 16, 16]));
    fs.writeFileSync(wrongType, writeNpy(new Float64Array(3 * 4 * 32 * 32), [1, 3, 4, 32, 32]));
    const outNpy = path.join(work, "never.npy");
    // A clip the model does not take is bad input (exit 1); one sfc cannot read or use, like a wrong option, is exit 2.
    const bad: Array<[string, string[], RegExp, number]> = [
      ["an input of the wrong shape", ["--input", wrongShape], /SF0703\]: input clip has shape \(1, 3, 4, 16, 16\); the model takes \(N, 3, 4, 32, 32\)/, 1],
      ["an input of the wrong dtype", ["--input", wrongType], /holds float64; input clip takes float32/, 2],
      ["an input that is not .npy", ["--input", model], /cannot read/, 2],
      ["an unknown execution provider", ["--ep", "tpu"], /unknown --ep/, 2],
    ];
    for (const [what, args, message, status] of bad) {
      it(`${what}: exit ${status}, no output`, async () => {
        const r = await sfc("run", model, ...args, "--output", outNpy);
        expect(r.code).toBe(status);
        expect(r.err).toMatch(message);
        expect(fs.existsSync(outNpy)).toBe(false);
      });
    }
  });
});
