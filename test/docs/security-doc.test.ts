/**
 * docs/security.md's table of limits: every full `sfc ...` command given as
 * an example of a limit is refused with that limit's code, not another
 * limit's (a huge tensor would give SF0601 before the model's size, SF0602,
 * is reached), and with the size the row quotes.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../cli/main";

const root = path.resolve(__dirname, "../..");
const page = fs.readFileSync(path.join(root, "docs/security.md"), "utf8");

interface Example {
  readonly code: string;
  readonly args: string[];
  /** A size the row gives after the command (`: 2.4 GB`). */
  readonly size: string | undefined;
}

/** The rows of the limits table whose example is a whole command with a source file. */
function examples(): Example[] {
  const rows = page.split("\n").filter((l) => /^\| `[\w-]+` \|.*\| SF\d{4} \|/.test(l));
  return rows.flatMap((row) => {
    const code = /\| (SF\d{4}) \|/.exec(row)![1]!;
    return [...row.matchAll(/`sfc ((?:check|compile|run|info) \S+\.sf [^`]*)`(?:: ([\d.]+ [GM]B))?/g)].map((m) => ({
      code,
      args: m[1]!.trim().split(/\s+/),
      size: m[2],
    }));
  });
}

describe("docs/security.md", () => {
  const shown = examples();

  it("gives whole commands as examples of limits", () => {
    expect(shown.map((e) => e.code)).toEqual(expect.arrayContaining(["SF0602", "SF0606"]));
  });

  for (const { code, args, size } of shown) {
    it(`sfc ${args.join(" ")} is refused with ${code}`, async () => {
      const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-security-doc-"));
      const cwd = process.cwd();
      process.chdir(root);
      try {
        let printed = "";
        const io = { out: (t: string) => (printed += t), err: (t: string) => (printed += t), colorOut: false, colorErr: false };
        const command = args[0] === "compile" ? [...args, "-o", path.join(scratch, "model.onnx")] : args;
        expect(await main(command, io)).not.toBe(0);
        const codes = [...new Set([...printed.matchAll(/error\[(SF\d{4})\]/g)].map((m) => m[1]))];
        expect(codes, printed).toEqual([code]);
        if (size) expect(printed).toContain(`would take ${size}`);
        expect(fs.readdirSync(scratch)).toEqual([]);
      } finally {
        process.chdir(cwd);
        fs.rmSync(scratch, { recursive: true, force: true });
      }
    });
  }
});
