/**
 * Instantiation traces: a user's `models/beta6.sf` (SlowFast_4x16_R50 with
 * β = 1/6, which makes the Fast width βC = 32/3) is reported on the user's
 * line 3 in every format, with the chain into std/slowfast.sf and a fix
 * written where the user set β.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import Ajv from "ajv";
import AjvDraft04 from "ajv-draft-04";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sfc } from "../support/cli";

const ROOT = path.resolve(__dirname, "../..");
const schemas = path.join(ROOT, "test/render/schemas");
const FILE = "models/beta6.sf";
let cwd: string;

beforeAll(() => {
  cwd = process.cwd();
  // The user's project: the path is named as they would type it.
  process.chdir(__dirname);
});
afterAll(() => process.chdir(cwd));

const stdlibUri = pathToFileURL(path.join(ROOT, "stdlib/slowfast.sf")).href;

describe("models/beta6.sf: β = 1/6 through an alias", () => {
  it("human: starts at models/beta6.sf:3, with the chain into std/slowfast.sf and the fix in the alias", async () => {
    const r = await sfc("check", FILE);
    expect(r.code).toBe(1);
    const lines = r.err.split("\n");
    expect(lines[0]).toBe("error[SF0205]: `out` of `stem` must be an integer, but Cf = 32/3");
    expect(lines[1]).toMatch(/^ +--> models\/beta6\.sf:3:31$/);
    expect(r.err).toContain("network B = SlowFast_4x16_R50(β: 1/6)");
    expect(r.err).toContain("^^^^^^ β = 1/6 makes `Cf` = 32/3");
    expect(r.err).toContain("= note: in `SlowFast`: Cf = 32/3 is a fraction");
    expect(r.err).toMatch(/--> std\/slowfast\.sf:50:28/);
    expect(r.err).toContain("= note: `Cf` = βC = 32/3 because β = 1/6 at models/beta6.sf:3:31");
    expect(r.err).toMatch(/--> std\/slowfast\.sf:22:10/);
    expect(r.err).toContain("`SlowFast_4x16_R50(β: 1/6, Cf: 10)` or `SlowFast_4x16_R50(β: 1/6, Cf: 11)`");
    expect(r.err).not.toContain("--set");
  });

  it("github: the annotation is on the user's line, the chain in its message", async () => {
    const r = await sfc("check", FILE, "--format", "github");
    expect(r.code).toBe(1);
    const [line, ...rest] = r.out.trimEnd().split("\n");
    expect(rest).toEqual([]);
    expect(line).toMatch(/^::error file=models\/beta6\.sf,line=3,col=31,endLine=3,endColumn=37,title=SF0205::/);
    const message = decodeURIComponent(line!.slice(line!.indexOf("::", 2) + 2).replace(/%0A/g, "\n"));
    expect(message.split("\n")).toEqual([
      "`out` of `stem` must be an integer, but Cf = 32/3",
      "here: β = 1/6 makes `Cf` = 32/3",
      "note: in `SlowFast`: Cf = 32/3 is a fraction (std/slowfast.sf:50:28)",
      "note: `Cf` = βC = 32/3 because β = 1/6 at models/beta6.sf:3:31 (std/slowfast.sf:22:10)",
      "help: give `Cf` a whole value where `B` chooses its parameters: `SlowFast_4x16_R50(β: 1/6, Cf: 10)` or `SlowFast_4x16_R50(β: 1/6, Cf: 11)`",
    ]);
  });

  it("json and sarif agree with it: the same primary location, labels and chain; SARIF valid against 2.1.0", async () => {
    const json = JSON.parse((await sfc("check", FILE, "--format", "json")).out);
    const validateJson = new Ajv({ allErrors: true }).compile(JSON.parse(fs.readFileSync(path.join(schemas, "lsp-diagnostics.schema.json"), "utf8")));
    expect(validateJson(json), JSON.stringify(validateJson.errors)).toBe(true);
    expect(json).toHaveLength(1);
    const [d] = json;
    expect(d.file).toBe(FILE);
    expect(d.range).toEqual({ start: { line: 2, character: 30 }, end: { line: 2, character: 36 } });
    const related = d.relatedInformation.map((r: { location: { uri: string; range: { start: { line: number } } }; message: string }) => [
      r.location.uri,
      r.location.range.start.line + 1,
      r.message,
    ]);
    expect(related).toEqual([
      [pathToFileURL(path.join(__dirname, FILE)).href, 3, "β = 1/6 makes `Cf` = 32/3"],
      [stdlibUri, 50, "in `SlowFast`: Cf = 32/3 is a fraction"],
      [stdlibUri, 22, "`Cf` = βC = 32/3 because β = 1/6 at models/beta6.sf:3:31"],
    ]);

    const sarif = JSON.parse((await sfc("check", FILE, "--format", "sarif")).out);
    const ajv = new AjvDraft04({ strict: false, allErrors: true, unicodeRegExp: false });
    const validate = ajv.compile(JSON.parse(fs.readFileSync(path.join(schemas, "sarif-2.1.0-rtm.5.json"), "utf8")));
    expect(validate(sarif), JSON.stringify(validate.errors)).toBe(true);
    const result = sarif.runs[0].results[0];
    const loc = result.locations[0];
    expect(loc.physicalLocation.artifactLocation.uri).toBe(FILE);
    expect(loc.physicalLocation.region).toEqual({ startLine: 3, startColumn: 31, endLine: 3, endColumn: 37 });
    expect(loc.message.text).toBe("β = 1/6 makes `Cf` = 32/3");
    const where = (l: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } }; message?: { text: string } }) => [
      l.physicalLocation.artifactLocation.uri,
      l.physicalLocation.region.startLine,
      l.message?.text,
    ];
    expect(result.relatedLocations.map(where)).toEqual([
      [stdlibUri, 50, "in `SlowFast`: Cf = 32/3 is a fraction"],
      [stdlibUri, 22, "`Cf` = βC = 32/3 because β = 1/6 at models/beta6.sf:3:31"],
    ]);
    // The code flow goes from the user's line inwards.
    expect(result.codeFlows[0].threadFlows[0].locations.map((l: { location: Parameters<typeof where>[0] }) => where(l.location))).toEqual([
      [FILE, 3, "β = 1/6 makes `Cf` = 32/3"],
      [stdlibUri, 22, "`Cf` = βC = 32/3 because β = 1/6 at models/beta6.sf:3:31"],
      [stdlibUri, 50, "in `SlowFast`: Cf = 32/3 is a fraction"],
    ]);
  });

  it("a --set that causes it is the primary location, and the fix is a --set", async () => {
    const r = await sfc("check", "std/slowfast.sf", "--set", "beta=1/6", "--format", "github");
    expect(r.code).toBe(1);
    // The command line is no file of the repository: the annotation is on the run.
    expect(r.out).toMatch(/^::error title=SF0205::/m);
    expect(r.out).toContain("--set Cf=10");
  });
});
