/**
 * Matching weight names against patterns (`--reinit` globs, names-map rules)
 * without a backtracking regex: a regex such as `^.*.*.*.*!$` tries every way
 * to split the name between its stars, which takes exponential time in the
 * number of stars. Here one table records, for every pattern position and
 * every name position, whether the rest of the pattern matches the rest of
 * the name; it is filled once, right to left, in time proportional to the
 * pattern's length times the name's. Captures are then read off the table
 * taking each run as long as the rest allows, which is the match a greedy
 * regex would find.
 */

/** One piece of a pattern. */
export type PatternToken =
  | { readonly kind: "literal"; readonly text: string }
  /** Exactly one character (`?` in a glob). */
  | { readonly kind: "char" }
  /** A run of at least `min` characters, dots included only if `dots`; `capture` names it. */
  | { readonly kind: "run"; readonly min: 0 | 1; readonly dots: boolean; readonly capture?: string };

const DOT = 0x2e;

export class NamePattern {
  constructor(readonly tokens: readonly PatternToken[]) {}

  /** A glob: `*` any run of characters (dots too, or none), `?` one character, anything else itself. */
  static glob(pattern: string): NamePattern {
    const tokens: PatternToken[] = [];
    let literal = "";
    const flush = (): void => {
      if (literal) tokens.push({ kind: "literal", text: literal });
      literal = "";
    };
    for (const c of pattern) {
      if (c === "*") {
        flush();
        // Consecutive stars match what one star matches.
        const prev = tokens[tokens.length - 1];
        if (!(prev?.kind === "run" && prev.min === 0)) tokens.push({ kind: "run", min: 0, dots: true });
      } else if (c === "?") {
        flush();
        tokens.push({ kind: "char" });
      } else literal += c;
    }
    flush();
    return new NamePattern(tokens);
  }

  test(name: string): boolean {
    return this.mayMatch(name) && this.feasibility(name)[0]![0] === 1;
  }

  /** The captured runs by name, or undefined when the pattern does not match the whole name. */
  match(name: string): Map<string, string> | undefined {
    if (!this.mayMatch(name)) return undefined;
    const ok = this.feasibility(name);
    if (ok[0]![0] !== 1) return undefined;
    const captures = new Map<string, string>();
    let j = 0;
    this.tokens.forEach((token, t) => {
      const rest = ok[t + 1]!; // one row per token, plus the end
      switch (token.kind) {
        case "literal":
          j += token.text.length;
          break;
        case "char":
          j += 1;
          break;
        case "run": {
          // The longest run after which the rest still matches: what a greedy quantifier takes.
          let k = token.dots ? name.length : segmentEnd(name, j);
          while (rest[k] !== 1) k--;
          if (token.capture !== undefined) captures.set(token.capture, name.slice(j, k));
          j = k;
          break;
        }
        default:
          return unreachable(token);
      }
    });
    return captures;
  }

  /**
   * False when a literal the pattern needs is missing from the name (first
   * and last in their places): most names meet several rules of a names map
   * before the one that matches them, and this is cheaper than the table.
   */
  private mayMatch(name: string): boolean {
    const first = this.tokens[0];
    const last = this.tokens[this.tokens.length - 1];
    if (first?.kind === "literal" && !name.startsWith(first.text)) return false;
    if (last?.kind === "literal" && !name.endsWith(last.text)) return false;
    return this.tokens.every((token) => token.kind !== "literal" || name.includes(token.text));
  }

  /** Row t, column j: 1 when tokens t.. match name[j..]. Row tokens.length is the end of the pattern. */
  private feasibility(name: string): Uint8Array[] {
    const n = name.length;
    const rows: Uint8Array[] = new Array<Uint8Array>(this.tokens.length + 1);
    const end = new Uint8Array(n + 1);
    end[n] = 1;
    rows[this.tokens.length] = end;
    for (let t = this.tokens.length - 1; t >= 0; t--) {
      const token = this.tokens[t]!; // t < tokens.length
      const next = rows[t + 1]!; // filled in the previous iteration
      const row = new Uint8Array(n + 1);
      switch (token.kind) {
        case "literal": {
          const len = token.text.length;
          for (let j = 0; j + len <= n; j++) if (next[j + len] === 1 && name.startsWith(token.text, j)) row[j] = 1;
          break;
        }
        case "char":
          for (let j = 0; j < n; j++) row[j] = next[j + 1]!;
          break;
        case "run": {
          // Scanning right to left, `nearest` is the smallest k >= j + min where the rest matches.
          let nearest = Infinity;
          let dotAt = n; // the first dot at or after j
          for (let j = n; j >= 0; j--) {
            if (j < n && name.charCodeAt(j) === DOT) dotAt = j;
            const from = j + token.min;
            if (from <= n && next[from] === 1) nearest = from;
            if (nearest === Infinity || nearest < from) continue;
            row[j] = token.dots || nearest <= dotAt ? 1 : 0;
          }
          break;
        }
        default:
          return unreachable(token);
      }
      rows[t] = row;
    }
    return rows;
  }
}

/** Where a dot-free run starting at j can end at the latest: the next dot, or the end. */
function segmentEnd(name: string, j: number): number {
  const dot = name.indexOf(".", j);
  return dot < 0 ? name.length : dot;
}

function unreachable(token: never): never {
  throw new Error(`unknown pattern token ${JSON.stringify(token)}`);
}
