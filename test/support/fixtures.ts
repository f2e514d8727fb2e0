import * as fs from "node:fs";
import * as path from "node:path";

/** The reference SlowFast fixture: data files kept in the repository (see test/fixtures/README.md). */
export const fixtureDir = path.resolve(__dirname, "../fixtures/slowfast_4x16_r50_w16");

if (!fs.existsSync(path.join(fixtureDir, "expected.json"))) {
  // A missing fixture must fail the run, not silently skip the tests that compare against it.
  throw new Error(`reference fixture not found at ${fixtureDir}; it is part of the repository (test/fixtures/)`);
}

export function fixturePath(name: string): string {
  return path.join(fixtureDir, name);
}

export function readFixture(name: string): Uint8Array {
  const b = fs.readFileSync(fixturePath(name));
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

export interface ExpectedJson {
  input: { shape: number[]; dtype: string; file: string };
  output: { shape: number[]; values: number[][]; top5: number[][]; file: string };
}

export function readExpected(): ExpectedJson {
  return JSON.parse(fs.readFileSync(fixturePath("expected.json"), "utf8")) as ExpectedJson;
}
