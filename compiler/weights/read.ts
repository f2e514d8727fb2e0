import { readPyth } from './pyth';
import { readSafetensors } from './safetensors';
import { Checkpoint, CheckpointError } from './tensor';

/**
 * Reads a checkpoint, recognising the format by its first bytes rather than by
 * the file name (PySlowFast's `.pyth` and `.pth` are both torch.save archives,
 * and renamed files are common). Errors carry `fileName` in their message.
 */
export function readCheckpoint(bytes: Uint8Array, fileName: string): Checkpoint {
  try {
    if (isZip(bytes)) return readPyth(bytes);
    if (isLegacyTorchSave(bytes)) {
      throw new CheckpointError(
        'this is a legacy (pre-zip, PyTorch < 1.6) torch.save file, which is not supported; ' +
          're-save it with a current PyTorch (torch.save(torch.load(path), path)) or convert it to safetensors',
      );
    }
    if (bytes.byteLength >= 9 && bytes[8] === 0x7b /* { */) return readSafetensors(bytes);
    throw new CheckpointError(
      bytes.byteLength < 9
        ? `the file is ${bytes.byteLength} bytes, too short to be a checkpoint`
        : 'not a checkpoint: neither a safetensors file (8-byte header length, then JSON) nor a torch.save zip archive',
    );
  } catch (e) {
    if (e instanceof CheckpointError) throw e.inFile(fileName);
    throw e;
  }
}

function isZip(b: Uint8Array): boolean {
  return b.byteLength >= 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;
}

/** Legacy torch.save starts with a pickled magic number: PROTO 2, LONG1 of 10 bytes. */
function isLegacyTorchSave(b: Uint8Array): boolean {
  return b.byteLength >= 4 && b[0] === 0x80 && b[1] === 0x02 && b[2] === 0x8a && b[3] === 0x0a;
}
