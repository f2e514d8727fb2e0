/** Accumulates the graph IR while a network is elaborated. */
import type { IRBound, IRGraph, IRNode, IROp, IROutsideStages, IRStage, IRValue, IRWeight } from "./ir";
import type { Poly } from "./dims/poly";
import type { LabelledSpan } from "./diagnostics/diagnostic";
import type { Span } from "./span";
import { DEFAULT_LIMITS, type Limits } from "./limits";

export class IRBuilder {
  private readonly nodes: IRNode[] = [];
  private readonly values = new Map<string, IRValue>();
  private readonly inputs: IRValue[] = [];
  private readonly used = new Set<string>();
  /** Each stage as it ran, in the order they began, with the nodes it ran itself (not those of a stage nested in it). */
  private readonly stages: Array<{ readonly name: string; outputs: ReadonlyMap<string, string>; readonly nodes: string[]; readonly span: Span }> = [];
  /** The stages begun and not yet ended, innermost last, by index in `stages`: a node added while there are none runs outside every stage. */
  private readonly openStages: number[] = [];
  /** Top-level stages begun so far. */
  private topLevelStages = 0;
  private readonly outsideStages: IROutsideStages[] = [];
  /** The nodes of the stretch outside the stages that is running now, if it has any. */
  private outsideNow: string[] | undefined;
  private readonly inputPathways = new Map<string, string>();
  /** Lower bounds on sizes that depend on the parameters, once each, in the order first noted. */
  private readonly bounds: IRBound[] = [];
  /**
   * The minimums noted per polynomial key. Looked up by the key itself, which
   * each Poly keeps, so that V8 hashes it once: a key joined with the minimum
   * was a new string, hashed anew, for each of thousands of bounds.
   */
  private readonly minimumsBySize = new Map<string, Set<number>>();

  /** Records a size obligation the checker decided, if the size depends on a parameter. */
  noteBound(bound: IRBound): void {
    if (bound.size.constantValue() !== undefined) return;
    let minimums = this.minimumsBySize.get(bound.size.key);
    if (minimums === undefined) this.minimumsBySize.set(bound.size.key, (minimums = new Set()));
    if (minimums.has(bound.min)) return;
    minimums.add(bound.min);
    this.bounds.push(bound);
  }

  /** Records that a pathway starts from a graph input, for messages about that input. */
  notePathway(pathway: string, value: string): void {
    if (this.inputs.some((i) => i.name === value) && !this.inputPathways.has(value)) this.inputPathways.set(value, pathway);
  }
  /** The next suffix to try per base name, so that naming stays linear (a pipe of 30,000 relus). */
  private readonly nextSuffix = new Map<string, number>();
  /** Bytes of the weights added so far, against limits.modelBytes. */
  weightBytes = 0;

  constructor(readonly limits: Limits = DEFAULT_LIMITS) {}

  /** How many nodes so far: tools delimit what one call built by it. */
  get nodeCount(): number {
    return this.nodes.length;
  }

  /**
   * Records a stage as it starts, so that a stage that returns still has a
   * row; `pathways` (what each holds now) ends the layers run outside the
   * stages before it.
   */
  beginStage(name: string, pathways: ReadonlyMap<string, string>, span: Span): void {
    if (this.openStages.length === 0) {
      this.endOutsideStages(pathways);
      this.topLevelStages++;
    }
    this.openStages.push(this.stages.length);
    this.stages.push({ name, outputs: new Map(), nodes: [], span });
  }

  /**
   * Records what each pathway holds as a stage ends: the innermost open one,
   * which is this run of it however many stages share its name.
   */
  endStage(name: string, outputs: ReadonlyMap<string, string>): void {
    const open = this.openStages.pop();
    const stage = open === undefined ? undefined : this.stages[open];
    if (stage?.name === name) stage.outputs = outputs;
  }

  private endOutsideStages(pathways: ReadonlyMap<string, string>): void {
    if (this.outsideNow === undefined) return;
    this.outsideStages.push({ afterStages: this.topLevelStages, nodes: this.outsideNow, outputs: new Map(pathways) });
    this.outsideNow = undefined;
  }

  /** A name not used yet: base, then base_1, base_2, ... */
  uniqueName(base: string): string {
    let name = base;
    if (this.used.has(name)) {
      let k = this.nextSuffix.get(base) ?? 1;
      while (this.used.has(`${base}_${k}`)) k++;
      name = `${base}_${k}`;
      this.nextSuffix.set(base, k + 1);
    }
    this.used.add(name);
    return name;
  }

  addInput(name: string, shape: readonly number[], dims?: readonly Poly[]): string {
    const unique = this.uniqueName(name);
    const value = { name: unique, shape, ...(dims ? { dims } : {}) };
    this.inputs.push(value);
    this.values.set(unique, value);
    return unique;
  }

  /** Adds a node whose single output is named after it; returns the output's name. */
  addNode(
    name: string,
    op: IROp,
    dataInputs: readonly string[],
    weights: readonly IRWeight[],
    shape: readonly number[],
    span: Span,
    dims?: readonly Poly[],
    calls: readonly LabelledSpan[] = [],
  ): string {
    for (const w of weights) this.used.add(w.name);
    this.nodes.push({
      name,
      op,
      inputs: [...dataInputs, ...weights.map((w) => w.name)],
      outputs: [name],
      weights,
      span,
      ...(calls.length > 0 ? { calls } : {}),
    });
    const open = this.openStages[this.openStages.length - 1];
    if (open === undefined) (this.outsideNow ??= []).push(name);
    else this.stages[open]!.nodes.push(name);
    this.values.set(name, { name, shape, ...(dims ? { dims } : {}) });
    return name;
  }

  /**
   * Finishes the graph with `output` as its result, renamed to `outputName`
   * so that users find a stable name ("logits") rather than a layer's;
   * `pathways` is what each pathway holds at the return.
   */
  finish(graphName: string, output: string, outputName: string, span: Span, pathways: ReadonlyMap<string, string> = new Map()): IRGraph {
    this.endOutsideStages(pathways);
    let finalName = output;
    const isInput = this.inputs.some((i) => i.name === output);
    if (!isInput && !this.used.has(outputName)) {
      finalName = outputName;
      const rename = (n: string): string => (n === output ? outputName : n);
      for (let k = 0; k < this.nodes.length; k++) {
        const node = this.nodes[k]!;
        if (node.outputs.includes(output) || node.inputs.includes(output))
          this.nodes[k] = { ...node, inputs: node.inputs.map(rename), outputs: node.outputs.map(rename) };
      }
      const value = this.values.get(output)!;
      this.values.delete(output);
      this.values.set(outputName, { ...value, name: outputName });
    }
    const renameOutputs = (outputs: ReadonlyMap<string, string>) => new Map([...outputs].map(([p, v]) => [p, v === output ? finalName : v]));
    return {
      name: graphName,
      inputs: this.inputs,
      outputs: [this.values.get(finalName)!],
      values: this.values,
      nodes: this.nodes,
      span,
      stages: this.stages.map((s): IRStage => ({ name: s.name, outputs: renameOutputs(s.outputs), nodes: s.nodes, span: s.span })),
      outsideStages: this.outsideStages.map((o) => ({ ...o, outputs: renameOutputs(o.outputs) })),
      inputPathways: this.inputPathways,
      bounds: [...this.bounds],
    };
  }
}
