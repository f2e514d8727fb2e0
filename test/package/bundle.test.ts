/**
 * The bundled command line (dist/sfc.js, built by scripts/bundle.js with the
 * build): bin/sfc.js runs it when it is current, with V8's code cache of the
 * same build, and it writes the same model as the unbundled dist/cli/main.js.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { repositoryRoot, runNode } from "../support/node-process";
const { decodeVlq } = require("../../scripts/source-map-vlq.js") as { decodeVlq: (segment: string) => number[] };
const { asciiOnly } = require("../../scripts/ascii-only.js") as { asciiOnly: (code: string, map: string) => { code: string; map: string } };

const root = repositoryRoot;
const bundle = path.join(root, "dist", "sfc.js");
const work = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-bundle-test-"));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe("the bundled CLI", () => {
  it("is built with the build: one file, its source map and a code cache of the same build", () => {
    const source = fs.readFileSync(bundle, "utf8");
    const id = /^\/\* sfc bundle ([0-9a-f]{64}) \*\//.exec(source)?.[1];
    expect(id).toBeDefined();
    expect(source.trimEnd().endsWith("//# sourceMappingURL=sfc.js.map")).toBe(true);
    expect(fs.existsSync(`${bundle}.map`)).toBe(true);
    expect(fs.readFileSync(`${bundle}.cache`).subarray(0, 64).toString("latin1")).toBe(id);
  });

  it("is ASCII, so that V8 holds its source one byte a character, and its source map still points at what each piece came from", () => {
    const source = fs.readFileSync(bundle, "utf8");
    expect(source).not.toMatch(/[^\x00-\x7f]/);
    const map = JSON.parse(fs.readFileSync(`${bundle}.map`, "utf8")) as { sources: string[]; sourcesContent: string[]; mappings: string };
    const generated = source.split("\n");
    const original = map.sourcesContent.map((text) => text.split("\n"));
    const wordAt = (line: string | undefined, column: number): string | undefined => /^\w+/.exec(line?.slice(column) ?? "")?.[0];
    // Every mapped word on a line where esbuild's output had a non-ASCII character (now \uXXXX) is the word the source has there.
    let afterAnEscape = 0;
    let sourceIndex = 0;
    let sourceLine = 0;
    let sourceColumn = 0;
    map.mappings.split(";").forEach((segments, line) => {
      let column = 0;
      for (const segment of segments === "" ? [] : segments.split(",")) {
        const fields = decodeVlq(segment) as number[];
        column += fields[0]!;
        if (fields.length < 4) continue;
        sourceIndex += fields[1]!;
        sourceLine += fields[2]!;
        sourceColumn += fields[3]!;
        const text = generated[line]!;
        const escapeAt = text.search(/\\u[0-9a-f]{4}/);
        if (escapeAt < 0 || !/[^\x00-\x7f]/.test(original[sourceIndex]![sourceLine] ?? "")) continue;
        const word = wordAt(text, column);
        if (word === undefined) continue;
        // esbuild may rename an identifier by adding digits (shown → shown2), and writes undefined as void 0.
        const from = wordAt(original[sourceIndex]![sourceLine], sourceColumn) ?? "";
        if (word === "void" && from === "undefined") continue;
        expect(from !== "" && word.startsWith(from), `dist/sfc.js:${line + 1}:${column}: ${word} from ${from}`).toBe(true);
        if (column > escapeAt) afterAnEscape++;
      }
    });
    expect(afterAnEscape).toBeGreaterThan(0);
  });

  it("is made ASCII so that comments and regular expressions mean what they did, and refuses what escaping would change", () => {
    const mapOf = (code: string) =>
      JSON.stringify({
        version: 3,
        sources: ["a.ts"],
        names: [],
        mappings: code
          .split("\n")
          .map(() => "AAAA")
          .join(";"),
      });
    const code = 'module.exports = /->|→/u.test("→") && /^[⁰-⁹²³]+$/.test("²⁰"); // α, β\n';
    const made = asciiOnly(code, mapOf(code)).code;
    expect(made).not.toMatch(/[^\x00-\x7f]/);
    const module = { exports: undefined as unknown };
    new Function("module", made)(module);
    expect(module.exports).toBe(true);
    // A tagged template's raw text would change: String.raw`α` is α, String.raw`\u03b1` six characters.
    const tagged = "module.exports = String.raw`α`;\n";
    expect(() => asciiOnly(tagged, mapOf(tagged))).toThrow(/tagged template/);
    const afterBackslash = "module.exports = /\\→/;\n";
    expect(() => asciiOnly(afterBackslash, mapOf(afterBackslash))).toThrow(/after a backslash/);
  });

  it("leaves onnx-proto to node_modules for sfc run, which decodes models, and runs a --dynamic model without a warning", () => {
    // Node hides protobufjs's Buffer() deprecation warning only for code under node_modules.
    expect(fs.readFileSync(bundle, "utf8")).toMatch(/require\("onnx-proto"\)/);
    const model = path.join(work, "tiny-dynamic.onnx");
    const bin = path.join(root, "bin", "sfc.js");
    const compiled = runNode([bin, "compile", "examples/slowfast_tiny.sf", "--dynamic", "T,S", "-o", model]);
    expect(compiled.code, compiled.err).toBe(0);
    const ran = runNode([bin, "run", model]);
    expect(ran.code, ran.err).toBe(0);
    expect(ran.err).toBe("");
  });

  it("runs with its code cache accepted by this Node", () => {
    const probe = `const { runBundle } = require(${JSON.stringify(path.join(root, "bin", "load-cli.js"))}); console.log(runBundle(true).script.cachedDataRejected);`;
    const r = runNode(["-e", probe]);
    expect(r.code, r.err).toBe(0);
    expect(r.out.trim()).toBe("false");
  });

  it("writes the same model as dist/cli/main.js", () => {
    // The build just ran (pretest), so bin/sfc.js runs the bundle unless told not to: the comparison below is real.
    const probe = `console.log(require(${JSON.stringify(path.join(root, "bin", "load-cli.js"))}).bundleIsCurrent())`;
    expect(runNode(["-e", probe]).out.trim()).toBe("true");
    const outputs = ["0", "1"].map((off) => {
      const out = path.join(work, `tiny-${off}.onnx`);
      const r = runNode([path.join(root, "bin", "sfc.js"), "compile", "examples/slowfast_tiny.sf", "-o", out], { SFC_NO_BUNDLE: off });
      expect(r.code, r.err).toBe(0);
      return fs.readFileSync(out);
    });
    expect(outputs[0]!.equals(outputs[1]!)).toBe(true);
  });

  it("ignores a code cache of another build", () => {
    const copy = path.join(work, "copy");
    fs.mkdirSync(path.join(copy, "bin"), { recursive: true });
    fs.mkdirSync(path.join(copy, "dist"), { recursive: true });
    fs.copyFileSync(path.join(root, "bin", "load-cli.js"), path.join(copy, "bin", "load-cli.js"));
    fs.copyFileSync(bundle, path.join(copy, "dist", "sfc.js"));
    const cache = fs.readFileSync(`${bundle}.cache`);
    fs.writeFileSync(path.join(copy, "dist", "sfc.js.cache"), Buffer.concat([Buffer.from("f".repeat(64)), cache.subarray(64)]));
    const probe = `const { runBundle } = require(${JSON.stringify(path.join(copy, "bin", "load-cli.js"))}); console.log(String(runBundle(true).script.cachedDataRejected));`;
    const r = runNode(["-e", probe]);
    expect(r.code, r.err).toBe(0);
    // Not offered to V8 at all: there is nothing to reject.
    expect(r.out.trim()).toBe("undefined");
  });

  describe("which build runs", () => {
    /** A copy of bin/load-cli.js beside the real bundle and a plain build whose main returns 42. */
    function layout(name: string, options: { checkout: boolean; plainNewer: boolean; bundle?: string }): string {
      const copy = path.join(work, name);
      fs.mkdirSync(path.join(copy, "bin"), { recursive: true });
      fs.mkdirSync(path.join(copy, "dist", "cli"), { recursive: true });
      fs.copyFileSync(path.join(root, "bin", "load-cli.js"), path.join(copy, "bin", "load-cli.js"));
      if (options.checkout) fs.writeFileSync(path.join(copy, "tsconfig.json"), "{}");
      const bundled = path.join(copy, "dist", "sfc.js");
      const plain = path.join(copy, "dist", "cli", "main.js");
      fs.writeFileSync(bundled, options.bundle ?? fs.readFileSync(bundle));
      fs.writeFileSync(plain, "exports.main = async () => 42;\n");
      const [older, newer] = options.plainNewer ? [bundled, plain] : [plain, bundled];
      fs.utimesSync(older, new Date(2020, 0, 1), new Date(2020, 0, 1));
      fs.utimesSync(newer, new Date(2021, 0, 1), new Date(2021, 0, 1));
      return copy;
    }
    /** "plain" when loadCli() gave the stand-in plain build, "bundle" when it gave the real CLI. */
    function chosen(copy: string): string {
      const probe = `require(${JSON.stringify(path.join(copy, "bin", "load-cli.js"))}).loadCli().main(["--version"], { out: () => {}, err: () => {} }).then((c) => console.log(c === 42 ? "plain" : "bundle"));`;
      const r = runNode(["-e", probe]);
      expect(r.code, r.err).toBe(0);
      return r.out.trim();
    }

    it("in a checkout, the bundle when it is newer than everything tsc wrote, else the plain build", () => {
      expect(chosen(layout("checkout-current", { checkout: true, plainNewer: false }))).toBe("bundle");
      expect(chosen(layout("checkout-stale", { checkout: true, plainNewer: true }))).toBe("plain");
    });

    it("in an installed package, the bundle whatever the file times", () => {
      expect(chosen(layout("package", { checkout: false, plainNewer: true }))).toBe("bundle");
    });

    it("neither, in a checkout never built: one line saying to build it, exit 2, no trace", () => {
      const copy = path.join(work, "unbuilt");
      fs.mkdirSync(path.join(copy, "bin"), { recursive: true });
      fs.copyFileSync(path.join(root, "bin", "load-cli.js"), path.join(copy, "bin", "load-cli.js"));
      fs.writeFileSync(path.join(copy, "tsconfig.json"), "{}");
      const r = runNode(["-e", `require(${JSON.stringify(path.join(copy, "bin", "load-cli.js"))}).loadCli()`]);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/dist\/cli\/main\.js is missing: build this checkout first with `npm run build`/);
      expect(r.err).not.toMatch(/\n\s+at /);
    });

    it("the plain build when the bundle is cut short", () => {
      const whole = fs.readFileSync(bundle, "utf8");
      expect(chosen(layout("truncated", { checkout: false, plainNewer: false, bundle: whole.slice(0, whole.length >> 1) }))).toBe("plain");
    });
  });
});
