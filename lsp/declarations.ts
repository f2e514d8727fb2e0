/** Declarations as users read them: a block's header, the comment above it, an op's formals. */
import type * as A from "../compiler/ast";
import type { FileFacts, SourceFacts } from "../compiler/index";
import { OPS, isOpName, type FormalSpec } from "../compiler/ops";
import type { Span } from "../compiler/span";
import { withoutComments } from "./comments";
import { sortDoc } from "../compiler/sorts";

/** The top-level item declared at `nameSpan`, in whichever file the facts hold it. */
export function itemAt(facts: SourceFacts, nameSpan: Span): { item: A.Item; file: FileFacts } | undefined {
  const file = facts.files.get(nameSpan.file);
  if (!file) return undefined;
  for (const item of file.module.ast.items) {
    if (item.kind === "import") continue;
    if (item.name.span.start === nameSpan.start) return { item, file };
  }
  return undefined;
}

/** `block tconv(x: <αT, S², βC>, ...) -> <T, S², ratio·βC>`, as written (comments dropped, whitespace folded). */
export function header(item: A.Item, text: string): string {
  const end = item.kind === "block" || item.kind === "network" ? item.result.span.end : item.kind === "names" ? item.name.span.end : item.span.end;
  return withoutComments(text.slice(item.span.start, end))
    .replace(/\s+/g, " ")
    .replace(/\( /g, "(")
    .replace(/ ([),])/g, "$1");
}

export function opSignature(name: string): string | undefined {
  if (!isOpName(name)) return undefined;
  const spec = OPS[name];
  const formals = spec.formals.map((f) => `${f.name}${f.default === undefined ? "" : "?"}`).join(", ");
  return `${name}(${formals})`;
}

export function opFormals(name: string): readonly FormalSpec[] {
  return isOpName(name) ? OPS[name].formals : [];
}

export function opSummary(name: string): string {
  return isOpName(name) ? OPS[name].summary : "";
}

/** The sort written at `offset` (`int` in `k: int`, a module `param`'s or a formal's), if it is one. */
export function sortAt(ast: A.SourceFile, offset: number): { readonly name: string; readonly doc: string; readonly span: Span } | undefined {
  const at = (sort: A.Ident | undefined) => {
    const doc = sort && sort.span.start <= offset && offset <= sort.span.end ? sortDoc(sort.name) : undefined;
    return sort && doc !== undefined ? { name: sort.name, doc, span: sort.span } : undefined;
  };
  for (const item of ast.items) {
    if (offset < item.span.start || offset > item.span.end) continue;
    switch (item.kind) {
      case "param":
        return at(item.sort);
      case "block":
      case "network":
        for (const f of item.formals) {
          const found = at(f.sort);
          if (found) return found;
        }
        return undefined;
      case "import":
      case "names":
      case "alias":
        return undefined;
    }
  }
  return undefined;
}
