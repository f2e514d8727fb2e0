/**
 * chevrotain, loaded from its published single-file bundle. The package's
 * entry point is hundreds of ES modules (its own and lodash-es); loading
 * them through Node 20's require(esm) takes about 0.45 s, the bundle about
 * 0.1 s, and every sfc command pays it. Same code, same version.
 */
import type * as Chevrotain from "chevrotain";
import * as path from "node:path";

function load(): typeof Chevrotain {
  const entry = require.resolve("chevrotain");
  const bundle = path.join(path.dirname(entry), "..", "chevrotain.mjs");
  try {
    return require(bundle) as typeof Chevrotain;
  } catch {
    return require("chevrotain") as typeof Chevrotain;
  }
}

export const chevrotain = load();
export type { CstNode, IToken, TokenType, CustomPatternMatcherFunc, IRecognitionException, CstElement } from "chevrotain";
