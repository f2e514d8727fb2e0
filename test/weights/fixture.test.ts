import { describe, expect, it } from "vitest";
import { readPyth } from "../../compiler/weights/torch-save";
import { readZip } from "../../compiler/weights/zip";
import { readCheckpoint } from "../../compiler/weights/read";
import { readSafetensors } from "../../compiler/weights/safetensors";
import { Checkpoint, numel, toFloat32Bytes } from "../../compiler/weights/tensor";
import { readFixture } from "../support/fixtures";

const stBytes = readFixture("weights.safetensors");
const pythBytes = readFixture("weights.pyth");
const st = readSafetensors(stBytes);
const pyth = readPyth(pythBytes);

function isRunningStat(name: string): boolean {
  return /\.(running_mean|running_var|num_batches_tracked)$/.test(name);
}

describe("reference fixture weights", () => {
  it("safetensors and torch.save give the same names, dtypes, shapes and bytes", () => {
    expect(st.format).toBe("safetensors");
    expect(pyth.format).toBe("pyth");
    expect(st.tensors.size).toBe(662);
    expect([...pyth.tensors.keys()].sort()).toEqual([...st.tensors.keys()].sort());
    for (const [name, a] of st.tensors) {
      const b = pyth.tensors.get(name)!;
      expect(b.name).toBe(name);
      expect(b.dtype, name).toBe(a.dtype);
      expect(b.shape, name).toEqual(a.shape);
      expect(Buffer.compare(Buffer.from(a.data), Buffer.from(b.data)), name).toBe(0);
    }
  });

  it("keeps the state dict order of the torch.save file", () => {
    const names = [...pyth.tensors.keys()];
    expect(names[0]).toBe("s1.pathway0_stem.conv.weight");
    expect(names[names.length - 1]).toBe("head.projection.bias");
  });

  it("reads num_batches_tracked as 0-dim int64 and everything else as float32", () => {
    for (const ck of [st, pyth]) {
      let counters = 0;
      for (const [name, t] of ck.tensors) {
        if (name.endsWith(".num_batches_tracked")) {
          counters++;
          expect(t.dtype).toBe("int64");
          expect(t.shape).toEqual([]);
          expect(t.data.byteLength).toBe(8);
        } else {
          expect(t.dtype, name).toBe("float32");
          expect(t.data.byteLength).toBe(numel(t.shape) * 4);
        }
      }
      expect(counters).toBe(110);
    }
  });

  it("has 2,117,404 parameters: the weights and biases, not BN running statistics", () => {
    const count = (ck: Checkpoint): number => {
      let n = 0;
      for (const [name, t] of ck.tensors) if (!isRunningStat(name)) n += numel(t.shape);
      return n;
    };
    expect(count(st)).toBe(2_117_404);
    expect(count(pyth)).toBe(2_117_404);
    const weightsAndBiases = [...st.tensors.values()].filter((t) => /\.(weight|bias)$/.test(t.name)).reduce((n, t) => n + numel(t.shape), 0);
    expect(weightsAndBiases).toBe(2_117_404);
  });

  it("has the expected layer shapes", () => {
    expect(st.tensors.get("s1.pathway0_stem.conv.weight")!.shape).toEqual([16, 3, 1, 7, 7]);
    expect(st.tensors.get("head.projection.bias")!.shape).toEqual([10]);
  });

  it("does not copy tensor bytes", () => {
    for (const t of st.tensors.values()) expect(t.data.buffer).toBe(stBytes.buffer);
    for (const t of pyth.tensors.values()) expect(t.data.buffer).toBe(pythBytes.buffer);
    const w = st.tensors.get("s1.pathway0_stem.conv.weight")!;
    expect(toFloat32Bytes(w)).toBe(w.data);
  });

  it("torch.save storages are 64-byte aligned so float32 views are possible", () => {
    for (const t of pyth.tensors.values()) expect(t.data.byteOffset % 64).toBe(0);
    const w = pyth.tensors.get("head.projection.weight")!;
    const f = new Float32Array(w.data.buffer, w.data.byteOffset, numel(w.shape));
    expect(f.every(Number.isFinite)).toBe(true);
  });

  it("exposes the safetensors metadata", () => {
    expect(st.metadata?.seed).toBe("7");
    expect(JSON.parse(st.metadata!.config!).arch).toBe("slowfast");
  });

  it("readCheckpoint picks the reader from the content, not the file name", () => {
    expect(readCheckpoint(pythBytes, "weights.safetensors").format).toBe("pyth");
    expect(readCheckpoint(stBytes, "weights.pyth").format).toBe("safetensors");
  });

  it("the zip reader sees the torch.save layout", () => {
    const zip = readZip(pythBytes);
    expect(zip.entries.size).toBe(664);
    expect(zip.entries.has("slowfast_4x16_r50_w16/data.pkl")).toBe(true);
    expect(new TextDecoder().decode(zip.read(zip.entries.get("slowfast_4x16_r50_w16/version")!))).toBe("3\n");
  });
});
