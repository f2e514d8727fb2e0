/** `sfc check` globs: braces nest, as in the shell, and an unclosed brace is itself. */
import { describe, expect, it } from "vitest";
import { globToRegExp } from "../../cli/inputs";

describe("brace alternatives in input globs", () => {
  it("nest", () => {
    const re = globToRegExp("{a,b,{c,d}}*.sf");
    for (const name of ["a1.sf", "b.sf", "c2.sf", "d.sf"]) expect(re.test(name), name).toBe(true);
    expect(re.test("e.sf")).toBe(false);
    expect(globToRegExp("x{1,{2,3}{a,b}}.sf").test("x3b.sf")).toBe(true);
    expect(globToRegExp("x{1,{2,3}{a,b}}.sf").test("x3.sf")).toBe(false);
  });

  it("read an unclosed brace as a character", () => {
    expect(globToRegExp("{a,{b}.sf").test("{a,b.sf")).toBe(true);
    expect(globToRegExp("{a.sf").test("{a.sf")).toBe(true);
  });
});
