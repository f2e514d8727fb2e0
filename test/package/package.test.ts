/**
 * The published package: its name, what it ships, and that everything but
 * `sfc run` works without onnxruntime-node (an optional peer dependency).
 * The CLI runs as a child process from the built dist/, as a user runs it.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "../..");
const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as {
  name: string;
  bin: Record<string, string>;
  dependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional?: boolean }>;
  scripts: Record<string, string>;
};
const work = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-package-"));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** Runs bin/sfc.js with the named modules made unresolvable. */
function sfcWithout(blocked: readonly string[], ...args: string[]): { code: number | null; out: string; err: string } {
  return sfcWith(blocked, {}, ...args);
}

function sfcWith(blocked: readonly string[], env: Record<string, string>, ...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, ["-r", path.join(root, "test/support/block-modules.cjs"), path.join(root, "bin/sfc.js"), ...args], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, BLOCK: blocked.join(","), NO_COLOR: "1", ...env },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe("the package", () => {
  it("is named slowfast-compiler and keeps the sfc bin", () => {
    expect(pkg.name).toBe("slowfast-compiler");
    expect(Object.keys(pkg.bin)).toEqual(["sfc"]);
  });

  it("takes onnxruntime-node as an optional peer dependency only", () => {
    expect(pkg.dependencies["onnxruntime-node"]).toBeUndefined();
    expect(pkg.peerDependencies["onnxruntime-node"]).toBeDefined();
    expect(pkg.peerDependenciesMeta["onnxruntime-node"]?.optional).toBe(true);
  });

  it("ships the CLI, the library, the standard library, docs and LICENSE, and no tests or helper scripts", () => {
    // --ignore-scripts: prepack would rebuild dist/ under the other tests' feet.
    const r = spawnSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: root, encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    const [info] = JSON.parse(r.stdout) as Array<{ name: string; files: Array<{ path: string }> }>;
    expect(info!.name).toBe("slowfast-compiler");
    const files = info!.files.map((f) => f.path);
    for (const f of [
      "LICENSE",
      "README.md",
      "package.json",
      "bin/sfc.js",
      "dist/cli/main.js",
      "dist/compiler/index.js",
      "dist/compiler/index.d.ts",
      "stdlib/slowfast.sf",
      "docs/diagnostics.md",
    ])
      expect(files).toContain(f);
    const stray = files.filter(
      (f) => /^(test|scripts|bench|examples|grammar|compiler|cli|runtime|lsp|editors)\//.test(f) || f.startsWith("dist/test/") || f === ".npmrc",
    );
    expect(stray).toEqual([]);
  });

  it("runs nothing when installed: no install or prepare script, which npm would ask its user to allow", () => {
    expect(Object.keys(pkg.scripts).filter((s) => /^(pre|post)?(install|prepare)$/.test(s))).toEqual([]);
  });

  it("maps each built file to its TypeScript source, held in the map: the package ships no .ts", () => {
    const map = JSON.parse(fs.readFileSync(path.join(root, "dist/compiler/index.js.map"), "utf8")) as { sources: string[]; sourcesContent?: string[] };
    expect(map.sources).toEqual(["../../compiler/index.ts"]);
    expect(map.sourcesContent?.[0]).toBe(fs.readFileSync(path.join(root, "compiler/index.ts"), "utf8"));
  });

  it("has no .npmrc: the onnxruntime skip setting is the ONNXRUNTIME_NODE_INSTALL environment variable", () => {
    expect(fs.existsSync(path.join(root, ".npmrc"))).toBe(false);
    expect(fs.readFileSync(path.join(root, ".ci/run"), "utf8")).toMatch(/ONNXRUNTIME_NODE_INSTALL=skip/);
  });
});

describe("without onnxruntime-node", () => {
  const blocked = ["onnxruntime-node"];

  it("checks, compiles and reports", () => {
    const checked = sfcWithout(blocked, "check", "examples/slowfast_tiny.sf");
    expect(checked.err).toMatch(/no errors/);
    expect(checked.code).toBe(0);
    const out = path.join(work, "tiny.onnx");
    const compiled = sfcWithout(blocked, "compile", "examples/slowfast_tiny.sf", "-o", out);
    expect(compiled.code, compiled.err).toBe(0);
    expect(fs.statSync(out).size).toBeGreaterThan(1000);
    const info = sfcWithout(blocked, "info", "std/slowfast.sf", "--network", "SlowFast_4x16_R50", "--set", "S=256");
    expect(info.code, info.err).toBe(0);
    expect(info.out).toMatch(/34,480,216/);
    const graph = sfcWithout(blocked, "graph", "std/slowfast.sf", "--network", "SlowFast_4x16_R50", "--format", "svg");
    expect(graph.code, graph.err).toBe(0);
    expect(graph.out).toContain("<svg");
  });

  it("sfc run says how to add it, and exits 2 before compiling anything", () => {
    const ran = sfcWithout(blocked, "run", "examples/slowfast_tiny.sf");
    expect(ran.code).toBe(2);
    expect(ran.out).toBe("");
    expect(ran.err).toMatch(/needs onnxruntime-node, an optional peer dependency/);
    expect(ran.err).toMatch(/npm install onnxruntime-node/);
    expect(ran.err).toMatch(/ONNXRUNTIME_NODE_INSTALL=skip npm install onnxruntime-node/);
    expect(ran.err).not.toMatch(/\n\s+at /); // no stack trace
    // One line, with nothing printed escaped.
    expect(ran.err.split("\n")).toHaveLength(2);
    expect(ran.err).not.toMatch(/\\x/);
  });
});

describe("loading only what a command needs", () => {
  // The module graph of dist/ (the bundle holds protobufjs inside, initialised the same way: on first use).
  const plain = { SFC_NO_BUNDLE: "1" };

  it("checks and reports without protobufjs: only writing a model loads it", () => {
    const blocked = ["onnxruntime-node", "onnx-proto", "protobufjs"];
    const checked = sfcWith(blocked, plain, "check", "examples/slowfast_tiny.sf");
    expect(checked.code, checked.err).toBe(0);
    const info = sfcWith(blocked, plain, "info", "examples/slowfast_tiny.sf");
    expect(info.code, info.err).toBe(0);
    const compiled = sfcWith(blocked, plain, "compile", "examples/slowfast_tiny.sf", "-o", path.join(work, "never.onnx"));
    expect(compiled.code).toBe(2);
    expect(compiled.err).toMatch(/onnx-proto/);
  });
});

describe("a fresh clone", () => {
  it("needs nothing beside the repository: no tracked file reaches into a sibling folder", () => {
    const r = spawnSync("git", ["ls-files", "-z"], { cwd: root, encoding: "utf8" });
    expect(r.status).toBe(0);
    // Split so that this file does not match itself.
    const sibling = new RegExp(["\\.\\./", "shared/"].join("") + "|(^|[^:\\w])" + ["/work", "/"].join(""));
    const offenders = r.stdout
      .split("\0")
      .filter((f) => f !== "" && !f.startsWith("test/fixtures/") && fs.existsSync(path.join(root, f)))
      .filter((f) => sibling.test(fs.readFileSync(path.join(root, f), "latin1")));
    expect(offenders).toEqual([]);
  });
});
