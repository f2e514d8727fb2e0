/**
 * The VS Code extension's TextMate grammar, tokenised as VS Code does
 * (vscode-textmate with the Oniguruma engine) over the standard library.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import * as oniguruma from "vscode-oniguruma";
import * as textmate from "vscode-textmate";
import { OPS } from "../../compiler/ops";

const ROOT = path.resolve(__dirname, "../..");
const GRAMMAR = path.join(ROOT, "editors/vscode/syntaxes/sf.tmLanguage.json");
let grammar: textmate.IGrammar;

beforeAll(async () => {
  const wasm = fs.readFileSync(require.resolve("vscode-oniguruma/release/onig.wasm"));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer);
  const registry = new textmate.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (p: string[]) => new oniguruma.OnigScanner(p),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scope) => (scope === "source.sf" ? textmate.parseRawGrammar(fs.readFileSync(GRAMMAR, "utf8"), GRAMMAR) : null),
  });
  grammar = (await registry.loadGrammar("source.sf"))!;
});

interface Token {
  readonly text: string;
  readonly scopes: readonly string[];
  readonly line: number;
}

function tokenise(text: string): Token[] {
  const out: Token[] = [];
  let state = textmate.INITIAL;
  text.split("\n").forEach((line, n) => {
    const r = grammar.tokenizeLine(line, state);
    for (const t of r.tokens) out.push({ text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes, line: n + 1 });
    state = r.ruleStack;
  });
  return out;
}

/** The innermost scope of the first token reading `text` (on the line containing `context`, when given). */
function scopeOf(tokens: readonly Token[], source: string, text: string, context?: string): string {
  const lines = source.split("\n");
  const t = tokens.find((x) => x.text.trim() === text && (context === undefined || lines[x.line - 1]!.includes(context)));
  if (!t) throw new Error(`no token ${JSON.stringify(text)}${context ? ` on a line with ${context}` : ""}`);
  return t.scopes[t.scopes.length - 1]!;
}

const stdlib = fs.readdirSync(path.join(ROOT, "stdlib")).filter((f) => f.endsWith(".sf"));

describe("the TextMate grammar on the standard library", () => {
  test.each(stdlib)("%s tokenises with every character in a token, and no keyword taken for a name", (file) => {
    const source = fs.readFileSync(path.join(ROOT, "stdlib", file), "utf8");
    const tokens = tokenise(source);
    expect(tokens.map((t) => t.text).join("")).toBe(source.split("\n").join(""));
    for (const t of tokens) {
      if (/^(block|network|return|import|lateral|stage|pathway|repeat)$/.test(t.text)) expect(t.scopes.join(" ")).toMatch(/keyword|storage/);
    }
  });

  test("lateral.sf: Greek letters, ², ×, arrows, ops and comments", () => {
    const source = fs.readFileSync(path.join(ROOT, "stdlib/lateral.sf"), "utf8");
    const tokens = tokenise(source);
    expect(scopeOf(tokens, source, "block", "block t2c")).toBe("storage.type.sf");
    expect(scopeOf(tokens, source, "t2c", "block t2c")).toBe("entity.name.function.sf");
    expect(scopeOf(tokens, source, "α", "block t2c")).toBe("variable.other.greek.sf");
    expect(scopeOf(tokens, source, "β", "block t2c")).toBe("variable.other.greek.sf");
    expect(scopeOf(tokens, source, "²", "block t2c")).toBe("keyword.operator.power.sf");
    expect(scopeOf(tokens, source, "->", "block t2c")).toBe("keyword.operator.arrow.sf");
    expect(scopeOf(tokens, source, "×", "conv(out")).toBe("keyword.operator.times.sf");
    expect(scopeOf(tokens, source, "|>", "|> bn")).toBe("keyword.operator.pipe.sf");
    expect(scopeOf(tokens, source, "reshape", "split = reshape")).toBe("support.function.builtin.sf");
    expect(scopeOf(tokens, source, "int", "block t2c")).toBe("support.type.sf");
    expect(tokens.find((t) => t.text.startsWith("// Lateral transforms"))?.scopes).toContain("comment.line.double-slash.sf");
    expect(scopeOf(tokens, source, "5", "k: int = 5")).toBe("constant.numeric.sf");
  });

  test("slowfast.sf: strings, keywords, calls of blocks, named arguments", () => {
    const source = fs.readFileSync(path.join(ROOT, "stdlib/slowfast.sf"), "utf8");
    const tokens = tokenise(source);
    expect(scopeOf(tokens, source, "import", "import std.lateral")).toBe("keyword.control.import.sf");
    expect(scopeOf(tokens, source, "std.lateral")).toBe("entity.name.namespace.sf");
    expect(scopeOf(tokens, source, "none", "transform: block")).toBe("string.quoted.double.sf");
    expect(scopeOf(tokens, source, "tconv", "transform: block")).toBe("entity.name.function.call.sf");
    expect(scopeOf(tokens, source, "block", "transform: block")).toBe("storage.type.sf");
    expect(scopeOf(tokens, source, "lateral", "lateral fast -> slow")).toBe("keyword.control.lateral.sf");
    expect(scopeOf(tokens, source, "fast", "lateral fast -> slow")).toBe("variable.other.pathway.sf");
    expect(scopeOf(tokens, source, "stem", "slow = stem(")).toBe("entity.name.function.call.sf");
    expect(scopeOf(tokens, source, "out", "slow = stem(")).toBe("variable.parameter.sf");
    expect(scopeOf(tokens, source, "repeat", "repeat depth2")).toBe("keyword.control.sf");
    expect(scopeOf(tokens, source, "τ", "network SlowFast_4x16_R50")).toBe("variable.parameter.sf");
    expect(scopeOf(tokens, source, "α", "frames(clip, from: fast_diff ? 1 : 0, every: α)")).toBe("variable.other.greek.sf");
  });

  test("resnet3d.sf: rounding brackets in a result type", () => {
    const source = fs.readFileSync(path.join(ROOT, "stdlib/resnet3d.sf"), "utf8");
    const tokens = tokenise(source);
    expect(scopeOf(tokens, source, "⌈", "block stem")).toBe("keyword.operator.rounding.sf");
    expect(scopeOf(tokens, source, "⌉", "block stem")).toBe("keyword.operator.rounding.sf");
  });

  test.each(Object.keys(OPS))("the built-in op %s is highlighted as one", (op) => {
    const source = `block b(x: <T, S², C>) -> <T, S², C> {\n  return x |> ${op}(x)\n}\n`;
    expect(scopeOf(tokenise(source), source, op, "return")).toBe("support.function.builtin.sf");
  });

  test("→ and × written as Unicode, and ASCII 3x1x1", () => {
    const source = "block b(y: <T, S², C>) → <T, S², C> {\n  return conv(y, out: C, kernel: 3x1x1, pad: 1×0²)\n}\n";
    const tokens = tokenise(source);
    expect(scopeOf(tokens, source, "→")).toBe("keyword.operator.arrow.sf");
    expect(scopeOf(tokens, source, "x", "kernel: 3x1x1")).toBe("keyword.operator.times.sf");
    expect(scopeOf(tokens, source, "×")).toBe("keyword.operator.times.sf");
    expect(tokens.filter((t) => t.line === 2 && /^\d$/.test(t.text)).every((t) => t.scopes.includes("constant.numeric.sf"))).toBe(true);
  });
});
