/**
 * docs/examples/fast_inputs.md against what it describes: every settings row
 * of its two tables is measured again with `sfc info --format json` (inputs,
 * params, multiply-adds, GFLOPs), and each variant of examples/fast_inputs.sf
 * compiles, passes the onnx checker (strict shape inference), and runs in
 * onnxruntime with the structure the page explains (a one-channel Fast conv1
 * for gray, αT + 1 input frames for differences, a half-side Fast pathway and
 * an upsampled lateral at half scale).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../cli/main";
import { compile } from "../../compiler/index";
import { nodeHost } from "../../compiler/host/node";
import type { IRGraph } from "../../compiler/ir";
import { deterministicClip } from "../../runtime/session";
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
    { network: "FlowInputs", settings: [], expect: (g) => expect(g.inputs.map((i) => [i.name, ...i.shape])).toEqual([["clip", 3, 4, 64, 64], ["flow", 2, 16, 64, 64]]) },
  ];

  it("compiles, passes the onnx checker (strict shape inference), and runs", async () => {
    const compiled = variants.map((v) => {
      const r = compile({ file: example, host: nodeHost(), network: v.network, settings: v.settings.map((text) => ({ text })) });
      expect(r.diagnostics.map((d) => `${d.code} ${d.message}`), v.settings.join(" ")).toEqual([]);
      v.expect(r.graph!);
      return r;
    });
    const checked = checkManyWithOnnx(compiled.map((r) => r.model!));
    const logits: Float32Array[] = [];
    for (const [i, r] of compiled.entries()) {
      expect(checked[i]!.error, variants[i]!.settings.join(" ")).toBeUndefined();
      expect(checked[i]!.ok).toBe(true);
      const feeds = Object.fromEntries(r.graph!.inputs.map((input) => [input.name, { data: deterministicClip([2, ...input.shape]), dims: [2, ...input.shape] }]));
      const [out] = Object.values(await runWithOrt(r.model!, feeds));
      expect(out!.dims).toEqual([2, 10]);
      expect(out!.data.every(Number.isFinite)).toBe(true);
      logits.push(out!.data);
    }
    // Each input gives the network something else to see.
    for (let i = 1; i < 5; i++) expect(Array.from(logits[i]!)).not.toEqual(Array.from(logits[0]!));
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
