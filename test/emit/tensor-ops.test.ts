/**
 * The tensor ops (broadcasting arithmetic, resize/upsample, slice, frames
 * from/count, constants, reductions, hardswish, swish) compiled from .sf
 * source, run in onnxruntime and held against loop references written here
 * from the ops' definitions (PyTorch's where it has one), independently of
 * the lowering. Every model also passes onnx's checker and strict shape
 * inference with the IR's shapes, at every opset the op can be expressed in.
 */
import { describe, expect, it } from "vitest";
import { compile } from "../../compiler/index";
import { memoryHost } from "../support/compiler";
import { assertShapesMatchIR, checkManyWithOnnx, runWithOrt, type TensorData } from "../support/onnx-check";
import { makeRandom } from "../support/random";

function randomTensor(dims: readonly number[], seed: number): TensorData {
  const random = makeRandom(seed);
  const data = new Float32Array(dims.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) data[i] = random() * 4 - 2;
  return { data, dims: [...dims] };
}

/** A 5-D accessor [n, c, t, h, w] over a row-major tensor. */
function at(x: TensorData): (n: number, c: number, t: number, h: number, w: number) => number {
  const [, C, T, H, W] = x.dims as [number, number, number, number, number];
  return (n, c, t, h, w) => x.data[(((n * C + c) * T + t) * H + h) * W + w]!;
}

function build5(dims: readonly number[], f: (n: number, c: number, t: number, h: number, w: number) => number): TensorData {
  const [N, C, T, H, W] = dims as [number, number, number, number, number];
  const data = new Float32Array(N * C * T * H * W);
  let k = 0;
  for (let n = 0; n < N; n++)
    for (let c = 0; c < C; c++) for (let t = 0; t < T; t++) for (let h = 0; h < H; h++) for (let w = 0; w < W; w++) data[k++] = f(n, c, t, h, w);
  return { data, dims: [...dims] };
}

function expectClose(actual: TensorData, expected: TensorData, tolerance = 1e-5): void {
  expect(actual.dims).toEqual(expected.dims);
  let worst = 0;
  for (let i = 0; i < expected.data.length; i++) worst = Math.max(worst, Math.abs(actual.data[i]! - expected.data[i]!));
  expect(worst).toBeLessThanOrEqual(tolerance);
}

const built: Array<{ label: string; model: Uint8Array; graph: NonNullable<ReturnType<typeof compile>["graph"]> }> = [];

function compileSource(source: string, network: string, opset = 17) {
  const r = compile({ file: "main.sf", host: memoryHost({ "main.sf": source }), network, opset });
  expect(r.diagnostics.map((d) => `${d.code} ${d.primary.span.line}:${d.primary.span.column} ${d.message}`)).toEqual([]);
  // Debian's onnx 1.12 knows the operator schemas up to opset 17; later ones run in onnxruntime only.
  if (opset <= 17) built.push({ label: `${network} at opset ${opset}`, model: r.model!, graph: r.graph! });
  return r;
}

async function run(source: string, network: string, feeds: Record<string, TensorData>, opset = 17): Promise<TensorData> {
  const r = compileSource(source, network, opset);
  const outputs = await runWithOrt(r.model!, feeds);
  return outputs[r.graph!.outputs[0]!.name]!;
}

const SOURCE = `
network Broadcast(clip: <4, 6², 3>) -> <4, 6², 3> {
  a = input(<4, 1², 3>) as audio
  gate = input(<1, 1², 3>) as gate
  return add(clip, a) |> mul(gate) |> sub(clip) |> div(add(gate, gate))
}
network Gray(clip: <4, 6², 3>) -> <4, 6², 1> {
  luma = constant(<1, 1², 3>, values: [0.299, 0.587, 0.114])
  return mul(clip, luma) |> sum(over: "channels", keep: true)
}
network Diff(clip: <5, 6², 3>) -> <4, 6², 3> {
  return sub(slice(clip, axis: "time", from: 1), slice(clip, axis: "time", to: 4))
}
network Slices(clip: <8, 6², 4>) -> <3, 2², 2> {
  return clip |> slice(axis: "time", from: 1, to: 8, step: 3) |> slice(axis: "channels", from: 1, step: 2) |> slice(axis: "space", from: 2, to: 6, step: 2)
}
network Upsample(clip: <2, 3×4, 2>) -> <2, 6×8, 2> {
  return clip |> upsample(1×2²)
}
network ResizeLinear(clip: <3, 5×4, 2>) -> <5, 7×6, 2> {
  return clip |> resize(to: 5×7×6, mode: "linear")
}
network ResizeRational(clip: <6, 6², 2>) -> <4, 4², 2> {
  return clip |> resize(by: (2/3)×(2/3)², mode: "nearest")
}
network Reductions(clip: <4, 6², 3>) -> <3> {
  m = clip |> mean(over: ["time", "space"])
  s = clip |> sum(over: "space", keep: true) |> max(over: "time")
  return add(m, reshape(s, <3>))
}
network Activations(clip: <4, 6², 3>) -> <4, 6², 3> {
  return clip |> scale(by: 3) |> hardswish |> swish(beta: 2)
}
network Frames(clip: <9, 2², 1>) -> <4, 2², 1> {
  return frames(clip, from: 1, count: 4)
}
network Filled(clip: <2, 2², 2>) -> <2, 2², 2> {
  return add(clip, constant(<1, 1², 2>, fill: 1/2))
}
`;

describe("tensor ops against loop references in onnxruntime", () => {
  const clip = randomTensor([2, 3, 4, 6, 6], 1);

  it("broadcasts add, mul, sub and div over axes of size 1", async () => {
    const audio = randomTensor([2, 3, 4, 1, 1], 2);
    const gate = randomTensor([2, 3, 1, 1, 1], 3);
    const out = await run(SOURCE, "Broadcast", { clip, audio, gate });
    const x = at(clip);
    const a = at(audio);
    const g = at(gate);
    expectClose(
      out,
      build5(clip.dims, (n, c, t, h, w) => ((x(n, c, t, h, w) + a(n, c, t, 0, 0)) * g(n, c, 0, 0, 0) - x(n, c, t, h, w)) / (2 * g(n, c, 0, 0, 0))),
      1e-3,
    );
  });

  it("converts to BT.601 luma with a constant and a channel sum", async () => {
    const out = await run(SOURCE, "Gray", { clip });
    const x = at(clip);
    expectClose(
      out,
      build5([2, 1, 4, 6, 6], (n, _c, t, h, w) => 0.299 * x(n, 0, t, h, w) + 0.587 * x(n, 1, t, h, w) + 0.114 * x(n, 2, t, h, w)),
    );
  });

  it("takes time differences of contiguous slices", async () => {
    const five = randomTensor([2, 3, 5, 6, 6], 4);
    const out = await run(SOURCE, "Diff", { clip: five });
    const x = at(five);
    expectClose(
      out,
      build5([2, 3, 4, 6, 6], (n, c, t, h, w) => x(n, c, t + 1, h, w) - x(n, c, t, h, w)),
    );
  });

  it("slices time, channels and space with from, to and step", async () => {
    const big = randomTensor([2, 4, 8, 6, 6], 5);
    const out = await run(SOURCE, "Slices", { clip: big });
    const x = at(big);
    expectClose(
      out,
      build5([2, 2, 3, 2, 2], (n, c, t, h, w) => x(n, 1 + 2 * c, 1 + 3 * t, 2 + 2 * h, 2 + 2 * w)),
    );
  });

  it("upsamples by nearest neighbour (each pixel repeated 2×2)", async () => {
    const small = randomTensor([2, 2, 2, 3, 4], 6);
    const out = await run(SOURCE, "Upsample", { clip: small });
    const x = at(small);
    expectClose(
      out,
      build5([2, 2, 2, 6, 8], (n, c, t, h, w) => x(n, c, t, Math.floor(h / 2), Math.floor(w / 2))),
    );
  });

  it("resizes linearly to a size as PyTorch's trilinear, align_corners=False", async () => {
    const small = randomTensor([2, 2, 3, 5, 4], 7);
    const out = await run(SOURCE, "ResizeLinear", { clip: small });
    const x = at(small);
    // Source coordinate of output index d on an axis of n → m: (d + 0.5)·n/m − 0.5, clamped at 0.
    const coord = (d: number, n: number, m: number): [number, number, number] => {
      const s = Math.max(0, ((d + 0.5) * n) / m - 0.5);
      const i0 = Math.floor(s);
      return [i0, Math.min(i0 + 1, n - 1), s - i0];
    };
    const expected = build5([2, 2, 5, 7, 6], (n, c, t, h, w) => {
      const [t0, t1, ft] = coord(t, 3, 5);
      const [h0, h1, fh] = coord(h, 5, 7);
      const [w0, w1, fw] = coord(w, 4, 6);
      let v = 0;
      for (const [ti, wt] of [
        [t0, 1 - ft],
        [t1, ft],
      ] as const)
        for (const [hi, wh] of [
          [h0, 1 - fh],
          [h1, fh],
        ] as const)
          for (const [wi, ww] of [
            [w0, 1 - fw],
            [w1, fw],
          ] as const)
            v += wt * wh * ww * x(n, c, ti, hi, wi);
      return v;
    });
    expectClose(out, expected);
  });

  it("gives PyTorch's values for a 2× linear upsampling of [0, 1]", async () => {
    const source = `network Two(x: <1, 1×2, 1>) -> <1, 1×4, 1> { return x |> upsample(1×1×2, mode: "linear") }`;
    const out = await run(source, "Two", { x: { data: new Float32Array([0, 1]), dims: [1, 1, 1, 1, 2] } });
    // torch.nn.functional.interpolate(torch.tensor([[[0., 1.]]]), scale_factor=2, mode="linear")
    expect([...out.data]).toEqual([0, 0.25, 0.75, 1]);
  });

  it("resizes by a rational factor with nearest", async () => {
    const six = randomTensor([2, 2, 6, 6, 6], 8);
    const out = await run(SOURCE, "ResizeRational", { clip: six });
    const x = at(six);
    const src = (d: number) => Math.floor((d * 6) / 4);
    expectClose(
      out,
      build5([2, 2, 4, 4, 4], (n, c, t, h, w) => x(n, c, src(t), src(h), src(w))),
    );
  });

  it("reduces with mean, sum and max over named axes, keeping or dropping them", async () => {
    const out = await run(SOURCE, "Reductions", { clip });
    const x = at(clip);
    const expected = new Float32Array(6);
    for (let n = 0; n < 2; n++)
      for (let c = 0; c < 3; c++) {
        let mean = 0;
        let best = -Infinity;
        for (let t = 0; t < 4; t++) {
          let spatial = 0;
          for (let h = 0; h < 6; h++) for (let w = 0; w < 6; w++) ((spatial += x(n, c, t, h, w)), (mean += x(n, c, t, h, w) / 144));
          best = Math.max(best, spatial);
        }
        expected[n * 3 + c] = mean + best;
      }
    expectClose(out, { data: expected, dims: [2, 3] }, 1e-4);
  });

  it("computes hardswish and swish", async () => {
    const out = await run(SOURCE, "Activations", { clip });
    const hardswish = (v: number) => (v * Math.min(Math.max(v + 3, 0), 6)) / 6;
    const swish = (v: number) => v / (1 + Math.exp(-2 * v));
    expectClose(out, { data: clip.data.map((v) => swish(hardswish(3 * v))), dims: clip.dims }, 1e-5);
  });

  it("selects `count` frames over from .. F − 1 with `frames(from:, count:)`", async () => {
    const r = compileSource(SOURCE, "Frames");
    const node = r.graph!.nodes.find((n) => n.op.kind === "frames")!;
    expect(node.op).toEqual({ kind: "frames", indices: [1, 3, 5, 8], from: 1 });
    const nine = randomTensor([2, 1, 9, 2, 2], 9);
    const out = (await runWithOrt(r.model!, { clip: nine }))[r.graph!.outputs[0]!.name]!;
    const x = at(nine);
    expectClose(
      out,
      build5([2, 1, 4, 2, 2], (n, c, t, h, w) => x(n, c, [1, 3, 5, 8][t]!, h, w)),
    );
  });

  it("fills a constant and gives it the batch", async () => {
    const small = randomTensor([3, 2, 2, 2, 2], 10);
    const out = await run(SOURCE, "Filled", { clip: small });
    expectClose(out, { data: small.data.map((v) => v + 0.5), dims: small.dims });
  });

  it("gives the same numbers at opsets 9 to 23", async () => {
    const reference = new Map<string, TensorData>();
    for (const opset of [9, 11, 13, 14, 17, 18, 23]) {
      for (const network of ["Gray", "Diff", "Upsample", "Reductions", "Activations", "Filled"]) {
        const feeds =
          network === "Diff"
            ? { clip: randomTensor([2, 3, 5, 6, 6], 4) }
            : network === "Upsample"
              ? { clip: randomTensor([2, 2, 2, 3, 4], 6) }
              : network === "Filled"
                ? { clip: randomTensor([3, 2, 2, 2, 2], 10) }
                : { clip };
        const out = await run(SOURCE, network, feeds, opset);
        const first = reference.get(network);
        if (first) expectClose(out, first, 1e-5);
        else reference.set(network, out);
      }
    }
  });

  it("refuses a stepped slice below opset 10 with a clear message", () => {
    const r = compile({ file: "main.sf", host: memoryHost({ "main.sf": SOURCE }), network: "Slices", opset: 9 });
    expect(r.model).toBeUndefined();
    expect(r.diagnostics.map((d) => `${d.code} ${d.message}`)).toContain(
      "SF0501 `slice` cannot be expressed at opset 9: slice with a step needs opset 10: Slice has no steps before it",
    );
  });

  it("passes onnx's checker and strict shape inference with the IR's shapes (up to opset 17)", () => {
    expect(built.length).toBeGreaterThan(10);
    const results = checkManyWithOnnx(built.map((b) => b.model));
    results.forEach((result, i) => {
      expect(result.error, built[i]!.label).toBeUndefined();
      assertShapesMatchIR(result, built[i]!.graph);
    });
  });
});
