/**
 * Terse construction of IR graphs for back-end tests. Output shapes are
 * computed here with the textbook formulas (independently of the emitter), so
 * a test states only the input shape and the ops.
 */
import type { IRGraph, IRNode, IROp, IRValue, IRWeight, Triple, WeightInit } from "../../compiler/ir";
import type { Span } from "../../compiler/span";

type Pads = readonly [number, number, number, number, number, number];

export function testSpan(line: number, file = "test.sf"): Span {
  return { file, start: line * 100, end: line * 100 + 10, line, column: 3, endLine: line, endColumn: 13 };
}

function product(values: readonly number[]): number {
  return values.reduce((acc, value) => acc * value, 1);
}

/** Output size of a sliding window along one axis (PyTorch's floor formula). */
export function windowOutput(size: number, kernel: number, stride: number, padBegin: number, padEnd: number, dilation = 1): number {
  return Math.floor((size + padBegin + padEnd - dilation * (kernel - 1) - 1) / stride) + 1;
}

function broadcast(a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) throw new Error(`cannot broadcast [${a}] with [${b}]`);
    out.push(Math.max(da, db));
  }
  return out;
}

/** Output shape (without batch) of `op` applied to inputs of these shapes. */
export function outputShape(op: IROp, inputs: readonly (readonly number[])[]): number[] {
  const x = inputs[0]!;
  switch (op.kind) {
    case "conv": {
      const [, t, h, w] = x;
      const spatial = [t!, h!, w!].map((size, axis) =>
        windowOutput(size, op.kernel[axis]!, op.stride[axis]!, op.pads[axis]!, op.pads[axis + 3]!, op.dilation[axis]!),
      );
      return [op.out, ...spatial];
    }
    case "maxpool":
    case "avgpool": {
      const [c, t, h, w] = x;
      return [c!, ...[t!, h!, w!].map((size, axis) => windowOutput(size, op.kernel[axis]!, op.stride[axis]!, op.pads[axis]!, op.pads[axis + 3]!))];
    }
    case "gap":
      return [x[0]!];
    case "linear":
      return [...x.slice(0, -1), op.out];
    case "concat": {
      const axis = op.axis - 1;
      const out = [...x];
      out[axis] = inputs.reduce((sum, shape) => sum + shape[axis]!, 0);
      return out;
    }
    case "add":
    case "sub":
    case "mul":
    case "div":
      return broadcast(x, inputs[1]!);
    case "constant":
      return [...op.shape];
    case "mean":
    case "sum":
    case "max": {
      // Axes count the batch as 0.
      const reduced = new Set(op.axes.map((axis) => axis - 1));
      return op.keep ? x.map((size, axis) => (reduced.has(axis) ? 1 : size)) : x.filter((_, axis) => !reduced.has(axis));
    }
    case "resize":
    case "upsample":
      return [...op.sizes];
    case "slice": {
      const out = [...x];
      op.axes.forEach((batchedAxis, k) => {
        const axis = batchedAxis - 1;
        const clamp = (i: number) => Math.min(Math.max(i < 0 ? i + x[axis]! : i, 0), x[axis]!);
        out[axis] = Math.max(0, Math.ceil((clamp(op.ends[k]!) - clamp(op.starts[k]!)) / op.steps[k]!));
      });
      return out;
    }
    case "matmul":
      return [...x.slice(0, -1), inputs[1]![inputs[1]!.length - 1]!];
    case "reshape":
      if (product(op.shape) !== product(x)) throw new Error(`reshape [${x}] -> [${op.shape}] changes the size`);
      return [...op.shape];
    case "transpose":
      return op.perm.slice(1).map((axis) => x[axis - 1]!);
    case "frames":
      return [x[0]!, "indices" in op ? op.indices.length : Math.ceil((x[1]! - op.from) / op.every), ...x.slice(2)];
    case "bn":
    case "relu":
    case "sigmoid":
    case "tanh":
    case "leaky_relu":
    case "gelu":
    case "silu":
    case "dropout":
    case "softmax":
    case "scale":
    case "hardswish":
    case "swish":
      return [...x];
    default: {
      const unhandled: never = op;
      throw new Error(`no shape rule for ${JSON.stringify(unhandled)}`);
    }
  }
}

export interface ConvOptions {
  readonly out: number;
  readonly kernel: Triple;
  readonly stride?: Triple;
  readonly pads?: Pads;
  readonly dilation?: Triple;
  readonly groups?: number;
  readonly bias?: boolean;
}

export class IRBuilder {
  private readonly values = new Map<string, IRValue>();
  private readonly nodes: IRNode[] = [];
  private readonly inputs: IRValue[] = [];
  private readonly outputs: IRValue[] = [];
  private line = 1;

  constructor(private readonly name = "test_graph") {}

  shapeOf(value: string): readonly number[] {
    const found = this.values.get(value);
    if (found === undefined) throw new Error(`unknown value ${value}`);
    return found.shape;
  }

  input(name: string, shape: readonly number[]): string {
    const value = { name, shape: [...shape] };
    this.values.set(name, value);
    this.inputs.push(value);
    return name;
  }

  /** Adds a node whose output value has the node's name; returns that name. */
  op(name: string, op: IROp, dataInputs: readonly string[], weights: readonly IRWeight[] = []): string {
    const shape = outputShape(
      op,
      dataInputs.map((input) => this.shapeOf(input)),
    );
    const output = name;
    this.values.set(output, { name: output, shape });
    this.nodes.push({
      name,
      op,
      inputs: [...dataInputs, ...weights.map((weight) => weight.name)],
      outputs: [output],
      weights,
      span: testSpan(this.line++),
    });
    return output;
  }

  conv(name: string, x: string, options: ConvOptions): string {
    const inChannels = this.shapeOf(x)[0]!;
    const groups = options.groups ?? 1;
    const bias = options.bias ?? false;
    const weights: IRWeight[] = [weight(`${name}.weight`, [options.out, inChannels / groups, ...options.kernel], { kind: "msra" })];
    if (bias) weights.push(weight(`${name}.bias`, [options.out], { kind: "constant", value: 0 }));
    return this.op(
      name,
      {
        kind: "conv",
        out: options.out,
        kernel: options.kernel,
        stride: options.stride ?? [1, 1, 1],
        pads: options.pads ?? [0, 0, 0, 0, 0, 0],
        dilation: options.dilation ?? [1, 1, 1],
        groups,
        bias,
      },
      [x],
      weights,
    );
  }

  batchnorm(name: string, x: string, epsilon = 1e-5, momentum = 0.1): string {
    const channels = this.shapeOf(x)[0]!;
    return this.op(
      name,
      { kind: "bn", epsilon, momentum },
      [x],
      [
        weight(`${name}.weight`, [channels], { kind: "constant", value: 1 }),
        weight(`${name}.bias`, [channels], { kind: "constant", value: 0 }),
        weight(`${name}.running_mean`, [channels], { kind: "constant", value: 0 }),
        weight(`${name}.running_var`, [channels], { kind: "constant", value: 1 }),
      ],
    );
  }

  linear(name: string, x: string, out: number, bias = true): string {
    const inFeatures = this.shapeOf(x)[this.shapeOf(x).length - 1]!;
    const weights = [weight(`${name}.weight`, [out, inFeatures], { kind: "normal", std: 0.01 })];
    if (bias) weights.push(weight(`${name}.bias`, [out], { kind: "constant", value: 0 }));
    return this.op(name, { kind: "linear", out, bias }, [x], weights);
  }

  output(...names: string[]): this {
    for (const name of names) this.outputs.push({ name, shape: [...this.shapeOf(name)] });
    return this;
  }

  build(): IRGraph {
    return {
      name: this.name,
      inputs: this.inputs,
      outputs: this.outputs,
      values: new Map(this.values),
      nodes: this.nodes,
      span: testSpan(0),
    };
  }
}

export function weight(name: string, shape: readonly number[], init: WeightInit): IRWeight {
  return { name, shape: [...shape], init };
}
