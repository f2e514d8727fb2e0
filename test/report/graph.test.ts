/**
 * `sfc graph`: the DOT parses (Graphviz lays it out), the SVG renders, and
 * the picture holds what the paper's Figure 1 shows: the pathways as lanes,
 * the stages in order, each lateral labelled with its transform and shapes,
 * the fusion points, the head. docs/img/ holds what it renders today.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Graphviz } from "@hpcc-js/wasm-graphviz";
import { afterAll, describe, expect, it } from "vitest";
import { renderSvg } from "../../cli/graph";
import { UsageError } from "../../cli/io";
import { sfc } from "../support/cli";

const root = path.resolve(__dirname, "../..");
const work = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-graph-"));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));
const R50 = ["std/slowfast.sf", "--network", "SlowFast_4x16_R50"];

interface LaidOut {
  objects: Array<{ name: string; label?: string; nodes?: number[]; _gvid: number }>;
  edges: Array<{ tail: number; head: number; label?: string; style?: string }>;
}

describe("sfc graph", () => {
  it("writes DOT that Graphviz parses: a lane per pathway, Slow first, stages in order, laterals into fusion points", async () => {
    const r = await sfc("graph", ...R50);
    expect(r.code, r.err).toBe(0);
    const graphviz = await Graphviz.load();
    const laid = JSON.parse(graphviz.dot(r.out, "json")) as LaidOut;
    // Graphviz's JSON keeps DOT's escaped line breaks as written.
    const text = (s: string | undefined) => s?.replace(/\\n/g, "\n");
    const byId = new Map(laid.objects.map((o) => [o._gvid, o]));
    const clusters = laid.objects.filter((o) => o.name.startsWith("cluster_"));
    expect(clusters.map((c) => [c.name, c.label])).toEqual([
      ["cluster_slow", "Slow pathway"],
      ["cluster_fast", "Fast pathway"],
    ]);
    const members = (cluster: string) => clusters.find((c) => c.name === cluster)!.nodes!.map((id) => byId.get(id)!.name);
    expect(members("cluster_fast")).toEqual(["s1_fast", "s2_fast", "s3_fast", "s4_fast", "s5_fast"]);
    expect(members("cluster_slow")).toEqual([
      "slow_in",
      "s1_slow",
      "s1_fuse_slow",
      "s2_slow",
      "s2_fuse_slow",
      "s3_slow",
      "s3_fuse_slow",
      "s4_slow",
      "s4_fuse_slow",
      "s5_slow",
    ]);
    const laterals = laid.edges.filter((e) => e.style === "dashed").map((e) => [byId.get(e.tail)!.name, byId.get(e.head)!.name, text(e.label)]);
    expect(laterals).toEqual([
      ["s1_fast", "s1_fuse_slow", "T-conv 5×1², stride 8\n32×56², 8 → 4×56², 16"],
      ["s2_fast", "s2_fuse_slow", "T-conv 5×1², stride 8\n32×56², 32 → 4×56², 64"],
      ["s3_fast", "s3_fuse_slow", "T-conv 5×1², stride 8\n32×28², 64 → 4×28², 128"],
      ["s4_fast", "s4_fuse_slow", "T-conv 5×1², stride 8\n32×14², 128 → 4×14², 256"],
    ]);
    // The fused Slow width as the IR has it after the concat: C + 2βC = 64 + 16.
    expect(laid.edges.filter((e) => byId.get(e.tail)!.name === "s1_fuse_slow").map((e) => text(e.label))).toEqual(["concat: 4×56², 80"]);
    expect(text(laid.objects.find((o) => o.name === "head")!.label)).toBe("head\ngap → concat → dropout → linear\nlogits (400)");
  });

  it("names the transform of each lateral kind", async () => {
    const t2c = await sfc("graph", ...R50, "--set", "transform=t2c");
    expect(t2c.out).toContain('label="time-to-channel\\n32×56², 8 → 4×56², 64"');
  });

  it("draws a link from a lane that an earlier link of the stage fused into, from that fusion, with its own transform", async () => {
    const file = path.join(work, "three.sf");
    fs.writeFileSync(
      file,
      `import std.lateral { tconv, tsample }
network Three(clip: <4T, S², 3>, T = 2, S = 16) -> <4T, S², 4> {
  pathway fast = clip |> conv(out: 4)
  pathway medium = frames(clip, every: 2) |> conv(out: 8)
  pathway slow = frames(clip, every: 4) |> conv(out: 16)
  stage s1 {
    lateral fast -> medium: tsample(α: 2, β: 1) as fm
    lateral medium -> slow: tconv(α: 2, β: 1, k: 3) as ms
  }
  return fast
}
`,
    );
    const r = await sfc("graph", file);
    expect(r.code, r.err).toBe(0);
    const laid = JSON.parse((await Graphviz.load()).dot(r.out, "json")) as LaidOut;
    const byId = new Map(laid.objects.map((o) => [o._gvid, o]));
    const laterals = laid.edges
      .filter((e) => e.style === "dashed")
      .map((e) => [byId.get(e.tail)!.name, byId.get(e.head)!.name, e.label?.replace(/\\n/g, "\n")]);
    // medium -> slow reads medium after fm is fused into it: 8 + 4 channels.
    expect(laterals).toEqual([
      ["fast_in", "s1_fuse_medium", "every 2nd frame\n8×16², 4 → 4×16², 4"],
      ["s1_fuse_medium", "s1_fuse_slow", "T-conv 3×1², stride 2\n4×16², 12 → 2×16², 24"],
    ]);
  });

  it("draws blocks at --depth block", async () => {
    const r = await sfc("graph", ...R50, "--depth", "block");
    expect(r.code).toBe(0);
    for (const block of ["s2_slow_res0", "s4_slow_res5", "s4_fast_res5", "s5_fast_res2"]) expect(r.out).toMatch(new RegExp(`^    ${block} \\[label="`, "m"));
    const graphviz = await Graphviz.load();
    expect(() => graphviz.dot(r.out, "json")).not.toThrow();
  });

  it("renders SVG with Graphviz, the file docs/img/ shows", async () => {
    const out = path.join(work, "r50.svg");
    const r = await sfc("graph", ...R50, "--format", "svg", "-o", out);
    expect(r.code, r.err).toBe(0);
    const svg = fs.readFileSync(out, "utf8");
    expect(svg).toMatch(/<svg [^>]*width="\d+pt" height="\d+pt"/);
    expect(svg).toContain("<title>s1_fuse_slow</title>");
    expect(svg.trimEnd().endsWith("</svg>")).toBe(true);
    expect(svg).toBe(fs.readFileSync(path.join(root, "docs/img/slowfast_4x16_r50.svg"), "utf8"));
  });

  it("writes a Mermaid flowchart with the same lanes and laterals", async () => {
    const r = await sfc("graph", ...R50, "--format", "mermaid");
    expect(r.out.startsWith("flowchart LR\n")).toBe(true);
    expect(r.out).toMatch(/subgraph slow_lane\["Slow pathway"\][\s\S]*subgraph fast_lane\["Fast pathway"\]/);
    expect(r.out.match(/-\. "T-conv 5×1², stride 8<br\/>/g)).toHaveLength(4);
  });

  it("draws a network without pathways as its stages in a row, every one of them, to the head", async () => {
    const file = path.join(work, "stages.sf");
    fs.writeFileSync(
      file,
      "network N(clip: <4, 16², 8>) -> <10> {\n  stage s1 { x = clip |> conv(out: 8) }\n  stage s2 { x = x |> conv(out: 16) }\n  return x |> gap |> linear(out: 10)\n}\n",
    );
    const r = await sfc("graph", file);
    expect(r.code, r.err).toBe(0);
    const laid = JSON.parse((await Graphviz.load()).dot(r.out, "json")) as LaidOut;
    const names = new Map(laid.objects.map((o) => [o._gvid, o.name]));
    expect(laid.edges.map((e) => `${names.get(e.tail)} -> ${names.get(e.head)}`)).toEqual(["input -> stage_s1", "stage_s1 -> stage_s2", "stage_s2 -> head"]);
    expect(laid.objects.find((o) => o.name === "stage_s2")!.label!.replace(/\\n/g, "\n")).toBe("s2\n4×16², 16");
    expect(laid.objects.find((o) => o.name === "head")!.label!.replace(/\\n/g, "\n")).toBe("gap → linear\nlogits (10)");
    const mermaid = await sfc("graph", file, "--format", "mermaid", "--depth", "block");
    expect(mermaid.out).toContain("stage_s1_conv --> stage_s2_conv");
  });

  it("refuses an SVG past the svg-items limit (SF0609) before Graphviz sees it, and draws one at the limit", async () => {
    // SlowFast_4x16_R50 at --depth block draws 86 boxes and links, in 2 pathways (at most 86 / 40 = 2).
    const over = await sfc("graph", ...R50, "--depth", "block", "--format", "svg", "--limit", "svg-items=85", "-o", path.join(work, "over.svg"));
    expect([over.code, over.err]).toEqual([
      2,
      "sfc: error[SF0609]: the drawing has 86 boxes and links, too many for Graphviz to lay out as SVG; write it with --format dot or mermaid, or --depth stage; the limit is 85 boxes and links drawn as SVG; raise it with --limit svg-items=N\n",
    ]);
    expect(fs.existsSync(path.join(work, "over.svg"))).toBe(false);
    const at = await sfc("graph", ...R50, "--depth", "block", "--format", "svg", "--limit", "svg-items=86", "-o", path.join(work, "at.svg"));
    expect(at.code, at.err).toBe(0);
    expect(fs.readFileSync(path.join(work, "at.svg"), "utf8").trimEnd().endsWith("</svg>")).toBe(true);
    // DOT and Mermaid have no such bound.
    expect((await sfc("graph", ...R50, "--depth", "block", "--limit", "svg-items=1")).code).toBe(0);
  });

  it("refuses an SVG of more pathways than a fortieth of the svg-items limit", async () => {
    const file = path.join(work, "three.sf");
    const lanes = ["a", "b", "c"];
    fs.writeFileSync(
      file,
      `network Three(clip: <4, 8², 4>) -> <4, 8², 4> {\n${lanes.map((l) => `  pathway ${l} = clip |> relu\n`).join("")}  stage s {\n${lanes.map((l) => `    ${l} = ${l} |> relu\n`).join("")}  }\n  return a\n}\n`,
    );
    const over = await sfc("graph", file, "--format", "svg", "--limit", "svg-items=119");
    expect([over.code, over.err]).toEqual([
      2,
      "sfc: error[SF0609]: the drawing has 3 pathways (at most 2, one for each 40 of the limit), too many for Graphviz to lay out as SVG; write it with --format dot or mermaid; the limit is 119 boxes and links drawn as SVG; raise it with --limit svg-items=N\n",
    ]);
    const at = await sfc("graph", file, "--format", "svg", "--limit", "svg-items=120");
    expect(at.code, at.err).toBe(0);
    expect(at.out).toContain("<title>cluster_c</title>");
  });

  it("reports Graphviz failing as a usage error, not an internal one", async () => {
    await expect(renderSvg("digraph { a -> ")).rejects.toThrow(
      new UsageError("Graphviz could not draw the SVG (syntax error in line 1); write the drawing with --format dot or --format mermaid"),
    );
  });

  it("writes DOT and Mermaid in time linear in the pathways: 4,000 each fused into the next", async () => {
    const file = path.join(work, "lanes.sf");
    const n = 4000;
    const lines = ["network Lanes(clip: <4, 8², 4>) -> <4, 8², 4> {"];
    for (let i = 0; i < n; i++) lines.push(`  pathway p${i} = clip |> relu`);
    lines.push("  stage s {");
    for (let i = 1; i < n; i++) lines.push(`    lateral p${i} -> p${i - 1}: relu fuse sum`);
    lines.push("  }", "  return p0", "}");
    fs.writeFileSync(file, lines.join("\n"));
    // Each took 13 to 16 s when every lane searched all the graph's nodes; now about 1 s. The file is 290 KB.
    const big = ["--limit", "source-bytes=1048576"];
    for (const format of ["dot", "mermaid"]) {
      const r = await sfc("graph", file, "--format", format, ...big);
      expect(r.code, r.err).toBe(0);
      expect(r.out).toContain("s_fuse_p3998");
    }
    // 8,001 boxes (the input, a box per lane, 3,999 fusion points, the head) and 15,998 links: from the input, into
    // each fusion point from its lane and from its link's source, into the head.
    const svg = await sfc("graph", file, "--format", "svg", ...big);
    expect([svg.code, svg.err]).toEqual([2, expect.stringMatching(/^sfc: error\[SF0609\]: the drawing has 23,999 boxes and links/)]);
  }, 12_000);

  it("refuses an unknown format or depth with exit 2", async () => {
    expect((await sfc("graph", ...R50, "--format", "png")).code).toBe(2);
    expect((await sfc("graph", ...R50, "--depth", "layer")).code).toBe(2);
  });
});
