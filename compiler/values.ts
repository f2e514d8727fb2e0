/** What expressions evaluate to while checking and elaborating. */
import type { Poly } from "./dims/poly";
import type { BlockEntry } from "./scope";
import type { Span } from "./span";
import type { TensorType } from "./types";

export type Value =
  /**
   * ref: the IR value holding it, when elaborating a network; none there for
   * the declared result of a call whose body failed, which lets what follows
   * be checked (the network, having an error, builds no graph).
   */
  | { readonly kind: "tensor"; readonly type: TensorType; readonly ref: string | undefined; readonly span: Span }
  | { readonly kind: "dim"; readonly poly: Poly; readonly span: Span }
  /**
   * value undefined: not decidable in a generic block (both branches are
   * checked); `condition`, where known, says what it stands for.
   */
  | { readonly kind: "bool"; readonly value: boolean | undefined; readonly span: Span; readonly condition?: Condition }
  /** a×b×c or S² in a window or spatial size; S² gives two equal parts. */
  | { readonly kind: "extent"; readonly parts: readonly Poly[]; readonly span: Span }
  | { readonly kind: "list"; readonly items: readonly Value[]; readonly span: Span }
  /** A word; `choices`: the words of the parameter it is the value of, which comparisons check against. */
  | { readonly kind: "string"; readonly value: string; readonly span: Span; readonly choices?: readonly string[] }
  | { readonly kind: "type"; readonly type: TensorType; readonly span: Span }
  /**
   * A block as a value (a block-valued parameter's): the block and the named
   * arguments bound where the value was written (`tconv(k: K, ratio: 2)`),
   * each evaluated there. A call of it adds the call's arguments.
   */
  | { readonly kind: "block"; readonly entry: BlockEntry; readonly bound: readonly BoundArgument[]; readonly span: Span }
  /** The result of something already reported: using it reports nothing more. */
  | { readonly kind: "poison"; readonly span: Span };

/**
 * What an undecided boolean stands for, in the symbols of the body that made
 * it: a boolean parameter, or a comparison of two numbers (`k > 2`). A path
 * that assumes it is taken only where it holds (check/guards.ts).
 */
export type Condition =
  { readonly kind: "flag"; readonly name: string } | { readonly kind: "compare"; readonly lhs: Poly; readonly op: ComparisonOp; readonly rhs: Poly };

export type ComparisonOp = "==" | "!=" | "<" | "<=" | ">" | ">=";

/** An argument bound in a block value: its name, its value, and where it was written. */
export interface BoundArgument {
  readonly name: string;
  readonly value: Value;
  readonly span: Span;
}

export function describeValue(v: Value): string {
  switch (v.kind) {
    case "tensor":
      return "a tensor";
    case "dim":
      return "a number";
    case "bool":
      return "a boolean";
    case "extent":
      return "an extent (a×b×c)";
    case "list":
      return "a list";
    case "string":
      return "a string";
    case "type":
      return "a type";
    case "block":
      return "a block";
    case "poison":
      return "an erroneous value";
  }
}

/** `tconv(k: 5, ratio: 2)`: a block value as written back, numbers through `show`. */
export function blockValueText(v: Value, show: (p: Poly) => string): string {
  switch (v.kind) {
    case "block": {
      const args = v.bound.map((b) => `${b.name}: ${blockValueText(b.value, show)}`);
      return args.length ? `${v.entry.decl.name.text}(${args.join(", ")})` : v.entry.decl.name.text;
    }
    case "dim":
      return show(v.poly);
    case "string":
      return JSON.stringify(v.value);
    case "bool":
      return v.value === undefined ? "true or false" : String(v.value);
    case "extent":
      return v.parts.map(show).join("×");
    case "tensor":
    case "list":
    case "type":
    case "poison":
      return describeValue(v);
  }
}

/** A block-valued parameter's value, as it reads: `tconv(k: 5, ratio: 2)`. */
export class BlockParamValue {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}
