/** What expressions evaluate to while checking and elaborating. */
import type { Poly } from "./dims/poly";
import type { Span } from "./span";
import type { TensorType } from "./types";

export type Value =
  /** ref: the IR value holding it, when elaborating a network. */
  | { readonly kind: "tensor"; readonly type: TensorType; readonly ref: string | undefined; readonly span: Span }
  | { readonly kind: "dim"; readonly poly: Poly; readonly span: Span }
  /** value undefined: not decidable in a generic block (both branches are checked). */
  | { readonly kind: "bool"; readonly value: boolean | undefined; readonly span: Span }
  /** a×b×c or S² in a window or spatial size; S² gives two equal parts. */
  | { readonly kind: "extent"; readonly parts: readonly Poly[]; readonly span: Span }
  | { readonly kind: "list"; readonly items: readonly Value[]; readonly span: Span }
  | { readonly kind: "string"; readonly value: string; readonly span: Span }
  | { readonly kind: "type"; readonly type: TensorType; readonly span: Span }
  /** The result of something already reported: using it reports nothing more. */
  | { readonly kind: "poison"; readonly span: Span };

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
    case "poison":
      return "an erroneous value";
  }
}
