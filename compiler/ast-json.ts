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

/** The tree `treeToJson` wrote. */
export function treeFromJson(json: string): unknown {
  // A reviver that returns undefined deletes the property, so undefined ones are put back afterwards.
  const undefinedAt: Array<[holder: Record<string, unknown>, key: string]> = [];
  const tree = JSON.parse(json, function (this: Record<string, unknown>, key: string, value: unknown): unknown {
    if (typeof value !== "object" || value === null) return value;
    if (UNDEFINED in value) {
      undefinedAt.push([this, key]);
      return null;
    }
    const text = (value as Record<string, unknown>)[RATIONAL];
    if (typeof text !== "string") return value;
    const [num, den = "1"] = text.split("/");
    return Rational.of(BigInt(num!), BigInt(den));
  }) as unknown;
  for (const [holder, key] of undefinedAt) holder[key] = undefined;
  return tree;
}
