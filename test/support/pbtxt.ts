/**
 * A small protobuf text-format parser, checked against a message schema as
 * protoc's text parser does: every field must be declared, scalars must have
 * the declared type (integers, strings, enum value names), messages nest, and
 * only repeated fields take `[ ... ]` lists or repeat. Just enough of the
 * format for Triton's config.pbtxt; written for the tests, independent of the
 * writer in compiler/emit/triton.ts.
 */
export type FieldType = "string" | "int32" | "int64" | "uint64" | "bool" | { enum: readonly string[] } | { message: string };
export interface FieldSpec {
  readonly type: FieldType;
  readonly repeated?: boolean;
}
export type Schema = Record<string, Record<string, FieldSpec>>;
export type Message = Record<string, unknown>;

export function parseTextProto(text: string, schema: Schema, root: string): Message {
  const tokens = [...text.replace(/#[^\n]*/g, "").matchAll(/"(?:[^"\\]|\\.)*"|[{}[\]:,]|[^\s{}[\]:,"]+/g)].map((m) => m[0]);
  let i = 0;
  const fail = (why: string): never => {
    throw new Error(`${why} at token ${i} (${JSON.stringify(tokens[i])})`);
  };
  const scalar = (tok: string, type: FieldType, field: string): unknown => {
    if (typeof type === "object" && "enum" in type) return type.enum.includes(tok) ? tok : fail(`${field}: ${tok} is not one of ${type.enum.join(", ")}`);
    if (type === "string") return /^"/.test(tok) ? JSON.parse(tok) : fail(`${field}: expected a string`);
    if (type === "bool") return tok === "true" ? true : tok === "false" ? false : fail(`${field}: expected a bool`);
    if (!/^-?\d+$/.test(tok)) return fail(`${field}: expected an integer`);
    const n = Number(tok);
    if (type === "uint64" && n < 0) fail(`${field}: negative uint64`);
    if (type === "int32" && (n < -(2 ** 31) || n >= 2 ** 31)) fail(`${field}: out of int32 range`);
    return n;
  };
  const message = (name: string, closing: string | undefined): Message => {
    const spec = schema[name] ?? fail(`no message ${name}`);
    const out: Message = {};
    while (i < tokens.length && tokens[i] !== closing) {
      const field = tokens[i++]!;
      const f = spec[field] ?? fail(`${name} has no field ${field}`);
      const isMessage = typeof f.type === "object" && "message" in f.type;
      if (tokens[i] === ":") i++;
      else if (!isMessage) fail(`${field}: expected ':'`);
      const one = (): unknown => {
        if (isMessage) {
          if (tokens[i++] !== "{") fail(`${field}: expected '{'`);
          const m = message((f.type as { message: string }).message, "}");
          i++;
          return m;
        }
        return scalar(tokens[i++]!, f.type, field);
      };
      let values: unknown[];
      if (tokens[i] === "[") {
        if (!f.repeated) fail(`${field} is not repeated`);
        i++;
        values = [];
        while (tokens[i] !== "]") {
          values.push(one());
          if (tokens[i] === ",") i++;
        }
        i++;
      } else values = [one()];
      if (f.repeated) out[field] = [...((out[field] as unknown[]) ?? []), ...values];
      else if (field in out) fail(`${field} given twice`);
      else out[field] = values[0];
    }
    return out;
  };
  const m = message(root, undefined);
  if (i !== tokens.length) fail("trailing input");
  return m;
}

/** Triton's DataType enum, shared by inputs and outputs. */
const DATA_TYPES = [
  "TYPE_INVALID",
  "TYPE_BOOL",
  "TYPE_UINT8",
  "TYPE_UINT16",
  "TYPE_UINT32",
  "TYPE_UINT64",
  "TYPE_INT8",
  "TYPE_INT16",
  "TYPE_INT32",
  "TYPE_INT64",
  "TYPE_FP16",
  "TYPE_FP32",
  "TYPE_FP64",
  "TYPE_STRING",
  "TYPE_BF16",
];

/** The part of Triton's inference.ModelConfig (model_config.proto) that sfc writes, with its field types. */
export const MODEL_CONFIG: Schema = {
  ModelConfig: {
    name: { type: "string" },
    platform: { type: "string" },
    backend: { type: "string" },
    max_batch_size: { type: "int32" },
    input: { type: { message: "ModelInput" }, repeated: true },
    output: { type: { message: "ModelOutput" }, repeated: true },
    instance_group: { type: { message: "ModelInstanceGroup" }, repeated: true },
    dynamic_batching: { type: { message: "ModelDynamicBatching" } },
    default_model_filename: { type: "string" },
  },
  ModelInput: {
    name: { type: "string" },
    data_type: { type: { enum: DATA_TYPES } },
    format: { type: { enum: ["FORMAT_NONE", "FORMAT_NHWC", "FORMAT_NCHW"] } },
    dims: { type: "int64", repeated: true },
    is_shape_tensor: { type: "bool" },
    optional: { type: "bool" },
  },
  ModelOutput: {
    name: { type: "string" },
    data_type: { type: { enum: DATA_TYPES } },
    dims: { type: "int64", repeated: true },
    label_filename: { type: "string" },
    is_shape_tensor: { type: "bool" },
  },
  ModelInstanceGroup: {
    name: { type: "string" },
    kind: { type: { enum: ["KIND_AUTO", "KIND_GPU", "KIND_CPU", "KIND_MODEL"] } },
    count: { type: "int32" },
    gpus: { type: "int32", repeated: true },
  },
  ModelDynamicBatching: {
    preferred_batch_size: { type: "int32", repeated: true },
    max_queue_delay_microseconds: { type: "uint64" },
    preserve_ordering: { type: "bool" },
  },
};
