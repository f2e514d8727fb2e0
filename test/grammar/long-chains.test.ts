/**
 * A long flat chain (`T = 1 + 1 + … + 1`) is built in linear work: the
 * builder pairs each operand with its operator in one pass. The work is
 * counted, not timed: every read of an operator token's position is counted,
 * and a pass that searched all operators for each operand (quadratic) is
 * stopped as soon as it exceeds the linear budget.
 */
import type { CstElement, CstNode, IToken } from "chevrotain";
import { describe, expect, it } from "vitest";
import { AstBuilder } from "../../compiler/ast-builder";
import { DEFAULT_LIMITS } from "../../compiler/limits";
import { parseSource } from "../../grammar/parse";

const isNode = (e: CstElement): e is CstNode => "children" in e;

/** Replaces every operator token of `root`'s chains with one that counts reads of its offset, failing past `budget`. */
function countOperatorReads(root: CstNode, budget: number): { reads: number } {
  const counter = { reads: 0 };
  const stack: CstNode[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    for (const [key, list] of Object.entries(node.children)) {
      if (key === "ops") {
        node.children[key] = list.map((t) => {
          const token = t as IToken;
          const startOffset = token.startOffset;
          return new Proxy(token, {
            get(target, property, receiver) {
              if (property === "startOffset") {
                if (++counter.reads > budget) throw new Error(`more than ${budget} reads of operator positions: not linear`);
                return startOffset;
              }
              return Reflect.get(target, property, receiver);
            },
          });
        });
      } else for (const child of list) if (isNode(child)) stack.push(child);
    }
  }
  return counter;
}

function flatSum(terms: number): string {
  return `network N(clip: <T, 8², 3>, T = ${Array.from({ length: terms }, () => "1").join(" + ")}) -> <4> {\n  return clip |> conv(out: 4) |> gap\n}\n`;
}

describe("long flat chains", () => {
  it("an 80,000-term sum reads each operator's position a bounded number of times", () => {
    const terms = 80_000;
    const text = flatSum(terms);
    const { cst, problems } = parseSource(text);
    expect(problems).toEqual([]);
    const counter = countOperatorReads(cst!, 4 * terms);
    const builder = AstBuilder.forText("sum.sf", text, DEFAULT_LIMITS);
    builder.sourceFile(cst, "sum.sf", text.length);
    expect(counter.reads).toBeGreaterThan(terms - 1);
    // Too deep for the default limit: refused with its position, not built and kept.
    expect(builder.problems.map((p) => p.code)).toEqual(["SF0003"]);
  });

  it("a mixed chain keeps each operator with its operands", () => {
    const text = "network N(clip: <T, 8², 3>, T = 8 - 2 * 3 / 2 + 1 % 4 · 2) -> <4> {\n  return clip |> conv(out: 4) |> gap\n}\n";
    const parsed = parseSource(text);
    expect(parsed.problems).toEqual([]);
    const file = AstBuilder.forText("mixed.sf", text, DEFAULT_LIMITS).sourceFile(parsed.cst, "mixed.sf", text.length);
    // The outermost binary expression in the tree, written with its brackets.
    let outermost: unknown;
    JSON.stringify(file, (_key, value: unknown) => {
      if (outermost === undefined && (value as { kind?: string } | null)?.kind === "binary") outermost = value;
      return typeof value === "bigint" ? String(value) : value;
    });
    const show = (e: { kind: string; op?: string; lhs?: never; rhs?: never; text?: string }): string =>
      e.kind === "binary" ? `(${show(e.lhs!)} ${e.op} ${show(e.rhs!)})` : (e.text ?? e.kind);
    expect(show(outermost as never)).toBe("((8 - ((2 * 3) / 2)) + ((1 % 4) * 2))");
  });
});
