/**
 * The grammar validations the shipped parser and lexer skip at start-up (see
 * grammar/parser.ts and grammar/lexer.ts): chevrotain's checks for ambiguous
 * alternatives, left recursion, unreachable token patterns and the like, run
 * here on every test run.
 */
import { describe, expect, it } from "vitest";
import { SfParser } from "../../grammar/parser";
import { makeLexer } from "../../grammar/lexer";

describe("the grammar", () => {
  it("passes chevrotain's validations", () => {
    // performSelfAnalysis throws on a validation error when validations are on.
    expect(() => new SfParser({ validate: true })).not.toThrow();
  });

  it("is validated when asked: a parser built with validations records its definition errors", () => {
    const parser = new SfParser({ validate: true }) as unknown as { definitionErrors: unknown[] };
    expect(parser.definitionErrors).toEqual([]);
  });

  it("has token definitions that pass chevrotain's lexer validations", () => {
    // The Lexer constructor throws on a definition error when validations are on.
    expect(makeLexer({ validate: true }).lexerDefinitionErrors).toEqual([]);
  });
});
