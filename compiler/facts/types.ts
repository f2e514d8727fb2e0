/**
 * The checker's side table of types: for a span of source, the type the
 * checker found for it symbolically (over a generic block's dimension
 * variables, or a network's parameters) and concretely (at the first network
 * elaborated through it, with its default parameters), and for a call the
 * graph nodes it built. Tools read it; the checker only writes it.
 */
import { Poly } from "../dims/poly";
import type { Rational } from "../dims/rational";
import type { IRGraph } from "../ir";
import type { IRBuilder } from "../ir-builder";
import type { Span } from "../span";
import { formatType, type TensorType } from "../types";
import { blockValueText, type Value } from "../values";

/** What the span is: a name bound or read, a formal of a block, or a call's result. */
export type FactRole = "value" | "binding" | "formal" | "call";

/** The type the checker proved for a span: symbolic (for every value of the symbols) and at the elaborated values. */
export interface TypeFact {
  readonly span: Span;
  readonly role: FactRole;
  /** "<αT, S², βC>", "αβC", "true": what the checker proved for every value of the symbols. */
  readonly symbolic: string;
  /** "<32, 56², 8>", "64": at the first network elaborated through this code. */
  readonly concrete: string | undefined;
  readonly isTensor: boolean;
  /** The network the concrete form comes from. */
  readonly network: string | undefined;
  /** For a call: the graph nodes it built, [from, to) in that network's graph. */
  readonly nodes: { readonly from: number; readonly to: number } | undefined;
  /** The concrete form is what a branch the network's values do not take would give if it were taken there. */
  readonly untaken: boolean;
  /** For a block value, where the block it holds is declared (its name): hover finds its formals there. */
  readonly block?: Span;
}

export type Evaluate = (p: Poly) => Rational | undefined;

/** What the interpreter reports to; absent when nobody asked for facts. */
export interface FactSink {
  value(span: Span, role: FactRole, v: Value, evaluate: Evaluate, generic: boolean): void;
  /** Before a call: a mark that `callEnd` compares with to find the graph nodes the call built. */
  callStart(): number | undefined;
  callEnd(span: Span, start: number | undefined, v: Value, evaluate: Evaluate, generic: boolean): void;
  /** Runs `run`, in which the checker runs a branch not taken as if it were: what it records there is marked so. */
  asIfTaken(run: () => void): void;
}

interface Entry {
  span: Span;
  role: FactRole;
  symbolic: string | undefined;
  /** True once a generic (block-level) form was recorded: it wins over an instance's. */
  symbolicIsGeneric: boolean;
  concrete: string | undefined;
  isTensor: boolean;
  network: string | undefined;
  nodes: { from: number; to: number } | undefined;
  untaken: boolean;
  block: Span | undefined;
}

export class TypeFactRecorder implements FactSink {
  /** Keyed by the AST's own span objects: a body run many times hits the same ones. */
  private readonly entries = new Map<Span, Map<FactRole, Entry>>();
  private readonly graphs = new Map<string, IRGraph>();
  private network: string | undefined;
  private builder: IRBuilder | undefined;
  /** Inside asIfTaken: branches run as if taken, nested or not. */
  private untakenDepth = 0;
  /** Whether a fact now comes from the network being elaborated: its graph is then kept. */
  private networkCited = false;

  /** Elaboration of a network begins: concrete forms recorded now come from it; `alias` when it has no body of its own. */
  beginNetwork(name: string, builder: IRBuilder, alias: boolean): void {
    this.network = name;
    this.builder = builder;
    this.networkCited = !alias;
  }

  /**
   * A network's graph is kept when it has a body of its own (its stages'
   * hover reads it) or a fact comes from it (a call's counts read it). An
   * alias whose code another network elaborated first adds none: a file of
   * thousands of aliases holds one graph, not thousands.
   */
  endNetwork(name: string, graph: IRGraph | undefined): void {
    if (graph && this.networkCited && !this.graphs.has(name)) this.graphs.set(name, graph);
    this.network = undefined;
    this.builder = undefined;
  }

  asIfTaken(run: () => void): void {
    this.untakenDepth++;
    try {
      run();
    } finally {
      this.untakenDepth--;
    }
  }

  callStart(): number | undefined {
    return this.builder?.nodeCount;
  }

  callEnd(span: Span, start: number | undefined, v: Value, evaluate: Evaluate, generic: boolean): void {
    this.value(span, "call", v, evaluate, generic);
    if (!generic && start !== undefined && this.builder) this.nodes(span, start, this.builder.nodeCount);
  }

  value(span: Span, role: FactRole, v: Value, evaluate: Evaluate, generic: boolean): void {
    let byRole = this.entries.get(span);
    if (!byRole) {
      byRole = new Map();
      this.entries.set(span, byRole);
    }
    let e = byRole.get(role);
    const untaken = this.untakenDepth > 0;
    // A concrete form from a branch taken (by another network through this code) replaces one from a branch not taken.
    const replaces = (entry: Entry): boolean => entry.concrete === undefined || (entry.untaken && !untaken);
    // Describing costs more than checking: skip what is known already.
    if (e && (generic ? e.symbolicIsGeneric : e.symbolic !== undefined && !replaces(e))) return;
    const shown = describe(v, evaluate);
    if (!shown) return;
    if (!e) {
      e = {
        span,
        role,
        symbolic: undefined,
        symbolicIsGeneric: false,
        concrete: undefined,
        isTensor: v.kind === "tensor" || v.kind === "type",
        network: undefined,
        nodes: undefined,
        untaken: false,
        block: undefined,
      };
      byRole.set(role, e);
    }
    if (generic) {
      if (!e.symbolicIsGeneric) {
        e.symbolic = shown.symbolic;
        e.symbolicIsGeneric = true;
      }
      return;
    }
    if (e.symbolic === undefined) e.symbolic = shown.symbolic;
    if (replaces(e) && shown.concrete !== undefined) {
      e.concrete = shown.concrete;
      e.network = this.network;
      e.untaken = untaken;
      // The block it holds at those values, beside them.
      e.block = v.kind === "block" ? v.entry.decl.name.span : undefined;
      this.networkCited ||= this.network !== undefined;
    }
  }

  private nodes(span: Span, from: number, to: number): void {
    const e = this.entries.get(span)?.get("call");
    // The first network's nodes, like the concrete type beside them.
    if (!e || e.nodes || this.network === undefined || e.network !== this.network || to <= from) return;
    e.nodes = { from, to };
  }

  finish(): { types: TypeFact[]; graphs: ReadonlyMap<string, IRGraph> } {
    const types: TypeFact[] = [];
    for (const byRole of this.entries.values())
      for (const e of byRole.values()) {
        if (e.symbolic === undefined) continue;
        types.push({
          span: e.span,
          role: e.role,
          symbolic: e.symbolic,
          concrete: e.concrete,
          isTensor: e.isTensor,
          network: e.network,
          nodes: e.nodes,
          untaken: e.untaken,
          ...(e.block ? { block: e.block } : {}),
        });
      }
    return { types, graphs: this.graphs };
  }
}

function describe(v: Value, evaluate: Evaluate): { symbolic: string; concrete: string | undefined } | undefined {
  switch (v.kind) {
    case "tensor":
    case "type":
      return { symbolic: formatType(v.type), concrete: concreteType(v.type, evaluate) };
    case "dim": {
      const value = evaluate(v.poly);
      return { symbolic: v.poly.toString(), concrete: value?.toString() };
    }
    case "extent": {
      const values = v.parts.map(evaluate);
      return { symbolic: v.parts.map((p) => p.toString()).join("×"), concrete: values.every((x) => x !== undefined) ? values.join("×") : undefined };
    }
    case "bool":
      return v.value === undefined ? { symbolic: "true or false", concrete: undefined } : { symbolic: String(v.value), concrete: String(v.value) };
    case "string":
      return { symbolic: JSON.stringify(v.value), concrete: JSON.stringify(v.value) };
    case "block": {
      const text = blockValueText(v, (p) => evaluate(p)?.toString() ?? p.toString());
      return { symbolic: blockValueText(v, (p) => p.toString()), concrete: text };
    }
    case "list":
    case "poison":
      return undefined;
  }
}

function concreteType(t: TensorType, evaluate: Evaluate): string | undefined {
  const dims: Poly[] = [];
  for (const d of t.dims) {
    const v = evaluate(d);
    if (v === undefined) return undefined;
    dims.push(Poly.constant(v));
  }
  return formatType({ layout: t.layout, dims });
}
