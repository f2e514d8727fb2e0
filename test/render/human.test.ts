import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Diagnostic } from "../../compiler/diagnostics/diagnostic";
import { makeDiagnostic } from "../../compiler/diagnostics/diagnostic";
import { renderDiagnostics } from "../../compiler/render/index";
import type { Span } from "../../compiler/span";
import { spanAt } from "../support/spans";

/** The span of the `nth` occurrence of `needle`, so tests name code rather than offsets. */
function spanOf(file: string, text: string, needle: string, nth = 0): Span {
  let at = -1;
  for (let i = 0; i <= nth; i++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`no ${needle} in ${file}`);
  }
  return spanAt(file, text, at, at + needle.length);
}

function human(diagnostics: readonly Diagnostic[], sources: Record<string, string>, color = false): string {
  return renderDiagnostics("human", diagnostics, new Map(Object.entries(sources)), { color });
}

function asWarning(d: Diagnostic): Diagnostic {
  return { ...d, severity: "warning" };
}

const ANSI = /\x1b\[[0-9;]*m/g;

// 45 lines; line 12 sets the frame count, line 41 is the lateral link that needs it.
const MODEL =
  Array.from({ length: 45 }, (_, i) => {
    if (i + 1 === 12) return "param frames = 33";
    if (i + 1 === 41) return "  lateral fast -> slow: tconv(k: 5, stride: α)";
    return `// line ${i + 1}`;
  }).join("\n") + "\n";
const MODEL_FILE = "models/sf_r50.sf";

function sf0301(): Diagnostic {
  return makeDiagnostic("SF0301", spanOf(MODEL_FILE, MODEL, "lateral"), {
    message: "lateral link needs the Fast frames αT to be a multiple of α",
    label: "Fast gives ⌈33/4⌉ = 9 frames, Slow has T = 8",
    related: [{ span: spanOf(MODEL_FILE, MODEL, "33"), label: "αT = 33 here" }],
    notes: ["αT = 33, α = 4", "33 is not a multiple of 4"],
    help: "use frames = 32 or 36",
  });
}

describe("human diagnostics", () => {
  it("renders the standard SF0301 example", () => {
    expect(human([sf0301()], { [MODEL_FILE]: MODEL })).toBe(
      [
        "error[SF0301]: lateral link needs the Fast frames αT to be a multiple of α",
        "  --> models/sf_r50.sf:41:3",
        "   |",
        "12 | param frames = 33",
        "   |                -- αT = 33 here",
        "...",
        "41 |   lateral fast -> slow: tconv(k: 5, stride: α)",
        "   |   ^^^^^^^ Fast gives ⌈33/4⌉ = 9 frames, Slow has T = 8",
        "   |",
        "   = note: αT = 33, α = 4",
        "   = note: 33 is not a multiple of 4",
        "   = help: use frames = 32 or 36",
        "",
        "1 error emitted",
        "",
      ].join("\n"),
    );
  });

  it("writes nothing for no diagnostics", () => {
    expect(human([], {})).toBe("");
    expect(human([], {}, true)).toBe("");
  });

  it("colours only when asked, and colour changes nothing else", () => {
    const plain = human([sf0301()], { [MODEL_FILE]: MODEL }, false);
    const coloured = human([sf0301()], { [MODEL_FILE]: MODEL }, true);
    expect(plain).not.toMatch(ANSI);
    expect(coloured).toMatch(ANSI);
    expect(coloured.replace(ANSI, "")).toBe(plain);
  });

  it("counts columns in code points past Greek letters, superscripts and astral characters", () => {
    const text = "block b(x: <αT, S², βC>) -> <T, S², 2βC> {\n  return x |> conv(out: 2βC, kernel: 5×1², stride: α×1²) |> 𝛼relu\n}\n";
    const stride = spanOf("b.sf", text, "stride: α×1²");
    const relu = spanOf("b.sf", text, "relu");
    const out = human([makeDiagnostic("SF0211", stride, { message: "bad stride", label: "here", related: [{ span: relu, label: "after 𝛼" }] })], {
      "b.sf": text,
    });
    expect(out).toMatchInlineSnapshot(`
      "error[SF0211]: bad stride
       --> b.sf:2:44
        |
      2 |   return x |> conv(out: 2βC, kernel: 5×1², stride: α×1²) |> 𝛼relu
        |                                            ^^^^^^^^^^^^ here
        |                                                              ---- after 𝛼

      1 error emitted
      "
    `);
    // The astral 𝛼 is two UTF-16 units: the span's own column says 63, a reader counts 62.
    expect(relu.column).toBe(63);
    expect(human([makeDiagnostic("SF0211", relu, { message: "m" })], { "b.sf": text })).toContain(" --> b.sf:2:62\n");
    const lines = out.split("\n");
    const source = [...lines[3]!.slice("2 | ".length)];
    const caret = [...lines[4]!.slice("  | ".length)];
    const dash = [...lines[5]!.slice("  | ".length)];
    expect(source.slice(caret.indexOf("^"), caret.lastIndexOf("^") + 1).join("")).toBe("stride: α×1²");
    expect(source.slice(dash.indexOf("-"), dash.lastIndexOf("-") + 1).join("")).toBe("relu");
  });

  it("underlines a span over several lines on its first line, to that line's end", () => {
    const text = "network N {\n  slow: stem(x)\n    |> res2\n    |> res3\n}\n";
    const start = text.indexOf("stem");
    const span = spanAt("n.sf", text, start, text.indexOf("res3") + 4);
    expect(span.endLine).toBe(4);
    expect(human([makeDiagnostic("SF0201", span, { message: "wrong type", label: "this pathway" })], { "n.sf": text })).toBe(
      ["error[SF0201]: wrong type", " --> n.sf:2:9", "  |", "2 |   slow: stem(x)", "  |         ^^^^^^^ this pathway", "", "1 error emitted", ""].join("\n"),
    );
  });

  it("gives related spans in another file their own header and excerpt after the primary file's", () => {
    const main = "import lib\nnetwork N {\n  fast: lib.stem(x)\n}\n";
    const lib = "// stems\nblock stem(x: <T, S², C>) -> <T, S², 64> {\n}\n";
    const d = makeDiagnostic("SF0201", spanOf("main.sf", main, "lib.stem(x)"), {
      message: "result does not have the declared type",
      label: "gives <T, S², 64>",
      related: [
        { span: spanOf("lib/stems.sf", lib, "<T, S², 64>"), label: "declared here" },
        { span: spanOf("main.sf", main, "import lib"), label: "" },
      ],
    });
    expect(human([d], { "main.sf": main, "lib/stems.sf": lib })).toBe(
      [
        "error[SF0201]: result does not have the declared type",
        " --> main.sf:3:9",
        "  |",
        "1 | import lib",
        "  | ----------",
        "...",
        "3 |   fast: lib.stem(x)",
        "  |         ^^^^^^^^^^^ gives <T, S², 64>",
        "  |",
        " ::: lib/stems.sf:2:30",
        "  |",
        "2 | block stem(x: <T, S², C>) -> <T, S², 64> {",
        "  |                              ----------- declared here",
        "",
        "1 error emitted",
        "",
      ].join("\n"),
    );
  });

  it("points at the end of a file with a single caret", () => {
    const text = "network N {\n  slow: stem(x)";
    const eof = spanAt("t.sf", text, text.length, text.length);
    expect(human([makeDiagnostic("SF0002", eof, { message: "unexpected end of file", label: "expected `}`" })], { "t.sf": text })).toBe(
      [
        "error[SF0002]: unexpected end of file",
        " --> t.sf:2:16",
        "  |",
        "2 |   slow: stem(x)",
        "  |                ^ expected `}`",
        "",
        "1 error emitted",
        "",
      ].join("\n"),
    );
    const withNewline = `${text}\n`;
    const after = spanAt("t.sf", withNewline, withNewline.length, withNewline.length);
    expect(human([makeDiagnostic("SF0002", after, { message: "unexpected end of file" })], { "t.sf": withNewline })).toBe(
      ["error[SF0002]: unexpected end of file", " --> t.sf:3:1", "  |", "3 |", "  | ^", "", "1 error emitted", ""].join("\n"),
    );
  });

  it("keeps tabs in the mark line's indent so that marks line up", () => {
    const text = "network N {\n\tslow:\tstem(x)\n}\n";
    const out = human([makeDiagnostic("SF0106", spanOf("t.sf", text, "stem"), { message: "unknown op or block", label: "not defined" })], {
      "t.sf": text,
    });
    expect(out.split("\n").slice(3, 5)).toEqual(["2 | \tslow:\tstem(x)", "  | \t     \t^^^^ not defined"]);
  });

  it("shows lines of a CRLF file without their carriage returns", () => {
    const text = "param a = 1\r\nparam b = x\r\n";
    const span = spanAt("c.sf", text, text.indexOf("x"), text.indexOf("x") + 1);
    expect(
      human([makeDiagnostic("SF0101", span, { message: "unknown name `x`" })], { "c.sf": text })
        .split("\n")
        .slice(3, 5),
    ).toEqual(["2 | param b = x", "  |           ^"]);
    // A span running into the next line stops at the line's text, not at its \r.
    const long = spanAt("c.sf", text, text.indexOf("1"), text.indexOf("x"));
    expect(human([makeDiagnostic("SF0101", long, { message: "m" })], { "c.sf": text }).split("\n")[4]).toBe("  |           ^");
  });

  it("ends lines of a CR-only file at each lone carriage return", () => {
    const text = "param a = 1\rparam b = x\r";
    const span = spanAt("c.sf", text, text.indexOf("x"), text.indexOf("x") + 1);
    expect(span).toMatchObject({ line: 2, column: 11 });
    const out = human([makeDiagnostic("SF0101", span, { message: "unknown name `x`" })], { "c.sf": text }).split("\n");
    expect(out.slice(1, 5)).toEqual([" --> c.sf:2:11", "  |", "2 | param b = x", "  |           ^"]);
  });

  it("separates diagnostics by one blank line and sums up errors and warnings", () => {
    const text = "param a = x\nparam b = y\nparam c = z\n";
    const d = (name: string) => makeDiagnostic("SF0101", spanOf("p.sf", text, name), { message: `unknown name \`${name}\`` });
    const out = human([d("x"), asWarning(d("y")), d("z")], { "p.sf": text });
    expect(out).toBe(
      [
        "error[SF0101]: unknown name `x`",
        " --> p.sf:1:11",
        "  |",
        "1 | param a = x",
        "  |           ^",
        "",
        "warning[SF0101]: unknown name `y`",
        " --> p.sf:2:11",
        "  |",
        "2 | param b = y",
        "  |           ^",
        "",
        "error[SF0101]: unknown name `z`",
        " --> p.sf:3:11",
        "  |",
        "3 | param c = z",
        "  |           ^",
        "",
        "2 errors, 1 warning emitted",
        "",
      ].join("\n"),
    );
    expect(human([asWarning(d("x"))], { "p.sf": text }).endsWith("\n\n1 warning emitted\n")).toBe(true);
  });

  it("shows adjacent lines without a gap, widens the gutter to the largest line number, and keeps a note on one line", () => {
    const text = `${Array.from({ length: 8 }, (_, i) => `// ${i + 1}`).join("\n")}\nparam a = 1\nparam b = a\n`;
    const use = text.lastIndexOf("a");
    const d = makeDiagnostic("SF0212", spanAt("g.sf", text, use, use + 1), {
      message: "condition cannot be decided",
      label: "used here",
      related: [{ span: spanOf("g.sf", text, "a = 1"), label: "set here" }],
      notes: ["first line\nsecond line"],
    });
    expect(human([d], { "g.sf": text })).toBe(
      [
        "error[SF0212]: condition cannot be decided",
        "  --> g.sf:10:11",
        "   |",
        " 9 | param a = 1",
        "   |       ----- set here",
        "10 | param b = a",
        "   |           ^ used here",
        "   |",
        // A line feed in a note (one that quotes a tensor name, say) cannot start a line of its own.
        "   = note: first line\\x0asecond line",
        "",
        "1 error emitted",
        "",
      ].join("\n"),
    );
  });

  it("names a file whose text it was not given, without an excerpt", () => {
    const span: Span = { file: "gone.sf", start: 4, end: 7, line: 1, column: 5, endLine: 1, endColumn: 8 };
    expect(human([makeDiagnostic("SF0103", span, { message: "module not found", help: "check the path" })], {})).toBe(
      ["error[SF0103]: module not found", " --> gone.sf:1:5", "  |", "  = help: check the path", "", "1 error emitted", ""].join("\n"),
    );
  });

  it("puts each mark under the characters its span covers, whatever the text", () => {
    const alphabet = fc.constantFrom("a", " ", "\t", "α", "β", "²", "×", "𝛼", "\n", "\r\n", "\r", "⌈", "é");
    const cases = fc
      .array(alphabet, { minLength: 1, maxLength: 40 })
      .chain((chars) => {
        const text = chars.join("");
        return fc.tuple(fc.constant(text), fc.integer({ min: 0, max: text.length }), fc.integer({ min: 0, max: text.length }));
      })
      .filter(([text, a, b]) => {
        const lo = Math.min(a, b);
        const hi = Math.max(a, b);
        const splits = (i: number) => /[\uDC00-\uDFFF]/.test(text[i] ?? "") || (text[i - 1] === "\r" && text[i] === "\n");
        return !splits(lo) && !splits(hi);
      });
    fc.assert(
      fc.property(cases, ([text, a, b]) => {
        const start = Math.min(a, b);
        const end = Math.max(a, b);
        const out = human([makeDiagnostic("SF0001", spanAt("f.sf", text, start, end), { message: "m" })], { "f.sf": text });
        const lines = out.split("\n");
        const gutter = lines[1]!.indexOf("-->");
        // Lines end at \n, \r\n or a lone \r.
        const breaks = [...text.matchAll(/\r\n|\r|\n/g)].map((m) => ({ at: m.index, after: m.index + m[0].length }));
        const lineStart = Math.max(0, ...breaks.filter((b) => b.after <= start).map((b) => b.after));
        const lineText = text.slice(lineStart, breaks.find((b) => b.at >= lineStart)?.at ?? text.length);
        const shown = lines[3]!.slice(gutter + 3);
        expect(shown).toBe(lineText);
        const marks = [...lines[4]!.slice(gutter + 3)];
        const lineEnd = lineStart + lineText.length;
        const column = [...text.slice(lineStart, Math.min(start, lineEnd))].length;
        const width = Math.max(1, [...text.slice(Math.min(start, lineEnd), Math.min(end, lineEnd))].length);
        expect(marks.indexOf("^")).toBe(column);
        expect(marks.filter((ch) => ch === "^").length).toBe(width);
        expect(marks.slice(0, column).every((ch, i) => ch === ([...lineText][i] === "\t" ? "\t" : " "))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe("renderDiagnostics", () => {
  it("defaults to no colour", () => {
    expect(renderDiagnostics("human", [sf0301()], new Map([[MODEL_FILE, MODEL]]))).not.toMatch(ANSI);
  });
});
