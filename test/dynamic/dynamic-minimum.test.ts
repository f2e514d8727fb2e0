/**
 * The smallest valid sizes of a --dynamic model: derived from the shape rules
 * (every size ≥ 1, every window and selection within its input, every carried
 * condition), recorded in the `requirements` metadata (read back here with
 * the onnx Python package), printed by `sfc info --dynamic`, and checked by
 * `sfc run`: a clip below the bound is refused with exit 1 and the nearest
 * valid size, a clip exactly at the bound runs.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { sfc } from "../support/cli";
import { writeNpy } from "../../runtime/npy";
import { deterministicClip } from "../../runtime/session";
import { ONNX_PYTHON } from "../support/onnx-check";

const work = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-dynamic-min-"));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

function clip(frames: number, size: number): string {
  const file = path.join(work, `clip_${frames}_${size}.npy`);
  const shape = [1, 3, frames, size, size];
  fs.writeFileSync(file, writeNpy(deterministicClip(shape), shape));
  return file;
}

/** The `requirements` metadata as the onnx Python package reads it. */
function requirementsFromPython(model: string): {
  parameters: Record<string, { min: number; axis: number; name: string }>;
  constraints: Array<Record<string, unknown>>;
} {
  const script = "import json, sys, onnx\nm = onnx.load(sys.argv[1])\nprint({p.key: p.value for p in m.metadata_props}['requirements'])";
  const run = spawnSync(ONNX_PYTHON, ["-c", script, model], { encoding: "utf8" });
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout);
}

// Frames picked by linspace (a selection that must fit the clip, not a size of
// any value) and two unpadded 3² convolutions (windows that must fit).
const VALID = `network Valid(clip: <T, S², 3>, T = 8, S = 16) -> <4, (S − 4)², 4> {
  return clip |> frames(count: 4) as pick
              |> conv(out: 4, kernel: 1×3², pad: 0×0²) as a
              |> conv(out: 4, kernel: 1×3², pad: 0×0²) as b
}
`;

const SLOWFAST = ["std/slowfast.sf", "--network", "SlowFast_4x16_R50", "--set", "C=8", "--set", "classes=5"];

describe("smallest sizes under --dynamic", () => {
  it("a selection and unpadded windows: T ≥ 4 and S ≥ 5, recorded, refused below with the nearest size, run at the bound", async () => {
    const source = path.join(work, "valid.sf");
    fs.writeFileSync(source, VALID);
    const model = path.join(work, "valid.onnx");
    const compiled = await sfc("compile", source, "--dynamic", "T,S", "-o", model);
    expect(compiled.code, compiled.err).toBe(0);
    const req = requirementsFromPython(model);
    expect(req.parameters.T).toMatchObject({ min: 4, axis: 2, name: "frames" });
    expect(req.parameters.S).toMatchObject({ min: 5, axis: 3, name: "height" });
    expect(req.constraints).toContainEqual({ kind: "min", input: "clip", axis: 2, name: "frames", value: 4, text: "input `clip` needs at least 4 frames" });
    expect(req.constraints).toContainEqual({
      kind: "min",
      input: "clip",
      axis: 3,
      name: "height",
      value: 5,
      text: "input `clip` needs a height of at least 5",
    });

    const fewFrames = await sfc("run", model, "--input", clip(3, 5));
    expect(fewFrames.code).toBe(1);
    expect(fewFrames.err).toContain("error[SF0703]: 3 frames: input `clip` needs at least 4 frames; use 4\n");
    const small = await sfc("run", model, "--input", clip(4, 4));
    expect(small.code).toBe(1);
    expect(small.err).toContain("error[SF0703]: height 4: input `clip` needs a height of at least 5; use 5\n");
    const atBound = await sfc("run", model, "--input", clip(4, 5));
    expect(atBound.code, atBound.err).toBe(0);
    expect(atBound.out).toMatch(/shape \(1, 4, 4, 1, 1\)/);
  });

  it("SlowFast_4x16_R50 with fast_scale = 1/2: S ≥ 32 (S/16 even), refused at 16² and 80², run at 32²", async () => {
    const model = path.join(work, "half.onnx");
    const compiled = await sfc("compile", ...SLOWFAST, "--set", "fast_scale=1/2", "--set", "beta=1/4", "--dynamic", "T,S", "-o", model);
    expect(compiled.code, compiled.err).toBe(0);
    const req = requirementsFromPython(model);
    expect(req.parameters.T).toMatchObject({ min: 1 });
    expect(req.parameters.S).toMatchObject({ min: 32 });
    expect(req.constraints).toContainEqual(expect.objectContaining({ kind: "min", axis: 3, value: 32 }));

    const tiny = await sfc("run", model, "--input", clip(8, 16));
    expect(tiny.code).toBe(1);
    expect(tiny.err).toContain("error[SF0703]: height 16: the Fast clip needs a height of at least 32; use 32\n");
    const odd = await sfc("run", model, "--input", clip(8, 80));
    expect(odd.code).toBe(1);
    expect(odd.err).toContain("error[SF0703]: height 80: height of concat's tensor 2: S/16 must be a multiple of 2 (here S/16 = 5); use 64 or 96\n");
    const atBound = await sfc("run", model, "--input", clip(8, 32));
    expect(atBound.code, atBound.err).toBe(0);
    expect(atBound.out).toMatch(/^logits: shape \(1, 5\)/);

    const info = await sfc("info", ...SLOWFAST, "--set", "fast_scale=1/2", "--set", "beta=1/4", "--dynamic", "T,S");
    expect(info.code, info.err).toBe(0);
    expect(info.out).toContain("  smallest: T ≥ 1 (clip frames ≥ 8), S ≥ 32 (clip height ≥ 32)\n");
    expect(info.out).toContain("  requires: height of concat's tensor 2: S/16 must be a multiple of 2\n");
    // std.inputs' downscale divides by its formal k: the network's requirement reads in the network's sizes.
    expect(info.out).toContain("  requires: S/2 a whole number: S must be a multiple of 2\n");
    expect(info.out).not.toMatch(/requires: .*\/k\b/);
  });

  it("a block's requirement on its declared result names the caller's sizes, not the block's letters", async () => {
    // roundtrip declares its result <T, H², C> and pools by 2 inside: H must be even. The network passes ⌊S/2⌋ as H.
    const file = path.join(work, "declared.sf");
    fs.writeFileSync(
      file,
      [
        "block roundtrip(x: <T, H², C>) -> <T, H², C> {",
        "  return x |> maxpool(kernel: 1×2², stride: 1×2²) as p |> upsample(1×2²) as u",
        "}",
        "network Decl(clip: <T, S², 3>, T = 4, S = 64) -> <T, (S/2)², 3> {",
        "  pathway v = clip",
        "  stage s1 {",
        "    return v |> maxpool(kernel: 1×2², stride: 1×2²) as stem |> roundtrip as r",
        "  }",
        "}",
        "",
      ].join("\n"),
    );
    const info = await sfc("info", file, "--dynamic", "S");
    expect(info.code, info.err).toBe(0);
    expect(info.out).toContain("  requires: the declared height ⌊S/2⌋: floor(S/2) must be a multiple of 2\n");
    expect(info.out).not.toMatch(/requires: the declared height H\b/);
  });

  it("SlowFast_4x16_R50 as it is: every S ≥ 1 is valid (padded windows), and an 8-frame 1² clip runs", async () => {
    const model = path.join(work, "plain.onnx");
    const compiled = await sfc("compile", ...SLOWFAST, "--dynamic", "T,S", "-o", model);
    expect(compiled.code, compiled.err).toBe(0);
    const req = requirementsFromPython(model);
    expect(req.parameters.S).toMatchObject({ min: 1 });
    expect(req.parameters.T).toMatchObject({ min: 1 });
    const atBound = await sfc("run", model, "--input", clip(8, 1));
    expect(atBound.code, atBound.err).toBe(0);
    const fewer = await sfc("run", model, "--input", clip(4, 1));
    expect(fewer.code).toBe(1);
    expect(fewer.err).toContain("error[SF0703]: 4 frames: the Fast clip needs at least 8 frames; use 8\n");
  });
});
