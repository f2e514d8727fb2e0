/**
 * The `requirements` metadata of a model given to `sfc run` (read and checked
 * by the library's readRequirements): a model sfc wrote is run only if its
 * requirements can be trusted.
 */
import type { onnx } from "onnx-proto";
import { packageInfo } from "../compiler/host/node";
import { readRequirements } from "../compiler/dynamic/read-requirements";
import type { ShapeRequirements } from "../compiler/dynamic/requirements";
import { UsageError } from "./usage-error";

/**
 * The `requirements` metadata of a model sfc wrote; undefined for a model
 * that states none (another producer's, or one written before sfc wrote
 * them). A model that says it is sfc's and whose requirements cannot be read
 * is refused, not run unchecked: its metadata is damaged, and sizes it would
 * refuse would reach onnxruntime.
 */
export function modelRequirements(decoded: onnx.ModelProto, file: string): ShapeRequirements | undefined {
  const text = metadataValue(decoded, "requirements");
  if (text === undefined) return undefined;
  const reading = readRequirements(text);
  if (reading.ok) return reading.requirements;
  // Another producer's key of the same name is theirs to read.
  if (reading.foreign && !isSfcModel(decoded)) return undefined;
  throw new UsageError(`${file}: its requirements metadata is damaged: ${reading.problem}`);
}

function metadataValue(decoded: onnx.ModelProto, key: string): string | undefined {
  return decoded.metadataProps?.find((p) => p.key === key)?.value ?? undefined;
}

/** sfc writes its version under `sfc_version` (compiler/metadata.ts) and its package's name as the producer; either says the model is sfc's. */
function isSfcModel(decoded: onnx.ModelProto): boolean {
  if (metadataValue(decoded, "sfc_version") !== undefined) return true;
  try {
    return decoded.producerName === packageInfo().name;
  } catch {
    return false; // no package.json to say: sfc_version alone decides
  }
}
