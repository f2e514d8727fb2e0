/**
 * Batch norm folded into the convolution before it, as exporters for
 * inference do: conv → bn becomes one conv with a bias.
 *
 * Preserves: the function the graph computes, to float32 rounding (the new
 * weights are computed in float64 from the float32 sources and rounded once,
 * when the initializers are materialised: see WeightDerivation); every node's
 * span; the conv's node name and its weight's name; the BN's output name, so
 * consumers, stage records and graph outputs are untouched. The BN's own
 * weights and statistics are no longer initializers. A BN is folded only when
 * its input comes from a conv that nothing else reads.
 */
import type { IRGraph, IRNode, IRWeight } from "../ir";
import { consumersOf, pinnedValues, rebuild } from "./rewrite";
import { scaleRows } from "./scale-rows";

/** A batch norm folded into the conv before it. */
export interface FoldedBatchNorm {
  /** The conv the BN went into, and the BN node that went. */
  readonly conv: string;
  readonly batchNorm: string;
}

export function foldBatchNorms(graph: IRGraph): { graph: IRGraph; folded: FoldedBatchNorm[] } {
  const consumers = consumersOf(graph);
  const pinned = pinnedValues(graph);
  const producer = new Map<string, IRNode>();
  for (const node of graph.nodes) for (const output of node.outputs) producer.set(output, node);

  const replaced = new Map<IRNode, IRNode>();
  const removed = new Set<IRNode>();
  const folded: FoldedBatchNorm[] = [];
  for (const bn of graph.nodes) {
    if (bn.op.kind !== "bn" || bn.weights.length !== 4) continue;
    const input = bn.inputs[0]!;
    const conv = producer.get(input);
    if (conv === undefined || conv.op.kind !== "conv" || replaced.has(conv) || pinned.has(input)) continue;
    if ((consumers.get(input) ?? []).length !== 1) continue;
    const [gamma, beta, mean, variance] = bn.weights as [IRWeight, IRWeight, IRWeight, IRWeight];
    const convWeight = conv.weights[0]!;
    const convBias = conv.op.bias ? conv.weights[1] : undefined;
    const out = conv.op.out;
    if (gamma.shape[0] !== out || convWeight.shape[0] !== out) continue;
    const common = { kind: "bn_fold", gamma, beta, mean, variance, epsilon: bn.op.epsilon } as const;
    const weight: IRWeight = {
      name: convWeight.name,
      shape: convWeight.shape,
      init: convWeight.init,
      derived: { ...common, part: "weight", conv: convWeight },
    };
    const bias: IRWeight = {
      name: convBias?.name ?? `${conv.name}.bias`,
      shape: [out],
      init: convBias?.init ?? { kind: "constant", value: 0 },
      derived: { ...common, part: "bias", conv: convBias },
    };
    const data = conv.inputs.slice(0, conv.inputs.length - conv.weights.length);
    replaced.set(conv, {
      ...conv,
      op: { ...conv.op, bias: true },
      inputs: [...data, weight.name, bias.name],
      outputs: bn.outputs,
      weights: [weight, bias],
    });
    removed.add(bn);
    folded.push({ conv: conv.name, batchNorm: bn.name });
  }
  if (folded.length === 0) return { graph, folded };
  const nodes = graph.nodes.filter((node) => !removed.has(node)).map((node) => replaced.get(node) ?? node);
  return { graph: rebuild(graph, nodes), folded };
}

/**
 * The folded values of a derived weight from its sources' float32 values,
 * in float64, rounded to float32 once per element.
 */
export function foldedValues(
  derivation: Extract<NonNullable<IRWeight["derived"]>, { kind: "bn_fold" }>,
  shape: readonly number[],
  /** A source's values; given `into`, written there (the conv weight is scaled in place in `target`). */
  source: (weight: IRWeight, into?: Float32Array) => Float32Array,
  target: Float32Array,
): void {
  const channels = shape[0]!;
  const scale = foldScales(derivation, channels, source);
  if (derivation.part === "weight") {
    // The conv weight has the folded weight's shape: read it into `target` and scale it there, each element
    // read before it is overwritten, so no buffer of its size is needed beside `target`.
    const weight = source(derivation.conv!, target);
    if (weight !== target) target.set(weight);
    scaleRows(target, target.length / channels, scale);
    return;
  }
  const beta = source(derivation.beta);
  const mean = source(derivation.mean);
  const bias = derivation.conv ? source(derivation.conv) : undefined;
  for (let c = 0; c < channels; c++) target[c] = ((bias?.[c] ?? 0) - mean[c]!) * scale[c]! + beta[c]!;
}

/** s = γ / √(var + ε) per output channel, in float64: what the folded weight's rows are multiplied by. */
export function foldScales(
  derivation: Extract<NonNullable<IRWeight["derived"]>, { kind: "bn_fold" }>,
  channels: number,
  source: (weight: IRWeight) => Float32Array,
): Float64Array {
  const gamma = source(derivation.gamma);
  const variance = source(derivation.variance);
  const scale = new Float64Array(channels);
  for (let c = 0; c < channels; c++) scale[c] = gamma[c]! / Math.sqrt(variance[c]! + derivation.epsilon);
  return scale;
}
