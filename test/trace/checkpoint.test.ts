/**
 * A checkpoint's missing or mis-shaped tensor for a layer of the standard
 * library is reported in the user's file, as elaboration's problems are: at
 * the user's call of the block, or at the alias that chose the network, with
 * the chain into std/*.sf.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { elaborateOnly } from "../../compiler/index";
import { nodeHost } from "../../compiler/host/node";
import { sfc } from "../support/cli";

let cwd: string;
let dir: string;

beforeAll(() => {
  cwd = process.cwd();
  process.chdir(__dirname);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-trace-ck-"));
});
afterAll(() => {
  process.chdir(cwd);
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A safetensors file of zeros with the network's weights, less `drop`, with `reshape`'s shapes. */
function checkpointFor(file: string, drop: string, reshape: Record<string, number[]> = {}): string {
  const graph = elaborateOnly({ file, host: nodeHost() }).graph!;
  const header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }> = {};
  let offset = 0;
  for (const node of graph.nodes)
    for (const w of node.weights) {
      if (w.name === drop) continue;
      const shape = reshape[w.name] ?? [...w.shape];
      const bytes = shape.reduce((a, b) => a * b, 1) * 4;
      header[w.name] = { dtype: "F32", shape, data_offsets: [offset, offset + bytes] };
      offset += bytes;
    }
  const json = Buffer.from(JSON.stringify(header));
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(json.length));
  const out = path.join(dir, `${path.basename(file, ".sf")}-${Object.keys(header).length}.safetensors`);
  fs.writeFileSync(out, Buffer.concat([length, json, Buffer.alloc(offset)]));
  return out;
}

describe("checkpoint errors for layers of the standard library", () => {
  it("are at the user's call of the block, with the layer in the chain", async () => {
    const FILE = "models/stem-ck.sf";
    const ck = checkpointFor(FILE, "head.stem.bn.running_var", { "head.stem.conv.weight": [8, 3, 1, 7, 6] });
    const r = await sfc("compile", FILE, "--weights", ck, "-o", path.join(dir, "never.onnx"), "--format", "github");
    expect(r.code).toBe(1);
    const lines = r.out.trimEnd().split("\n");
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(line).toMatch(/^::error file=models\/stem-ck\.sf,line=5,col=20,/);
    expect(lines.join("\n")).toContain("title=SF0401::the checkpoint has no `head.stem.bn.running_var`");
    expect(lines.join("\n")).toContain("title=SF0403::`head.stem.conv.weight` has shape (8, 3, 1, 7, 6)");
    expect(lines.join("\n")).toContain("(std/resnet3d.sf:");
    expect(fs.existsSync(path.join(dir, "never.onnx"))).toBe(false);
  });

  it("are at the alias that chose a standard network, never only in std/*.sf", async () => {
    const FILE = "models/alias-ck.sf";
    const ck = checkpointFor(FILE, "s2.slow.res0.branch2.a.weight");
    const r = await sfc("compile", FILE, "--weights", ck, "-o", path.join(dir, "never.onnx"));
    expect(r.code).toBe(1);
    const lines = r.err.split("\n");
    expect(lines[0]).toBe("error[SF0401]: the checkpoint has no `s2.slow.res0.branch2.a.weight` for s2.slow.res0.branch2.a.weight (8, 10, 1, 1, 1)");
    expect(lines[1]).toMatch(/^ +--> models\/alias-ck\.sf:3:9$/);
    expect(r.err).toContain("`Mine` elaborates `SlowFast` with these arguments");
    expect(r.err).toMatch(/--> std\/resnet3d\.sf:19:12/);
  });
});
