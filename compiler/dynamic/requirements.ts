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
import { BATCH_DIM_PARAM } from "./dim-names";
import { counted } from "../thousands";

export const REQUIREMENTS_FORMAT = "sfc-requirements/1";

/** One dimension of a requirements shape: a number, or a dimension name (`"N"`, `"8*T"`). */
export type DimEntry = number | string;

/** An axis of one input. */
export interface AxisRef {
  readonly input: string;
  /** Counting the batch as axis 0, as ONNX does. */
  readonly axis: number;
  /** What the axis is: "frames", "height", "width", "channels" or "axis k". */
  readonly name?: string;
}

/** Where a dynamic parameter is read: its input axis has size scale·P + offset. */
export interface ParameterSource extends AxisRef {
  readonly scale: number;
  readonly offset: number;
  readonly min: number;
  /** The value it was compiled at (the model was checked there), for examples. */
  readonly compiled: number;
}

/** What the input sizes must satisfy, one rule each (docs/deploy.md, "The `requirements` metadata"). */
export type Constraint =
  | ({ readonly kind: "multiple"; readonly of: number; readonly offset: number; readonly text: string } & AxisRef)
  | ({ readonly kind: "equal"; readonly to: AxisRef; readonly text: string } & AxisRef)
  | ({ readonly kind: "min"; readonly value: number; readonly text: string } & AxisRef)
  | ({ readonly kind: "size"; readonly expr: string; readonly text: string } & AxisRef)
  | { readonly kind: "divides"; readonly divisor: string; readonly dividend: string; readonly text: string }
  | { readonly kind: "same"; readonly lhs: string; readonly rhs: string; readonly text: string };

/** A model's `requirements` metadata (docs/deploy.md): its input and output shapes and what their sizes must satisfy. */
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
export type DimensionEvaluator = (expr: string, env: (name: string) => number | undefined) => number | undefined;

/** Each input's shape (batch first) by input name, as a request gives them. */
export type InputShapes = Readonly<Record<string, readonly number[]>>;

/** An axis's size in the request; undefined for an input it does not give. */
function sizeAt(shapes: InputShapes, ref: { readonly input: string; readonly axis: number }): number | undefined {
  return Object.hasOwn(shapes, ref.input) ? shapes[ref.input]![ref.axis] : undefined;
}

/** The parameters read from the inputs that define them: (size − offset)/scale where that is an integer. */
function parametersOf(req: ShapeRequirements, shapes: InputShapes): (name: string) => number | undefined {
  const values = new Map<string, number>();
  for (const [name, read] of Object.entries(req.parameters)) {
    const size = sizeAt(shapes, read);
    if (size === undefined) continue;
    const v = (size - read.offset) / read.scale;
    if (Number.isInteger(v)) values.set(name, v);
  }
  return (name) => values.get(name);
}

/** Names in a dimension name (its parameters). */
export const namesIn = (expr: string): string[] => (expr.match(/[\p{L}_][\p{L}\p{N}_]*/gu) ?? []).filter((n) => n !== "floor" && n !== "ceil");

/** What is wrong with the request by one constraint (a sentence without the nearest sizes), or undefined. */
function failure(c: Constraint, shapes: InputShapes, env: (name: string) => number | undefined, evaluate: DimensionEvaluator): string | undefined {
  const size = "input" in c ? sizeAt(shapes, c) : undefined;
  if ("input" in c && size === undefined) return undefined;
  switch (c.kind) {
    case "multiple":
      return (((size! - c.offset) % c.of) + c.of) % c.of === 0 ? undefined : `${quantity(c, size!)}: ${c.text}`;
    case "min":
      return size! < c.value ? `${quantity(c, size!)}: ${c.text}` : undefined;
    case "equal": {
      const other = sizeAt(shapes, c.to);
      return other === undefined || size === other ? undefined : `${quantity(c, size!)}: ${c.text} (${other})`;
    }
    case "size": {
      const want = evaluate(c.expr, env);
      return want !== undefined && want !== size ? `${quantity(c, size!)}: ${c.text} = ${want}` : undefined;
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

const sameAxis = (a: AxisRef, b: AxisRef): boolean => a.input === b.input && a.axis === b.axis;

/** The axes, of any input, that must equal `ref` (through "equal" constraints), `ref` first. */
function tiedAxes(req: ShapeRequirements, ref: AxisRef): AxisRef[] {
  const tied: AxisRef[] = [ref];
  const has = (r: AxisRef): boolean => tied.some((t) => sameAxis(t, r));
  for (let grew = true; grew;) {
    grew = false;
    for (const c of req.constraints) {
      if (c.kind !== "equal") continue;
      for (const [a, b] of [
        [c, c.to],
        [c.to, c],
      ] as const)
        if (has(a) && !has(b)) {
          tied.push({ input: b.input, axis: b.axis });
          grew = true;
        }
    }
  }
  return tied;
}

/** The axis a constraint is about: its own, or the one a parameter it names is read from. */
function axisOf(req: ShapeRequirements, c: Constraint): AxisRef | undefined {
  if ("input" in c) return c.kind === "equal" ? undefined : c;
  const exprs = c.kind === "divides" ? [c.dividend, c.divisor] : [c.lhs, c.rhs];
  for (const name of exprs.flatMap(namesIn)) {
    // Own keys only: the object was parsed from a model's metadata, where `constructor` is a name like any other.
    const read = Object.hasOwn(req.parameters, name) ? req.parameters[name] : undefined;
    if (read !== undefined) return read;
  }
  return undefined;
}

/** How far the nearest valid sizes are looked for, each way. */
const SEARCH = 4096;

/**
 * The nearest sizes of `ref` (and the axes tied to it, in any input) below
 * and above the given one at which every constraint about those axes holds,
 * the other inputs' sizes as given.
 */
function nearestValid(req: ShapeRequirements, shapes: InputShapes, ref: AxisRef, evaluate: DimensionEvaluator): number[] {
  const tied = tiedAxes(req, ref);
  const isTied = (r: AxisRef): boolean => tied.some((t) => sameAxis(t, r));
  const about = req.constraints.filter((c) => {
    const a = axisOf(req, c);
    return a !== undefined && isTied(a);
  });
  const valid = (size: number): boolean => {
    const candidate: Record<string, number[]> = Object.fromEntries(Object.entries(shapes).map(([name, shape]) => [name, [...shape]]));
    for (const t of tied) if (Object.hasOwn(candidate, t.input)) candidate[t.input]![t.axis] = size;
    const env = parametersOf(req, candidate);
    // A parameter this axis reads must be readable at the candidate size.
    for (const read of Object.values(req.parameters)) if (isTied(read) && !Number.isInteger((size - read.offset) / read.scale)) return false;
    return about.every((c) => failure(c, candidate, env, evaluate) === undefined);
  };
  const size = sizeAt(shapes, ref)!;
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

/** One thing wrong with a request: the input it is about and a sentence that says it. */
export interface InputProblem {
  readonly input: string;
  readonly message: string;
}

/** What is wrong with the inputs' ranks and fixed dimensions, before any parameter is read. */
function layoutProblems(req: ShapeRequirements, shapes: InputShapes): InputProblem[] {
  const problems: InputProblem[] = [];
  for (const input of Object.keys(shapes)) if (!Object.hasOwn(req.inputs, input)) problems.push({ input, message: `the model has no input ${input}` });
  for (const [input, declared] of Object.entries(req.inputs)) {
    const shape = Object.hasOwn(shapes, input) ? shapes[input] : undefined;
    const problem = (message: string): number => problems.push({ input, message });
    const fits = shape !== undefined && declared.length === shape.length && declared.every((d, axis) => typeof d !== "number" || d === shape[axis]);
    if (shape === undefined) problem(`no shape for input ${input}: the model takes one for each of its inputs`);
    else if (!fits) problem(`input ${input} has shape (${shape.join(", ")}); the model takes (${declared.join(", ")})`);
    // A batch of no clips would run and give an empty output.
    else if (shape.length > 0 && shape[0] === 0) problem(`input ${input} has shape (${shape.join(", ")}): the batch is empty, with no clips`);
  }
  return problems.length > 0 ? problems : batchProblems(req, shapes);
}

/**
 * Inputs whose first axis is the batch hold one batch between them: N clips
 * each, the same N. Called once layoutProblems found every input given, with
 * its rank.
 */
function batchProblems(req: ShapeRequirements, shapes: InputShapes): InputProblem[] {
  const batched = Object.keys(req.inputs).filter((input) => req.inputs[input]![0] === BATCH_DIM_PARAM);
  const first = batched[0];
  if (first === undefined) return [];
  const batch = shapes[first]![0]!;
  return batched
    .filter((input) => shapes[input]![0] !== batch)
    .map((input) => ({
      input,
      message: `input ${input} has ${counted(shapes[input]![0]!, "clip")} in its batch, input ${first} ${batch}: the inputs are one batch, ${BATCH_DIM_PARAM} clips each`,
    }));
}

/**
 * Checks a request's input shapes (batch included), all together, against
 * the requirements, the way a serving system would: the dynamic parameters
 * read from their axes, whichever input defines them, then every
 * constraint, those between two inputs included. Returns what is wrong, one
 * sentence each with the input it is about, with the nearest valid sizes of
 * the axis it is about ("use 32 or 40": every constraint about that axis
 * holds there, the other sizes as given); empty when the request is valid.
 * Every input of the model must be given.
 */
export function checkInputs(req: ShapeRequirements, shapes: InputShapes, evaluate: DimensionEvaluator): InputProblem[] {
  const layout = layoutProblems(req, shapes);
  if (layout.length > 0) return layout;
  const problems: InputProblem[] = [];
  const env = parametersOf(req, shapes);
  for (const c of req.constraints) {
    const wrong = failure(c, shapes, env, evaluate);
    if (wrong === undefined) continue;
    const ref = axisOf(req, c);
    const sizes = ref === undefined ? [] : nearestValid(req, shapes, ref, evaluate);
    // A condition over the parameters says which size it is about, as the axes' own do.
    const read = "input" in c || ref === undefined ? undefined : ref;
    const said = read === undefined ? wrong : `${quantity(read, sizeAt(shapes, read)!)}: ${wrong}`;
    // A constraint over the parameters alone is about the input the first parameter it names is read from.
    const input = "input" in c ? c.input : (ref?.input ?? Object.keys(shapes)[0]!);
    problems.push({ input, message: sizes.length > 0 ? `${said}; use ${sizes.join(" or ")}` : said });
  }
  if (problems.length > 0) return problems;
  // Each parameter is at least its smallest value. A constraint says so where that is more than 1; at 1
  // none does, and an empty axis (0 frames) would otherwise run and give an empty output.
  for (const read of Object.values(req.parameters)) {
    const size = sizeAt(shapes, read);
    if (size === undefined) continue;
    const least = read.min * read.scale + read.offset;
    if (size >= least) continue;
    const needs = read.name === "frames" ? `at least ${counted(least, "frame")}` : `a ${read.name ?? `axis ${read.axis}`} of at least ${least}`;
    problems.push({ input: read.input, message: `${quantity(read, size)}: input \`${read.input}\` needs ${needs}` });
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
