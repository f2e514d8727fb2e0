/**
 * The built-in op a named argument is given to (`kernel:` in `conv(out: C,
 * kernel: 1×3²)`): the name table leaves an op's arguments undeclared, since
 * no source declares them, so hover finds the call in the tree.
 */
import type * as A from "../compiler/ast";
import { BodyWalk } from "../compiler/ast-walk";
import { isOpName } from "../compiler/ops";
import { opFormals } from "./declarations";
import type { FormalSpec } from "../compiler/ops/record";
import type { Span } from "../compiler/span";

/** The op and its formal that the argument name starting at `start` names, if it is an op's argument. */
export function opArgumentAt(ast: A.SourceFile, start: number): { op: string; formal: FormalSpec } | undefined {
  const search = new OpArgumentSearch(start);
  search.items(ast.items);
  return search.found;
}

/** Descends only into what holds `start`, and no further once the argument is found. */
class OpArgumentSearch extends BodyWalk {
  found: { op: string; formal: FormalSpec } | undefined;

  constructor(private readonly start: number) {
    super();
  }

  protected override enters(node: { readonly span: Span }): boolean {
    return !this.found && node.span.start <= this.start && this.start < node.span.end;
  }

  protected override call(callee: A.Ident, args: readonly A.Argument[]): void {
    for (const a of args) {
      if (a.name?.span.start === this.start && isOpName(callee.name)) {
        const formal = opFormals(callee.name).find((f) => f.name === a.name!.name);
        if (formal) this.found = { op: callee.name, formal };
      }
      this.expr(a.value);
    }
  }
}
