/**
 * Rename of a local name: a local value, a pathway, a formal (with the named
 * arguments that pass it), a dimension variable or a stage. Declarations in
 * the standard library, blocks and networks (which other files may import)
 * and network parameters (set by name from outside) are left alone. Every
 * refusal says why, since an editor shows the message to the user.
 */
import { ErrorCodes, LSPErrorCodes, ResponseError, type Position, type Range, type TextEdit, type WorkspaceEdit } from "vscode-languageserver";
import type * as A from "../compiler/ast";
import { wordStart } from "./words";
import { sortAt } from "./declarations";
import type { FileFacts, NameKind, Occurrence, SourceFacts } from "../compiler/index";
import { isOpName } from "../compiler/ops";
import type { Span } from "../compiler/span";
import { KEYWORDS } from "../grammar/lexer";
import { everyOccurrenceOf, occurrenceUnder, occurrencesOf } from "./navigation";
import { spanToRange, TextPositions } from "./positions";
import type { Workspace } from "./workspace";

/** What the lexer reads as one name: an ASCII word, or one Greek letter. */
const NAME = /^(?:[A-Za-z_][A-Za-z0-9_]*|[\u03b1-\u03c9\u0391-\u03a9])$/;
/** The sorts a formal is declared with (`β: rat`): names in the grammar, but a value named so would read as one. */
const SORTS = ["int", "rat", "bool"];

interface RenameTarget {
  readonly occurrence: Occurrence;
  readonly facts: SourceFacts;
  readonly def: Span;
  /** The occurrence that declares it. */
  readonly declared: Occurrence;
}

const refuse = (message: string): ResponseError<void> => new ResponseError(LSPErrorCodes.RequestFailed, message);

const where = (s: Span): string => `${s.line}:${s.column}`;

/** Why a name of this kind is not renamed here, or undefined when it is. */
function refusalFor(o: Occurrence): string | undefined {
  switch (o.kind) {
    case "local":
      return o.definition ? undefined : `\`${o.name}\` is the repeat index, not a declared name`;
    case "pathway":
    case "formal":
    case "dimension":
    case "stage":
      return undefined;
    case "argument":
      return o.definition ? undefined : `\`${o.name}\` names an argument of a built-in op, which is fixed`;
    case "block":
      return `\`${o.name}\` is a block, which other files may import by name; it is not renamed from here`;
    case "network":
      return `\`${o.name}\` is a network, which other files and the command line name; it is not renamed from here`;
    case "parameter":
      return `\`${o.name}\` is a parameter, set by name from outside the file (\`--set ${o.name}=…\`); it is not renamed from here`;
    case "names":
      return `\`${o.name}\` is a names map, which other files may import by name; it is not renamed from here`;
    case "module":
      return `\`${o.name}\` is a module path: rename the file instead`;
    case "op":
      return `\`${o.name}\` is a built-in op`;
    case "choice":
      return `\`${o.name}\` is a lateral link's fusion, a word of the language (\`concat\` or \`sum\`)`;
  }
}

function target(workspace: Workspace, uri: string, position: Position): RenameTarget {
  // A sort (`β: rat`, `param k: int`) is a word of the language, whatever the name table records there.
  const file = workspace.fileFacts(uri);
  const sort = file && sortAt(file.module.ast, new TextPositions(file.module.text).offsetAt(position));
  if (sort) throw refuse(`\`${sort.name}\` is a sort, a word of the language`);
  const found = occurrenceUnder(workspace, uri, position);
  if (!found) throw refuse(notAName(workspace.document(uri)?.text ?? "", new TextPositions(workspace.document(uri)?.text ?? "").offsetAt(position)));
  const { occurrence, facts } = found;
  const why = refusalFor(occurrence);
  if (why) throw refuse(why);
  const def = occurrence.definition!;
  if (def.file.startsWith("std/")) throw refuse(`\`${occurrence.name}\` is declared in the standard library (${def.file}), which is not renamed`);
  const declared = occurrencesOf(facts, def).find((o) => o.isDefinition);
  if (!declared) throw refuse(`\`${occurrence.name}\` has no declaration in the files read`);
  // A named argument renames its formal only when that is a block's.
  const declaredWhy = refusalFor(declared);
  if (declaredWhy) throw refuse(declaredWhy);
  return { occurrence, facts, def, declared };
}

/** Why the word under the cursor, which the name table does not hold, is not renamed. */
function notAName(text: string, offset: number): string {
  const before = text.slice(wordStart(text, offset, isAsciiNameCharacter), offset);
  const after = /^[A-Za-z0-9_]*/.exec(text.slice(offset))![0];
  const word = before + after;
  // A layer name, written after `as` (possibly dotted: `as s1.fuse`); it may be a keyword.
  if (word && /\bas\s+(?:[A-Za-z0-9_]+\.)*$/.test(text.slice(0, offset - before.length)))
    return `\`${word}\` is a layer name, which weight files and checkpoints refer to; it is not renamed from here`;
  if (KEYWORDS.includes(word)) return `\`${word}\` is a keyword`;
  return "There is no name here to rename";
}

export function prepareRename(workspace: Workspace, uri: string, position: Position): Range | null {
  if (!workspace.document(uri)) return null;
  return spanToRange(target(workspace, uri, position).occurrence.span);
}

export function rename(workspace: Workspace, uri: string, position: Position, newName: string): WorkspaceEdit | null {
  if (!workspace.document(uri)) return null;
  const t = target(workspace, uri, position);
  if (!NAME.test(newName))
    throw new ResponseError(
      ErrorCodes.InvalidParams,
      `\`${newName}\` is not a name: a name is a word of ASCII letters, digits and _ that does not start with a digit, or one Greek letter`,
    );
  if (KEYWORDS.includes(newName)) throw new ResponseError(ErrorCodes.InvalidParams, `\`${newName}\` is a keyword`);
  if (newName === t.occurrence.name) return { changes: {} };
  const problem = collision(t, newName);
  if (problem) throw refuse(problem);
  const uses = everyOccurrenceOf(workspace, t.facts, t.def).filter(({ occurrence }) => !occurrence.span.file.startsWith("std/"));
  const changes: Record<string, TextEdit[]> = {};
  const renamedIn = new Map<string, Set<number>>();
  for (const { occurrence: o } of uses) {
    const starts = renamedIn.get(o.span.file) ?? new Set<number>();
    renamedIn.set(o.span.file, starts.add(o.span.start));
  }
  for (const { occurrence: o, text } of uses) {
    const newText = replacement(text, o, renamedIn.get(o.span.file)!, newName);
    (changes[workspace.uriOf(o.span.file)] ??= []).push({ range: spanToRange(o.span), newText });
  }
  return { changes };
}

/** Which kinds share one namespace: values (and what is called) with each other, stages with stages. */
function namespaceOf(kind: NameKind): "value" | "stage" | "none" {
  switch (kind) {
    case "local":
    case "pathway":
    case "formal":
    case "dimension":
    case "parameter":
    case "block":
    case "network":
    case "names":
    case "op":
      return "value";
    case "stage":
      return "stage";
    case "argument":
    case "module":
    case "choice":
      return "none";
  }
}

/**
 * A name already bound where the renamed one is visible: in the item that
 * declares it (a block's formals, dimension variables, locals, pathways), the
 * module's parameters and blocks, and the ops.
 */
function collision(t: RenameTarget, newName: string): string | undefined {
  const file = t.facts.files.get(t.def.file);
  if (!file) return undefined;
  const space = namespaceOf(t.declared.kind);
  const item = enclosingItem(file, t.def);
  const taken = `\`${newName}\` is already`;
  if (item) {
    for (const o of file.occurrences) {
      if (o.name !== newName || namespaceOf(o.kind) !== space) continue;
      if (o.span.start < item.span.start || o.span.end > item.span.end) continue;
      if (!o.definition) {
        if (o.kind === "local") return `${taken} the repeat index, used at ${where(o.span)}`;
        continue;
      }
      const declaredHere = o.definition.file === t.def.file && o.definition.start >= item.span.start && o.definition.end <= item.span.end;
      const of = `${item.kind === "network" ? "network" : "block"} \`${item.name.text}\``;
      if (declaredHere) return `${taken} the ${o.kind} declared at ${where(o.definition)} in ${of}`;
      return `${taken} the ${o.kind} used at ${where(o.span)} in ${of}, declared at ${o.definition.file}:${where(o.definition)}`;
    }
  }
  if (space === "stage") return undefined;
  if (SORTS.includes(newName)) return `${taken} a sort (${SORTS.join(", ")})`;
  if (isOpName(newName) || newName === "input") return `${taken} a built-in op, which a value of that name would hide`;
  const param = file.scope?.params.get(newName);
  if (param) return `${taken} the module's parameter declared at ${where(param.name.span)}`;
  const block = file.scope?.blocks.get(newName);
  if (block) return `${taken} the ${block.decl.kind} declared at ${block.decl.name.span.file}:${where(block.decl.name.span)}`;
  if (file.scope?.names.has(newName)) return `${taken} a names map in this file's scope`;
  return undefined;
}

function enclosingItem(file: FileFacts, def: Span): A.BlockDecl | undefined {
  for (const item of file.module.ast.items) {
    if ((item.kind === "block" || item.kind === "network") && item.span.start <= def.start && def.end <= item.span.end) return item;
  }
  return undefined;
}

/**
 * The text that replaces one use. Names written next to each other (`αT`)
 * are a product only while the lexer reads them apart, so an ASCII word that
 * would run into its neighbour (`aT`) is written apart with `·`, which binds
 * like juxtaposition: `αT` becomes `a·T`, the same product.
 */
function replacement(text: string, use: Occurrence, renamed: ReadonlySet<number>, newName: string): string {
  // A renamed neighbour after this one is newName itself; one before puts its own `·` after itself.
  const next = renamed.has(use.span.end) ? newName[0]! : (text[use.span.end] ?? "");
  const dotAfter = isAsciiNameCharacter(newName[newName.length - 1]!) && isAsciiNameCharacter(next);
  const dotBefore = /^[A-Za-z_]/.test(newName) && (wordEndsAt(text, use.span.start) || (/^[eE]\d/.test(newName) && /\d/.test(text[use.span.start - 1] ?? "")));
  return `${dotBefore ? "·" : ""}${newName}${dotAfter ? "·" : ""}`;
}

/** Whether an identifier (not a number) ends right before `offset`. */
function wordEndsAt(text: string, offset: number): boolean {
  const k = wordStart(text, offset, isAsciiNameCharacter);
  return k < offset && /[A-Za-z_]/.test(text[k]!);
}

/** A character of an ASCII name: what runs into a neighbour when written beside it. */
function isAsciiNameCharacter(ch: string): boolean {
  return /^[A-Za-z0-9_]$/.test(ch);
}
