/**
 * Batch-norm folding's inner loop (compiler/passes/scale-rows.ts) runs as
 * WebAssembly SIMD in a workspace and as a plain loop elsewhere. The two must
 * give the same bits, or a model's bytes would depend on where its weights
 * were scaled; and the module's bytes must be what its .wat assembles to.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { float32Workspace, rowScalingIsSimd, scaleRows } from "../../compiler/passes/scale-rows";
import { fixturePath } from "../support/fixtures";
import { makeRandom } from "../support/random";

const wasmBuild = createRequire(__filename)("../../scripts/build-wasm.js") as {
  watFiles(): { wat: string; ts: string }[];
  assemble(wat: string): Promise<Buffer>;
  tsSource(wat: string, bytes: Buffer): string;
};

/** Values that test the rounding: ordinary ones, ±0, subnormals, huge ones that overflow when scaled, ±∞. */
function testValues(count: number, seed: number): Float32Array {
  const random = makeRandom(seed);
  const special = [0, -0, 1e-45, -3e-39, 1.17e-38, 3.4e38, -3.4e38, Infinity, -Infinity, 1, -1];
  return Float32Array.from({ length: count }, (_, i) =>
    i % 13 === 0 ? special[(i / 13) % special.length]! : (random() - 0.5) * 10 ** Math.floor(random() * 8 - 4),
  );
}

const sameBits = (a: Float32Array, b: Float32Array): void => {
  expect(a.length).toBe(b.length);
  expect(Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength))).toBe(true);
};

describe("scaleRows", () => {
  it("runs as WebAssembly SIMD under Node 20 (else the comparison below would compare the plain loop with itself)", () => {
    expect(rowScalingIsSimd()).toBe(true);
  });

  it("gives the plain loop's bits in a workspace, for row lengths with and without a remainder of four and rows at any offset", () => {
    const random = makeRandom(11);
    for (const rowLength of [1, 2, 3, 4, 5, 7, 8, 17, 64, 1728]) {
      const rows = 9;
      const values = testValues(rows * rowLength, rowLength);
      const scales = Float64Array.from({ length: rows + 3 }, (_, i) => (i === 4 ? 0 : i === 5 ? -1e30 : (random() - 0.3) * 4));
      const plain = Float32Array.from(values);
      scaleRows(plain, rowLength, scales, 3);
      // One element in, so that rows start at addresses that are not multiples of 16.
      const space = float32Workspace(values.length + 1);
      const simd = space.subarray(1);
      simd.set(values);
      scaleRows(simd, rowLength, scales, 3);
      sameBits(simd, plain);
      expect(space[0]).toBe(0);
      // Exactly Math.fround(x * s), as the plain loop's assignment rounds.
      for (let i = 0; i < values.length; i += 97) expect(Object.is(plain[i], Math.fround(values[i]! * scales[3 + Math.floor(i / rowLength)]!))).toBe(true);
    }
  });

  it("writes nothing past the rows it is given", () => {
    const space = float32Workspace(40).fill(2);
    scaleRows(space.subarray(4, 4 + 3 * 5), 5, Float64Array.of(3, 3, 3));
    expect([...space.subarray(0, 4)]).toEqual([2, 2, 2, 2]);
    expect([...space.subarray(4, 19)]).toEqual(Array(15).fill(6));
    expect([...space.subarray(19)]).toEqual(Array(21).fill(2));
  });
});

describe("the committed WebAssembly", () => {
  it("is what each .wat assembles to (npm run build:wasm refreshes it)", async () => {
    const files = wasmBuild.watFiles();
    expect(files.map((f) => path.basename(f.wat))).toContain("scale-rows.wat");
    for (const { wat, ts } of files) expect(fs.readFileSync(ts, "utf8")).toBe(wasmBuild.tsSource(wat, await wasmBuild.assemble(wat)));
  });
});

describe("without WebAssembly (node --jitless)", () => {
  it("a compile with folded weights writes the same bytes with the plain loop", () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-jitless-"));
    try {
      const bin = path.join(__dirname, "..", "..", "bin", "sfc.js");
      const args = [
        "compile",
        "std/slowfast.sf",
        "--network",
        "SlowFast_4x16_R50",
        ...["C=16", "classes=10", "S=48"].flatMap((s) => ["--set", s]),
        "--weights",
        fixturePath("weights.safetensors"),
        "--weight-names",
        "pyslowfast",
      ];
      const models = [[], ["--jitless"]].map((flags, i) => {
        const out = path.join(work, `model${i}.onnx`);
        const run = spawnSync(process.execPath, [...flags, bin, ...args, "-o", out], { encoding: "utf8" });
        expect(run.status, run.stderr).toBe(0);
        return fs.readFileSync(out);
      });
      const probe = spawnSync(
        process.execPath,
        [
          "--jitless",
          "-e",
          `console.log(require(${JSON.stringify(path.join(__dirname, "..", "..", "dist", "compiler", "passes", "scale-rows.js"))}).rowScalingIsSimd())`,
        ],
        { encoding: "utf8" },
      );
      expect(probe.stdout.trim()).toBe("false");
      expect(models[1]!.equals(models[0]!)).toBe(true);
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  });
});
