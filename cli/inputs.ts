/**
 * What `sfc check` takes: files, folders (every *.sf below, recursively) and
 * globs quoted so that the shell leaves them alone (`"models/**\/*.sf"`).
 * Node 20 has no fs.glob, and the patterns CI needs are few: `*`, `?`,
 * `[...]`, `{a,b}` and `**` for any number of folders.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { ToolNotification } from "../compiler/render/index";

export interface ExpandedInputs {
  /** Files to check, each once, in the order given (a folder's and a glob's sorted). */
  readonly files: string[];
  /** One message per argument that names nothing readable. */
  readonly problems: ToolNotification[];
}

const MAGIC = /[*?[{]/;

/** Folders that hold no sources of the project: dependencies and hidden folders. */
const skipFolder = (name: string): boolean => name === "node_modules" || name.startsWith(".");

function walk(dir: string, out: string[]): void {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (!skipFolder(e.name)) walk(p, out);
    } else if (e.name.endsWith(".sf") && (e.isFile() || (e.isSymbolicLink() && isFile(p)))) out.push(p);
  }
}

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

/** A glob as a regular expression over '/'-separated relative paths. */
export function globToRegExp(glob: string): RegExp {
  let re = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === "*") {
      if (glob[i + 1] === "*") {
        // `**/` is any number of folders, zero included; a trailing `**` is anything.
        if (glob[i + 2] === "/") {
          re += "(?:[^/]*/)*";
          i += 2;
        } else {
          re += ".*";
          i += 1;
        }
      } else re += "[^/]*";
    } else if (c === "?") re += "[^/]";
    else if (c === "[") {
      const end = glob.indexOf("]", i + 2);
      if (end < 0) re += "\\[";
      else {
        const body = glob
          .slice(i + 1, end)
          .replace(/^!/, "^")
          .replace(/\\/g, "\\\\");
        re += `[${body}]`;
        i = end;
      }
    } else if (c === "{") {
      const braces = braceAlternatives(glob, i);
      if (!braces) re += "\\{";
      else {
        re += `(?:${braces.alternatives.map((alt) => globToRegExp(alt).source.slice(1, -1)).join("|")})`;
        i = braces.end;
      }
    } else re += c.replace(/[.+^$()|\\/]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

/** The alternatives of the `{...}` opening at `open`, split at its own commas (nested braces kept whole), and where it closes. */
function braceAlternatives(glob: string, open: number): { alternatives: string[]; end: number } | undefined {
  const alternatives: string[] = [];
  let depth = 0;
  let start = open + 1;
  for (let i = open; i < glob.length; i++) {
    const c = glob[i];
    if (c === "{") depth++;
    else if (c === "}" && --depth === 0) {
      alternatives.push(glob.slice(start, i));
      return { alternatives, end: i };
    } else if (c === "," && depth === 1) {
      alternatives.push(glob.slice(start, i));
      start = i + 1;
    }
  }
  return undefined;
}

function expandGlob(pattern: string): string[] {
  const parts = pattern.split("/");
  const firstMagic = parts.findIndex((p) => MAGIC.test(p));
  const base = parts.slice(0, firstMagic).join("/");
  const rest = parts.slice(firstMagic).join("/");
  const matcher = globToRegExp(rest);
  const root = base === "" ? "." : base;
  const found: string[] = [];
  const visit = (dir: string, rel: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const r = rel === "" ? e.name : `${rel}/${e.name}`;
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (!skipFolder(e.name) || rest.startsWith(".")) visit(p, r);
      } else if (matcher.test(r) && isFile(p)) found.push(base === "" ? r : `${base}/${r}`);
    }
  };
  visit(root, "");
  return found.sort();
}

/**
 * Expands each argument. A name that exists is a file or a folder; otherwise
 * one with glob characters is a glob, which must match at least one file;
 * otherwise it is left to the compiler's host (std/NAME.sf names a
 * standard-library module from anywhere), which says when it cannot be read.
 */
export function expandInputs(args: readonly string[], unreadable: (file: string) => string | undefined): ExpandedInputs {
  const files: string[] = [];
  const seen = new Set<string>();
  const problems: ToolNotification[] = [];
  const add = (f: string) => {
    if (!seen.has(f)) {
      seen.add(f);
      files.push(f);
    }
  };
  for (const arg of args) {
    let stat: fs.Stats | undefined;
    try {
      stat = fs.statSync(arg);
    } catch {
      stat = undefined;
    }
    if (stat?.isDirectory()) {
      const below: string[] = [];
      walk(arg, below);
      if (below.length === 0) problems.push({ code: "SF0103", file: arg, message: `cannot read ${arg}: the folder holds no .sf file` });
      below.forEach(add);
    } else if (stat === undefined && MAGIC.test(arg)) {
      const matched = expandGlob(arg);
      if (matched.length === 0) problems.push({ code: "SF0103", file: arg, message: `cannot read ${arg}: no file matches` });
      matched.forEach(add);
    } else {
      const why = unreadable(arg);
      if (why === undefined) add(arg);
      else problems.push({ code: "SF0103", file: arg, message: `cannot read ${arg}: ${why}` });
    }
  }
  return { files, problems };
}
