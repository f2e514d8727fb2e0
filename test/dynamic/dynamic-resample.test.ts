/**
 * Slices and resizes under --dynamic: the Fast pathway's time differences
 * (fast_diff, slices counted from the clip's end) and its half resolution
 * (fast_scale = 1/2: an average pool and a nearest 1×2² upsample of every
 * lateral, lowered with run-time indices) give the fixed compiles' logits at
 * several T and S, with both layouts, and pass onnx's full check with strict
 * shape inference. A linear resize by a factor in time and space does too.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { onnx } from "onnx-proto";
import { afterAll, describe, expect, it } from "vitest";
import { compile, type CompileOptions } from "../../compiler/index";
import { nodeHost } from "../../compiler/host/node";
import { deterministicClip } from "../../runtime/session";
import { checkManyWithOnnx, runWithOrt } from "../support/onnx-check";

const work = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-dynamic-resample-"));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

type Layout = NonNullable<CompileOptions["layout"]>;

function build(file: string, network: string, settings: readonly string[], layout: Layout, dynamic?: string[]): Uint8Array {
  const r = compile({
    file,
    host: nodeHost(),
    network,
    settings: settings.map((text) => ({ text })),
    seed: 3,
    layout,
    ...(dynamic ? { dynamic } : {}),
  });
  expect(r.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([]);
  return r.model!;
}

async function output(model: Uint8Array, input: string, dims: readonly number[]): Promise<Float32Array> {
  const out = await runWithOrt(model, { [input]: { data: deterministicClip(dims), dims } });
  return Object.values(out)[0]!.data;
}

function worstDifference(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

const opTypes = (model: Uint8Array): string[] => onnx.ModelProto.decode(model).graph!.node!.map((n) => n.opType!);

// Small channel counts keep each run short; the shapes are the network's.
const SMALL = ["C=8", "classes=5"];
const SLOWFAST = ["std/slowfast.sf", "SlowFast_4x16_R50"] as const;

const CASES = [
  {
    name: "fast_diff=true (slices counted from the clip's end)",
    settings: ["fast_diff=true"],
    frames: (t: number) => 8 * t + 1,
    sizes: [
      [1, 32],
      [2, 64],
      [4, 40],
    ],
  },
  {
    name: "fast_diff=true, linspace sampling (frames from 1, indices computed at run time)",
    settings: ["fast_diff=true", "sampling=linspace"],
    frames: (t: number) => 8 * t + 1,
    sizes: [
      [1, 32],
      [3, 48],
    ],
  },
  {
    name: "fast_scale=1/2, β = 1/4 (avgpool 1×2², nearest upsample 1×2² of each lateral)",
    settings: ["fast_scale=1/2", "beta=1/4"],
    frames: (t: number) => 8 * t,
    sizes: [
      [1, 32],
      [2, 64],
      [4, 96],
    ],
  },
] as const;

describe("slice and resize under --dynamic T,S", () => {
  for (const c of CASES)
    for (const layout of ["auto", "ncdhw"] as const)
      it(`SlowFast_4x16_R50 ${c.name}, layout ${layout}: the fixed compiles' logits at several T and S`, async () => {
        const dynamic = build(...SLOWFAST, [...SMALL, ...c.settings], layout, ["T", "S"]);
        const graph = onnx.ModelProto.decode(dynamic).graph!;
        const dims = graph.input![0]!.type!.tensorType!.shape!.dim!.map((d) => d.dimParam || Number(d.dimValue));
        expect(dims).toEqual(["N", 3, c.frames(1) === 9 ? "8*T+1" : "8*T", "S", "S"]);
        for (const [t, s] of c.sizes) {
          const fixed = build(...SLOWFAST, [...SMALL, ...c.settings, `T=${t}`, `S=${s}`], layout);
          const shape = [2, 3, c.frames(t), s, s];
          const want = await output(fixed, "clip", shape);
          const got = await output(dynamic, "clip", shape);
          expect(worstDifference(got, want), `T=${t} S=${s}`).toBeLessThan(1e-5);
        }
        const [check] = checkManyWithOnnx([dynamic]);
        expect(check!.error).toBeUndefined();
        expect(check!.ok).toBe(true);
      });

  it("keeps the fixed-size lowering: MatMul by interpolation matrices, Slice ends as numbers", () => {
    const fixed = build(...SLOWFAST, [...SMALL, "fast_scale=1/2", "beta=1/4", "fast_diff=true", "T=2", "S=64"], "ncdhw");
    const types = opTypes(fixed);
    expect(types).not.toContain("Range");
    expect(types.filter((t) => t === "MatMul").length).toBeGreaterThan(0);
    const dynamic = build(...SLOWFAST, [...SMALL, "fast_scale=1/2", "beta=1/4", "fast_diff=true"], "ncdhw", ["T", "S"]);
    const graph = onnx.ModelProto.decode(dynamic).graph!;
    // The time differences' slices: from the end (past it, and one before it), no run-time arithmetic.
    const ends = graph.node!.filter((n) => n.opType === "Slice" && n.name!.includes("differences")).map((n) => n.input![2]!);
    const values = new Map(graph.initializer!.map((i) => [i.name!, i]));
    const read = (name: string): number[] => {
      const raw = values.get(name)!.rawData!;
      const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
      return Array.from({ length: raw.byteLength / 8 }, (_, i) => Number(view.getBigInt64(i * 8, true)));
    };
    expect(ends.map(read).sort()).toEqual([[-1], [Number.MAX_SAFE_INTEGER]]);
  });

  it("a linear resize by 2×(3/2)² and a nearest one by 1×(1/3)² of a dynamic clip", async () => {
    const file = path.join(work, "resize.sf");
    fs.writeFileSync(
      file,
      [
        "network Resizes(clip: <T, S², 3>, T = 4, S = 8) -> <2T, (S/2)², 3> {",
        '  up = resize(clip, by: 2×(3/2)², mode: "linear") as up',
        '  return resize(up, by: 1×(1/3)², mode: "nearest") as down',
        "}",
        "",
      ].join("\n"),
    );
    for (const layout of ["auto", "ncdhw"] as const) {
      const dynamic = build(file, "Resizes", [], layout, ["T", "S"]);
      for (const [t, s] of [
        [1, 2],
        [3, 6],
        [5, 10],
      ] as const) {
        const fixed = build(file, "Resizes", [`T=${t}`, `S=${s}`], layout);
        const shape = [2, 3, t, s, s];
        expect(worstDifference(await output(dynamic, "clip", shape), await output(fixed, "clip", shape)), `T=${t} S=${s}`).toBeLessThan(1e-5);
      }
      const [check] = checkManyWithOnnx([dynamic]);
      expect(check!.error).toBeUndefined();
    }
  });
});
