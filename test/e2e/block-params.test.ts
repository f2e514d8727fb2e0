/**
 * Block-valued parameters end to end: a network and a block taking blocks,
 * set from the command line and by an alias, compiled, checked by onnx
 * (strict shape inference) and run in onnxruntime; each gives the model
 * the same network written with the block called directly gives.
 */
import { describe, expect, it } from "vitest";
import { compile } from "../../compiler/index";
import { memoryHost } from "../support/compiler";
import { checkWithOnnx, runWithOrt } from "../support/onnx-check";

const SOURCE = `
import std.lateral { t2c, tsample, tconv, tconv_only }

// A lateral link whose transform is a parameter: the fused width is the block's.
block link(x: <αT, S², βC>, y: <T, S², D>, α: int, β: rat, f: block = tconv) -> <T, S², D> {
  return add(y, f(x, α: α, β: β) |> conv(out: D) as proj)
}

network Net(
    clip: <αT, S², 3>,
    T = 2, α = 4, β: rat = 1/4, S = 16, C = 16, K = 3,
    transform: block | "none" = tconv(k: K),
    inner: block = tconv
) -> <10> {
  pathway fast = conv(clip, out: βC, kernel: 1×1²) as fast_conv
  pathway slow = conv(frames(clip, every: α), out: C, kernel: 1×1²) as slow_conv
  if transform != "none" { lateral fast -> slow: transform(α: α, β: β) as fuse }
  slow = link(fast, slow, α: α, β: β, f: inner) as link
  return concat(gap(slow), gap(fast)) |> linear(out: 10) as head
}

network Direct(clip: <αT, S², 3>, T = 2, α = 4, β: rat = 1/4, S = 16, C = 16) -> <10> {
  pathway fast = conv(clip, out: βC, kernel: 1×1²) as fast_conv
  pathway slow = conv(frames(clip, every: α), out: C, kernel: 1×1²) as slow_conv
  lateral fast -> slow: tconv_only(α: α, β: β, k: 1, ratio: 3) as fuse
  slow = link(fast, slow, α: α, β: β, f: t2c) as link
  return concat(gap(slow), gap(fast)) |> linear(out: 10) as head
}

network Aliased = Net(transform: tconv_only(k: 1, ratio: 3), inner: t2c)
`;

const clip = { data: new Float32Array(2 * 3 * 8 * 16 * 16).map((_, i) => Math.sin(i / 7)), dims: [2, 3, 8, 16, 16] };

async function build(network: string, settings: string[] = []) {
  const r = compile({ file: "main.sf", host: memoryHost({ "main.sf": SOURCE }), network, settings: settings.map((text) => ({ text })) });
  expect(r.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([]);
  expect(checkWithOnnx(r.model!).error).toBeUndefined();
  const out = Object.values(await runWithOrt(r.model!, { clip }))[0]!;
  const weights = r.graph!.nodes.flatMap((n) => n.weights.map((w) => `${w.name} ${w.shape.join("×")}`)).sort();
  return { out: [...out.data], weights };
}

describe("block-valued parameters in onnxruntime", () => {
  it("compile and run with their defaults", async () => {
    const r = await build("Net");
    expect(r.out).toHaveLength(20);
    expect(r.out.every(Number.isFinite)).toBe(true);
    expect(r.weights).toContain("fuse.conv_f2s.weight 8×4×3×1×1");
    expect(r.weights).toContain("slow.link.tconv.conv_f2s.weight 8×4×5×1×1");
  });

  it("set from the command line and by an alias, give the model written directly", async () => {
    const direct = await build("Direct");
    const set = await build("Net", ["transform=tconv_only(k: 1, ratio: 3)", "inner=t2c"]);
    const aliased = await build("Aliased");
    expect(set.weights).toEqual(direct.weights);
    expect(aliased.weights).toEqual(direct.weights);
    expect(set.out).toEqual(direct.out);
    expect(aliased.out).toEqual(direct.out);
  });

  it("leave the lateral out with the word", async () => {
    const none = await build("Net", ["transform=none"]);
    expect(none.weights.some((w) => w.startsWith("fuse."))).toBe(false);
  });
});
