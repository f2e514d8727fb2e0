/**
 * The typed AST: what the source says, with spans, and nothing derived.
 * Later stages keep what they learn in their own tables.
 */
import type { Rational } from "./dims/rational";
import type { Span } from "./span";

export interface Ident {
  /** Canonical spelling: ASCII Greek names are folded to letters (alpha → α). */
  readonly name: string;
  readonly text: string;
  readonly span: Span;
}

export interface SourceFile {
  readonly kind: "file";
  readonly path: string;
  readonly items: readonly Item[];
  readonly span: Span;
}

export type Item = ImportDecl | ParamDecl | BlockDecl | NetworkAlias | NamesDecl;

/** A network that is another with other defaults: the paper's "same network, other settings". */
export interface NetworkAlias {
  readonly kind: "alias";
  readonly name: Ident;
  readonly target: Ident;
  readonly args: readonly Argument[];
  readonly span: Span;
}

export interface ImportDecl {
  readonly kind: "import";
  /** "std.lateral" for the standard library, or a relative file path for a string import. */
  readonly module: string;
  readonly isFile: boolean;
  readonly moduleSpan: Span;
  /** Names brought in; undefined imports every block, network and names map. */
  readonly names: readonly Ident[] | undefined;
  readonly span: Span;
}

export interface ParamDecl {
  readonly kind: "param";
  readonly name: Ident;
  readonly sort: Ident | undefined;
  readonly value: Expr;
  readonly span: Span;
}

export interface Formal {
  readonly name: Ident;
  readonly type: TypeExpr | undefined;
  readonly sort: Ident | undefined;
  /** The allowed words of a choice parameter, as written. */
  readonly choices: readonly string[] | undefined;
  /** A block-valued parameter (`transform: block | "none"`): its value is a block, or one of `choices`. */
  readonly isBlock?: boolean;
  /** The allowed numbers of a numeric choice parameter (`fast_scale: 1 | 1/2`). */
  readonly numberChoices?: readonly Expr[];
  readonly default: Expr | undefined;
  readonly span: Span;
}

export interface BlockDecl {
  readonly kind: "block" | "network";
  readonly name: Ident;
  readonly formals: readonly Formal[];
  readonly result: TypeExpr;
  readonly body: readonly Stmt[];
  readonly span: Span;
}

export interface NameRule {
  readonly from: string;
  readonly to: string;
  readonly span: Span;
}

export interface NamesDecl {
  readonly kind: "names";
  readonly name: Ident;
  readonly rules: readonly NameRule[];
  readonly span: Span;
}

export interface TypeExpr {
  readonly kind: "type";
  /** angle: <T, S², C> and friends; raw: [d0, d1, ...] in ONNX order without the batch. */
  readonly form: "angle" | "raw";
  readonly dims: readonly Expr[];
  readonly span: Span;
}

export type Stmt = AssignStmt | ReturnStmt | LateralStmt | StageStmt | PathwayStmt | IfStmt;

export interface AssignStmt {
  readonly kind: "assign";
  readonly target: Ident;
  readonly value: Expr;
  readonly span: Span;
}
export interface PathwayStmt {
  readonly kind: "pathway";
  readonly name: Ident;
  readonly value: Expr;
  readonly span: Span;
}
export interface ReturnStmt {
  readonly kind: "return";
  readonly value: Expr;
  readonly span: Span;
}
export interface LateralStmt {
  readonly kind: "lateral";
  readonly source: Ident;
  readonly target: Ident;
  readonly transform: CallExpr | RepeatExpr;
  /** The rest of a piped transform: `tconv(...) |> upsample(1×2²)`. */
  readonly then: readonly (CallExpr | RepeatExpr)[];
  readonly fusion: Ident | undefined;
  readonly span: Span;
}
export interface StageStmt {
  readonly kind: "stage";
  readonly name: Ident;
  readonly body: readonly Stmt[];
  readonly span: Span;
}
export interface IfStmt {
  readonly kind: "if";
  readonly condition: Expr;
  readonly then: readonly Stmt[];
  readonly otherwise: readonly Stmt[] | undefined;
  readonly span: Span;
}

export type BinaryOp = "+" | "-" | "*" | "/" | "%" | "==" | "!=" | "<" | "<=" | ">" | ">=";

export type Expr =
  | { readonly kind: "number"; readonly value: Rational; readonly text: string; readonly span: Span }
  | { readonly kind: "string"; readonly value: string; readonly span: Span }
  | { readonly kind: "bool"; readonly value: boolean; readonly span: Span }
  | { readonly kind: "name"; readonly ident: Ident; readonly span: Span }
  | CallExpr
  | RepeatExpr
  | { readonly kind: "pipe"; readonly head: Expr; readonly stages: readonly (CallExpr | RepeatExpr)[]; readonly span: Span }
  | { readonly kind: "binary"; readonly op: BinaryOp; readonly lhs: Expr; readonly rhs: Expr; readonly span: Span }
  | { readonly kind: "neg"; readonly operand: Expr; readonly span: Span }
  /** E² in a shape or window: the spatial extent E×E. */
  | { readonly kind: "square"; readonly operand: Expr; readonly span: Span }
  /** a×b×c: extents of a window or a spatial size. */
  | { readonly kind: "extent"; readonly parts: readonly Expr[]; readonly span: Span }
  | { readonly kind: "tuple"; readonly items: readonly Expr[]; readonly span: Span }
  | { readonly kind: "list"; readonly items: readonly Expr[]; readonly span: Span }
  | { readonly kind: "floor" | "ceil"; readonly operand: Expr; readonly span: Span }
  | { readonly kind: "conditional"; readonly test: Expr; readonly then: Expr; readonly otherwise: Expr; readonly span: Span }
  | { readonly kind: "typeLiteral"; readonly type: TypeExpr; readonly span: Span };

export interface Argument {
  readonly name: Ident | undefined;
  readonly value: Expr;
  readonly span: Span;
}

export interface CallExpr {
  readonly kind: "call";
  readonly callee: Ident;
  /** Undefined for a bare name in a pipe: x |> relu. */
  readonly args: readonly Argument[] | undefined;
  readonly label: Label | undefined;
  readonly span: Span;
}

export interface RepeatExpr {
  readonly kind: "repeat";
  readonly count: Expr;
  readonly callee: Ident;
  readonly args: readonly Argument[];
  readonly firstArgs: readonly Argument[] | undefined;
  readonly label: Label | undefined;
  /** A second block applied after the repetitions where `when` holds (all when it is absent). */
  readonly then: { readonly call: CallExpr; readonly when: Expr | undefined } | undefined;
  readonly span: Span;
}

export interface Label {
  readonly parts: readonly string[];
  readonly span: Span;
}
