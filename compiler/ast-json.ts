/**
 * A syntax tree as JSON and back, exactly: the bundled CLI ships the
 * standard library's trees, built ahead of time (scripts/bundle.js), so that
 * compiling a network of the standard library parses nothing. Trees are plain
 * data but for two things JSON cannot hold, which are written as markers:
 * numbers, which are Rationals ({"$rational": "p/q"}), and properties that
 * are present but undefined ({"$undefined": 1}; JSON would drop them, and a
 * tree read back must be the tree that was written, `in` included).
 */
import { Rational } from "./dims/rational";

const RATIONAL = "$rational";
const UNDEFINED = "$undefined";

/** JSON.stringify's replacer for trees. */
function replacer(_key: string, value: unknown): unknown {
  if (value === undefined) return { [UNDEFINED]: 1 };
  return value instanceof Rational ? { [RATIONAL]: value.toString() } : value;
}

export function treeToJson(tree: unknown): string {
  return JSON.stringify(tree, replacer);
}

/**
 * The tree `treeToJson` wrote. The markers are replaced by one walk over the
 * parsed objects after a plain JSON.parse: a reviver would call back into
 * JavaScript for every value, strings and numbers included, which took three
 * times as long for the standard library's trees.
 */
export function treeFromJson(json: string): unknown {
  return restoreMarkers(JSON.parse(json) as unknown);
}

/** `value` with every marker object in it (itself included) replaced by what it stands for. */
function restoreMarkers(value: unknown): unknown {
  if (typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = restoreMarkers(value[i]);
    return value;
  }
  const record = value as Record<string, unknown>;
  if (UNDEFINED in record) return undefined;
  const text = record[RATIONAL];
  if (typeof text === "string") {
    const [num, den = "1"] = text.split("/");
    return Rational.of(BigInt(num!), BigInt(den));
  }
  for (const key in record) {
    const child = record[key];
    if (typeof child === "object" && child !== null) record[key] = restoreMarkers(child);
  }
  return record;
}
