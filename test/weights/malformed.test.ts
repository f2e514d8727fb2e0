/**
 * Checkpoints that are malformed in ways a lax reader would accept: a storage
 * whose element count is not a count, one storage key given two types, a zip
 * archive naming an entry twice. Each is refused, with where and why.
 */
import { describe, expect, it } from "vitest";
import { readPyth } from "../../compiler/weights/torch-save";
import { PickleWriter, f32bytes, writeStateDict, writeTorchZip, writeZip } from "../support/checkpoints";
import { checkpointErrorOf } from "../support/checkpoint-errors";

/** A one-tensor state dict whose storage's element count is pickled by `count`. */
function withStorageCount(count: (w: PickleWriter) => PickleWriter): Uint8Array {
  const w = new PickleWriter().proto(2).global("collections", "OrderedDict").emptyTuple().reduce().mark().str("w");
  w.global("torch._utils", "_rebuild_tensor_v2").mark();
  count(w.mark().str("storage").global("torch", "FloatStorage").str("0").str("cpu")).tuple().binpersid();
  w.int(0).ints([6]).ints([1]).bool(false).global("collections", "OrderedDict").emptyTuple().reduce().tuple().reduce();
  return writeTorchZip(w.setitems().stop().bytes(), { 0: f32bytes([0, 1, 2, 3, 4, 5]) });
}

describe("torch.save storages", () => {
  it("refuse an element count that is NaN, fractional or negative", () => {
    expect(checkpointErrorOf(() => readPyth(withStorageCount((w) => w.float(NaN))))).toMatch(
      /gives storage '0' an element count of NaN, not a non-negative integer/,
    );
    expect(checkpointErrorOf(() => readPyth(withStorageCount((w) => w.float(1.5))))).toMatch(/an element count of 1\.5/);
    expect(checkpointErrorOf(() => readPyth(withStorageCount((w) => w.int(-5))))).toMatch(/an element count of -5/);
    expect(readPyth(withStorageCount((w) => w.int(6))).tensors.get("w")?.shape).toEqual([6]);
  });

  it("refuse one storage key given two types", () => {
    const pkl = writeStateDict(new PickleWriter().proto(2), [
      ["a", { storageType: "FloatStorage", key: "0", storageNumel: 6, size: [6] }],
      ["b", { storageType: "HalfStorage", key: "0", storageNumel: 6, size: [6] }],
    ])
      .stop()
      .bytes();
    expect(checkpointErrorOf(() => readPyth(writeTorchZip(pkl, { 0: f32bytes([0, 1, 2, 3, 4, 5]) })))).toMatch(
      /names storage '0' twice, as FloatStorage of 6 elements and as HalfStorage of 6/,
    );
  });
});

describe("zip archives", () => {
  it("refuse two entries of one name", () => {
    const pkl = writeStateDict(new PickleWriter().proto(2), [["a", { storageType: "FloatStorage", key: "0", storageNumel: 1, size: [1] }]])
      .stop()
      .bytes();
    const zip = writeZip([
      { name: "archive/data.pkl", data: pkl },
      { name: "archive/data/0", data: f32bytes([1]) },
      { name: "archive/data/0", data: f32bytes([2]) },
    ]);
    expect(checkpointErrorOf(() => readPyth(zip))).toMatch(/zip: the archive holds two entries named 'archive\/data\/0'/);
  });
});
