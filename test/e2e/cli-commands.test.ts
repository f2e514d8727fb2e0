/**
 * The command line as CI and new users meet it: check over folders and
 * globs, whole documents in every format when inputs cannot be read,
 * per-command help, --format for diagnostics everywhere, what run prints,
 * and node counts that match the written file.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import Ajv from "ajv-draft-04";
import { onnx } from "onnx-proto";
import { afterAll, describe, expect, it } from "vitest";
import { sfcIn } from "../support/cli";
import { COMMANDS } from "../../cli/commands";
import { globToRegExp } from "../../cli/inputs";

const root = path.resolve(__dirname, "../..");
const work = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-commands-"));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

function sarifValidator() {
  const schema = JSON.parse(fs.readFileSync(path.join(root, "test/render/schemas/sarif-2.1.0-rtm.5.json"), "utf8"));
  const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false, validateFormats: false });
  return ajv.compile(schema);
}

/** A tree of sources: two clean, one broken, one in node_modules (skipped), one not .sf. */
function tree(): string {
  const dir = fs.mkdtempSync(path.join(work, "tree-"));
  const clean = fs.readFileSync(path.join(root, "examples/slowfast_tiny.sf"), "utf8");
  fs.mkdirSync(path.join(dir, "models/nested"), { recursive: true });
  fs.mkdirSync(path.join(dir, "models/node_modules"), { recursive: true });
  fs.writeFileSync(path.join(dir, "models/a.sf"), clean);
  fs.writeFileSync(path.join(dir, "models/nested/b.sf"), clean);
  fs.writeFileSync(path.join(dir, "models/node_modules/dep.sf"), "this is not sf");
  fs.writeFileSync(path.join(dir, "models/notes.txt"), "not a source");
  return dir;
}

describe("sfc check inputs", () => {
  it("takes a folder, recursively, skipping node_modules", async () => {
    const dir = tree();
    const r = await sfcIn(root, "check", path.join(dir, "models"));
    expect(r.err).toBe("checked 2 files: 2 networks, no errors\n");
    expect(r.code).toBe(0);
  });

  it("takes a quoted glob with ** and finds errors in what it matches", async () => {
    const dir = tree();
    fs.writeFileSync(path.join(dir, "models/nested/broken.sf"), "network N(x: <8, 32², 3>) { return y }\n");
    const r = await sfcIn(root, "check", `${dir}/models/**/*.sf`, "--format", "json");
    expect(r.code).toBe(1);
    const diagnostics = JSON.parse(r.out) as Array<{ file: string; code: string }>;
    expect(diagnostics.length).toBeGreaterThan(0);
    expect(diagnostics.every((d) => d.file.endsWith("broken.sf"))).toBe(true);
  });

  it("takes examples/ and the examples by glob, as docs/ci.md does", async () => {
    const byFolder = await sfcIn(root, "check", "examples");
    const byGlob = await sfcIn(root, "check", "examples/*.sf");
    expect(byFolder.code).toBe(0);
    expect(byGlob.err).toBe(byFolder.err);
    expect(byFolder.err).toMatch(/^checked \d+ files: /);
  });

  it("matches globs as shells do", () => {
    expect(globToRegExp("**/*.sf").test("a.sf")).toBe(true);
    expect(globToRegExp("**/*.sf").test("x/y/a.sf")).toBe(true);
    expect(globToRegExp("*.sf").test("x/a.sf")).toBe(false);
    expect(globToRegExp("{a,b}?.sf").test("b1.sf")).toBe(true);
    expect(globToRegExp("[!a]*.sf").test("a1.sf")).toBe(false);
    expect(globToRegExp("m.sf").test("mxsf")).toBe(false);
  });
});

describe("unreadable inputs in every format", () => {
  const args = ["check", "examples/slowfast_tiny.sf", "missing/x.sf", "no-match/*.sf"];

  it("sarif: a valid log with a toolExecutionNotification per input, exit 2", async () => {
    const r = await sfcIn(root, ...args, "--format", "sarif");
    expect(r.code).toBe(2);
    const log = JSON.parse(r.out);
    const validate = sarifValidator();
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    const invocation = log.runs[0].invocations[0];
    expect(invocation.executionSuccessful).toBe(false);
    expect(invocation.toolExecutionNotifications.map((n: { message: { text: string } }) => n.message.text)).toEqual([
      "cannot read missing/x.sf: no such file",
      "cannot read no-match/*.sf: no file matches",
    ]);
  });

  it("json: an array with an SF0103 entry per input, exit 2", async () => {
    const r = await sfcIn(root, ...args, "--format", "json");
    expect(r.code).toBe(2);
    expect((JSON.parse(r.out) as Array<{ code: string; file: string }>).map((d) => [d.code, d.file])).toEqual([
      ["SF0103", "missing/x.sf"],
      ["SF0103", "no-match/*.sf"],
    ]);
  });

  it("github: an error annotation per input, exit 2", async () => {
    const r = await sfcIn(root, ...args, "--format", "github");
    expect(r.code).toBe(2);
    expect(r.out).toBe(
      "::error file=missing/x.sf,title=sfc::cannot read missing/x.sf: no such file\n::error file=no-match/*.sf,title=sfc::cannot read no-match/*.sf: no file matches\n",
    );
  });

  it("human: a line per input on stderr, exit 2", async () => {
    const r = await sfcIn(root, ...args);
    expect(r.code).toBe(2);
    expect(r.out).toBe("");
    expect(r.err).toBe("sfc: cannot read missing/x.sf: no such file\nsfc: cannot read no-match/*.sf: no file matches\n");
  });

  it("a usage error under a machine format still writes a whole document", async () => {
    const r = await sfcIn(root, "compile", "missing.sf", "-o", path.join(work, "x.onnx"), "--format", "sarif");
    expect(r.code).toBe(2);
    const log = JSON.parse(r.out);
    expect(sarifValidator()(log)).toBe(true);
    expect(log.runs[0].invocations[0].toolExecutionNotifications[0].message.text).toBe("cannot read missing.sf: no such file");
  });
});

describe("help", () => {
  it.each(COMMANDS.map((c) => c.name))("sfc help %s, sfc %s --help and -h print that command's options", async (name) => {
    const viaHelp = await sfcIn(root, "help", name);
    const viaFlag = await sfcIn(root, name, "--help");
    const viaShort = await sfcIn(root, name, "-h");
    expect(viaHelp.code).toBe(0);
    expect(viaHelp.out).toMatch(new RegExp(`^sfc ${name} — `));
    expect(viaHelp.out).toMatch(new RegExp(`Usage: sfc ${name} `));
    expect(viaFlag.out).toBe(viaHelp.out);
    expect(viaShort.out).toBe(viaHelp.out);
    const spec = COMMANDS.find((c) => c.name === name)!;
    for (const option of Object.keys(spec.options)) expect(viaHelp.out).toContain(`--${option}`);
  });

  it("sfc help lists the commands; an unknown one is exit 2", async () => {
    const r = await sfcIn(root, "help");
    for (const c of COMMANDS) expect(r.out).toMatch(new RegExp(`^  ${c.name} +${c.summary.replace(/[()|.*+?]/g, "\\$&")}$`, "m"));
    expect((await sfcIn(root, "help", "nope")).code).toBe(2);
  });
});

describe("--format for diagnostics", () => {
  it("info --format json gives JSON diagnostics on stdout when the network fails", async () => {
    const r = await sfcIn(root, "info", "std/slowfast.sf", "--network", "NoSuchNet", "--format", "json");
    expect(r.code).toBe(1);
    expect(r.err).toBe("");
    const diagnostics = JSON.parse(r.out) as Array<{ code: string }>;
    expect(diagnostics.map((d) => d.code)).toEqual(["SF0110"]);
  });

  it("compile --format sarif gives a valid SARIF log of the errors", async () => {
    const r = await sfcIn(
      root,
      "compile",
      "std/slowfast.sf",
      "--network",
      "SlowFast_4x16_R50",
      "--set",
      "nosuch=3",
      "-o",
      path.join(work, "never.onnx"),
      "--format",
      "sarif",
    );
    expect(r.code).toBe(1);
    const log = JSON.parse(r.out);
    expect(sarifValidator()(log)).toBe(true);
    expect(log.runs[0].results.map((x: { ruleId: string }) => x.ruleId)).toEqual(["SF0111"]);
    expect(fs.existsSync(path.join(work, "never.onnx"))).toBe(false);
  });
});

describe("what compile and run print", () => {
  it("compile's node count is the written file's", async () => {
    const out = path.join(work, "r50.onnx");
    const r = await sfcIn(root, "compile", "std/slowfast.sf", "--network", "SlowFast_4x16_R50", "--set", "C=8", "--set", "S=32", "-o", out);
    expect(r.code, r.err).toBe(0);
    const model = onnx.ModelProto.decode(fs.readFileSync(out));
    expect(r.err).toContain(`, ${model.graph!.node!.length} ONNX nodes, `);
  });

  it("run names the scores and the classes from --labels (lines or JSON)", async () => {
    const lines = path.join(work, "labels.txt");
    fs.writeFileSync(lines, Array.from({ length: 7 }, (_, i) => `class ${String.fromCharCode(97 + i)}`).join("\n") + "\n");
    const json = path.join(work, "labels.json");
    fs.writeFileSync(json, JSON.stringify(Object.fromEntries(Array.from({ length: 7 }, (_, i) => [`class ${String.fromCharCode(97 + i)}`, i]))));
    const net = ["run", "std/slowfast.sf", "--network", "SlowFast_4x16_R50", "--set", "C=8", "--set", "S=32", "--set", "classes=7", "--top", "3"];
    const plain = await sfcIn(root, ...net);
    const named = await sfcIn(root, ...net, "--labels", lines);
    const fromJson = await sfcIn(root, ...net, "--labels", json);
    expect(plain.code).toBe(0);
    const row = /\[0\] top-3 by logit: (\d+) \(([-\d.]+)\), (\d+) \(([-\d.]+)\), (\d+) \(([-\d.]+)\)/.exec(plain.out)!;
    expect(row).not.toBeNull();
    const first = Number(row[1]);
    expect(named.out).toContain(`[0] top-3 by logit: ${first} class ${String.fromCharCode(97 + first)} (${row[2]})`);
    expect(fromJson.out.split("\n").slice(1).join("\n")).toBe(named.out.split("\n").slice(1).join("\n"));
  });

  it("a label file that does not fit the classes is exit 2", async () => {
    const few = path.join(work, "few.txt");
    fs.writeFileSync(few, "a\nb\n");
    const r = await sfcIn(
      root,
      "run",
      "std/slowfast.sf",
      "--network",
      "SlowFast_4x16_R50",
      "--set",
      "C=8",
      "--set",
      "S=32",
      "--set",
      "classes=7",
      "--labels",
      few,
    );
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/names 2 classes; the model has 7/);
  });
});
