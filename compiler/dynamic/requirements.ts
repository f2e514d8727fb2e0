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
 *                smallest valid value (every size in the graph ≥ 1, the other
 *                parameters at their compiled values) and the compiled value
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
import type { IRGraph } from "../ir";

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
    outputs: Object.fromEntries(graph.outputs.map((v) => [v.name, ["N", ...v.shape]])),
    parameters: {},
    constraints: [],
  };
}

/** "33 frames", "height 65". */
function quantity(ref: AxisRef, size: number): string {
  const name = ref.name ?? `axis ${ref.axis}`;
  return name === "frames" ? `${size} frames` : `${name} ${size}`;
}

/**
 * Checks one input's shape (batch included) against the requirements, the
 * way a serving system would: the dynamic parameters read from their axes,
 * then every constraint on this input and every one over the parameters.
 * Returns what is wrong, one sentence each, with the nearest valid sizes
 * where there are any; empty when the input is valid.
 */
export function checkInput(
  req: ShapeRequirements,
  input: string,
  shape: readonly number[],
  evaluate: (expr: string, env: (name: string) => number | undefined) => number | undefined,
): string[] {
  const declared = req.inputs[input];
  if (declared === undefined) return [`the model has no input ${input}`];
  if (declared.length !== shape.length) return [`input ${input} has ${shape.length} dimensions; the model takes ${declared.length}`];
  const problems: string[] = [];
  declared.forEach((d, axis) => {
    if (typeof d === "number" && d !== shape[axis]) problems.push(`input ${input}: axis ${axis} is ${shape[axis]}; the model takes ${d}`);
  });
  if (problems.length > 0) return problems;
  const values = new Map<string, number>();
  for (const [name, read] of Object.entries(req.parameters)) {
    if (read.input !== input) continue;
    const v = (shape[read.axis]! - read.offset) / read.scale;
    if (Number.isInteger(v)) values.set(name, v);
  }
  const env = (name: string): number | undefined => values.get(name);
  for (const c of req.constraints) {
    if ("input" in c && c.input !== input) continue;
    switch (c.kind) {
      case "multiple": {
        const size = shape[c.axis]!;
        const over = (((size - c.offset) % c.of) + c.of) % c.of;
        if (over === 0) break;
        const min = req.constraints.find((m) => m.kind === "min" && m.input === c.input && m.axis === c.axis);
        const lower = size - over;
        const options = [lower, lower + c.of].filter((n) => n >= (min?.kind === "min" ? min.value : 1) && n >= 1);
        problems.push(`${quantity(c, size)}: ${c.text}${options.length > 0 ? `; use ${options.join(" or ")}` : ""}`);
        break;
      }
      case "min":
        if (shape[c.axis]! < c.value) problems.push(`${quantity(c, shape[c.axis]!)}: ${c.text}`);
        break;
      case "equal": {
        if (c.to.input !== input) break;
        if (shape[c.axis] !== shape[c.to.axis]) problems.push(`${quantity(c, shape[c.axis]!)}: ${c.text} (${shape[c.to.axis]})`);
        break;
      }
      case "size": {
        const want = evaluate(c.expr, env);
        if (want !== undefined && want !== shape[c.axis]) problems.push(`${quantity(c, shape[c.axis]!)}: ${c.text} = ${want}`);
        break;
      }
      case "divides": {
        const dividend = evaluate(c.dividend, env);
        const divisor = evaluate(c.divisor, env);
        if (dividend !== undefined && divisor !== undefined && divisor !== 0 && dividend % divisor !== 0)
          problems.push(`${c.text} (here ${c.dividend} = ${dividend}, ${c.divisor} = ${divisor})`);
        break;
      }
      case "same": {
        const lhs = evaluate(c.lhs, env);
        const rhs = evaluate(c.rhs, env);
        if (lhs !== undefined && rhs !== undefined && lhs !== rhs) problems.push(`${c.text} (here ${lhs} and ${rhs})`);
        break;
      }
      default: {
        const unhandled: never = c;
        throw new Error(`unknown constraint ${JSON.stringify(unhandled)}`);
      }
    }
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
