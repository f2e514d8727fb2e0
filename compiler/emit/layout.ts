/**
 * The layout pass: which memory layout each video value takes in the emitted
 * graph, and the conversions between layouts.
 *
 * The graph IR, and the plain lowering of it, keep every video in ONNX's
 * NCDHW order and use 3-D ops throughout. onnxruntime's fast (NCHWc) CPU
 * kernels exist for 2-D convolutions and pools only, so this pass rewrites
 * the lowered graph:
 *
 * - time-local ops (convs and pools with a kernel, stride and padding of 1, 1
 *   and 0 in time) run as 2-D ops on the time-folded layout (N·T, C, H, W);
 * - temporal convs (k×1×1) run as 2-D convs over (N, C, T, H·W), a free
 *   reshape of NCDHW;
 * - a stem conv with few input channels and a temporal kernel (the Fast
 *   pathway's 5×7²) runs as one 2-D conv with k·C outputs on the folded
 *   layout, whose time-shifted output groups are summed;
 * - elementwise ops, batch norm and channel concats follow their inputs: they
 *   run folded when every data input is folded;
 * - everything else sees NCDHW.
 *
 * Sizes left symbolic by --dynamic are read at run time (Shape, Gather,
 * Concat) wherever a reshape needs them; never a fixed T or S.
 *
 * A conversion is placed where a value is needed in a layout it does not have,
 * once per value and layout, so a run of time-local ops pays one transpose at
 * each end. The pass preserves the function computed (outputs equal to the
 * plain lowering's within float rounding), the graph's inputs and outputs, and
 * each node's doc_string (its source span) on every node it becomes. It works
 * on the lowered nodes because a folded layout merges the batch into time,
 * which the IR's batch-free shapes cannot state.
 */
import type { onnx } from "onnx-proto";
import { DataType } from "./onnx-enums";
import { intAttribute, intsAttribute } from "./onnx-attributes";

/** "auto": the rewrite above; "ncdhw": the plain lowering, unchanged. */
export type LayoutMode = "auto" | "ncdhw";

export const LAYOUT_MODES: readonly LayoutMode[] = ["auto", "ncdhw"];

/** A dimension: a number, or symbolic (the batch, or a dynamic size). */
type Dim = number | string;

export interface LaidOutGraph {
  readonly nodes: onnx.INodeProto[];
  /** value_info of the values the pass added (folded values, conversions). */
  readonly addedValueInfo: onnx.IValueInfoProto[];
  /** Values the pass left without a producer: drop their value_info. */
  readonly removedValues: ReadonlySet<string>;
  /** Initializers whose dims change (a 3-D kernel with one tap in time read as 2-D). */
  readonly initializerDims: ReadonlyMap<string, readonly number[]>;
  /** Constants the conversions need: int64 shapes, pads and slice bounds; the stem's float32 tap-sum matrix. */
  readonly constants: ReadonlyArray<LayoutConstant>;
}

export interface LayoutConstant {
  readonly name: string;
  readonly type: "int64" | "float32";
  readonly dims: readonly number[];
  readonly values: readonly number[];
}

export interface LayoutInput {
  readonly nodes: readonly onnx.INodeProto[];
  readonly valueInfo: readonly onnx.IValueInfoProto[];
  readonly graphInputs: readonly onnx.IValueInfoProto[];
  readonly graphOutputs: readonly onnx.IValueInfoProto[];
  readonly initializers: ReadonlyArray<{ readonly name: string; readonly dims: readonly number[] }>;
  readonly opset: number;
  /** Names already taken (values, initializers, nodes). */
  readonly taken: ReadonlySet<string>;
  /** The product of two dimensions, named as the dimension algebra names it where either is symbolic (dynamic/dim-names.ts). */
  readonly times: (a: Dim, b: Dim) => Dim;
}

/** How an ONNX op takes part: what it needs of its data inputs' layout. */
type Role = "follows" | "folds" | "temporal" | "stem" | "ncdhw";

/** Elementwise ops (and batch norm, channel concat) that compute the same in either layout. */
const FOLLOWERS = new Set([
  "Relu",
  "Sigmoid",
  "Tanh",
  "LeakyRelu",
  "Elu",
  "Gelu",
  "HardSwish",
  "HardSigmoid",
  "Softplus",
  "Add",
  "Sub",
  "Mul",
  "Div",
  "BatchNormalization",
  "Concat",
  "Identity",
  "Dropout",
]);

/** A stem conv runs as a 2-D conv with kt·C outputs when it has at most this many input channels. */
const STEM_MAX_INPUT_CHANNELS = 4;

function attr(node: onnx.INodeProto, name: string): onnx.IAttributeProto | undefined {
  return node.attribute?.find((a) => a.name === name);
}

function ints(node: onnx.INodeProto, name: string, fallback: readonly number[]): number[] {
  const a = attr(node, name);
  return a?.ints ? a.ints.map(Number) : [...fallback];
}

function dimsOf(info: onnx.IValueInfoProto): Dim[] | undefined {
  const dims = info.type?.tensorType?.shape?.dim;
  return dims?.map((d) => (d.dimValue !== undefined && d.dimValue !== null ? Number(d.dimValue) : (d.dimParam ?? "?")));
}

/** A batched 5-D value with a known channel count; time and space may be symbolic (--dynamic). */
const isVideo = (dims: readonly Dim[] | undefined): dims is Dim[] => dims !== undefined && dims.length === 5 && typeof dims[1] === "number";

/** A piece of a run-time shape: a known size, or dims [from, to) of a value's shape. */
type ShapePart = number | { readonly of: string; readonly from: number; readonly to: number };

/** A conv or pool's window facts, in ONNX attribute order (t, h, w). */
interface Window {
  readonly kernel: number[];
  readonly strides: number[];
  readonly pads: number[];
  readonly dilations: number[];
}

function windowOf(node: onnx.INodeProto, weightDims: readonly number[] | undefined): Window {
  const kernel = ints(node, "kernel_shape", weightDims ? weightDims.slice(2) : [1, 1, 1]);
  return { kernel, strides: ints(node, "strides", [1, 1, 1]), pads: ints(node, "pads", [0, 0, 0, 0, 0, 0]), dilations: ints(node, "dilations", [1, 1, 1]) };
}

/**
 * The largest tap-sum matrix (T_out × T·kt floats) the stem is lowered with:
 * it grows with the square of the clip's length and is almost all zeros, so
 * a long clip (400 Fast frames made a 3.2 MB matrix, 4,000 frames 320 MB and
 * a 6 GB compile) sums its taps by slices instead. 1 MiB of floats covers the
 * paper's clips (32 Fast frames: 20 KB).
 */
const MAX_TAP_SUM_ELEMENTS = 2 ** 18;

export function assignLayouts(input: LayoutInput): LaidOutGraph {
  const { times } = input;
  const shapes = new Map<string, Dim[]>();
  for (const info of [...input.graphInputs, ...input.valueInfo, ...input.graphOutputs]) {
    const dims = dimsOf(info);
    if (info.name && dims) shapes.set(info.name, dims);
  }
  const initializerDims = new Map(input.initializers.map((i) => [i.name, i.dims]));
  const useCount = new Map<string, number>();
  for (const node of input.nodes) for (const name of node.input ?? []) useCount.set(name, (useCount.get(name) ?? 0) + 1);

  const taken = new Set(input.taken);
  const fresh = (base: string): string => {
    let name = base;
    for (let k = 1; taken.has(name); k++) name = `${base}_${k}`;
    taken.add(name);
    return name;
  };

  const out: onnx.INodeProto[] = [];
  const addedValueInfo: onnx.IValueInfoProto[] = [];
  const constants: LayoutConstant[] = [];
  const newDims = new Map<string, readonly number[]>();
  const constant = (purpose: string, values: readonly number[]): string => {
    const name = fresh(purpose);
    constants.push({ name, type: "int64", dims: [values.length], values: [...values] });
    return name;
  };
  const floatConstant = (purpose: string, dims: readonly number[], values: readonly number[]): string => {
    const name = fresh(purpose);
    constants.push({ name, type: "float32", dims: [...dims], values: [...values] });
    return name;
  };
  const declare = (name: string, dims: readonly (Dim | undefined)[]): void => {
    const dim = dims.map((d) => (d === undefined ? {} : typeof d === "number" ? { dimValue: d } : { dimParam: d }));
    addedValueInfo.push({ name, type: { tensorType: { elemType: DataType.FLOAT, shape: { dim } } } });
  };
  /**
   * A reshape target: a constant when every size is known, otherwise built
   * at run time from the shapes of the values named (--dynamic sizes).
   */
  const shapeOperand = (purpose: string, parts: readonly ShapePart[], doc: string | null | undefined): string => {
    if (parts.every((p) => typeof p === "number")) return constant(purpose, parts as number[]);
    const pieces: string[] = [];
    let known: number[] = [];
    const flushKnown = (): void => {
      if (known.length > 0) pieces.push(constant(`${purpose}_known`, known));
      known = [];
    };
    for (const part of parts) {
      if (typeof part === "number") {
        known.push(part);
        continue;
      }
      flushKnown();
      const shape = fresh(`${part.of}/shape`);
      emit("Shape", [part.of], [shape], doc);
      const indices = Array.from({ length: part.to - part.from }, (_, i) => part.from + i);
      const picked = fresh(`${purpose}_dims`);
      emit("Gather", [shape, constant(`${purpose}_indices`, indices)], [picked], doc, [intAttribute("axis", 0)]);
      pieces.push(picked);
    }
    flushKnown();
    const name = fresh(purpose);
    emit("Concat", pieces, [name], doc, [intAttribute("axis", 0)]);
    return name;
  };
  const sized = (dims: readonly Dim[], value: string, from: number, to: number): ShapePart[] =>
    dims.slice(from, to).every((d) => typeof d === "number") ? (dims.slice(from, to) as number[]) : [{ of: value, from, to }];
  const emit = (opType: string, inputs: string[], outputs: string[], docString: string | null | undefined, attributes: onnx.IAttributeProto[] = []): void => {
    out.push({
      opType,
      input: inputs,
      output: outputs,
      name: fresh(`${outputs[0]}/${opType}`),
      ...(docString ? { docString } : {}),
      ...(attributes.length ? { attribute: attributes } : {}),
    });
  };

  // Per video value: its folded form (N·T, C, H, W), and whether its NCDHW form exists yet.
  const folded = new Map<string, string>();
  const plainReady = new Set<string>([...input.graphInputs.map((i) => i.name ?? ""), ...initializerDims.keys()]);
  const removedValues = new Set<string>();

  // Conversions carry a span: the consumer's, or (for graph outputs) the producer's.
  const producerDoc = new Map<string, string | null | undefined>();
  for (const node of input.nodes) for (const o of node.output ?? []) producerDoc.set(o, node.docString);

  // Where each folded value's frame count can be read at run time: a 5-D value with the same T.
  const timeSource = new Map<string, string>();

  /**
   * The first dim of a folded value, N·T, named ("32*N") rather than left
   * unknown: onnxruntime fuses a residual Add (and the Relu after it) into the
   * NCHWc conv before it only when it can prove both inputs the same shape.
   */
  const foldedBatch = (dims: readonly Dim[]): Dim | undefined => {
    const [n, , t] = dims;
    return n === undefined || n === "?" || t === undefined || t === "?" ? undefined : times(n, t);
  };
  const toFolded = (value: string, doc: string | null | undefined): string => {
    const existing = folded.get(value);
    if (existing !== undefined) return existing;
    const dims = shapes.get(value)!;
    const [, c, t, h, w] = dims;
    const moved = fresh(`${value}/time_major`);
    emit("Transpose", [value], [moved], doc, [intsAttribute("perm", [0, 2, 1, 3, 4])]);
    declare(moved, [undefined, t, c, h, w]);
    const name = fresh(`${value}/folded`);
    emit("Reshape", [moved, shapeOperand(`${value}/folded_shape`, [-1, c as number, ...sized(dims, value, 3, 5)], doc)], [name], doc);
    declare(name, [foldedBatch(dims), c, h, w]);
    folded.set(value, name);
    timeSource.set(name, value);
    return name;
  };
  const toPlain = (value: string, doc: string | null | undefined): string => {
    if (plainReady.has(value)) return value;
    const source = folded.get(value);
    if (source === undefined) return value; // not a video value this pass touched
    const dims = shapes.get(value)!;
    const [, c, t, h, w] = dims;
    const frames: ShapePart[] = typeof t === "number" ? [t] : [{ of: timeSource.get(source)!, from: 2, to: 3 }];
    const unfolded = fresh(`${value}/time_major`);
    emit(
      "Reshape",
      [source, shapeOperand(`${value}/unfolded_shape`, [-1, ...frames, c as number, ...sized([0, c!, h!, w!], source, 2, 4)], doc)],
      [unfolded],
      doc,
    );
    declare(unfolded, [undefined, t, c, h, w]);
    emit("Transpose", [unfolded], [value], doc, [intsAttribute("perm", [0, 2, 1, 3, 4])]);
    plainReady.add(value);
    removedValues.delete(value);
    return value;
  };
  /** (N, C, T, H·W): NCDHW with space flattened, a free reshape; once per value. */
  const flattened = new Map<string, string>();
  const timeBySpace = (value: string, doc: string | null | undefined): string => {
    const existing = flattened.get(value);
    if (existing !== undefined) return existing;
    const [, c, t, h, w] = shapes.get(value)!;
    const name = fresh(`${value}/time_by_space`);
    emit("Reshape", [toPlain(value, doc), constant(`${value}/time_by_space_shape`, [0, 0, 0, -1])], [name], doc);
    declare(name, [undefined, c, t, times(h!, w!)]);
    flattened.set(value, name);
    return name;
  };
  /** The output of a node that ran folded (with `frames`' frame count): named apart, its NCDHW form made only if asked for. */
  const foldedOutput = (value: string, frames: string): string => {
    const name = fresh(`${value}/folded`);
    const dims = shapes.get(value)!;
    const [, c, , h, w] = dims;
    declare(name, [foldedBatch(dims), c, h, w]);
    folded.set(value, name);
    timeSource.set(name, timeSource.get(frames) ?? frames);
    removedValues.add(value);
    return name;
  };

  const dataInputs = (node: onnx.INodeProto): string[] => (node.input ?? []).filter((name) => name !== "" && !initializerDims.has(name));

  const roleOf = (node: onnx.INodeProto): Role => {
    const type = node.opType ?? "";
    const data = dataInputs(node);
    const output = node.output?.[0] ?? "";
    const outDims = shapes.get(output);
    if (!isVideo(outDims) || data.length === 0 || !data.every((d) => isVideo(shapes.get(d)))) return "ncdhw";
    if (FOLLOWERS.has(type)) {
      if ((node.output?.length ?? 0) !== 1) return "ncdhw";
      if (type === "Concat" && Number(attr(node, "axis")?.i ?? 0) !== 1) return "ncdhw";
      if (type === "BatchNormalization" && data.length !== 1) return "ncdhw";
      // Broadcasting (a channel vector against a video) does not survive folding.
      const first = shapes.get(data[0]!)!;
      const sameShape = data.every((d) => shapes.get(d)!.every((dim, i) => i === 0 || dim === first[i]));
      if (type !== "Concat" && !sameShape) return "ncdhw";
      if (type === "Concat" && !data.every((d) => shapes.get(d)![2] === first[2])) return "ncdhw";
      return "follows";
    }
    if (type !== "Conv" && type !== "MaxPool" && type !== "AveragePool") return "ncdhw";
    if (data.length !== 1) return "ncdhw";
    const weight = type === "Conv" ? node.input?.[1] : undefined;
    const weightDims = weight !== undefined ? initializerDims.get(weight) : undefined;
    if (type === "Conv" && (weightDims === undefined || (useCount.get(weight!) ?? 0) !== 1)) return "ncdhw";
    const { kernel, strides, pads, dilations } = windowOf(node, weightDims);
    if (kernel.length !== 3) return "ncdhw";
    const timeLocal = kernel[0] === 1 && strides[0] === 1 && pads[0] === 0 && pads[3] === 0;
    if (timeLocal) return "folds";
    if (type !== "Conv") return "ncdhw";
    const spatialPoint =
      kernel[1] === 1 &&
      kernel[2] === 1 &&
      strides[1] === 1 &&
      strides[2] === 1 &&
      pads.every((p, i) => i % 3 === 0 || p === 0) &&
      dilations[1] === 1 &&
      dilations[2] === 1;
    if (spatialPoint) return "temporal";
    const group = Number(attr(node, "group")?.i ?? 1);
    const inputChannels = shapes.get(data[0]!)![1] as number;
    // "Same" padding in time keeps the frame count, so the output's T is the input's.
    const keepsFrames = pads[0]! + pads[3]! === kernel[0]! - 1;
    const stemLike = inputChannels <= STEM_MAX_INPUT_CHANNELS && group === 1 && strides[0] === 1 && dilations[0] === 1 && keepsFrames && input.opset >= 13;
    return stemLike ? "stem" : "ncdhw";
  };

  const twoD = (node: onnx.INodeProto, window: Window, dropTime: boolean): onnx.IAttributeProto[] => {
    const pick = (xs: number[], idx: number[]): number[] => idx.map((i) => xs[i]!);
    const [k, s, p, d] = dropTime
      ? [pick(window.kernel, [1, 2]), pick(window.strides, [1, 2]), pick(window.pads, [1, 2, 4, 5]), pick(window.dilations, [1, 2])]
      : [
          [window.kernel[0]!, 1],
          [window.strides[0]!, 1],
          [window.pads[0]!, 0, window.pads[3]!, 0],
          [window.dilations[0]!, 1],
        ];
    const keep = (node.attribute ?? []).filter((a) => !["kernel_shape", "strides", "pads", "dilations"].includes(a.name ?? ""));
    const attributes = [...keep, intsAttribute("kernel_shape", k), intsAttribute("strides", s), intsAttribute("pads", p)];
    if (node.opType !== "AveragePool" && node.opType !== "MaxPool") attributes.push(intsAttribute("dilations", d));
    else if (node.opType === "MaxPool" && window.dilations.some((x) => x !== 1)) attributes.push(intsAttribute("dilations", d));
    return attributes;
  };

  for (const node of input.nodes) {
    const doc = node.docString;
    const role = roleOf(node);
    const output = node.output?.[0] ?? "";
    switch (role) {
      case "ncdhw": {
        out.push({ ...node, input: (node.input ?? []).map((name) => (name === "" ? name : toPlain(name, doc))) });
        for (const o of node.output ?? []) plainReady.add(o);
        break;
      }
      case "follows": {
        const data = new Set(dataInputs(node));
        if ([...data].every((d) => folded.has(d))) {
          const first = folded.get([...data][0]!)!;
          out.push({ ...node, input: (node.input ?? []).map((name) => (data.has(name) ? folded.get(name)! : name)), output: [foldedOutput(output, first)] });
        } else {
          out.push({ ...node, input: (node.input ?? []).map((name) => (data.has(name) ? toPlain(name, doc) : name)) });
          plainReady.add(output);
        }
        break;
      }
      case "folds": {
        const [x, weight, ...rest] = node.input ?? [];
        const weightDims = weight !== undefined ? initializerDims.get(weight) : undefined;
        const window = windowOf(node, node.opType === "Conv" ? weightDims : undefined);
        if (weight !== undefined && weightDims !== undefined) newDims.set(weight, [weightDims[0]!, weightDims[1]!, weightDims[3]!, weightDims[4]!]);
        const foldedInput = toFolded(x!, doc);
        const inputs = [foldedInput, ...(weight !== undefined ? [weight] : []), ...rest];
        out.push({ ...node, input: inputs, output: [foldedOutput(output, foldedInput)], attribute: twoD(node, window, true) });
        break;
      }
      case "temporal": {
        const [x, weight, ...rest] = node.input ?? [];
        const weightDims = initializerDims.get(weight!)!;
        newDims.set(weight!, [weightDims[0]!, weightDims[1]!, weightDims[2]!, 1]);
        const xDims = shapes.get(x!)!;
        const [, , , h, w] = xDims;
        const flat = timeBySpace(x!, doc);
        const [, co, to] = shapes.get(output)!;
        const convOut = fresh(`${output}/time_by_space`);
        out.push({ ...node, input: [flat, weight!, ...rest], output: [convOut], attribute: twoD(node, windowOf(node, weightDims), false) });
        declare(convOut, [undefined, co, to, times(h!, w!)]);
        emit("Reshape", [convOut, shapeOperand(`${output}/shape`, [0, 0, 0, ...sized(xDims, x!, 3, 5)], doc)], [output], doc);
        plainReady.add(output);
        break;
      }
      case "stem": {
        lowerStem(node);
        break;
      }
      default: {
        const unhandled: never = role;
        throw new Error(`layout: unhandled role ${String(unhandled)}`);
      }
    }
  }
  for (const o of input.graphOutputs) toPlain(o.name ?? "", producerDoc.get(o.name ?? ""));

  /**
   * A conv with kt×kh×kw kernel, stride 1 in time and few input channels:
   * one 2-D conv with kt·Co outputs over the folded input, then
   * out[t] = Σ_k Y[t + k − pad_t, k], zero where t + k − pad_t is outside
   * the clip (the padding the 3-D conv had). The weight's rearrangement is
   * a Transpose and Reshape of the initializer, which runtimes fold at load.
   */
  function lowerStem(node: onnx.INodeProto): void {
    const doc = node.docString;
    const [x, weight, bias] = node.input ?? [];
    const output = node.output?.[0] ?? "";
    const weightDims = initializerDims.get(weight!)!;
    const [co, ci, kt, kh, kw] = weightDims as [number, number, number, number, number];
    const window = windowOf(node, weightDims);
    const [, , t] = shapes.get(x!)!;
    const outDims = shapes.get(output)!;
    const [, , tOut, hOut, wOut] = outDims;
    const [padBegin, padEnd] = [window.pads[0]!, window.pads[3]!];

    const wMoved = fresh(`${weight}/taps_first`);
    emit("Transpose", [weight!], [wMoved], doc, [intsAttribute("perm", [2, 0, 1, 3, 4])]);
    const w2 = fresh(`${weight}/taps_as_channels`);
    emit("Reshape", [wMoved, constant(`${weight}/taps_as_channels_shape`, [kt * co, ci, kh, kw])], [w2], doc);
    const conv = fresh(`${output}/per_tap`);
    const foldedInput = toFolded(x!, doc);
    out.push({ ...node, input: [foldedInput, w2], output: [conv], attribute: twoD(node, window, true) });
    declare(conv, [foldedBatch(shapes.get(x!)!), kt * co, hOut, wOut]);
    const summed =
      typeof t === "number" && typeof tOut === "number" && typeof hOut === "number" && typeof wOut === "number" && tOut * t * kt <= MAX_TAP_SUM_ELEMENTS
        ? tapSumByMatMul(conv, { t, tOut, kt, co, hOut, wOut, padBegin }, output, doc)
        : tapSumBySlices(conv, foldedInput, x!, { t, tOut, kt, co, hOut, wOut, padBegin, padEnd }, output, outDims, doc);
    const result = foldedOutput(output, foldedInput);
    const foldedShape = shapeOperand(`${output}/folded_shape`, [-1, co, ...sized([0, 0, ...outDims.slice(3)], conv, 2, 4)], doc);
    if (bias === undefined || bias === "") {
      emit("Reshape", [summed, foldedShape], [result], doc);
      return;
    }
    const flat = fresh(`${output}/without_bias`);
    emit("Reshape", [summed, foldedShape], [flat], doc);
    declare(flat, [foldedBatch(outDims), co, hOut, wOut]);
    const biasColumn = fresh(`${bias}/column`);
    emit("Reshape", [bias, constant(`${bias}/column_shape`, [co, 1, 1])], [biasColumn], doc);
    emit("Add", [flat, biasColumn], [result], doc);
  }

  /**
   * The stem's tap sum at a fixed clip length: the per-tap output read as
   * (N, T·kt, Co·H·W), multiplied by the 0/1 matrix A (T_out × T·kt) with
   * A[t, s·kt + k] = 1 where s = t + k − pad_t is a frame of the clip. One
   * pass over the per-tap output, where the slices copy it three times
   * (Pad, Slice, Sum): about 2 % of SlowFast_4x16_R50's latency at 224².
   */
  function tapSumByMatMul(
    conv: string,
    at: { t: number; tOut: number; kt: number; co: number; hOut: number; wOut: number; padBegin: number },
    output: string,
    doc: string | null | undefined,
  ): string {
    const { t, tOut, kt, co, hOut, wOut, padBegin } = at;
    const byTime = fresh(`${output}/per_tap_by_time`);
    emit("Reshape", [conv, constant(`${output}/per_tap_by_time_shape`, [-1, t * kt, co * hOut * wOut])], [byTime], doc);
    declare(byTime, [undefined, t * kt, co * hOut * wOut]);
    const selection = new Array<number>(tOut * t * kt).fill(0);
    for (let frame = 0; frame < tOut; frame++)
      for (let k = 0; k < kt; k++) {
        const source = frame + k - padBegin;
        if (source >= 0 && source < t) selection[frame * t * kt + source * kt + k] = 1;
      }
    const summed = fresh(`${output}/summed`);
    emit("MatMul", [floatConstant(`${output}/tap_sum`, [tOut, t * kt], selection), byTime], [summed], doc);
    declare(summed, [undefined, tOut, co * hOut * wOut]);
    return summed;
  }

  /** The stem's tap sum for any clip length (--dynamic T, or clips too long for the matrix): pad in time, one slice per tap, and their sum. */
  function tapSumBySlices(
    conv: string,
    foldedInput: string,
    x: string,
    at: { t: Dim | undefined; tOut: Dim | undefined; kt: number; co: number; hOut: Dim | undefined; wOut: Dim | undefined; padBegin: number; padEnd: number },
    output: string,
    outDims: readonly Dim[],
    doc: string | null | undefined,
  ): string {
    const { t, tOut, kt, co, hOut, wOut, padBegin, padEnd } = at;
    const split = fresh(`${output}/per_tap_by_time`);
    // The frame count from a 5-D value that exists at run time: x itself may have only its folded form.
    const frames: ShapePart[] = typeof t === "number" ? [t] : [{ of: timeSource.get(foldedInput) ?? x, from: 2, to: 3 }];
    const space = sized([0, 0, ...outDims.slice(3)], conv, 2, 4);
    emit("Reshape", [conv, shapeOperand(`${output}/per_tap_by_time_shape`, [-1, ...frames, kt, co, ...space], doc)], [split], doc);
    declare(split, [undefined, t, kt, co, hOut, wOut]);
    const padded = fresh(`${output}/padded_in_time`);
    emit("Pad", [split, constant(`${output}/time_pads`, [0, padBegin, 0, 0, 0, 0, 0, padEnd, 0, 0, 0, 0])], [padded], doc);
    declare(padded, [undefined, typeof t === "number" ? t + padBegin + padEnd : undefined, kt, co, hOut, wOut]);
    const taps: string[] = [];
    for (let k = 0; k < kt; k++) {
      // Frames k .. k + T_out of the padded clip: T_out = frames + pads − kt + 1, so the
      // end is kt − 1 − k frames before the padded end (counted from the end: any T).
      const end = k === kt - 1 ? Number.MAX_SAFE_INTEGER : k - (kt - 1);
      const tap = fresh(`${output}/tap${k}`);
      emit(
        "Slice",
        [padded, constant(`${output}/tap${k}_starts`, [k, k]), constant(`${output}/tap${k}_ends`, [end, k + 1]), constant(`${output}/tap${k}_axes`, [1, 2])],
        [tap],
        doc,
      );
      declare(tap, [undefined, tOut, 1, co, hOut, wOut]);
      taps.push(tap);
    }
    const summed = fresh(`${output}/summed`);
    emit("Sum", taps, [summed], doc);
    declare(summed, [undefined, tOut, 1, co, hOut, wOut]);
    return summed;
  }

  return { nodes: out, addedValueInfo, removedValues, initializerDims: newDims, constants };
}
