/**
 * The resource limits of compiler/limits.ts, each met by the input that once
 * ran away: a diagnostic with its own code, not a hang, a crash or gigabytes.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { check } from "../../compiler/index";
import { thousands } from "../../compiler/thousands";
import { IRBuilder } from "../../compiler/ir-builder";
import { DEFAULT_LIMITS, formatBytes, LIMIT_INFO, parseLimit } from "../../compiler/limits";
import { checkSource, codes, memoryHost } from "../support/compiler";
import { runNode } from "../support/node-process";
import { Workspace } from "../../lsp/workspace";

const blowUp = (depth: number): string => {
  const lines = ["block b0(x: <T, S², C>) -> <T, S², C> {\n  return x |> relu\n}"];
  for (let i = 1; i <= depth; i++) lines.push(`block b${i}(x: <T, S², C>) -> <T, S², C> {\n  return x |> b${i - 1} |> b${i - 1}\n}`);
  lines.push(`network N(clip: <4, 8², 3>) -> <4> {\n  return clip |> conv(out: 4) |> b${depth} |> gap\n}`);
  return `${lines.join("\n")}\n`;
};

/** A block with an `if` on each of n flags, and a network calling it. */
const forks = (n: number): string => {
  const flags = Array.from({ length: n }, (_, i) => `f${i}`);
  return (
    `block b(x: <T, S², C>, ${flags.map((f) => `${f}: bool`).join(", ")}) -> <T, S², C> {\n` +
    flags.map((f) => `  if ${f} { x = x |> relu }\n`).join("") +
    `  return x\n}\nnetwork N(x: <4, S², 3>, S = 8) -> <4, S², 3> {\n  return x |> b(${flags.map((f) => `${f}: true`).join(", ")})\n}\n`
  );
};

describe("limits", () => {
  it("each limit has its own code, and --limit spells them all", () => {
    const all = Object.values(LIMIT_INFO).map((i) => i.code);
    expect(new Set(all).size).toBe(all.length);
    expect(parseLimit("nodes=1e6")).toEqual({ name: "nodes", value: 1_000_000 });
    expect(parseLimit("tensor-elements=2^32")).toEqual({ name: "tensorElements", value: 2 ** 32 });
    expect(parseLimit("bogus=3")).toMatch(/no limit "bogus"/);
    expect(parseLimit("nodes=-3")).toMatch(/positive integer/);
  });

  it("41 blocks each calling the previous one twice stop at the node limit (SF0604)", () => {
    const r = checkSource(blowUp(41));
    expect(codes(r)).toEqual(["SF0604"]);
  });

  it("nested repeats of 100,000 × 100,000 stop at the node limit", () => {
    const r = checkSource(
      "block inner(x: <T, S², C>) -> <T, S², C> {\n  return x |> repeat 100000 relu()\n}\nnetwork N(clip: <4, 8², 3>) -> <4> {\n  return clip |> conv(out: 4) |> repeat 100000 inner() |> gap\n}\n",
    );
    expect(codes(r)).toEqual(["SF0604"]);
  });

  it("a pipe of 30,000 relus checks, with linear naming", () => {
    const r = checkSource(`network N(clip: <4, 8², 3>) -> <4> {\n  return clip |> conv(out: 4)${" |> relu".repeat(30_000)} |> gap\n}\n`);
    expect(r.diagnostics).toEqual([]);
    expect(r.networks[0]!.graph!.nodes).toHaveLength(30_002);
  });

  it("a block of 3,000 decided ifs checks: a body runs as one loop, not a call nested per statement", () => {
    const ifs = "  if f { x = x |> relu }\n".repeat(3000);
    const r = checkSource(
      `block b(x: <T, S², C>, f: bool) -> <T, S², C> {\n${ifs}  return x\n}\nnetwork N(x: <4, S², 3>, S = 8) -> <4, S², 3> {\n  return x |> b(f: true)\n}\n`,
    );
    expect(r.diagnostics).toEqual([]);
  });

  it("uniqueName still gives base, base_1, base_2 and skips taken names", () => {
    const b = new IRBuilder();
    expect([b.uniqueName("a"), b.uniqueName("a"), b.uniqueName("a_2"), b.uniqueName("a"), b.uniqueName("a")]).toEqual(["a", "a_1", "a_2", "a_3", "a_4"]);
  });

  it("frames(count: T) with T = 500,000,000 is SF0601 at once, not an out-of-memory abort", () => {
    const r = checkSource("network N(clip: <T, 8², 3>, T = 16) -> <4> {\n  return clip |> frames(count: T) |> conv(out: 4) |> gap\n}\n", ["T=500000000"]);
    expect(codes(r)).toEqual(["SF0601"]);
  });

  it("a model over 2 GiB (--set C=1000000000) is refused", () => {
    const r = checkSource("network N(clip: <4, 8², 3>, C = 8) -> <4> {\n  return clip |> conv(out: C) |> conv(out: 4) |> gap\n}\n", ["C=1000000000"]);
    expect(r.ok).toBe(false);
    expect(codes(r).some((c) => c === "SF0601" || c === "SF0602")).toBe(true);
  });

  it("constant(fill:) makes no array of its size: a billion elements is SF0602 at the call, 40 million check and compile in a small heap", () => {
    const fill = (type: string): string => `network K(clip: <4, 8², 3>) -> <4, 8², 3> {\n  x = constant(${type}, fill: 1)\n  return clip\n}\n`;
    const r = checkSource(fill("<100000, 100², 1>"));
    expect(codes(r)).toEqual(["SF0602"]);
    expect(r.diagnostics[0]!.primary.span.line).toBe(2);
    expect(r.diagnostics[0]!.message).toBe("the weights and constants would take more than 2 GiB by this op");
    // The language server runs the same check.
    const workspace = new Workspace();
    workspace.open("file:///k/main.sf", fill("<100000, 100², 1>"), 1);
    expect(codes(workspace.analysis("file:///k/main.sf")!.result)).toEqual(["SF0602"]);
    // An array of 40 million numbers took 3 GB: in a 200 MB heap check fits, and compile streams the 160 MB.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-fill-"));
    try {
      fs.writeFileSync(path.join(dir, "k.sf"), fill("<4000, 100², 1>"));
      for (const command of [["check"], ["compile", "-o", path.join(dir, "k.onnx")]]) {
        const run = runNode(["--max-old-space-size=200", "bin/sfc.js", command[0]!, path.join(dir, "k.sf"), ...command.slice(1)]);
        expect(run.err).not.toMatch(/out of memory|error[[:]/);
        expect(run.code).toBe(0);
      }
      expect(fs.statSync(path.join(dir, "k.onnx")).size).toBeGreaterThan(160_000_000);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("resize's interpolation matrix is bounded at the op before it is made: SF0602 and SF0601, and 10,000² compiles in a small heap", () => {
    const resize = (width: number): string =>
      `network R(clip: <1, 1×${width - 1}, 1>) -> <1> {\n  return clip |> resize(to: 1×1×${width}, mode: "linear") |> gap\n}\n`;
    const r = checkSource(resize(30_000));
    expect(codes(r)).toEqual(["SF0602"]);
    expect([r.diagnostics[0]!.primary.span.line, r.diagnostics[0]!.primary.span.column]).toEqual([2, 18]);
    const workspace = new Workspace();
    workspace.open("file:///r/main.sf", resize(30_000), 1);
    expect(codes(workspace.analysis("file:///r/main.sf")!.result)).toEqual(["SF0602"]);
    const raised = check({ files: ["main.sf"], host: memoryHost({ "main.sf": resize(50_000) }), limits: { modelBytes: 2 ** 40 } });
    expect(raised.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([
      "SF0601 `resize` would make a constant of 2,499,950,000 elements (49999 × 50000)",
    ]);
    // Its matrix as JS numbers took 3.9 GB; written in pieces, the 400 MB model needs little heap.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-resize-"));
    try {
      fs.writeFileSync(path.join(dir, "r.sf"), resize(10_000));
      const run = runNode(["--max-old-space-size=200", "bin/sfc.js", "compile", path.join(dir, "r.sf"), "-o", path.join(dir, "r.onnx")]);
      expect(run.err).not.toMatch(/out of memory|error[[:]/);
      expect(run.code).toBe(0);
      expect(fs.statSync(path.join(dir, "r.onnx")).size).toBeGreaterThan(9_999 * 10_000 * 4);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("30,000 stray characters give 100 diagnostics and one count", () => {
    const r = checkSource("@ ".repeat(30_000));
    expect(r.diagnostics).toHaveLength(DEFAULT_LIMITS.diagnosticsPerFile + 1);
    expect(r.diagnostics.at(-1)!.code).toBe("SF0605");
    expect(r.diagnostics.at(-1)!.message).toBe("29,900 more diagnostics in this file not shown");
  });

  it("20,000 unknown --set options are counted, not rendered one by one", () => {
    const settings = Array.from({ length: 20_000 }, (_, i) => `x${i}=1`);
    const r = checkSource("network N(clip: <4, 8², 3>) -> <4> {\n  return clip |> conv(out: 4) |> gap\n}\n", settings);
    expect(r.diagnostics).toHaveLength(DEFAULT_LIMITS.diagnosticsPerFile + 1);
    expect(r.diagnostics.at(-1)!.code).toBe("SF0605");
  });

  it("a chain of 600 blocks each calling the last is SF0003 at the 200th call, and past a raised limit at the network", () => {
    const chain = (n: number): string =>
      Array.from({ length: n }, (_, i) => `block b${i}(x: <T, S², C>) -> <T, S², C> { return x |> ${i === 0 ? "relu" : `b${i - 1}`} }\n`).join("") +
      `network N(x: <4, S², 3>, S = 8) -> <4, S², 3> {\n  return x |> b${n - 1}\n}\n`;
    const r = checkSource(chain(600));
    expect(codes(r)).toEqual(["SF0003"]);
    expect(r.diagnostics[0]!.message).toMatch(/nested more than 200 deep/);
    expect(r.diagnostics[0]!.primary.span.line).toBe(401);
    // Raised to the most --limit allows, calls can outgrow the stack first (a smaller stack makes sure they do here):
    // still SF0003, at the network, never a crash.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-chain-"));
    try {
      fs.writeFileSync(path.join(dir, "chain.sf"), chain(1000));
      const raised = runNode(["--stack-size=300", "bin/sfc.js", "check", path.join(dir, "chain.sf"), "--limit", "nesting=1000"]);
      expect(raised.err).toMatch(/^error\[SF0003\]: network `N` nests block calls and expressions deeper than sfc's stack holds/);
      expect(raised.err).toMatch(/help: --limit nesting=1000 allows more than the stack can take/);
      expect(raised.code).toBe(1);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a block with forty ifs on forty flags is SF0608, not 2⁴⁰ checks", () => {
    const r = checkSource(forks(40));
    expect(codes(r)).toEqual(["SF0608"]);
    expect(r.diagnostics[0]!.message).toBe("checking this body would follow more than 4,096 paths");
    // Every path stopped before its return: that is the limit's doing, not a body without one (SF0210).
    const one = check({ files: ["main.sf"], host: memoryHost({ "main.sf": forks(3) }), limits: { branches: 1 } });
    expect(one.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual(["SF0608 checking this body would follow more than 1 path"]);
  });

  it("a chain of 199 blocks, each with expressions 120 deep, is SF0003 at the network, with advice for the source", () => {
    const deep = (i: number) => `${"relu(".repeat(120)}${i === 0 ? "x" : `b${i - 1}(x)`}${")".repeat(120)}`;
    const r = checkSource(
      Array.from({ length: 199 }, (_, i) => `block b${i}(x: <T, S², C>) -> <T, S², C> { return ${deep(i)} }\n`).join("") +
        "network N(x: <4, S², 3>, S = 8) -> <4, S², 3> {\n  return x |> b198\n}\n",
    );
    expect(codes(r)).toEqual(["SF0003"]);
    expect(r.diagnostics[0]!.message).toBe("network `N` nests block calls and expressions deeper than sfc's stack holds");
    expect(r.diagnostics[0]!.help).toMatch(/^make the chain of blocks calling one another shorter/);
  });

  it("a lowered limit of the whole network is one error, at the first op past it, in the unit it reads best in", () => {
    // Two pipelines, each past the limits on its own: every op after the first over them is over them too.
    const two =
      "network N(clip: <4, 8², 3>) -> <4> {\n  a = clip |> conv(out: 8) |> relu |> conv(out: 8) |> relu\n  b = clip |> conv(out: 8) |> relu |> conv(out: 8) |> relu\n  return add(a, b) |> conv(out: 4) |> gap\n}\n";
    const nodes = check({ files: ["main.sf"], host: memoryHost({ "main.sf": two }), limits: { nodes: 3 } });
    expect(codes(nodes)).toEqual(["SF0604"]);
    expect(nodes.diagnostics[0]!.primary.span.line).toBe(2);
    const bytes = check({ files: ["main.sf"], host: memoryHost({ "main.sf": two }), limits: { modelBytes: 300 } });
    expect(codes(bytes)).toEqual(["SF0602"]);
    expect(bytes.diagnostics[0]!.message).toBe("the weights would take more than 300 bytes by this op");
    // The ONNX bound is the note of the default only: a lowered limit is the user's own.
    expect(bytes.diagnostics[0]!.notes).toEqual([]);
    expect(bytes.diagnostics[0]!.help).toBe("the limit is 300 bytes of weights; raise it with --limit model-bytes=N");
    expect([1, 999, 1500, 100_000, 2_500_000, 123_456_789, 2 ** 31, 1.5 * 2 ** 30].map(formatBytes)).toEqual([
      "1 byte",
      "999 bytes",
      "1.5 KB",
      "100 KB",
      "2.5 MB",
      "123.5 MB",
      "2 GiB",
      "1.5 GiB",
    ]);
  });

  it("a source at the default source-bytes checks in a 1 GB heap: a list of numbers 256 KiB long, the costliest source per byte", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-list-"));
    try {
      const numbers = (DEFAULT_LIMITS.sourceBytes - 20) >> 1;
      const source = `param P = [${Array(numbers).fill("1").join(",")}]\n`;
      expect(Buffer.byteLength(source)).toBeLessThanOrEqual(DEFAULT_LIMITS.sourceBytes);
      fs.writeFileSync(path.join(dir, "list.sf"), source);
      const run = runNode(["--max-old-space-size=1000", "bin/sfc.js", "check", path.join(dir, "list.sf")]);
      // A list is no parameter value: the check runs to its end and reports that, rather than running out of memory.
      expect(run.err).not.toMatch(/out of memory/);
      expect(run.err).toMatch(/^error\[SF0112\]/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);

  it("brackets nest to 128 in a check and in the language server; the 129th is SF0003 there, whatever --limit nesting says", () => {
    const nested = (n: number) => `param P = ${"(".repeat(n)}1${")".repeat(n)}\n`;
    expect(codes(checkSource(nested(128)))).toEqual([]);
    const workspace = new Workspace();
    workspace.open("file:///b/main.sf", nested(128), 1);
    expect(codes(workspace.analysis("file:///b/main.sf")!.result)).toEqual([]);
    for (const nesting of [200, 1000]) {
      const r = check({ files: ["main.sf"], host: memoryHost({ "main.sf": nested(129) }), limits: { nesting } });
      expect(r.diagnostics.map((d) => `${d.code} ${d.primary.span.column} ${d.message}`)).toEqual([
        "SF0003 139 brackets nested deeper than 128 levels, the most the parser takes",
      ]);
    }
  });

  it("a source past 256 KiB is SF0610 and is not parsed: a list of numbers 2 MiB long is refused at once, not 3 GB later", () => {
    const list = Array.from({ length: 540_000 }, (_, i) => String((i % 97) + 1)).join(", ");
    const source = `param xs = [${list}]\n`;
    const r = checkSource(source);
    expect(r.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([`SF0610 main.sf is ${thousands(Buffer.byteLength(source))} bytes, too large to parse`]);
    const raised = check({ files: ["main.sf"], host: memoryHost({ "main.sf": "param xs = [1, 2, 3]\n" }), limits: { sourceBytes: 10 } });
    expect(codes(raised)).toEqual(["SF0610"]);
    // Imported, it is reported at the import, and the names taken from it are quiet where they are used.
    const imported = check({
      files: ["main.sf"],
      host: memoryHost({
        "main.sf": 'import "./big.sf" { widen }\nnetwork N(clip: <4, 8², 3>) -> <4, 8², 3> {\n  return clip |> widen(out: 3)\n}\n',
        "big.sf": `// ${"x".repeat(200)}\nblock widen(x: <T, S², C>, out: int) -> <T, S², out> {\n  return conv(x, out: out)\n}\n`,
      }),
      limits: { sourceBytes: 200 },
    });
    expect(imported.diagnostics.map((d) => `${d.code} ${d.primary.span.file}:${d.primary.span.line} ${d.message}`)).toEqual([
      'SF0610 main.sf:1 "./big.sf" is 290 bytes, too large to parse',
    ]);
  });

  it("a limit raised through the API is the one applied", () => {
    const r = check({ files: ["main.sf"], host: memoryHost({ "main.sf": blowUp(6) }), limits: { nodes: 50 } });
    expect(codes(r)).toEqual(["SF0604"]);
    const ok = check({ files: ["main.sf"], host: memoryHost({ "main.sf": blowUp(6) }), limits: { nodes: 500 } });
    expect(ok.diagnostics).toEqual([]);
  });
});
