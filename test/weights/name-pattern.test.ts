/**
 * Weight-name patterns match in time proportional to pattern times name, and
 * find what the equivalent greedy regex finds: many stars or `{x..}` captures
 * that cannot match end at once instead of trying every split of the name.
 */
import { describe, expect, it } from "vitest";
import { NamePattern } from "../../compiler/weights/name-pattern";
import { NameMap } from "../../compiler/weights/names";

const NAME = "s2.pathway0_res1.branch2.a.weight.with.a.rather.long.tail.0123456789";

/** A deterministic generator, so that a failure reproduces. */
function lcg(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

describe("globs", () => {
  it("say no to forty stars and an impossible ending without trying every split", () => {
    const pattern = NamePattern.glob(`${"*".repeat(40)}!`);
    for (let i = 0; i < 200; i++) expect(pattern.test(`${NAME}.${i}`)).toBe(false);
    expect(NamePattern.glob("*a*b*c*d*e*f*g*h*!").test(NAME.repeat(20))).toBe(false);
  });

  it("match as the regex translation does, on random globs and names", () => {
    const rand = lcg(7);
    const alphabet = "ab.";
    const pick = (chars: string, n: number): string => Array.from({ length: n }, () => chars[Math.floor(rand() * chars.length)]!).join("");
    for (let i = 0; i < 3000; i++) {
      const glob = pick("ab.*?", Math.floor(rand() * 7));
      const name = pick(alphabet, Math.floor(rand() * 9));
      const regex = new RegExp(
        `^${glob
          .replace(/[.+^${}()|[\]\\]/g, "\\$&")
          .replace(/\*/g, ".*")
          .replace(/\?/g, ".")}$`,
      );
      expect(NamePattern.glob(glob).test(name), `${glob} against ${name}`).toBe(regex.test(name));
    }
  });

  it("take dots, empty runs and question marks", () => {
    expect(NamePattern.glob("head.*").test("head.projection.weight")).toBe(true);
    expect(NamePattern.glob("head.*").test("head.")).toBe(true);
    expect(NamePattern.glob("head.*").test("heads.x")).toBe(false);
    expect(NamePattern.glob("s?.*.weight").test("s2.a.b.weight")).toBe(true);
    expect(NamePattern.glob("").test("")).toBe(true);
  });
});

describe("names-map rules", () => {
  it("say no to ten {x..} captures and an impossible ending at once", () => {
    const from = `${"abcdefghij"
      .split("")
      .map((c) => `{${c}..}`)
      .join("")}!`;
    const map = new NameMap([{ from, to: "{a}" }]);
    for (let i = 0; i < 200; i++) expect(map.apply(`${NAME}.${i}`)).toBe(`${NAME}.${i}`);
  });

  it("capture what a greedy regex captures, on random rules and names", () => {
    const rand = lcg(11);
    const pick = (chars: string, n: number): string => Array.from({ length: n }, () => chars[Math.floor(rand() * chars.length)]!).join("");
    for (let i = 0; i < 3000; i++) {
      const parts = Array.from({ length: 1 + Math.floor(rand() * 4) }, (_, k) =>
        rand() < 0.5 ? pick("ab.", 1 + Math.floor(rand() * 2)) : rand() < 0.5 ? `{c${k}}` : `{c${k}..}`,
      );
      const from = parts.join("");
      const captures = [...from.matchAll(/\{(\w+)(\.\.)?\}/g)].map((m) => m[1]!);
      const to = captures.map((c) => `<{${c}}>`).join("") || "fixed";
      const name = pick("ab.", Math.floor(rand() * 8));
      let source = "^";
      let last = 0;
      for (const m of from.matchAll(/\{(\w+)(\.\.)?\}/g)) {
        source += escapeRegex(from.slice(last, m.index));
        source += m[2] ? "(.+)" : "([^.]+)";
        last = m.index + m[0].length;
      }
      const m = new RegExp(`${source}${escapeRegex(from.slice(last))}$`).exec(name);
      const expected = m ? captures.map((_, k) => `<${m[k + 1]}>`).join("") || "fixed" : name;
      expect(new NameMap([{ from, to }]).apply(name), `${from} on ${name}`).toBe(expected);
    }
  });

  it("rewrite PySlowFast names with offsets", () => {
    const map = new NameMap([{ from: "s{i}.pathway{p}_res{b}.{rest..}", to: "stage{i-1}.path{p}.block{b+1}.{rest}" }]);
    expect(map.apply("s2.pathway0_res1.branch2.a.weight")).toBe("stage1.path0.block2.branch2.a.weight");
    expect(map.apply("head.projection.weight")).toBe("head.projection.weight");
  });
});
