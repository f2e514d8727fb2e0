/**
 * docs/examples/fast_inputs.md against what it describes: every settings row
 * of its two tables is measured again with `sfc info --format json` (inputs,
 * params, multiply-adds, GFLOPs), and each variant of examples/fast_inputs.sf
 * compiles, passes the onnx checker (strict shape inference), and runs in
 * onnxruntime with the structure the page explains (a one-channel Fast conv1
 * for gray, αT + 1 input frames for differences, a half-side Fast pathway and
 * an upsampled lateral at half scale); and the example's lines that make the
 * Fast input, run alone, compute their definitions.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../cli/main";
import { check, compile } from "../../compiler/index";
import { nodeHost } from "../../compiler/host/node";
import type { IRGraph } from "../../compiler/ir";
import { deterministicClip } from "../../runtime/session";
import { memoryHost } from "../support/compiler";
import { checkManyWithOnnx, runWithOrt } from "../support/onnx-check";

const root = path.resolve(__dirname, "../..");
const page = fs.readFileSync(path.join(root, "docs/examples/fast_inputs.md"), "utf8");
const example = path.join(root, "examples/fast_inputs.sf");

interface Row {
  readonly settings: string[];
  readonly cells: string[];
}

/** The rows of the markdown table whose header starts with `| settings |`, after the given heading. */
function tableAfter(heading: string): Row[] {
  const lines = page.slice(page.indexOf(heading)).split("\n");
  const start = lines.findIndex((l) => l.startsWith("| settings |"));
  expect(start, `a settings table after "${heading}"`).toBeGreaterThan(0);
  const rows: Row[] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith("|")) break;
    const [first, ...cells] = line
      .split("|")
      .slice(1, -1)
      .map((c) => c.trim());
    const settings = [...first!.matchAll(/--set (\S+?)`?(?=\s|$)/g)].map((m) => m[1]!.replace(/`$/, ""));
    rows.push({ settings, cells });
  }
  return rows;
}

const num = (cell: string): number => Number(cell.replace(/,/g, ""));
const shapeText = (shape: readonly (number | string)[]): string => `(${shape.join(", ")})`;

async function infoJson(args: string[]): Promise<Record<string, any>> {
  let out = "";
  let err = "";
  const code = await main(["info", ...args, "--format", "json"], { out: (t) => (out += t), err: (t) => (err += t), colorOut: false, colorErr: false });
  expect(err).toBe("");
  expect(code).toBe(0);
  return JSON.parse(out);
}

describe("docs/examples/fast_inputs.md", () => {
  it("states the example's counts as sfc info measures them", async () => {
    const rows = tableAfter("## The variants side by side");
    expect(rows.length).toBe(5);
    for (const { settings, cells } of rows) {
      const r = await infoJson([example, "--network", "FastInputs", ...settings.flatMap((s) => ["--set", s])]);
      const [input, params, flops, fastFlops] = cells;
      expect(shapeText(r.inputs[0].shape), settings.join(" ")).toBe(input);
      expect(r.params, settings.join(" ")).toBe(num(params!));
      expect(r.flops, settings.join(" ")).toBe(num(flops!));
      expect(r.byPathway.fast.flops, settings.join(" ")).toBe(num(fastFlops!));
    }
  });

  it("states the standard SlowFast_4x16_R50's counts as sfc info measures them", async () => {
    const rows = tableAfter("## The same settings of the standard `SlowFast`");
    expect(rows.map((r) => r.settings.join(" "))).toEqual(["fast_color=gray", "fast_diff=true", "fast_color=gray fast_diff=true", "fast_scale=1/2 beta=1/4"]);
    for (const { settings, cells } of rows) {
      const r = await infoJson(["std/slowfast.sf", "--network", "SlowFast_4x16_R50", "--set", "S=256", ...settings.flatMap((s) => ["--set", s])]);
      const [input, params, gflops] = cells;
      expect(shapeText(r.inputs[0].shape), settings.join(" ")).toBe(input);
      expect(r.params, settings.join(" ")).toBe(num(params!));
      expect(r.gflops.toFixed(2), settings.join(" ")).toBe(gflops);
    }
  });
});

const fastConv1 = (g: IRGraph) => g.nodes.find((n) => n.name === "s1.fast.stem.conv")!.weights[0]!.shape;

describe("examples/fast_inputs.sf, every variant", () => {
  const variants: Array<{ network: string; settings: string[]; expect: (g: IRGraph) => void }> = [
    { network: "FastInputs", settings: [], expect: (g) => expect(fastConv1(g)).toEqual([4, 3, 5, 7, 7]) },
    { network: "FastInputs", settings: ["fast_color=gray"], expect: (g) => expect(fastConv1(g)).toEqual([4, 1, 5, 7, 7]) },
    { network: "FastInputs", settings: ["fast_diff=true"], expect: (g) => expect(g.inputs[0]!.shape).toEqual([3, 17, 64, 64]) },
    {
      network: "FastInputs",
      settings: ["fast_scale=1/2"],
      expect: (g) => {
        const upsample = g.nodes.find((n) => n.op.kind === "upsample")!;
        expect(g.values.get(upsample.inputs[0]!)!.shape).toEqual([8, 4, 8, 8]);
        expect(g.values.get(upsample.outputs[0]!)!.shape).toEqual([8, 4, 16, 16]);
      },
    },
    {
      network: "FastInputs",
      settings: ["fast_color=gray", "fast_diff=true", "fast_scale=1/2"],
      expect: (g) => {
        expect(fastConv1(g)).toEqual([4, 1, 5, 7, 7]);
        expect(g.inputs[0]!.shape).toEqual([3, 17, 64, 64]);
      },
    },
    {
      network: "FlowInputs",
      settings: [],
      expect: (g) =>
        expect(g.inputs.map((i) => [i.name, ...i.shape])).toEqual([
          ["clip", 3, 4, 64, 64],
          ["flow", 2, 16, 64, 64],
        ]),
    },
  ];

  it("compiles, passes the onnx checker (strict shape inference), and runs", async () => {
    const compiled = variants.map((v) => {
      const r = compile({ file: example, host: nodeHost(), network: v.network, settings: v.settings.map((text) => ({ text })) });
      expect(
        r.diagnostics.map((d) => `${d.code} ${d.message}`),
        v.settings.join(" "),
      ).toEqual([]);
      v.expect(r.graph!);
      return r;
    });
    const checked = checkManyWithOnnx(compiled.map((r) => r.model!));
    const logits: Float32Array[] = [];
    for (const [i, r] of compiled.entries()) {
      expect(checked[i]!.error, variants[i]!.settings.join(" ")).toBeUndefined();
      expect(checked[i]!.ok).toBe(true);
      const feeds = Object.fromEntries(
        r.graph!.inputs.map((input) => [input.name, { data: deterministicClip([2, ...input.shape]), dims: [2, ...input.shape] }]),
      );
      const [out] = Object.values(await runWithOrt(r.model!, feeds));
      expect(out!.dims).toEqual([2, 10]);
      expect(out!.data.every(Number.isFinite)).toBe(true);
      logits.push(out!.data);
    }
    // Each input gives the network something else to see.
    for (let i = 1; i < 5; i++) expect(Array.from(logits[i]!)).not.toEqual(Array.from(logits[0]!));
  });

  it("takes half scale at every side that is a multiple of 8, as the page says", () => {
    for (const side of [8, 16, 24, 40, 56, 72, 88, 96]) {
      const r = check({ files: [example], host: nodeHost(), settings: [{ text: `S=${side}` }, { text: "fast_scale=1/2" }] });
      expect(
        r.diagnostics.map((d) => `${d.code} ${d.message}`),
        `S=${side}`,
      ).toEqual([]);
    }
  });

  it("refuses an r that does not divide the Slow width, and a half scale whose side does not come back", async () => {
    for (const [settings, code] of [
      [["r=3"], "SF0302"],
      [["S=68", "fast_scale=1/2"], "SF0202"],
      [["fast_scale=1/3"], "SF0112"],
    ] as const) {
      const r = compile({ file: example, host: nodeHost(), network: "FastInputs", settings: settings.map((text) => ({ text })) });
      expect([...new Set(r.diagnostics.map((d) => d.code))], settings.join(" ")).toEqual([code]);
      expect(r.model).toBeUndefined();
    }
  });
});

/**
 * The example's own lines that make the Fast input, cut from the file and
 * run alone, against the definitions computed here with loops: BT.601 luma,
 * differences of consecutive frames, the mean of each 2×2 patch.
 */
describe("examples/fast_inputs.sf's Fast-input lines", () => {
  const source = fs.readFileSync(example, "utf8");
  const begin = source.indexOf("  pathway fast = clip\n");
  const end = source.indexOf("  pathway slow = frames(");
  const lines = source.slice(begin, end);
  const probe = `network Probe(clip: <(fast_diff ? αT + 1 : αT), S², 3>, T = 3, α = 2, S = 6,
    fast_color: "rgb" | "gray" = "rgb", fast_diff = false, fast_scale: 1 | 1/2 = 1)
    -> <αT, (fast_scale·S)², (fast_color == "gray" ? 1 : 3)> {
${lines}  return fast
}
`;
  const [F, S, N] = [6, 6, 2];

  /** [n][c][t][y][x] of a flat NCTHW array. */
  const get = (data: Float32Array, dims: readonly number[], n: number, c: number, t: number, y: number, x: number): number => {
    const [, C, T, H, W] = dims as [number, number, number, number, number];
    return data[(((n * C + c) * T + t) * H + y) * W + x]!;
  };

  function reference(clip: Float32Array, clipDims: number[], gray: boolean, diff: boolean, half: boolean): number[] {
    const out: number[] = [];
    const channels = gray ? 1 : 3;
    const side = half ? S / 2 : S;
    const pixel = (n: number, c: number, t: number, y: number, x: number): number =>
      gray
        ? 0.299 * get(clip, clipDims, n, 0, t, y, x) + 0.587 * get(clip, clipDims, n, 1, t, y, x) + 0.114 * get(clip, clipDims, n, 2, t, y, x)
        : get(clip, clipDims, n, c, t, y, x);
    const frame = (n: number, c: number, t: number, y: number, x: number): number =>
      diff ? pixel(n, c, t + 1, y, x) - pixel(n, c, t, y, x) : pixel(n, c, t, y, x);
    for (let n = 0; n < N; n++)
      for (let c = 0; c < channels; c++)
        for (let t = 0; t < F; t++)
          for (let y = 0; y < side; y++)
            for (let x = 0; x < side; x++)
              out.push(
                half
                  ? (frame(n, c, t, 2 * y, 2 * x) +
                      frame(n, c, t, 2 * y, 2 * x + 1) +
                      frame(n, c, t, 2 * y + 1, 2 * x) +
                      frame(n, c, t, 2 * y + 1, 2 * x + 1)) /
                      4
                  : frame(n, c, t, y, x),
              );
    return out;
  }

  it("finds the lines the walk-through shows", () => {
    expect(begin).toBeGreaterThan(0);
    expect(lines).toContain('if fast_color == "gray"');
    expect(lines).toContain("if fast_diff");
    expect(lines).toContain("if fast_scale == 1/2");
  });

  for (const gray of [false, true])
    for (const diff of [false, true])
      for (const half of [false, true]) {
        const settings = [`fast_color=${gray ? "gray" : "rgb"}`, `fast_diff=${diff}`, `fast_scale=${half ? "1/2" : "1"}`];
        it(`compute their definitions: ${settings.join(" ")}`, async () => {
          const r = compile({ file: "probe.sf", host: memoryHost({ "probe.sf": probe }), network: "Probe", settings: settings.map((text) => ({ text })) });
          expect(r.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([]);
          const clipDims = [N, 3, diff ? F + 1 : F, S, S];
          const clip = new Float32Array(clipDims.reduce((a, b) => a * b)).map((_, i) => Math.sin(0.37 * i) + 0.5 * Math.cos(0.011 * i * i));
          const [out] = Object.values(await runWithOrt(r.model!, { clip: { data: clip, dims: clipDims } }));
          expect(out!.dims).toEqual([N, gray ? 1 : 3, F, half ? S / 2 : S, half ? S / 2 : S]);
          const expected = reference(clip, clipDims, gray, diff, half);
          const worst = Array.from(out!.data).reduce((m, v, i) => Math.max(m, Math.abs(v - expected[i]!)), 0);
          expect(worst).toBeLessThan(1e-5);
        });
      }
});
