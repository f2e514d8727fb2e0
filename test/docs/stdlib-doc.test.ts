/**
 * docs/stdlib.md, the reference of the standard library, kept honest:
 *  - every block and network declared in stdlib/*.sf is in it, each block
 *    under a heading of its own; its ```sf-signature blocks are exactly the
 *    declarations' signatures (without bodies and comments) and aliases, each
 *    declaration once;
 *  - every row of its count tables (a table whose header has `network` and
 *    `params`) is what elaborateOnly + countGraph give: parameters, GFLOPs at
 *    the table's S (`GFLOPs @224`, `GFLOPs @256`, or as declared: `GFLOPs`),
 *    exact `flops`, the input shape, and any reference figure it claims to
 *    match; settings are the row's `NAME=VALUE` cells, the file its `file`
 *    cell (a ```sf file=NAME block of the doc) or std/slowfast.sf;
 *  - each ```sf file=NAME block checks cleanly, or `sfc check NAME` prints
 *    the error of the ```text block that follows it, all of it; every other ```sf block
 *    checks cleanly;
 *  - the non-local arithmetic, the frame indices, the time-to-channel order
 *    (run through onnxruntime) and the `sfc info` output it quotes.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { check, compile, elaborateOnly, type IRGraph } from "../../compiler/index";
import { countGraph } from "../../compiler/report/counts";
import { main } from "../../cli/main";
import { openSession, runModel } from "../../runtime/session";
import { memoryHost } from "../support/compiler";
import { stdlibNetworks } from "../support/stdlib-networks";

const root = path.resolve(__dirname, "../..");
const doc = fs.readFileSync(path.join(root, "docs/stdlib.md"), "utf8");
const stdlibFiles = fs
  .readdirSync(path.join(root, "stdlib"))
  .filter((f) => f.endsWith(".sf"))
  .map((f) => ({ file: f, text: fs.readFileSync(path.join(root, "stdlib", f), "utf8") }));

const squash = (s: string): string => s.replace(/\s+/g, " ").trim();
const thousands = (n: number): string => n.toLocaleString("en-US");
const gflops = (flops: number): string => (flops / 1e9).toFixed(2);

// ---------------------------------------------------------------------------
// The doc's code blocks and tables
// ---------------------------------------------------------------------------

interface Fence {
  readonly info: string;
  readonly body: string;
  /** Index of the fence's first line. */
  readonly line: number;
}

const lines = doc.split("\n");
const fences: Fence[] = [];
for (let i = 0; i < lines.length; i++) {
  const open = /^```(.*)$/.exec(lines[i]!);
  if (!open) continue;
  const start = i;
  const body: string[] = [];
  for (i++; i < lines.length && lines[i] !== "```"; i++) body.push(lines[i]!);
  fences.push({ info: open[1]!.trim(), body: body.join("\n"), line: start });
}
const sfFences = fences.filter((f) => /^sf(\s|$)/.test(f.info));
const signatureFences = fences.filter((f) => f.info === "sf-signature");
const docFiles: Record<string, string> = Object.fromEntries(
  sfFences.flatMap((f) => {
    const name = /\bfile=(\S+)/.exec(f.info)?.[1];
    return name ? [[name, `${f.body}\n`]] : [];
  }),
);
const host = memoryHost(docFiles);

interface Table {
  readonly header: string[];
  readonly rows: string[][];
  readonly line: number;
}

const cells = (row: string): string[] =>
  row
    .trim()
    .replace(/^\|/, "")
    .replace(/\|$/, "")
    .split("|")
    .map((c) => c.trim());
const tables: Table[] = [];
for (let i = 0; i < lines.length; i++) {
  if (!lines[i]!.startsWith("|") || !/^\|[\s|:-]+\|$/.test(lines[i + 1] ?? "")) continue;
  const header = cells(lines[i]!);
  const rows: string[][] = [];
  const start = i;
  for (i += 2; i < lines.length && lines[i]!.startsWith("|"); i++) rows.push(cells(lines[i]!));
  tables.push({ header, rows, line: start + 1 });
}
const backticked = (cell: string): string[] => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);

// ---------------------------------------------------------------------------
// Elaboration, once per (file, network, settings)
// ---------------------------------------------------------------------------

interface Measured {
  readonly graph: IRGraph;
  readonly params: number;
  readonly flops: number;
}

const cache = new Map<string, Measured>();
function measure(file: string, network: string, settings: readonly string[]): Measured {
  const key = `${file} ${network} ${settings.join(" ")}`;
  const known = cache.get(key);
  if (known) return known;
  const r = elaborateOnly({ file, host, network, settings: settings.map((text) => ({ text })) });
  expect(
    r.diagnostics.map((d) => `${d.code} ${d.message}`),
    key,
  ).toEqual([]);
  const c = countGraph(r.graph!);
  const m = { graph: r.graph!, params: c.params, flops: c.flops };
  cache.set(key, m);
  return m;
}

// ---------------------------------------------------------------------------

describe("docs/stdlib.md names the whole standard library", () => {
  const declared = (kind: "block" | "network") => stdlibFiles.flatMap(({ text }) => [...text.matchAll(new RegExp(`^${kind} (\\w+)`, "gm"))].map((m) => m[1]!));

  it("finds the declarations", () => {
    expect(declared("block")).toHaveLength(15);
    expect(declared("network").length).toBeGreaterThanOrEqual(11);
  });

  it("mentions every network", () => {
    for (const name of declared("network")) expect(doc, name).toContain(`\`${name}\``);
  });

  it("gives every block a heading", () => {
    for (const name of declared("block")) expect(doc, name).toMatch(new RegExp(`^### \`${name}\`$`, "m"));
  });

  it("shows each declaration's signature exactly, once, and nothing else as a signature", () => {
    // A declaration's signature: from `block`/`network` to the `{` that opens
    // its body, or an alias's whole line; comments dropped, spaces squashed.
    const declaredSignatures = stdlibFiles.flatMap(({ text }) => {
      const code = text.replace(/\/\/.*$/gm, "");
      return [...code.matchAll(/^(?:block|network) \w+/gm)].map((m) => {
        const from = m.index!;
        const alias = /^network \w+ =/.test(code.slice(from));
        const end = alias ? code.indexOf("\n", from) : code.indexOf("{\n", code.indexOf("->", from));
        return squash(code.slice(from, end));
      });
    });
    expect(declaredSignatures.length).toBe(declared("block").length + declared("network").length);
    const shown = signatureFences.flatMap((f) => f.body.split(/^(?=block |network )/m).map(squash));
    expect(shown.length, "signature blocks").toBeGreaterThan(0);
    expect([...shown].sort()).toEqual([...declaredSignatures].sort());
  });

  it("quotes the aliases and the names maps as slowfast.sf declares them", () => {
    const slowfast = stdlibFiles.find((f) => f.file === "slowfast.sf")!.text;
    const aliases = [...slowfast.matchAll(/^network \w+ = .*$/gm)].map((m) => m[0]);
    expect(aliases).toHaveLength(9);
    for (const a of aliases) expect(doc).toContain(a);
    for (const m of slowfast.matchAll(/^names \w+ \{\n[\s\S]*?^\}/gm)) expect(doc).toContain(m[0]);
  });
});

describe("docs/stdlib.md count tables are the compiler's", () => {
  const countTables = tables.filter((t) => t.header.includes("network") && t.header.includes("params"));

  it("has the tables: generic networks, named models, Table 5, non-local, aliases", () => {
    expect(countTables.length).toBeGreaterThanOrEqual(5);
    const named = countTables.flatMap((t) => t.rows.map((r) => backticked(r[0]!)[0]));
    const { generic, named: models } = stdlibNetworks();
    expect(generic).toEqual(["SlowFast", "SlowOnly"]);
    expect(models).toHaveLength(9);
    for (const n of [...generic, ...models]) expect(named, n).toContain(n);
  });

  for (const table of countTables) {
    const col = (name: string) => table.header.indexOf(name);
    for (const row of table.rows) {
      const network = backticked(row[col("network")]!)[0]!;
      const file = col("file") >= 0 ? backticked(row[col("file")]!)[0]! : "std/slowfast.sf";
      const settings = col("settings") >= 0 ? backticked(row[col("settings")]!).filter((s) => /^\S+=\S+$/.test(s)) : [];
      const title = `line ${table.line}: ${network}${settings.length ? ` ${settings.join(" ")}` : ""}`;
      it(title, () => {
        const checked: string[] = [];
        const at = (side: number | undefined) => measure(file, network, side === undefined ? settings : [...settings, `S=${side}`]);
        for (const [i, head] of table.header.entries()) {
          const cell = row[i]!;
          const side = /^GFLOPs @(\d+)$/.exec(head)?.[1];
          if (side) {
            expect(cell, `${head}`).toBe(gflops(at(Number(side)).flops));
            checked.push(head);
          } else if (head === "GFLOPs") {
            expect(cell).toBe(gflops(at(undefined).flops));
            checked.push(head);
          } else if (head === "flops") {
            expect(cell).toBe(thousands(at(undefined).flops));
            checked.push(head);
          } else if (head === "params") {
            expect(cell).toBe(thousands(at(undefined).params));
            checked.push(head);
          } else if (/^`clip` at S = (\d+)$/.test(head)) {
            const s = Number(/(\d+)$/.exec(head)![1]);
            const graph = at(s).graph;
            expect(graph.inputs.map((x) => x.name)).toEqual(["clip"]);
            expect(cell).toBe(`(${["N", ...graph.inputs[0]!.shape].join(", ")})`);
            expect(graph.outputs.map((o) => [o.name, ...o.shape])).toEqual([["logits", 400]]);
            checked.push(head);
          } else if (/^reference @256$/.test(head)) {
            // A reference figure in the table is one the measurement matches:
            // "params; GFLOPs" or a GFLOPs figure before the paper's in brackets.
            const pair = /^([\d,]+); ([\d.]+)/.exec(cell);
            const single = /^([\d.]+) \(/.exec(cell);
            if (pair) {
              expect(pair[1]).toBe(thousands(at(256).params));
              expect(pair[2]).toBe(gflops(at(256).flops));
            } else if (single) expect(single[1]).toBe(gflops(at(256).flops));
          }
        }
        expect(checked.length, "a count to check").toBeGreaterThan(0);
      });
    }
  }

  it("the three non-local blocks are the difference between the 16×8 models, and the paragraph's sums hold", () => {
    const pooled1 = measure("nl_cost.sf", "NL_pool1x2", []).flops;
    const pooled2 = measure("nl_cost.sf", "NL_pool2x2", []).flops;
    const nl = measure("std/slowfast.sf", "SlowFast_16x8_R101_50_50_NL", ["S=256"]).flops;
    const nlPool1 = measure("std/slowfast.sf", "SlowFast_16x8_R101_50_50_NL", ["S=256", "nonlocal_pool_t=1"]).flops;
    const plain = measure("std/slowfast.sf", "SlowFast_16x8_R101_50_50", ["S=256"]).flops;
    expect(3 * pooled2).toBe(nl - plain);
    expect(3 * pooled1).toBe(nlPool1 - plain);
    const text = squash(doc.slice(doc.indexOf("### The non-local model"), doc.indexOf("```sf file=nl_cost.sf")));
    expect(text).toContain(`${thousands(pooled2)} multiply-adds, and ${thousands(plain)} + 3 × ${thousands(pooled2)} = ${thousands(nl)}`);
    expect(text).toContain(
      `each block costs ${thousands(pooled1)} and the network 3 × ${thousands(pooled1)} more than the plain one: ${gflops(nlPool1)} GFLOPs`,
    );
    expect(text).toContain(`${gflops(nl)} GFLOPs at 256`);
  });
});

describe("docs/stdlib.md examples check as shown", () => {
  for (const f of sfFences) {
    const file = /\bfile=(\S+)/.exec(f.info)?.[1];
    if (!file) continue;
    // The ```text block right after (a sentence away at most) shows what `sfc check` says.
    const next = fences.find((g) => g.line > f.line);
    const shown = next && next.info === "text" && next.line - f.line - f.body.split("\n").length <= 6 ? next.body : undefined;
    const error = shown ? /^error\[(SF\d{4})\]: (.*)$/m.exec(shown) : null;
    it(`${file}: ${error ? `reports ${error[1]}, as shown` : "checks cleanly"}`, async () => {
      const result = check({ files: [file], host });
      const found = result.diagnostics.map((d) => `${d.code} ${d.message}`);
      if (!error) {
        expect(found).toEqual([]);
        return;
      }
      expect(found).toContain(`${error[1]} ${error[2]}`);
      // All of it, as `sfc check FILE` prints it beside the doc's other files.
      expect(await sfcCheckPrints(file)).toBe(`${shown}\n`);
    });
  }

  for (const f of sfFences.filter((g) => !/\bfile=/.test(g.info))) {
    it(`the sf block at line ${f.line + 1} checks cleanly`, () => {
      const file = `line${f.line + 1}.sf`;
      const result = check({ files: [file], host: memoryHost({ ...docFiles, [file]: `${f.body}\n` }) });
      expect(result.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([]);
    });
  }

  it("the fractional width is fixed by --set Cf=10", () => {
    const r = check({ files: ["beta6.sf"], host, settings: [{ text: "Cf=10" }] });
    expect(r.diagnostics).toEqual([]);
    expect(doc).toContain("sfc check beta6.sf --set Cf=10");
  });

  it("fusion=sum with the T-conv link is refused with the error quoted, once", () => {
    const r = elaborateOnly({ file: "std/slowfast.sf", host, network: "SlowFast_4x16_R50", settings: [{ text: "fusion=sum" }] });
    const first = r.diagnostics[0]!;
    expect(r.diagnostics.map((d) => d.code)).toEqual(["SF0202"]);
    expect(doc).toContain(`\`error[${first.code}]: ${first.message}\``);
  });

  it("the sfc info output quoted is what sfc info prints", async () => {
    const quoted = fences.find((f) => f.info === "text" && f.body.startsWith("SlowFast_4x16_R50: input clip"))!;
    expect(quoted).toBeDefined();
    let out = "";
    const io = { out: (t: string) => (out += t), err: () => undefined, colorOut: false, colorErr: false };
    expect(await main(["info", "std/slowfast.sf", "--network", "SlowFast_4x16_R50"], io)).toBe(0);
    expect(`${quoted.body}\n`).toBe(out);
  });
});

/** What `sfc check FILE` prints in a folder holding the doc's ```sf file=NAME blocks. */
async function sfcCheckPrints(file: string): Promise<string> {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-stdlib-doc-"));
  const cwd = process.cwd();
  try {
    for (const [name, text] of Object.entries(docFiles)) fs.writeFileSync(path.join(folder, name), text);
    process.chdir(folder);
    let printed = "";
    const io = { out: (t: string) => (printed += t), err: (t: string) => (printed += t), colorOut: false, colorErr: false };
    await main(["check", file], io);
    return printed;
  } finally {
    process.chdir(cwd);
    fs.rmSync(folder, { recursive: true, force: true });
  }
}

describe("docs/stdlib.md frame selection and channel order", () => {
  const table = tables.find((t) => t.header[0] === "α, T")!;

  it("has the frame table", () => expect(table?.rows.length).toBeGreaterThanOrEqual(2));

  for (const row of table?.rows ?? []) {
    it(`α, T = ${row[0]}: the Slow frames of stride and linspace`, () => {
      const [alpha, t] = row[0]!.split(",").map((s) => Number(s.trim()));
      for (const [sampling, cell] of [
        ["stride", row[1]!],
        ["linspace", row[2]!],
      ] as const) {
        const graph = measure("std/slowfast.sf", "SlowFast", [`alpha=${alpha}`, `T=${t}`, `sampling=${sampling}`, "S=32"]).graph;
        const node = graph.nodes.find((n) => n.op.kind === "frames")!;
        const op = node.op as { kind: string; indices?: number[]; from?: number; every?: number };
        const count = graph.values.get(node.outputs[0]!)!.shape[1]!;
        const indices = op.indices ?? Array.from({ length: count }, (_, i) => op.from! + i * op.every!);
        expect(indices.join(", "), sampling).toBe(cell);
      }
    });
  }

  it("time-to-channel: output channel j·βC + c at step t is Fast channel c at frame α·t + j", async () => {
    expect(squash(doc)).toContain("output channel `j·βC + c` at step `t` is Fast channel `c` at frame `α·t + j`");
    const [alpha, t, fastC, side] = [3, 2, 2, 2];
    const source = `import std.lateral { t2c }
network T2C(clip: <αT, S², βC>, T = ${t}, α = ${alpha}, β: rat = 1/2, S = ${side}, C = ${2 * fastC}) -> <T, S², αβC> {
  return clip |> t2c(α: α, β: β)
}
`;
    const r = compile({ file: "t2c.sf", host: memoryHost({ "t2c.sf": source }) });
    expect(r.diagnostics).toEqual([]);
    const frames = alpha * t;
    const px = side * side;
    const data = new Float32Array(fastC * frames * px);
    for (let c = 0; c < fastC; c++) for (let f = 0; f < frames; f++) data.fill(100 * c + f, (c * frames + f) * px, (c * frames + f + 1) * px);
    const { session } = await openSession(r.model!, { ep: "cpu" });
    const out = Object.values(await runModel(session, { clip: { data, shape: [1, fastC, frames, side, side] } }))[0]!;
    expect(out.shape).toEqual([1, alpha * fastC, t, side, side]);
    for (let j = 0; j < alpha; j++)
      for (let c = 0; c < fastC; c++) for (let s = 0; s < t; s++) expect(out.data[((j * fastC + c) * t + s) * px]).toBe(100 * c + (alpha * s + j));
  });
});
