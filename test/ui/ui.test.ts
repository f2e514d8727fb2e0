/**
 * UI tests, after rustc's: each .sf here is run through the CLI as its first
 * line says (`//! sfc check` when it says nothing), and what the CLI prints
 * on stderr, with the exit status, must equal the .stderr file beside it.
 * Refresh them with `npx vitest run -u test/ui` and review the diff.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../cli/main";

const dir = __dirname;
const cases = fs.readdirSync(dir).filter((f) => f.endsWith(".sf")).sort();

async function runCli(file: string): Promise<string> {
  const source = fs.readFileSync(path.join(dir, file), "utf8");
  const directive = /^\/\/! sfc (.*)$/m.exec(source.split("\n")[0] ?? "");
  const words = directive ? directive[1]!.trim().split(/\s+/) : ["check"];
  const [command, ...rest] = words;
  const args = [command!, `test/ui/${file}`, ...rest];
  let stderr = "";
  // stdout carries `run` results and machine formats; the UI tests pin what people read.
  const code = await main(args, { out: () => undefined, err: (t) => (stderr += t), colorOut: false, colorErr: false });
  return `${stderr}exit: ${code}\n`;
}

describe("UI tests", () => {
  it("has cases", () => expect(cases.length).toBeGreaterThan(10));
  for (const file of cases) {
    it(file, async () => {
      const cwd = process.cwd();
      process.chdir(path.resolve(dir, "../.."));
      try {
        await expect(await runCli(file)).toMatchFileSnapshot(path.join(dir, file.replace(/\.sf$/, ".stderr")));
      } finally {
        process.chdir(cwd);
      }
    });
  }
});
