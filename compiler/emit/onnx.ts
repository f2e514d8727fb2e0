/**
 * The ONNX back end: IRGraph -> serialized ModelProto bytes.
 *
 * The model is written by hand around protobufjs rather than by encoding one
 * ModelProto object, because of the weights. Encoding a message object needs
 * every weight's bytes alive at once and then copies them all into the output;
 * here the exact output size is computed first (serialiseOnnx), and the bytes
 * are then produced in order into a sink, one weight at a time: a checkpoint
 * weight is read when its turn comes, an initialised or derived weight is
 * generated into one reused scratch buffer. A sink that streams to a file
 * keeps peak memory at the largest single weight plus its own buffer;
 * emitOnnx's sink is the one buffer of the model's size. No weight ever passes
 * through a JS number array.
 *
 * The bytes are the canonical protobuf serialisation (fields in field-number
 * order), so onnx, onnxruntime and protobufjs all read them; protobuf concatenation
 * rules make "encode(fields before initializer) ++ initializers ++
 * encode(fields after)" the same message as one encode of the whole graph.
 */
import type { onnx } from "onnx-proto";
import { DataType, onnxProto } from "./onnx-enums";
import { graphOutputs, type GraphOutput, type IRGraph, type IRNode, type IRValue, type IRWeight } from "../ir";
import { elementCount, sameShape } from "../shapes";
import { formatSpan } from "../span";
import { fillInitialWeight, PLATFORM_IS_LITTLE_ENDIAN, swapFloat32ByteOrder } from "./init";
import { assignLayouts, type LayoutMode } from "./layout";
import { float32Workspace } from "../passes/index";
import type { DynamicShapes } from "../dynamic/sizes";
import { BATCH_DIM_PARAM, productName } from "../dynamic/dim-names";
import { Poly } from "../dims/poly";
import { fillWeight, weightPieces, type CheckpointBytes, type TensorPieces } from "./materialise";
import {
  float32Bytes,
  int64Bytes,
  lowerNode,
  MAX_OPSET,
  MIN_OPSET,
  unsupportedAtOpset,
  type ConstantTensor,
  type IntermediateValue,
  type LoweringContext,
} from "./lowering";

export { MAX_OPSET, MIN_OPSET, unsupportedAtOpset } from "./lowering";

export const DEFAULT_OPSET = 17;

export interface EmitOnnxOptions {
  /** Default 17. Must be in MIN_OPSET..MAX_OPSET and express every op (see unsupportedAtOpset). */
  readonly opset?: number;
  /** Default: 8, or the first IR version that may import `opset` when that is newer (see defaultIrVersion). */
  readonly irVersion?: number;
  /** Seed for weights not in `weights`; default 0. Any safe integer. */
  readonly seed?: number;
  /** Raw little-endian float32 bytes per weight name (from a checkpoint); the rest are initialised. */
  readonly weights?: ReadonlyMap<string, Uint8Array | LazyBytes>;
  /** ModelProto.producer_name; default PRODUCER_NAME. */
  readonly producerName?: string;
  /** ModelProto.producer_version; left out when not given. */
  readonly producerVersion?: string;
  /** "ncdhw" (default): every video in NCDHW with 3-D ops; "auto": the layout pass (see layout.ts). */
  readonly layout?: LayoutMode;
  /** Leave these dimensions symbolic (--dynamic); see compiler/dynamic/. */
  readonly dynamic?: DynamicShapes;
  /** ModelProto.metadata_props, in this order (see docs/deploy.md for the keys sfc writes). */
  readonly metadata?: ReadonlyArray<readonly [string, MetadataValue]>;
  /** How source paths are written into doc_strings (see SourceHost.displayPath); default: as in the spans. */
  readonly displayPath?: (file: string) => string;
}

export const PRODUCER_NAME = "sfc";

/**
 * A metadata value known only when the model's end is written, e.g. the
 * checkpoint's digest, hashed on another thread while the weights stream:
 * metadata_props comes after the graph. Its UTF-8 length is known from the
 * start, since the model's size is planned before any byte is written.
 */
export interface LateMetadataValue {
  readonly byteLength: number;
  value(): string;
}

export type MetadataValue = string | LateMetadataValue;

/**
 * IR version 8 came with onnx 1.10-1.13 (opsets up to 18); opsets 19-20 came
 * with IR 9, 21-22 with IR 10, 23 with IR 11. A model that imports a newer
 * opset than its IR version knew is inconsistent, so the default follows the
 * opset; an explicit irVersion is taken as given.
 */
export function defaultIrVersion(opset: number): number {
  if (opset <= 18) return 8;
  if (opset <= 20) return 9;
  if (opset <= 22) return 10;
  return 11;
}

/**
 * The IR version below which initializers had to be listed among the graph
 * inputs; this emitter does not list them there.
 */
const MIN_IR_VERSION = 4;

/** Tensors produced in pieces (see TensorPieces) are written this many bytes at a time, at most. */
const PIECE_BYTES = 2 ** 20;

/** ONNX's protobuf files are limited to 2 GiB; beyond it weights must go to external data. */
const MAX_MODEL_BYTES = 2 ** 31 - 1;

const FLOAT = DataType.FLOAT;

/** How an initializer gets its bytes: already in hand, or generated while writing. */
type InitializerSource =
  | { readonly kind: "bytes"; readonly rawData: Uint8Array }
  /** A lowering's float constant, made a piece at a time (OnnxWriter.floatValues). */
  | { readonly kind: "pieces"; readonly pieces: TensorPieces }
  | { readonly kind: "lazy"; readonly bytes: LazyBytes; readonly weight: IRWeight }
  | { readonly kind: "init"; readonly weight: IRWeight }
  /** Computed by a graph pass from other weights (IRWeight.derived). */
  | { readonly kind: "derived"; readonly weight: IRWeight };

/** How an initializer's bytes are produced as the model is written. */
type Production =
  | { readonly kind: "bytes"; readonly rawData: Uint8Array }
  /** A few rows at a time, through one buffer (rowsPerPiece rows of PIECE_BYTES at most). */
  | { readonly kind: "pieces"; readonly pieces: TensorPieces; readonly rowsPerPiece: number }
  /** Read from the checkpoint whole, by a reader that cannot read in place. */
  | { readonly kind: "read"; readonly bytes: LazyBytes }
  /** Made whole into a scratch buffer of the largest. */
  | { readonly kind: "whole"; readonly fill: (values: Float32Array) => void };

function productionOf(source: InitializerSource, seed: number, weights: CheckpointBytes): Production {
  if (source.kind === "bytes") return { kind: "bytes", rawData: source.rawData };
  if (source.kind === "pieces") return inPieces(source.pieces);
  const made = weightPieces(source.weight, seed, weights);
  if (made !== undefined) return inPieces(made);
  switch (source.kind) {
    case "lazy":
      return { kind: "read", bytes: source.bytes };
    case "init":
      return { kind: "whole", fill: (values) => fillInitialWeight(source.weight, seed, values) };
    case "derived":
      return { kind: "whole", fill: (values) => fillWeight(source.weight, seed, weights, values) };
  }
}

function inPieces(pieces: TensorPieces): Production {
  return { kind: "pieces", pieces, rowsPerPiece: Math.min(pieces.rows, Math.max(1, Math.floor(PIECE_BYTES / (pieces.rowLength * 4)))) };
}

/**
 * Checkpoint bytes read only when written, so that a large checkpoint is
 * never in memory beside the model being built: one tensor at a time.
 */
export interface LazyBytes {
  readonly byteLength: number;
  read(): Uint8Array;
  /** `target.byteLength` of the little-endian bytes, from `offset` (default 0), straight into `target`, when the reader can: one copy fewer. */
  readInto?(target: Uint8Array, offset?: number): void;
}

interface PlannedInitializer {
  readonly name: string;
  readonly dataType: onnx.TensorProto.DataType;
  readonly dims: readonly number[];
  readonly byteLength: number;
  readonly source: InitializerSource;
}

/** A float tensor's value_info; `batched` puts the symbolic batch in front of `shape`. */
function tensorValueInfo(name: string, shape: ReadonlyArray<number | string>, batched = true): onnx.IValueInfoProto {
  const dims: onnx.TensorShapeProto.IDimension[] = shape.map((d) => (typeof d === "number" ? { dimValue: d } : { dimParam: d }));
  if (batched) dims.unshift({ dimParam: BATCH_DIM_PARAM });
  return { name, type: { tensorType: { elemType: FLOAT, shape: { dim: dims } } } };
}

/** Hands out names unique within one namespace, preferring the base name itself. */
class NameAllocator {
  private readonly used = new Set<string>();

  reserve(name: string): void {
    this.used.add(name);
  }

  fresh(base: string): string {
    let name = base;
    for (let suffix = 1; this.used.has(name); suffix++) name = `${base}_${suffix}`;
    this.used.add(name);
    return name;
  }
}

function irError(graph: IRGraph, message: string): Error {
  return new Error(`invalid IR graph ${graph.name}: ${message}`);
}

interface PlannedGraph {
  readonly nodes: onnx.INodeProto[];
  readonly initializers: PlannedInitializer[];
  readonly valueInfo: onnx.IValueInfoProto[];
}

/** Lowers every node and decides every initializer, in node order. */
function planGraph(
  graph: IRGraph,
  outputs: readonly GraphOutput[],
  opset: number,
  checkpoint: ReadonlyMap<string, Uint8Array | LazyBytes>,
  dynamic: DynamicShapes | undefined,
  displayPath: ((file: string) => string) | undefined,
): PlannedGraph {
  const valueNames = new NameAllocator();
  const nodeNames = new NameAllocator();
  for (const name of graph.values.keys()) valueNames.reserve(name);
  for (const output of outputs) valueNames.reserve(output.name);
  for (const node of graph.nodes) {
    for (const weight of node.weights) valueNames.reserve(weight.name);
    nodeNames.reserve(node.name);
  }

  const shapeOf = (name: string): readonly number[] => {
    const value = graph.values.get(name);
    if (value === undefined) throw irError(graph, `value ${name} is used but not declared in graph.values`);
    return value.shape;
  };
  const context: LoweringContext = {
    opset,
    shapeOf,
    freshValueName: (base) => valueNames.fresh(base),
    freshNodeName: (base) => nodeNames.fresh(base),
    batchSource: graph.inputs[0]?.name,
    ...(dynamic ? { dynamic } : {}),
    ...(displayPath ? { displayPath } : {}),
  };

  const graphOutputNames = new Set(outputs.map((output) => output.name));
  const available = new Set(graph.inputs.map((input) => input.name));
  const weightsByName = new Map<string, IRWeight>();
  const nodes: onnx.INodeProto[] = [];
  const initializers: PlannedInitializer[] = [];
  const valueInfo: onnx.IValueInfoProto[] = [];

  const planWeight = (node: IRNode, weight: IRWeight): void => {
    const seen = weightsByName.get(weight.name);
    if (seen !== undefined) {
      // A weight shared between nodes is stored once.
      if (!sameShape(seen.shape, weight.shape)) {
        throw irError(graph, `weight ${weight.name} appears with shapes [${seen.shape}] and [${weight.shape}]`);
      }
      return;
    }
    weightsByName.set(weight.name, weight);
    available.add(weight.name);
    const byteLength = elementCount(weight.shape) * 4;
    if (weight.derived !== undefined) {
      initializers.push({ name: weight.name, dataType: FLOAT, dims: weight.shape, byteLength, source: { kind: "derived", weight } });
      return;
    }
    const supplied = checkpoint.get(weight.name);
    if (supplied !== undefined && supplied.byteLength !== byteLength) {
      throw new Error(
        `weight ${weight.name} of ${node.name}: checkpoint has ${supplied.byteLength} bytes, ` + `shape [${weight.shape.join(", ")}] needs ${byteLength}`,
      );
    }
    initializers.push({
      name: weight.name,
      dataType: FLOAT,
      dims: weight.shape,
      byteLength,
      source:
        supplied === undefined
          ? { kind: "init", weight }
          : supplied instanceof Uint8Array
            ? { kind: "bytes", rawData: supplied }
            : { kind: "lazy", bytes: supplied, weight },
    });
  };
  const planConstant = (constant: ConstantTensor): void => {
    available.add(constant.name);
    const { name, dataType, dims } = constant;
    if ("rawData" in constant)
      initializers.push({ name, dataType, dims, byteLength: constant.rawData.byteLength, source: { kind: "bytes", rawData: constant.rawData } });
    else {
      const pieces = { rows: elementCount(dims), rowLength: 1, fill: constant.values };
      initializers.push({ name, dataType, dims, byteLength: elementCount(dims) * 4, source: { kind: "pieces", pieces } });
    }
  };
  const declareValue = (value: IntermediateValue): void => {
    available.add(value.name);
    if (graphOutputNames.has(value.name)) return;
    if (dynamic === undefined || !value.batched) valueInfo.push(tensorValueInfo(value.name, value.shape, value.batched));
    else {
      // Under --dynamic a lowering's own values have sizes only the IR values' polynomials know; onnx infers them.
      const dims = dynamic.dims(value.name);
      if (dims !== undefined) valueInfo.push(tensorValueInfo(value.name, dims));
    }
  };

  for (const node of graph.nodes) {
    // The lowerings pass node.inputs through as ONNX inputs, so the weights
    // must be exactly its trailing inputs, in order.
    const trailing = node.inputs.slice(node.inputs.length - node.weights.length);
    if (node.weights.length > 0 && trailing.some((input, index) => input !== node.weights[index]!.name)) {
      const weightNames = node.weights.map((weight) => weight.name);
      throw irError(graph, `node ${node.name}: weights [${weightNames}] are not its last inputs [${node.inputs}]`);
    }
    for (const input of node.inputs.slice(0, node.inputs.length - node.weights.length)) {
      if (!available.has(input)) throw irError(graph, `node ${node.name} reads ${input} before anything produces it`);
    }
    for (const weight of node.weights) planWeight(node, weight);
    const lowered = lowerNode(node, context);
    for (const constant of lowered.constants) planConstant(constant);
    for (const intermediate of lowered.intermediates) declareValue(intermediate);
    for (const output of node.outputs) declareValue({ name: output, shape: shapeOf(output), batched: true });
    nodes.push(...lowered.nodes);
  }
  for (const { name, value } of outputs) {
    if (!available.has(value.name)) throw irError(graph, `output ${value.name} is never produced`);
    if (name !== value.name) nodes.push({ name: nodeNames.fresh(name), opType: "Identity", input: [value.name], output: [name] });
  }
  return { nodes, initializers, valueInfo };
}

/** The planned graph with the layout pass applied (see layout.ts). */
function laidOut(
  plan: PlannedGraph,
  graph: IRGraph,
  outputInfo: onnx.IValueInfoProto[],
  opset: number,
  shapeOf: (value: IRValue) => ReadonlyArray<number | string>,
  dynamic: DynamicShapes | undefined,
): PlannedGraph {
  const taken = new Set<string>([...graph.values.keys(), ...plan.initializers.map((i) => i.name)]);
  for (const node of plan.nodes) {
    if (node.name) taken.add(node.name);
    for (const name of [...(node.input ?? []), ...(node.output ?? [])]) taken.add(name);
  }
  const result = assignLayouts({
    nodes: plan.nodes,
    valueInfo: plan.valueInfo,
    graphInputs: graph.inputs.map((input) => tensorValueInfo(input.name, shapeOf(input))),
    graphOutputs: outputInfo,
    initializers: plan.initializers,
    opset,
    taken,
    times: (a, b) => productName(a, b, (name) => (name === BATCH_DIM_PARAM ? Poly.symbol(name) : dynamic?.polyOf(name))),
  });
  const initializers = plan.initializers.map((initializer) => {
    const dims = result.initializerDims.get(initializer.name);
    return dims === undefined ? initializer : { ...initializer, dims };
  });
  for (const constant of result.constants) {
    const rawData = constant.type === "int64" ? int64Bytes(constant.values) : float32Bytes(constant.values);
    initializers.push({
      name: constant.name,
      dataType: constant.type === "int64" ? DataType.INT64 : DataType.FLOAT,
      dims: constant.dims,
      byteLength: rawData.byteLength,
      source: { kind: "bytes", rawData },
    });
  }
  const valueInfo = [...plan.valueInfo.filter((info) => !result.removedValues.has(info.name ?? "")), ...result.addedValueInfo];
  return { nodes: result.nodes, initializers, valueInfo };
}

// --- protobuf wire format, for the parts written by hand -------------------

const WIRE_LENGTH_DELIMITED = 2;
const MODEL_GRAPH_FIELD = 7;
const GRAPH_INITIALIZER_FIELD = 5;
const TENSOR_RAW_DATA_FIELD = 9;

function varintLength(value: number): number {
  let length = 1;
  while (value >= 0x80) {
    value = Math.floor(value / 0x80);
    length++;
  }
  return length;
}

function writeVarint(target: Uint8Array, offset: number, value: number): number {
  // Division rather than >>> so lengths past 2^31 would still encode correctly.
  while (value >= 0x80) {
    target[offset++] = (value % 0x80) | 0x80;
    value = Math.floor(value / 0x80);
  }
  target[offset++] = value;
  return offset;
}

const lengthDelimitedTag = (field: number): number => (field << 3) | WIRE_LENGTH_DELIMITED;

/** Bytes of a length-delimited field with `payloadLength` bytes of payload. */
const fieldLength = (field: number, payloadLength: number): number => varintLength(lengthDelimitedTag(field)) + varintLength(payloadLength) + payloadLength;

function writeFieldHeader(target: Uint8Array, offset: number, field: number, payloadLength: number): number {
  offset = writeVarint(target, offset, lengthDelimitedTag(field));
  return writeVarint(target, offset, payloadLength);
}

/**
 * Serialises `graph` as an ONNX ModelProto. Throws on an op the opset cannot
 * express (check `unsupportedAtOpset` first to report it properly), on a
 * checkpoint weight whose byte length does not match its shape, on an IR graph
 * that breaks the IR's invariants, and on models over protobuf's 2 GiB limit.
 */
export function emitOnnx(graph: IRGraph, options: EmitOnnxOptions = {}): Uint8Array {
  return serialisedBytes(serialiseOnnx(graph, options));
}

/** The whole model in one buffer of its exact size. */
export function serialisedBytes(serialised: SerialisedModel): Uint8Array {
  const model = new Uint8Array(serialised.byteLength);
  let offset = 0;
  serialised.writeTo({
    write(bytes) {
      model.set(bytes, offset);
      offset += bytes.byteLength;
    },
  });
  return model;
}

/** Where serialised bytes go, in order; a sink copies what it keeps (the writer reuses its buffers). */
export interface ByteSink {
  write(bytes: Uint8Array): void;
}

/** A model ready to write: its exact size in bytes, and its bytes, produced in order into any sink. */
export interface SerialisedModel {
  readonly byteLength: number;
  /** The ONNX nodes of the graph, as onnx and Netron count them (a lowering may give an IR node several). */
  readonly nodeCount: number;
  writeTo(sink: ByteSink): void;
}

/**
 * Plans the model's serialisation without producing its weights: the whole
 * model is never in memory unless the sink keeps it. Each weight is read from
 * the checkpoint or generated into one reused scratch buffer, handed to the
 * sink, and dropped. Same errors as emitOnnx, the checkpoint's at write time.
 */
export function serialiseOnnx(graph: IRGraph, options: EmitOnnxOptions = {}): SerialisedModel {
  const opset = options.opset ?? DEFAULT_OPSET;
  const irVersion = options.irVersion ?? defaultIrVersion(opset);
  const seed = options.seed ?? 0;
  if (!Number.isInteger(opset) || opset < MIN_OPSET || opset > MAX_OPSET) {
    throw new RangeError(`opset ${opset} is outside the supported range ${MIN_OPSET}..${MAX_OPSET}`);
  }
  if (!Number.isInteger(irVersion) || irVersion < MIN_IR_VERSION) {
    throw new RangeError(`IR version ${irVersion} is not supported (need >= ${MIN_IR_VERSION})`);
  }
  for (const node of graph.nodes) {
    const why = unsupportedAtOpset(node.op, opset);
    if (why !== undefined) throw new RangeError(`${formatSpan(node.span)}: ${node.name}: ${why}`);
  }

  // Named once (ir.ts): the plan reserves the names, the layout pass and the graph's tail declare them.
  const outputs = graphOutputs(graph);
  const plain = planGraph(graph, outputs, opset, options.weights ?? new Map(), options.dynamic, options.displayPath);
  const shapeOf = (value: { name: string; shape: readonly number[] }) => options.dynamic?.dims(value.name) ?? value.shape;
  const outputInfo = outputs.map((output) => tensorValueInfo(output.name, shapeOf(output.value)));
  const plan = options.layout === "auto" ? laidOut(plain, graph, outputInfo, opset, shapeOf, options.dynamic) : plain;

  const proto = onnxProto();
  const modelHead = proto.ModelProto.encode({
    irVersion,
    producerName: options.producerName ?? PRODUCER_NAME,
    ...(options.producerVersion !== undefined ? { producerVersion: options.producerVersion } : {}),
  }).finish();
  // Planned with stand-ins of the late values' lengths; encoded again with the values at the end.
  const encodeModelTail = (valueOf: (value: LateMetadataValue) => string): Uint8Array =>
    proto.ModelProto.encode({
      opsetImport: [{ domain: "", version: opset }],
      metadataProps: (options.metadata ?? []).map(([key, value]) => ({ key, value: typeof value === "string" ? value : valueOf(value) })),
    }).finish();
  const plannedModelTail = encodeModelTail((late) => "0".repeat(late.byteLength));
  const hasLateMetadata = (options.metadata ?? []).some(([, value]) => typeof value !== "string");
  const modelTail = (): Uint8Array => {
    if (!hasLateMetadata) return plannedModelTail;
    const tail = encodeModelTail((late) => {
      const value = late.value();
      if (Buffer.byteLength(value, "utf8") !== late.byteLength)
        throw new Error(`emitOnnx: a late metadata value has ${Buffer.byteLength(value, "utf8")} bytes, planned ${late.byteLength}`);
      return value;
    });
    if (tail.byteLength !== plannedModelTail.byteLength)
      throw new Error(`emitOnnx: the model's tail has ${tail.byteLength} bytes, planned ${plannedModelTail.byteLength}`);
    return tail;
  };
  const graphHead = proto.GraphProto.encode({ node: plan.nodes, name: graph.name }).finish();
  const graphTail = proto.GraphProto.encode({
    docString: formatSpan(graph.span, options.displayPath),
    input: graph.inputs.map((input) => tensorValueInfo(input.name, shapeOf(input))),
    output: outputInfo,
    valueInfo: plan.valueInfo,
  }).finish();

  const initializerLayouts = plan.initializers.map((initializer) => {
    const header = proto.TensorProto.encode({
      dims: [...initializer.dims],
      dataType: initializer.dataType,
      name: initializer.name,
    }).finish();
    const tensorLength = header.length + fieldLength(TENSOR_RAW_DATA_FIELD, initializer.byteLength);
    return { initializer, header, tensorLength };
  });

  let graphLength = graphHead.length + graphTail.length;
  for (const layout of initializerLayouts) graphLength += fieldLength(GRAPH_INITIALIZER_FIELD, layout.tensorLength);
  const totalLength = modelHead.length + fieldLength(MODEL_GRAPH_FIELD, graphLength) + plannedModelTail.length;
  if (totalLength > MAX_MODEL_BYTES) {
    throw new RangeError(`model ${graph.name} would be ${totalLength} bytes, over ONNX's 2 GiB protobuf limit (external data is not supported)`);
  }

  const writeTo = (sink: ByteSink): void => {
    // Streamed constants and the weights that can be (read in place or generated, folded or not) go through a buffer
    // of a few rows at a time; the rest that is produced here through one buffer of the largest.
    const weights: CheckpointBytes = options.weights ?? new Map();
    const productions = new Map<PlannedInitializer, Production>();
    let largestWhole = 0;
    let largestPiece = 0;
    for (const initializer of plan.initializers) {
      const production = productionOf(initializer.source, seed, weights);
      productions.set(initializer, production);
      if (production.kind === "pieces") largestPiece = Math.max(largestPiece, production.rowsPerPiece * production.pieces.rowLength);
      else if (production.kind === "whole") largestWhole = Math.max(largestWhole, initializer.byteLength);
    }
    const scratch = new Uint8Array(largestWhole);
    // Where a folded conv weight's rows are scaled, as WebAssembly SIMD when there is one (passes/scale-rows.ts).
    const piece = float32Workspace(largestPiece);
    const fieldHeader = new Uint8Array(20);
    let written = 0;
    const put = (bytes: Uint8Array): void => {
      sink.write(bytes);
      written += bytes.byteLength;
    };
    const putFieldHeader = (field: number, payloadLength: number): void => put(fieldHeader.subarray(0, writeFieldHeader(fieldHeader, 0, field, payloadLength)));
    put(modelHead);
    putFieldHeader(MODEL_GRAPH_FIELD, graphLength);
    put(graphHead);
    for (const { initializer, header, tensorLength } of initializerLayouts) {
      putFieldHeader(GRAPH_INITIALIZER_FIELD, tensorLength);
      put(header);
      putFieldHeader(TENSOR_RAW_DATA_FIELD, initializer.byteLength);
      const production = productions.get(initializer)!;
      switch (production.kind) {
        case "bytes":
          put(production.rawData);
          break;
        case "pieces": {
          const { pieces: made, rowsPerPiece } = production;
          for (let row = 0; row < made.rows; row += rowsPerPiece) {
            const values = piece.subarray(0, Math.min(rowsPerPiece, made.rows - row) * made.rowLength);
            made.fill(row, values);
            const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
            if (!PLATFORM_IS_LITTLE_ENDIAN) swapFloat32ByteOrder(bytes);
            put(bytes);
          }
          break;
        }
        case "read": {
          const bytes = production.bytes.read();
          if (bytes.byteLength !== initializer.byteLength)
            throw new Error(`weight ${initializer.name}: read ${bytes.byteLength} bytes, expected ${initializer.byteLength}`);
          put(bytes);
          break;
        }
        case "whole": {
          const bytes = scratch.subarray(0, initializer.byteLength);
          production.fill(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4));
          if (!PLATFORM_IS_LITTLE_ENDIAN) swapFloat32ByteOrder(bytes);
          put(bytes);
          break;
        }
      }
    }
    put(graphTail);
    put(modelTail());
    if (written !== totalLength) throw new Error(`emitOnnx: wrote ${written} bytes, planned ${totalLength}`);
  };
  return { byteLength: totalLength, nodeCount: plan.nodes.length, writeTo };
}
