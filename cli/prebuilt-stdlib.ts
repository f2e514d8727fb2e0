/**
 * The standard library's syntax trees, built ahead of time with the bundle.
 * Compiling a network of the standard library then reads them (a few ms)
 * instead of building chevrotain's lexer and parser and parsing five modules
 * (about 90 ms of a cold start; bench/README.md).
 *
 * scripts/bundle.js writes dist/sfc.js.stdlib beside the bundle: the bundle's
 * build id, then JSON (compiler/ast-json.ts) of each module's text and tree.
 * bin/load-cli.js hands its path and the id to the bundle. A tree is used only
 * for exactly the text it was built from, by the build that built it, under
 * limits no tighter than those it was built under; any doubt (no file, another
 * build, unreadable JSON) and the module is parsed, as it is everywhere else.
 */
import * as fs from "node:fs";
import type * as A from "../compiler/ast";
import { treeFromJson, treeToJson } from "../compiler/ast-json";
import { loadStdlib, nodeHost } from "../compiler/host/node";
import { DEFAULT_LIMITS, type Limits } from "../compiler/limits";
import { cleanTree, parsesAlike, stdlibPath, type SourceHost } from "../compiler/program";

interface PrebuiltStdlib {
  /** The limits the trees were built under. */
  readonly limits: Pick<Limits, "nesting" | "numberDigits">;
  readonly modules: Readonly<Record<string, { readonly text: string; readonly ast: A.SourceFile }>>;
}

const BUILD_ID_LENGTH = 64;

let location: { readonly file: string; readonly buildId: string } | undefined;
/** Read on first use; null when it could not be. */
let loaded: PrebuiltStdlib | null | undefined;

/** Where the trees of this build are (bin/load-cli.js calls this on the bundle it loaded). */
export function usePrebuiltStdlib(file: string, buildId: string): void {
  location = { file, buildId };
  loaded = undefined;
}

function prebuilt(): PrebuiltStdlib | null {
  if (loaded !== undefined) return loaded;
  loaded = null;
  if (location === undefined) return loaded;
  try {
    const text = fs.readFileSync(location.file, "utf8");
    if (text.slice(0, BUILD_ID_LENGTH) === location.buildId) loaded = treeFromJson(text.slice(BUILD_ID_LENGTH)) as PrebuiltStdlib;
  } catch {
    // Missing or unreadable: every module is parsed.
  }
  return loaded;
}

/** SourceHost.prebuiltAst over this build's trees. */
export function prebuiltStdlibAst(modulePath: string, text: string, limits: Limits): A.SourceFile | undefined {
  const trees = prebuilt();
  if (trees === null || !parsesAlike(limits, trees.limits)) return undefined;
  const module = trees.modules[modulePath];
  return module !== undefined && module.text === text ? module.ast : undefined;
}

/** The host the commands read sources through: the file system, with this build's trees of the standard library. */
export function cliHost(): SourceHost {
  return nodeHost(loadStdlib(), { prebuiltAst: prebuiltStdlibAst });
}

/** The file's contents for `buildId` (scripts/bundle.js): every standard-library module that parses without a problem. */
export function prebuiltStdlibFile(buildId: string): string {
  const limits = { nesting: DEFAULT_LIMITS.nesting, numberDigits: DEFAULT_LIMITS.numberDigits };
  const modules: Record<string, { text: string; ast: A.SourceFile }> = {};
  for (const [dotted, text] of loadStdlib()) {
    const modulePath = stdlibPath(dotted);
    const ast = cleanTree(modulePath, text, limits);
    if (ast) modules[modulePath] = { text, ast };
  }
  return buildId + treeToJson({ limits, modules } satisfies PrebuiltStdlib);
}
