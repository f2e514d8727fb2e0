import * as fs from "node:fs";
import { describe, expect, it } from "vitest";
import { compile } from "../../compiler/index";
import { nodeHost } from "../../compiler/host/node";
import { readCheckpoint } from "../../compiler/weights/read";
import { readNpy } from "../../runtime/npy";
import { openSession, runModel } from "../../runtime/session";
import { fixturePath } from "../support/fixtures";

// The reference network at reduced width: PySlowFast's layout, its weights and logits.
async function logitsWith(weightsFile: string): Promise<{ got: Float32Array; want: Float32Array }> {
  const bytes = fs.readFileSync(fixturePath(weightsFile));
  const result = compile({
    file: "std/slowfast.sf",
    host: nodeHost(),
    network: "SlowFast_4x16_R50",
    settings: [{ text: "C=16" }, { text: "classes=10" }, { text: "S=48" }],
    checkpoint: { tensors: readCheckpoint(bytes, weightsFile), label: weightsFile, names: "pyslowfast" },
  });
  expect(result.diagnostics.map((d) => d.message)).toEqual([]);
  const input = readNpy(fs.readFileSync(fixturePath("input.npy")));
  const want = readNpy(fs.readFileSync(fixturePath("logits.npy")));
  const { session } = await openSession(result.model!, { ep: "cpu" });
  const out = await runModel(session, { clip: { data: input.data as Float32Array, shape: input.shape } });
  expect(out.logits!.shape).toEqual([2, 10]);
  return { got: out.logits!.data, want: want.data as Float32Array };
}

describe("SlowFast_4x16_R50 against the reference fixture", () => {
  for (const file of ["weights.safetensors", "weights.pyth"]) {
    it(`reproduces logits.npy within 1e-4 with ${file}`, async () => {
      const { got, want } = await logitsWith(file);
      let worst = 0;
      for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!));
      expect(worst).toBeLessThan(1e-4);
    });
  }
});
