/**
 * The machine formats: LSP-shaped JSON, SARIF 2.1.0 (checked against the
 * official schema, vendored under schemas/) and GitHub workflow commands.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import Ajv from "ajv-draft-04";
import { describe, expect, it } from "vitest";
import type { Diagnostic } from "../../compiler/diagnostics/diagnostic";
import { makeDiagnostic } from "../../compiler/diagnostics/diagnostic";
import { renderDiagnostics, type OutputFormat } from "../../compiler/render/index";
import { artifactUri, PACKAGE_NAME } from "../../compiler/render/sarif";
import { CATALOGUE, type DiagnosticCode } from "../../compiler/diagnostics/catalogue";
import type { Span } from "../../compiler/span";
import { spanAt } from "../support/spans";

function spanOf(file: string, text: string, needle: string): Span {
  const at = text.indexOf(needle);
  if (at < 0) throw new Error(`no ${needle} in ${file}`);
  return spanAt(file, text, at, at + needle.length);
}

const MODEL_FILE = "models/sf_r50.sf";
const MODEL =
  Array.from({ length: 45 }, (_, i) => {
    if (i + 1 === 12) return "param frames = 33";
    if (i + 1 === 41) return "  lateral fast -> slow: tconv(k: 5, stride: 𝛼) // α";
    return `// line ${i + 1}`;
  }).join("\n") + "\n";
const LIB_FILE = "lib/blocks.sf";
const LIB = "block stem(x: <T, S², C>) -> <T, S², 64> {\n  return x\n}\n";

function sf0301(): Diagnostic {
  return makeDiagnostic("SF0301", spanOf(MODEL_FILE, MODEL, "lateral"), {
    message: "lateral link needs the Fast frames αT to be a multiple of α",
    label: "Fast gives ⌈33/4⌉ = 9 frames, Slow has T = 8",
    related: [
      { span: spanOf(MODEL_FILE, MODEL, "33"), label: "αT = 33 here" },
      { span: spanOf(LIB_FILE, LIB, "<T, S², 64>"), label: "" },
    ],
    notes: ["αT = 33, α = 4", "33 is not a multiple of 4"],
    help: "use frames = 32 or 36",
  });
}

/** After the 𝛼, which is two UTF-16 units: where code points and LSP/SARIF characters part. */
function afterAstral(): Diagnostic {
  return { ...makeDiagnostic("SF0101", spanOf(MODEL_FILE, MODEL, "α"), { message: "unknown name `α`" }), severity: "warning" };
}

/** From the `stem` line into the next, ending at the end of the file. */
function multiLine(): Diagnostic {
  return makeDiagnostic("SF0210", spanAt(LIB_FILE, LIB, LIB.indexOf("{"), LIB.length), { message: "block body does not return" });
}

const SOURCES = new Map([
  [MODEL_FILE, MODEL],
  [LIB_FILE, LIB],
]);

function render(format: OutputFormat, diagnostics: readonly Diagnostic[], toolVersion?: string): string {
  return renderDiagnostics(format, diagnostics, SOURCES, { toolVersion });
}

describe("json", () => {
  it("is an empty array for no diagnostics", () => {
    expect(JSON.parse(render("json", []))).toEqual([]);
    expect(render("json", []).trim()).toBe("[]");
  });

  it("gives LSP diagnostics with 0-based lines and UTF-16 characters", () => {
    const text = render("json", [sf0301(), afterAstral()]);
    expect(text).toContain('\n  {\n    "file": "models/sf_r50.sf",\n');
    const [first, second] = JSON.parse(text);
    expect(first).toEqual({
      file: MODEL_FILE,
      range: { start: { line: 40, character: 2 }, end: { line: 40, character: 9 } },
      severity: 1,
      code: "SF0301",
      source: "sfc",
      message:
        "lateral link needs the Fast frames αT to be a multiple of α\nnote: αT = 33, α = 4\nnote: 33 is not a multiple of 4\nhelp: use frames = 32 or 36",
      relatedInformation: [
        // The primary label first: LSP has no other place for it.
        {
          location: { uri: MODEL_FILE, range: { start: { line: 40, character: 2 }, end: { line: 40, character: 9 } } },
          message: "Fast gives ⌈33/4⌉ = 9 frames, Slow has T = 8",
        },
        { location: { uri: MODEL_FILE, range: { start: { line: 11, character: 15 }, end: { line: 11, character: 17 } } }, message: "αT = 33 here" },
        { location: { uri: LIB_FILE, range: { start: { line: 0, character: 29 }, end: { line: 0, character: 40 } } }, message: "" },
      ],
    });
    const line41 = MODEL.split("\n")[40]!;
    expect(second.severity).toBe(2);
    expect(second.range.start).toEqual({ line: 40, character: line41.indexOf("α") });
    expect(second.range.end.character - second.range.start.character).toBe(1);
    expect(second.relatedInformation).toEqual([]);
  });
});

/** The formats the SARIF schema names, checked strictly enough that an unencoded path fails. */
function sarifValidator() {
  const schema = JSON.parse(fs.readFileSync(path.join(__dirname, "schemas", "sarif-2.1.0-rtm.5.json"), "utf8"));
  // The schema's `language` pattern has a stray `]` that only a non-Unicode RegExp accepts.
  const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
  const uriChars = /^(?:[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*$/;
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:/;
  ajv.addFormat("uri", (s: string) => uriChars.test(s) && scheme.test(s));
  // A relative reference may not have a `:` in its first segment, or it would read as a scheme.
  ajv.addFormat("uri-reference", (s: string) => uriChars.test(s) && (scheme.test(s) || !/^[^/?#]*:/.test(s)));
  ajv.addFormat("date-time", (s: string) => !Number.isNaN(Date.parse(s)));
  return ajv.compile(schema);
}

describe("sarif", () => {
  const validate = sarifValidator();
  const check = (text: string) => {
    const log = JSON.parse(text);
    const ok = validate(log);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    return log;
  };

  it("the validator refuses what the schema refuses", () => {
    const log = JSON.parse(render("sarif", [sf0301()], "0.1.0"));
    expect(validate({ ...log, version: "2.0.0" })).toBe(false);
    log.runs[0].results[0].level = "fatal";
    expect(validate(log)).toBe(false);
    const spaced = JSON.parse(render("sarif", [sf0301()]));
    spaced.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri = "my models/a.sf";
    expect(validate(spaced)).toBe(false);
  });

  it("is a valid log with one run and no results for no diagnostics", () => {
    const log = check(render("sarif", [], "0.1.0"));
    expect(log.version).toBe("2.1.0");
    expect(log.$schema).toMatch(/sarif-2\.1\.0/);
    expect(log.runs).toHaveLength(1);
    expect(log.runs[0].tool.driver).toEqual({ name: "sfc", version: "0.1.0", informationUri: "https://www.npmjs.com/package/slowfast-compiler", rules: [] });
    expect(log.runs[0].invocations).toEqual([{ executionSuccessful: true }]);
    expect(log.runs[0].results).toEqual([]);
    check(render("sarif", []));
  });

  it("gives one rule per code used and a result per diagnostic, 1-based with UTF-16 columns", () => {
    const log = check(render("sarif", [sf0301(), afterAstral(), multiLine(), sf0301()], "0.1.0"));
    const run = log.runs[0];
    expect(run.columnKind).toBe("utf16CodeUnits");
    const rule = (id: string, title: string) => ({
      id,
      shortDescription: { text: title },
      fullDescription: { text: CATALOGUE[id as DiagnosticCode].explain },
      helpUri: `https://unpkg.com/slowfast-compiler@0.1.0/docs/diagnostics.md#${id.toLowerCase()}`,
      defaultConfiguration: { level: "error" },
    });
    expect(run.tool.driver.rules).toEqual([
      rule("SF0101", "unknown name"),
      rule("SF0210", "block body does not return"),
      rule("SF0301", "dimension is not a multiple"),
    ]);
    expect(run.results.map((r: { ruleId: string; ruleIndex: number; level: string }) => [r.ruleId, r.ruleIndex, r.level])).toEqual([
      ["SF0301", 2, "error"],
      ["SF0101", 0, "warning"],
      ["SF0210", 1, "error"],
      ["SF0301", 2, "error"],
    ]);
    const [lateral, astral, body] = run.results;
    expect(lateral.message.text).toBe(
      "lateral link needs the Fast frames αT to be a multiple of α\nnote: αT = 33, α = 4\nnote: 33 is not a multiple of 4\nhelp: use frames = 32 or 36",
    );
    expect(lateral.locations).toEqual([
      {
        physicalLocation: { artifactLocation: { uri: MODEL_FILE }, region: { startLine: 41, startColumn: 3, endLine: 41, endColumn: 10 } },
        message: { text: "Fast gives ⌈33/4⌉ = 9 frames, Slow has T = 8" },
      },
    ]);
    expect(lateral.relatedLocations).toEqual([
      {
        id: 0,
        physicalLocation: { artifactLocation: { uri: MODEL_FILE }, region: { startLine: 12, startColumn: 16, endLine: 12, endColumn: 18 } },
        message: { text: "αT = 33 here" },
      },
      { id: 1, physicalLocation: { artifactLocation: { uri: LIB_FILE }, region: { startLine: 1, startColumn: 30, endLine: 1, endColumn: 41 } } },
    ]);
    const line41 = MODEL.split("\n")[40]!;
    expect(astral.locations[0].physicalLocation.region.startColumn).toBe(line41.indexOf("α") + 1);
    expect(astral.relatedLocations).toBeUndefined();
    expect(body.locations[0].physicalLocation.region).toEqual({ startLine: 1, startColumn: 42, endLine: 4, endColumn: 1 });
  });

  it("links each rule to its section of docs/diagnostics.md, an anchor that page has", () => {
    const page = fs.readFileSync(path.join(__dirname, "../../docs/diagnostics.md"), "utf8");
    const anchors = new Set(
      [...page.matchAll(/^#+ (.*)$/gm)].map((m) =>
        m[1]!
          .toLowerCase()
          .replace(/[^\w\- ]/g, "")
          .trim()
          .replace(/ /g, "-"),
      ),
    );
    for (const r of check(render("sarif", [sf0301(), afterAstral(), multiLine()], "0.1.0")).runs[0].tool.driver.rules) {
      const anchor = (r.helpUri as string).split("#")[1]!;
      expect(
        [...anchors].some((a) => a === anchor || a.startsWith(`${anchor}-`)),
        anchor,
      ).toBe(true);
    }
  });

  it("names the package that package.json names", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, "../../package.json"), "utf8")) as { name: string };
    expect(PACKAGE_NAME).toBe(pkg.name);
  });

  it("carries unreadable inputs as toolExecutionNotifications of an unsuccessful invocation, still a valid log", () => {
    const log = check(
      renderDiagnostics("sarif", [sf0301()], SOURCES, {
        toolVersion: "0.1.0",
        notifications: [{ code: "SF0103", message: "cannot read gone.sf: no such file", file: "gone.sf" }],
      }),
    );
    expect(log.runs[0].invocations).toEqual([
      {
        executionSuccessful: false,
        toolExecutionNotifications: [
          {
            level: "error",
            descriptor: { id: "SF0103" },
            message: { text: "cannot read gone.sf: no such file" },
            locations: [{ physicalLocation: { artifactLocation: { uri: "gone.sf" } } }],
          },
        ],
      },
    ]);
    expect(log.runs[0].results).toHaveLength(1);
  });

  it("leaves the version out when it is not given", () => {
    expect(check(render("sarif", [sf0301()])).runs[0].tool.driver.version).toBeUndefined();
  });

  it("turns any file name into a URI reference", () => {
    const names = [
      "my models/a #1.sf",
      "<command line>",
      "C:\\work\\a b.sf",
      "/home/u/100%.sf",
      "a:b.sf",
      "./x/../y.sf",
      "\\\\server\\share\\n.sf",
      "bad\ud800.sf",
    ];
    expect(names.map(artifactUri)).toEqual([
      "my%20models/a%20%231.sf",
      "%3Ccommand%20line%3E",
      "file:///C:/work/a%20b.sf",
      "file:///home/u/100%25.sf",
      "a%3Ab.sf",
      "./x/../y.sf",
      "file://server/share/n.sf",
      "bad%EF%BF%BD.sf",
    ]);
    const diagnostics = names.map((file) =>
      makeDiagnostic("SF0103", { file, start: 0, end: 1, line: 1, column: 1, endLine: 1, endColumn: 2 }, { message: "m" }),
    );
    check(render("sarif", diagnostics, "0.1.0"));
  });
});

describe("github", () => {
  it("writes nothing for no diagnostics", () => {
    expect(render("github", [])).toBe("");
  });

  it("writes one workflow command per diagnostic, the notes and help on lines of their own", () => {
    expect(render("github", [sf0301(), afterAstral(), multiLine()]).split("\n")).toEqual([
      "::error file=models/sf_r50.sf,line=41,col=3,endLine=41,endColumn=10,title=SF0301::lateral link needs the Fast frames αT to be a multiple of α%0Ahere: Fast gives ⌈33/4⌉ = 9 frames, Slow has T = 8%0Anote: αT = 33, α = 4%0Anote: 33 is not a multiple of 4%0Ahelp: use frames = 32 or 36",
      `::warning file=models/sf_r50.sf,line=41,col=${MODEL.split("\n")[40]!.indexOf("α") + 1},endLine=41,endColumn=${MODEL.split("\n")[40]!.indexOf("α") + 2},title=SF0101::unknown name \`α\``,
      // GitHub takes columns only on one line.
      "::error file=lib/blocks.sf,line=1,endLine=4,title=SF0210::block body does not return",
      "",
    ]);
  });

  it("annotates the run, naming no file, for a problem with an option on the command line", () => {
    const span: Span = { file: "<command line>", start: 0, end: 9, line: 1, column: 1, endLine: 1, endColumn: 10 };
    const d = makeDiagnostic("SF0111", span, { message: "no network in these files has a parameter `Q`", label: "unknown parameter" });
    expect(render("github", [d])).toBe("::error title=SF0111::no network in these files has a parameter `Q`%0Ahere: unknown parameter\n");
  });

  it("escapes data and properties as GitHub's toolkit does", () => {
    const span: Span = { file: "dir,1/a:b%c.sf", start: 0, end: 1, line: 1, column: 1, endLine: 1, endColumn: 2 };
    const d = makeDiagnostic("SF0002", span, { message: "100% wrong:\r\nhere, there", notes: ["a\r\nb"], help: "x: y, z" });
    // Each text is one line: a line break in one is shown escaped, as on a terminal.
    expect(render("github", [d])).toBe(
      "::error file=dir%2C1/a%3Ab%25c.sf,line=1,col=1,endLine=1,endColumn=2,title=SF0002::100%25 wrong:\\x0d\\x0ahere, there%0Anote: a\\x0d\\x0ab%0Ahelp: x: y, z\n",
    );
  });
});
