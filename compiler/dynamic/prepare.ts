/**
 * Deciding whether the named parameters can stay symbolic, and planning it.
 * A parameter can when (1) it is a number, (2) the network checks with it
 * unbound (what cannot be proved for all its values becomes a requirement),
 * (3) compiled at another value, the graph has the same nodes, every weight
 * the same shape and every attribute the same value, except the attributes an
 * op's lowering recomputes from run-time sizes (OnnxLowering.sizeAttributes),
 * and (4) an input's size reads it back (a·P + b).
 */
import type { Requirement } from "../check/context";
import { Rational } from "../dims/rational";
import { makeDiagnostic, type Diagnostic } from "../diagnostics/diagnostic";
import type { NetworkParam } from "../elaborate";
import type { IRGraph } from "../ir";
import { recordOf } from "../ops";
import type { Span } from "../span";
import { BlockParamValue } from "../values";
import { BATCH_DIM_PARAM } from "./dim-names";
import { planDynamic, type DynamicPlan } from "./plan";

/** The lowest opset the shape-agnostic lowerings use (Range, Max on int64, Squeeze-free scalars). */
export const DYNAMIC_MIN_OPSET = 13;

export interface DynamicRequest {
  readonly names: readonly string[];
  /** Where --dynamic was written, for diagnostics. */
  readonly span: Span;
  readonly graph: IRGraph;
  readonly params: readonly NetworkParam[];
  readonly opset: number;
  /** The network checked with `names` unbound: what it requires, and what it reported. */
  symbolicCheck(): { requirements: readonly Requirement[]; diagnostics: readonly Diagnostic[] };
  /** The network elaborated with one parameter at another value; undefined if it does not check there. */
  elaborateAt(name: string, value: Rational): IRGraph | undefined;
}

const fmt = (shape: readonly number[]): string => `(${shape.join(", ")})`;

/** Attributes of an op other than those its lowering recomputes under --dynamic. */
function fixedAttributes(op: IRGraph["nodes"][number]["op"]): string {
  const skip = new Set(recordOf(op).onnx.sizeAttributes ?? []);
  return JSON.stringify(Object.entries(op).filter(([k]) => !skip.has(k)));
}

/** Why `name` cannot vary, judged by compiling at another value; undefined if it can. */
interface Refusal {
  readonly code: "SF0701" | "SF0702";
  readonly message: string;
  readonly help?: string;
  readonly related?: Span;
}

/** SF0701 when a weight of a layer both graphs have differs in shape between them. */
function shapedWeight(base: IRGraph, other: IRGraph, name: string, nodeSpan: (node: string) => Span | undefined): Refusal | undefined {
  const byName = new Map(other.nodes.map((n) => [n.name, n]));
  for (const node of base.nodes) {
    const twin = byName.get(node.name);
    if (!twin || twin.op.kind !== node.op.kind) continue;
    for (const [k, w] of node.weights.entries()) {
      const v = twin.weights[k];
      if (!v || v.shape.length !== w.shape.length || v.shape.some((d, i) => d !== w.shape[i]))
        return {
          code: "SF0701",
          message: `\`${name}\` cannot be dynamic: it shapes the weight \`${w.name}\` ${fmt(w.shape)}`,
          help: "only parameters that shape no weight can be dynamic, such as the clip length T and the crop size S",
          related: nodeSpan(node.name),
        };
    }
  }
  return undefined;
}

function compareAt(base: IRGraph, other: IRGraph, name: string, nodeSpan: (node: string) => Span | undefined): Refusal | undefined {
  const byName = new Map(other.nodes.map((n) => [n.name, n]));
  if (other.nodes.length !== base.nodes.length || base.nodes.some((n) => byName.get(n.name)?.op.kind !== n.op.kind))
    return { code: "SF0702", message: `\`${name}\` cannot be dynamic: it changes which layers the network has` };
  const shaped = shapedWeight(base, other, name, nodeSpan);
  if (shaped) return shaped;
  for (const node of base.nodes) {
    const twin = byName.get(node.name)!;
    if (fixedAttributes(node.op) !== fixedAttributes(twin.op))
      return {
        code: "SF0702",
        message: `\`${name}\` cannot be dynamic: it sets an attribute of \`${node.name}\` (${node.op.kind}) that ONNX fixes in the model`,
        related: nodeSpan(node.name),
      };
  }
  return undefined;
}

export function prepareDynamic(request: DynamicRequest): { plan?: DynamicPlan; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const { names, span, graph, params } = request;
  const problem = (code: "SF0111" | "SF0501" | "SF0701" | "SF0702", message: string, label: string, extra: { help?: string; related?: Span } = {}): void => {
    diagnostics.push(
      makeDiagnostic(code, span, {
        message,
        label,
        ...(extra.help ? { help: extra.help } : {}),
        related: extra.related ? [{ span: extra.related, label: code === "SF0701" ? "the layer that owns the weight" : "this layer" }] : [],
      }),
    );
  };
  const spans = new Map(graph.nodes.map((n) => [n.name, n.span]));
  /** SF0701 when the network, elaborated at the first of `values` it checks at, has a weight of another shape. */
  const weightShapedBy = (name: string, base: Rational, values: readonly Rational[]): Refusal | undefined => {
    for (const value of values) {
      if (value.sign() <= 0 || value.equals(base)) continue;
      const other = request.elaborateAt(name, value);
      if (other) return shapedWeight(graph, other, name, (n) => spans.get(n));
    }
    return undefined;
  };
  if (request.opset < DYNAMIC_MIN_OPSET)
    problem("SF0501", `--dynamic needs opset ${DYNAMIC_MIN_OPSET} or later (Range, Max on int64), given ${request.opset}`, "dynamic shapes");
  for (const name of names) {
    const p = params.find((q) => q.name === name);
    if (p === undefined)
      problem("SF0111", `network \`${graph.name}\` has no parameter \`${name}\` to leave dynamic`, "unknown parameter", {
        help: `its parameters are ${params.map((q) => q.name).join(", ")}`,
      });
    else if (name === BATCH_DIM_PARAM)
      // The model names its batch dimension N (the requirements' "N"): a parameter of that name would be the same dimension.
      problem("SF0702", `\`${name}\` cannot be dynamic: the model's batch dimension is named ${BATCH_DIM_PARAM}`, "named like the batch", {
        help: `rename the parameter (for example to ${name}_frames) to leave it dynamic`,
      });
    else if (!(p.value instanceof Rational))
      problem(
        "SF0702",
        `\`${name}\` cannot be dynamic: it is ${typeof p.value === "string" ? "a choice" : p.value instanceof BlockParamValue ? "a block" : "not an integer"}, not a size`,
        "not a size parameter",
      );
    else if (!p.value.isInteger()) {
      // A fraction that shapes a weight (β) is refused for the weight, as the integers that do are (SF0701).
      const shaped = weightShapedBy(name, p.value, [p.value.mul(Rational.of(2)), p.value.div(Rational.of(2))]);
      if (shaped) problem(shaped.code, shaped.message, "cannot stay symbolic", { help: shaped.help, related: shaped.related });
      else problem("SF0702", `\`${name}\` cannot be dynamic: it is not an integer, not a size`, "not a size parameter");
    }
  }
  if (diagnostics.length > 0) return { diagnostics };

  for (const name of names) {
    const base = params.find((q) => q.name === name)!.value as Rational;
    const value = base.mul(Rational.of(2));
    const other = request.elaborateAt(name, value);
    if (other === undefined) {
      // 2·K may break what the network needs of K (K = 10 breaks "K odd"): a parameter that shapes a weight is SF0701 whatever value shows it.
      const one = Rational.of(1);
      const shaped = weightShapedBy(name, base, [base.add(one), base.add(Rational.of(2)), base.mul(Rational.of(3)), base.sub(one)]);
      if (shaped) problem(shaped.code, shaped.message, "cannot stay symbolic", { help: shaped.help, related: shaped.related });
      else problem("SF0702", `\`${name}\` cannot be dynamic: the network does not check at ${name} = ${value}`, "not every size works");
      continue;
    }
    const why = compareAt(graph, other, name, (n) => spans.get(n));
    if (why) problem(why.code, why.message, "cannot stay symbolic", { help: why.help, related: why.related });
  }
  if (diagnostics.length > 0) return { diagnostics };

  const symbolic = request.symbolicCheck();
  diagnostics.push(...symbolic.diagnostics);
  if (diagnostics.length > 0) return { diagnostics };
  const planned = planDynamic(graph, params, names, symbolic.requirements);
  for (const p of planned.problems) problem("SF0702", `\`${p.name}\` cannot be dynamic: ${p.message}`, "cannot stay symbolic");
  return planned.plan && diagnostics.length === 0 ? { plan: planned.plan, diagnostics } : { diagnostics };
}
