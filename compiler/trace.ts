/**
 * Instantiation traces: a problem found inside the standard library (or any
 * file the user did not write) while elaborating a network is reported where
 * the user can act on it: the call in their network that led there, or the
 * alias argument or `--set` whose value caused it, or else the alias itself.
 * Where it was found, the calls in between and how the parameters got their
 * values become the diagnostic's chain, and a fix for a parameter is worded
 * where the user sets it.
 */
import type * as A from "./ast";
import type { Diagnostic, LabelledSpan } from "./diagnostics/diagnostic";
import { wholeValueHelp } from "./check/op-messages";
import type { NetworkParam } from "./elaborate";
import type { BlockEntry } from "./scope";
import type { Span } from "./span";

/** Files the user wrote: everything but the standard library; the command line counts as theirs. */
export function isUserFile(file: string): boolean {
  return !file.startsWith("std/");
}

const at = (s: Span): string => `${s.file}:${s.line}:${s.column}`;
const sameSpan = (a: Span, b: Span): boolean => a.file === b.file && a.start === b.start && a.end === b.end;

/**
 * Rewrites, in place, the diagnostics from index `from` on, found while
 * elaborating `entry`; those of one parameter's value that land on one
 * alias argument or setting become one.
 */
export function traceToUser(diagnostics: Diagnostic[], from: number, entry: BlockEntry, params: readonly NetworkParam[]): void {
  const rewrite = (d: Diagnostic): Diagnostic =>
    isUserFile(d.primary.span.file) ? withFixInAlias(d, entry, params) : (throughCall(d) ?? throughParameters(d, entry, params) ?? d);
  const found = withCommonFixes(diagnostics.slice(from));
  // One alias argument or setting whose value breaks two requirements is one error where it is written.
  const reported = new Set<string>();
  diagnostics.length = from;
  for (const d of found) {
    const traced = rewrite(d);
    const key = d.fix && `${d.code} ${d.fix.parameter} ${at(traced.primary.span)} ${traced.primary.span.end}`;
    if (key && reported.has(key)) continue;
    if (key) reported.add(key);
    diagnostics.push(traced);
  }
}

/**
 * A parameter whose value breaks several requirements (α = 1/2 as a frame
 * stride, at least 1, and as an int formal, any whole number) gets in each
 * report the values that meet all of them (α = 1, not 0), where some do.
 */
function withCommonFixes(found: readonly Diagnostic[]): Diagnostic[] {
  const common = new Map<string, readonly string[]>();
  for (const d of found) {
    if (!d.fix?.roundings) continue;
    const key = `${d.code} ${d.fix.parameter}`;
    const earlier = common.get(key);
    common.set(key, earlier ? earlier.filter((v) => d.fix!.values.includes(v)) : d.fix.values);
  }
  return found.map((d) => {
    const roundings = d.fix?.roundings;
    const values = roundings && common.get(`${d.code} ${d.fix!.parameter}`);
    if (!roundings || !values || values.length === 0 || values.length === d.fix!.values.length) return d;
    const fix = { ...d.fix!, values, roundings: values.map((v) => roundings[d.fix!.values.indexOf(v)]!) };
    return { ...d, fix, help: wholeValueHelp(fix) };
  });
}

function foundStep(d: Diagnostic, where: string): LabelledSpan {
  return { span: d.primary.span, label: `${where}: ${d.primary.label || d.message}` };
}

/** Found inside a block the user's network calls: at that call, the outermost in their files. */
function throughCall(d: Diagnostic): Diagnostic | undefined {
  let outer = -1;
  d.chain.forEach((step, i) => {
    if (isUserFile(step.span.file)) outer = i;
  });
  const call = d.chain[outer];
  if (!call) return undefined;
  const inner = d.chain.slice(0, outer);
  const callee = /`([^`]+)`/.exec(call.label)?.[1];
  return {
    ...d,
    primary: { span: call.span, label: `${callee ? `\`${callee}\` fails inside` : "fails inside"}: ${d.primary.label || d.message}` },
    chain: [foundStep(d, callee ? `in \`${callee}\`` : "found here"), ...inner],
  };
}

interface Culprit {
  readonly param: NetworkParam;
  /** The parameters from the one the problem names down to this one (`Cf`, then β). */
  readonly path: readonly NetworkParam[];
}

const valueText = (p: NetworkParam): string => (typeof p.value === "string" ? JSON.stringify(p.value) : String(p.value));

/**
 * Found in the body of a network the user chose through an alias or set on
 * the command line: at the argument or setting whose value leads to it.
 */
function throughParameters(d: Diagnostic, entry: BlockEntry, params: readonly NetworkParam[]): Diagnostic | undefined {
  const userAlias = entry.alias && isUserFile(entry.alias.module.module.path) ? entry.alias : undefined;
  const userSet = (p: NetworkParam): boolean =>
    p.origin?.from === "setting" || (p.origin?.from === "alias" && userAlias !== undefined && isUserFile(p.origin.span.file));
  const byName = new Map(params.map((p) => [p.name, p]));
  // The parameters the diagnostic names: where their values were written is among its related spans.
  const named = params.filter((p) => p.origin && (d.related.some((r) => sameSpan(r.span, p.origin!.span)) || d.fix?.parameter === p.name));
  const culprits: Culprit[] = [];
  const seen = new Set<string>();
  const visit = (p: NetworkParam, path: NetworkParam[]): void => {
    if (seen.has(p.name)) return;
    seen.add(p.name);
    if (userSet(p)) {
      culprits.push({ param: p, path: [...path, p] });
      return;
    }
    for (const use of p.origin?.uses ?? []) {
      const q = byName.get(use);
      if (q) visit(q, [...path, p]);
    }
  };
  for (const p of named) visit(p, []);
  const network = bodyName(entry);
  const first = culprits[0];
  if (!first && !userAlias) return undefined;
  const derivation: LabelledSpan[] = [];
  const dropped: Span[] = [];
  if (first) {
    const cause = first.param;
    const causeText = `${cause.origin!.text} = ${valueText(cause)}${cause.origin!.from === "setting" ? " on the command line" : ` at ${at(cause.origin!.argument ?? cause.origin!.span)}`}`;
    for (const p of first.path.slice(0, -1)) {
      const written = p.origin!.span;
      dropped.push(written);
      derivation.push({ span: written, label: `\`${p.origin!.text}\` = ${sourceText(entry, written)} = ${valueText(p)} because ${causeText}` });
    }
    dropped.push(cause.origin!.span);
  }
  const primary: LabelledSpan = first
    ? { span: first.param.origin!.argument ?? first.param.origin!.span, label: primaryLabel(first) }
    : { span: userAlias!.name.span, label: `\`${userAlias!.name.text}\` elaborates \`${network}\` with these arguments` };
  return {
    ...d,
    primary,
    related: d.related.filter((r) => !dropped.some((s) => sameSpan(s, r.span))),
    chain: [foundStep(d, `in \`${network}\``), ...d.chain, ...derivation],
    help: fixWhereWritten(d, entry, params, first) ?? d.help,
  };
}

/** The network whose body is elaborated: an alias's target, through any chain of aliases. */
function bodyName(entry: BlockEntry): string {
  for (const item of entry.module.module.ast.items) if (item.kind === "network" && item.span.start === entry.decl.span.start) return item.name.text;
  return entry.decl.name.text;
}

function primaryLabel(c: Culprit): string {
  const cause = c.param;
  const named = c.path[0]!;
  if (named === cause) return `${cause.origin!.text} = ${valueText(cause)}`;
  return `${cause.origin!.text} = ${valueText(cause)} makes \`${named.origin!.text}\` = ${valueText(named)}`;
}

/** The text of a span in the network's module or the alias's (the only places parameters are written). */
function sourceText(entry: BlockEntry, s: Span): string {
  for (const scope of [entry.module, entry.alias?.module]) if (scope?.module.path === s.file) return scope.module.text.slice(s.start, s.end);
  return "?";
}

/**
 * A diagnostic in the user's own file whose fix is for a parameter an alias
 * argument set: its help, worded for a --set, is worded for the alias instead.
 */
function withFixInAlias(d: Diagnostic, entry: BlockEntry, params: readonly NetworkParam[]): Diagnostic {
  const param = d.fix && params.find((p) => p.name === d.fix!.parameter);
  const help = param?.origin?.from === "alias" ? fixInAlias(d, entry, param.origin.text) : undefined;
  return help ? { ...d, help } : d;
}

/** The help for a parameter fix, where the user sets the parameter. */
function fixWhereWritten(d: Diagnostic, entry: BlockEntry, params: readonly NetworkParam[], culprit: Culprit | undefined): string | undefined {
  if (!d.fix) return undefined;
  const param = params.find((p) => p.name === d.fix!.parameter);
  if (!param?.origin) return undefined;
  const name = param.origin.text;
  if (culprit?.param.origin?.from === "setting") return `set ${name} too: ${d.fix.values.map((v) => `--set ${name}=${v}`).join(" or ")}`;
  return fixInAlias(d, entry, name);
}

/** The help for a parameter fix as arguments of the alias that chooses the network's parameters. */
function fixInAlias(d: Diagnostic, entry: BlockEntry, name: string): string | undefined {
  if (!d.fix) return undefined;
  const alias = entry.alias;
  const item = alias && findAlias(alias.module.module.ast, alias.name);
  if (!alias || !item) return undefined;
  const text = alias.module.module.text;
  // The argument in its place, with its new value; added at the end where the alias does not give it.
  const given = item.args.some((a) => a.name?.name === d.fix!.parameter);
  const withValue = (v: string): string[] => [
    ...item.args.map((a) => (a.name?.name === d.fix!.parameter ? `${name}: ${v}` : text.slice(a.span.start, a.span.end))),
    ...(given ? [] : [`${name}: ${v}`]),
  ];
  const forms = d.fix.values.map((v) => `\`${item.target.text}(${withValue(v).join(", ")})\``);
  const value = d.code === "SF0205" ? "a whole value" : "a value that works";
  return `give \`${name}\` ${value} where \`${alias.name.text}\` chooses its parameters: ${forms.join(" or ")}`;
}

function findAlias(file: A.SourceFile, name: A.Ident): A.NetworkAlias | undefined {
  for (const item of file.items) if (item.kind === "alias" && item.name.span.start === name.span.start) return item;
  return undefined;
}
