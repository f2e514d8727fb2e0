/**
 * The diagnostic catalogue, its documentation and its tests in step: codes
 * are unique and well formed, every code is exercised by a test, and
 * docs/diagnostics.md is generated from the catalogue and the UI tests
 * (refresh with `npx vitest run -u test/diagnostics`).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { CATALOGUE, type CatalogueEntry, type DiagnosticCode } from "../../compiler/diagnostics/catalogue";

const root = path.resolve(__dirname, "../..");
const uiDir = path.join(root, "test/ui");
const codes = Object.keys(CATALOGUE) as DiagnosticCode[];

function filesUnder(dir: string, ext: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(p, ext) : e.name.endsWith(ext) ? [p] : [];
  });
}

/** The UI test that documents a code: test/ui/SFxxxx-*.sf. */
function exampleOf(code: string): { source: string; output: string; file: string } | undefined {
  const sfFiles = fs
    .readdirSync(uiDir)
    .filter((f) => f.endsWith(".sf"))
    .sort();
  const shows = (f: string) => fs.readFileSync(path.join(uiDir, f.replace(/\.sf$/, ".stderr")), "utf8").includes(`[${code}]`);
  const file = sfFiles.find((f) => f.startsWith(`${code}-`)) ?? sfFiles.find((f) => /^SF\d{4}-/.test(f) && shows(f));
  if (!file) return undefined;
  const source = fs.readFileSync(path.join(uiDir, file), "utf8");
  const output = fs.readFileSync(path.join(uiDir, file.replace(/\.sf$/, ".stderr")), "utf8");
  return { source, output, file };
}

function commandOf(file: string, source: string): string {
  const directive = /^\/\/! sfc (.*)$/m.exec(source.split("\n")[0] ?? "");
  const [command, ...rest] = directive ? directive[1]!.trim().split(/\s+/) : ["check"];
  return ["npx sfc", command, `test/ui/${file}`, ...rest].join(" ");
}

function renderDoc(): string {
  const parts = [
    "# Diagnostics",
    "",
    "Every diagnostic sfc gives, by its stable code. Each has an example from the",
    "UI tests in `test/ui/`: the source, the command, and what sfc prints. Run any",
    "of them from a clone of the repository after `npm ci && npm run build`.",
    "",
    "Output formats: `--format human` (below; colour on a terminal), `json` (the",
    "LSP `Diagnostic` shape plus `file`, 0-based positions), `sarif` (SARIF 2.1.0)",
    "and `github` (workflow commands). Exit status: 0 clean; 1 errors in the",
    "sources, including a command-line value that breaks a rule of the language,",
    "reported at `<command line>` (an unknown `--network` or `--set` name, an",
    "`--opset` outside 9..23); 2 usage errors (an option value sfc cannot take,",
    "such as `--format bogus`, `sfc run`'s SF0606 and SF0607, and `sfc graph`'s",
    "SF0609) and I/O errors.",
    "",
    "This page is generated from `compiler/diagnostics/catalogue.ts` and the UI",
    "tests by `npx vitest run -u test/diagnostics`; edit those, not this page.",
    "",
    ...codes.map((c) => `- [${c}](#${c.toLowerCase()}) ${CATALOGUE[c].title}`),
    "",
  ];
  for (const code of codes) {
    const entry = CATALOGUE[code];
    parts.push(`## ${code}`, "", `**${entry.title}** (${entry.severity}). ${entry.explain}`, "");
    const ex = exampleOf(code);
    if (ex) {
      const fence = "```";
      parts.push(
        `${fence}sf`,
        ex.source.replace(/\n$/, ""),
        fence,
        "",
        `${fence}console`,
        `$ ${commandOf(ex.file, ex.source)}`,
        ex.output.replace(/\nexit: (\d+)\n$/, "\n").replace(/\n$/, ""),
        fence,
        "",
      );
    }
  }
  return `${parts.join("\n").replace(/\n+$/, "")}\n`;
}

describe("the diagnostic catalogue", () => {
  it("has well-formed, unique codes and titles", () => {
    for (const c of codes) expect(c).toMatch(/^SF\d{4}$/);
    expect(new Set(codes.map((c) => CATALOGUE[c].title)).size).toBe(codes.length);
  });

  it("exercises every code in a test", () => {
    const tested = new Set<string>();
    for (const f of [...filesUnder(path.join(root, "test"), ".stderr"), ...filesUnder(path.join(root, "test"), ".ts")]) {
      if (f === __filename) continue;
      for (const m of fs.readFileSync(f, "utf8").matchAll(/SF\d{4}/g)) tested.add(m[0]);
    }
    expect(codes.filter((c) => !tested.has(c))).toEqual([]);
  });

  it("has a UI example for every code a source can produce", () => {
    const withExample = codes.filter((c) => exampleOf(c) !== undefined);
    const fromSources = codes.filter((c) => !(CATALOGUE[c] as CatalogueEntry).notification);
    expect(fromSources.filter((c) => !withExample.includes(c))).toEqual([]);
    expect(withExample.filter((c) => !fromSources.includes(c))).toEqual([]);
    for (const c of withExample) expect(exampleOf(c)!.output, c).toContain(`[${c}]`);
  });

  it("is documented in docs/diagnostics.md, generated from it", async () => {
    await expect(renderDoc()).toMatchFileSnapshot(path.join(root, "docs/diagnostics.md"));
  });
});
