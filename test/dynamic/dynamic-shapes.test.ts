/**
 * One --dynamic T,S compile of SlowFast_4x16_R50 with the fixture's layout
 * against fixed-size compiles: the same logits at T ∈ {4, 8} × S ∈ {64, 96},
 * with stride and linspace sampling; onnx.checker full_check and strict shape
 * inference; the requirements recorded in the metadata.
 */
import { onnx } from "onnx-proto";
import { describe, expect, it } from "vitest";
import { compile, type CompileResult } from "../../compiler/index";
import { nodeHost } from "../../compiler/host/node";
import { dynamicAxes } from "../../compiler/dynamic/requirements";
import { evaluateDimName } from "../../compiler/dynamic/dim-names";
import { deterministicClip } from "../../runtime/session";
import { checkManyWithOnnx, runWithOrt } from "../support/onnx-check";

// The fixture's layout (test/fixtures/README.md): C = 16, 10 classes, seeded weights.
const LAYOUT = ["C=16", "classes=10"];

function build(settings: string[], dynamic?: string[]): CompileResult {
  const r = compile({
    file: "std/slowfast.sf",
    host: nodeHost(),
    network: "SlowFast_4x16_R50",
    settings: [...LAYOUT, ...settings].map((text) => ({ text })),
    seed: 5,
    ...(dynamic ? { dynamic } : {}),
  });
  expect(r.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([]);
  return r;
}

async function logits(model: Uint8Array, frames: number, size: number): Promise<Float32Array> {
  const dims = [2, 3, frames, size, size];
  const out = await runWithOrt(model, { clip: { data: deterministicClip(dims), dims } });
  return out.logits!.data;
}

function metadata(model: Uint8Array): Record<string, string> {
  return Object.fromEntries(onnx.ModelProto.decode(model).metadataProps!.map((p) => [p.key!, p.value!]));
}

describe("--dynamic T,S", () => {
  for (const sampling of ["stride", "linspace"]) {
    it(`SlowFast_4x16_R50 (${sampling}): one model gives the fixed compiles' logits at T ∈ {4, 8} × S ∈ {64, 96}`, async () => {
      const dynamic = build([`sampling=${sampling}`], ["T", "S"]);
      const inputs = onnx.ModelProto.decode(dynamic.model!).graph!.input!;
      expect(inputs[0]!.type!.tensorType!.shape!.dim!.map((d) => d.dimParam || Number(d.dimValue))).toEqual(["N", 3, "8*T", "S", "S"]);
      const fixed: Uint8Array[] = [];
      for (const t of [4, 8])
        for (const s of [64, 96]) {
          const reference = build([`sampling=${sampling}`, `T=${t}`, `S=${s}`]).model!;
          fixed.push(reference);
          const want = await logits(reference, 8 * t, s);
          const got = await logits(dynamic.model!, 8 * t, s);
          let worst = 0;
          for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!));
          expect(worst, `T=${t} S=${s}`).toBeLessThan(1e-5);
        }
      const [check] = checkManyWithOnnx([dynamic.model!]);
      expect(check!.error).toBeUndefined();
      expect(check!.ok).toBe(true);
    });
  }

  it("composes with the layout pass: 2-D convs on run-time sizes, the plain lowering's logits", async () => {
    const laidOut = build([], ["T", "S"]).model!;
    const plain = compile({
      file: "std/slowfast.sf",
      host: nodeHost(),
      network: "SlowFast_4x16_R50",
      settings: LAYOUT.map((text) => ({ text })),
      seed: 5,
      dynamic: ["T", "S"],
      layout: "ncdhw",
    }).model!;
    const graph = onnx.ModelProto.decode(laidOut).graph!;
    const rank = new Map(graph.initializer!.map((i) => [i.name!, i.dims!.length]));
    expect(graph.node!.filter((n) => n.opType === "Conv" && rank.get(n.input![1]!) === 5)).toEqual([]);
    for (const [t, s] of [
      [8, 96],
      [2, 32],
    ] as const) {
      const want = await logits(plain, 8 * t, s);
      const got = await logits(laidOut, 8 * t, s);
      let worst = 0;
      for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!));
      expect(worst, `T=${t} S=${s}`).toBeLessThan(1e-5);
    }
  });

  it("names each symbolic dimension by the documented scheme, with the fixed compile's size at every value", () => {
    const dims = (model: Uint8Array): Map<string, Array<string | number>> =>
      new Map(
        onnx.ModelProto.decode(model).graph!.valueInfo!.map((v) => [v.name!, v.type!.tensorType!.shape!.dim!.map((d) => d.dimParam || Number(d.dimValue))]),
      );
    const dynamic = dims(build([], ["T", "S"]).model!);
    const names = new Set([...dynamic.values()].flat().filter((d): d is string => typeof d === "string"));
    // Stride-2 sides as one ceiling, a flattened plane as a power, the folded batch with its coefficient first (docs/deploy.md).
    for (const name of ["ceil(S/2)", "ceil(S/32)", "ceil(S/16)^2", "8*N*T", "N*T"]) expect(names).toContain(name);
    for (const name of names) expect(name).not.toMatch(/ceil\(ceil|floor\(floor|^N\*\d/);
    for (const [t, s, n] of [
      [4, 64, 2],
      [8, 96, 3],
    ] as const) {
      const fixed = dims(build([`T=${t}`, `S=${s}`]).model!);
      const at = (d: string | number): number | undefined => (typeof d === "number" ? d : evaluateDimName(d, (name) => ({ T: t, S: s, N: n })[name]));
      let compared = 0;
      for (const [value, shape] of dynamic) {
        const want = fixed.get(value);
        // The Fast stem sums its taps another way when T varies: values of the same name and another rank.
        if (want === undefined || want.length !== shape.length) continue;
        expect(shape.map(at), `${value} at T=${t} S=${s}`).toEqual(want.map(at));
        compared++;
      }
      expect(compared).toBeGreaterThan(400);
    }
  });

  it("records the requirements in the metadata in the documented form", () => {
    const m = metadata(build([], ["T", "S"]).model!);
    expect(JSON.parse(m.parameters!)).toMatchObject({ T: "T", S: "S", α: 8, C: 16 });
    const r = JSON.parse(m.requirements!);
    expect(r).toMatchObject({
      format: "sfc-requirements/1",
      dynamic: ["T", "S"],
      inputs: { clip: ["N", 3, "8*T", "S", "S"] },
      outputs: { logits: ["N", 10] },
      parameters: {
        T: { input: "clip", axis: 2, scale: 8, offset: 0, min: 1, compiled: 4 },
        S: { input: "clip", axis: 3, scale: 1, offset: 0, compiled: 224 },
      },
    });
    expect(r.constraints).toContainEqual({
      kind: "multiple",
      input: "clip",
      axis: 2,
      name: "frames",
      of: 8,
      offset: 0,
      text: "the Fast clip needs a multiple of α = 8",
    });
    expect(dynamicAxes(r)).toEqual({ inputs: { clip: [0, 2, 3, 4] }, outputs: { logits: [0] } });
    expect(r.constraints).toContainEqual({
      kind: "equal",
      input: "clip",
      axis: 4,
      name: "width",
      to: { input: "clip", axis: 3 },
      text: "the Fast clip needs its width equal to its height",
    });
  });
});
