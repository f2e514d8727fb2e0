/** Node run in a child process from the repository's root, as a user's shell would run bin/sfc.js. */
import { spawnSync } from "node:child_process";
import * as path from "node:path";

export const repositoryRoot = path.resolve(__dirname, "../..");

/** `node ARGS` in the repository's root, without colour, with `env` added to this process's environment. */
export function runNode(args: string[], env: Record<string, string> = {}): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, args, { cwd: repositoryRoot, encoding: "utf8", env: { ...process.env, NO_COLOR: "1", ...env } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
