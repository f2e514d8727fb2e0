/**
 * Grammar-aware fuzzing: programs generated from the grammar (fast-check
 * letrec), some well formed and some not, through `check` and `compile`.
 * Neither may throw, every diagnostic has a position, the two agree (a file
 * that checks clean compiles, and one that does not check does not compile),
 * and memory stays bounded. A fixed seed keeps CI reproducible; set
 * SFC_FUZZ_RUNS to run more programs.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { check, compile } from "../../compiler/index";
import { memoryHost } from "../support/compiler";

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
