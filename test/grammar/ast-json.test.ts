/**
 * Syntax trees written as JSON and read back (compiler/ast-json.ts), as the
 * bundled CLI ships the standard library's: the tree read back must be the
 * tree that was written, class of every number and every property present
 * but undefined included.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { AstBuilder } from "../../compiler/ast-builder";
import { treeFromJson, treeToJson } from "../../compiler/ast-json";
import { Rational } from "../../compiler/dims/rational";
import { nodeHost } from "../../compiler/host/node";
import { DEFAULT_LIMITS } from "../../compiler/limits";
import { stdlibPath } from "../../compiler/program";
import { parseSource } from "../../grammar/parse";

const examples = path.join(__dirname, "..", "..", "examples");

function tree(file: string, text: string) {
  return AstBuilder.forText(file, text, DEFAULT_LIMITS).sourceFile(parseSource(text).cst, file, text.length);
}

describe("syntax trees as JSON", () => {
  it("read back equal, strictly, for every standard-library module and example", () => {
    const sources: Array<[string, string]> = [
      ...[...nodeHost().stdlib].map(([dotted, text]): [string, string] => [stdlibPath(dotted), text]),
      ...fs
        .readdirSync(examples)
        .filter((f) => f.endsWith(".sf"))
        .map((f): [string, string] => [`examples/${f}`, fs.readFileSync(path.join(examples, f), "utf8")]),
    ];
    expect(sources.length).toBeGreaterThan(8);
    for (const [file, text] of sources) {
      const written = tree(file, text);
      expect(treeFromJson(treeToJson(written)), file).toStrictEqual(written);
    }
  });

  it("keeps numbers exact and properties that are there but undefined", () => {
    const written = { n: Rational.of(1n, 8n), big: Rational.of(10n ** 30n), neg: Rational.of(-3n, 4n), name: undefined, list: [undefined, Rational.ONE] };
    const read = treeFromJson(treeToJson(written)) as typeof written;
    expect(read).toStrictEqual(written);
    expect("name" in read).toBe(true);
    expect(read.n).toBeInstanceOf(Rational);
    // Small integers are shared objects, as Rational.of gives them.
    expect(read.list[1]).toBe(Rational.ONE);
  });
});
