/**
 * The language server keeps the standard library's trees between checks
 * (lsp/workspace.ts): a keystroke in a document re-checks it with its std
 * imports, which have not changed. A std module open with unsaved text, with
 * a syntax error in it, is parsed and its problems reported as always.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { packageRoot } from "../../compiler/host/node";
import { DEFAULT_LIMITS } from "../../compiler/limits";
import { Workspace } from "../../lsp/workspace";

const stdlib = path.join(packageRoot(), "stdlib");
const resnet = fs.readFileSync(path.join(stdlib, "resnet3d.sf"), "utf8");
const BROKEN = `${resnet}\nblock broken(x: <T, S², C>) -> <T, S², C> {\n  return x |>\n}\n`;

describe("the language server's standard-library trees", () => {
  it("are the same tree from one check to the next while the text is unchanged, and a new one for new text", () => {
    const workspace = new Workspace(stdlib);
    const tree = (text: string, limits = DEFAULT_LIMITS) => workspace.host().prebuiltAst!("std/resnet3d.sf", text, limits);
    const first = tree(resnet);
    expect(first?.items.length).toBeGreaterThan(0);
    expect(tree(resnet)).toBe(first);
    const edited = tree(`${resnet}\n// edited\n`);
    expect(edited).toBeDefined();
    expect(edited).not.toBe(first);
    // A text with a problem is parsed by the check itself, which reports it; so is any text under tighter limits.
    expect(tree(BROKEN)).toBeUndefined();
    expect(tree(resnet, { ...DEFAULT_LIMITS, nesting: 10 })).toBeUndefined();
  });

  it("leave an open std module's syntax errors to be reported", () => {
    const workspace = new Workspace(stdlib);
    const stdUri = pathToFileURL(path.join(stdlib, "resnet3d.sf")).href;
    workspace.open(stdUri, BROKEN, 1);
    expect(workspace.analysis(stdUri)!.result.diagnostics.map((d) => d.code)).toContain("SF0002");
    workspace.change(stdUri, resnet, 2);
    expect(workspace.analysis(stdUri)!.result.diagnostics.map((d) => d.code)).not.toContain("SF0002");
  });
});
