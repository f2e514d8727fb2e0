/**
 * Quick fixes: the diagnostics whose help already says exactly what to
 * write, turned into edits. "did you mean `slow`?" replaces the name it is
 * about; "add `import std.resnet3d { bottleneck }`" adds the name to that
 * module's import, or the import line to the file. Help that needs judgement
 * (a value to choose, an expression to rework) stays text.
 */
import { CodeActionKind, type CodeAction, type Diagnostic, type Range, type TextEdit } from "vscode-languageserver";
import { TextPositions } from "./positions";
import type { Workspace } from "./workspace";

/** A name as the lexer reads one, or a string literal holding a word: what a suggestion may replace. */
const NAME = /^(?:[A-Za-z_][A-Za-z0-9_]*|[\u03b1-\u03c9\u0391-\u03a9])$/;
const WORD_STRING = /^"[A-Za-z0-9_]*"$/;

export function codeActions(workspace: Workspace, uri: string, diagnostics: readonly Diagnostic[]): CodeAction[] {
  const doc = workspace.document(uri);
  if (!doc) return [];
  const positions = new TextPositions(doc.text);
  const actions: CodeAction[] = [];
  for (const d of diagnostics) {
    if (d.source !== "sfc") continue;
    const help = /(?:^|\n)help: ([^\n]*)/.exec(d.message)?.[1];
    if (!help) continue;
    const meant = /did you mean `([^`]+)`\?/.exec(help)?.[1];
    const imported = /add `import (std\.[A-Za-z0-9_.]+) \{ ([A-Za-z_][A-Za-z0-9_]*) \}`/.exec(help);
    const edits: TextEdit[] = [];
    const titles: string[] = [];
    if (meant !== undefined) {
      const written = doc.text.slice(positions.offsetAt(d.range.start), positions.offsetAt(d.range.end));
      const replacement =
        NAME.test(written) && NAME.test(meant) ? meant : WORD_STRING.test(written) && /^[A-Za-z0-9_]+$/.test(meant) ? `"${meant}"` : undefined;
      if (replacement === undefined) continue;
      edits.push({ range: d.range, newText: replacement });
      titles.push(`Change to \`${replacement}\``);
    }
    if (imported) {
      edits.push(importEdit(doc.text, positions, imported[1]!, imported[2]!));
      titles.push(`add \`import ${imported[1]} { ${imported[2]} }\``);
    }
    if (edits.length === 0) continue;
    const title = titles.join(" and ");
    actions.push({
      title: title[0]!.toUpperCase() + title.slice(1),
      kind: CodeActionKind.QuickFix,
      diagnostics: [d],
      isPreferred: true,
      edit: { changes: { [uri]: edits } },
    });
  }
  return actions;
}

/**
 * The edit that imports `name` from `module`: into the braces of an import
 * of that module when the file has one, else a line after the last import,
 * else one at the top (below a header comment that a blank line ends).
 */
function importEdit(text: string, positions: TextPositions, module: string, name: string): TextEdit {
  const escaped = module.replace(/\./g, "\\.");
  const existing = new RegExp(`^[ \\t]*import[ \\t]+${escaped}[ \\t]*\\{([^}\\n]*?)[ \\t]*\\}`, "m").exec(text);
  if (existing) {
    const listed = existing[1]!.trim() !== "";
    // From after the last name (or the `{`) to the closing brace.
    const brace = existing.index + existing[0].length - 1;
    const afterLast = text.slice(0, brace).trimEnd().length;
    const range: Range = { start: positions.positionAt(afterLast), end: positions.positionAt(brace) };
    return { range, newText: listed ? `, ${name} ` : ` ${name} ` };
  }
  // Lines as the LSP counts them, and new ones ended as the file ends its own.
  const eol = /\r\n?|\n/.exec(text)?.[0] ?? "\n";
  const line = `import ${module} { ${name} }`;
  const lines = text.split(/\r\n?|\n/);
  let lastImport = -1;
  lines.forEach((l, k) => {
    if (/^\s*import\b/.test(l)) lastImport = k;
  });
  if (lastImport >= 0) return insertAt(lastImport + 1, `${line}${eol}`);
  let header = 0;
  while (header < lines.length && /^\s*(?:\/\/|#)/.test(lines[header]!)) header++;
  if (header > 0 && header < lines.length && lines[header]!.trim() === "") return insertAt(header + 1, `${line}${eol}${eol}`);
  return insertAt(0, `${line}${eol}${eol}`);
}

function insertAt(line: number, newText: string): TextEdit {
  return { range: { start: { line, character: 0 }, end: { line, character: 0 } }, newText };
}
