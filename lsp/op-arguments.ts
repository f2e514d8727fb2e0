/**
 * The call a named argument is given to (`kernel:` in `conv(out: C,
 * kernel: 1×3²)`, `α:` in `transform(α: α)`): the name table leaves the
 * arguments of an op, or of a block-valued parameter, undeclared, since no
 * source declares them or the block varies, so hover finds the call in the
 * tree.
 */
import type * as A from "../compiler/ast";
import { BodyWalk } from "../compiler/ast-walk";
import { isOpName } from "../compiler/ops";
import { opFormals } from "./declarations";
import type { FormalSpec } from "../compiler/ops/record";
import type { Span } from "../compiler/span";

/** The callee and the argument's name, for the named argument whose name starts at `start`. */
export function argumentCallAt(ast: A.SourceFile, start: number): { callee: A.Ident; name: A.Ident } | undefined {
  const search = new ArgumentSearch(start);
  search.items(ast.items);
  return search.found;
}

/** The op and its formal that the argument name starting at `start` names, if it is an op's argument. */
export function opArgumentAt(ast: A.SourceFile, start: number): { op: string; formal: FormalSpec } | undefined {
  const given = argumentCallAt(ast, start);
  if (!given || !isOpName(given.callee.name)) return undefined;
  const formal = opFormals(given.callee.name).find((f) => f.name === given.name.name);
  return formal ? { op: given.callee.name, formal } : undefined;
}

/** Descends only into what holds `start`, and no further once the argument is found. */
class ArgumentSearch extends BodyWalk {
  found: { callee: A.Ident; name: A.Ident } | undefined;

  constructor(private readonly start: number) {
    super();
  }

  protected override enters(node: { readonly span: Span }): boolean {
    return !this.found && node.span.start <= this.start && this.start < node.span.end;
  }

  protected override call(callee: A.Ident, args: readonly A.Argument[]): void {
    for (const a of args) {
      if (a.name?.span.start === this.start) this.found = { callee, name: a.name };
      this.expr(a.value);
    }
  }
}
