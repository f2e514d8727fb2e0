/**
 * The `requirements` metadata: what a serving system must know to feed the
 * model, in one machine-readable JSON object (format "sfc-requirements/1",
 * described in docs/deploy.md):
 *
 *   dynamic      the network parameters left symbolic, e.g. ["T", "S"]
 *   inputs       per input, its shape: "N" for the batch, numbers for fixed
 *                dimensions, dimension names (docs/deploy.md) for symbolic ones
 *   outputs      the same for the outputs
 *   parameters   per dynamic parameter, where to read it: the input axis
 *                (batch = axis 0) whose size is scale·P + offset; its
 *                smallest valid value (smallest.ts: every size ≥ 1, every
 *                window and selection within its input, every carried
 *                condition, the other parameters at their compiled values)
 *                and the compiled value
 *   constraints  what the sizes must satisfy, each with a sentence `text`
 *                that says it without the size (a checker prefixes "33 frames: "):
 *                {kind: "multiple", input, axis, of, offset}: (size − offset) mod of = 0
 *                {kind: "min", input, axis, value}: size ≥ value
 *                {kind: "equal", input, axis, to: {input, axis}}: two axes agree
 *                {kind: "size", input, axis, expr}: the size is expr, a dimension
 *                  name (dim-names.ts) evaluated at the parameters
 *                {kind: "divides", divisor, dividend}: two dimension names over
 *                  the parameters, the first dividing the second (carried from
 *                  the checker's proof of the network)
 *                {kind: "same", lhs, rhs}: two dimension names that must agree
 */
import { graphOutputs, type IRGraph } from "../ir";

export const REQUIREMENTS_FORMAT = "sfc-requirements/1";

export type DimEntry = number | string;

export interface AxisRef {
  readonly input: string;
  /** Counting the batch as axis 0, as ONNX does. */
  readonly axis: number;
  /** What the axis is: "frames", "height", "width", "channels" or "axis k". */
  readonly name?: string;
}

export interface ParameterSource extends AxisRef {
  readonly scale: number;
  readonly offset: number;
  readonly min: number;
  /** The value it was compiled at (the model was checked there), for examples. */
  readonly compiled: number;
}

export type Constraint =
  | ({ readonly kind: "multiple"; readonly of: number; readonly offset: number; readonly text: string } & AxisRef)
  | ({ readonly kind: "equal"; readonly to: AxisRef; readonly text: string } & AxisRef)
  | ({ readonly kind: "min"; readonly value: number; readonly text: string } & AxisRef)
  | ({ readonly kind: "size"; readonly expr: string; readonly text: string } & AxisRef)
  | { readonly kind: "divides"; readonly divisor: string; readonly dividend: string; readonly text: string }
  | { readonly kind: "same"; readonly lhs: string; readonly rhs: string; readonly text: string };

export interface ShapeRequirements {
  readonly format: typeof REQUIREMENTS_FORMAT;
  readonly dynamic: readonly string[];
  readonly inputs: Readonly<Record<string, readonly DimEntry[]>>;
  readonly outputs: Readonly<Record<string, readonly DimEntry[]>>;
  readonly parameters: Readonly<Record<string, ParameterSource>>;
  readonly constraints: readonly Constraint[];
}

/** A fixed-size model: every dimension but the batch is a number. */
export function fixedRequirements(graph: IRGraph): ShapeRequirements {
  return {
    format: REQUIREMENTS_FORMAT,
    dynamic: [],
    inputs: Object.fromEntries(graph.inputs.map((v) => [v.name, ["N", ...v.shape]])),
    outputs: Object.fromEntries(graphOutputs(graph).map(({ name, value }) => [name, ["N", ...value.shape]])),
    parameters: {},
    constraints: [],
  };
}

/** "33 frames", "height 65". */
function quantity(ref: AxisRef, size: number): string {
  const name = ref.name ?? `axis ${ref.axis}`;
  return name === "frames" ? `${size} frames` : `${name} ${size}`;
}

/** A dimension name's exact value, whole or not (dim-names.ts's dimNameValue); undefined when it cannot be read. */
type Evaluate = (expr: string, env: (name: string) => number | undefined) => number | undefined;

/** The parameters read from `input`'s shape: (size − offset)/scale where that is an integer. */
function parametersOf(req: ShapeRequirements, input: string, shape: readonly number[]): (name: string) => number | undefined {
  const values = new Map<string, number>();
  for (const [name, read] of Object.entries(req.parameters)) {
    if (read.input !== input) continue;
    const v = (shape[read.axis]! - read.offset) / read.scale;
    if (Number.isInteger(v)) values.set(name, v);
  }
  return (name) => values.get(name);
}

/** Names in a dimension name (its parameters). */
const namesIn = (expr: string): string[] => (expr.match(/[\p{L}_][\p{L}\p{N}_]*/gu) ?? []).filter((n) => n !== "floor" && n !== "ceil");

/** What is wrong with `shape` by one constraint (a sentence without the nearest sizes), or undefined. */
function failure(c: Constraint, input: string, shape: readonly number[], env: (name: string) => number | undefined, evaluate: Evaluate): string | undefined {
  if ("input" in c && c.input !== input) return undefined;
  switch (c.kind) {
    case "multiple": {
      const size = shape[c.axis]!;
      return (((size - c.offset) % c.of) + c.of) % c.of === 0 ? undefined : `${quantity(c, size)}: ${c.text}`;
    }
    case "min":
      return shape[c.axis]! < c.value ? `${quantity(c, shape[c.axis]!)}: ${c.text}` : undefined;
    case "equal":
      if (c.to.input !== input || shape[c.axis] === shape[c.to.axis]) return undefined;
      return `${quantity(c, shape[c.axis]!)}: ${c.text} (${shape[c.to.axis]})`;
    case "size": {
      const want = evaluate(c.expr, env);
      return want !== undefined && want !== shape[c.axis] ? `${quantity(c, shape[c.axis]!)}: ${c.text} = ${want}` : undefined;
    }
    case "divides": {
      const dividend = evaluate(c.dividend, env);
      const divisor = evaluate(c.divisor, env);
      // Exact values, whole or not: "S/2 must be an integer" fails at S = 9, where S/2 is 4.5.
      if (dividend === undefined || divisor === undefined || divisor === 0 || Number.isInteger(dividend / divisor)) return undefined;
      // A constant divisor says itself; only sizes that depend on the parameters are worth their values.
      const values = [`${c.dividend} = ${dividend}`, ...(Number.isInteger(Number(c.divisor)) ? [] : [`${c.divisor} = ${divisor}`])];
      return `${c.text} (here ${values.join(", ")})`;
    }
    case "same": {
      const lhs = evaluate(c.lhs, env);
      const rhs = evaluate(c.rhs, env);
      return lhs !== undefined && rhs !== undefined && lhs !== rhs ? `${c.text} (here ${lhs} and ${rhs})` : undefined;
    }
    default: {
      const unhandled: never = c;
      throw new Error(`unknown constraint ${JSON.stringify(unhandled)}`);
    }
  }
}

/** The axes of `input` that must equal `axis` (through "equal" constraints), `axis` first. */
function tiedAxes(req: ShapeRequirements, input: string, axis: number): number[] {
  const tied = [axis];
  for (let grew = true; grew;) {
    grew = false;
    for (const c of req.constraints) {
      if (c.kind !== "equal" || c.input !== input || c.to.input !== input) continue;
      for (const [a, b] of [
        [c.axis, c.to.axis],
        [c.to.axis, c.axis],
      ] as const)
        if (tied.includes(a) && !tied.includes(b)) {
          tied.push(b);
          grew = true;
        }
    }
  }
  return tied;
}

/** The axis of `input` a constraint is about: its own, or the one a parameter it names is read from. */
function axisOf(req: ShapeRequirements, input: string, c: Constraint): number | undefined {
  if ("input" in c) return c.input === input && c.kind !== "equal" ? c.axis : undefined;
  const exprs = c.kind === "divides" ? [c.dividend, c.divisor] : [c.lhs, c.rhs];
  for (const name of exprs.flatMap(namesIn)) {
    // Own keys only: the object was parsed from a model's metadata, where `constructor` is a name like any other.
    const read = Object.hasOwn(req.parameters, name) ? req.parameters[name] : undefined;
    if (read !== undefined && read.input === input) return read.axis;
  }
  return undefined;
}

/** How far the nearest valid sizes are looked for, each way. */
const SEARCH = 4096;

/**
 * The nearest sizes of `axis` (and the axes tied to it) below and above the
 * given one at which every constraint about that axis holds.
 */
function nearestValid(req: ShapeRequirements, input: string, shape: readonly number[], axis: number, evaluate: Evaluate): number[] {
  const tied = tiedAxes(req, input, axis);
  const about = req.constraints.filter((c) => {
    const a = axisOf(req, input, c);
    return a !== undefined && tied.includes(a);
  });
  const valid = (size: number): boolean => {
    const candidate = [...shape];
    for (const a of tied) candidate[a] = size;
    const env = parametersOf(req, input, candidate);
    // A parameter this axis reads must be readable at the candidate size.
    for (const read of Object.values(req.parameters))
      if (read.input === input && tied.includes(read.axis) && !Number.isInteger((size - read.offset) / read.scale)) return false;
    return about.every((c) => failure(c, input, candidate, env, evaluate) === undefined);
  };
  const size = shape[axis]!;
  const out: number[] = [];
  for (let s = size - 1; s >= 1 && s >= size - SEARCH; s--)
    if (valid(s)) {
      out.push(s);
      break;
    }
  for (let s = size + 1; s <= size + SEARCH; s++)
    if (valid(s)) {
      out.push(s);
      break;
    }
  return out;
}

/**
 * Checks one input's shape (batch included) against the requirements, the
 * way a serving system would: the dynamic parameters read from their axes,
 * then every constraint on this input and every one over the parameters.
 * Returns what is wrong, one sentence each, with the nearest valid sizes of
 * the axis it is about ("use 32 or 40": every constraint about that axis
 * holds there); empty when the input is valid.
 */
export function checkInput(req: ShapeRequirements, input: string, shape: readonly number[], evaluate: Evaluate): string[] {
  const declared = Object.hasOwn(req.inputs, input) ? req.inputs[input] : undefined;
  if (declared === undefined) return [`the model has no input ${input}`];
  if (declared.length !== shape.length) return [`input ${input} has ${shape.length} dimensions; the model takes ${declared.length}`];
  const problems: string[] = [];
  declared.forEach((d, axis) => {
    if (typeof d === "number" && d !== shape[axis]) problems.push(`input ${input}: axis ${axis} is ${shape[axis]}; the model takes ${d}`);
  });
  if (problems.length > 0) return problems;
  const env = parametersOf(req, input, shape);
  for (const c of req.constraints) {
    const wrong = failure(c, input, shape, env, evaluate);
    if (wrong === undefined) continue;
    const axis = axisOf(req, input, c);
    const sizes = axis === undefined ? [] : nearestValid(req, input, shape, axis, evaluate);
    // A condition over the parameters says which size it is about, as the axes' own do.
    const read = "input" in c ? undefined : Object.values(req.parameters).find((p) => p.input === input && p.axis === axis);
    const said = read === undefined ? wrong : `${quantity(read, shape[read.axis]!)}: ${wrong}`;
    problems.push(sizes.length > 0 ? `${said}; use ${sizes.join(" or ")}` : said);
  }
  if (problems.length > 0) return problems;
  // Each parameter read from this input is at least its smallest value. A constraint says so where that is
  // more than 1; at 1 none does, and an empty axis (0 frames) would otherwise run and give an empty output.
  for (const read of Object.values(req.parameters)) {
    if (read.input !== input) continue;
    const size = shape[read.axis]!;
    const least = read.min * read.scale + read.offset;
    if (size >= least) continue;
    const needs = read.name === "frames" ? `at least ${least} frame${least === 1 ? "" : "s"}` : `a ${read.name ?? `axis ${read.axis}`} of at least ${least}`;
    problems.push(`${quantity(read, size)}: input \`${input}\` needs ${needs}`);
  }
  return problems;
}

/**
 * Which axes of each input and output vary at run time (batch = axis 0
 * included), for serving configurations that write -1 for them (Triton's
 * `dims`). Works on any requirements object, fixed or dynamic.
 */
export function dynamicAxes(req: ShapeRequirements): { inputs: Record<string, number[]>; outputs: Record<string, number[]> } {
  const axes = (shapes: Readonly<Record<string, readonly DimEntry[]>>): Record<string, number[]> =>
    Object.fromEntries(Object.entries(shapes).map(([name, dims]) => [name, dims.flatMap((d, i) => (typeof d === "string" ? [i] : []))]));
  return { inputs: axes(req.inputs), outputs: axes(req.outputs) };
}
