/** `sfc compile --triton DIR`: a Triton model repository whose config parses as Triton's ModelConfig. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { onnx } from "onnx-proto";
import { afterAll, describe, expect, it } from "vitest";
import { sfc, sfcIn } from "../support/cli";
import { MODEL_CONFIG, parseTextProto } from "../support/pbtxt";

const work = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-triton-"));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** A value's dims as Triton should see them: the batch left out, a dim_param (open dimension) as -1. */
const dims = (v: onnx.IValueInfoProto): number[] => v.type!.tensorType!.shape!.dim!.slice(1).map((d) => (d.dimParam ? -1 : Number(d.dimValue)));

const NET = ["std/slowfast.sf", "--network", "SlowFast_4x16_R50", "--set", "C=8", "--set", "S=64", "--set", "classes=10"];

describe("--triton DIR", () => {
  it("writes DIR/<model>/1/model.onnx and a config.pbtxt with ModelConfig's fields and types, GPU instances by default", async () => {
    const repo = path.join(work, "models");
    const r = await sfc("compile", ...NET, "--triton", repo);
    expect(r.code).toBe(0);
    const folder = path.join(repo, "SlowFast_4x16_R50");
    expect(fs.readdirSync(folder).sort()).toEqual(["1", "config.pbtxt"]);
    expect(fs.readdirSync(path.join(folder, "1"))).toEqual(["model.onnx"]);
    const config = parseTextProto(fs.readFileSync(path.join(folder, "config.pbtxt"), "utf8"), MODEL_CONFIG, "ModelConfig");
    // The model's own inputs and outputs, without the batch that Triton adds in front.
    const model = onnx.ModelProto.decode(fs.readFileSync(path.join(folder, "1", "model.onnx")));
    expect(model.graph!.input![0]!.type!.tensorType!.shape!.dim![0]!.dimParam).toBeTruthy();
    expect(config).toEqual({
      name: "SlowFast_4x16_R50",
      platform: "onnxruntime_onnx",
      max_batch_size: 8,
      input: model.graph!.input!.map((v) => ({ name: v.name, data_type: "TYPE_FP32", dims: dims(v) })),
      output: model.graph!.output!.map((v) => ({ name: v.name, data_type: "TYPE_FP32", dims: dims(v) })),
      dynamic_batching: { max_queue_delay_microseconds: 100 },
      instance_group: [{ count: 1, kind: "KIND_GPU" }],
    });
    expect((config.input as { dims: number[] }[])[0]!.dims).toEqual([3, 32, 64, 64]);
    expect((config.output as { dims: number[] }[])[0]!.dims).toEqual([10]);
  });

  it("--dynamic T,S: the open dimensions of the emitted model are -1, the fixed ones numbers", async () => {
    const repo = path.join(work, "dynamic");
    const r = await sfc("compile", ...NET, "--dynamic", "T,S", "--triton", repo);
    expect([r.code, r.err]).toEqual([0, expect.stringContaining("wrote ")]);
    const folder = path.join(repo, "SlowFast_4x16_R50");
    const config = parseTextProto(fs.readFileSync(path.join(folder, "config.pbtxt"), "utf8"), MODEL_CONFIG, "ModelConfig");
    const model = onnx.ModelProto.decode(fs.readFileSync(path.join(folder, "1", "model.onnx")));
    // Frames, height and width are dim_params in the model (T and S), channels fixed; the batch stays Triton's.
    expect(config.input).toEqual(model.graph!.input!.map((v) => ({ name: v.name, data_type: "TYPE_FP32", dims: dims(v) })));
    expect(config.output).toEqual(model.graph!.output!.map((v) => ({ name: v.name, data_type: "TYPE_FP32", dims: dims(v) })));
    expect(config.max_batch_size).toBe(8);
    expect((config.input as { dims: number[] }[])[0]!.dims).toEqual([3, -1, -1, -1]);
    expect((config.output as { dims: number[] }[])[0]!.dims).toEqual([10]);
  });

  it("--triton-kind cpu, beside -o", async () => {
    const repo = path.join(work, "cpu");
    const single = path.join(work, "single.onnx");
    const r = await sfc("compile", ...NET, "--triton", repo, "--triton-kind", "cpu", "-o", single);
    expect(r.code).toBe(0);
    const folder = path.join(repo, "SlowFast_4x16_R50");
    const config = parseTextProto(fs.readFileSync(path.join(folder, "config.pbtxt"), "utf8"), MODEL_CONFIG, "ModelConfig");
    expect(config.instance_group).toEqual([{ count: 1, kind: "KIND_CPU" }]);
    expect(fs.readFileSync(single).equals(fs.readFileSync(path.join(folder, "1", "model.onnx")))).toBe(true);
  });

  it("refuses a bad kind, and a DIR that is a file", async () => {
    expect((await sfc("compile", ...NET, "--triton", work, "--triton-kind", "tpu")).err).toMatch(/--triton-kind takes gpu or cpu/);
    const file = path.join(work, "a-file");
    fs.writeFileSync(file, "");
    const r = await sfc("compile", ...NET, "--triton", file);
    expect([r.code, r.err]).toEqual([2, `sfc: --triton ${file}: not a folder\n`]);
  });

  it("the test's parser refuses what Triton would: unknown fields, wrong types, unknown enum values", () => {
    expect(() => parseTextProto('name: "x"\nmax_batch: 8', MODEL_CONFIG, "ModelConfig")).toThrow(/no field max_batch/);
    expect(() => parseTextProto('max_batch_size: "8"', MODEL_CONFIG, "ModelConfig")).toThrow(/integer/);
    expect(() => parseTextProto("instance_group [ { kind: KIND_TPU } ]", MODEL_CONFIG, "ModelConfig")).toThrow(/KIND_TPU/);
    expect(() => parseTextProto('name: "a"\nname: "b"', MODEL_CONFIG, "ModelConfig")).toThrow(/twice/);
  });
});

describe("--triton writes all of its outputs or none", () => {
  const TINY = ["examples/slowfast_tiny.sf"];
  const root = path.resolve(__dirname, "../..");
  const compileTiny = (...args: string[]) => sfcIn(root, "compile", ...TINY, ...args);
  const temps = (dir: string): string[] => fs.readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => path.basename(f).endsWith(".tmp"));

  it("a config.pbtxt that cannot be written: neither -o nor the model is replaced", async () => {
    const repo = fs.mkdtempSync(path.join(work, "half-"));
    const folder = path.join(repo, "SlowFastTiny");
    fs.mkdirSync(path.join(folder, "1"), { recursive: true });
    fs.mkdirSync(path.join(folder, "config.pbtxt"));
    fs.writeFileSync(path.join(folder, "1", "model.onnx"), "OLD");
    const single = path.join(repo, "single.onnx");
    fs.writeFileSync(single, "OLD");
    const r = await compileTiny("--triton", repo, "-o", single);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^sfc: cannot write .*config\.pbtxt: it is a directory/);
    expect(fs.readFileSync(path.join(folder, "1", "model.onnx"), "utf8")).toBe("OLD");
    expect(fs.readFileSync(single, "utf8")).toBe("OLD");
    expect(temps(repo)).toEqual([]);
  });

  it("DIR/<model>/1 that is a file is a one-line error naming it, and no folder or file is left behind", async () => {
    const repo = fs.mkdtempSync(path.join(work, "one-is-a-file-"));
    fs.mkdirSync(path.join(repo, "SlowFastTiny"));
    fs.writeFileSync(path.join(repo, "SlowFastTiny", "1"), "");
    const r = await compileTiny("--triton", repo);
    expect([r.code, r.err]).toEqual([
      2,
      `sfc: cannot write ${path.join(repo, "SlowFastTiny", "1", "model.onnx")}: ${path.join(repo, "SlowFastTiny", "1")} is a file, not a folder\n`,
    ]);
    expect(fs.readdirSync(path.join(repo, "SlowFastTiny"))).toEqual(["1"]);
  });

  it("a compile refused at its -o makes no repository folder", async () => {
    const parent = fs.mkdtempSync(path.join(work, "made-"));
    const repo = path.join(parent, "repo");
    const r = await compileTiny("--triton", repo, "-o", path.join(parent, "no-such-folder", "x.onnx"));
    expect(r.code).toBe(2);
    expect(fs.readdirSync(parent)).toEqual([]);
  });

  it("-o on the repository, or on a folder it makes, is refused before anything is made", async () => {
    const parent = fs.mkdtempSync(path.join(work, "overlap-"));
    const repo = path.join(parent, "repo");
    const same = await compileTiny("--triton", repo, "-o", repo);
    expect([same.code, same.err]).toEqual([2, `sfc: cannot write ${repo}: it is a folder this command makes for its other outputs; choose another path\n`]);
    expect(fs.readdirSync(parent)).toEqual([]);
    fs.mkdirSync(repo);
    const inside = await compileTiny("--triton", repo, "-o", path.join(repo, "SlowFastTiny"));
    expect([inside.code, inside.err]).toEqual([
      2,
      `sfc: cannot write ${path.join(repo, "SlowFastTiny")}: it is a folder this command makes for its other outputs; choose another path\n`,
    ]);
    expect(fs.readdirSync(repo)).toEqual([]);
  });

  it("-o naming a file --triton writes, by any spelling, is refused and the file kept", async () => {
    const repo = fs.mkdtempSync(path.join(work, "twice-"));
    const model = path.join(repo, "SlowFastTiny", "1", "model.onnx");
    fs.mkdirSync(path.dirname(model), { recursive: true });
    fs.writeFileSync(model, "OLD");
    const same = await compileTiny("--triton", repo, "-o", model);
    expect([same.code, same.err]).toEqual([2, `sfc: cannot write ${model}: two outputs of this command are that one path; choose another path\n`]);
    // path.join would drop the "./": written as a user might.
    const config = `${repo}/SlowFastTiny/./config.pbtxt`;
    const other = await compileTiny("--triton", repo, "-o", config);
    expect([other.code, other.err]).toEqual([
      2,
      `sfc: cannot write ${path.join(repo, "SlowFastTiny", "config.pbtxt")}: it is ${config}, another output of this command; choose another path\n`,
    ]);
    expect(fs.readFileSync(model, "utf8")).toBe("OLD");
    expect(fs.readdirSync(path.join(repo, "SlowFastTiny")).sort()).toEqual(["1"]);
  });

  it("-o onto the model of a repository not yet made is the same overlap, not a missing folder; nothing is made", async () => {
    const repo = path.join(fs.mkdtempSync(path.join(work, "not-yet-")), "models");
    const model = path.join(repo, "SlowFastTiny", "1", "model.onnx");
    const r = await compileTiny("--triton", repo, "-o", model);
    expect([r.code, r.err]).toEqual([2, `sfc: cannot write ${model}: two outputs of this command are that one path; choose another path\n`]);
    expect(fs.existsSync(repo)).toBe(false);
  });

  it("--triton with an empty path is refused, not the current folder", async () => {
    const r = await compileTiny("--triton", "");
    expect([r.code, r.err]).toEqual([2, expect.stringMatching(/^sfc: --triton takes a folder, given an empty path/)]);
    expect(fs.existsSync(path.join(root, "SlowFastTiny"))).toBe(false);
  });
});
