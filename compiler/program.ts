/**
 * Loading: source files to parsed modules, following imports. The standard
 * library and the user's files come from the caller (a SourceHost), so this
 * never touches the file system. Cycles and missing modules are diagnosed at
 * the import that causes them.
 */
import * as path from "node:path/posix";
import { grammar } from "./grammar";
import { AstBuilder } from "./ast-builder";
import type * as A from "./ast";
import { makeDiagnostic, type Diagnostic } from "./diagnostics/diagnostic";
import type { DiagnosticCode } from "./diagnostics/catalogue";
import { DEFAULT_LIMITS, raiseHint, type Limits } from "./limits";
import { thousands } from "./thousands";
import { withoutByteOrderMark } from "./source-lines";
import { fileStart, type Span } from "./span";

/**
 * Where the compiler gets its sources: user files by path and the standard
 * library by module name. The compiler reads nothing else; `nodeHost()`
 * reads from disk, a map of texts serves as well.
 */
export interface SourceHost {
  /**
   * The text of a user file, or undefined when there is none. A file to
   * check or compile named `std/NAME.sf` that this gives none for, and
   * whyUnreadable gives no reason for, is read from `stdlib`.
   */
  readFile(filePath: string): string | undefined;
  /** After readFile gave undefined: why, in words ("permission denied"); "no such file" when left out. */
  whyUnreadable?(filePath: string): string | undefined;
  /** Standard-library modules by dotted name ("lateral" for `import std.lateral`). */
  readonly stdlib: ReadonlyMap<string, string>;
  /**
   * A path as an emitted model records it (node and graph doc_strings,
   * `source_sha256`): one name however the file was spelled on the command
   * line, so that the same sources give the same bytes. Default: as given.
   */
  displayPath?(filePath: string): string;
  /**
   * A standard-library module's syntax tree built ahead of time, when it was
   * built from exactly `text` under limits no tighter than `limits` (so that
   * parsing it again could report nothing): parsing is skipped. The bundled
   * CLI has them (cli/prebuilt-stdlib.ts); other hosts parse.
   */
  prebuiltAst?(modulePath: string, text: string, limits: Limits): A.SourceFile | undefined;
}

export interface Module {
  readonly path: string;
  readonly text: string;
  readonly ast: A.SourceFile;
  /** Import declarations resolved to module paths (undefined when unresolved). */
  readonly imports: ReadonlyArray<{ decl: A.ImportDecl; target: string | undefined }>;
  /** Where its syntax errors are: declarations around them are not checked further. */
  readonly syntaxErrorOffsets: readonly number[];
}

/**
 * Whether a declaration was read whole, so that checking it says something.
 * An error after its end but before the next declaration counts too: the
 * parser's recovery can end a declaration short of its text (`return "abc }`
 * leaves a body without its `return`), and what the checker would say of the
 * rest is about that recovery, not the source.
 */
export function readWhole(mod: Module, span: { start: number; end: number }): boolean {
  const until = nextItemStart(mod.ast.items, span.start) ?? mod.text.length;
  return !mod.syntaxErrorOffsets.some((o) => o >= span.start && (o <= span.end || o < until));
}

/** Where the first declaration after `start` begins; items are in source order. */
function nextItemStart(items: readonly A.Item[], start: number): number | undefined {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (items[mid]!.span.start > start) hi = mid;
    else lo = mid + 1;
  }
  return items[lo]?.span.start;
}

export interface Program {
  readonly modules: ReadonlyMap<string, Module>;
  readonly entries: readonly string[];
  readonly sources: ReadonlyMap<string, string>;
}

const SYNTAX_CODES: Record<"lexical" | "syntax" | "nesting", DiagnosticCode> = {
  lexical: "SF0001",
  syntax: "SF0002",
  nesting: "SF0003",
};

export function stdlibPath(dotted: string): string {
  return `std/${dotted.replace(/\./g, "/")}.sf`;
}

/** Whether a tree that parsed cleanly under `builtUnder` stands for parsing under `limits`: none of them tighter. */
export function parsesAlike(limits: Pick<Limits, "nesting" | "numberDigits">, builtUnder: Pick<Limits, "nesting" | "numberDigits">): boolean {
  return limits.nesting >= builtUnder.nesting && limits.numberDigits >= builtUnder.numberDigits;
}

/**
 * A module's tree when it parses with no problem at all under `limits`: what
 * may stand in for parsing it (SourceHost.prebuiltAst), since parsing it again
 * would report nothing. Undefined when anything would be reported.
 */
export function cleanTree(modulePath: string, text: string, limits: Pick<Limits, "nesting" | "numberDigits">): A.SourceFile | undefined {
  const parsed = grammar().parseSource(text, limits.nesting);
  const builder = AstBuilder.forText(modulePath, text, limits);
  const ast = builder.sourceFile(parsed.cst, modulePath, text.length);
  if (parsed.problems.length > 0 || builder.problems.length > 0) return undefined;
  const dropped = builder.unexplainedDrops(
    [],
    parsed.tokens.map((t) => t.startOffset),
    text.length,
  );
  return dropped.length === 0 ? ast : undefined;
}

/**
 * A file given to check or compile. `std/NAME.sf` that the host has no file
 * for, and no reason why not, is the standard library's module, whichever
 * host reads it: `compile({ file: "std/slowfast.sf", ... })` works with a
 * host of a few texts as with nodeHost (which reads a std/ folder on disk first).
 */
function readEntry(host: SourceHost, file: string): string | undefined {
  const text = host.readFile(file);
  if (text !== undefined || host.whyUnreadable?.(file) !== undefined) return text;
  const name = stdlibModuleName(file);
  return name === undefined ? undefined : host.stdlib.get(name);
}

/** The standard-library module a path names (`std/models/x.sf` is `models.x`, as `import std.models.x` names it), or undefined. */
export function stdlibModuleName(filePath: string): string | undefined {
  const std = /^std\/(.+)\.sf$/.exec(filePath);
  return std ? std[1]!.replace(/\//g, ".") : undefined;
}

export function loadProgram(entries: readonly string[], host: SourceHost, diagnostics: Diagnostic[], limits: Limits = DEFAULT_LIMITS): Program {
  const modules = new Map<string, Module>();
  const sources = new Map<string, string>();

  const readModule = (modulePath: string): string | undefined => {
    const std = stdlibModuleName(modulePath);
    if (std !== undefined) return host.stdlib.get(std);
    return host.readFile(modulePath);
  };

  /** The module's tree, its syntax problems reported. */
  const parseModule = (modulePath: string, text: string): { ast: A.SourceFile; syntaxErrorOffsets: number[] } => {
    const builder = AstBuilder.forText(modulePath, text, limits);
    const parsed = grammar().parseSource(text, limits.nesting);
    for (const p of parsed.problems) {
      diagnostics.push(
        makeDiagnostic(SYNTAX_CODES[p.kind], builder.spanAt(p.offset, p.offset + p.length), {
          message: p.message,
          label: p.found !== undefined ? `found ${JSON.stringify(p.found)}` : "",
        }),
      );
    }
    const ast = builder.sourceFile(parsed.cst, modulePath, text.length);
    for (const p of builder.problems) diagnostics.push(makeDiagnostic(p.code, builder.spanAt(p.start, p.end), { message: p.message, label: p.label }));
    // A construct that built to nothing with no problem reported inside it
    // would vanish from the program: say so rather than compile without it.
    for (const [start, end] of builder.unexplainedDrops(
      parsed.problems.map((p) => p.offset),
      parsed.tokens.map((t) => t.startOffset),
      text.length,
    )) {
      diagnostics.push(
        makeDiagnostic("SF0002", builder.spanAt(start, end), {
          message: "sfc could not read this construct",
          label: "not understood",
          help: "this is a fault in sfc rather than in the file; please report it with the file",
        }),
      );
    }
    return { ast, syntaxErrorOffsets: [...parsed.problems.map((p) => p.offset), ...builder.problems.map((p) => p.start)] };
  };

  /** SF0610 at `span` when `text` is past limits.sourceBytes: such a source is not parsed. */
  const tooLarge = (name: string, text: string, span: Span): boolean => {
    const bytes = Buffer.byteLength(text, "utf8");
    if (bytes <= limits.sourceBytes) return false;
    diagnostics.push(
      makeDiagnostic("SF0610", span, {
        message: `${name} is ${thousands(bytes)} bytes, too large to parse`,
        label: "not parsed",
        help: raiseHint("sourceBytes", limits),
      }),
    );
    return true;
  };
  /** The module's tree: an empty one for a file given that was too large to parse (SF0610 at its start), the prebuilt one, or parsed. */
  const treeOf = (modulePath: string, text: string, tooLargeToParse: boolean): { ast: A.SourceFile; syntaxErrorOffsets: number[] } => {
    if (tooLargeToParse) return { ast: { kind: "file", path: modulePath, items: [], span: fileStart(modulePath) }, syntaxErrorOffsets: [0] };
    const prebuilt = modulePath.startsWith("std/") ? host.prebuiltAst?.(modulePath, text, limits) : undefined;
    return prebuilt ? { ast: prebuilt, syntaxErrorOffsets: [] } : parseModule(modulePath, text);
  };

  // An import is sized where it is written, before it is loaded; a file given, where it is read (the entries below).
  const load = (modulePath: string, read: string, tooLargeToParse = false): void => {
    if (modules.has(modulePath)) return;
    const text = withoutByteOrderMark(read);
    sources.set(modulePath, text);
    const { ast, syntaxErrorOffsets } = treeOf(modulePath, text, tooLargeToParse);
    const imports: Array<{ decl: A.ImportDecl; target: string | undefined }> = [];
    const mod: Module = {
      path: modulePath,
      text,
      ast,
      imports,
      syntaxErrorOffsets,
    };
    modules.set(modulePath, mod);
    for (const item of ast.items) {
      if (item.kind !== "import") continue;
      // std.x is the standard library; any other dotted name is a file beside
      // the importer (a.b → a/b.sf), as is a quoted path.
      const isStd = !item.isFile && item.module.startsWith("std.");
      const relative = item.isFile ? item.module : `${item.module.replace(/\./g, "/")}.sf`;
      const target = isStd ? stdlibPath(item.module.slice(4)) : path.normalize(path.join(path.dirname(modulePath), relative));
      if (!target.endsWith(".sf")) {
        // Only .sf sources are read: an import cannot pull in /etc/shadow and have it echoed in diagnostics.
        diagnostics.push(
          makeDiagnostic("SF0103", item.moduleSpan, {
            message: `cannot import ${JSON.stringify(relative)}: imports name .sf source files`,
            label: "not a .sf file",
            help: "an import names another .sf file or a standard-library module (import std.lateral)",
          }),
        );
        imports.push({ decl: item, target: undefined });
        continue;
      }
      const targetText = modules.has(target) ? modules.get(target)!.text : readModule(target);
      if (targetText === undefined) {
        const known = [...host.stdlib.keys()].sort().map((k) => `std.${k}`);
        diagnostics.push(
          makeDiagnostic("SF0103", item.moduleSpan, {
            message: isStd ? `there is no standard-library module \`${item.module}\`` : `cannot find the file ${JSON.stringify(relative)}`,
            label: isStd
              ? "not found"
              : `looked for ${target}${host.whyUnreadable?.(target) && host.whyUnreadable(target) !== "no such file" ? `: ${host.whyUnreadable(target)}` : ""}`,
            help: isStd ? `the standard library has ${known.join(", ")}` : undefined,
          }),
        );
        imports.push({ decl: item, target: undefined });
        continue;
      }
      // An import of a file too large to parse is reported where it is imported, as one that cannot be read.
      if (!modules.has(target) && tooLarge(isStd ? `\`${item.module}\`` : JSON.stringify(relative), targetText, item.moduleSpan)) {
        imports.push({ decl: item, target: undefined });
        continue;
      }
      imports.push({ decl: item, target });
      load(target, targetText);
    }
  };

  for (const entry of entries) {
    const text = readEntry(host, entry);
    if (text !== undefined) load(entry, text, !modules.has(entry) && tooLarge(entry, text, fileStart(entry)));
  }
  reportCycles(modules, diagnostics);
  return { modules, entries, sources };
}

/** Each import that closes a cycle gets one diagnostic naming the whole cycle. */
function reportCycles(modules: ReadonlyMap<string, Module>, diagnostics: Diagnostic[]): void {
  const state = new Map<string, "active" | "done">();
  const stack: string[] = [];
  const visit = (p: string): void => {
    state.set(p, "active");
    stack.push(p);
    for (const imp of modules.get(p)?.imports ?? []) {
      if (!imp.target) continue;
      const s = state.get(imp.target);
      if (s === "active") {
        const cycle = [...stack.slice(stack.indexOf(imp.target)), imp.target];
        diagnostics.push(
          makeDiagnostic("SF0104", imp.decl.moduleSpan, {
            message: `import cycle: ${cycle.join(" → ")}`,
            label: "this import closes the cycle",
            help: "move what both files need into a third file that both import",
          }),
        );
      } else if (s === undefined) visit(imp.target);
    }
    stack.pop();
    state.set(p, "done");
  };
  for (const p of modules.keys()) if (!state.has(p)) visit(p);
}

/**
 * The standard library's blocks by name, each with the module that declares
 * it ("std.lateral"), read only when a diagnostic asks (SF0106's hint).
 */
export function stdlibBlocks(stdlib: ReadonlyMap<string, string>): Map<string, string> {
  return stdlibDeclarations(stdlib, "block");
}

/** The standard library's weight-name maps by name, each with the module that declares it (std.slowfast), for SF0405's and SF0407's hints. */
export function stdlibNameMaps(stdlib: ReadonlyMap<string, string>): Map<string, string> {
  return stdlibDeclarations(stdlib, "names");
}

function stdlibDeclarations(stdlib: ReadonlyMap<string, string>, kind: "block" | "names"): Map<string, string> {
  const out = new Map<string, string>();
  for (const [dotted, text] of [...stdlib].sort(([a], [b]) => a.localeCompare(b))) {
    const path = stdlibPath(dotted);
    const ast = AstBuilder.forText(path, text, DEFAULT_LIMITS).sourceFile(grammar().parseSource(text, DEFAULT_LIMITS.nesting).cst, path, text.length);
    for (const item of ast.items) if (item.kind === kind && !out.has(item.name.name)) out.set(item.name.name, `std.${dotted}`);
  }
  return out;
}
