/**
 * A Caffe2 blobs dict saved again from Python 3 (test/fixtures/caffe2-python3,
 * written by Python's own pickler with make.py there): at protocol 2 its bytes
 * are `_codecs.encode(text, 'latin1')` calls, at protocol 5 its arrays are
 * `numpy.core.numeric._frombuffer(...)` calls. Both read as the Python 2 file
 * does, and nothing is called.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { readCaffe2 } from "../../compiler/weights/caffe2";
import { readCheckpoint } from "../../compiler/weights/read";
import { PickleWriter } from "../support/checkpoints";
import { CheckpointError, type LoadedTensor } from "../../compiler/weights/tensor";

const folder = path.resolve(__dirname, "../fixtures/caffe2-python3");
const read = (name: string): Uint8Array => new Uint8Array(fs.readFileSync(path.join(folder, name)));

function values(t: LoadedTensor): number[] {
  const d = t.data.slice();
  switch (t.dtype) {
    case "float32":
      return Array.from(new Float32Array(d.buffer));
    case "float64":
      return Array.from(new Float64Array(d.buffer));
    case "int64":
      return Array.from(new BigInt64Array(d.buffer), Number);
    case "int32":
      return Array.from(new Int32Array(d.buffer));
    default:
      throw new Error(`no test reads ${t.dtype}`);
  }
}

describe.each([2, 5])("Python 3's pickle of Caffe2 blobs at protocol %i", (protocol) => {
  it("reads every array, Fortran order included, with make.py's values, as a Caffe2 checkpoint", () => {
    const ck = readCheckpoint(read(`blobs-protocol${protocol}.pkl`), "SLOWFAST_8x8_R50.pkl");
    expect(ck.format).toBe("caffe2");
    const got = Object.fromEntries([...ck.tensors].map(([name, t]) => [name, { dtype: t.dtype, shape: t.shape, values: values(t) }]));
    expect(got).toEqual({
      conv1_w: { dtype: "float32", shape: [2, 3, 1, 1, 1], values: [-1.5, 0.25, 3, -0.0078125, Math.fround(1e-3), 255] },
      pred_b: { dtype: "float64", shape: [2], values: [0.5, -1] },
      model_iter: { dtype: "int64", shape: [1], values: [196000] },
      lr: { dtype: "int32", shape: [], values: [7] },
      res2_0_branch2a_w: { dtype: "float32", shape: [2, 3], values: [0, 1, 2, 3, 4, 5] },
    });
  });
});

/** `{"blobs": {_codecs.encode(name, encoding): 1}}` at protocol 2. */
function blobNamedByEncode(name: string, encoding: string): Uint8Array {
  return new PickleWriter()
    .proto(2)
    .emptyDict()
    .str("blobs")
    .emptyDict()
    .global("_codecs", "encode")
    .mark()
    .str(name)
    .str(encoding)
    .tuple()
    .reduce()
    .int(1)
    .setitem()
    .setitem()
    .stop()
    .bytes();
}

describe("bytes as _codecs.encode", () => {
  it("naming a blob in another encoding, or with a character latin-1 cannot encode, are refused as the file's fault", () => {
    expect(() => readCaffe2(blobNamedByEncode("a", "utf-8"))).toThrow(
      new CheckpointError(
        "Caffe2 pickle: a key calls _codecs.encode with encoding 'utf-8'; bytes are pickled as _codecs.encode(text, 'latin1'), one character per byte",
      ),
    );
    expect(() => readCaffe2(blobNamedByEncode("Δ", "latin1"))).toThrow(CheckpointError);
    expect(() => readCaffe2(blobNamedByEncode("Δ", "latin1"))).toThrow(/calls _codecs\.encode with a character past U\+00FF, which latin-1 cannot encode$/);
  });

  it("in another encoding than latin-1 are refused, naming the call", () => {
    const bytes = Buffer.from(read("blobs-protocol2.pkl"));
    // The same length, so the pickle's framing stays valid.
    const edited = Buffer.from(bytes.toString("latin1").replaceAll("latin1", "utf-16"), "latin1");
    expect(edited.equals(bytes)).toBe(false);
    expect(() => readCheckpoint(new Uint8Array(edited), "x.pkl")).toThrow(
      new CheckpointError(
        "x.pkl: Caffe2 pickle: blob 'conv1_w' calls _codecs.encode with encoding 'utf-16'; bytes are pickled as _codecs.encode(text, 'latin1'), one character per byte",
      ),
    );
  });
});
