/**
 * Layers written outside every stage, in `sfc info` and `sfc graph`: each is
 * reported where it runs, `(input)` before the first stage and `(after s1)`
 * after stage s1, with the pathways' shapes where it ends, and every one of
 * them is drawn, a conv labelled by its own window.
 */
import { Graphviz } from "@hpcc-js/wasm-graphviz";
import { describe, expect, it } from "vitest";
import { sfc } from "../support/cli";
import { infoJson, sourceWriter, type InfoRow, libraryRows } from "../support/report";

const source = sourceWriter("sfc-outside-stages-");

// A conv before s1, one between s1 and head (the pathway at 32 channels), and one in each stage.
const BETWEEN = source(
  "between.sf",
  `network I(clip: <4, 16², 3>) -> <10> {
  pathway video = clip |> conv(out: 8)
  stage s1 { video = video |> conv(out: 16) }
  video = video |> conv(out: 32)
  stage head { return video |> gap |> linear(out: 10) }
}
`,
);

// Two pathways, layers between the stages in both (one through a plain variable), and a head after the last stage.
const LANES = source(
  "lanes.sf",
  `network L(clip: <8, 16², 3>) -> <10> {
  pathway fast = clip |> conv(out: 4)
  pathway slow = frames(clip, every: 4) |> conv(out: 8)
  stage s1 {
    fast = fast |> conv(out: 4)
    slow = slow |> conv(out: 8)
  }
  y = slow |> conv(out: 16)
  slow = y |> relu
  fast = fast |> maxpool(kernel: 1×2²)
  stage s2 {
    fast = fast |> conv(out: 8)
    slow = slow |> conv(out: 16, stride: 1×2²)
  }
  fast = fast |> conv(out: 16, kernel: 3×1², pad: 1×0²)
  return concat(gap(slow), gap(fast)) |> linear(out: 10)
}
`,
);

// No pathways: the stages in a row, with layers before, between and after them.
const ROW = source(
  "row.sf",
  `network N(clip: <4, 16², 8>) -> <10> {
  x = clip |> conv(out: 4, kernel: 1×3², pad: 0×1²)
  stage s1 { x = x |> conv(out: 8) }
  x = x |> maxpool(kernel: 1×2²) |> conv(out: 12)
  stage s2 { x = x |> conv(out: 16) }
  return x |> gap |> linear(out: 10)
}
`,
);

// Two pathways and no stage at all; a block called outside the stages in each, and one in the head.
const NO_STAGES = source(
  "no-stages.sf",
  `block unit(x: <T, S², C>, out: int) -> <T, S², out> {
  return x |> conv(out: out) |> relu
}

block proj(x: <C>, out: int) -> <out> {
  return x |> linear(out: out) |> relu
}

network U(clip: <8, 16², 3>) -> <10> {
  pathway slow = frames(clip, every: 4) |> unit(out: 8)
  pathway fast = clip |> unit(out: 2)
  return concat(gap(slow), gap(fast)) |> proj(out: 10)
}
`,
);

const jsonRows = async (file: string, depth = "stage"): Promise<InfoRow[]> => (await infoJson(file, depth)).rows;

describe("sfc info: layers outside the stages", () => {
  it("has a row where they run, with each pathway's shape at its end", async () => {
    const r = await sfc("info", BETWEEN);
    expect(r.code, r.err).toBe(0);
    const table = r.out.split("\n").filter((line) => /^(\(|s1|head|total)/.test(line));
    expect(table).toEqual([
      "(input)     4×16², 8             24    0.00             0.01",
      "s1          4×16², 16           128    0.00             0.02",
      "(after s1)  4×16², 32           512    0.00             0.03",
      "head                            330    0.00             0.00",
      "total                           994    0.00             0.06",
    ]);
    expect((await jsonRows(BETWEEN)).map((row) => [row.name, row.outputs, row.params, row.flops])).toEqual([
      ["(input)", { video: [4, 16, 16, 8] }, 24, 24_576],
      ["s1", { video: [4, 16, 16, 16] }, 128, 131_072],
      ["(after s1)", { video: [4, 16, 16, 32] }, 512, 524_288],
      ["head", {}, 330, 320],
    ]);
  });

  it("names the same row at --depth block and layer, and countGraph agrees", async () => {
    for (const depth of ["block", "layer"])
      expect((await jsonRows(BETWEEN, depth)).map((row) => [row.name, row.stage])).toEqual([
        ["video.conv", "(input)"],
        ["s1.video.conv", "s1"],
        ["video.conv_1", "(after s1)"],
        ["head.gap", "head"],
        ["head.linear", "head"],
      ]);
    expect(libraryRows(BETWEEN)).toEqual([
      ["(input)", 24],
      ["s1", 128],
      ["(after s1)", 512],
      ["head", 330],
    ]);
  });

  it("shows every pathway between the stages and after the last, and a network without pathways in order", async () => {
    expect((await jsonRows(LANES)).map((row) => [row.name, row.outputs])).toEqual([
      ["(input)", { fast: [8, 16, 16, 4], slow: [2, 16, 16, 8] }],
      ["s1", { fast: [8, 16, 16, 4], slow: [2, 16, 16, 8] }],
      ["(after s1)", { fast: [8, 8, 8, 4], slow: [2, 16, 16, 16] }],
      ["s2", { fast: [8, 8, 8, 8], slow: [2, 8, 8, 16] }],
      ["(after s2)", { fast: [8, 8, 8, 16], slow: [2, 8, 8, 16] }],
    ]);
    expect((await jsonRows(ROW)).map((row) => [row.name, row.params])).toEqual([
      ["(input)", 288],
      ["s1", 32],
      ["(after s1)", 96],
      ["s2", 192],
      ["(after s2)", 170],
    ]);
  });
});

describe("sfc graph: layers outside the stages", () => {
  it("draws each of them in its lane, in order, a 1×1² conv as a conv", async () => {
    const r = await sfc("graph", BETWEEN, "--format", "mermaid");
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('video_in["conv 1×1²<br/>4×16², 8"]');
    expect(r.out).toContain('after_s1_video["conv 1×1²<br/>4×16², 32"]');
    expect(r.out).not.toContain("T-conv");
    expect(r.out).toContain("s1_video --> after_s1_video\n  after_s1_video --> head\n");
  });

  it("draws two lanes' layers, and what no lane holds in the head", async () => {
    const dot = await sfc("graph", LANES);
    expect(dot.code, dot.err).toBe(0);
    const laid = JSON.parse((await Graphviz.load()).dot(dot.out, "json")) as {
      objects: Array<{ name: string; label?: string; nodes?: number[]; _gvid: number }>;
    };
    const byId = new Map(laid.objects.map((o) => [o._gvid, o]));
    const members = (cluster: string) =>
      laid.objects
        .find((o) => o.name === cluster)!
        .nodes!.map((id) => byId.get(id)!)
        .map((o) => [o.name, o.label?.replace(/\\n/g, "\n")]);
    expect(members("cluster_slow")).toEqual([
      ["slow_in", "every 4th frame → conv 1×1²\n2×16², 8"],
      ["s1_slow", "s1\n2×16², 8"],
      ["after_s1_slow", "conv 1×1² → relu\n2×16², 16"],
      ["s2_slow", "s2\n2×8², 16"],
    ]);
    expect(members("cluster_fast")).toEqual([
      ["fast_in", "conv 1×1²\n8×16², 4"],
      ["s1_fast", "s1\n8×16², 4"],
      ["after_s1_fast", "maxpool\n8×8², 4"],
      ["s2_fast", "s2\n8×8², 8"],
      ["after_s2_fast", "conv 3×1²\n8×8², 16"],
    ]);
    expect(laid.objects.find((o) => o.name === "head")!.label!.replace(/\\n/g, "\n")).toBe("head\ngap → concat → linear\nlogits (10)");
    const svg = await sfc("graph", LANES, "--format", "svg");
    expect(svg.code, svg.err).toBe(0);
    expect(svg.out).toContain("<title>after_s2_fast</title>");
  });

  it("calls a lateral conv a T-conv only where it convolves or strides over time", async () => {
    const file = source(
      "pointwise.sf",
      `block pointwise(x: <T, S², C>) -> <T, S², C> { return x |> conv(out: C) }
network P(clip: <4, 8², 3>) -> <4, 8², 6> {
  pathway a = clip
  pathway b = clip |> relu
  stage s1 { lateral a -> b: pointwise fuse concat }
  return b
}
`,
    );
    const r = await sfc("graph", file, "--format", "mermaid");
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('-. "conv 1×1²<br/>4×8², 3 → 4×8², 3" .->');
  });

  it("draws a network without pathways as its stages and the layers between them in a row", async () => {
    const r = await sfc("graph", ROW, "--format", "mermaid");
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('input_layers["conv 1×3²<br/>4×16², 4"]');
    expect(r.out).toContain('after_s1["maxpool → conv 1×1²<br/>4×8², 12"]');
    expect(r.out).toContain('head["gap → linear<br/>logits (10)"]');
    expect(r.out).toContain(
      ["input --> input_layers", "input_layers --> stage_s1", "stage_s1 --> after_s1", "after_s1 --> stage_s2", "stage_s2 --> head"]
        .map((e) => `  ${e}\n`)
        .join(""),
    );
  });
});

describe("sfc info and sfc graph: a network without stages", () => {
  it("splits its pathways' layers from the head, as the pathways end", async () => {
    const info = await infoJson(NO_STAGES);
    expect(Object.entries(info.byPathway).map(([part, figures]) => [part, figures.params])).toEqual([
      ["slow", 24],
      ["fast", 6],
      ["head", 110],
    ]);
  });

  it("gives a block called outside the stages one row, in a pathway or not", async () => {
    expect((await jsonRows(NO_STAGES, "block")).map((row) => [row.name, row.pathway ?? null, row.params])).toEqual([
      ["slow.frames", "slow", 0],
      ["slow.unit", "slow", 24],
      ["fast.unit", "fast", 6],
      ["gap", null, 0],
      ["gap_1", null, 0],
      ["concat", null, 0],
      ["proj", null, 110],
    ]);
  });

  it("draws each pathway's layers in its lane, and the rest as the head", async () => {
    const r = await sfc("graph", NO_STAGES, "--format", "mermaid");
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('slow_in["every 4th frame → conv 1×1² → relu<br/>2×16², 8"]');
    expect(r.out).toContain('fast_in["conv 1×1² → relu<br/>8×16², 2"]');
    expect(r.out).toContain('head["head<br/>gap → concat → linear → relu<br/>logits (10)"]');
    expect(r.out).toContain("slow_in --> head\n  fast_in --> head\n");
  });
});
