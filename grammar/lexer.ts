/**
 * Tokens of the .sf language. Greek letters are one-letter names, so that the
 * paper's αβC reads as α·β·C; adjacency (no space) is what makes a product
 * out of 2βC, which the parser checks with token offsets.
 */
import { chevrotain, type CustomPatternMatcherFunc, type TokenType } from "./chevrotain";

const { createToken, Lexer } = chevrotain;

// U+FEFF is not blank: a leading byte-order mark is dropped before lexing
// (compiler/source-lines.ts), and anywhere else it hides a character that is
// there, so it is an error that names it (grammar/characters.ts).
export const WhiteSpace = createToken({ name: "WhiteSpace", pattern: /[ \t\r\n\u00a0]+/, group: Lexer.SKIPPED });
export const LineComment = createToken({ name: "LineComment", pattern: /(?:\/\/|#)[^\n\r]*/, group: Lexer.SKIPPED });
export const BlockComment = createToken({ name: "BlockComment", pattern: /\/\*[\s\S]*?\*\//, group: Lexer.SKIPPED, line_breaks: true });

/** Any word, keywords included: module paths and weight labels may use them (std.lateral). */
export const AnyWord = createToken({ name: "AnyWord", pattern: Lexer.NA });
export const Identifier = createToken({ name: "Identifier", pattern: /[A-Za-z_][A-Za-z0-9_]*/, categories: [AnyWord] });
export const GreekName = createToken({ name: "GreekName", pattern: /[\u03b1-\u03c9\u0391-\u03a9]/, categories: [Identifier] });

const keywords: string[] = [];
/** The reserved words, which no name may be. */
export const KEYWORDS: readonly string[] = keywords;

function keyword(word: string): TokenType {
  keywords.push(word);
  return createToken({ name: word[0]!.toUpperCase() + word.slice(1), pattern: new RegExp(`${word}\\b`), longer_alt: Identifier, categories: [AnyWord] });
}
export const Import = keyword("import");
export const Param = keyword("param");
export const Block = keyword("block");
export const Network = keyword("network");
export const Return = keyword("return");
export const Lateral = keyword("lateral");
export const Stage = keyword("stage");
export const Pathway = keyword("pathway");
export const Repeat = keyword("repeat");
export const As = keyword("as");
export const First = keyword("first");
export const Fuse = keyword("fuse");
export const If = keyword("if");
export const Else = keyword("else");
export const True = keyword("true");
export const False = keyword("false");
export const Names = keyword("names");
export const Then = keyword("then");
export const When = keyword("when");

export const NumberLiteral = createToken({ name: "NumberLiteral", pattern: /\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/ });
export const StringLiteral = createToken({ name: "StringLiteral", pattern: /"(?:[^"\\\n\r]|\\.)*"/ });
/** Matched only when the proper form fails, so that they get a message of their own. */
export const UnterminatedString = createToken({ name: "UnterminatedString", pattern: /"(?:[^"\\\n\r]|\\.)*/ });
export const UnterminatedComment = createToken({ name: "UnterminatedComment", pattern: /\/\*[\s\S]*/, line_breaks: true });

export const Arrow = createToken({ name: "Arrow", pattern: /->|→/ });
export const PipeOp = createToken({ name: "PipeOp", pattern: /\|>/ });
export const EqEq = createToken({ name: "EqEq", pattern: /==/ });
export const NotEq = createToken({ name: "NotEq", pattern: /!=|≠/ });
export const LessEq = createToken({ name: "LessEq", pattern: /<=|≤/ });
export const GreaterEq = createToken({ name: "GreaterEq", pattern: />=|≥/ });
export const LAngle = createToken({ name: "LAngle", pattern: /</ });
export const RAngle = createToken({ name: "RAngle", pattern: />/ });
export const Equals = createToken({ name: "Equals", pattern: /=/ });
export const LParen = createToken({ name: "LParen", pattern: /\(/ });
export const RParen = createToken({ name: "RParen", pattern: /\)/ });
export const LCurly = createToken({ name: "LCurly", pattern: /\{/ });
export const RCurly = createToken({ name: "RCurly", pattern: /\}/ });
export const LSquare = createToken({ name: "LSquare", pattern: /\[/ });
export const RSquare = createToken({ name: "RSquare", pattern: /\]/ });
export const LFloor = createToken({ name: "LFloor", pattern: /⌊/ });
export const RFloor = createToken({ name: "RFloor", pattern: /⌋/ });
export const LCeil = createToken({ name: "LCeil", pattern: /⌈/ });
export const RCeil = createToken({ name: "RCeil", pattern: /⌉/ });
export const Comma = createToken({ name: "Comma", pattern: /,/ });
export const Colon = createToken({ name: "Colon", pattern: /:/ });
export const Semicolon = createToken({ name: "Semicolon", pattern: /;/ });
export const Dot = createToken({ name: "Dot", pattern: /\./ });
export const Plus = createToken({ name: "Plus", pattern: /\+/ });
export const Minus = createToken({ name: "Minus", pattern: /-|−/ });
export const Star = createToken({ name: "Star", pattern: /\*|·/ });
export const Slash = createToken({ name: "Slash", pattern: /\// });
export const Percent = createToken({ name: "Percent", pattern: /%/ });
export const Question = createToken({ name: "Question", pattern: /\?/ });
export const Bar = createToken({ name: "Bar", pattern: /\|(?!>)/ });
export const Squared = createToken({ name: "Squared", pattern: /²|\^2(?![0-9])/ });

/** "×", or an ASCII "x" written between digits or brackets: 5x1^2, 1x3x3, (k)x1x1. */
const matchAsciiTimes: CustomPatternMatcherFunc = (text, offset) => {
  if (text[offset] !== "x") return null;
  const before = text[offset - 1] ?? "";
  const after = text[offset + 1] ?? "";
  return /[0-9)²]/.test(before) && /[0-9(]/.test(after) ? ["x"] : null;
};
export const Times = createToken({ name: "Times", pattern: /×/ });
export const AsciiTimes = createToken({
  name: "AsciiTimes",
  pattern: { exec: matchAsciiTimes },
  line_breaks: false,
  start_chars_hint: ["x"],
  categories: [Times],
});

export const allTokens: TokenType[] = [
  AnyWord,
  WhiteSpace,
  BlockComment,
  UnterminatedComment,
  LineComment,
  AsciiTimes,
  Times,
  Import,
  Param,
  Block,
  Network,
  Return,
  Lateral,
  Stage,
  Pathway,
  Repeat,
  As,
  First,
  Fuse,
  If,
  Else,
  True,
  False,
  Names,
  Then,
  When,
  Identifier,
  GreekName,
  NumberLiteral,
  StringLiteral,
  UnterminatedString,
  Arrow,
  PipeOp,
  EqEq,
  NotEq,
  LessEq,
  GreaterEq,
  LAngle,
  RAngle,
  Equals,
  LParen,
  RParen,
  LCurly,
  RCurly,
  LSquare,
  RSquare,
  LFloor,
  RFloor,
  LCeil,
  RCeil,
  Comma,
  Colon,
  Semicolon,
  Dot,
  Plus,
  Minus,
  Star,
  Slash,
  Percent,
  Question,
  Bar,
  Squared,
];

/**
 * The lexer. Its token definitions are checked (unreachable or empty
 * patterns, and the like) by test/grammar/validations.test.ts, with
 * `validate`; the shipped one skips those checks at every start-up.
 */
export function makeLexer(options: { validate?: boolean } = {}): InstanceType<typeof Lexer> {
  return new Lexer(allTokens, { positionTracking: "full", ensureOptimizations: false, skipValidations: !(options.validate ?? false) });
}

let shipped: InstanceType<typeof Lexer> | undefined;

/** The lexer, built on first use: a compile of the standard library alone reads prebuilt trees and never lexes. */
export function sfLexer(): InstanceType<typeof Lexer> {
  shipped ??= makeLexer();
  return shipped;
}
