/**
 * The parser, as the compiler reaches it. Loaded with the compiler here; the
 * bundled CLI (scripts/bundle.js) loads it instead when something is first
 * parsed: chevrotain's own start-up and the token definitions took about 5
 * ms of every start, and a compile of a standard-library network parses nothing
 * (its trees are prebuilt, cli/prebuilt-stdlib.ts).
 */
import * as parse from "../grammar/parse";

export function grammar(): typeof parse {
  return parse;
}
