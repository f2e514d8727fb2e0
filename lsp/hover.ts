/**
 * Hover: the symbolic type of the value, formal, call or pathway under the
 * cursor and its concrete type at the network's default parameters
 * (`<αT, S², βC>  =  <32, 56², 8>`), with parameters and FLOPs for a call and
 * the declaration of what a name refers to.
 */
import { MarkupKind, type Hover, type Position } from "vscode-languageserver";
import type { FileFacts, Occurrence, SourceFacts, TypeFact } from "../compiler/index";
import { countNodes } from "../compiler/report/counts";
import { docComment } from "./comments";
import { header, itemAt, opFormals, opSignature, opSummary, sortAt } from "./declarations";
import { STALE_NOTE } from "./last-good";
import { argumentCallAt, type ArgumentCall } from "./op-arguments";
import { isOpName } from "../compiler/ops";
import { stageSummary } from "./stage-hover";
import { contains, spanToRange, TextPositions } from "./positions";
import type { Workspace } from "./workspace";
import { counted, thousands } from "../compiler/thousands";

/**
 * The name under the cursor. Names written next to each other (`αT`) touch:
 * at their boundary the cursor is before the second and after the first, and
 * the one starting there wins. A name ending at the cursor counts only when
 * none starts there, so that a cursor just after a word still finds it.
 */
export function occurrenceAt(file: FileFacts, offset: number): Occurrence | undefined {
  let ending: Occurrence | undefined;
  for (const o of file.occurrences) {
    if (o.span.start <= offset && offset < o.span.end) return o;
    if (o.span.end === offset) ending = o;
  }
  return ending;
}

/** The innermost type fact around the offset; for a name, the one on exactly that name. */
export function typeAt(types: readonly TypeFact[], offset: number, occurrence?: Occurrence): TypeFact | undefined {
  // A name's own fact, even where the previous name's fact also touches the cursor.
  const own = occurrence && types.find((t) => t.span.start === occurrence.span.start && t.span.end === occurrence.span.end);
  if (own) return own;
  let best: TypeFact | undefined;
  for (const t of types) {
    if (t.span.start > offset) break;
    if (!contains(t.span, offset)) continue;
    if (!best || t.span.end - t.span.start < best.span.end - best.span.start) best = t;
  }
  if (occurrence && best && (best.span.start !== occurrence.span.start || best.span.end !== occurrence.span.end)) {
    // A callee name shows its call; other names without a fact of their own show nothing typed.
    if (best.role !== "call" || !(occurrence.kind === "block" || occurrence.kind === "op")) return undefined;
  }
  return best;
}

/** Where a type's concrete form comes from ("at the defaults of `N`"), its network's name written by `name`. */
export function concreteSource(t: TypeFact, name: (network: string) => string): string | undefined {
  if (t.concrete === undefined || !t.network) return undefined;
  const where = `at the defaults of ${name(t.network)}`;
  // Recorded as if a branch were taken: the code is in it, or in a block only it calls.
  return t.untaken ? `${where}, as if a branch they do not take were taken` : where;
}

/** Source shown as code in a hover. */
const code = (s: string): string => "```sf\n" + s + "\n```";

export function typeText(t: TypeFact): string {
  return t.concrete !== undefined && t.concrete !== t.symbolic ? `${t.symbolic}  =  ${t.concrete}` : t.symbolic;
}

const giga = (n: number): string => (n >= 1e9 ? `${(n / 1e9).toFixed(2)} G` : n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : `${thousands(n)} `);

function counts(facts: SourceFacts, t: TypeFact): string | undefined {
  if (!t.nodes || !t.network) return undefined;
  const graph = facts.graphs.get(t.network);
  if (!graph) return undefined;
  const { params, flops } = countNodes(graph, graph.nodes.slice(t.nodes.from, t.nodes.to));
  return `${counted(params, "parameter")}, ${giga(flops)}FLOPs (${counted(t.nodes.to - t.nodes.from, "node")} in \`${t.network}\`)`;
}

export function hover(workspace: Workspace, uri: string, position: Position): Hover | null {
  const analysis = workspace.analysis(uri);
  const facts = analysis?.result.facts;
  const file = facts?.files.get(analysis!.path);
  const shown = workspace.shownTypes(uri);
  if (!facts || !file || !shown) return null;
  const offset = new TextPositions(file.module.text).offsetAt(position);
  const occurrence = occurrenceAt(file, offset);
  const type = typeAt(shown.types, offset, occurrence);
  const parts: string[] = [];
  if (type) {
    const name = occurrence && type.role !== "call" ? `${file.module.text.slice(occurrence.span.start, occurrence.span.end)}: ` : "";
    parts.push(code(`${name}${typeText(type)}`));
    const c = type.role === "call" ? counts(shown.factsOf(type), type) : undefined;
    if (c) parts.push(c);
    const source = concreteSource(type, (network) => `\`${network}\``);
    if (source) parts.push(source);
    if (shown.stale.has(type)) parts.push(`_${STALE_NOTE}_`);
  }
  if (occurrence) parts.push(...describeOccurrence(facts, file, occurrence, type !== undefined, shown.types));
  const sort = parts.length === 0 ? sortAt(file.module.ast, offset) : undefined;
  if (sort) return { contents: { kind: MarkupKind.Markdown, value: `${code(sort.name)}\n\n${sort.doc}` }, range: spanToRange(sort.span) };
  if (parts.length === 0) return null;
  const span = type && (!occurrence || type.role !== "call") ? type.span : (occurrence?.span ?? type!.span);
  return { contents: { kind: MarkupKind.Markdown, value: parts.join("\n\n") }, range: spanToRange(span) };
}

/**
 * An argument of a call of a block-valued parameter (`α:` in `transform(α: α)`):
 * the formal of the block the parameter holds at the defaults, as the fact at
 * the callee records it.
 */
function heldBlockArgument(facts: SourceFacts, types: readonly TypeFact[], given: ArgumentCall): string[] {
  const held = types.find((t) => t.role === "value" && t.block && t.span.start === given.callee.span.start && t.span.end === given.callee.span.end);
  const found = held?.block ? itemAt(facts, held.block) : undefined;
  if (!held || !found || (found.item.kind !== "block" && found.item.kind !== "network")) return [];
  const formal = found.item.formals.find((f) => f.name.name === given.name.name);
  if (!formal) return [];
  const text = found.file.module.text;
  const where = concreteSource(held, (network) => `\`${network}\``);
  return [
    code(text.slice(formal.name.span.start, findFormalEnd(text, formal.name.span.start))),
    `an argument of \`${found.item.name.text}\`, the block \`${given.callee.text}\` holds${where ? ` ${where}` : ""}`,
  ];
}

function describeOccurrence(facts: SourceFacts, file: FileFacts, o: Occurrence, typed: boolean, types: readonly TypeFact[]): string[] {
  switch (o.kind) {
    case "block":
    case "network":
    case "names": {
      const found = o.definition ? itemAt(facts, o.definition) : undefined;
      if (!found) return [];
      const doc = docComment(found.file.module.text, found.item.span.start);
      return [code(header(found.item, found.file.module.text)), ...(doc ? [doc] : []), `declared in ${found.file.module.path}:${found.item.span.line}`];
    }
    case "op": {
      if (o.name === "input") return [code("input(<type>) as NAME"), INPUT_DOC];
      const sig = opSignature(o.name);
      if (!sig) return [];
      // A tensor input (relu's x) has no words of its own: its name alone, not "x: ".
      const formals = opFormals(o.name).map((f) => `- \`${f.name}\`${f.default === undefined ? "" : " (optional)"}${f.doc ? `: ${f.doc}` : ""}`);
      return [code(sig), opSummary(o.name), formals.join("\n")];
    }
    case "argument": {
      if (o.definition) {
        const def = facts.files.get(o.definition.file);
        return def ? [code(def.module.text.slice(o.definition.start, findFormalEnd(def.module.text, o.definition.start)))] : [];
      }
      const given = argumentCallAt(file.module.ast, o.span.start);
      if (!given) return [];
      if (!isOpName(given.callee.name)) return heldBlockArgument(facts, types, given);
      const op = given.callee.name;
      const formal = opFormals(op).find((f) => f.name === given.name.name);
      if (!formal) return [];
      return [code(`${formal.name}${formal.default === undefined ? "" : "?"}: ${formal.doc}`), `an argument of \`${op}\`: ${opSummary(op)}`];
    }
    case "module":
      return o.definition ? [`module \`${o.name}\`: ${o.definition.file}`] : [];
    case "parameter":
    case "formal":
    case "dimension":
    case "local":
    case "pathway":
      return typed ? [] : [code(`${o.kind} ${file.module.text.slice(o.span.start, o.span.end)}`)];
    case "stage": {
      const stage = stageSummary(facts, file, o.span.start);
      const heading = code(`stage ${file.module.text.slice(o.span.start, o.span.end)}`);
      if (!stage) return [heading];
      const ends = stage.ends.map((e) => `- \`${e.pathway}\`: ${e.shape}`);
      return [
        heading,
        ...(ends.length > 0 ? [`where it ends (T×S², C), at the defaults of \`${stage.network}\`:\n${ends.join("\n")}`] : []),
        `${counted(stage.params, "parameter")}, ${giga(stage.flops)}FLOPs (${counted(stage.nodes, "node")})`,
      ];
    }
    case "choice":
      // The name table marks a lateral link's fusion written as a word (`fuse concat`) so; `fuse f` with a parameter f is the parameter.
      return [code(`fuse ${o.name}`), FUSIONS[o.name] ?? "not a fusion: `concat` or `sum`"];
  }
}

/** `input(...)` is no op of the registry: the network's own inputs are declared by it (docs/language.md, "Further inputs"). */
const INPUT_DOC =
  "Another input of the model, named by its label, where the network needs it (the Slow clip when the caller samples it). Network bodies only, with exactly one type.";

/** What each way of fusing a lateral link's output onto its target does. */
const FUSIONS: Readonly<Record<string, string>> = {
  concat: "the link's output is concatenated onto the target pathway's channels",
  sum: "the link's output is added to the target pathway",
};

/** The end of a formal `name: type = default` in a header: the next top-level `,` or `)`. */
function findFormalEnd(text: string, start: number): number {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const ch = text[i];
    if (ch === "(" || ch === "<" || ch === "[") depth++;
    else if ((ch === ")" || ch === ">" || ch === "]") && depth > 0) depth--;
    else if ((ch === "," || ch === ")" || ch === "\n") && depth === 0) return i;
  }
  return text.length;
}
