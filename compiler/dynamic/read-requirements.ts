/**
 * Reading a model's `requirements` metadata (docs/deploy.md): a serving
 * system, like `sfc run`, trusts requirements only when every field is well
 * formed and every reference (an input, an axis, a parameter, an expression)
 * is one the requirements themselves state. Unchecked, a damaged field would
 * make a constraint hold silently or a message say `undefined`.
 */
import { dimNameValue } from "./dim-names";
import { namesIn, REQUIREMENTS_FORMAT, type AxisRef, type Constraint, type ShapeRequirements } from "./requirements";

/**
 * Requirements read from their JSON text, or why they cannot be: `foreign`
 * when the text is not JSON or not a `sfc-requirements/1` object at all (a
 * key of the same name another producer wrote may be that), else damaged.
 */
export type RequirementsReading =
  { readonly ok: true; readonly requirements: ShapeRequirements } | { readonly ok: false; readonly foreign: boolean; readonly problem: string };

/** Reads a model's `requirements` metadata text, checking every field and reference before it can be trusted. */
export function readRequirements(text: string): RequirementsReading {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, foreign: true, problem: "it is not JSON" };
  }
  if (!isObject(parsed) || parsed.format !== REQUIREMENTS_FORMAT) {
    const problem =
      isObject(parsed) && typeof parsed.format === "string"
        ? `its format is ${JSON.stringify(parsed.format)}; this sfc reads '${REQUIREMENTS_FORMAT}'`
        : `it is not a '${REQUIREMENTS_FORMAT}' object`;
    return { ok: false, foreign: true, problem };
  }
  const problem = requirementsProblem(parsed) ?? referenceProblem(parsed as unknown as ShapeRequirements);
  return problem === undefined ? { ok: true, requirements: parsed as unknown as ShapeRequirements } : { ok: false, foreign: false, problem };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

const isCount = (v: unknown): boolean => Number.isSafeInteger(v) && (v as number) >= 0;
const isInteger = (v: unknown): boolean => Number.isSafeInteger(v);
const isText = (v: unknown): boolean => typeof v === "string";

/** What is wrong with a requirements object's shape (the fields run reads), or undefined. */
function requirementsProblem(r: Record<string, unknown>): string | undefined {
  if (!Array.isArray(r.dynamic) || !r.dynamic.every(isText)) return "'dynamic' is not a list of names";
  for (const key of ["inputs", "outputs"] as const) {
    const shapes = r[key];
    if (!isObject(shapes)) return `'${key}' is not an object`;
    for (const [name, dims] of Object.entries(shapes))
      if (!Array.isArray(dims) || !dims.every((d) => isCount(d) || isText(d))) return `'${key}.${name}' is not a list of sizes and names`;
  }
  if (!isObject(r.parameters)) return "'parameters' is not an object";
  for (const [name, p] of Object.entries(r.parameters)) {
    if (
      !isObject(p) ||
      !isText(p.input) ||
      !isCount(p.axis) ||
      ![p.scale, p.offset, p.min].every(isInteger) ||
      !(isCount(p.compiled) && (p.compiled as number) > 0)
    )
      return `parameter '${name}' is not {input, axis, scale, offset, min, compiled} with a positive compiled size`;
  }
  if (!Array.isArray(r.constraints)) return "'constraints' is not a list";
  for (const [i, c] of r.constraints.entries()) {
    const problem = constraintProblem(c);
    if (problem !== undefined) return `constraint ${i} ${problem}`;
  }
  return undefined;
}

function constraintProblem(c: unknown): string | undefined {
  if (!isObject(c) || !isText(c.text)) return "has no text";
  const axisRef = (a: unknown): boolean => isObject(a) && isText(a.input) && isCount(a.axis);
  const kind = c.kind as Constraint["kind"];
  const fine = ((): boolean | undefined => {
    switch (kind) {
      case "multiple":
        return axisRef(c) && isCount(c.of) && (c.of as number) > 0 && isInteger(c.offset);
      case "equal":
        return axisRef(c) && axisRef(c.to);
      case "min":
        return axisRef(c) && isInteger(c.value);
      case "size":
        return axisRef(c) && isText(c.expr);
      case "divides":
        return isText(c.divisor) && isText(c.dividend);
      case "same":
        return isText(c.lhs) && isText(c.rhs);
      default:
        return unknownKind(kind);
    }
  })();
  if (fine === undefined) return `has an unknown kind ${JSON.stringify(c.kind)}`;
  return fine ? undefined : `is not a well-formed '${String(kind)}' constraint`;
}

/** Constraint kinds are a closed set; one from elsewhere makes the model's metadata damaged. */
function unknownKind(kind: never): undefined {
  void kind;
  return undefined;
}

/**
 * What is wrong with what a well-formed requirements object refers to: an
 * input the model does not state, an axis past an input's last, a scale that
 * reads no size, an expression that cannot be read over the parameters, a
 * divisor that is 0. Unchecked, each would make a constraint silently hold
 * or a message say `undefined`.
 */
function referenceProblem(r: ShapeRequirements): string | undefined {
  const axisProblem = (ref: AxisRef): string | undefined => {
    const dims = Object.hasOwn(r.inputs, ref.input) ? r.inputs[ref.input] : undefined;
    if (dims === undefined) return `reads input '${ref.input}', which the model does not have`;
    return ref.axis < dims.length ? undefined : `reads axis ${ref.axis} of input '${ref.input}', which has ${dims.length} axes`;
  };
  for (const [name, p] of Object.entries(r.parameters)) {
    const problem = axisProblem(p) ?? (p.scale > 0 ? undefined : `has scale ${p.scale}; a parameter is read with a positive scale`);
    if (problem !== undefined) return `parameter '${name}' ${problem}`;
  }
  // The values the model was compiled at, where every size it states is defined.
  const compiled = (name: string): number | undefined => (Object.hasOwn(r.parameters, name) ? r.parameters[name]!.compiled : undefined);
  const expressionProblem = (expr: string): string | undefined => {
    const unknown = namesIn(expr).find((n) => !Object.hasOwn(r.parameters, n));
    if (unknown !== undefined) return `has '${expr}', whose '${unknown}' is not a parameter`;
    return dimNameValue(expr, compiled) === undefined ? `has '${expr}', which is not a dimension name` : undefined;
  };
  for (const [i, c] of r.constraints.entries()) {
    const problem = ((): string | undefined => {
      switch (c.kind) {
        case "multiple":
        case "min":
          return axisProblem(c);
        case "equal":
          return axisProblem(c) ?? axisProblem(c.to);
        case "size":
          return axisProblem(c) ?? expressionProblem(c.expr);
        case "divides":
          return (
            expressionProblem(c.dividend) ??
            expressionProblem(c.divisor) ??
            (dimNameValue(c.divisor, compiled) === 0 ? `has the divisor '${c.divisor}', which is 0` : undefined)
          );
        case "same":
          return expressionProblem(c.lhs) ?? expressionProblem(c.rhs);
      }
    })();
    if (problem !== undefined) return `constraint ${i} ${problem}`;
  }
  return undefined;
}
