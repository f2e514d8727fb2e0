/**
 * The server's view of the sources: open documents (unsaved buffers) over
 * the disk and the standard library, module paths to URIs and back, and the
 * latest analysis of each open document. A document is checked together with
 * what it imports, reading every file from its buffer when it is open.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { check, type CheckResult, type FileFacts, type SourceFacts, type SourceHost } from "../compiler/index";
import type * as A from "../compiler/ast";
import { loadStdlib, packageRoot } from "../compiler/host/node";
import { DEFAULT_LIMITS } from "../compiler/limits";
import { cleanTree, parsesAlike, stdlibModuleName } from "../compiler/program";
import { withImportersTypes } from "./importer-types";
import { parses, typesToShow, type FileView, type ShownTypes } from "./last-good";

export interface OpenDocument {
  readonly uri: string;
  readonly path: string;
  text: string;
  version: number;
}

export interface Analysis {
  readonly version: number;
  readonly path: string;
  readonly result: CheckResult;
  /** The module paths the document's check read or asked for: itself, its imports, and imports not found. */
  readonly reads: ReadonlySet<string>;
}

export class Workspace {
  private readonly documents = new Map<string, OpenDocument>();
  private readonly byPath = new Map<string, OpenDocument>();
  private readonly analyses = new Map<string, Analysis>();
  /** Each open document's file as its last check that parsed saw it: types to show while it does not parse. */
  private readonly lastParsed = new Map<string, FileView>();
  /** What each open document's last check read or asked for; kept when that check goes stale, to know who imports what. */
  private readonly reads = new Map<string, ReadonlySet<string>>();
  /**
   * Each open module of blocks' types at its open importers' defaults
   * (lsp/importer-types.ts), with the analyses they were made from: made when
   * hover or inlay hints ask, so that the module's diagnostics wait for no
   * importer's check, and made again when any of those analyses changes.
   */
  private readonly importerViews = new Map<string, { readonly from: readonly Analysis[]; readonly view: FileView }>();
  private readonly stdlibRoot: string;
  private stdlibOnDisk: ReadonlyMap<string, string> | undefined;
  /**
   * Each standard-library module's tree, for the text it was parsed from:
   * every check of a document reads its std imports again, and most
   * keystrokes leave them as they were (a check of std/slowfast.sf is about a
   * quarter faster). Only trees that parse without a problem are kept.
   */
  private readonly stdTrees = new Map<string, { readonly text: string; readonly ast: A.SourceFile | undefined }>();
  /** The workspace folders the client named: where files that are not open may import an open one. */
  private roots: readonly string[] = [];

  constructor(stdlibRoot = path.join(packageRoot(), "stdlib")) {
    this.stdlibRoot = path.resolve(stdlibRoot);
  }

  // ---------------------------------------------------------------- paths

  /** The module path the compiler knows a URI by: std/NAME.sf inside the standard library. */
  pathOf(uri: string): string {
    if (!uri.startsWith("file:")) return uri;
    const file = path.resolve(fileURLToPath(uri));
    const rel = path.relative(this.stdlibRoot, file);
    if (!rel.startsWith("..") && !path.isAbsolute(rel)) return `std/${rel.split(path.sep).join("/")}`;
    return file.split(path.sep).join("/");
  }

  uriOf(modulePath: string): string {
    const open = this.byPath.get(modulePath);
    if (open) return open.uri;
    if (modulePath.startsWith("std/")) return pathToFileURL(path.join(this.stdlibRoot, modulePath.slice(4))).href;
    if (path.isAbsolute(modulePath)) return pathToFileURL(modulePath).href;
    return modulePath;
  }

  // ------------------------------------------------------------ documents

  open(uri: string, text: string, version: number): OpenDocument {
    const doc: OpenDocument = { uri, path: this.pathOf(uri), text: asTheClientCounts(text), version };
    this.documents.set(uri, doc);
    this.byPath.set(doc.path, doc);
    return doc;
  }

  change(uri: string, text: string, version: number): OpenDocument | undefined {
    const doc = this.documents.get(uri);
    if (!doc) return undefined;
    doc.text = asTheClientCounts(text);
    doc.version = version;
    return doc;
  }

  close(uri: string): void {
    const doc = this.documents.get(uri);
    if (!doc) return;
    this.documents.delete(uri);
    this.byPath.delete(doc.path);
    this.analyses.delete(uri);
    this.lastParsed.delete(uri);
    this.reads.delete(uri);
    this.importerViews.delete(uri);
  }

  document(uri: string): OpenDocument | undefined {
    return this.documents.get(uri);
  }

  openDocuments(): OpenDocument[] {
    return [...this.documents.values()];
  }

  // -------------------------------------------------------------- sources

  /**
   * Unsaved buffers first, then the disk; the standard library likewise.
   * `asked`: every path a check asks for is added, read or not (an import of
   * a file not there yet).
   */
  host(asked?: Set<string>): SourceHost {
    this.stdlibOnDisk ??= loadStdlib(this.stdlibRoot);
    const stdlib = new Map(this.stdlibOnDisk);
    for (const d of this.documents.values()) {
      const name = stdlibModuleName(d.path);
      if (name !== undefined) stdlib.set(name, d.text);
    }
    return {
      stdlib,
      readFile: (p) => {
        asked?.add(p);
        const open = this.byPath.get(p);
        if (open) return open.text;
        const std = stdlibModuleName(p);
        if (std !== undefined) return stdlib.get(std);
        try {
          return fs.statSync(p).isFile() ? fs.readFileSync(p, "utf8") : undefined;
        } catch {
          return undefined;
        }
      },
      prebuiltAst: (modulePath, text, limits) => {
        if (!parsesAlike(limits, DEFAULT_LIMITS)) return undefined;
        let known = this.stdTrees.get(modulePath);
        if (known?.text !== text) {
          known = { text, ast: cleanTree(modulePath, text, DEFAULT_LIMITS) };
          this.stdTrees.set(modulePath, known);
        }
        return known.ast;
      },
    };
  }

  // ------------------------------------------------------------- analysis

  /** The analysis of the document's current text, checking it now if it is stale. */
  analysis(uri: string): Analysis | undefined {
    const doc = this.documents.get(uri);
    if (!doc) return undefined;
    const known = this.analyses.get(uri);
    if (known && known.version === doc.version) return known;
    // Graphs are read through the facts, which keep those they cite.
    // What it read, and what it looked for and did not find: a file that appears later makes it stale too.
    const asked = new Set<string>([doc.path]);
    const result = check({ files: [doc.path], host: this.host(asked), facts: true, graphs: false });
    const reads = new Set([...(result.facts?.files.keys() ?? []), ...asked]);
    const analysis: Analysis = { version: doc.version, path: doc.path, result, reads };
    this.analyses.set(uri, analysis);
    this.reads.set(uri, reads);
    const facts = result.facts;
    const file = facts?.files.get(doc.path);
    if (facts && file && parses(result, doc.path)) this.lastParsed.set(uri, { facts, file, factsOf: () => facts });
    return analysis;
  }

  /** The open documents, other than `modulePath`'s own, whose last check read it. */
  private importerDocuments(modulePath: string): OpenDocument[] {
    return this.openDocuments().filter((d) => d.path !== modulePath && this.reads.get(d.uri)?.has(modulePath));
  }

  /** Their analyses (importerDocuments), checked again where stale, that still read it. */
  private importersOf(modulePath: string): Analysis[] {
    return this.importerDocuments(modulePath).flatMap((d) => {
      const a = this.analysis(d.uri);
      return a?.reads.has(modulePath) ? [a] : [];
    });
  }

  /** The document's types as hover and inlay hints show them: a module of blocks' at its open importers' defaults. */
  private view(uri: string, a: Analysis): FileView | undefined {
    const facts = a.result.facts;
    const file = facts?.files.get(a.path);
    if (!facts || !file) return undefined;
    const own: FileView = { facts, file, factsOf: () => facts };
    if (a.result.networks.length > 0) {
      this.importerViews.delete(uri);
      return own;
    }
    const from = [a, ...this.importersOf(a.path)];
    const known = this.importerViews.get(uri);
    if (known && known.from.length === from.length && known.from.every((x, i) => x === from[i])) return known.view;
    const importers: FileView[] = [];
    for (const theirs of from.slice(1)) {
      const their = theirs.result.facts;
      const seen = their?.files.get(a.path);
      // A check of another text of this document is not used (an edit here marks those stale: invalidate).
      if (their && seen?.module.text === file.module.text) importers.push({ facts: their, file: seen, factsOf: () => their });
    }
    const view = withImportersTypes(own, importers);
    this.importerViews.set(uri, { from, view });
    if (parses(a.result, a.path)) this.lastParsed.set(uri, view);
    return view;
  }

  /**
   * Makes the view of every open module of blocks whose analysis, and whose
   * open importers' analyses, are current: no check is made. Returns whether
   * any view that was shown before changed.
   */
  refreshViews(): boolean {
    let changed = false;
    for (const [uri, doc] of this.documents) {
      const a = this.analyses.get(uri);
      if (!a || a.version !== doc.version || a.result.networks.length > 0) continue;
      if (this.importerDocuments(doc.path).some((d) => this.analyses.get(d.uri)?.version !== d.version)) continue;
      const before = this.importerViews.get(uri)?.view;
      if (this.view(uri, a) !== before && before !== undefined) changed = true;
    }
    return changed;
  }

  /** The other open documents whose last check read the document's file. */
  importerUris(uri: string): string[] {
    const doc = this.documents.get(uri);
    return doc ? this.importerDocuments(doc.path).map((d) => d.uri) : [];
  }

  /**
   * Marks every analysis that read `modulePath` stale (its text changed);
   * returns the other open documents among them, which need checking again.
   */
  invalidate(modulePath: string): OpenDocument[] {
    const dependents: OpenDocument[] = [];
    for (const [uri, a] of this.analyses) {
      if (!a.reads.has(modulePath)) continue;
      this.analyses.delete(uri);
      const doc = this.documents.get(uri);
      if (doc && doc.path !== modulePath) dependents.push(doc);
    }
    return dependents;
  }

  setRoots(uris: readonly string[]): void {
    this.roots = uris.filter((u) => u.startsWith("file:")).map((u) => path.resolve(fileURLToPath(u)));
  }

  /**
   * The facts of the files under the workspace folders, not open, that read
   * `modulePath` (directly or through other imports): a rename or a search
   * for references of a name declared there must see them too. Files are
   * picked by their text naming the module's file, then checked; at most
   * MAX_IMPORTER_SCAN files are read.
   */
  closedImporters(modulePath: string): SourceFacts[] {
    if (modulePath.startsWith("std/") || !path.isAbsolute(modulePath)) return [];
    const stem = path.basename(modulePath, ".sf");
    const candidates: string[] = [];
    for (const file of sfFilesUnder(this.roots, MAX_IMPORTER_SCAN)) {
      const modulePathOfFile = file.split(path.sep).join("/");
      if (modulePathOfFile === modulePath || this.byPath.has(modulePathOfFile)) continue;
      let text: string;
      try {
        text = fs.readFileSync(file, "utf8");
      } catch {
        continue;
      }
      if (/\bimport\b/.test(text) && text.includes(stem)) candidates.push(modulePathOfFile);
    }
    if (candidates.length === 0) return [];
    // One check of them all: the modules they share (the one they import, above all) are read and checked once, not once each.
    const facts = check({ files: candidates, host: this.host(), facts: true, graphs: false }).facts;
    return facts?.files.has(modulePath) ? [facts] : [];
  }

  /**
   * A file changed on disk (saved by another program, a checkout): the open
   * documents that read it are stale, unless it is open here, where its buffer
   * is what they read. Returns them, to be checked again.
   */
  changedOnDisk(uri: string): OpenDocument[] {
    const modulePath = this.pathOf(uri);
    if (this.byPath.has(modulePath)) return [];
    if (modulePath.startsWith("std/")) this.stdlibOnDisk = undefined;
    return this.invalidate(modulePath);
  }

  /** The type facts to show in the document: its own, and while it does not parse, the last parsed version's. */
  shownTypes(uri: string): ShownTypes | undefined {
    const a = this.analysis(uri);
    const current = a && this.view(uri, a);
    if (!a || !current) return undefined;
    return typesToShow(current, this.lastParsed.get(uri), parses(a.result, a.path));
  }

  /**
   * The facts of the other open documents whose checks read `modulePath`: a
   * rename or a search for references of a name declared there must see them
   * too (closedImporters finds the files that are not open).
   */
  openImporters(modulePath: string): SourceFacts[] {
    return this.importersOf(modulePath).flatMap((a) => (a.result.facts ? [a.result.facts] : []));
  }

  /** The facts of one file as the document's analysis saw them. */
  fileFacts(uri: string, modulePath?: string): FileFacts | undefined {
    const a = this.analysis(uri);
    return a?.result.facts?.files.get(modulePath ?? a.path);
  }
}

/** How many .sf files a search for closed importers reads at most. */
const MAX_IMPORTER_SCAN = 2000;
/** How many folders it looks in at most: a workspace opened on a home folder must not be walked whole. */
const MAX_FOLDERS_SCANNED = 10_000;

/** The .sf files under `roots`, folders such as node_modules and .git left out, at most `limit`. */
function sfFilesUnder(roots: readonly string[], limit: number): string[] {
  const out: string[] = [];
  const pending = [...roots];
  let folders = 0;
  while (pending.length > 0 && out.length < limit && folders++ < MAX_FOLDERS_SCANNED) {
    const dir = pending.pop()!;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries) {
      if (entry.name.startsWith(".") || entry.name === "node_modules") continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) pending.push(full);
      else if (entry.isFile() && entry.name.endsWith(".sf") && out.length < limit) out.push(full);
    }
  }
  return out;
}

/**
 * An open document's text as the compiler reads it, with the client's
 * positions. Editors usually leave a byte-order mark out of the text they
 * send; one that keeps it counts it as the first character of line 0, so it
 * becomes a blank here rather than being dropped as the compiler drops it
 * from files it reads (compiler/source-lines.ts): every column stays the
 * client's.
 */
function asTheClientCounts(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? ` ${text.slice(1)}` : text;
}
