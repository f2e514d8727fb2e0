/** The weight-name maps shipped with the standard library. */
import * as fs from "node:fs";
import { describe, expect, it } from "vitest";
import { compile, elaborateOnly } from "../../compiler/index";
import { nodeHost } from "../../compiler/host/node";
import { NameMap, ruleProblem } from "../../compiler/weights/names";
import { readSafetensors } from "../../compiler/weights/safetensors";
import type { Checkpoint, LoadedTensor } from "../../compiler/weights/tensor";
import { fixturePath } from "../support/fixtures";

const FIXTURE = ["C=16", "classes=10", "S=48"].map((text) => ({ text }));

function maps() {
  const r = elaborateOnly({ file: "std/slowfast.sf", host: nodeHost(), network: "SlowFast_4x16_R50", settings: FIXTURE });
  return { graph: r.graph!, pyslowfast: r.nameMaps.get("pyslowfast")!, pytorchvideo: r.nameMaps.get("pytorchvideo")! };
}

describe("names maps", () => {
  it("rewrite with captures, {x..} and {k-1}; unmatched names stay", () => {
    const m = new NameMap([
      { from: "s{k}.slow.{rest..}", to: "blocks.{k-1}.pathway0.{rest}" },
      { from: "head.{p}", to: "proj.{p}" },
    ]);
    expect(m.apply("s2.slow.res0.branch2.a.weight")).toBe("blocks.1.pathway0.res0.branch2.a.weight");
    expect(m.apply("head.weight")).toBe("proj.weight");
    expect(m.apply("head.projection.weight")).toBe("head.projection.weight");
  });

  it("use {k-1} and {k+1} on numbers only: a rule counting a capture that is not one does not match", () => {
    const m = new NameMap([
      { from: "s{k}.{rest..}", to: "blocks.{k-1}.{rest}" },
      { from: "s{k}.{rest..}", to: "named.{k}.{rest}" },
      { from: "r{k}.{p}", to: "r{k+1}.{p}" },
    ]);
    expect(m.apply("s1.c.weight")).toBe("blocks.0.c.weight");
    expect(m.apply("sx.c.weight")).toBe("named.x.c.weight");
    expect(m.apply("s1x.c.weight")).toBe("named.1x.c.weight");
    expect(m.apply("r9007199254740993.weight")).toBe("r9007199254740994.weight");
    expect(m.apply("r-1.weight")).toBe("r-1.weight");
  });

  it("refuse a brace that opens or closes no capture, in a pattern or a template", () => {
    for (const [from, to] of [
      ["{", "X"],
      ["{x", "X"],
      ["{}", "X"],
      ["a}", "X"],
      ["{x..}", "X.{x"],
      ["{x..}", "X.{}"],
    ] as const)
      expect(ruleProblem(from, to), `${from} -> ${to}`).toMatch(/a `\{` in a (pattern|template) starts a capture/);
    expect(ruleProblem("s{k}.{rest..}", "blocks.{k-1}.{rest}")).toBeUndefined();
  });

  it("give PySlowFast's and PyTorchVideo's names for the reference layouts", () => {
    const { pyslowfast, pytorchvideo } = maps();
    const cases: Array<[string, string, string]> = [
      ["s1.slow.stem.conv.weight", "s1.pathway0_stem.conv.weight", "blocks.0.multipathway_blocks.0.conv.weight"],
      ["s1.fast.stem.bn.running_var", "s1.pathway1_stem.bn.running_var", "blocks.0.multipathway_blocks.1.norm.running_var"],
      ["s1.fuse.conv_f2s.weight", "s1_fuse.conv_f2s.weight", "blocks.0.multipathway_fusion.conv_fast_to_slow.weight"],
      ["s4.fuse.bn.bias", "s4_fuse.bn.bias", "blocks.3.multipathway_fusion.norm.bias"],
      ["s2.slow.res0.branch2.a.weight", "s2.pathway0_res0.branch2.a.weight", "blocks.1.multipathway_blocks.0.res_blocks.0.branch2.conv_a.weight"],
      ["s3.fast.res2.branch2.b_bn.weight", "s3.pathway1_res2.branch2.b_bn.weight", "blocks.2.multipathway_blocks.1.res_blocks.2.branch2.norm_b.weight"],
      ["s5.slow.res0.branch1.weight", "s5.pathway0_res0.branch1.weight", "blocks.4.multipathway_blocks.0.res_blocks.0.branch1_conv.weight"],
      [
        "s5.slow.res0.branch1_bn.running_mean",
        "s5.pathway0_res0.branch1_bn.running_mean",
        "blocks.4.multipathway_blocks.0.res_blocks.0.branch1_norm.running_mean",
      ],
      ["head.projection.weight", "head.projection.weight", "blocks.6.proj.weight"],
      ["s4.slow.nonlocal6.attention.conv_theta.weight", "s4.pathway0_nonlocal6.conv_theta.weight", "s4.slow.nonlocal6.attention.conv_theta.weight"],
    ];
    for (const [sfc, pys, ptv] of cases) {
      expect(pyslowfast.apply(sfc)).toBe(pys);
      expect(pytorchvideo.apply(sfc)).toBe(ptv);
    }
  });

  it("map every weight of the network to a distinct name, so a PyTorchVideo checkpoint loads to the same logits", async () => {
    const { graph, pyslowfast, pytorchvideo } = maps();
    const names = graph.nodes.flatMap((n) => n.weights.map((w) => w.name));
    expect(new Set(names.map((n) => pytorchvideo.apply(n))).size).toBe(names.length);
    expect(new Set(names.map((n) => pyslowfast.apply(n))).size).toBe(names.length);
    // The fixture's tensors under PyTorchVideo's names.
    const fixture = readSafetensors(new Uint8Array(fs.readFileSync(fixturePath("weights.safetensors"))));
    const renamed = new Map<string, LoadedTensor>();
    for (const n of names) {
      const t = fixture.tensors.get(pyslowfast.apply(n))!;
      renamed.set(pytorchvideo.apply(n), { ...t, name: pytorchvideo.apply(n) });
    }
    const ptv: Checkpoint = { tensors: renamed, format: "safetensors" };
    const a = compile({
      file: "std/slowfast.sf",
      host: nodeHost(),
      network: "SlowFast_4x16_R50",
      settings: FIXTURE,
      checkpoint: { tensors: ptv, label: "checkpoint", names: "pytorchvideo" },
    });
    const b = compile({
      file: "std/slowfast.sf",
      host: nodeHost(),
      network: "SlowFast_4x16_R50",
      settings: FIXTURE,
      checkpoint: { tensors: fixture, label: "checkpoint", names: "pyslowfast" },
    });
    expect(a.diagnostics).toEqual([]);
    expect(Buffer.from(a.model!).equals(Buffer.from(b.model!))).toBe(true);
  });
});
