/**
 * onnxruntime logs warnings and errors of its own to stderr, in colour, before
 * it throws; `sfc run` keeps them out, so that a failure is sfc's one line.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { onnx } from "onnx-proto";
import { afterAll, expect, it } from "vitest";
import { sfc } from "../support/cli";
import { repositoryRoot, runNode } from "../support/node-process";

const work = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-ort-logs-"));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

it("a model onnxruntime fails on gives one line on stderr, without onnxruntime's log", async () => {
  const model = path.join(work, "tiny.onnx");
  expect((await sfc("compile", path.join(repositoryRoot, "examples/slowfast_tiny.sf"), "-o", model)).code).toBe(0);
  const decoded = onnx.ModelProto.decode(fs.readFileSync(model));
  // No frames: shape inference warns, and a MatMul fails at run time.
  decoded.graph!.input![0]!.type!.tensorType!.shape!.dim![2]!.dimValue = 0;
  decoded.metadataProps = (decoded.metadataProps ?? []).filter((p) => p.key !== "requirements");
  const broken = path.join(work, "no-frames.onnx");
  fs.writeFileSync(broken, onnx.ModelProto.encode(decoded).finish());
  const r = runNode(["bin/sfc.js", "run", broken]);
  expect(r.err).toMatch(/^sfc: onnxruntime could not run .*no-frames\.onnx: [^\n]*\n$/);
  expect(r.err).not.toMatch(/onnxruntime:|\u001b\[/);
  expect(r.code).toBe(2);
});
