/**
 * What the stages of a network make of `sfc info` and `sfc graph`: a row per
 * top-level stage, a nested stage counted in its top-level stage's row and
 * in its pathway's part, its blocks named by the whole stage path, and the
 * rows adding up to the total.
 */
import { describe, expect, it } from "vitest";
import { sfc } from "../support/cli";
import { infoJson as info, sourceWriter, type Figures, libraryRows } from "../support/report";

const source = sourceWriter("sfc-stage-rows-");

const sum = (rows: readonly Figures[]): Figures =>
  rows.reduce((a, r) => ({ params: a.params + r.params, flops: a.flops + r.flops, activations: a.activations + r.activations }), {
    params: 0,
    flops: 0,
    activations: 0,
  });
const figures = (f: Figures): Figures => ({ params: f.params, flops: f.flops, activations: f.activations });

/** Every depth's rows, and the parts, add up to the total. */
async function expectRowsAddUp(file: string): Promise<void> {
  for (const depth of ["stage", "block", "layer"]) {
    const json = await info(file, depth);
    expect(sum(json.rows), depth).toEqual(figures(json));
    expect(sum(Object.values(json.byPathway)), depth).toEqual(figures(json));
  }
}

// docs/language.md §13's network: s2 holds the stages a and b.
const STAGED = source(
  "staged.sf",
  `network Staged(clip: <4, 32², 3>) -> <4, 16², 16> {
  pathway video = clip
  stage s1 { video = video |> conv(out: 8, kernel: 1×3², stride: 1×2², pad: 0×1²) as conv |> bn as bn |> relu }
  stage s2 {
    stage a { video = video |> conv(out: 16) as conv }
    stage b { video = video |> bn as bn |> relu }
  }
  return video
}
`,
);

// Two pathways, a lateral link in each of two nested stages, and a head.
const LINKED = source(
  "linked.sf",
  `network Linked(clip: <8, 16², 3>) -> <10> {
  pathway fast = clip |> conv(out: 4)
  pathway slow = frames(clip, every: 4) |> conv(out: 8)
  stage s1 {
    stage a {
      fast = fast |> conv(out: 4)
      slow = slow |> conv(out: 8)
      lateral fast -> slow: frames(every: 4) |> conv(out: 2) as link fuse concat
    }
    stage b {
      slow = slow |> conv(out: 8)
      lateral fast -> slow: frames(every: 4) |> conv(out: 2) as link fuse concat
    }
  }
  stage head { return concat(gap(slow), gap(fast)) |> linear(out: 10) }
}
`,
);

describe("nested stages", () => {
  it("are counted in their top-level stage's row, which has the pathways' shapes at its end", async () => {
    const json = await info(STAGED);
    expect(json.rows.map((row) => [row.name, row.outputs, row.params])).toEqual([
      ["s1", { video: [4, 16, 16, 8] }, 232],
      ["s2", { video: [4, 16, 16, 16] }, 160],
    ]);
    expect(Object.keys(json.byPathway)).toEqual(["video"]);
    expect(libraryRows(STAGED)).toEqual([
      ["s1", 232],
      ["s2", 160],
    ]);
  });

  it("name their blocks by the whole stage path, with the top-level stage as their stage", async () => {
    expect((await info(STAGED, "block")).rows.map((row) => [row.name, row.stage, row.pathway])).toEqual([
      ["s1.video.conv", "s1", "video"],
      ["s1.video.bn", "s1", "video"],
      ["s1.video.relu", "s1", "video"],
      ["s2.a.video.conv", "s2", "video"],
      ["s2.b.video.bn", "s2", "video"],
      ["s2.b.video.relu", "s2", "video"],
    ]);
    expect((await info(LINKED, "block")).rows.filter((row) => row.stage === "s1").map((row) => [row.name, row.pathway])).toEqual([
      ["s1.a.fast.conv", "fast"],
      ["s1.a.slow.conv", "slow"],
      ["s1.a.frames", undefined],
      ["s1.a.link", undefined],
      ["s1.a.fuse", undefined],
      ["s1.b.slow.conv", "slow"],
      ["s1.b.frames", undefined],
      ["s1.b.link", undefined],
      ["s1.b.fuse", undefined],
    ]);
  });

  it("keep a row for each fusion of a stage that fuses into two pathways, after its own link", async () => {
    const three = source(
      "three.sf",
      `network Three(clip: <8, 16², 3>) -> <8, 16², 4> {
  pathway fast = clip |> conv(out: 4)
  pathway medium = frames(clip, every: 2) |> conv(out: 8)
  pathway slow = frames(clip, every: 4) |> conv(out: 16)
  stage s1 {
    lateral fast -> medium: frames(every: 2) as fm
    lateral medium -> slow: frames(every: 2) |> conv(out: 4) as ms
  }
  return fast
}
`,
    );
    expect((await info(three, "block")).rows.filter((row) => row.stage === "s1").map((row) => [row.name, row.outputs, row.params])).toEqual([
      ["s1.fm", { lateral: [4, 16, 16, 4] }, 0],
      ["s1.medium_fuse", { lateral: [4, 16, 16, 12] }, 0],
      ["s1.frames", { lateral: [2, 16, 16, 12] }, 0],
      ["s1.ms", { lateral: [2, 16, 16, 4] }, 48],
      ["s1.slow_fuse", { lateral: [2, 16, 16, 20] }, 0],
    ]);
    await expectRowsAddUp(three);
  });

  it("split their work by pathway, their lateral links as lateral", async () => {
    const json = await info(LINKED, "layer");
    const of = (test: (name: string) => boolean) => sum(json.rows.filter((row) => test(row.name)));
    expect(Object.keys(json.byPathway)).toEqual(["fast", "slow", "lateral", "head"]);
    expect(json.byPathway.fast).toEqual(of((n) => /^(s1\.a\.)?fast\./.test(n)));
    expect(json.byPathway.slow).toEqual(of((n) => /^(s1\.[ab]\.)?slow\./.test(n)));
    expect(json.byPathway.lateral).toEqual(of((n) => /^s1\.[ab]\.(frames|link|slow_fuse)/.test(n)));
    expect(json.byPathway.lateral!.params).toBe(16);
    await expectRowsAddUp(STAGED);
    await expectRowsAddUp(LINKED);
  });

  it("are drawn in their top-level stage's box, or block by block with each one's links after its blocks", async () => {
    const staged = await sfc("graph", STAGED, "--format", "mermaid");
    expect(staged.code, staged.err).toBe(0);
    expect(staged.out).toContain('s2_video["s2<br/>4×16², 16"]');
    expect(staged.out).toContain("  s1_video --> s2_video\n  s2_video --> head\n");
    const linked = await sfc("graph", LINKED, "--format", "mermaid", "--depth", "block");
    expect(linked.code, linked.err).toBe(0);
    const slowEdges = linked.out.split("\n").filter((line) => /^ {2}\S+ --> \S+$/.test(line) && line.includes("slow"));
    expect(slowEdges).toEqual([
      "  input --> slow_in",
      "  slow_in --> s1_a_slow_conv",
      "  s1_a_slow_conv --> s1_a_fuse_slow",
      "  s1_a_fuse_slow --> s1_b_slow_conv",
      "  s1_b_slow_conv --> s1_b_fuse_slow",
      "  s1_b_fuse_slow --> head",
    ]);
    expect(linked.out).toContain('s1_a_fast_conv -. "conv 1×1²<br/>8×16², 4 → 2×16², 2" .-> s1_b_fuse_slow');
  });
});

// No pathways: layers before, in and between the stages, and the head after the last.
const PLAIN = source(
  "plain.sf",
  `network Plain(clip: <4, 16², 8>) -> <10> {
  x = clip |> conv(out: 4, kernel: 1×3², pad: 0×1²)
  stage s1 { x = x |> conv(out: 8) }
  x = x |> maxpool(kernel: 1×2²) |> conv(out: 12)
  stage s2 { x = x |> conv(out: 16) }
  return x |> gap |> linear(out: 10)
}
`,
);

describe("a network without pathways", () => {
  it("has one stream, the part `pathway`, and no lateral links: what runs after the last stage is the head", async () => {
    const json = await info(PLAIN, "layer");
    expect(Object.keys(json.byPathway)).toEqual(["pathway", "head"]);
    expect(json.rows.map((row) => [row.name, row.stage, row.pathway ?? "-", Object.keys(row.outputs)[0]])).toEqual([
      ["conv", "(input)", "pathway", "pathway"],
      ["s1.conv", "s1", "pathway", "pathway"],
      ["maxpool", "(after s1)", "pathway", "pathway"],
      ["conv_1", "(after s1)", "pathway", "pathway"],
      ["s2.conv", "s2", "pathway", "pathway"],
      ["gap", "(after s2)", "-", "head"],
      ["linear", "(after s2)", "-", "head"],
    ]);
    expect(json.byPathway.head).toEqual(sum(json.rows.filter((row) => row.stage === "(after s2)")));
    await expectRowsAddUp(PLAIN);
    const table = await sfc("info", PLAIN);
    expect(table.out).toContain("\nGFLOPs by part: pathway 0.00 (100.0 %), head 0.00 (0.0 %)\n");
  });

  it("counts a stage named head as the head, and a network without stages as all head", async () => {
    const headed = source(
      "headed.sf",
      `network Headed(clip: <4, 16², 3>) -> <10> {
  x = clip |> conv(out: 8)
  stage s1 { x = x |> repeat 2 conv(out: 8) as unit }
  stage head { return x |> gap |> linear(out: 10) }
}
`,
    );
    const json = await info(headed, "block");
    expect(json.rows.map((row) => [row.name, row.pathway ?? "-"])).toEqual([
      ["conv", "pathway"],
      ["s1.unit0", "pathway"],
      ["s1.unit1", "pathway"],
      ["head.gap", "-"],
      ["head.linear", "-"],
    ]);
    expect(Object.keys(json.byPathway)).toEqual(["pathway", "head"]);
    const flat = source("flat.sf", `network Flat(clip: <4, 8², 3>) -> <4, 8², 4> { return clip |> conv(out: 4) |> relu }\n`);
    expect(Object.keys((await info(flat)).byPathway)).toEqual(["head"]);
  });
});

// Two top-level stages named s1, with a layer between them.
const TWICE = source(
  "twice.sf",
  `network Twice(clip: <4, 16², 3>) -> <4, 16², 16> {
  pathway video = clip
  stage s1 { video = video |> conv(out: 8) }
  video = video |> conv(out: 8)
  stage s1 { video = video |> conv(out: 16) }
  return video
}
`,
);

describe("stages of one name", () => {
  it("are each a row of their own, with their own layers and shapes, adding up to the total", async () => {
    const json = await info(TWICE);
    expect(json.rows.map((row) => [row.name, row.outputs, row.params])).toEqual([
      ["s1", { video: [4, 16, 16, 8] }, 24],
      ["(after s1)", { video: [4, 16, 16, 8] }, 64],
      ["s1", { video: [4, 16, 16, 16] }, 128],
    ]);
    expect(json.params).toBe(216);
    await expectRowsAddUp(TWICE);
    expect((await info(TWICE, "layer")).rows.map((row) => [row.name, row.stage])).toEqual([
      ["s1.video.conv", "s1"],
      ["video.conv", "(after s1)"],
      ["s1.video.conv_1", "s1"],
    ]);
    expect(libraryRows(TWICE)).toEqual([
      ["s1", 24],
      ["(after s1)", 64],
      ["s1", 128],
    ]);
  });

  it("are drawn as boxes of their own, as are two links into one lane from nested stages of one name", async () => {
    const twice = await sfc("graph", TWICE, "--format", "mermaid");
    expect(twice.code, twice.err).toBe(0);
    expect(twice.out).toContain('    s1_video["s1<br/>4×16², 8"]\n    after_s1_video["conv 1×1²<br/>4×16², 8"]\n    s1_video_1["s1<br/>4×16², 16"]\n');
    expect(twice.out).toContain("  input --> s1_video\n  s1_video --> after_s1_video\n  after_s1_video --> s1_video_1\n  s1_video_1 --> head\n");
    const again = source(
      "again.sf",
      `network Again(clip: <8, 16², 3>) -> <2, 16², 12> {
  pathway fast = clip |> conv(out: 4)
  pathway slow = frames(clip, every: 4) |> conv(out: 8)
  stage s1 {
    stage a { lateral fast -> slow: frames(every: 4) |> conv(out: 2) as link fuse concat }
    stage a {
      slow = slow |> conv(out: 8)
      lateral fast -> slow: frames(every: 4) |> conv(out: 4) as link fuse concat
    }
  }
  return slow
}
`,
    );
    const drawn = await sfc("graph", again, "--format", "mermaid", "--depth", "block");
    expect(drawn.code, drawn.err).toBe(0);
    expect(drawn.out).toContain(
      [
        "  slow_in --> s1_a_fuse_slow",
        '  fast_in -. "conv 1×1²<br/>8×16², 4 → 2×16², 2" .-> s1_a_fuse_slow',
        "  s1_a_fuse_slow --> s1_a_slow_conv",
        "  s1_a_slow_conv --> s1_a_fuse_slow_1",
        '  fast_in -. "conv 1×1²<br/>8×16², 4 → 2×16², 4" .-> s1_a_fuse_slow_1',
        "  s1_a_fuse_slow_1 --> head",
      ]
        .map((line) => `${line}\n`)
        .join(""),
    );
  });
});
