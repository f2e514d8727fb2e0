/**
 * Weight-name maps: how a checkpoint layout names the tensors sfc names from
 * the source. A map is an ordered list of rules "pattern" -> "template"; the
 * first rule whose pattern matches a name rewrites it, and names no rule
 * matches stay as they are. In a pattern, {x} matches one dot-free segment
 * part and {x..} matches anything; a template may use {x}, {x-1} or {x+1},
 * and a rule using {x-1} or {x+1} matches only names where x is a number.
 */
import type { NameRule } from "../ast";
import { NamePattern, type PatternToken } from "./name-pattern";

interface CompiledRule {
  readonly pattern: NamePattern;
  readonly template: string;
  /** The captures the template adds to or subtracts from ({k-1}): the rule matches only where each is a whole number. */
  readonly counted: readonly string[];
}

const TEMPLATE_USE = /\{([A-Za-z_]\w*)(?:\.\.)?([+-]\d+)?\}/g;
const WHOLE_NUMBER = /^\d+$/;

/** A `names` declaration's rules: turns a checkpoint's tensor names into sfc's and back. */
export class NameMap {
  private readonly rules: CompiledRule[];

  constructor(rules: readonly Pick<NameRule, "from" | "to">[]) {
    this.rules = rules.map((r) => compileRule(r.from, r.to));
  }

  static identity(): NameMap {
    return new NameMap([]);
  }

  apply(name: string): string {
    for (const r of this.rules) {
      const values = r.pattern.match(name);
      // {k-1} is for numbers: `s{k}` takes `s2` and not `sx`, which the next rules may take.
      if (!values || r.counted.some((key) => !WHOLE_NUMBER.test(values.get(key) ?? ""))) continue;
      return r.template.replace(TEMPLATE_USE, (_, key: string, offset: string | undefined) => {
        const v = values.get(key) ?? "";
        return offset ? String(BigInt(v) + BigInt(offset)) : v;
      });
    }
    return name;
  }
}

/** A message for a malformed rule, or undefined when it compiles. */
export function ruleProblem(from: string, to: string): string | undefined {
  const captures = [...from.matchAll(/\{([A-Za-z_]\w*)(\.\.)?\}/g)].map((m) => m[1]!);
  if (new Set(captures).size !== captures.length) return "a pattern names each capture once";
  // A brace outside a capture would be read as a literal and match no checkpoint name: "{x", "{}", "{x..".
  if (/[{}]/.test(from.replace(/\{([A-Za-z_]\w*)(\.\.)?\}/g, ""))) return "a `{` in a pattern starts a capture, {name} or {name..}, and a `}` ends one";
  const uses = [...to.matchAll(/\{([A-Za-z_]\w*)(?:\.\.)?([+-]\d+)?\}/g)];
  for (const m of uses) if (!captures.includes(m[1]!)) return `the template uses {${m[1]}}, which the pattern does not capture`;
  if (/[{}]/.test(to.replace(/\{([A-Za-z_]\w*)(?:\.\.)?([+-]\d+)?\}/g, "")))
    return "a `{` in a template starts a capture's value, {name}, {name..} or {name+1}, and a `}` ends one";
  return undefined;
}

function compileRule(from: string, to: string): CompiledRule {
  const tokens: PatternToken[] = [];
  let last = 0;
  for (const m of from.matchAll(/\{([A-Za-z_]\w*)(\.\.)?\}/g)) {
    if (m.index > last) tokens.push({ kind: "literal", text: from.slice(last, m.index) });
    // {x..} is any run of one or more characters; {x} one or more within a dot-separated part.
    tokens.push({ kind: "run", min: 1, dots: m[2] !== undefined, capture: m[1]! });
    last = m.index + m[0].length;
  }
  if (last < from.length) tokens.push({ kind: "literal", text: from.slice(last) });
  const counted = [...to.matchAll(TEMPLATE_USE)].flatMap((m) => (m[2] ? [m[1]!] : []));
  return { pattern: new NamePattern(tokens), template: to, counted };
}
