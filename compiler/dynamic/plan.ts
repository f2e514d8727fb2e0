/**
 * Dynamic shapes (--dynamic NAMES): which network parameters stay symbolic
 * in the emitted model, every IR value's shape as a polynomial in them, how
 * each is read from the graph inputs at run time, and what the input sizes
 * must satisfy (the `requirements` metadata). The shapes come from the
 * checker's polynomials (IRValue.dims) with the other parameters substituted;
 * the conditions from the checker's symbolic run of the network body
 * (SymbolicNetworkMode) and from the inputs' own shapes.
 */
import { Poly } from "../dims/poly";
import { Rational } from "../dims/rational";
import type { Requirement } from "../check/context";
import type { NetworkParam } from "../elaborate";
import { graphOutputs, type IRGraph, type IRValue } from "../ir";
import { smallestValid, validity } from "./smallest";
import { dimName } from "./dim-names";
import { REQUIREMENTS_FORMAT, type Constraint, type DimEntry, type ParameterSource, type ShapeRequirements } from "./requirements";

/** How a dynamic parameter is read: the input axis (batch excluded) whose size is scale·P + offset. */
export interface ParameterRead {
  readonly input: string;
  readonly axis: number;
  readonly scale: number;
  readonly offset: number;
}

/** A `dynamic` compile's symbolic shapes, where each parameter is read, and the model's `requirements`. */
export interface DynamicPlan {
  readonly names: readonly string[];
  /** Every IR value's shape (batch excluded) in the dynamic parameters alone. */
  readonly dims: ReadonlyMap<string, readonly Poly[]>;
  readonly reads: ReadonlyMap<string, ParameterRead>;
  readonly requirements: ShapeRequirements;
}

/** Why a parameter cannot be left symbolic; turned into a diagnostic by the caller. */
export interface DynamicProblem {
  readonly name: string;
  readonly message: string;
}

const AXIS_WORDS = ["channels", "frames", "height", "width"];

/** What a video input axis is called in messages. */
export function axisWord(value: IRValue, axis: number): string {
  return value.shape.length === 4 ? AXIS_WORDS[axis]! : `axis ${axis + 1}`;
}

/** How messages name an input: "the Fast clip" for the input a pathway starts from. */
export function inputLabel(graph: IRGraph, input: string): string {
  const pathway = graph.inputPathways?.get(input);
  if (pathway !== undefined) return `the ${pathway[0]!.toUpperCase()}${pathway.slice(1)} clip`;
  return `input \`${input}\``;
}

function entries(dims: readonly Poly[]): DimEntry[] {
  return dims.map((p) => {
    const c = p.constantValue();
    return c !== undefined ? c.toNumber() : dimName(p);
  });
}

export function planDynamic(
  graph: IRGraph,
  params: readonly NetworkParam[],
  names: readonly string[],
  carried: readonly Requirement[],
): { plan?: DynamicPlan; problems: DynamicProblem[] } {
  const problems: DynamicProblem[] = [];
  const dynamic = new Set(names);
  const fixed = new Map<string, Rational>();
  const compiled = new Map<string, number>();
  for (const p of params) {
    if (!(p.value instanceof Rational)) continue;
    if (dynamic.has(p.name)) compiled.set(p.name, p.value.toNumber());
    else fixed.set(p.name, p.value);
  }
  const ints = (): boolean => true;
  const specialise = (p: Poly): Poly => p.substitute((n) => (fixed.has(n) ? Poly.constant(fixed.get(n)!) : undefined), ints);
  const dims = new Map<string, readonly Poly[]>();
  for (const [name, value] of graph.values) {
    if (value.dims === undefined) return { problems: [{ name: names[0] ?? "", message: `the graph records no symbolic shape for ${name}` }] };
    dims.set(name, value.dims.map(specialise));
  }

  // Each parameter from the first input axis that is a·P + b in it alone.
  const reads = new Map<string, ParameterRead & { coefficient: string }>();
  const constraints: Constraint[] = [];
  const axisPolys: Array<{ input: string; axis: number; poly: Poly }> = [];
  for (const input of graph.inputs) {
    const label = inputLabel(graph, input.name);
    dims.get(input.name)!.forEach((p, axis) => {
      if (p.constantValue() !== undefined) return;
      const same = axisPolys.find((a) => a.poly.equals(p));
      axisPolys.push({ input: input.name, axis, poly: p });
      const symbols = [...p.symbols()];
      const only = symbols.length === 1 ? symbols[0]! : undefined;
      if (only !== undefined && !reads.has(only)) {
        const lin = p.linearIn(only);
        const a = lin?.a.constantValue();
        const b = lin?.b.constantValue();
        if (a !== undefined && b !== undefined && a.isInteger() && b.isInteger() && a.sign() > 0) {
          const raw = input.dims![axis]!.linearIn(only)?.a;
          const coefficient = raw && raw.constantValue() === undefined ? `${raw} = ${a}` : `${a}`;
          reads.set(only, { input: input.name, axis, scale: a.toNumber(), offset: b.toNumber(), coefficient });
          if (!a.equals(Rational.ONE) || !b.isZero()) {
            const text = b.isZero() ? `${label} needs a multiple of ${coefficient}` : `${label} needs ${b} more than a multiple of ${coefficient}`;
            constraints.push({
              kind: "multiple",
              input: input.name,
              axis: axis + 1,
              name: axisWord(input, axis),
              of: a.toNumber(),
              offset: b.toNumber(),
              text,
            });
          }
          return;
        }
      }
      if (same) {
        const sameLabel =
          same.input === input.name ? `its ${axisWord(input, same.axis)}` : `the ${axisWord(input, same.axis)} of ${inputLabel(graph, same.input)}`;
        constraints.push({
          kind: "equal",
          input: input.name,
          axis: axis + 1,
          name: axisWord(input, axis),
          to: { input: same.input, axis: same.axis + 1 },
          text: `${label} needs its ${axisWord(input, axis)} equal to ${sameLabel}`,
        });
        return;
      }
      constraints.push({
        kind: "size",
        input: input.name,
        axis: axis + 1,
        name: axisWord(input, axis),
        expr: dimName(p),
        text: `${label} needs ${axisWord(input, axis)} ${dimName(p)}`,
      });
    });
  }
  for (const name of names)
    if (!reads.has(name))
      problems.push({ name, message: `no input's size is a multiple of \`${name}\` plus a constant, so it cannot be read from the inputs at run time` });
  if (problems.length > 0) return { problems };

  // What the checker could not prove for every value of the dynamic parameters.
  for (const r of carried) {
    if (r.relation === "divides") {
      const dividend = specialise(r.dividend);
      const divisor = specialise(r.divisor);
      const q = dividend.divExact(divisor);
      if (q && q.termList().every((t) => t.coef.isInteger())) continue;
      const text = divisor.constantValue()?.equals(Rational.ONE)
        ? `${r.what}: ${dimName(dividend)} must be an integer`
        : `${r.what}: ${dimName(dividend)} must be a multiple of ${dimName(divisor)}`;
      if (!constraints.some((c) => c.kind === "divides" && c.dividend === dimName(dividend) && c.divisor === dimName(divisor)))
        constraints.push({ kind: "divides", dividend: dimName(dividend), divisor: dimName(divisor), text });
    } else {
      const lhs = specialise(r.lhs);
      const rhs = specialise(r.rhs);
      if (lhs.equals(rhs)) continue;
      constraints.push({ kind: "same", lhs: dimName(lhs), rhs: dimName(rhs), text: `${r.what}: ${dimName(lhs)} must equal ${dimName(rhs)}` });
    }
  }

  // The smallest value of each parameter at which the network is valid.
  const conditions = validity(graph, dims, specialise, carried);
  const parameters: Record<string, ParameterSource> = {};
  for (const name of names) {
    const read = reads.get(name)!;
    const base = compiled.get(name) ?? 1;
    const min = smallestValid(name, base, compiled, conditions);
    const input = graph.inputs.find((i) => i.name === read.input)!;
    const word = axisWord(input, read.axis);
    parameters[name] = { input: read.input, axis: read.axis + 1, name: word, scale: read.scale, offset: read.offset, min, compiled: base };
    const least = read.scale * min + read.offset;
    if (least > 1)
      constraints.push({
        kind: "min",
        input: read.input,
        axis: read.axis + 1,
        name: word,
        value: least,
        text: `${inputLabel(graph, read.input)} needs ${word === "frames" ? `at least ${least} frames` : `a ${word} of at least ${least}`}`,
      });
  }

  const requirements: ShapeRequirements = {
    format: REQUIREMENTS_FORMAT,
    dynamic: [...names],
    inputs: Object.fromEntries(graph.inputs.map((v) => [v.name, ["N", ...entries(dims.get(v.name)!)]])),
    outputs: Object.fromEntries(graphOutputs(graph).map(({ name, value }) => [name, ["N", ...entries(dims.get(value.name)!)]])),
    parameters,
    constraints,
  };
  return { plan: { names, dims, reads, requirements }, problems };
}

/** A plan for a graph after the inference passes (the same values, fewer of them). */
export function planFor(plan: DynamicPlan, graph: IRGraph): DynamicPlan {
  const dims = new Map<string, readonly Poly[]>();
  for (const name of graph.values.keys()) {
    const d = plan.dims.get(name);
    if (d !== undefined) dims.set(name, d);
  }
  return { ...plan, dims };
}
