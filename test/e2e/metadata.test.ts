/**
 * What a default compile carries, read back with the onnx Python package:
 * the producer from package.json and the metadata keys docs/deploy.md lists;
 * no BatchNormalization or Dropout nodes.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { onnx } from "onnx-proto";
import { sfc } from "../support/cli";
import { compile, readCheckpointFile } from "../../compiler/index";
import { packageInfo, nodeHost } from "../../compiler/host/node";
import { sourceSha256 } from "../../compiler/metadata";
import { fixturePath } from "../support/fixtures";
import { ONNX_PYTHON } from "../support/onnx-check";

const work = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-metadata-"));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

interface Read {
  producer_name: string;
  producer_version: string;
  metadata: Record<string, string>;
  op_types: string[];
}

function readBack(model: string): Read {
  const run = spawnSync(ONNX_PYTHON, [path.join(__dirname, "../support/read_metadata.py"), model], { encoding: "utf8" });
  if (run.status !== 0) throw new Error(`read_metadata.py failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as Read;
}

const FIXTURE_NET = ["std/slowfast.sf", "--network", "SlowFast_4x16_R50", "--set", "C=16", "--set", "classes=10", "--set", "S=48"];

describe("model metadata", () => {
  it("records the producer, the network, its parameters, the sources, the version, the requirements and the weights", async () => {
    const model = path.join(work, "fixture.onnx");
    const weights = fixturePath("weights.safetensors");
    const compiled = await sfc("compile", ...FIXTURE_NET, "--weights", weights, "--weight-names", "pyslowfast", "-o", model);
    expect(compiled.code, compiled.err).toBe(0);
    const read = readBack(model);
    const pkg = packageInfo();
    expect(read.producer_name).toBe(pkg.name);
    expect(read.producer_version).toBe(pkg.version);
    expect(read.op_types).not.toContain("BatchNormalization");
    expect(read.op_types).not.toContain("Dropout");
    const m = read.metadata;
    expect(m.network).toBe("SlowFast_4x16_R50");
    const params = JSON.parse(m.parameters!) as Record<string, unknown>;
    expect(params).toMatchObject({
      T: 4,
      α: 8,
      β: "1/8",
      τ: 16,
      S: 48,
      C: 16,
      classes: 10,
      transform: "tconv(k: 5, ratio: 2)",
      sampling: "stride",
      dropout: "1/2",
    });
    expect(m.sfc_version).toBe(pkg.version);
    const stdlib = nodeHost().stdlib;
    const sources = new Map([...["inputs", "lateral", "nonlocal", "resnet3d", "slowfast"].map((n): [string, string] => [`std/${n}.sf`, stdlib.get(n)!])]);
    expect(m.source_sha256).toBe(sourceSha256(sources));
    expect(m.weights).toBe(weights);
    expect(m.weights_sha256).toBe(createHash("sha256").update(fs.readFileSync(weights)).digest("hex"));
    const requirements = JSON.parse(m.requirements!) as { format: string; dynamic: string[]; inputs: Record<string, unknown> };
    expect(requirements).toMatchObject({ format: "sfc-requirements/1", dynamic: [], inputs: { clip: ["N", 3, 32, 48, 48] } });
    expect(JSON.parse(m.graph_passes!)).toMatchObject({ folded_batch_norms: 110, removed_dropouts: 1 });
  });

  it("leaves the weight keys out without --weights", async () => {
    const model = path.join(work, "seeded.onnx");
    expect((await sfc("compile", ...FIXTURE_NET, "-o", model)).code).toBe(0);
    const m = readBack(model).metadata;
    expect(Object.keys(m).sort()).toEqual(["graph_passes", "network", "parameters", "requirements", "sfc_version", "source_sha256"]);
  });

  describe("a digest given late (the CLI's, hashed on a worker while the compiler works)", () => {
    const weights = fixturePath("weights.safetensors");
    const digest = createHash("sha256").update(fs.readFileSync(weights)).digest("hex");
    const compileWithDigest = (sha256: () => string) =>
      compile({
        file: "std/slowfast.sf",
        host: nodeHost(),
        network: "SlowFast_4x16_R50",
        settings: ["C=16", "classes=10", "S=48"].map((text) => ({ text })),
        checkpoint: { tensors: readCheckpointFile(weights), label: "weights.safetensors", names: "pyslowfast", sha256 },
      });

    it("is asked for only when the model is written, after its weights, and recorded as weights_sha256", () => {
      let asked = 0;
      const result = compileWithDigest(() => {
        asked++;
        return digest;
      });
      expect(result.diagnostics).toEqual([]);
      expect(asked).toBe(0);
      const metadata = onnx.ModelProto.decode(result.model!).metadataProps ?? [];
      expect(asked).toBe(1);
      expect(metadata.find((p) => p.key === "weights_sha256")?.value).toBe(digest);
      expect(result.model!.byteLength).toBe(result.serialised?.byteLength);
    });

    it("must have the length of a hex SHA-256: the model's size was planned with it", () => {
      const result = compileWithDigest(() => "abc");
      expect(() => result.model).toThrow(/late metadata value has 3 bytes, planned 64/);
    });
  });
});
