/**
 * What the command line says about its own options: a --set value it cannot
 * read says what is wrong with it (SF0112 or SF0004 at `<command line>`, exit
 * 1), an option that is not repeatable given twice is a usage error (exit 2)
 * rather than the last one silently, and names such as `toString` are names,
 * not properties every object has.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { sfc, sfcIn } from "../support/cli";

const work = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-option-values-"));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const source = path.join(work, "id.sf");
fs.writeFileSync(source, "network N(x: <4, S², 3>, S = 8) -> <4, S², 3> {\n  return x |> relu\n}\n");

/** The first error line and the label under it, from human output. */
async function settingError(...settings: string[]): Promise<{ code: number; first: string; label: string; help: string }> {
  const r = await sfc("check", source, ...settings.flatMap((s) => ["--set", s]));
  const lines = r.err.split("\n");
  return {
    code: r.code,
    first: lines[0]!,
    label: lines.find((l) => /\^ /.test(l))?.replace(/^.*\^ /, "") ?? "",
    help: lines.find((l) => l.includes("= help: "))?.replace(/^.*= help: /, "") ?? "",
  };
}

describe("--set values that cannot be read say why", () => {
  it.each([
    ["S=1/0", 'error[SF0112]: cannot read the setting "S=1/0": a fraction with denominator 0', "division by zero"],
    ["S=4+4", 'error[SF0112]: cannot read the setting "S=4+4": an expression is not a value', "an expression"],
    ["S=(4)", 'error[SF0112]: cannot read the setting "S=(4)": an expression is not a value', "an expression"],
    ["S=8x8", 'error[SF0112]: cannot read the setting "S=8x8"', "not a value"],
    ["S=", 'error[SF0112]: cannot read the setting "S="', "no value after ="],
    ["S", 'error[SF0112]: cannot read the setting "S"', "expected NAME=VALUE"],
  ])("%s", async (setting, first, label) => {
    const r = await settingError(setting);
    expect([r.code, r.first, r.label]).toEqual([1, first, label]);
    expect(r.help).toMatch(/^values are integers, decimals, fractions or words/);
  });

  it("a decimal written without its leading 0 is shown with it", async () => {
    const r = await settingError("beta=.5");
    expect([r.code, r.first, r.label, r.help]).toEqual([
      1,
      'error[SF0112]: cannot read the setting "beta=.5": a decimal needs a digit before its point',
      "not a value",
      "write 0.5",
    ]);
  });

  it("an expression inside brackets, as a block value's would be, is an expression too, not a word", async () => {
    const r = await sfcIn(work, "check", "std/slowfast.sf", "--set", "beta=1/(4-4)");
    expect(r.err).toMatch(/^error\[SF0112\]: cannot read the setting "beta=1\/\(4-4\)": an expression is not a value\n/);
    expect(r.err).toMatch(/write the value it comes to/);
    expect(r.err).not.toMatch(/given the word/);
    expect(r.code).toBe(1);
  });

  it("a number of more digits than the limit is SF0004, saying how to raise it", async () => {
    const r = await settingError("S=1e999999999");
    expect([r.code, r.first, r.label, r.help]).toEqual([
      1,
      "error[SF0004]: the number 1e999999999 needs more than 1000 digits written out",
      "too large or too precise",
      "the limit is 1,000 digits of a number; raise it with --limit number-digits=N",
    ]);
  });

  it("values it takes still read", async () => {
    const r = await sfc("check", source, "--set", "S=16");
    expect([r.code, r.err]).toEqual([0, "checked 1 file: 1 network, no errors\n"]);
  });
});

describe("an option that is not repeatable, given twice", () => {
  it.each([
    [["compile", source, "-o", path.join(work, "a.onnx"), "-o", path.join(work, "b.onnx")], "-o given twice"],
    [["compile", source, "-o", path.join(work, "a.onnx"), "--output", path.join(work, "b.onnx")], "-o and --output are one option, given twice"],
    [["compile", source, "--network", "N", "--network", "N", "-o", path.join(work, "a.onnx")], "--network given twice"],
    [["info", source, "--keep-bn", "--keep-bn"], "--keep-bn given twice"],
    [["check", source, "--format", "json", "--format", "human"], "--format given twice"],
  ])("%j is a usage error, and nothing is written", async (args, message) => {
    const r = await sfc(...args);
    expect([r.code, r.err]).toEqual([2, expect.stringContaining(`sfc: ${message}\n`)]);
    expect(fs.existsSync(path.join(work, "a.onnx")) || fs.existsSync(path.join(work, "b.onnx"))).toBe(false);
  });

  it("repeatable ones still repeat, and one parameter may be set twice to one value", async () => {
    const r = await sfc("check", source, "--set", "S=16", "--set", "S=16", "--limit", "nesting=300", "--limit", "frames=10");
    expect([r.code, r.err]).toEqual([0, "checked 1 file: 1 network, no errors\n"]);
  });

  it("an option the command does not take is named with the command", async () => {
    const r = await sfc("check", source, "--network", "N");
    expect([r.code, r.err]).toEqual([2, "sfc: sfc check has no option --network; see sfc help check\n"]);
  });

  it("an option without its value is told so in the same words", async () => {
    const r = await sfc("check", source, "--format");
    expect([r.code, r.err]).toEqual([2, "sfc: --format needs a value; see sfc help check\n"]);
    const o = await sfc("compile", source, "-o");
    expect([o.code, o.err]).toEqual([2, "sfc: --output needs a value; see sfc help compile\n"]);
  });

  it("an option followed by another where its value should be, or a flag given a value, is told so in sfc's words", async () => {
    const seed = await sfc("compile", source, "--seed", "-o", path.join(work, "a.onnx"));
    expect([seed.code, seed.err]).toEqual([
      2,
      "sfc: --seed needs a value, and is followed by an option; a value that starts with - is written --seed=-VALUE; see sfc help compile\n",
    ]);
    const short = await sfc("compile", source, "-o", "-x");
    expect([short.code, short.err]).toEqual([
      2,
      "sfc: -o needs a value, and is followed by an option; a value that starts with - is written --output=-VALUE; see sfc help compile\n",
    ]);
    const flag = await sfc("info", source, "--keep-bn=yes");
    expect([flag.code, flag.err]).toEqual([2, "sfc: --keep-bn takes no value: give --keep-bn alone; see sfc help info\n"]);
    expect(fs.existsSync(path.join(work, "a.onnx"))).toBe(false);
  });

  it("sfc lsp reads its options as the other commands do, and checks the editor's process id", async () => {
    expect(await sfc("lsp", "--bogus")).toMatchObject({ code: 2, err: "sfc: sfc lsp has no option --bogus; see sfc help lsp\n" });
    expect(await sfc("lsp", "--stdio", "--clientProcessId", "abc")).toMatchObject({
      code: 2,
      err: "sfc: --clientProcessId takes a process id (a positive whole number), given abc\n",
    });
    expect(await sfc("lsp", "--stdio", "--stdio")).toMatchObject({ code: 2, err: "sfc: --stdio given twice\n" });
    expect(await sfc("lsp", "model.sf")).toMatchObject({ code: 2, err: "sfc: sfc lsp takes no files (given model.sf): run `sfc lsp --stdio`\n" });
  });
});

describe("names that objects already have", () => {
  it.each(["toString", "constructor", "__proto__", "Nesting"])("--limit %s=3 lists the limits", async (name) => {
    const r = await sfc("check", source, "--limit", `${name}=3`);
    expect([r.code, r.err]).toEqual([2, expect.stringMatching(new RegExp(`^sfc: --limit ${name}=3: no limit "${name}"; the limits are nesting, `))]);
  });

  it.each(["toString", "constructor"])("--set %s=3 is an unknown parameter", async (name) => {
    const r = await sfc("check", source, "--set", `${name}=3`);
    expect(r.err).toMatch(new RegExp(`^error\\[SF0111\\]: no network in these files has a parameter \`${name}\``));
    expect(r.code).toBe(1);
  });

  it.each([
    ["check", "--format"],
    ["info", "--format"],
    ["info", "--depth"],
    ["graph", "--format"],
  ])("sfc %s %s constructor is refused as unknown", async (command, option) => {
    const r = await sfc(command, source, option, "constructor");
    expect([r.code, r.err]).toEqual([2, expect.stringMatching(new RegExp(`^sfc: unknown ${option} "constructor": use `))]);
  });
});
