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
  readonly axis: number;
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
