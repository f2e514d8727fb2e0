/**
 * The standard library's squeeze-excitation, channel-to-time, time-upsampling
 * link and depthwise bottleneck, in a network with links both ways: compiled,
 * checked by onnx (strict shape inference, the IR's shapes), and run.
 */
import { describe, expect, it } from "vitest";
import { compile } from "../../compiler/index";
import { checkSource, memoryHost } from "../support/compiler";
import { checkWithOnnx, runWithOrt } from "../support/onnx-check";

const SOURCE = `
import std.resnet3d { stem, se, depthwise_bottleneck }
import std.lateral { tconv, c2t, tupsample }

block slow_to_fast(x: <T, S², C>, α: int, w: int) -> <αT, S², w> {
  return x |> conv(out: α·w) |> bn |> relu |> c2t(α: α)
}

network Both(clip: <αT, S², 3>, T = 2, α = 4, β: rat = 1/4, S = 32, C = 16) -> <10> {
  pathway fast = clip |> stem(out: βC, kt: 5)
  pathway slow = frames(clip, every: α) |> stem(out: C)
  stage s1 {
    lateral fast -> slow: tconv(α: α, β: β) as f2s
    lateral slow -> fast: slow_to_fast(α: α, w: 2) as s2f
    lateral slow -> fast: tupsample(α: α, out: 2) as up
  }
  stage s2 {
    slow = slow |> depthwise_bottleneck(inner: 24, out: 24, project: true) |> se(r: 4)
    fast = fast |> depthwise_bottleneck(inner: 8, out: 8, kt: 3, project: true)
  }
  return concat(gap(slow), gap(fast)) |> linear(out: 10)
}
`;

describe("std blocks in a bidirectional network", () => {
  it("compiles, passes the onnx checker (strict shape inference), and runs", async () => {
    const r = compile({ file: "main.sf", host: memoryHost({ "main.sf": SOURCE }), network: "Both" });
    expect(r.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([]);
    expect(r.graph!.outputs[0]!.shape).toEqual([10]);
    expect(checkWithOnnx(r.model!).error).toBeUndefined();
    const clip = { data: new Float32Array(2 * 3 * 8 * 32 * 32).map((_, i) => Math.sin(i)), dims: [2, 3, 8, 32, 32] };
    const out = Object.values(await runWithOrt(r.model!, { clip }))[0]!;
    expect(out.dims).toEqual([2, 10]);
    expect([...out.data].every(Number.isFinite)).toBe(true);
  });

  it("refuses squeeze-excitation where r does not divide C", () => {
    const r = checkSource("import std.resnet3d { se }\nnetwork N(clip: <4, 8², 3>) -> <4, 8², 6> { return clip |> conv(out: 6) |> se(r: 4) }");
    expect(r.diagnostics.map((d) => d.code)).toContain("SF0302");
  });
});
