/**
 * Completion from what the text before the cursor says: after `|>` the ops
 * and blocks that take the piped tensor; inside a call's parentheses its
 * named arguments, then values; elsewhere values, blocks, ops and keywords.
 * It reads the text itself, so it works while the line does not parse.
 * Comments and strings are prose: nothing is offered there.
 */
import { CompletionItemKind, CompletionTriggerKind, InsertTextFormat, type CompletionContext, type CompletionItem, type Position } from "vscode-languageserver";
import type * as A from "../compiler/ast";
import type { FileFacts, SourceFacts } from "../compiler/index";
import { OPS, type OpName } from "../compiler/ops";
import { header, itemAt } from "./declarations";
import { docComment, inCommentOrString } from "./comments";
import { TextPositions } from "./positions";
import { spaceStart, wordStart } from "./words";
import type { Workspace } from "./workspace";

const KEYWORDS = [
  "block",
  "network",
  "import",
  "param",
  "return",
  "pathway",
  "lateral",
  "stage",
  "repeat",
  "first",
  "then",
  "when",
  "if",
  "else",
  "fuse",
  "as",
  "names",
  "true",
  "false",
  "int",
  "rat",
  "bool",
];

/**
 * The characters that bring up completion as they are typed: `>` of `|>`, `(`
 * and `,` in a call, `{` of an import. Each also ends other things (`->`, a
 * block's body), where a list would only get in the way: see `triggered`.
 */
export const TRIGGER_CHARACTERS = [">", "(", ",", "{"];

export function complete(workspace: Workspace, uri: string, position: Position, context?: CompletionContext): CompletionItem[] {
  const doc = workspace.document(uri);
  if (!doc) return [];
  const offset = new TextPositions(doc.text).offsetAt(position);
  if (inCommentOrString(doc.text, offset)) return [];
  const before = doc.text.slice(0, offset);
  const lead = before.slice(0, wordStart(before, before.length));
  const pipe = /\|>\s*(repeat\s+\S+\s+)?$/.test(lead);
  const call = enclosingCall(lead);
  const inArguments = call !== undefined && /[(,]\s*$/.test(lead);
  const importList = /import\s+std\.[\p{L}\p{N}_.]*\s*\{[^}]*$/u.test(lead);
  if (context?.triggerKind === CompletionTriggerKind.TriggerCharacter && !triggered(context.triggerCharacter, pipe, inArguments, importList)) return [];
  const analysis = workspace.analysis(uri);
  const facts = analysis?.result.facts;
  const file = facts?.files.get(analysis!.path);
  if (!facts || !file) return [];
  if (pipe) return callables(facts, file);
  if (inArguments) return [...namedArguments(facts, file, call), ...values(file, offset)];
  if (importList) return importable(facts, lead);
  return [...values(file, offset), ...callables(facts, file), ...KEYWORDS.map((k) => ({ label: k, kind: CompletionItemKind.Keyword }))];
}

/** Whether a trigger character just typed starts what it is a trigger for: `|>`, a call's arguments, an import's list. */
function triggered(character: string | undefined, pipe: boolean, inArguments: boolean, importList: boolean): boolean {
  switch (character) {
    case ">":
      return pipe;
    case "(":
      return inArguments;
    case ",":
      // Between a call's arguments, and between the names of an import's list.
      return inArguments || importList;
    case "{":
      return importList;
    default:
      // Not one of TRIGGER_CHARACTERS (a client may send its own): answered as if asked for.
      return true;
  }
}

function opItem(name: OpName): CompletionItem {
  const spec = OPS[name];
  return { label: name, kind: CompletionItemKind.Function, detail: `op ${name}(${spec.formals.map((f) => f.name).join(", ")})`, documentation: spec.summary };
}

/** Ops and the blocks in the file's scope. */
function callables(facts: SourceFacts, file: FileFacts): CompletionItem[] {
  const items: CompletionItem[] = (Object.keys(OPS) as OpName[]).map(opItem);
  for (const [name, entry] of file.scope?.blocks ?? []) {
    if (entry.decl.kind !== "block") continue;
    const found = itemAt(facts, entry.decl.name.span);
    items.push({
      label: name,
      kind: CompletionItemKind.Class,
      detail: found ? header(found.item, found.file.module.text) : `block ${name}`,
      documentation: found ? docComment(found.file.module.text, found.item.span.start) : undefined,
    });
  }
  return items;
}

/** The callee of the innermost unclosed `(` before the cursor. */
function enclosingCall(lead: string): string | undefined {
  let depth = 0;
  for (let i = lead.length - 1; i >= 0; i--) {
    const ch = lead[i];
    if (ch === ")" || ch === "]") depth++;
    else if (ch === "[") depth = Math.max(0, depth - 1);
    else if (ch === "(") {
      if (depth === 0) {
        const end = spaceStart(lead, i);
        let start = wordStart(lead, end);
        // A name starts with a letter or `_`: `2x(` calls `x`.
        while (start < end && /\p{N}/u.test(lead[start]!)) start++;
        if (start === end) return undefined;
        // `block name(` and `network Name(` open a declaration's formals, not a call's arguments.
        const gap = spaceStart(lead, start);
        const keyword = lead.slice(wordStart(lead, gap), gap);
        if (gap < start && (keyword === "block" || keyword === "network")) return undefined;
        return lead.slice(start, end);
      }
      depth--;
    } else if (ch === "{" || ch === "}") return undefined;
  }
  return undefined;
}

function namedArguments(facts: SourceFacts, file: FileFacts, callee: string): CompletionItem[] {
  const op = (OPS as Record<string, (typeof OPS)[OpName] | undefined>)[callee];
  if (op)
    return op.formals
      .filter((f) => f.kind !== "tensor" && f.kind !== "tensors")
      .map((f) => ({ label: `${f.name}:`, kind: CompletionItemKind.Field, detail: f.doc, insertText: `${f.name}: `, sortText: `0${f.name}` }));
  const entry = file.scope?.blocks.get(callee);
  if (!entry) return [];
  const found = itemAt(facts, entry.decl.name.span);
  const text = found?.file.module.text ?? "";
  return entry.decl.formals.map((f: A.Formal) => ({
    label: `${f.name.text}:`,
    kind: CompletionItemKind.Field,
    detail: text.slice(f.span.start, f.span.end),
    insertText: `${f.name.text}: `,
    insertTextFormat: InsertTextFormat.PlainText,
    sortText: `0${f.name.text}`,
  }));
}

/** Names declared before the cursor in the enclosing block, and the module's parameters. */
function values(file: FileFacts, offset: number): CompletionItem[] {
  const seen = new Map<string, CompletionItem>();
  const enclosing = file.module.ast.items.find((i) => (i.kind === "block" || i.kind === "network") && i.span.start <= offset && offset <= i.span.end);
  for (const o of file.occurrences) {
    if (!o.isDefinition || seen.has(o.name) || o.kind === "stage" || o.kind === "block" || o.kind === "network" || o.kind === "names") continue;
    const inside = enclosing !== undefined && o.span.start >= enclosing.span.start && o.span.start < offset;
    const moduleParam = o.kind === "parameter" && file.scope?.params.get(o.name)?.name.span.start === o.span.start;
    if (!inside && !moduleParam) continue;
    seen.set(o.name, {
      label: o.name,
      kind: o.kind === "pathway" || o.kind === "local" ? CompletionItemKind.Variable : CompletionItemKind.Constant,
      detail: o.kind,
    });
  }
  return [...seen.values()];
}

function importable(facts: SourceFacts, lead: string): CompletionItem[] {
  const module = /import\s+std\.([\p{L}\p{N}_.]*)\s*\{[^}]*$/u.exec(lead)?.[1];
  const file = module ? facts.files.get(`std/${module.replace(/\./g, "/")}.sf`) : undefined;
  return (file?.scope?.own ?? []).map((e) => ({
    label: e.decl.name.name,
    kind: e.decl.kind === "network" ? CompletionItemKind.Module : CompletionItemKind.Class,
  }));
}
