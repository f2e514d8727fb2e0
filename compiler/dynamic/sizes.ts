/**
 * Run-time sizes for the emitter under --dynamic: each symbolic dimension
 * becomes a small int64 computation on the graph inputs' shapes (Shape,
 * Gather, Sub, Div for each parameter; Mul, Add, Div for a polynomial in
 * them), emitted once, where first needed, and reused after. Floor atoms are
 * int64 Div, which rounds toward zero: the same as floor for the non-negative
 * sizes it sees.
 */
import type { Poly } from "../dims/poly";
import type { DynamicSizeWriter, OnnxAttribute } from "../ops/record";
import { intAttribute } from "../emit/onnx-attributes";
import { dimName } from "./dim-names";
import type { DynamicPlan } from "./plan";

/** What a node's lowering offers for emitting size arithmetic into it. */
export interface SizeEmitter {
  add(opType: string, inputs: readonly string[], outputs: readonly string[], attributes?: readonly OnnxAttribute[]): void;
  int64Constant(purpose: string, values: readonly number[]): string;
  freshValue(purpose: string): string;
}

/** The emitter's view of a dynamic plan. */
export interface DynamicShapes {
  /** The dimensions (batch excluded) of an IR value: numbers, or dim_param names. */
  dims(value: string): ReadonlyArray<number | string> | undefined;
  /** The polynomial a dim_param name that `dims` gave stands for. */
  polyOf(name: string): Poly | undefined;
  /** Size helpers for one node's lowering. */
  writer(emit: SizeEmitter): DynamicSizeWriter;
}

export class RuntimeSizes implements DynamicShapes {
  private readonly tensors = new Map<string, string>();
  private readonly named = new Map<string, Poly>();

  constructor(private readonly plan: DynamicPlan) {}

  dims(value: string): ReadonlyArray<number | string> | undefined {
    return this.plan.dims.get(value)?.map((p) => {
      const c = p.constantValue();
      if (c !== undefined) return c.toNumber();
      const name = dimName(p);
      this.named.set(name, p);
      return name;
    });
  }

  polyOf(name: string): Poly | undefined {
    return this.named.get(name);
  }

  writer(emit: SizeEmitter): DynamicSizeWriter {
    return {
      size: (value, axis) => {
        const p = this.plan.dims.get(value)?.[axis];
        if (p === undefined || p.constantValue() !== undefined) return undefined;
        return this.tensor(p, emit);
      },
      varies: (value, axis) => {
        const p = this.plan.dims.get(value)?.[axis];
        return p !== undefined && p.constantValue() === undefined;
      },
      dim: (value, axis) => this.plan.dims.get(value)?.[axis],
      sizeOf: (p) => this.tensor(p, emit),
      scalar: (tensor) => {
        const out = emit.freshValue("scalar");
        emit.add("Reshape", [tensor, emit.int64Constant("scalar_shape", [])], [out]);
        return out;
      },
      value: (purpose) => emit.freshValue(purpose),
    };
  }

  /** A one-element int64 tensor holding `p` at run time. */
  private tensor(p: Poly, emit: SizeEmitter): string {
    const key = p.key;
    const known = this.tensors.get(key);
    if (known !== undefined) return known;
    const made = this.build(p, emit);
    this.tensors.set(key, made);
    return made;
  }

  private binary(opType: string, a: string, b: string, emit: SizeEmitter): string {
    const out = emit.freshValue(opType.toLowerCase());
    emit.add(opType, [a, b], [out]);
    return out;
  }

  private build(p: Poly, emit: SizeEmitter): string {
    const c = p.constantValue();
    if (c !== undefined) return emit.int64Constant("size", [c.toNumber()]);
    let denominator = 1n;
    for (const t of p.termList()) denominator = lcm(denominator, t.coef.den);
    let sum: string | undefined;
    for (const t of p.termList()) {
      const coefficient = (t.coef.num * denominator) / t.coef.den;
      let monomial: string | undefined;
      for (const power of t.powers) {
        const base =
          power.factor.kind === "var"
            ? this.parameter(power.factor.name, emit)
            : this.binary("Div", this.tensor(power.factor.num, emit), this.tensor(power.factor.den, emit), emit);
        for (let k = 0; k < power.exp; k++) monomial = monomial === undefined ? base : this.binary("Mul", monomial, base, emit);
      }
      const term =
        monomial === undefined
          ? emit.int64Constant("term", [Number(coefficient)])
          : coefficient === 1n
            ? monomial
            : this.binary("Mul", monomial, emit.int64Constant("coefficient", [Number(coefficient)]), emit);
      sum = sum === undefined ? term : this.binary("Add", sum, term, emit);
    }
    return denominator === 1n ? sum! : this.binary("Div", sum!, emit.int64Constant("denominator", [Number(denominator)]), emit);
  }

  /** The parameter from its input axis: (size − offset) / scale. */
  private parameter(name: string, emit: SizeEmitter): string {
    const key = `param:${name}`;
    const known = this.tensors.get(key);
    if (known !== undefined) return known;
    const read = this.plan.reads.get(name);
    if (read === undefined) throw new Error(`dynamic parameter ${name} has no input to be read from`);
    const shape = emit.freshValue(`${read.input}_shape`);
    emit.add("Shape", [read.input], [shape]);
    let value = emit.freshValue(`${read.input}_axis${read.axis + 1}`);
    emit.add("Gather", [shape, emit.int64Constant("axis", [read.axis + 1])], [value], [intAttribute("axis", 0)]);
    if (read.offset !== 0) value = this.binary("Sub", value, emit.int64Constant("offset", [read.offset]), emit);
    if (read.scale !== 1) value = this.binary("Div", value, emit.int64Constant("scale", [read.scale]), emit);
    this.tensors.set(key, value);
    return value;
  }
}

function lcm(a: bigint, b: bigint): bigint {
  let x = a;
  let y = b;
  while (y !== 0n) [x, y] = [y, x % y];
  return (a / x) * b;
}
