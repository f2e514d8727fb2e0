/**
 * The library as a user of the published package calls it: everything from
 * the package root (compiler/index.ts), nothing deep-imported.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { check, fileUri, OUTPUT_FORMATS, renderDiagnostics, type OutputFormat } from "../../compiler/index";
import { nodeHost } from "../../compiler/index";
import { sfc } from "../support/cli";

const work = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-library-"));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const BROKEN = "network N(x: <T, S², 3>) -> <4> {\n  return x |> conv(out: 4) |> nonsense\n}\n";

describe("rendering diagnostics", () => {
  it("gives the text the CLI prints, in each of its formats, from the package root", async () => {
    const file = path.join(work, "broken.sf");
    fs.writeFileSync(file, BROKEN);
    const result = check({ files: [file], host: nodeHost() });
    expect(result.ok).toBe(false);
    expect(OUTPUT_FORMATS).toEqual(["human", "json", "sarif", "github"]);
    for (const format of ["human", "json", "github"] satisfies OutputFormat[]) {
      const cli = await sfc("check", file, "--format", format);
      const text = renderDiagnostics(format, result.diagnostics, result.sources, { uriOf: fileUri });
      // People read the human format on stderr; machines read the others on stdout.
      expect(format === "human" ? cli.err : cli.out).toBe(text);
    }
  });
});
