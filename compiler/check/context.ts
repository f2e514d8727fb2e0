/**
 * What the checker's interpreter works with: its context on a path through a
 * body, what it knows of symbols, and the signatures and requirements of
 * generic blocks.
 */
import type * as A from "../ast";
import type { Diagnostic, LabelledSpan } from "../diagnostics/diagnostic";
import type { Poly } from "../dims/poly";
import type { Rational } from "../dims/rational";
import type { BlockEntry, ModuleScope } from "../scope";
import type { Span } from "../span";
import type { TensorType } from "../types";
import type { Value } from "../values";
import type { Mode } from "./mode";
import type { Claim, Facts } from "./prover";
import type { Assumptions } from "./guards";

export type { Assumption, Assumptions } from "./guards";

/** Abandons the current op or statement after its error has been reported. */
export class Abandon extends Error {
  constructor() {
    super("abandoned after a reported error");
  }
}

/** Where the checker's diagnostics go, for every block and network checked in one session. */
export class Reporter {
  /** `frames`: the calls that brought the checker here, innermost first, added to each diagnostic's chain. */
  constructor(
    readonly diagnostics: Diagnostic[],
    private readonly frames: readonly LabelledSpan[] = [],
  ) {}

  /** The calls that brought the checker here, innermost first (what IR nodes keep for later messages). */
  get calls(): readonly LabelledSpan[] {
    return this.frames;
  }

  /** A reporter for a block body entered through the call `frame`. */
  within(frame: LabelledSpan): Reporter {
    return new Reporter(this.diagnostics, [frame, ...this.frames]);
  }

  report(d: Diagnostic): void {
    this.diagnostics.push(this.frames.length === 0 ? d : { ...d, chain: [...d.chain, ...this.frames] });
  }

  /** Reports, and abandons the current op or statement. */
  fail(d: Diagnostic): never {
    this.report(d);
    throw new Abandon();
  }

  errorCount(): number {
    return this.diagnostics.filter((d) => d.severity === "error").length;
  }
}

export interface SymbolInfo {
  readonly integer: boolean;
  readonly span: Span;
  /** Bound value (network parameters); undefined for a generic block's symbols. */
  readonly value: Rational | undefined;
  /** How messages name it: "T", or "`frames`". */
  readonly display: string;
  readonly fromCommandLine?: boolean;
  /** A dimension variable: a size, at least 1 at every call (what the prover may refute with). */
  readonly size?: boolean;
}

/**
 * What a generic block needs of its arguments and could not prove for all of
 * them: divisor | dividend, or lhs = rhs. `when` lists the conditions the
 * path assumed (an identity shortcut only where `project` is false, a pad
 * only where `k > 2`).
 */
export type Requirement = RequirementBody & { readonly when: Assumptions };

/**
 * A path through a block's body that ends without a `return`, taken where
 * `when` holds: a call that takes it gets no value (SF0210).
 */
export interface MissingReturn {
  readonly when: Assumptions;
  /** The block whose body ends there, and where it ends. */
  readonly block: string;
  readonly end: Span;
  /** For one carried up from a callee: the calls on the way, innermost first. */
  readonly origin?: readonly LabelledSpan[];
}

/** A claim, what it is about ("the input channels") and where it arose. */
export type RequirementBody = Claim & {
  readonly what: string;
  readonly span: Span;
  /** For a requirement carried up from a callee: where it arose, innermost first (the `add(y, x)` that needs it, then the calls). */
  readonly origin?: readonly LabelledSpan[];
  /** Where `what` names sizes: how it is worded from them, so that a call states it in its own sizes. */
  readonly topic?: RequirementTopic;
};

/**
 * What a requirement is about, as the sizes its words name and the wording:
 * `S/k a whole number` in a block reads `S/2 a whole number` where k = 2, and
 * `the declared height H`, `the declared height ⌊S/2⌋` where H = ⌊S/2⌋.
 */
export interface RequirementTopic {
  readonly sizes: readonly Poly[];
  word(sizes: readonly Poly[]): string;
}

export interface Signature {
  readonly entry: BlockEntry;
  readonly formals: readonly FormalInfo[];
  readonly dimVars: readonly string[];
  readonly resultType: TensorType | undefined;
  readonly requirements: readonly Requirement[];
  /** The paths through its body that end without a `return`, and where each is taken. */
  readonly missingReturns: readonly MissingReturn[];
  /** False when the body had errors: calls then report nothing more. */
  readonly ok: boolean;
}

export interface FormalInfo {
  readonly name: string;
  readonly kind: "tensor" | "int" | "rat" | "bool" | "block" | "words";
  /** The words a formal takes: a choice (`"plain" | "residual"`), or a block-valued formal's (`block | "none"`). */
  readonly choices?: readonly string[];
  /** The numbers a numeric choice takes (`scale: 1 | 1/2`), as written. */
  readonly numberChoices?: readonly A.Expr[];
  readonly type: TensorType | undefined;
  readonly typeExpr: A.TypeExpr | undefined;
  readonly default: A.Expr | undefined;
  readonly span: Span;
}

export interface Ctx {
  /** Generic checking (records requirements) or instance checking (builds the IR). */
  readonly mode: Mode;
  readonly reporter: Reporter;
  readonly scope: ModuleScope;
  readonly vars: Map<string, Value>;
  readonly symbols: Map<string, SymbolInfo>;
  /** The conditions of the `if` branches this path took undecided (generic blocks). */
  readonly assumptions: Assumptions;
  /**
   * The last `if` this path through the body decided (with those before it):
   * for saying why a `return` was not reached. Required, though often
   * undefined, so that every context is made with the same fields in the same
   * order: contexts of two shapes made each property read in the interpreter
   * slower (a few per cent of a check).
   */
  readonly decided: DecidedCondition | undefined;
  readonly path: readonly string[];
  readonly pathways: Set<string>;
  /** The call that brought us into this block body, for messages. */
  readonly callSite: Span | undefined;
  /** The lateral statement being elaborated, where its failures are reported. */
  readonly inLateral: Span | undefined;
}

/**
 * The context a body is checked in from its start: a network's, or a block's
 * on its own. Every context is this one or a copy of one (`{ ...ctx, ... }`),
 * so all have the same fields in the same order (see `decided`).
 */
export function bodyContext(mode: Mode, reporter: Reporter, scope: ModuleScope, vars: Map<string, Value>, symbols: Map<string, SymbolInfo>): Ctx {
  return {
    mode,
    reporter,
    scope,
    vars,
    symbols,
    assumptions: [],
    decided: undefined,
    path: [],
    pathways: new Set(),
    callSite: undefined,
    inLateral: undefined,
  };
}

/** An `if` a path decided, and its condition's value there; `before`: the one it decided before, a list shared by the paths. */
export interface DecidedCondition {
  readonly stmt: Extract<A.Stmt, { kind: "if" }>;
  readonly value: boolean;
  readonly before: DecidedCondition | undefined;
}

/**
 * The statements still to run: a body's statements from `from` on, then what
 * follows it (a stage's end, the statements after an \`if\`). Shared, never
 * copied, so that a body of many statements runs in time linear in them.
 */
export interface Continuation {
  readonly stmts: ReadonlyArray<A.Stmt | { kind: "leaveStage" }>;
  readonly from: number;
  readonly next: Continuation | undefined;
}

/** A value a body returned, with the context of the path that returned it. */
export interface Returned {
  readonly value: Value;
  readonly ctx: Ctx;
}

/** What running a body gave: the values its paths returned, and the paths that ended without a `return`. */
export interface BodyRun {
  readonly returns: Returned[];
  readonly fellOff: Ctx[];
}

/**
 * The prover's view of each symbols map, made once per map: every op's
 * obligations ask for it, and making it per call was a tenth of what checking
 * std/slowfast.sf allocated. It reads the map when asked, so it follows
 * symbols added to that map later.
 */
const factsBySymbols = new WeakMap<ReadonlyMap<string, SymbolInfo>, Facts>();

/** What the prover may use of the symbols in scope. */
export function factsOf(ctx: Ctx): Facts {
  const symbols = ctx.symbols;
  let facts = factsBySymbols.get(symbols);
  if (facts === undefined) {
    facts = {
      isInteger: (name) => symbols.get(name)?.integer ?? false,
      valueOf: (name) => symbols.get(name)?.value,
      isSize: (name) => symbols.get(name)?.size ?? false,
    };
    factsBySymbols.set(symbols, facts);
  }
  return facts;
}
