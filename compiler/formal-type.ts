/**
 * A formal's type as the parser reads it: one union of alternatives, each a
 * sort (`int`), `block`, a word (`"none"`) or a number (`1/2`). It must make
 * one kind: a sort alone, `block` with any words, words, or numbers. This
 * module says which kind, and what is wrong when the alternatives do not
 * make one (the AST builder reports it as SF0002 at the type).
 */

export type FormalTypeKind = "sort" | "block" | "words" | "numbers";

/** The union's alternatives of each kind: the parser's tokens or nodes, and the words as written (unquoted). */
export interface FormalAlternatives {
  readonly sorts: readonly unknown[];
  readonly blocks: readonly unknown[];
  readonly words: readonly string[];
  readonly numbers: readonly unknown[];
}

const ONE_KIND = 'write one sort (`int`, `rat`, `bool`), `block` with words (`block | "none"`), words (`"a" | "b"`) or numbers (`1 | 1/2`)';

/**
 * The kind the union declares, read as the likeliest when it is wrong (so
 * that the formal's uses are checked without errors of their own), and the
 * problem, if any. Undefined for a formal with no type.
 */
export function readFormalType(a: FormalAlternatives): { readonly kind: FormalTypeKind; readonly problem?: string } | undefined {
  const [sorts, blocks, words, numbers] = [a.sorts.length, a.blocks.length, a.words.length, a.numbers.length];
  if (sorts + blocks + words + numbers === 0) return undefined;
  const kind: FormalTypeKind = blocks > 0 ? "block" : words > 0 ? "words" : numbers > 0 ? "numbers" : "sort";
  if (blocks > 1 && sorts + numbers === 0) return { kind, problem: "`block` is written more than once in a parameter's type" };
  if (sorts > 1 && blocks + words + numbers === 0) return { kind, problem: "a parameter has one sort, not a choice of sorts: write `int`, `rat` or `bool`" };
  const oneKind = {
    sort: sorts === 1 && blocks + words + numbers === 0,
    block: blocks === 1 && sorts + numbers === 0,
    words: sorts + numbers === 0,
    numbers: sorts + words === 0,
  }[kind];
  if (!oneKind) return { kind, problem: `a parameter's type mixes kinds of value: ${ONE_KIND}` };
  const again = a.words.find((w, i) => a.words.indexOf(w) !== i);
  return again === undefined ? { kind } : { kind, problem: `the word ${JSON.stringify(again)} is written more than once in a parameter's type` };
}
