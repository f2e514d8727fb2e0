/**
 * Fuzzing, with fixed seeds so that CI is reproducible (SFC_FUZZ_RUNS runs
 * more):
 * - programs generated from the grammar (fast-check letrec), some well
 *   formed and some not, through `check` and `compile`: neither may throw,
 *   every diagnostic has a position, the two agree (a file that checks clean
 *   compiles, and one that does not check does not compile), and memory
 *   stays bounded;
 * - real programs a few tokens off, through `check` and through the
 *   language server's requests at random places: none may throw.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { check, compile } from "../../compiler/index";
import { memoryHost } from "../support/compiler";
import { loadStdlib } from "../../compiler/host/node";
import { Workspace } from "../../lsp/workspace";
import { hover } from "../../lsp/hover";
import { complete } from "../../lsp/completion";
import { definition, references } from "../../lsp/navigation";
import { prepareRename, rename } from "../../lsp/rename";
import { semanticTokens } from "../../lsp/semantic-tokens";
import { documentSymbols } from "../../lsp/symbols";
import { inlayHints } from "../../lsp/inlay-hints";
import { ResponseError } from "vscode-languageserver";

const stdlib = loadStdlib();

const RUNS = Number(process.env.SFC_FUZZ_RUNS ?? 2000);

const number = fc.oneof(fc.integer({ min: 1, max: 16 }).map(String), fc.constantFrom("1e401", "1e-401", "2.5", "0", "1e999999999", "3e2", "1/2"));
const dim = fc.oneof(number, fc.constantFrom("T", "S", "C", "α", "2C", "(S + 1)", "⌊S/2⌋"));

const { expr } = fc.letrec<{ expr: string; term: string }>((tie) => ({
  term: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    dim,
    fc.tuple(tie("term"), fc.constantFrom("+", "-", "*", "/", "%", " × "), tie("term")).map(([a, op, b]) => `${a} ${op} ${b}`),
    tie("term").map((t) => `(${t})`),
    tie("term").map((t) => `-${t}`),
  ),
  expr: fc.oneof(
    { depthSize: "small" },
    tie("term"),
    fc.tuple(tie("term"), tie("term"), tie("term")).map(([c, a, b]) => `${c} > 1 ? ${a} : ${b}`),
  ),
}));

const op = fc.oneof(
  fc.constantFrom("relu", "gap", "dropout(p: 0.5)", "bn", "frames(every: 2)", "frames(count: 2)"),
  fc.tuple(dim, dim).map(([out, k]) => `conv(out: ${out}, kernel: ${k})`),
  fc.tuple(dim, dim, dim).map(([k, s, p]) => `maxpool(kernel: 1×${k}², stride: ${s}², pad: 0×${p}²)`),
  expr.map((e) => `scale(by: ${e})`),
);

const junk = fc.constantFrom("", "", "", "@", "}", "{", "(", "\u0000", "\ufeff", "/*", '"', "|>", "param", "1e401", ";");

const program = fc
  .tuple(
    fc.array(fc.tuple(fc.constantFrom("p", "q", "r"), expr), { maxLength: 3 }),
    fc.array(op, { minLength: 1, maxLength: 6 }),
    fc.constantFrom("4", "8", "T"),
    junk,
    fc.nat(200),
  )
  .map(([params, ops, frames, noise, at]) => {
    const text =
      params.map(([n, e]) => `param ${n} = ${e}\n`).join("") +
      `network N(clip: <${frames}, 8², 3>, T = 4, S = 8, C = 4) -> <4> {\n  return clip |> ${ops.join(" |> ")} |> conv(out: 4) |> gap\n}\n`;
    const k = Math.min(at, text.length);
    return text.slice(0, k) + noise + text.slice(k);
  });

/**
 * Real programs with a few of their tokens deleted, inserted or replaced:
 * block and network parameters with words, numbers and blocks to choose
 * from, comparisons, calls passing them on (spaced so that a default or an
 * argument is a token of its own). Such near misses are what an editor
 * checks on every keystroke.
 */
const CHOICES = `import std.lateral { tconv, t2c }
block pool(x: <T, S², C>, k: 1 | 1/2 = 1 ) -> <T, S², C> {
  return x |> avgpool(kernel: 1×(1/k)²) |> upsample(1×(1/k)²)
}
block unit(x: <T, S², C>, mode: "plain" | "residual" = "residual", f: block | "none" = "none") -> <T, S², C> {
  y = x |> conv(out: C, kernel: 1×3², pad: 0×1²)
  if mode == "residual" { y = add(x, y) }
  return f == t2c ? y : y
}
block outer(x: <T, S², C>, s: 1 | 1/2 = 1 , m: "plain" | "residual" = "plain" ) -> <T, S², C> {
  return pool(unit(x, mode: m), k: s)
}
network N(clip: <4, 16², 8>, m: "plain" | "residual" = "plain", shift: -1 | 0 = 0) -> <4, 16², 8> {
  return outer(clip, s: 1/2, m: m) |> unit(mode: plain)
}
network A = N(m: residual)
`;
const FRAGMENTS = [
  "|",
  '"plain"',
  "block",
  "==",
  "!=",
  "-",
  "1/2",
  "(",
  ")",
  ",",
  ":",
  "=",
  "int",
  "mode",
  "{",
  "}",
  "if",
  "tconv",
  "?",
  "0",
  "x",
  "²",
  "<",
  ">",
  "plain",
];
const mutated = fc
  .tuple(
    fc.constantFrom(CHOICES, stdlib.get("resnet3d")!, stdlib.get("lateral")!),
    fc.array(fc.tuple(fc.nat(), fc.constantFrom("delete", "insert", "replace"), fc.constantFrom(...FRAGMENTS)), { minLength: 1, maxLength: 3 }),
  )
  .map(([text, edits]) => {
    const tokens = text.split(/(\s+)/);
    for (const [at, edit, fragment] of edits) {
      const i = at % tokens.length;
      if (edit === "delete") tokens.splice(i, 1);
      else if (edit === "insert") tokens.splice(i, 0, fragment);
      else tokens[i] = fragment;
    }
    return tokens.join("");
  });

describe("mutation fuzzing", () => {
  const runs = Math.ceil(RUNS / 4);
  it(`${runs} programs a few tokens from real ones: check never throws, and every diagnostic has a position`, () => {
    fc.assert(
      fc.property(mutated, (source) => {
        const checked = check({ files: ["main.sf"], host: memoryHost({ "main.sf": source }) });
        for (const d of checked.diagnostics) expect(d.primary.span.line, `${d.code} ${d.message}`).toBeGreaterThanOrEqual(1);
      }),
      { seed: 23, numRuns: runs },
    );
  }, 300_000);
});

describe("mutation fuzzing of the language server", () => {
  const runs = Math.ceil(RUNS / 10);
  it(`${runs} such programs open in an editor: hover, completion, navigation, rename, tokens, symbols and hints never throw`, () => {
    const workspace = new Workspace();
    const uri = "file:///fuzz/main.sf";
    let version = 0;
    fc.assert(
      fc.property(mutated, fc.array(fc.nat(), { minLength: 3, maxLength: 3 }), (source, places) => {
        workspace.open(uri, source, ++version);
        const facts = workspace.fileFacts(uri);
        const lines = source.split("\n");
        if (facts) {
          semanticTokens(facts);
          documentSymbols(facts);
          inlayHints(workspace.shownTypes(uri)!, { start: { line: 0, character: 0 }, end: { line: lines.length, character: 0 } });
        }
        for (const place of places) {
          const line = place % lines.length;
          const position = { line, character: place % (lines[line]!.length + 1) };
          hover(workspace, uri, position);
          complete(workspace, uri, position);
          definition(workspace, uri, position);
          references(workspace, uri, position, true);
          // A refused rename is an error response with its reason; anything else thrown is a bug.
          try {
            if (prepareRename(workspace, uri, position)) rename(workspace, uri, position, "renamed");
          } catch (e) {
            if (!(e instanceof ResponseError)) throw e;
            expect(e.message).not.toBe("");
          }
        }
      }),
      { seed: 29, numRuns: runs },
    );
  }, 300_000);
});

describe("grammar-aware fuzzing", () => {
  it(`${RUNS} generated programs: no throw, positions on every diagnostic, check and compile agree`, () => {
    fc.assert(
      fc.property(program, (source) => {
        const host = memoryHost({ "main.sf": source });
        const checked = check({ files: ["main.sf"], host });
        for (const d of checked.diagnostics) {
          expect(d.primary.span.line).toBeGreaterThanOrEqual(1);
          expect(d.message).not.toMatch(/\n\s+at /);
        }
        const compiled = compile({ file: "main.sf", host });
        const compileOk = compiled.model !== undefined;
        // A clean check means a model; a failing check means none.
        expect(compileOk, source).toBe(checked.ok);
      }),
      { seed: 15, numRuns: RUNS },
    );
    expect(process.memoryUsage().heapUsed).toBeLessThan(1e9);
  }, 300_000);
});
