/**
 * The standard library against the reference numbers of slowfast.md:
 * parameters exact and GFLOPs at S = 256 to two decimals, from the graph IR.
 */
import { describe, expect, it } from "vitest";
import { elaborateOnly } from "../../compiler/index";
import { nodeHost } from "../../compiler/host/node";
import { countGraph } from "../../compiler/report/counts";
import { main } from "../../cli/main";

function counts(network: string, settings: string[] = []): { params: number; gflops: string } {
  const r = elaborateOnly({ file: "std/slowfast.sf", host: nodeHost(), network, settings: ["S=256", ...settings].map((text) => ({ text })) });
  expect(r.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([]);
  const c = countGraph(r.graph!);
  return { params: c.params, gflops: (c.flops / 1e9).toFixed(2) };
}

describe("networks of the paper's Table 2, to the parameter", () => {
  const table: Array<[string, number, string]> = [
    ["SlowFast_4x16_R50", 34_480_216, "36.10"],
    ["SlowFast_8x8_R50", 34_566_488, "65.71"],
    ["SlowFast_8x8_R101", 62_826_968, "125.91"],
    ["SlowFast_8x8_R101_50_50", 53_774_808, "106.51"],
    ["SlowFast_16x8_R101_50_50", 53_774_808, "213.02"],
    ["Slow_4x16_R50", 32_454_096, "27.26"],
  ];
  for (const [name, params, gflops] of table) {
    it(`${name}: ${params.toLocaleString("en-US")} parameters, ${gflops} GFLOPs`, () => {
      expect(counts(name)).toEqual({ params, gflops });
    });
  }
});

describe("with non-local blocks", () => {
  it("16×8 R101 with non-local blocks (φ, g pooled 2×2²) after Slow res4 blocks 6, 13 and 20: 233.96 GFLOPs (the paper's Table 2 prints 234)", () => {
    expect(counts("SlowFast_16x8_R101_50_50_NL")).toEqual({ params: 60_080_088, gflops: "233.96" });
  });
});

describe("Table 5 ablations of 4×16 R50 (GFLOPs at 256²)", () => {
  const ablations: Array<[string, string[], string]> = [
    ["no lateral", ["transform=none"], "34.16"],
    ["T2C + sum", ["transform=t2c", "fusion=sum"], "34.16"],
    ["T2C + concat", ["transform=t2c"], "39.86"],
    ["T-sample", ["transform=tsample"], "34.87"],
    ["T-conv", [], "36.10"],
  ];
  for (const [what, settings, gflops] of ablations) {
    it(`${what}: ${gflops}`, () => expect(counts("SlowFast_4x16_R50", settings).gflops).toBe(gflops));
  }
  const betas: Array<[string, number, string]> = [
    ["1/4", 37_940_960, "53.60"],
    ["1/8", 34_480_216, "36.10"],
    ["1/16", 33_287_828, "30.60"],
    ["1/32", 32_826_130, "28.66"],
  ];
  for (const [beta, params, gflops] of betas) {
    it(`β = ${beta}: ${params.toLocaleString("en-US")} parameters, ${gflops} GFLOPs`, () => {
      expect(counts("SlowFast_4x16_R50", [`beta=${beta}`])).toEqual({ params, gflops });
    });
  }
});

describe("β whose Fast width is a fraction", () => {
  for (const [beta, fraction, down] of [
    ["1/6", "32/3", 10],
    ["1/12", "16/3", 5],
  ] as const) {
    it(`β = ${beta} is refused with the fraction ${fraction} and a fix that then compiles`, () => {
      const bad = elaborateOnly({ file: "std/slowfast.sf", host: nodeHost(), network: "SlowFast_4x16_R50", settings: [{ text: `beta=${beta}` }] });
      const errors = bad.diagnostics.filter((d) => d.code === "SF0205");
      expect(errors).toHaveLength(1);
      expect(errors[0]!.message).toContain(`= ${fraction}`);
      expect(errors[0]!.help).toContain(`--set Cf=${down}`);
      const fixed = elaborateOnly({
        file: "std/slowfast.sf",
        host: nodeHost(),
        network: "SlowFast_4x16_R50",
        settings: [{ text: `beta=${beta}` }, { text: `Cf=${down}` }],
      });
      expect(fixed.diagnostics).toEqual([]);
      expect(fixed.graph).toBeDefined();
    });
  }
});

describe("the paper's weaker Fast-pathway inputs, as `sfc info --format json` reports them (4×16 R50, 256²)", () => {
  const settings: Array<[string[], number, number]> = [
    [["fast_color=gray"], 34_476_296, 34.04],
    [["fast_diff=true"], 34_480_216, 36.1],
    [["fast_color=gray", "fast_diff=true"], 34_476_296, 34.04],
    [["fast_scale=1/2", "beta=1/4"], 37_940_960, 35.98],
  ];
  for (const [set, params, gflops] of settings) {
    it(`${set.join(", ")}: ${params.toLocaleString("en-US")} parameters, ${gflops.toFixed(2)} GFLOPs`, async () => {
      let printed = "";
      const io = { out: (t: string) => (printed += t), err: (t: string) => (printed += t), colorOut: false, colorErr: false };
      const args = ["info", "std/slowfast.sf", "--network", "SlowFast_4x16_R50", "--set", "S=256", ...set.flatMap((s) => ["--set", s]), "--format", "json"];
      expect(await main(args, io)).toBe(0);
      const info = JSON.parse(printed) as { params: number; gflops: number };
      expect({ params: info.params, gflops: info.gflops }).toEqual({ params, gflops });
      expect(counts("SlowFast_4x16_R50", set)).toEqual({ params, gflops: gflops.toFixed(2) });
    });
  }
});
