/** A formal's type union: the kind it declares, and what is wrong when it is not one kind. */
import { describe, expect, it } from "vitest";
import { readFormalType } from "../../compiler/formal-type";
import { checkSource, expectError } from "../support/compiler";

const union = (sorts: number, blocks: number, words: number, numbers: number) =>
  readFormalType({
    sorts: Array(sorts).fill(0),
    blocks: Array(blocks).fill(0),
    words: Array.from({ length: words }, (_, i) => `w${i}`),
    numbers: Array(numbers).fill(0),
  });

describe("a formal's type", () => {
  it("is one kind: a sort alone, block with any words, words, or numbers", () => {
    expect(union(0, 0, 0, 0)).toBeUndefined();
    expect(union(1, 0, 0, 0)).toEqual({ kind: "sort" });
    expect(union(0, 1, 0, 0)).toEqual({ kind: "block" });
    expect(union(0, 1, 2, 0)).toEqual({ kind: "block" });
    expect(union(0, 0, 3, 0)).toEqual({ kind: "words" });
    expect(union(0, 0, 0, 2)).toEqual({ kind: "numbers" });
  });

  it("says what is wrong otherwise, and is read as its likeliest kind", () => {
    expect(union(0, 2, 0, 0)).toMatchObject({ kind: "block", problem: "`block` is written more than once in a parameter's type" });
    expect(union(2, 0, 0, 0)).toMatchObject({ kind: "sort", problem: expect.stringMatching(/^a parameter has one sort/) });
    expect(union(1, 1, 0, 0)).toMatchObject({ kind: "block", problem: expect.stringMatching(/mixes kinds of value/) });
    expect(union(0, 0, 1, 1)).toMatchObject({ kind: "words", problem: expect.stringMatching(/mixes kinds of value/) });
    expect(union(1, 0, 0, 1)).toMatchObject({ kind: "numbers", problem: expect.stringMatching(/mixes kinds of value/) });
    const repeated = { sorts: [], blocks: [0], words: ["none", "half", "none"], numbers: [] };
    expect(readFormalType(repeated)).toEqual({ kind: "block", problem: 'the word "none" is written more than once in a parameter\'s type' });
  });

  it("is reported at the type, as SF0002", () => {
    const source = (type: string) => `block b(x: <T, S², C>, k: ${type}) -> <T, S², C> {\n  return x\n}\n`;
    expectError(checkSource(source("int | rat")), "SF0002", { at: "int | rat", message: "a parameter has one sort" });
    expectError(checkSource(source("block | block")), "SF0002", { at: "block | block", message: "`block` is written more than once" });
  });
});
