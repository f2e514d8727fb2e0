/**
 * What differs between the checker's two jobs, as two objects rather than
 * flags: GenericMode checks a block body once for every value of its symbols
 * and records what it cannot prove as requirements of the block's signature;
 * InstanceMode checks a network with its parameters bound, where every
 * obligation is decided, and owns the IR builder the graph is built into.
 */
import type * as A from "../ast";
import { IRBuilder } from "../ir-builder";
import { OPS, weightFromSpec, type LowerContext, type OpArgs, type OpName } from "../ops";
import type { Poly } from "../dims/poly";
import type { Rational } from "../dims/rational";
import type { Span } from "../span";
import type { TensorType } from "../types";
import type { Value } from "../values";
import { Abandon, type Assumptions, type Ctx, type MissingReturn, type Requirement, type RequirementBody, type Signature } from "./context";
import * as M from "./messages";
import { makeDiagnostic, type Diagnostic } from "../diagnostics/diagnostic";
import { DEFAULT_LIMITS, formatBytes, LIMIT_INFO, raiseHint, type LimitName, type Limits } from "../limits";
import { VIDEO_AXIS } from "../shapes";
import { thousands } from "../thousands";

export interface Mode {
  /** For wording only ("for every value of the block's parameters"). */
  readonly kind: "generic" | "instance";
  /** An obligation that holds only under a claim: the block requires the claim of its callers. */
  require(r: RequirementBody, when: Assumptions): void;
  /**
   * A path that ends without a \`return\`, taken where \`m.when\` holds: a mode
   * that checks for every value records it for the block's callers.
   */
  missingReturn?(m: MissingReturn): void;
  /** `input(<type>)`: a further graph input. */
  graphInput(c: A.CallExpr, piped: boolean, typeOf: (e: A.Expr) => TensorType | undefined, ctx: Ctx): Value;
  /** The value of an op whose shape rule gave `type`. */
  opResult(op: OpName, args: OpArgs, bound: ReadonlyMap<string, Value>, type: TensorType, at: { span: Span; label: string }, ctx: Ctx): Value;
  /** The context a called block's body runs in, or undefined when its signature says enough. */
  blockBody(sig: Signature, vars: Map<string, Value>, c: A.CallExpr, ctx: Ctx): Ctx | undefined;
  /**
   * An op's obligation `size` ≥ `min`, decided at the bound values where
   * there are any; a mode that builds a graph keeps it for --dynamic's
   * smallest sizes.
   */
  atLeast?(size: Poly, min: number, what: string, span: Span): void;
  /**
   * Whether the check may follow one more path: an \`if\` it cannot decide
   * checks what follows once per branch. A mode that forks counts the paths
   * and reports the limit (SF0608) once, at the first \`if\` past it.
   */
  fork?(at: Span, ctx: Ctx, limits: Limits): boolean;
  /** `pathway name = value` in the network's own body: a mode that builds a graph notes a pathway that starts from an input. */
  notePathway?(pathway: string, value: string): void;
  /** A `stage name { ... }` of the network's own body starts and ends. */
  beginStage(path: readonly string[], ctx: Ctx, span: Span): void;
  endStage(ctx: Ctx): void;
  /** Whether a limit of the whole network (its nodes, its bytes) has been met: every op from here on is past it too. */
  pastNetworkLimit?(): boolean;
  /**
   * A mode of this kind with a graph of its own, for running the branches the
   * network does not take as if it did (for an editor's shapes): what they
   * build is dropped, and they meet the limits together, apart from the
   * network, so that a branch run once per repetition cannot outgrow them.
   */
  apart?(): Mode;
}

export class GenericMode implements Mode {
  readonly kind = "generic";
  readonly requirements: Requirement[] = [];
  /** Paths this check has followed: one, and one more at each fork. */
  private paths = 1;
  /** Whether the limit stopped some path (SF0608): what it did not reach, such as a \`return\`, is not missing. */
  stoppedAtLimit = false;

  fork(at: Span, ctx: Ctx, limits: Limits): boolean {
    this.paths++;
    if (this.paths <= limits.branches) return true;
    this.stoppedAtLimit = true;
    if (this.paths === limits.branches + 1)
      ctx.reporter.report(
        limitExceeded(
          "branches",
          at,
          `checking this body would follow more than ${thousands(limits.branches)} ${limits.branches === 1 ? "path" : "paths"}`,
          limits,
          "an `if` on a condition not known here checks what follows it once for each branch",
        ),
      );
    return false;
  }

  require(r: RequirementBody, when: Assumptions): void {
    this.requirements.push({ ...r, when });
  }

  readonly missingReturns: MissingReturn[] = [];

  missingReturn(m: MissingReturn): void {
    this.missingReturns.push(m);
  }

  graphInput(c: A.CallExpr, _piped: boolean, _typeOf: unknown, ctx: Ctx): Value {
    return ctx.reporter.fail(M.inputMisused(c.callee, "in a block"));
  }

  opResult(_op: OpName, _args: OpArgs, _bound: unknown, type: TensorType, at: { span: Span }): Value {
    return { kind: "tensor", type, ref: undefined, span: at.span };
  }

  blockBody(): undefined {
    return undefined;
  }

  beginStage(): void {}

  endStage(): void {}
}

export class InstanceMode implements Mode {
  readonly kind = "instance";
  /** Block bodies entered: each counts against the nodes limit, since one that fails builds none. */
  private bodies = 0;
  /** Whole-network limits already reported: every later op is past them too, and says nothing new. */
  private readonly reportedLimits = new Set<LimitName>();

  constructor(private readonly builder: IRBuilder) {}

  /** Every symbol has a value here, so every claim is decided: none is left to record. */
  require(): void {}

  graphInput(c: A.CallExpr, piped: boolean, typeOf: (e: A.Expr) => TensorType | undefined, ctx: Ctx): Value {
    const [arg, ...more] = c.args ?? [];
    if (piped) return ctx.reporter.fail(M.inputMisused(c.callee, "piped"));
    if (!arg || more.length > 0 || arg.name) return ctx.reporter.fail(M.inputMisused(c.callee, { given: c.args ?? [] }));
    const type = typeOf(arg.value);
    if (!type) return { kind: "poison", span: c.span };
    const shape = concreteShape(type, c.span, ctx);
    checkElements(shape, "the input would have", c.span, ctx, this.builder.limits);
    const ref = this.builder.addInput(c.label?.parts.join("_") ?? "input", shape, type.dims);
    return { kind: "tensor", type, ref, span: c.span };
  }

  opResult(op: OpName, args: OpArgs, bound: ReadonlyMap<string, Value>, type: TensorType, at: { span: Span; label: string }, ctx: Ctx): Value {
    const limits = this.builder.limits;
    // Checked before anything is built: 41 blocks each calling the previous twice would make 2⁴¹ nodes.
    if (this.builder.nodeCount >= limits.nodes)
      return this.networkLimit(
        ctx,
        limitExceeded("nodes", at.span, `the network expands to more than ${thousands(limits.nodes)} graph nodes`, limits),
        "nodes",
      );
    const concrete = concreteShape(type, at.span, ctx);
    checkElements(concrete, `\`${op}\` would make a tensor of`, at.span, ctx, limits);
    // A selection's frame indices are listed in the graph: bound them before lowering makes the list.
    if (op === "frames" && (concrete[VIDEO_AXIS.frames] ?? 0) > limits.frames)
      return ctx.reporter.fail(limitExceeded("frames", at.span, `\`frames\` would select ${thousands(concrete[VIDEO_AXIS.frames]!)} frames`, limits));
    const lowered = OPS[op].lower(args, new InstanceLowering(ctx, at.span));
    // Constants the ONNX lowering makes from sizes are initializers too: the same limits, before the emitter makes them.
    const initializers = [
      ...lowered.weights.map((w) => ({ shape: w.shape, what: "weight" })),
      ...(lowered.constants ?? []).map((shape) => ({ shape, what: "constant" })),
    ];
    for (const w of initializers) {
      const elements = checkElements(w.shape, `\`${op}\` would make a ${w.what} of`, at.span, ctx, limits);
      this.builder.weightBytes += elements * 4;
      if (this.builder.weightBytes > limits.modelBytes)
        return this.networkLimit(
          ctx,
          limitExceeded(
            "modelBytes",
            at.span,
            `the ${lowered.constants?.length ? "weights and constants" : "weights"} would take more than ${formatBytes(limits.modelBytes)} by this op`,
            limits,
            // Why the default is what it is; a lower limit set with --limit is the user's own.
            limits.modelBytes === DEFAULT_LIMITS.modelBytes ? "an ONNX file holds at most 2 GiB" : undefined,
          ),
          "modelBytes",
        );
    }
    const nodeName = this.builder.uniqueName([...ctx.path, at.label].join("."));
    const weights = lowered.weights.map((w) => weightFromSpec(nodeName, w));
    const ref = this.builder.addNode(nodeName, lowered.op, tensorInputs(op, bound), weights, concrete, at.span, type.dims, ctx.reporter.calls);
    return { kind: "tensor", type, ref, span: at.span };
  }

  /** Reports a limit of the whole network once, at the first op past it; abandons the op either way. */
  private networkLimit(ctx: Ctx, d: Diagnostic, name: LimitName): never {
    if (this.reportedLimits.has(name)) throw new Abandon();
    this.reportedLimits.add(name);
    return ctx.reporter.fail(d);
  }

  pastNetworkLimit(): boolean {
    return this.reportedLimits.size > 0;
  }

  /** One for the whole network, itself its own: the branches run apart share one count against the limits. */
  private apartMode: InstanceMode | undefined;

  apart(): Mode {
    this.apartMode ??= new InstanceMode(new IRBuilder(this.builder.limits));
    this.apartMode.apartMode = this.apartMode;
    return this.apartMode;
  }

  notePathway(pathway: string, value: string): void {
    this.builder.notePathway(pathway, value);
  }

  atLeast(size: Poly, min: number, what: string, span: Span): void {
    // A number is decided here and now: only sizes that vary are kept (noteBound).
    if (size.constantValue() === undefined) this.builder.noteBound({ size, min, what, span });
  }

  blockBody(sig: Signature, vars: Map<string, Value>, c: A.CallExpr, ctx: Ctx): Ctx {
    const label = c.label?.parts.join(".") ?? sig.entry.decl.name.name;
    // Each body entered here nests the interpreter's calls: a chain of 600 blocks each calling the last exhausted the stack.
    const limits = this.builder.limits;
    if (++this.bodies > limits.nodes)
      return this.networkLimit(ctx, limitExceeded("nodes", c.span, `the network expands to more than ${thousands(limits.nodes)} block calls`, limits), "nodes");
    if (ctx.path.length >= limits.nesting)
      return ctx.reporter.fail(
        limitExceeded(
          "nesting",
          c.span,
          `block calls and stages nested more than ${thousands(limits.nesting)} deep (\`${[...ctx.path.slice(0, 3), "…"].join(".")}\`)`,
          limits,
        ),
      );
    return {
      ...ctx,
      reporter: ctx.reporter.within({ span: c.span, label: `in \`${sig.entry.decl.name.text}\`, called here` }),
      scope: sig.entry.module,
      vars,
      assumptions: [],
      decided: undefined,
      path: [...ctx.path, label],
      pathways: new Set(),
      callSite: ctx.callSite ?? c.span,
    };
  }

  beginStage(path: readonly string[], ctx: Ctx, span: Span): void {
    if (ctx.callSite !== undefined) return;
    const pathways = pathwayValues(ctx);
    for (const [p, v] of pathways) this.builder.notePathway(p, v);
    this.builder.beginStage(path.join("."), pathways, span);
  }

  endStage(ctx: Ctx): void {
    if (ctx.callSite !== undefined) return;
    this.builder.endStage(ctx.path.join("."), pathwayValues(ctx));
  }
}

/** The graph value each pathway of the network holds now. */
export function pathwayValues(ctx: Ctx): Map<string, string> {
  const values = new Map<string, string>();
  for (const p of ctx.pathways) {
    const v = ctx.vars.get(p);
    if (v?.kind === "tensor" && v.ref) values.set(p, v.ref);
  }
  return values;
}

/** The sizes an op's lowering reads, every parameter bound: a class, as one is made for every op lowered. */
class InstanceLowering implements LowerContext {
  constructor(
    private readonly ctx: Ctx,
    private readonly span: Span,
  ) {}

  num(p: Poly): number {
    const value = decided(M.valueIn(p, this.ctx));
    // An attribute (a stride, a dilation) no size depends on is bounded by nothing else; ONNX would wrap it as an int64.
    const n = value.toSafeInteger();
    if (n === undefined || Math.abs(n) > 2 ** 31) return this.ctx.reporter.fail(M.attributeOutOfRange(this.span, value));
    return n;
  }
  value(p: Poly): Rational {
    return decided(M.valueIn(p, this.ctx));
  }
  shapeOf(t: TensorType): number[] {
    return concreteShape(t, this.span, this.ctx);
  }
}

/** A limit of compiler/limits.ts met: its own code, and how to raise it. */
function limitExceeded(name: LimitName, span: Span, message: string, limits: Limits, note?: string): Diagnostic {
  return makeDiagnostic(LIMIT_INFO[name].code, span, { message, label: "here", help: raiseHint(name, limits), notes: note ? [note] : [] });
}

/** The element count of a shape, refused past limits.tensorElements (SF0601) before anything is allocated. */
export function checkElements(shape: readonly number[], what: string, span: Span, ctx: Ctx, limits: Limits): number {
  const elements = shape.reduce((n, d) => n * d, 1);
  if (elements > limits.tensorElements)
    return ctx.reporter.fail(limitExceeded("tensorElements", span, `${what} ${thousands(elements)} elements (${shape.join(" × ")})`, limits));
  return elements;
}

/** The checker has proved every size an integer with a value before lowering. */
function decided<T>(v: T | undefined): T {
  if (v === undefined) throw new Error("internal error: a size without a value reached lowering");
  return v;
}

/** The shape with every dimension a usable size (SF0004 otherwise). */
export function concreteShape(t: TensorType, span: Span, ctx: Ctx): number[] {
  return t.dims.map((d) => {
    const n = M.valueIn(d, ctx)?.toSafeInteger();
    if (n === undefined || n > 2 ** 31) return ctx.reporter.fail(M.unusableSize(span, d, ctx));
    return n;
  });
}

/** The IR values of an op's tensor arguments, in formal order. */
function tensorInputs(op: OpName, bound: ReadonlyMap<string, Value>): string[] {
  const refs: string[] = [];
  const add = (v: Value): void => {
    if (v.kind === "tensor" && v.ref !== undefined) refs.push(v.ref);
  };
  for (const f of OPS[op].formals) {
    const v = bound.get(f.name);
    if (f.kind === "tensor" && v) add(v);
    if (f.kind === "tensors" && v?.kind === "list") v.items.forEach(add);
  }
  return refs;
}
