/** `sfc check` passes every file of the standard library and the examples. */
import * as fs from "node:fs";
import { expect, it } from "vitest";
import { main } from "../../cli/main";

it("sfc check stdlib/*.sf examples/*.sf is clean", async () => {
  const files = ["stdlib", "examples"].flatMap((d) =>
    fs
      .readdirSync(d)
      .filter((f) => f.endsWith(".sf"))
      .map((f) => `${d}/${f}`),
  );
  expect(files.length).toBeGreaterThanOrEqual(8);
  let err = "";
  const code = await main(["check", ...files], { out: () => undefined, err: (t) => (err += t), colorOut: false, colorErr: false });
  expect(err).toMatch(/^checked \d+ files: \d+ networks, no errors\n$/);
  expect(code).toBe(0);
});
