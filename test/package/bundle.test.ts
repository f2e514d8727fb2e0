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
