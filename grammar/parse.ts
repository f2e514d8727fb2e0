/** Source text to CST, with every lexical and syntax error kept. */
import type { CstNode, IToken } from "chevrotain";
import {
  sfLexer,
  UnterminatedComment,
  UnterminatedString,
  LParen,
  LSquare,
  LCurly,
  LAngle,
  LFloor,
  LCeil,
  RParen,
  RSquare,
  RCurly,
  RAngle,
  RFloor,
  RCeil,
  Minus,
} from "./lexer";
import { sfParser } from "./parser";
import { unexpectedCharacter, withLookAlikesMended } from "./characters";
import { DEFAULT_LIMITS } from "../compiler/limits";

/** Deeper nesting than this is refused before parsing, so no input can exhaust the stack. */
export const MAX_NESTING = DEFAULT_LIMITS.nesting;

export interface SyntaxProblem {
  readonly kind: "lexical" | "syntax" | "nesting";
  readonly offset: number;
  readonly length: number;
  readonly message: string;
  /** For syntax errors: the token found, if any. */
  readonly found?: string;
}

export interface ParseResult {
  readonly cst: CstNode | undefined;
  readonly tokens: readonly IToken[];
  readonly problems: readonly SyntaxProblem[];
}

const OPENERS = new Set([LParen, LSquare, LCurly, LFloor, LCeil]);
const CLOSERS = new Set([RParen, RSquare, RCurly, RFloor, RCeil]);

/**
 * The deepest brackets the parser takes, whatever --limit nesting allows:
 * each level is a dozen rules deep in its recursive descent, and 157
 * parentheses exhausted the stack of `sfc check`. A margin below that leaves
 * room for a caller deeper in the stack (the language server).
 */
export const MAX_BRACKET_NESTING = 128;

/** The first token at which brackets or unary minus signs nest past their limit, and that limit. */
function findExcessiveNesting(tokens: readonly IToken[], limit: number): { token: IToken; limit: number } | undefined {
  const bracketLimit = Math.min(limit, MAX_BRACKET_NESTING);
  let depth = 0;
  let minusRun = 0;
  for (const t of tokens) {
    if (OPENERS.has(t.tokenType) || t.tokenType === LAngle) depth++;
    else if (CLOSERS.has(t.tokenType) || t.tokenType === RAngle) depth = Math.max(0, depth - 1);
    minusRun = t.tokenType === Minus ? minusRun + 1 : 0;
    if (depth > bracketLimit) return { token: t, limit: bracketLimit };
    if (minusRun > limit) return { token: t, limit };
  }
  return undefined;
}

export function parseSource(text: string, nesting: number = MAX_NESTING): ParseResult {
  const first = sfLexer().tokenize(text);
  const problems: SyntaxProblem[] = first.errors.map((e) => ({
    kind: "lexical" as const,
    offset: e.offset,
    length: Math.max(1, e.length),
    message: unexpectedCharacter(text.slice(e.offset, e.offset + 2)),
  }));
  // Each error is reported once, above; the tokens are those of the text with look-alike letters read as ASCII.
  const mended = withLookAlikesMended(text, first.errors);
  const lexed = mended === text ? first : sfLexer().tokenize(mended);
  const tokens = lexed.tokens.filter((t) => {
    if (t.tokenType !== UnterminatedComment && t.tokenType !== UnterminatedString) return true;
    const what = t.tokenType === UnterminatedComment ? "comment: `/*` has no `*/`" : 'string: no closing `"` on this line';
    problems.push({
      kind: "lexical",
      offset: t.startOffset,
      // Its first line, however the file ends lines (`\n`, `\r\n` or `\r`).
      length: (t.image.search(/[\n\r]/) >= 0 ? t.image.search(/[\n\r]/) : t.image.length) || 1,
      message: `unterminated ${what}`,
    });
    return false;
  });
  const deep = findExcessiveNesting(tokens, nesting);
  if (deep) {
    problems.push({
      kind: "nesting",
      offset: deep.token.startOffset,
      length: deep.token.image.length,
      message: deep.limit < nesting ? `brackets nested deeper than ${deep.limit} levels, the most the parser takes` : `nesting deeper than ${nesting} levels`,
    });
    return { cst: undefined, tokens, problems };
  }
  const parser = sfParser();
  parser.input = tokens;
  let cst: CstNode | undefined;
  try {
    cst = parser.file();
  } catch (e) {
    // Never a trace, never a silently shorter file: any failure of the parser is a problem at a position.
    const at = (e as { token?: IToken }).token;
    const offset = at && Number.isFinite(at.startOffset) ? at.startOffset : 0;
    if (e instanceof RangeError) problems.push({ kind: "nesting", offset, length: 1, message: "the file is nested too deeply to parse" });
    else problems.push({ kind: "syntax", offset, length: 1, message: `sfc could not parse this file: ${(e as Error).message}` });
    return { cst: undefined, tokens, problems };
  }
  for (const e of parser.errors) {
    const t = e.token;
    const atEnd = t.tokenType.name === "EOF" || Number.isNaN(t.startOffset);
    problems.push({
      kind: "syntax",
      offset: atEnd ? text.length : t.startOffset,
      length: atEnd ? 0 : t.image.length,
      message: describeSyntaxError(e.message, atEnd),
      found: atEnd ? undefined : t.image,
    });
  }
  return { cst, tokens, problems };
}

/** Chevrotain's messages name token types; say it in the language's terms. */
function describeSyntaxError(message: string, atEnd: boolean): string {
  const expecting = /Expecting (?:token of type )?--> (\w+) <--/.exec(message);
  const names: Record<string, string> = {
    RParen: "')'",
    LParen: "'('",
    RCurly: "'}'",
    LCurly: "'{'",
    RSquare: "']'",
    RAngle: "'>'",
    Identifier: "a name",
    Equals: "'='",
    Arrow: "'->'",
    Colon: "':'",
    NumberLiteral: "a number",
    StringLiteral: "a string",
    RFloor: "'⌋'",
    RCeil: "'⌉'",
  };
  const where = atEnd ? "the end of the file" : "this";
  if (expecting) return `expected ${names[expecting[1]!] ?? expecting[1]} but found ${where}`;
  if (/one of these possible Token sequences/.test(message) || /NoViableAlt/.test(message))
    return atEnd ? "unexpected end of the file" : "unexpected token here";
  if (/Redundant input/.test(message)) return "this does not start a declaration (import, param, block, network or names)";
  return message.split("\n")[0]!;
}

/**
 * One expression on its own (a `--set` value such as `tconv_only(k: K)`):
 * its CST, or the first problem. `text` may be padded on the left so that
 * offsets are those of a larger text (the command line).
 */
export function parseExpression(text: string): { cst: CstNode | undefined; problem: SyntaxProblem | undefined } {
  const lexed = sfLexer().tokenize(text);
  const [lexical] = lexed.errors;
  if (lexical)
    return {
      cst: undefined,
      problem: {
        kind: "lexical",
        offset: lexical.offset,
        length: Math.max(1, lexical.length),
        message: unexpectedCharacter(text.slice(lexical.offset, lexical.offset + 2)),
      },
    };
  if (findExcessiveNesting(lexed.tokens, MAX_NESTING))
    return { cst: undefined, problem: { kind: "nesting", offset: 0, length: text.length, message: "nested too deeply" } };
  const parser = sfParser();
  parser.input = lexed.tokens;
  let cst: CstNode | undefined;
  try {
    cst = parser.expr();
  } catch {
    return { cst: undefined, problem: { kind: "syntax", offset: 0, length: text.length, message: "not an expression" } };
  }
  const [error] = parser.errors;
  if (error) {
    const t = error.token;
    const atEnd = t.tokenType.name === "EOF" || Number.isNaN(t.startOffset);
    return {
      cst: undefined,
      problem: {
        kind: "syntax",
        offset: atEnd ? text.length : t.startOffset,
        length: atEnd ? 0 : t.image.length,
        message: describeSyntaxError(error.message, atEnd).replace("the end of the file", "the end of the value"),
      },
    };
  }
  // expr() stops where the expression does: anything after it is not part of it.
  const rest = lexed.tokens.find((tok) => tok.startOffset > (cstEnd(cst) ?? -1));
  if (rest) return { cst: undefined, problem: { kind: "syntax", offset: rest.startOffset, length: rest.image.length, message: "unexpected token here" } };
  return { cst, problem: undefined };
}

function cstEnd(n: CstNode | undefined): number | undefined {
  return n?.location?.endOffset;
}
