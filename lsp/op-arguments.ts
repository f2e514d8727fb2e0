/**
 * The call a named argument is given to (`kernel:` in `conv(out: C,
 * kernel: 1×3²)`, `α:` in `transform(α: α)`): the name table leaves the
 * arguments of an op, or of a block-valued parameter, undeclared, since no
 * source declares them or the block varies, so hover finds the call in the
 * tree.
 */
import type * as A from "../compiler/ast";
import { BodyWalk } from "../compiler/ast-walk";
import type { Span } from "../compiler/span";

/** A named argument and what it is given to. */
export interface ArgumentCall {
  readonly callee: A.Ident;
  readonly name: A.Ident;
}

/** The callee and the argument's name, for the named argument whose name starts at `start`. */
export function argumentCallAt(ast: A.SourceFile, start: number): ArgumentCall | undefined {
  const search = new ArgumentSearch(start);
  search.items(ast.items);
  return search.found;
}

/** Descends only into what holds `start`, and no further once the argument is found. */
class ArgumentSearch extends BodyWalk {
  found: ArgumentCall | undefined;

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
