/** docs/stdlib.md names every block and network, and its numbers are the compiler's. */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { elaborateOnly } from "../../compiler/index";
import { nodeHost } from "../../compiler/host/node";
import { countGraph } from "../../compiler/report/counts";

const root = path.resolve(__dirname, "../..");
const doc = fs.readFileSync(path.join(root, "docs/stdlib.md"), "utf8");

function declared(kind: "block" | "network"): string[] {
  return fs
    .readdirSync(path.join(root, "stdlib"))
    .flatMap((f) => [...fs.readFileSync(path.join(root, "stdlib", f), "utf8").matchAll(new RegExp(`^${kind} (\\w+)`, "gm"))].map((m) => m[1]!));
}

function counts(network: string, side: number) {
  const r = elaborateOnly({ file: "std/slowfast.sf", host: nodeHost(), network, settings: [{ text: `S=${side}` }] });
  const c = countGraph(r.graph!);
  return { params: c.params, gflops: (c.flops / 1e9).toFixed(2), input: ["N", ...r.graph!.inputs[0]!.shape] };
}

describe("docs/stdlib.md", () => {
  it("mentions every block and network of the standard library", () => {
    for (const name of [...declared("block"), ...declared("network")]) expect(doc, name).toContain(`\`${name}\``);
  });

  const table = doc.slice(doc.indexOf("<!-- stdlib-table"));
  const rows = [...table.matchAll(/^\| `(\w+)`[^|]*\| \(([^)]*)\) \| ([\d,]+) \| ([\d.]+) \| ([\d.]+) \|/gm)];
  it("has a row for every named model", () => expect(rows.map((r) => r[1])).toHaveLength(9));
  for (const [, name, input, params, g224, g256] of rows) {
    it(`${name}: input, parameters and GFLOPs as measured`, () => {
      const at224 = counts(name!, 224);
      expect(`(${at224.input.join(", ")})`).toBe(`(${input})`);
      expect(at224.params.toLocaleString("en-US")).toBe(params);
      expect(at224.gflops).toBe(g224);
      expect(counts(name!, 256).gflops).toBe(g256);
    });
  }
});
