/**
 * The standard library's syntax trees built with the bundle
 * (cli/prebuilt-stdlib.ts, dist/sfc.js.stdlib): the bundled CLI reads them
 * instead of parsing, but only for the build that made them, for exactly the
 * text they were built from and under limits no tighter than theirs; else,
 * and when the file is damaged, it parses. Either way it gives what the plain
 * build gives.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { repositoryRoot, runNode } from "../support/node-process";

const root = repositoryRoot;
const loadCli = path.join(root, "bin", "load-cli.js");
const sidecar = path.join(root, "dist", "sfc.js.stdlib");
const work = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-prebuilt-"));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const buildId = (): string => fs.readFileSync(path.join(root, "dist", "sfc.js"), "utf8").slice(14, 78);

/**
 * Runs the bundle's CLI with its trees taken from `trees` (a file written
 * here) instead of the build's own; prints the exit code, then what it wrote.
 */
function withTrees(trees: string, args: string[]): { code: number; out: string } {
  const file = path.join(work, `trees-${Math.random().toString(36).slice(2)}.stdlib`);
  fs.writeFileSync(file, trees);
  const probe = `
    const { runBundle } = require(${JSON.stringify(loadCli)});
    const { exports, id } = runBundle(true);
    exports.usePrebuiltStdlib(${JSON.stringify(file)}, id);
    let text = "";
    const io = { out: (s) => { text += s; }, err: (s) => { text += s; }, colorOut: false, colorErr: false };
    exports.main(${JSON.stringify(args)}, io).then((code) => console.log(JSON.stringify({ code, out: text })));`;
  const r = runNode(["-e", probe]);
  expect(r.code, r.err).toBe(0);
  return JSON.parse(r.out) as { code: number; out: string };
}

/** The build's trees with SlowFast_4x16_R50 renamed in the tree alone: a compile that finds Prebuilt_R50 read the tree. */
function renamedInTree(): { id: string; json: string } {
  const whole = fs.readFileSync(sidecar, "utf8");
  const json = whole.slice(64);
  const renamed = json.replaceAll('"name":"SlowFast_4x16_R50"', '"name":"Prebuilt_R50"');
  expect(renamed).not.toBe(json);
  return { id: whole.slice(0, 64), json: renamed };
}

const INFO = (network: string, ...extra: string[]) => ["info", "std/slowfast.sf", "--network", network, "--set", "S=64", ...extra];

describe("the standard library's prebuilt trees", () => {
  it("are built with the bundle, for its build id, one per module", () => {
    const whole = fs.readFileSync(sidecar, "utf8");
    expect(whole.slice(0, 64)).toBe(buildId());
    const { modules } = JSON.parse(whole.slice(64)) as { modules: Record<string, unknown> };
    expect(Object.keys(modules).sort()).toEqual(
      fs
        .readdirSync(path.join(root, "stdlib"))
        .filter((f) => f.endsWith(".sf"))
        .map((f) => `std/${f}`)
        .sort(),
    );
  });

  it("are what the bundle reads for the standard library", () => {
    const { id, json } = renamedInTree();
    const r = withTrees(id + json, INFO("Prebuilt_R50"));
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/^Prebuilt_R50: input clip/);
  });

  it("are not read for another build, for another text, under tighter limits, or when damaged: the module is parsed", () => {
    const { id, json } = renamedInTree();
    const data = JSON.parse(json) as { modules: Record<string, { text: string }> };
    data.modules["std/slowfast.sf"]!.text += "\n// another text\n";
    const otherText = JSON.stringify(data);
    for (const [why, trees, extra] of [
      ["another build", "f".repeat(64) + json, []],
      ["another text", id + otherText, []],
      ["tighter limits", id + json, ["--limit", "nesting=100"]],
      ["damaged", id + json.slice(0, json.length >> 1), []],
    ] as const) {
      expect(withTrees(trees, INFO("Prebuilt_R50", ...extra)).code, why).not.toBe(0);
      const parsed = withTrees(trees, INFO("SlowFast_4x16_R50", ...extra));
      expect(parsed.code, `${why}: ${parsed.out}`).toBe(0);
    }
  });

  it("give what parsing gives: the same model, and the same diagnostics for a file that imports the standard library", () => {
    const network = ["std/slowfast.sf", "--network", "SlowFast_4x16_R50", "--set", "C=16", "--set", "classes=10", "--set", "S=48"];
    // --dynamic elaborates the network again at other sizes, from the same trees: they must come through unchanged.
    for (const extra of [[], ["--dynamic", "T,S"]]) {
      const models = ["0", "1"].map((off) => {
        const out = path.join(work, `r50-${off}.onnx`);
        const r = runNode([path.join(root, "bin", "sfc.js"), "compile", ...network, ...extra, "-o", out], { SFC_NO_BUNDLE: off });
        expect(r.code, r.err).toBe(0);
        return fs.readFileSync(out);
      });
      expect(models[0]!.equals(models[1]!), extra.join(" ")).toBe(true);
    }
    const wrong = path.join(work, "wrong.sf");
    fs.writeFileSync(
      wrong,
      "import std.slowfast\n\nnetwork Wrong = SlowFast(T: 4, α: 8, β: 1/8, τ: 16, S: 224, C: 64, classes: 400, depth2: 3, transform: tconv(k: 5, ratio: 2), fusion: sum_fusion)\n",
    );
    const diagnostics = ["0", "1"].map((off) => runNode([path.join(root, "bin", "sfc.js"), "check", wrong, "--format", "json"], { SFC_NO_BUNDLE: off }));
    expect(diagnostics[0]!.code).toBe(1);
    expect(diagnostics[0]!.out).toBe(diagnostics[1]!.out);
  });
});
