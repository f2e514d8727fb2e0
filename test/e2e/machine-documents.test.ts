/**
 * `--format json` and `--format sarif` write exactly one document on stdout,
 * whatever the outcome, and the document agrees with the exit status: a
 * write that fails after the diagnostics, or a fault inside sfc, is carried
 * in the same document (a json SF0801 entry; SARIF's toolExecutionNotifications,
 * with executionSuccessful false).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { sfc } from "../support/cli";

/** When set, the compile command fails inside sfc after it has printed its diagnostics. */
const fault = vi.hoisted(() => ({ afterDiagnostics: false }));
vi.mock("../../cli/compile", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../cli/compile")>();
  return {
    ...real,
    compileCommand: async (argv: string[], io: Parameters<typeof real.compileCommand>[1]) => {
      const status = await real.compileCommand(argv, io);
      if (fault.afterDiagnostics) throw new TypeError("a fault after the diagnostics");
      return status;
    },
  };
});

const work = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-documents-"));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));
afterEach(() => {
  fault.afterDiagnostics = false;
});

const src = path.join(work, "tiny.sf");
fs.writeFileSync(src, "network N(clip: <4, 8², 3>) -> <4> {\n  return clip |> conv(out: 4) |> gap\n}\n");
const missingFolder = path.join(work, "no-such-folder", "x.onnx");

interface SarifLog {
  runs: Array<{ results: unknown[]; invocations: Array<{ executionSuccessful: boolean; toolExecutionNotifications?: Array<{ message: { text: string } }> }> }>;
}

describe("one machine-readable document per run", () => {
  it("json: an output that cannot be written is one document with the failure, exit 2", async () => {
    const r = await sfc("compile", src, "-o", missingFolder, "--format", "json");
    expect(r.code).toBe(2);
    const entries = JSON.parse(r.out) as Array<{ code: string; message: string }>;
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ code: "SF0801", message: expect.stringMatching(/cannot write .*x\.onnx: the folder .* does not exist/) });
  });

  it("sarif: a write that fails is one log whose invocation did not succeed", async () => {
    const r = await sfc("compile", src, "-o", missingFolder, "--format", "sarif");
    expect(r.code).toBe(2);
    const log = JSON.parse(r.out) as SarifLog;
    expect(log.runs).toHaveLength(1);
    const invocation = log.runs[0]!.invocations[0]!;
    expect(invocation.executionSuccessful).toBe(false);
    expect(invocation.toolExecutionNotifications![0]!.message.text).toMatch(/cannot write/);
  });

  it("a fault inside sfc after the diagnostics is in the one document too", async () => {
    fault.afterDiagnostics = true;
    const sarif = await sfc("compile", src, "-o", path.join(work, "ok.onnx"), "--format", "sarif");
    expect(sarif.code).toBe(2);
    const log = JSON.parse(sarif.out) as SarifLog;
    expect(log.runs[0]!.invocations[0]!.executionSuccessful).toBe(false);
    expect(log.runs[0]!.invocations[0]!.toolExecutionNotifications![0]!.message.text).toMatch(/^internal error: a fault after the diagnostics/);
    expect(sarif.err).toMatch(/^sfc: internal error: a fault after the diagnostics/);
    const json = await sfc("compile", src, "-o", path.join(work, "ok.onnx"), "--format", "json");
    expect(JSON.parse(json.out)).toEqual([expect.objectContaining({ code: "SF0801", message: expect.stringMatching(/^internal error/) })]);
  });

  it("a clean compile is one empty json document and one successful SARIF log, exit 0", async () => {
    const json = await sfc("compile", src, "-o", path.join(work, "a.onnx"), "--format", "json");
    expect(json.code).toBe(0);
    expect(JSON.parse(json.out)).toEqual([]);
    const sarif = await sfc("compile", src, "-o", path.join(work, "b.onnx"), "--format", "sarif");
    expect(sarif.code).toBe(0);
    expect((JSON.parse(sarif.out) as SarifLog).runs[0]!.invocations[0]!.executionSuccessful).toBe(true);
  });

  it("errors in the source and a usage error before compiling are each one document", async () => {
    const bad = path.join(work, "bad.sf");
    fs.writeFileSync(bad, "network N(clip: <4, 8², 3>) -> <4> {\n  return clip |> nope\n}\n");
    const r = await sfc("compile", bad, "-o", path.join(work, "c.onnx"), "--format", "json");
    expect(r.code).toBe(1);
    expect((JSON.parse(r.out) as unknown[]).length).toBeGreaterThan(0);
    const usage = await sfc("compile", src, "--format", "sarif");
    expect(usage.code).toBe(2);
    expect((JSON.parse(usage.out) as SarifLog).runs[0]!.invocations[0]!.executionSuccessful).toBe(false);
  });
});
