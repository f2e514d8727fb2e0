import { main } from "../../cli/main";

/** Runs the command line in this process, as `sfc ARGS...` would, and collects its exit code and uncoloured output. */
export async function sfc(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main(args, { out: (t) => (out += t), err: (t) => (err += t), colorOut: false, colorErr: false });
  return { code, out, err };
}

/** `sfc` run from the folder `dir`, for commands whose paths are relative (globs, `std/` against examples/). */
export async function sfcIn(dir: string, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    return await sfc(...args);
  } finally {
    process.chdir(cwd);
  }
}
