/** How deep an expression tree goes, for the nesting limit the AST builder enforces (compiler/limits.ts). */
import type * as A from "./ast";
import type { Span } from "./span";

/**
 * The span of an expression node deeper than `limit` in the tree, if any.
 * Iterative, so that measuring a deep tree cannot itself exhaust the stack.
 */
export function deepestPoint(root: A.Expr, limit: number): Span | undefined {
  const stack: Array<[unknown, number]> = [[root, 1]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (typeof value !== "object" || value === null) continue;
    const isNode = "kind" in value && "span" in value;
    if (isNode && depth > limit) return (value as { span: Span }).span;
    for (const [key, child] of Object.entries(value)) {
      if (key === "span") continue;
      if (Array.isArray(child)) for (const c of child) stack.push([c, isNode ? depth + 1 : depth]);
      else if (typeof child === "object" && child !== null) stack.push([child, isNode ? depth + 1 : depth]);
    }
  }
  return undefined;
}
