/**
 * The networks std/slowfast.sf declares, read from its source, so that a test
 * over "every standard network" covers one added later without being edited.
 */
import * as fs from "node:fs";
import * as path from "node:path";

const SLOWFAST_SF = path.resolve(__dirname, "../../stdlib/slowfast.sf");

/** Generic networks (`network SlowFast(...)`), then the named models (`network SlowFast_4x16_R50 = SlowFast(...)`), in source order. */
export function stdlibNetworks(): { generic: string[]; named: string[] } {
  const source = fs.readFileSync(SLOWFAST_SF, "utf8");
  const generic = [...source.matchAll(/^network (\w+)\(/gm)].map((m) => m[1]!);
  const named = [...source.matchAll(/^network (\w+) = /gm)].map((m) => m[1]!);
  // A pattern that stopped matching must fail the tests, not leave them with nothing to cover.
  if (generic.length === 0 || named.length === 0) throw new Error(`no networks found in ${SLOWFAST_SF}`);
  return { generic, named };
}
