/**
 * MMAction2's SlowFast checkpoints (Recognizer3D with ResNet3dSlowFast): the
 * reference fixture's weights under MMAction2's names, without the lateral BN
 * that MMAction2's network does not have, compile through --weight-names
 * mmaction2 into the network with MMAction2's lateral (transform=tconv_only),
 * and give the same model as the same weights under PySlowFast's names.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { onnx } from "onnx-proto";
import { afterAll, describe, expect, it } from "vitest";
import { sfc } from "../support/cli";
import { readSafetensors } from "../../compiler/weights/safetensors";
import { writeSafetensors } from "../support/checkpoints";
import { fixturePath } from "../support/fixtures";

const work = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-mmaction2-"));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** PySlowFast's name to MMAction2's, written out from its module layout; undefined where MMAction2 has no such tensor. */
function mmaction2Name(pys: string): string | undefined {
  const layer: Record<string, string> = { a: "conv1", b: "conv2", c: "conv3" };
  const path_ = (p: string): string => (p === "0" ? "slow_path" : "fast_path");
  let m: RegExpExecArray | null;
  if ((m = /^s1\.pathway(\d)_stem\.(conv|bn)\.(.+)$/.exec(pys))) return `backbone.${path_(m[1]!)}.conv1.${m[2]}.${m[3]}`;
  if ((m = /^s(\d)\.pathway(\d)_res(\d+)\.branch2\.([abc])(_bn)?\.(.+)$/.exec(pys)))
    return `backbone.${path_(m[2]!)}.layer${Number(m[1]) - 1}.${m[3]}.${layer[m[4]!]}.${m[5] ? "bn" : "conv"}.${m[6]}`;
  if ((m = /^s(\d)\.pathway(\d)_res(\d+)\.branch1(_bn)?\.(.+)$/.exec(pys)))
    return `backbone.${path_(m[2]!)}.layer${Number(m[1]) - 1}.${m[3]}.downsample.${m[4] ? "bn" : "conv"}.${m[5]}`;
  if ((m = /^s1_fuse\.conv_f2s\.(.+)$/.exec(pys))) return `backbone.slow_path.conv1_lateral.conv.${m[1]}`;
  if ((m = /^s(\d)_fuse\.conv_f2s\.(.+)$/.exec(pys))) return `backbone.slow_path.layer${Number(m[1]) - 1}_lateral.conv.${m[2]}`;
  if ((m = /^head\.projection\.(.+)$/.exec(pys))) return `cls_head.fc_cls.${m[1]}`;
  if (/_fuse\.bn\./.test(pys)) return undefined;
  throw new Error(`no MMAction2 name for ${pys}`);
}

const NET = ["std/slowfast.sf", "--network", "SlowFast_4x16_R50", "--set", "C=16", "--set", "S=48", "--set", "classes=10"];
const fixture = readSafetensors(new Uint8Array(fs.readFileSync(fixturePath("weights.safetensors"))));

function write(file: string, rename: (n: string) => string | undefined): string {
  const entries: Record<string, { dtype: string; shape: number[]; data: Uint8Array }> = {};
  for (const [name, t] of fixture.tensors) {
    if (name.endsWith("num_batches_tracked")) continue;
    const to = rename(name);
    if (to !== undefined) entries[to] = { dtype: "F32", shape: t.shape, data: t.data };
  }
  const out = path.join(work, file);
  fs.writeFileSync(out, writeSafetensors(entries));
  return out;
}

describe("--weight-names mmaction2", () => {
  const mm = write("mmaction2.safetensors", mmaction2Name);

  it("compiles an MMAction2-named checkpoint into the network with MMAction2's lateral, the same model as under PySlowFast's names", async () => {
    const a = path.join(work, "mm.onnx");
    const r = await sfc("compile", ...NET, "--set", "transform=tconv_only", "--weights", mm, "--weight-names", "mmaction2", "-o", a);
    expect(r.err).toMatch(/^wrote /);
    const pys = write("pyslowfast-no-lateral-bn.safetensors", (n) => (/_fuse\.bn\./.test(n) ? undefined : n));
    const b = path.join(work, "pys.onnx");
    expect((await sfc("compile", ...NET, "--set", "transform=tconv_only", "--weights", pys, "--weight-names", "pyslowfast", "-o", b)).code).toBe(0);
    // The metadata names the weights file; the graphs, weights included, are the same.
    const graph = (f: string): Uint8Array => onnx.GraphProto.encode(onnx.ModelProto.decode(fs.readFileSync(f)).graph!).finish();
    expect(Buffer.from(graph(a)).equals(Buffer.from(graph(b)))).toBe(true);
  });

  it("into the standard network, says once that MMAction2's laterals have no BN, and how to compile it", async () => {
    const r = await sfc("compile", ...NET, "--weights", mm, "--weight-names", "mmaction2", "-o", path.join(work, "never.onnx"));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      /^error\[SF0401\]: the checkpoint has none of the 16 weights of the Fast-to-Slow laterals' batch norms: `s1\.fuse\.bn\.weight`, `s1\.fuse\.bn\.bias`, `s1\.fuse\.bn\.running_mean`, `s1\.fuse\.bn\.running_var`, and 12 more\n/,
    );
    expect(r.err).toMatch(/note: MMAction2's Fast-to-Slow laterals .* are a convolution alone .*no BN and no ReLU/);
    expect(r.err).toMatch(/help: compile the network with MMAction2's lateral: `--set transform=tconv_only` \(std\.slowfast's SlowFast\)/);
    expect(r.err.match(/error\[/g)).toHaveLength(1);
  });

  it("with a lateral kernel of 7 (MMAction2's 8×8 models), names the kernel and the setting that takes it", async () => {
    // The fixture's 5-tap lateral convolutions padded with a zero tap at each end: a 7-tap convolution with the same output.
    const seven = write("mmaction2-k7.safetensors", mmaction2Name);
    const tensors = readSafetensors(new Uint8Array(fs.readFileSync(seven))).tensors;
    const entries: Record<string, { dtype: string; shape: number[]; data: Uint8Array }> = {};
    for (const [name, t] of tensors) {
      if (!/_lateral\.conv\.weight$/.test(name)) {
        entries[name] = { dtype: "F32", shape: t.shape, data: t.data };
        continue;
      }
      const [out, inC] = t.shape as [number, number];
      const from = new Float32Array(t.data.slice().buffer);
      const to = new Float32Array(out * inC * 7);
      for (let o = 0; o < out * inC; o++) to.set(from.subarray(o * 5, o * 5 + 5), o * 7 + 1);
      entries[name] = { dtype: "F32", shape: [out, inC, 7, 1, 1], data: new Uint8Array(to.buffer) };
    }
    fs.writeFileSync(seven, writeSafetensors(entries));
    const r = await sfc(
      "compile",
      ...NET,
      "--set",
      "transform=tconv_only",
      "--weights",
      seven,
      "--weight-names",
      "mmaction2",
      "-o",
      path.join(work, "never7.onnx"),
    );
    expect(r.code).toBe(1);
    expect(r.err.match(/error\[SF0403\]/g)).toHaveLength(4);
    expect(r.err).toContain(
      "help: only the kernel differs: the checkpoint's is 7×1×1, this network's 5×1×1; give the layer the checkpoint's kernel: for std.slowfast's lateral, `--set K=7`, or `--set 'transform=tconv_only(k: 7)'` with MMAction2's",
    );
    const seven7 = path.join(work, "k7.onnx");
    const ok = await sfc("compile", ...NET, "--set", "transform=tconv_only(k: 7)", "--weights", seven, "--weight-names", "mmaction2", "-o", seven7);
    expect([ok.code, ok.err]).toEqual([0, expect.stringMatching(/^wrote /)]);
  });
});
