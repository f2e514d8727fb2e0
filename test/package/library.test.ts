/**
 * The library as a user of the published package calls it: everything from
 * the package root (compiler/index.ts), nothing deep-imported.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  check,
  CheckpointError,
  compile,
  fileUri,
  loadStdlib,
  nodeHost,
  OUTPUT_FORMATS,
  readCheckpoint,
  readCheckpointFile,
  renderDiagnostics,
  checkInputs,
  dimNameValue,
  readRequirements,
  type LayoutMode,
  type OutputFormat,
  type SourceHost,
} from "../../compiler/index";
import { sfc } from "../support/cli";

const work = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-library-"));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const BROKEN = "network N(x: <T, S², 3>) -> <4> {\n  return x |> conv(out: 4) |> nonsense\n}\n";

describe("rendering diagnostics", () => {
  it("gives the text the CLI prints, in each of its formats, from the package root", async () => {
    const file = path.join(work, "broken.sf");
    fs.writeFileSync(file, BROKEN);
    const result = check({ files: [file], host: nodeHost() });
    expect(result.ok).toBe(false);
    expect(OUTPUT_FORMATS).toEqual(["human", "json", "sarif", "github"]);
    for (const format of ["human", "json", "github"] satisfies OutputFormat[]) {
      const cli = await sfc("check", file, "--format", format);
      const text = renderDiagnostics(format, result.diagnostics, result.sources, { uriOf: fileUri });
      // People read the human format on stderr; machines read the others on stdout.
      expect(format === "human" ? cli.err : cli.out).toBe(text);
    }
  });
});

const stdlib = loadStdlib();
const TINY = fs.readFileSync(path.join(__dirname, "../../examples/slowfast_tiny.sf"), "utf8");
const host: SourceHost = { readFile: (file) => (file === "tiny.sf" ? TINY : undefined), stdlib };

describe("a host of its own", () => {
  it("compiles std/NAME.sf from the host's stdlib, as nodeHost does, unless the host has such a file", () => {
    const bare: SourceHost = { readFile: () => undefined, stdlib };
    const viaNode = compile({ file: "std/slowfast.sf", host: nodeHost(), network: "SlowFast_4x16_R50" });
    const viaBare = compile({ file: "std/slowfast.sf", host: bare, network: "SlowFast_4x16_R50" });
    expect(viaBare.diagnostics).toEqual([]);
    expect(Buffer.from(viaBare.model!).equals(Buffer.from(viaNode.model!))).toBe(true);
    expect(check({ files: ["std/lateral.sf", "std/none.sf"], host: bare }).diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([
      "SF0103 cannot read std/none.sf",
    ]);
    const own: SourceHost = { readFile: (file) => (file === "std/slowfast.sf" ? TINY : undefined), stdlib };
    expect(compile({ file: "std/slowfast.sf", host: own }).graph!.name).toBe("SlowFastTiny");
  });
});

describe("a compile's requirements", () => {
  it("are the model's requirements metadata, for a fixed-size model its shapes, ready for checkInputs", () => {
    const result = compile({ file: "tiny.sf", host });
    const stated = result.requirements!;
    expect(stated.dynamic).toEqual([]);
    // What the model states, as a server reads it.
    expect(Buffer.from(result.model!).toString("utf8")).toContain(JSON.stringify(stated));
    expect(readRequirements(JSON.stringify(stated))).toEqual({ ok: true, requirements: stated });
    const [input, dims] = Object.entries(stated.inputs)[0]!;
    const shape = dims.map((d) => (typeof d === "number" ? d : 1));
    expect(checkInputs(stated, { [input]: shape }, dimNameValue)).toEqual([]);
    expect(checkInputs(stated, { [input]: shape.map((d, i) => (i === 2 ? d + 1 : d)) }, dimNameValue)).toHaveLength(1);
  });
});

describe("options a caller gets wrong", () => {
  it("an opset that is not a whole number is one SF0501 at the command line, as an unsupported one is", () => {
    for (const opset of [17.5, NaN, 3]) {
      const result = compile({ file: "tiny.sf", host, opset });
      expect(result.ok).toBe(false);
      expect(result.model).toBeUndefined();
      expect(result.diagnostics.map((d) => `${d.code} ${d.primary.span.file}: ${d.message}`)).toEqual([
        `SF0501 <command line>: opset ${opset} is not supported`,
      ]);
    }
  });

  it("a seed that is not a safe integer is a RangeError from compile, not from reading the model later", () => {
    for (const seed of [1.5, NaN, 2 ** 53])
      expect(() => compile({ file: "tiny.sf", host, seed })).toThrow(new RangeError(`seed must be a safe integer, given ${seed}`));
    expect(compile({ file: "tiny.sf", host, seed: -3 }).model!.byteLength).toBeGreaterThan(1000);
  });

  it("a layout that is not one of the modes is a RangeError, not the default taken silently", () => {
    expect(() => compile({ file: "tiny.sf", host, layout: "nchw" as LayoutMode })).toThrow(new RangeError('layout is one of auto, ncdhw, given "nchw"'));
  });

  it("a limit that is no count is a RangeError: NaN would turn it off, a negative one fail every input", () => {
    expect(() => check({ files: ["tiny.sf"], host, limits: { nodes: NaN } })).toThrow(/limits\.nodes takes a positive integer below 2\^53, given NaN/);
    expect(() => check({ files: ["tiny.sf"], host, limits: { frames: -1 } })).toThrow(RangeError);
    expect(() => compile({ file: "tiny.sf", host, limits: { nesting: 2.5 } })).toThrow(/limits\.nesting takes a positive integer/);
    expect(() => check({ files: ["tiny.sf"], host, limits: { Nodes: 5 } as object })).toThrow(/no limit "Nodes"/);
    // 0 threads is the default: the machine's cores.
    expect(check({ files: ["tiny.sf"], host, limits: { threads: 0, nodes: 10 } }).diagnostics.map((d) => d.code)).toContain("SF0604");
  });
});

describe("a checkpoint", () => {
  const fixture = path.join(__dirname, "../fixtures/slowfast_4x16_r50_w16/weights.safetensors");
  const reference = { file: "std/slowfast.sf", network: "SlowFast_4x16_R50", settings: ["C=16", "classes=10", "S=48"].map((text) => ({ text })) };

  it("read from a file or from bytes gives the same model, written whole or streamed into a sink", () => {
    const weights = readCheckpointFile(fixture);
    const fromFile = compile({
      ...reference,
      host: nodeHost(),
      checkpoint: { tensors: weights, label: "w.safetensors", names: "pyslowfast" },
    });
    const fromBytes = compile({
      ...reference,
      host: { readFile: () => undefined, stdlib },
      checkpoint: { tensors: readCheckpoint(fs.readFileSync(fixture)), label: "w.safetensors", names: "pyslowfast" },
    });
    expect([fromFile.ok, fromBytes.ok]).toEqual([true, true]);
    const pieces: Uint8Array[] = [];
    fromBytes.serialised!.writeTo({ write: (bytes) => void pieces.push(bytes.slice()) });
    expect(Buffer.concat(pieces).equals(Buffer.from(fromFile.model!))).toBe(true);
    weights.close();
  });

  it("that cannot be read is a CheckpointError, which the package root exports", () => {
    const cut = path.join(work, "cut.safetensors");
    fs.writeFileSync(cut, fs.readFileSync(fixture).subarray(0, 5000));
    for (const file of [cut, path.join(work, "none.safetensors"), work]) expect(() => readCheckpointFile(file)).toThrow(CheckpointError);
    expect(() => readCheckpoint(new Uint8Array(8))).toThrow(CheckpointError);
  });

  it("whose names do not fit the network is a diagnostic in the result", () => {
    const weights = readCheckpointFile(fixture);
    const result = compile({ ...reference, host: nodeHost(), checkpoint: { tensors: weights, label: "w.safetensors" } });
    weights.close();
    expect(result.ok).toBe(false);
    expect(result.model).toBeUndefined();
    expect(result.diagnostics.map((d) => d.code)).toEqual(["SF0407"]);
  });
});
