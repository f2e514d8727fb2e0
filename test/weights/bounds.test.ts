/**
 * Checkpoints that declare more than they hold, or hold more than they
 * declare: every size is checked against the archive's directory before
 * anything is allocated, and tensor bytes are read only when used.
 */
import { deflateRawSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { readCheckpoint } from "../../compiler/weights/read";
import { readPyth } from "../../compiler/weights/torch-save";
import { PickleWriter, type TensorRef, f32bytes, writeStateDict, writeTorchZip, writeZip } from "../support/checkpoints";
import { checkpointErrorOf } from "../support/checkpoint-errors";

function stateDict(entries: [string, TensorRef][]): Uint8Array {
  return writeStateDict(new PickleWriter().proto(2), entries).stop().bytes();
}

/** Rewrites the uncompressed size that the central directory records for `name`. */
function claimSize(zip: Uint8Array, name: string, size: number): Uint8Array {
  const out = zip.slice();
  const dv = new DataView(out.buffer);
  for (let p = 0; p + 46 <= out.length; p++) {
    if (dv.getUint32(p, true) !== 0x02014b50) continue;
    const len = dv.getUint16(p + 28, true);
    if (Buffer.from(out.subarray(p + 46, p + 46 + len)).toString() === name) {
      dv.setUint32(p + 24, size, true);
      return out;
    }
  }
  throw new Error(`no entry ${name}`);
}

const w6: TensorRef = { storageType: "FloatStorage", key: "0", storageNumel: 6, size: [6] };

describe("checkpoint bounds", () => {
  it("reads a tensor only when its data is used", () => {
    // Storage 1's entry is not a deflate stream: only reading `broken` notices.
    const pkl = stateDict([
      ["good", w6],
      ["broken", { ...w6, key: "1" }],
    ]);
    const zip = writeZip([
      { name: "archive/data.pkl", data: pkl },
      { name: "archive/data/0", data: f32bytes([0, 1, 2, 3, 4, 5]), deflate: true },
      { name: "archive/data/1", data: f32bytes([0, 1, 2, 3, 4, 5]), deflate: true },
    ]);
    const bad = zip.slice();
    const body = Buffer.from(deflateRawSync(f32bytes([0, 1, 2, 3, 4, 5])));
    const at = Buffer.from(bad).lastIndexOf(body);
    bad.fill(0xff, at, at + body.length);
    const ck = readPyth(bad);
    expect(Array.from(new Float32Array(ck.tensors.get("good")!.data.slice().buffer))).toEqual([0, 1, 2, 3, 4, 5]);
    expect(checkpointErrorOf(() => ck.tensors.get("broken")!.data)).toMatch(/archive\/data\/1.*does not inflate/);
  });

  it("never inflates a storage beyond what the tensor header declares (deflate bomb)", () => {
    // 8 MiB of zeros deflate to about 8 KiB; the pickle says the storage holds 6 floats.
    const zeros = new Uint8Array(8 << 20);
    const honest = writeTorchZip(stateDict([["w", w6]]), { 0: zeros }, { deflate: true });
    expect(honest.byteLength).toBeLessThan(1 << 16);
    expect(checkpointErrorOf(() => readPyth(honest).tensors.get("w")!.data)).toMatch(/archive\/data\/0' declares 8388608 bytes, more than the 24/);
    // The same bomb, lying in the directory that it holds 24 bytes: inflation stops at 24.
    const lying = claimSize(honest, "archive/data/0", 24);
    expect(checkpointErrorOf(() => readPyth(lying).tensors.get("w")!.data)).toMatch(/inflates to more than the 24 bytes it declares/);
  });

  it("bounds data.pkl before inflating it", () => {
    const pkl = new PickleWriter().proto(2).emptyDict().stop().bytes();
    const zip = writeZip([{ name: "archive/data.pkl", data: pkl, deflate: true }]);
    expect(checkpointErrorOf(() => readPyth(claimSize(zip, "archive/data.pkl", 2 ** 31)))).toMatch(
      /data\.pkl' declares 2147483648 bytes, more than the 16777216/,
    );
  });

  it("refuses a stride-0 view that declares 64 GiB over a 4-byte storage, before allocating", () => {
    const view: TensorRef = { storageType: "FloatStorage", key: "0", storageNumel: 1, size: [1 << 20, 1 << 14], stride: [0, 0] };
    const file = writeTorchZip(stateDict([["w", view]]), { 0: f32bytes([1]) });
    expect(file.byteLength).toBeLessThan(1000);
    expect(checkpointErrorOf(() => readCheckpoint(file, "view.pyth"))).toMatch(
      /^view\.pyth: torch\.save: tensor 'w': shape \[1048576, 16384\] of float32 is 68719476736 bytes, more than the 2147483648 one tensor may hold \(a stride-0 view/,
    );
    // A small stride-0 view (an expanded tensor) is fine.
    const small = writeTorchZip(stateDict([["w", { ...view, size: [2, 3] }]]), { 0: f32bytes([7]) });
    expect(Array.from(new Float32Array(readPyth(small).tensors.get("w")!.data.slice().buffer))).toEqual([7, 7, 7, 7, 7, 7]);
  });

  it("names a legacy torch.save file as such, with how to convert it", () => {
    // PyTorch < 1.6: the pickled magic number 0x1950a86a20f9469cfc6c, then the protocol version...
    const legacy = new PickleWriter().proto(2).op(0x8a, 10, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19).stop();
    legacy.proto(2).int(1001).stop();
    expect(checkpointErrorOf(() => readCheckpoint(legacy.bytes(), "old.pth"))).toMatch(
      /^old\.pth: this is a legacy torch\.save file .*torch\.save\(torch\.load/,
    );
  });
});
