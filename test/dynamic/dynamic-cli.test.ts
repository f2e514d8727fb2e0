/**
 * --dynamic through the command line: sfc run refuses a clip the model's
 * requirements rule out, before onnxruntime sees it, and names the nearest
 * valid sizes; parameters that shape weights cannot be dynamic.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { sfc } from "../support/cli";
import { compile, elaborateOnly } from "../../compiler/index";
import { nodeHost } from "../../compiler/host/node";
import { Rational } from "../../compiler/dims/rational";
import { countGraph } from "../../compiler/report/counts";
import { symbolicFlops } from "../../compiler/report/symbolic-counts";
import { writeNpy } from "../../runtime/npy";
import { deterministicClip } from "../../runtime/session";

const work = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-dynamic-"));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const NET = ["std/slowfast.sf", "--network", "SlowFast_4x16_R50", "--set", "C=16", "--set", "classes=10"];

function clip(frames: number, size: number): string {
  const file = path.join(work, `clip_${frames}_${size}.npy`);
  const shape = [1, 3, frames, size, size];
  fs.writeFileSync(file, writeNpy(deterministicClip(shape), shape));
  return file;
}

describe("sfc compile --dynamic and sfc run", () => {
  it("runs 32-frame 64² and 64-frame 96² clips with one model and refuses a 33-frame clip", async () => {
    const model = path.join(work, "dynamic.onnx");
    const compiled = await sfc("compile", ...NET, "--dynamic", "T,S", "-o", model);
    expect(compiled.code, compiled.err).toBe(0);
    for (const [frames, size] of [
      [32, 64],
      [64, 96],
    ] as const) {
      const ran = await sfc("run", model, "--input", clip(frames, size));
      expect(ran.code, ran.err).toBe(0);
      expect(ran.out).toMatch(/^logits: shape \(1, 10\)/);
    }
    const refused = await sfc("run", model, "--input", clip(33, 64));
    expect(refused.code).toBe(1);
    expect(refused.err).toContain("error[SF0703]: 33 frames: the Fast clip needs a multiple of α = 8; use 32 or 40\n");
    expect(refused.out).toBe("");
  });

  it("refuses a height at which a size the model needs whole is not (S/2 at S = 9), and an empty clip", async () => {
    const source = path.join(work, "halved.sf");
    fs.writeFileSync(source, "network D(clip: <T, S², 3>, T = 4, S = 8) -> <3> {\n  return clip |> resize(by: 1×(1/2)²) |> gap\n}\n");
    const model = path.join(work, "halved.onnx");
    expect((await sfc("compile", source, "--dynamic", "T,S", "-o", model)).code).toBe(0);
    const odd = await sfc("run", model, "--input", clip(4, 9));
    expect([odd.code, odd.err.split("\n")[0]]).toEqual([
      1,
      "error[SF0703]: height 9: resized height S/2: S/2 must be an integer (here S/2 = 4.5); use 8 or 10",
    ]);
    const empty = path.join(work, "empty.npy");
    fs.writeFileSync(empty, writeNpy(new Float32Array(0), [1, 3, 0, 8, 8]));
    const none = await sfc("run", model, "--input", empty);
    expect([none.code, none.err.split("\n")[0]]).toEqual([1, "error[SF0703]: 0 frames: input `clip` needs at least 1 frame"]);
    expect((await sfc("run", model, "--input", clip(4, 10))).code).toBe(0);
  });

  it("says which weight a parameter shapes", async () => {
    const r = await sfc("compile", ...NET, "--dynamic", "T,C", "-o", path.join(work, "never.onnx"));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/error\[SF0701\]: `C` cannot be dynamic: it shapes the weight `s1\.slow\.stem\.conv\.weight` \(16, 3, 1, 7, 7\)/);
    expect(fs.existsSync(path.join(work, "never.onnx"))).toBe(false);
  });

  it("says which weight a kernel size or β shapes, even where doubling it breaks the network (K = 10 is even)", async () => {
    const slow = ["std/slowfast.sf", "--network", "Slow_4x16_R50", "--set", "C=8", "--set", "S=32"];
    for (const [args, name, pattern] of [
      [NET, "K", /^error\[SF0701\]: `K` cannot be dynamic: it shapes the weight `s1\.fuse\.conv_f2s\.weight` \(\d+, \d+, 5, 1, 1\)\n/],
      [slow, "kt1", /^error\[SF0701\]: `kt1` cannot be dynamic: it shapes the weight `s1\.slow\.stem\.conv\.weight` \(8, 3, 1, 7, 7\)\n/],
      [NET, "beta", /^error\[SF0701\]: `β` cannot be dynamic: it shapes the weight `s1\.fast\.stem\.conv\.weight`/],
    ] as const) {
      const r = await sfc("compile", ...args, "--dynamic", name, "-o", path.join(work, "never.onnx"));
      expect(r.code, name).toBe(1);
      expect(r.err, name).toMatch(pattern);
    }
  });

  it("refuses a choice, a layer count and an unknown name", async () => {
    for (const [name, pattern] of [
      ["fusion", /SF0702.*`fusion` cannot be dynamic: it is a choice/],
      ["transform", /SF0702.*`transform` cannot be dynamic: it is a block/],
      ["depth2", /SF0702.*`depth2` cannot be dynamic: it changes which layers the network has/],
      ["Q", /SF0111.*no parameter `Q` to leave dynamic/],
    ] as const) {
      const r = await sfc("compile", ...NET, "--dynamic", name, "-o", path.join(work, "never.onnx"));
      expect(r.code, name).toBe(1);
      expect(r.err).toMatch(pattern);
    }
  });

  it("refuses a parameter named N, the model's batch dimension", async () => {
    const file = path.join(work, "frames-named-n.sf");
    fs.writeFileSync(file, "network M(x: <N, S², 3>, N = 4, S = 8) -> <N, S², 3> {\n  return x |> relu\n}\n");
    const r = await sfc("compile", file, "--dynamic", "N,S", "-o", path.join(work, "never.onnx"));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^error\[SF0702\]: `N` cannot be dynamic: the model's batch dimension is named N\n/);
    expect(fs.existsSync(path.join(work, "never.onnx"))).toBe(false);
  });
});

describe("sfc info --dynamic", () => {
  it("prints multiply-adds as a formula in T and S that gives the fixed counts at other sizes", async () => {
    const r = await sfc("info", ...NET, "--dynamic", "T,S");
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/with T, S dynamic:\n {2}params: [\d,]+ for every T, S\n {2}multiply-adds: .*T⌈S\/2⌉²/);
    const compiled = compile({
      file: "std/slowfast.sf",
      host: nodeHost(),
      network: "SlowFast_4x16_R50",
      settings: [{ text: "C=16" }, { text: "classes=10" }],
      dynamic: ["T", "S"],
    });
    const formula = symbolicFlops(compiled.elaborated!, compiled.dynamic!.dims, false).flops;
    for (const [t, s] of [
      [4, 64],
      [8, 96],
      [2, 100],
    ] as const) {
      const fixed = elaborateOnly({
        file: "std/slowfast.sf",
        host: nodeHost(),
        network: "SlowFast_4x16_R50",
        settings: ["C=16", "classes=10", `T=${t}`, `S=${s}`].map((text) => ({ text })),
      });
      const want = countGraph(fixed.graph!).flops;
      const got = formula.evaluate((n) => (n === "T" ? Rational.of(t) : n === "S" ? Rational.of(s) : undefined))!.toNumber();
      expect(got, `T=${t} S=${s}`).toBe(want);
    }
  });
});
