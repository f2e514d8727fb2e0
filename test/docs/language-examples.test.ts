/**
 * The language reference and the examples, kept honest:
 *  - every ```sf block of docs/language.md checks without diagnostics, or,
 *    fenced as ```sf error SFxxxx (or ```sf warning SFxxxx), reports that
 *    code, at that severity, and no other; a block
 *    fenced with file=PATH is also a file the others may import;
 *  - the op tables of docs/language.md are generated from the op records
 *    (compiler/ops/; refresh with `npx vitest run -u test/docs`) and list
 *    every op with all of its arguments;
 *  - every network of examples/*.sf compiles and runs through onnxruntime,
 *    and its output has the graph IR's shape with batch 1; each example has
 *    its walk-through in docs/examples/, where what `sfc check`, `sfc info`
 *    and `sfc compile` print is what they print now;
 *  - every `sfc compile` line shown in README.md and docs/ prints what the doc
 *    shows under it (node counts and sizes are deterministic).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { check, compile } from "../../compiler/index";
import { nodeHost } from "../../compiler/host/node";
import { OPS, type OpName } from "../../compiler/ops";
import { OP_TABLES_BEGIN, OP_TABLES_END, renderOpTables } from "../../compiler/ops/docs";
import type { SourceHost } from "../../compiler/program";
import { deterministicClip, openSession, runModel } from "../../runtime/session";
import { main } from "../../cli/main";
import { memoryHost } from "../support/compiler";

const root = path.resolve(__dirname, "../..");
const languageDoc = fs.readFileSync(path.join(root, "docs/language.md"), "utf8");

interface Snippet {
  /** 1-based line of the opening fence, for messages. */
  readonly line: number;
  readonly code: string;
  readonly file: string | undefined;
  /** The diagnostic a block fenced `sf error SFxxxx` or `sf warning SFxxxx` reports. */
  readonly expected: { readonly severity: "error" | "warning"; readonly code: string } | undefined;
  /** The message of an `error[SFxxxx]: ...` (or `warning[...]`) line in a text block right after it. */
  readonly message: string | undefined;
}

function sfSnippets(markdown: string): Snippet[] {
  const lines = markdown.split("\n");
  const out: Snippet[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```sf(?:\s+(.*))?\s*$/.exec(lines[i]!);
    if (!open) continue;
    const info = open[1] ?? "";
    const fenced = /\b(error|warning)\s+(SF\d{4})\b/.exec(info);
    const expected = fenced ? { severity: fenced[1] as "error" | "warning", code: fenced[2]! } : undefined;
    const file = /\bfile=(\S+)/.exec(info)?.[1];
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]!); i++) body.push(lines[i]!);
    // A text block up to a short sentence away ("Checking `a.sf`:") shows what it reports.
    let next = i + 1;
    while (next < lines.length && next < i + 5 && !lines[next]!.startsWith("```")) next++;
    const shown = lines[next] === "```text" ? /^(?:error|warning)\[(SF\d{4})\]: (.*)$/.exec(lines[next + 1] ?? "") : null;
    const message = shown && shown[1] === expected?.code ? shown[2] : undefined;
    out.push({ line: start + 1, code: `${body.join("\n")}\n`, file, expected, message });
  }
  return out;
}

const snippets = sfSnippets(languageDoc);
/** Files named by file=PATH, visible to every snippet. */
const namedFiles = Object.fromEntries(snippets.filter((s) => s.file).map((s) => [s.file!, s.code]));

describe("docs/language.md", () => {
  it("has sf examples", () => {
    expect(snippets.length).toBeGreaterThan(30);
    expect(snippets.some((s) => s.expected?.severity === "error")).toBe(true);
    expect(snippets.some((s) => s.expected?.severity === "warning")).toBe(true);
    expect(snippets.some((s) => s.message)).toBe(true);
  });

  for (const s of snippets) {
    const title = `line ${s.line}${s.file ? ` (${s.file})` : ""}: ${s.expected ? `reports ${s.expected.severity} ${s.expected.code}` : "checks cleanly"}`;
    it(title, () => {
      const file = s.file ?? "main.sf";
      const result = check({ files: [file], host: memoryHost({ ...namedFiles, [file]: s.code }) });
      const found = result.diagnostics.map((d) => `${d.code} ${d.primary.span.file}:${d.primary.span.line}:${d.primary.span.column} ${d.message}`);
      if (s.expected) {
        expect(found.length, "expected a diagnostic").toBeGreaterThan(0);
        expect([...new Set(result.diagnostics.map((d) => `${d.severity} ${d.code}`))], found.join("\n")).toEqual([`${s.expected.severity} ${s.expected.code}`]);
        if (s.message) expect(result.diagnostics.map((d) => d.message)).toContain(s.message);
      } else {
        expect(found).toEqual([]);
      }
    });
  }

  /** docs/language.md with its op tables generated afresh from the records. */
  const generatedPage = (): string => {
    const begin = languageDoc.indexOf(OP_TABLES_BEGIN);
    const end = languageDoc.indexOf(OP_TABLES_END);
    expect(begin, "the op table markers").toBeGreaterThanOrEqual(0);
    expect(end, "the op table markers").toBeGreaterThan(begin);
    return languageDoc.slice(0, begin) + renderOpTables(OPS) + languageDoc.slice(end + OP_TABLES_END.length);
  };

  it("has the op tables generated from the op records", async () => {
    await expect(generatedPage()).toMatchFileSnapshot(path.join(root, "docs/language.md"));
  });

  it("lists every op with all of its arguments", () => {
    const rows = generatedPage()
      .split("\n")
      .filter((l) => l.startsWith("| `"));
    for (const name of Object.keys(OPS) as OpName[]) {
      const row = rows.find((r) => r.startsWith(`| \`${name}\` |`));
      expect(row, `no table row for \`${name}\``).toBeDefined();
      for (const f of OPS[name].formals) expect(row, `${name}: argument ${f.name}`).toContain(`\`${f.name}\``);
    }
  });
});

const examplesDir = path.join(root, "examples");
const exampleFiles = fs
  .readdirSync(examplesDir)
  .filter((f) => f.endsWith(".sf"))
  .sort();

async function compileAndRun(file: string, network: string, settings: string[] = [], host: SourceHost = nodeHost()) {
  const r = compile({ file, host, network, settings: settings.map((text) => ({ text })) });
  expect(r.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([]);
  const graph = r.graph!;
  const { session } = await openSession(r.model!);
  const feeds = Object.fromEntries(graph.inputs.map((i) => [i.name, { data: deterministicClip([1, ...i.shape]), shape: [1, ...i.shape] }]));
  const outputs = await runModel(session, feeds);
  const [out] = Object.values(outputs);
  expect(out!.shape).toEqual([1, ...graph.outputs[0]!.shape]);
  expect(out!.data.every((v) => Number.isFinite(v))).toBe(true);
  return { graph, feeds, out: out! };
}

describe("examples/*.sf", () => {
  it("has examples, each with a walk-through", () => {
    expect(exampleFiles.length).toBeGreaterThanOrEqual(3);
    for (const f of exampleFiles) expect(fs.existsSync(path.join(root, "docs/examples", f.replace(/\.sf$/, ".md"))), f).toBe(true);
  });

  for (const f of exampleFiles) {
    const file = path.join(examplesDir, f);
    const checked = check({ files: [file], host: nodeHost() });
    it(`${f} checks cleanly`, () => {
      expect(checked.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([]);
      expect(checked.networks.length).toBeGreaterThan(0);
    });
    for (const n of checked.networks) {
      it(`${f}: ${n.name} compiles and runs through onnxruntime`, async () => {
        await compileAndRun(file, n.name);
      });
    }
  }

  /** A command line's words as the shell splits them: 'transform=tconv(ratio: 4)' is one. */
  function shellWords(line: string): string[] {
    return [...line.trim().matchAll(/'([^']*)'|(\S+)/g)].map((w) => w[1] ?? w[2]!);
  }

  /** `$ npx sfc check|info|compile ...` lines of a walk-through's text blocks, with the output shown under each. */
  function transcripts(markdown: string): Transcript[] {
    const out: Transcript[] = [];
    const blocks = markdown
      .split(/^```text\n/m)
      .slice(1)
      .map((b) => b.slice(0, b.indexOf("```")));
    for (const block of blocks) {
      const parts = block.split(/^\$ /m).slice(1);
      for (const part of parts) {
        const [command, ...rest] = part.split("\n");
        const m = /^npx sfc (check|info|compile) ([^&|>;]*)$/.exec(command!.trim());
        if (!m) continue;
        out.push({ args: [m[1]!, ...shellWords(m[2]!)], expected: rest.join("\n").replace(/\n+$/, "\n") });
      }
    }
    return out;
  }

  for (const f of exampleFiles) {
    const walkThrough = path.join(root, "docs/examples", f.replace(/\.sf$/, ".md"));
    if (!fs.existsSync(walkThrough)) continue;
    it(`docs/examples/${path.basename(walkThrough)} shows what check, info and compile print`, async () => {
      const shown = transcripts(fs.readFileSync(walkThrough, "utf8"));
      expect(shown.length).toBeGreaterThan(0);
      for (const transcript of shown) await expectPrinted(transcript);
    });
  }

  it("every other sfc compile line in README.md and docs/ shows what it prints", async () => {
    const shown = docPages().flatMap((page) => compileLines(fs.readFileSync(path.join(root, page), "utf8")).map((t) => ({ ...t, page })));
    expect(shown.length, "compile lines in the docs").toBeGreaterThan(0);
    for (const { page, ...transcript } of shown) await expectPrinted(transcript, page);
  });
  it("lateral_variants.sf: each transform runs; --set transform=tconv is the default; only C-wide links can be summed", async () => {
    const file = path.join(examplesDir, "lateral_variants.sf");
    const slowWidth = async (transform: string) => {
      const { graph, out } = await compileAndRun(file, "LateralVariants", [`transform=${transform}`]);
      // The head's linear reads gap(slow) ++ gap(fast): its input width is the Slow width plus βC = 4.
      const projection = graph.nodes.flatMap((n) => n.weights).find((w) => w.name === "head.projection.weight")!;
      return { width: projection.shape[1]! - 4, out: Array.from(out.data) };
    };
    const byDefault = await compileAndRun(file, "LateralVariants");
    const tconv = await slowWidth("tconv");
    expect(tconv.out).toEqual(Array.from(byDefault.out.data));
    expect(tconv.width).toBe(16 + 8);
    expect((await slowWidth("t2c")).width).toBe(16 + 16);
    expect((await slowWidth("tsample")).width).toBe(16 + 4);
    expect((await slowWidth("tconv(ratio: 4)")).width).toBe(16 + 16);
    expect((await slowWidth("none")).width).toBe(16);
    const summed = (transform: string) => [
      ...new Set(
        check({ files: [file], host: nodeHost(), settings: [{ text: `transform=${transform}` }, { text: "fusion=sum" }] }).diagnostics.map((d) => d.code),
      ),
    ];
    expect(summed("tsample")).toEqual(["SF0202"]);
    expect(summed("tconv")).toEqual(["SF0202"]);
    expect(summed("tconv(ratio: 4)")).toEqual([]);
    expect(summed("t2c")).toEqual([]);
  });

  it("slowfast_tiny.sf: the linspace sampling runs", async () => {
    await compileAndRun(path.join(examplesDir, "slowfast_tiny.sf"), "SlowFastTiny", ["sampling=linspace"]);
  });

  /** Compiles and runs a network written here, beside the repository's files. */
  async function runVirtual(source: string, network: string) {
    const virtual = path.join(root, `${network}.sf`);
    const disk = nodeHost();
    const host: SourceHost = { stdlib: disk.stdlib, readFile: (p) => (p === virtual ? source : disk.readFile(p)) };
    return compileAndRun(virtual, network, [], host);
  }

  it("slow_to_fast.sf's links: std.lateral's c2t is the inverse of t2c", async () => {
    const { feeds, out } = await runVirtual(
      `import std.lateral { c2t, t2c }
network RoundTrip(x: <T, S², αD>, T = 3, S = 5, α = 4, D = 2) -> <T, S², αD> {
  return x |> c2t(α: α) |> t2c(α: α, β: 1)
}
`,
      "RoundTrip",
    );
    expect(Array.from(out.data)).toEqual(Array.from(feeds.x!.data));
  });

  it("slow_to_fast.sf's links: std.lateral's tupsample repeats each Slow step over α frames", async () => {
    const [T, α, S, out] = [3, 4, 5, 2];
    const { out: y } = await runVirtual(
      `import std.lateral { tupsample }
network Up(x: <${T}, ${S}², 6>) -> <${α * T}, ${S}², ${out}> {
  return x |> tupsample(α: ${α}, out: ${out})
}
`,
      "Up",
    );
    const at = (c: number, f: number, p: number) => y.data[(c * α * T + f) * S * S + p]!;
    let differ = 0;
    for (let c = 0; c < out; c++)
      for (let t = 0; t < T; t++)
        for (let p = 0; p < S * S; p++) {
          for (let j = 1; j < α; j++) expect(at(c, α * t + j, p)).toBe(at(c, α * t, p));
          if (t > 0 && at(c, α * t, p) !== at(c, α * (t - 1), p)) differ++;
        }
    expect(differ, "the steps themselves differ").toBeGreaterThan(0);
  });
});

interface Transcript {
  readonly args: string[];
  /** What the doc shows under the command. */
  readonly expected: string;
}

/**
 * README.md and the markdown of docs/, but neither the walk-throughs of
 * docs/examples/, checked above, nor docs/diagnostics.md, generated from the
 * UI tests and checked with them.
 */
function docPages(): string[] {
  const pages = ["README.md"];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const rel = `${dir}/${entry.name}`;
      if (entry.isDirectory()) {
        if (rel !== "docs/examples") walk(rel);
      } else if (entry.name.endsWith(".md") && rel !== "docs/diagnostics.md") pages.push(rel);
    }
  };
  walk("docs");
  return pages;
}

/** The `$ npx sfc compile ...` and `$ sfc compile ...` lines of a page's code blocks, each with the lines under it up to a blank line. */
function compileLines(markdown: string): Transcript[] {
  const lines = markdown.split("\n");
  const out: Transcript[] = [];
  let inBlock = false;
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.startsWith("```")) {
      inBlock = !inBlock;
      continue;
    }
    const m = inBlock ? /^\$ (?:npx )?sfc compile ([^&|>;]*)$/.exec(lines[i]!) : null;
    if (!m) continue;
    const shown: string[] = [];
    for (i++; i < lines.length && lines[i] !== "" && !lines[i]!.startsWith("$ ") && !lines[i]!.startsWith("```"); i++) shown.push(lines[i]!);
    i--;
    out.push({ args: ["compile", ...m[1]!.trim().split(/\s+/)], expected: shown.map((l) => `${l}\n`).join("") });
  }
  return out;
}

/**
 * Runs a doc's command from the repository root and compares what it prints.
 * What `compile` writes (`-o FILE`, `--triton DIR`) goes to a temporary folder,
 * named in the output as the doc names it. A checkpoint the repository does not
 * have (`--weights SLOWFAST_8x8_R50.pkl`) is left out: its weights change neither
 * the nodes nor the size shown.
 */
async function expectPrinted({ args, expected }: Transcript, page?: string): Promise<void> {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-docs-"));
  const run: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const value = args[i + 1];
    if ((arg === "-o" || arg === "--triton") && value !== undefined) {
      run.push(arg, path.join(scratch, value));
      fs.mkdirSync(path.dirname(path.join(scratch, value)), { recursive: true });
      i++;
    } else if (arg === "--weights" && value !== undefined && !fs.existsSync(path.join(root, value))) {
      i++;
    } else run.push(arg);
  }
  const cwd = process.cwd();
  process.chdir(root);
  try {
    let printed = "";
    const io = { out: (t: string) => (printed += t), err: (t: string) => (printed += t), colorOut: false, colorErr: false };
    await main(run, io);
    expect(printed.split(`${scratch}${path.sep}`).join(""), `${page ? `${page}: ` : ""}sfc ${args.join(" ")}`).toBe(expected);
  } finally {
    process.chdir(cwd);
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}
