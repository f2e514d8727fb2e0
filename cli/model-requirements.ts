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

/**
 * A model sfc wrote declares each input's shape twice: in the graph and in
 * its requirements. They must agree, batch included, or the sizes sfc
 * checks a clip against are not the ones onnxruntime will see (an input
 * edited by hand, a shape stripped by another tool): such a model is
 * damaged, and refused.
 */
export function checkDeclaredInputs(requirements: ShapeRequirements, inputs: ReadonlyArray<DeclaredInput>, file: string): void {
  const damaged = (why: string): UsageError => new UsageError(`${file}: ${why}; the model is damaged: compile it again`);
  const shown = (dims: ReadonlyArray<number | string>): string => `(${dims.join(", ")})`;
  for (const input of inputs) {
    const stated = Object.hasOwn(requirements.inputs, input.name) ? requirements.inputs[input.name] : undefined;
    if (stated === undefined) throw damaged(`input ${input.name} is not in its requirements metadata`);
    const declared = input.dims;
    if (declared === undefined || declared.length !== stated.length || declared.some((d, i) => d !== stated[i]))
      throw damaged(
        `input ${input.name} is declared ${declared === undefined ? "without a shape" : `as ${shown(declared)}`}, but its requirements metadata says ${shown(stated)}`,
      );
  }
  const names = new Set(inputs.map((i) => i.name));
  for (const name of Object.keys(requirements.inputs))
    if (!names.has(name)) throw damaged(`its requirements metadata names an input ${name} the graph does not have`);
}

/** A graph input as the model declares it. */
export interface DeclaredInput {
  readonly name: string;
  /**
   * Every dimension, the batch first: numbers, or dim_param names (the
   * batch's `N`, and others' under --dynamic; "?" where another producer's
   * model names none); undefined when it states no shape at all.
   */
  readonly dims: ReadonlyArray<number | string> | undefined;
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
