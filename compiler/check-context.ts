/**
 * What the checker's interpreter works with: its context on a path through a
 * body, what it knows of symbols, and the signatures and requirements of
 * generic blocks.
 */
import type * as A from "./ast";
import type { Poly } from "./dims/poly";
import type { Rational } from "./dims/rational";
import type { BlockEntry, ModuleScope } from "./scope";
import type { Span } from "./span";
import type { TensorType } from "./types";
import type { Value } from "./values";

/** Abandons the current op or statement after its error has been reported. */
export class Abandon extends Error {
  constructor() {
    super("abandoned after a reported error");
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
}

/**
 * What a generic block needs of its arguments and could not prove for all of
 * them: divisor | dividend, or lhs = rhs. `when` lists the boolean parameters
 * the path assumed (an identity shortcut only where `project` is false).
 */
export type Requirement =
  | { readonly relation: "divides"; readonly dividend: Poly; readonly divisor: Poly; readonly what: string; readonly span: Span; readonly when: Assumptions }
  | { readonly relation: "equal"; readonly lhs: Poly; readonly rhs: Poly; readonly what: string; readonly span: Span; readonly when: Assumptions };

export type Assumptions = ReadonlyArray<readonly [string, boolean]>;

export type RequirementBody =
  | { readonly relation: "divides"; readonly dividend: Poly; readonly divisor: Poly; readonly what: string; readonly span: Span }
  | { readonly relation: "equal"; readonly lhs: Poly; readonly rhs: Poly; readonly what: string; readonly span: Span };

export interface Signature {
  readonly entry: BlockEntry;
  readonly formals: readonly FormalInfo[];
  readonly dimVars: readonly string[];
  readonly resultType: TensorType | undefined;
  readonly requirements: readonly Requirement[];
  /** False when the body had errors: calls then report nothing more. */
  readonly ok: boolean;
}

export interface FormalInfo {
  readonly name: string;
  readonly kind: "tensor" | "int" | "rat" | "bool";
  readonly type: TensorType | undefined;
  readonly typeExpr: A.TypeExpr | undefined;
  readonly default: A.Expr | undefined;
  readonly span: Span;
}

export interface Ctx {
  readonly mode: "generic" | "instance";
  readonly scope: ModuleScope;
  readonly vars: Map<string, Value>;
  readonly symbols: Map<string, SymbolInfo>;
  readonly requirements: Requirement[] | undefined;
  /** Boolean parameters fixed by the `if` branches this path took (generic blocks). */
  readonly assumptions: Assumptions;
  readonly path: readonly string[];
  readonly pathways: Set<string>;
  /** The call that brought us into this block body, for messages. */
  readonly callSite: Span | undefined;
  /** The lateral statement being elaborated, where its failures are reported. */
  readonly inLateral: Span | undefined;
}

export type Continuation = ReadonlyArray<A.Stmt | { kind: "leaveStage" }>;

/** A value a body returned, with the context of the path that returned it. */
export interface Returned {
  readonly value: Value;
  readonly ctx: Ctx;
}
