/** `sfc check --format json|sarif|github` through the CLI, validated against their schemas. */
import * as fs from "node:fs";
import * as path from "node:path";
import Ajv from "ajv";
import AjvDraft04 from "ajv-draft-04";
import { describe, expect, it } from "vitest";
import { sfc } from "../support/cli";

const schemas = path.join(__dirname, "..", "render", "schemas");
const FILE = "test/ui/multiple-independent-errors.sf";

describe("machine-readable diagnostics from the CLI", () => {
  it("json: LSP diagnostics on stdout, 0-based, valid against the schema", async () => {
    const r = await sfc("check", FILE, "--format", "json");
    expect(r.code).toBe(1);
    expect(r.err).toBe("");
    const validate = new Ajv({ allErrors: true }).compile(JSON.parse(fs.readFileSync(path.join(schemas, "lsp-diagnostics.schema.json"), "utf8")));
    const items = JSON.parse(r.out);
    expect(validate(items), JSON.stringify(validate.errors)).toBe(true);
    expect(items.map((d: { code: string }) => d.code)).toEqual(["SF0002", "SF0101", "SF0201"]);
    // `width` on line 9, column 25 (1-based) of the file.
    expect(items[1].range.start).toEqual({ line: 8, character: 24 });
  });

  it("json: an empty array when clean", async () => {
    const r = await sfc("check", "test/ui/clean-lateral-blocks.sf", "--format", "json");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual([]);
  });

  it("sarif: valid SARIF 2.1.0", async () => {
    const r = await sfc("check", FILE, "--format", "sarif");
    expect(r.code).toBe(1);
    const ajv = new AjvDraft04({ strict: false, allErrors: true, unicodeRegExp: false, validateFormats: false });
    const validate = ajv.compile(JSON.parse(fs.readFileSync(path.join(schemas, "sarif-2.1.0-rtm.5.json"), "utf8")));
    const log = JSON.parse(r.out);
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    expect(log.runs[0].results).toHaveLength(3);
  });

  it("github: one workflow command per diagnostic", async () => {
    const r = await sfc("check", FILE, "--format", "github");
    expect(r.code).toBe(1);
    const lines = r.out.trim().split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(/^::error file=test\/ui\/multiple-independent-errors\.sf,line=9,col=25,endLine=9,endColumn=30,title=SF0101::unknown name `width`/);
  });

  it("an unknown format is a usage error", async () => {
    const r = await sfc("check", FILE, "--format", "xml");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/unknown --format "xml"/);
  });
});
