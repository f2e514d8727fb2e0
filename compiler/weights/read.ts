import { readCaffe2 } from "./caffe2";
import { readPyth } from "./torch-save";
import { readSafetensorsFrom } from "./safetensors";
import { asByteSource, type ByteSource, Checkpoint, CheckpointError } from "./tensor";

/** A Caffe2 pickle holds its arrays inline and is read whole: twice ONNX's 2 GiB of weights, to leave room for solver state. */
const MAX_CAFFE2_BYTES = 2 ** 32;

/**
 * Reads a checkpoint, recognising the format by its first bytes rather than by
 * the file name (PySlowFast's `.pyth` and `.pth` are both torch.save archives,
 * its model zoo's `.pkl` files are Caffe2 blobs, and renamed files are common).
 * Safetensors and torch.save tensors are read from the source only when used;
 * a Caffe2 pickle holds its arrays inline and is read whole. Throws a
 * CheckpointError for bytes that are not a checkpoint sfc reads, with
 * `fileName` in its message when it is given.
 */
export function readCheckpoint(input: Uint8Array | ByteSource, fileName?: string): Checkpoint {
  const source = asByteSource(input);
  try {
    const head = source.read(0, Math.min(16, source.byteLength)).slice();
    if (isZip(head)) return readPyth(source);
    // Before the pickles: a header of 640 bytes starts 80 02 00 ..., which is also how a pickle starts.
    if (isSafetensors(head, source.byteLength)) return readSafetensorsFrom(source, !(input instanceof Uint8Array));
    if (isLegacyTorchSave(head)) {
      throw new CheckpointError(
        "this is a legacy torch.save file (the pre-zip format of PyTorch < 1.6: a pickled magic number, " +
          "then pickles and raw storages), which sfc does not read; re-save it with PyTorch >= 1.6 " +
          "(torch.save(torch.load(path), new_path)) or convert it to safetensors",
      );
    }
    if (isPickle(head)) {
      if (source.byteLength > MAX_CAFFE2_BYTES) {
        throw new CheckpointError(
          `a Caffe2 pickle is read whole, and this one is ${source.byteLength} bytes, more than the ${MAX_CAFFE2_BYTES} sfc reads; ` +
            "convert it to safetensors or torch.save",
        );
      }
      return readCaffe2(input instanceof Uint8Array ? input : source.read(0, source.byteLength));
    }
    // A header whose length runs past the end: the safetensors reader says so.
    if (head.byteLength >= 9 && head[8] === 0x7b /* { */) return readSafetensorsFrom(source, !(input instanceof Uint8Array));
    throw new CheckpointError(
      head.byteLength < 9
        ? `the file is ${source.byteLength} bytes, too short to be a checkpoint`
        : "not a checkpoint: neither a safetensors file (8-byte header length, then JSON), a torch.save zip archive, " + "nor a Caffe2 pickle of blobs",
    );
  } catch (e) {
    if (e instanceof CheckpointError && fileName !== undefined) throw e.inFile(fileName);
    throw e;
  }
}

/**
 * Safetensors: an 8-byte little-endian header length, then the header's JSON
 * object, all within the file. A pickle's first eight bytes read as such a
 * length run far past its end.
 */
function isSafetensors(b: Uint8Array, byteLength: number): boolean {
  if (b.byteLength < 9 || b[8] !== 0x7b /* { */) return false;
  const headerLength = new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0, true);
  return 8n + headerLength <= BigInt(byteLength);
}

function isZip(b: Uint8Array): boolean {
  return b.byteLength >= 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;
}

/** Legacy torch.save starts with a pickled magic number: PROTO 2, LONG1 of 10 bytes. */
function isLegacyTorchSave(b: Uint8Array): boolean {
  return b.byteLength >= 4 && b[0] === 0x80 && b[1] === 0x02 && b[2] === 0x8a && b[3] === 0x0a;
}

/** A pickle of protocol 2 or later starts with PROTO; Caffe2's Python 2 dumps use protocol 2. */
function isPickle(b: Uint8Array): boolean {
  return b.byteLength >= 3 && b[0] === 0x80 && b[1]! >= 2 && b[1]! <= 5;
}
