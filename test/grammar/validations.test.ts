/**
 * The grammar validations the shipped parser skips at start-up (see
 * grammar/parser.ts): chevrotain's checks for ambiguous alternatives, left
 * recursion and the like, run here on every test run.
 */
import { describe, expect, it } from "vitest";
import { SfParser } from "../../grammar/parser";

describe("the grammar", () => {
  it("passes chevrotain's validations", () => {
    // performSelfAnalysis throws on a validation error when validations are on.
    expect(() => new SfParser({ validate: true })).not.toThrow();
  });

  it("is validated when asked: a parser built with validations records its definition errors", () => {
    const parser = new SfParser({ validate: true }) as unknown as { definitionErrors: unknown[] };
    expect(parser.definitionErrors).toEqual([]);
  });
});
