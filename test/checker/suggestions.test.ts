/**
 * "Did you mean": the closest name within two edits (a swap of neighbours is
 * one), found by a distance bounded to the band near the diagonal, so that a
 * long name costs time and memory in proportion to its length alone.
 */
import { describe, expect, it } from "vitest";
import { closest, editDistanceWithin } from "../../compiler/scope";
import { checkSource, codes } from "../support/compiler";
import { makeRandom } from "../support/random";

/** The whole table, as the textbook writes it: what the banded version must agree with. */
function fullDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  return d[a.length]![b.length]!;
}

describe("editDistanceWithin", () => {
  it("agrees with the whole table up to the limit, and says limit + 1 beyond it", () => {
    const random = makeRandom(7);
    const word = (): string => Array.from({ length: Math.floor(random() * 9) }, () => "abc"[Math.floor(random() * 3)]).join("");
    for (let n = 0; n < 3000; n++) {
      const a = word();
      const b = word();
      const limit = Math.floor(random() * 4);
      const full = fullDistance(a, b);
      expect(editDistanceWithin(a, b, limit), `${a} ${b} within ${limit}`).toBe(full <= limit ? full : limit + 1);
    }
  });

  it("counts a swap of neighbours as one edit", () => {
    expect(editDistanceWithin("bottlenekc", "bottleneck", 2)).toBe(1);
  });
});

describe("closest", () => {
  it("suggests within two edits, or a change of case", () => {
    expect(closest("botleneck", ["stem", "bottleneck"])).toBe("bottleneck");
    expect(closest("RELU", ["relu"])).toBe("relu");
    expect(closest("xyz", ["relu"])).toBeUndefined();
  });

  it("answers for a name of 50,000 letters without the whole table (2.5 billion cells)", () => {
    const long = "a".repeat(50_000);
    expect(closest(`${long}b`, [long, "relu"])).toBe(long);
    expect(closest(`${long}bbb`, [long])).toBeUndefined();
  });

  it("reports an unknown name of 20,000 letters as SF0101", () => {
    const name = "a".repeat(20_000);
    const r = checkSource(`network N(x: <4, S², 3>, S = 8, ${name} = 3) -> <4, S², 3> {\n  return x |> conv(out: ${name}b)\n}\n`);
    expect(codes(r)).toEqual(["SF0101"]);
    expect(r.diagnostics[0]!.primary.span).toMatchObject({ line: 2, column: 25 });
  });
});

describe("the closest word of a choice", () => {
  const modes = (words: string) => `network Modes(clip: <4, 8², 3>, mode: ${words} = "plain") -> <4, 8², 3> {\n  return clip\n}\n`;
  const help = (source: string, settings: string[] = []) => checkSource(source, settings).diagnostics.find((d) => d.code === "SF0112")?.help;

  it("is written as a setting would type it, where the value came from --set", () => {
    expect(help(modes('"plain" | "it\'s"'), ['mode="its"'])).toBe("did you mean `--set 'mode=\"it'\\''s\"'`?");
    expect(help(modes('"plain" | "a\\"b"'), ['mode="a\\"c"'])).toBe('did you mean `--set \'mode="a\\"b"\'`?');
    expect(help(modes('"plain" | "c\\\\d"'), ["mode=plan"])).toBe("did you mean `plain`?");
  });

  it("is written as the source writes it, where the value came from a source", () => {
    const alias = (word: string) => `${modes('"plain" | "c\\\\d" | "true"')}network M = Modes(mode: ${word})\n`;
    expect(help(alias('"c\\\\e"'))).toBe('did you mean `"c\\\\d"`?');
    expect(help(alias("plan"))).toBe("did you mean `plain`?");
    // Bare, `true` would be the boolean.
    expect(help(alias('"tru"'))).toBe('did you mean `"true"`?');
  });
});
