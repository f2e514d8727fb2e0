/**
 * Structure of the emitted ModelProto: header, value_info, names, doc strings,
 * initializers, attributes, weights, determinism, opset handling and memory.
 */
import type Long from "long";
import { onnx } from "onnx-proto";
import { describe, expect, it } from "vitest";
import type { IRGraph, IROp, IRValue } from "../../compiler/ir";
import { initialWeightBytes } from "../../compiler/emit/init";
import { defaultIrVersion, emitOnnx, MAX_OPSET, MIN_OPSET, unsupportedAtOpset } from "../../compiler/emit/onnx";
import { IRBuilder, weight } from "../support/ir-builder";
import { assertShapesMatchIR, checkManyWithOnnx, checkWithOnnx, runWithOrt, type TensorData } from "../support/onnx-check";

const toNumber = (value: number | Long | null | undefined): number =>
  value === null || value === undefined ? NaN : typeof value === "number" ? value : value.toNumber();

const decode = (model: Uint8Array): onnx.ModelProto => onnx.ModelProto.decode(model);

function dimsOf(info: onnx.IValueInfoProto): (number | string)[] {
  return (info.type?.tensorType?.shape?.dim ?? []).map((dim) => (dim.dimParam ? dim.dimParam : toNumber(dim.dimValue)));
}

function initializer(model: onnx.ModelProto, name: string): onnx.ITensorProto {
  const found = model.graph!.initializer!.find((tensor) => tensor.name === name);
  if (found === undefined) throw new Error(`no initializer ${name}`);
  return found;
}

function int64Values(tensor: onnx.ITensorProto): number[] {
  const raw = tensor.rawData!;
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  return Array.from({ length: raw.byteLength / 8 }, (_, i) => Number(view.getBigInt64(i * 8, true)));
}

function float32Values(tensor: onnx.ITensorProto): number[] {
  const raw = tensor.rawData!;
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  return Array.from({ length: raw.byteLength / 4 }, (_, i) => view.getFloat32(i * 4, true));
}

function attributes(node: onnx.INodeProto): Record<string, number | number[]> {
  const result: Record<string, number | number[]> = {};
  for (const attribute of node.attribute ?? []) {
    const type = attribute.type;
    if (type === onnx.AttributeProto.AttributeType.INT) result[attribute.name!] = toNumber(attribute.i);
    else if (type === onnx.AttributeProto.AttributeType.INTS) result[attribute.name!] = attribute.ints!.map(toNumber);
    else if (type === onnx.AttributeProto.AttributeType.FLOAT) result[attribute.name!] = attribute.f!;
    else throw new Error(`unexpected attribute type ${type}`);
  }
  return result;
}

function nodeNamed(model: onnx.ModelProto, name: string): onnx.INodeProto {
  const found = model.graph!.node!.find((node) => node.name === name);
  if (found === undefined) throw new Error(`no node ${name}; have ${model.graph!.node!.map((n) => n.name)}`);
  return found;
}

/**
 * A graph using every op kind, adapted to what `opset` can express: frames
 * gathered instead of strided, a linear with bias, no softmax where needed.
 */
function everyOpGraph(opset: number): IRGraph {
  const b = new IRBuilder(`every_op_${opset}`);
  const clip = b.input("clip", [3, 16, 6, 6]);
  const fast = unsupportedAtOpset({ kind: "frames", from: 0, every: 2 }, opset)
    ? b.op("fast.frames", { kind: "frames", indices: [0, 2, 4, 6, 8, 10, 12, 14], from: 0 }, [clip])
    : b.op("fast.frames", { kind: "frames", from: 0, every: 2 }, [clip]);
  const slow = b.op("slow.frames", { kind: "frames", indices: [0, 5, 10, 15], from: 0 }, [clip]);
  const conv = b.conv("fast.conv", fast, { out: 4, kernel: [3, 3, 3], pads: [1, 1, 1, 1, 1, 1], bias: true });
  const bn = b.batchnorm("fast.bn", conv);
  const acts = (["relu", "sigmoid", "tanh", "gelu", "silu"] as const).reduce(
    (x, kind) => b.op(`fast.${kind}`, { kind } as IROp, [x]),
    b.op("fast.leaky", { kind: "leaky_relu", slope: 0.2 }, [bn]),
  );
  const pooled = b.op("fast.maxpool", { kind: "maxpool", kernel: [1, 3, 3], stride: [1, 2, 2], pads: [0, 1, 1, 0, 1, 1], countIncludePad: false }, [acts]);
  const averaged = b.op("fast.avgpool", { kind: "avgpool", kernel: [2, 1, 1], stride: [2, 1, 1], pads: [0, 0, 0, 0, 0, 0], countIncludePad: true }, [pooled]);
  // time-to-channel of the fast path ([4, 4, 3, 3] with α = 2 -> [8, 2, 3, 3]) ...
  const split = b.op("fuse.split", { kind: "reshape", shape: [4, 2, 2, 3, 3] }, [averaged]);
  const moved = b.op("fuse.transpose", { kind: "transpose", perm: [0, 3, 1, 2, 4, 5] }, [split]);
  const merged = b.op("fuse.merge", { kind: "reshape", shape: [8, 2, 3, 3] }, [moved]);
  const slowSmall = b.op("slow.pool", { kind: "maxpool", kernel: [2, 2, 2], stride: [2, 2, 2], pads: [0, 0, 0, 0, 0, 0], countIncludePad: false }, [slow]);
  const fused = b.op("fuse.cat", { kind: "concat", axis: 1 }, [slowSmall, merged]);
  const doubled = b.op("fuse.add", { kind: "add" }, [fused, fused]);
  const scaled = b.op("fuse.scale", { kind: "scale", factor: 0.5 }, [doubled]);
  const features = b.op("head.pool", { kind: "gap" }, [scaled]);
  const dropped = b.op("head.dropout", { kind: "dropout", ratio: 0.3 }, [features]);
  const biasFree = unsupportedAtOpset({ kind: "linear", out: 6, bias: false }, opset) === undefined;
  const logits = b.linear("head.fc", dropped, 6, !biasFree);
  const square = b.op("head.square", { kind: "reshape", shape: [2, 3] }, [logits]);
  const gram = b.op("head.matmul", { kind: "matmul" }, [b.op("head.t", { kind: "reshape", shape: [3, 2] }, [logits]), square]);
  const flat = b.op("head.flat", { kind: "reshape", shape: [9] }, [gram]);
  const out = unsupportedAtOpset({ kind: "softmax", axis: 1 }, opset) ? flat : b.op("head.softmax", { kind: "softmax", axis: 1 }, [flat]);
  return b.output(out).build();
}

describe("model header and graph interface", () => {
  const b = new IRBuilder("header");
  b.output(b.op("act", { kind: "relu" }, [b.input("x", [2, 3, 4, 5])]));
  const graph = b.build();

  it("is IR version 8, opset 17 in the default domain, produced by sfc", () => {
    const model = decode(emitOnnx(graph));
    expect(toNumber(model.irVersion)).toBe(8);
    expect(model.opsetImport.map((entry) => [entry.domain, toNumber(entry.version)])).toEqual([["", 17]]);
    expect(model.producerName).toBe("sfc");
    expect(model.producerVersion).toBe("");
    expect(decode(emitOnnx(graph, { producerVersion: "1.2.3" })).producerVersion).toBe("1.2.3");
    expect(model.graph!.name).toBe("header");
    expect(model.graph!.docString).toBe("test.sf:0:3");
  });

  it("follows the opset with the IR version unless told otherwise", () => {
    expect([13, 17, 18, 19, 20, 21, 22, 23].map(defaultIrVersion)).toEqual([8, 8, 8, 9, 9, 10, 10, 11]);
    expect(toNumber(decode(emitOnnx(graph, { opset: 21 })).irVersion)).toBe(10);
    expect(toNumber(decode(emitOnnx(graph, { opset: 13, irVersion: 7 })).irVersion)).toBe(7);
    expect(() => emitOnnx(graph, { irVersion: 3 })).toThrow(RangeError);
  });

  it("declares float32 inputs and outputs with the symbolic batch N first", () => {
    const model = decode(emitOnnx(graph));
    for (const info of [...model.graph!.input!, ...model.graph!.output!]) {
      expect(info.type!.tensorType!.elemType).toBe(onnx.TensorProto.DataType.FLOAT);
    }
    expect(model.graph!.input!.map(dimsOf)).toEqual([["N", 2, 3, 4, 5]]);
    expect(model.graph!.output!.map(dimsOf)).toEqual([["N", 2, 3, 4, 5]]);
    expect(model.graph!.input!.map((info) => info.name)).toEqual(["x"]);
  });

  it("is the canonical protobuf encoding: protobufjs re-encodes it to the same bytes", () => {
    const bytes = emitOnnx(everyOpGraph(17), { seed: 3 });
    expect(Buffer.from(onnx.ModelProto.encode(decode(bytes)).finish()).equals(Buffer.from(bytes))).toBe(true);
  });
});

describe("value_info, node names and doc strings", () => {
  const b = new IRBuilder("names");
  const x = b.input("x", [4, 2, 3, 3]);
  const conv = b.conv("stem.conv", x, { out: 4, kernel: [1, 3, 3], pads: [0, 1, 1, 0, 1, 1] });
  const gelu = b.op("stem.gelu", { kind: "gelu" }, [conv]);
  const pooled = b.op("head.pool", { kind: "gap" }, [gelu]);
  b.output(b.linear("head.fc", pooled, 3));
  const graph = b.build();
  const model = decode(emitOnnx(graph));

  it("has a value_info with N first for every value that is not a graph input or output, lowering intermediates included", () => {
    const infos = new Map(model.graph!.valueInfo!.map((info) => [info.name!, dimsOf(info)]));
    expect(infos.get("stem.conv")).toEqual(["N", 4, 2, 3, 3]);
    expect(infos.get("stem.gelu")).toEqual(["N", 4, 2, 3, 3]);
    expect(infos.get("head.pool")).toEqual(["N", 4]);
    expect(infos.get("head.pool/pooled")).toEqual(["N", 4, 1, 1, 1]);
    for (const purpose of ["scaled", "erf", "erf_plus_one", "x_times"]) {
      expect(infos.get(`stem.gelu/${purpose}`)).toEqual(["N", 4, 2, 3, 3]);
    }
    expect(infos.has("x")).toBe(false);
    expect(infos.has("head.fc")).toBe(false);
  });

  it("names one-node lowerings after the IR node and qualifies the parts of the others", () => {
    const names = model.graph!.node!.map((node) => `${node.name}:${node.opType}`);
    expect(names).toEqual([
      "stem.conv:Conv",
      "stem.gelu/Div:Div",
      "stem.gelu/Erf:Erf",
      "stem.gelu/Add:Add",
      "stem.gelu/Mul:Mul",
      "stem.gelu/Mul_1:Mul",
      "head.pool/GlobalAveragePool:GlobalAveragePool",
      "head.pool/Flatten:Flatten",
      "head.fc:Gemm",
    ]);
  });

  it("carries each node's .sf span as file:line:column", () => {
    const spans = model.graph!.node!.map((node) => node.docString);
    expect(spans).toEqual(["test.sf:1:3", ...Array(5).fill("test.sf:2:3"), "test.sf:3:3", "test.sf:3:3", "test.sf:4:3"]);
  });

  it("picks fresh names when a lowering's natural name is taken by an IR value", () => {
    const c = new IRBuilder("collision");
    const input = c.input("x", [3]);
    const taken = c.op("g/scaled", { kind: "relu" }, [input]);
    const gelu = c.op("g", { kind: "gelu" }, [taken]);
    const graph = c.output(c.op("g/Div", { kind: "add" }, [gelu, taken])).build();
    const decoded = decode(emitOnnx(graph));
    const valueNames = decoded.graph!.node!.flatMap((node) => node.output!);
    expect(new Set(valueNames).size).toBe(valueNames.length);
    expect(valueNames).toContain("g/scaled_1");
    const nodeNames = decoded.graph!.node!.map((node) => node.name);
    expect(new Set(nodeNames).size).toBe(nodeNames.length);
    expect(nodeNames).toContain("g/Div_1");
    assertShapesMatchIR(checkWithOnnx(emitOnnx(graph)), graph);
  });
});

describe("initializers and attributes", () => {
  const b = new IRBuilder("attrs");
  const x = b.input("x", [4, 8, 6, 6]);
  const conv = b.conv("conv", x, { out: 6, kernel: [3, 1, 2], stride: [1, 2, 2], pads: [1, 0, 0, 1, 0, 1], dilation: [2, 1, 1], groups: 2, bias: true });
  const bn = b.batchnorm("bn", conv, 1e-5, 0.1);
  const pooled = b.op("pool", { kind: "avgpool", kernel: [1, 3, 3], stride: [1, 1, 1], pads: [0, 1, 1, 0, 1, 1], countIncludePad: true }, [bn]);
  const slow = b.op("slow", { kind: "frames", from: 1, every: 3 }, [pooled]);
  const picked = b.op("picked", { kind: "frames", indices: [0, 1, 1], from: 0 }, [slow]);
  const reshaped = b.op("reshaped", { kind: "reshape", shape: [6, 3, 9] }, [picked]);
  const scaled = b.op("scaled", { kind: "scale", factor: 0.25 }, [reshaped]);
  const features = b.op("features", { kind: "reshape", shape: [162] }, [scaled]);
  const dropped = b.op("dropped", { kind: "dropout", ratio: 0.5 }, [features]);
  b.output(b.op("probs", { kind: "softmax", axis: 1 }, [b.linear("fc", dropped, 10)]));
  const graph = b.build();
  const model = decode(emitOnnx(graph));

  it("stores weights as float32 raw_data under their IR names, never as float_data", () => {
    const expected: [string, number[]][] = [
      ["conv.weight", [6, 2, 3, 1, 2]],
      ["conv.bias", [6]],
      ["bn.weight", [6]],
      ["bn.bias", [6]],
      ["bn.running_mean", [6]],
      ["bn.running_var", [6]],
      ["fc.weight", [10, 162]],
      ["fc.bias", [10]],
    ];
    for (const [name, dims] of expected) {
      const tensor = initializer(model, name);
      expect(tensor.dataType).toBe(onnx.TensorProto.DataType.FLOAT);
      expect(tensor.dims!.map(toNumber)).toEqual(dims);
      expect(tensor.rawData!.byteLength).toBe(dims.reduce((p, d) => p * d, 1) * 4);
      expect(tensor.floatData ?? []).toEqual([]);
    }
    expect(float32Values(initializer(model, "bn.running_var"))).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it("turns shapes, indices and slice bounds into int64 initializers named after the node", () => {
    const int64 = (name: string) => {
      const tensor = initializer(model, name);
      expect(tensor.dataType).toBe(onnx.TensorProto.DataType.INT64);
      return int64Values(tensor);
    };
    expect(int64("reshaped/shape")).toEqual([0, 6, 3, 9]);
    expect(int64("features/shape")).toEqual([0, 162]);
    expect(int64("picked/indices")).toEqual([0, 1, 1]);
    expect([int64("slow/starts"), int64("slow/ends"), int64("slow/axes"), int64("slow/steps")]).toEqual([[1], [5], [2], [3]]);
    const factor = initializer(model, "scaled/factor");
    expect(factor.dims).toEqual([]);
    expect(float32Values(factor)).toEqual([0.25]);
    expect(nodeNamed(model, "slow").input).toEqual(["pool", "slow/starts", "slow/ends", "slow/axes", "slow/steps"]);
  });

  it("sets Conv, BatchNormalization, AveragePool, Gather, Gemm and Softmax attributes", () => {
    expect(attributes(nodeNamed(model, "conv"))).toEqual({
      kernel_shape: [3, 1, 2],
      strides: [1, 2, 2],
      pads: [1, 0, 0, 1, 0, 1],
      dilations: [2, 1, 1],
      group: 2,
    });
    expect(nodeNamed(model, "conv").input).toEqual(["x", "conv.weight", "conv.bias"]);
    const bn = attributes(nodeNamed(model, "bn"));
    expect(bn["epsilon"]).toBeCloseTo(1e-5, 10);
    // ONNX momentum weighs the running value: 1 - PyTorch's 0.1.
    expect(bn["momentum"]).toBeCloseTo(0.9, 6);
    expect(nodeNamed(model, "bn").input).toEqual(["conv", "bn.weight", "bn.bias", "bn.running_mean", "bn.running_var"]);
    expect(attributes(nodeNamed(model, "pool"))).toEqual({
      kernel_shape: [1, 3, 3],
      strides: [1, 1, 1],
      pads: [0, 1, 1, 0, 1, 1],
      count_include_pad: 1,
    });
    expect(attributes(nodeNamed(model, "picked"))).toEqual({ axis: 2 });
    expect(attributes(nodeNamed(model, "fc"))).toEqual({ transB: 1 });
    expect(nodeNamed(model, "fc").opType).toBe("Gemm");
    expect(attributes(nodeNamed(model, "probs"))).toEqual({ axis: 1 });
  });

  it("passes ratio to Dropout as an input from opset 12 and as an attribute before", () => {
    const dropout13 = nodeNamed(model, "dropped");
    expect(dropout13.input).toEqual(["features", "dropped/ratio"]);
    expect(float32Values(initializer(model, "dropped/ratio"))).toEqual([0.5]);
    const c = new IRBuilder("dropout11");
    const g = c.output(c.op("drop", { kind: "dropout", ratio: 0.5 }, [c.input("x", [4])])).build();
    const dropout11 = nodeNamed(decode(emitOnnx(g, { opset: 11 })), "drop");
    expect(dropout11.input).toEqual(["x"]);
    expect(attributes(dropout11)).toEqual({ ratio: 0.5 });
  });

  it("uses the native Gelu from opset 20", () => {
    const c = new IRBuilder("gelu20");
    const g = c.output(c.op("gelu", { kind: "gelu" }, [c.input("x", [4])])).build();
    expect(decode(emitOnnx(g, { opset: 20 })).graph!.node!.map((node) => node.opType)).toEqual(["Gelu"]);
    expect(decode(emitOnnx(g, { opset: 19 })).graph!.node!.map((node) => node.opType)).toEqual(["Div", "Erf", "Add", "Mul", "Mul"]);
  });

  it("passes the onnx checker with inferred shapes equal to the IR's", () => {
    assertShapesMatchIR(checkWithOnnx(emitOnnx(graph)), graph);
  });
});

describe("weights", () => {
  const b = new IRBuilder("weights");
  const x = b.input("x", [3, 2, 4, 4]);
  const c1 = b.conv("c1", x, { out: 4, kernel: [1, 3, 3], pads: [0, 1, 1, 0, 1, 1], bias: true });
  b.output(b.linear("fc", b.op("pool", { kind: "gap" }, [c1]), 5));
  const graph = b.build();
  const weightOf = (name: string) => graph.nodes.flatMap((node) => node.weights).find((w) => w.name === name)!;

  it("copies checkpoint bytes verbatim and initialises the rest from (seed, name)", () => {
    const supplied = new Uint8Array(4 * 3 * 1 * 3 * 3 * 4).map((_, i) => (i * 37) & 0xff);
    const model = decode(emitOnnx(graph, { seed: 11, weights: new Map([["c1.weight", supplied]]) }));
    expect(Buffer.from(initializer(model, "c1.weight").rawData!).equals(Buffer.from(supplied))).toBe(true);
    for (const name of ["c1.bias", "fc.weight", "fc.bias"]) {
      const expected = initialWeightBytes(weightOf(name), 11);
      expect(Buffer.from(initializer(model, name).rawData!).equals(Buffer.from(expected))).toBe(true);
    }
  });

  it("changes the initialised weights with the seed", () => {
    const a = decode(emitOnnx(graph, { seed: 1 }));
    const z = decode(emitOnnx(graph, { seed: 2 }));
    expect(Buffer.from(initializer(a, "c1.weight").rawData!).equals(Buffer.from(initializer(z, "c1.weight").rawData!))).toBe(false);
    // constants do not depend on it
    expect(float32Values(initializer(z, "fc.bias"))).toEqual([0, 0, 0, 0, 0]);
  });

  it("refuses a checkpoint weight whose byte length does not fit its shape", () => {
    expect(() => emitOnnx(graph, { weights: new Map([["fc.bias", new Uint8Array(16)]]) })).toThrow(/fc\.bias.*16 bytes.*needs 20/);
  });

  it("stores a weight shared by two nodes once", () => {
    const c = new IRBuilder("shared");
    const input = c.input("x", [4]);
    const shared = weight("proj.weight", [4, 4], { kind: "msra" });
    const first = c.op("first", { kind: "linear", out: 4, bias: false }, [input], [shared]);
    const second = c.op("second", { kind: "linear", out: 4, bias: false }, [first], [shared]);
    const g = c.output(second).build();
    const bytes = emitOnnx(g);
    expect(decode(bytes).graph!.initializer!.map((tensor) => tensor.name)).toEqual(["proj.weight"]);
    assertShapesMatchIR(checkWithOnnx(bytes), g);
  });
});

describe("IR invariants", () => {
  it("refuses a node that reads a value nothing produced", () => {
    const b = new IRBuilder("dangling");
    const graph = b.output(b.op("act", { kind: "relu" }, [b.input("x", [3])])).build();
    const broken: IRGraph = { ...graph, nodes: [{ ...graph.nodes[0]!, inputs: ["nowhere"] }] };
    expect(() => emitOnnx(broken)).toThrow(/act reads nowhere|nowhere is used but not declared/);
  });

  it("refuses weights that are not the node's trailing inputs", () => {
    const b = new IRBuilder("misplaced");
    const graph = b.output(b.linear("fc", b.input("x", [3]), 2)).build();
    const node = graph.nodes[0]!;
    const broken: IRGraph = { ...graph, nodes: [{ ...node, inputs: [node.inputs[0]!, node.inputs[2]!, node.inputs[1]!] }] };
    expect(() => emitOnnx(broken)).toThrow(/weights \[fc\.weight,fc\.bias\] are not its last inputs/);
  });

  it("refuses a reshape whose target disagrees with its output value", () => {
    const b = new IRBuilder("reshape_mismatch");
    const graph = b.output(b.op("r", { kind: "reshape", shape: [6] }, [b.input("x", [2, 3])])).build();
    const broken: IRGraph = { ...graph, nodes: [{ ...graph.nodes[0]!, op: { kind: "reshape", shape: [3, 2] } }] };
    expect(() => emitOnnx(broken)).toThrow(/targets \[3,2\] but its output is \[6\]/);
  });
});

describe("determinism", () => {
  it("emits byte-identical models for the same graph", () => {
    const graph = everyOpGraph(17);
    const first = emitOnnx(graph, { seed: 5 });
    const second = emitOnnx(everyOpGraph(17), { seed: 5 });
    expect(Buffer.from(first).equals(Buffer.from(second))).toBe(true);
  });

  it("does not depend on the iteration order of graph.values", () => {
    const graph = everyOpGraph(17);
    const reordered: IRGraph = { ...graph, values: new Map<string, IRValue>([...graph.values].reverse()) };
    expect(Buffer.from(emitOnnx(reordered)).equals(Buffer.from(emitOnnx(graph)))).toBe(true);
  });
});

describe("opsets", () => {
  const sampleOps: IROp[] = [
    { kind: "conv", out: 4, kernel: [1, 1, 1], stride: [1, 1, 1], pads: [0, 0, 0, 0, 0, 0], dilation: [1, 1, 1], groups: 1, bias: false },
    { kind: "bn", epsilon: 1e-5, momentum: 0.1 },
    { kind: "relu" },
    { kind: "sigmoid" },
    { kind: "tanh" },
    { kind: "leaky_relu", slope: 0.1 },
    { kind: "gelu" },
    { kind: "silu" },
    { kind: "maxpool", kernel: [1, 1, 1], stride: [1, 1, 1], pads: [0, 0, 0, 0, 0, 0], countIncludePad: false },
    { kind: "avgpool", kernel: [1, 1, 1], stride: [1, 1, 1], pads: [0, 0, 0, 0, 0, 0], countIncludePad: true },
    { kind: "gap" },
    { kind: "dropout", ratio: 0.5 },
    { kind: "linear", out: 4, bias: true },
    { kind: "linear", out: 4, bias: false },
    { kind: "softmax", axis: 1 },
    { kind: "concat", axis: 1 },
    { kind: "add" },
    { kind: "scale", factor: 2 },
    { kind: "matmul" },
    { kind: "reshape", shape: [4] },
    { kind: "transpose", perm: [0, 2, 1] },
    { kind: "frames", from: 0, every: 2 },
    { kind: "frames", indices: [0, 1], from: 0 },
  ];

  it("expresses every op at opsets 13 through MAX_OPSET", () => {
    expect(MIN_OPSET).toBeLessThanOrEqual(13);
    expect(MAX_OPSET).toBeGreaterThanOrEqual(17);
    for (let opset = 13; opset <= MAX_OPSET; opset++) {
      for (const op of sampleOps) expect(unsupportedAtOpset(op, opset), `${op.kind} at ${opset}`).toBeUndefined();
    }
  });

  it("says why an op cannot be expressed below its minimum opset", () => {
    expect(unsupportedAtOpset({ kind: "softmax", axis: 1 }, 12)).toMatch(/softmax needs opset 13/);
    expect(unsupportedAtOpset({ kind: "frames", from: 0, every: 8 }, 9)).toMatch(/opset 10.*steps/);
    expect(unsupportedAtOpset({ kind: "frames", from: 0, every: 8 }, 10)).toBeUndefined();
    expect(unsupportedAtOpset({ kind: "linear", out: 4, bias: false }, 10)).toMatch(/opset 11/);
    expect(unsupportedAtOpset({ kind: "linear", out: 4, bias: true }, 10)).toBeUndefined();
    expect(unsupportedAtOpset({ kind: "gelu" }, 9)).toBeUndefined();
    expect(unsupportedAtOpset({ kind: "relu" }, MIN_OPSET - 1)).toMatch(/outside the supported range/);
    expect(unsupportedAtOpset({ kind: "relu" }, MAX_OPSET + 1)).toMatch(/outside the supported range/);
    expect(unsupportedAtOpset({ kind: "relu" }, 16.5)).toMatch(/outside the supported range/);
  });

  it("refuses to emit an op the opset cannot express, naming the node and its span", () => {
    const b = new IRBuilder("too_old");
    const graph = b.output(b.op("probs", { kind: "softmax", axis: 1 }, [b.input("x", [5])])).build();
    expect(() => emitOnnx(graph, { opset: 12 })).toThrow(/test\.sf:1:3: probs: softmax needs opset 13/);
    expect(() => emitOnnx(graph, { opset: MAX_OPSET + 1 })).toThrow(RangeError);
  });

  it("computes the same function at every supported opset (onnxruntime), and passes the onnx checker up to opset 18", async () => {
    const input: TensorData = {
      data: Float32Array.from({ length: 2 * 3 * 16 * 6 * 6 }, (_, i) => Math.sin(i * 0.37)),
      dims: [2, 3, 16, 6, 6],
    };
    const outputsByGraph = new Map<string, Float32Array>();
    const checked: { graph: IRGraph; model: Uint8Array }[] = [];
    for (let opset = MIN_OPSET; opset <= MAX_OPSET; opset++) {
      const graph = everyOpGraph(opset);
      const model = emitOnnx(graph, { opset, seed: 7 });
      // The checker here is onnx 1.12, which knows IR versions up to 8.
      if (defaultIrVersion(opset) <= 8) checked.push({ graph, model });
      const output = Object.values(await runWithOrt(model, { clip: input }))[0]!;
      const key = graph.outputs.map((o) => `${o.name}[${o.shape}]`).join() + graph.nodes.map((n) => n.op.kind).join();
      const reference = outputsByGraph.get(key);
      if (reference === undefined) outputsByGraph.set(key, output.data);
      else {
        const worst = output.data.reduce((max, v, i) => Math.max(max, Math.abs(v - reference[i]!)), 0);
        expect(worst, `opset ${opset}`).toBeLessThan(1e-6);
      }
    }
    // Graph variants: without softmax and bias-free linear (9, 10), without softmax (11, 12), complete (13+).
    expect(outputsByGraph.size).toBeLessThanOrEqual(4);
    const results = checkManyWithOnnx(checked.map((entry) => entry.model));
    results.forEach((result, index) => assertShapesMatchIR(result, checked[index]!.graph));
  });
});

describe("large models", () => {
  it("writes 100+ MB of initialised weights without JS arrays or per-weight copies piling up", () => {
    const b = new IRBuilder("large");
    let x = b.input("x", [512, 1, 2, 2]);
    for (let i = 0; i < 4; i++) x = b.conv(`c${i}`, x, { out: 512, kernel: [3, 3, 3], pads: [1, 1, 1, 1, 1, 1] });
    const graph = b.output(x).build();
    const weightBytes = 4 * 512 * 512 * 27 * 4;
    const before = process.memoryUsage();
    const model = emitOnnx(graph, { seed: 1 });
    const after = process.memoryUsage();
    expect(model.byteLength).toBeGreaterThan(weightBytes);
    // Weights live in ArrayBuffers (the output and one scratch weight), not on the JS heap.
    expect(after.heapUsed - before.heapUsed).toBeLessThan(32 * 1024 * 1024);
    expect(after.arrayBuffers - before.arrayBuffers).toBeLessThan(model.byteLength + weightBytes / 4 + 8 * 1024 * 1024);
    // Spot-check one weight against the standalone initialiser.
    const last = graph.nodes[3]!.weights[0]!;
    const expected = initialWeightBytes(last, 1);
    const tensor = initializer(decode(model), "c3.weight");
    expect(Buffer.from(tensor.rawData!).equals(Buffer.from(expected))).toBe(true);
  });
});
