/**
 * The sorts a scalar may declare (`k: int`, `param β: rat = 1/8`): what each
 * reads as, and what it means. The checker reads the kinds; hover shows the
 * meanings.
 */

/** What a scalar declared with a sort is. */
export type ScalarSort = "int" | "rat" | "bool";

interface SortInfo {
  readonly kind: ScalarSort;
  readonly doc: string;
}

const SORTS: ReadonlyMap<string, SortInfo> = new Map([
  ["int", { kind: "int", doc: "a whole number: a value that is not one is an error" }],
  ["rat", { kind: "rat", doc: "a rational number: a fraction such as `1/8`, a decimal, or a whole number" }],
  ["bool", { kind: "bool", doc: "`true` or `false`" }],
  ["number", { kind: "rat", doc: "a rational number, as `rat`" }],
]);

/** What a declared sort reads as (`int`, `rat`, `bool`; `number` is `rat`); undefined for one that is no sort (SF0213). */
export function sortKind(sort: string): ScalarSort | undefined {
  return SORTS.get(sort)?.kind;
}

/** What a sort means, for hover; undefined for one that is no sort. */
export function sortDoc(sort: string): string | undefined {
  return SORTS.get(sort)?.doc;
}
