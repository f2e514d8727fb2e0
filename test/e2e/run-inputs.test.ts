/**
 * What `sfc run` reads besides its model, and what it prints from files:
 * a model that keeps tensors in other files is refused (onnxruntime would
 * read them from the working directory), a label file is checked before the
 * model runs and its names are shown with control characters escaped, and
 * under a machine format stdout holds the one document.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { onnx } from "onnx-proto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeNpy } from "../../runtime/npy";
import { sfc, sfcIn } from "../support/cli";
import { reluModel } from "../support/relu-model";

const root = path.resolve(__dirname, "../..");
const work = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-run-inputs-"));
const model = path.join(work, "tiny.onnx");
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

beforeAll(async () => {
  const r = await sfc("compile", path.join(root, "examples/slowfast_tiny.sf"), "-o", model);
  expect(r.code, r.err).toBe(0);
});

function labelFile(name: string, text: string): string {
  const file = path.join(work, name);
  fs.writeFileSync(file, text);
  return file;
}

describe("external data", () => {
  it("a model whose initializer lives in another file is refused, and the file is not read", async () => {
    const decoded = onnx.ModelProto.decode(fs.readFileSync(model));
    const bias = decoded.graph!.initializer!.find((t) => /bias/.test(t.name ?? ""))!;
    bias.rawData = new Uint8Array(0);
    bias.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
    bias.externalData = [onnx.StringStringEntryProto.create({ key: "location", value: "secret.bin" })];
    const crafted = path.join(work, "external.onnx");
    fs.writeFileSync(crafted, onnx.ModelProto.encode(decoded).finish());
    fs.writeFileSync(path.join(work, "secret.bin"), new Uint8Array(1 << 16));
    const r = await sfcIn(work, "run", "external.onnx");
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      `sfc: external.onnx keeps tensors in other files ('${bias.name}' from "secret.bin"), which sfc run does not read: ` +
        "it runs only the model file it is given; sfc never writes external data, so run a model sfc compiled\n",
    );
    expect(r.out).toBe("");
  });
});

describe("--labels", () => {
  it("escapes control characters and bidirectional overrides in the names it prints", async () => {
    const names = Array.from({ length: 10 }, (_, i) => `c${i}\u001b]0;pwned\u0007\u001b[2J\u202e\u0000`);
    const r = await sfc("run", model, "--top", "10", "--labels", labelFile("ansi.txt", `${names.join("\n")}\n`));
    expect(r.code, r.err).toBe(0);
    expect(r.out).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f\u202e]/);
    expect(r.out).toContain("c0\\x1b]0;pwned\\x07\\x1b[2J\\u{202e}\\x00 (");
  });

  it("a file that ends in blank lines names one class a line, the blank lines none", async () => {
    const names = Array.from({ length: 10 }, (_, i) => `class${i}`);
    const r = await sfc("run", model, "--top", "10", "--labels", labelFile("trailing.txt", `${names.join("\n")}\n\n\n`));
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain("class9 (");
  });

  it("cuts a very long name", async () => {
    const names = Array.from({ length: 10 }, (_, i) => `${i}${"x".repeat(100_000)}`);
    const r = await sfc("run", model, "--top", "1", "--labels", labelFile("long.txt", names.join("\n")));
    expect(r.code, r.err).toBe(0);
    expect(r.out.length).toBeLessThan(1000);
    expect(r.out).toMatch(/x… \(/);
  });

  it.each([
    ["nine.txt", "a\nb\nc\nd\ne\nf\ng\nh\ni\n", /^sfc: .*nine\.txt names 9 classes; the model has 10\n$/],
    ["bad.json", "[1, 2", /^sfc: cannot read .*bad\.json: not JSON \(/],
    ["numbers.json", "[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]", /^sfc: cannot read .*numbers\.json: entry 0 of the JSON array is 1, not a name\n$/],
    ["twice.json", '{"a": 0, "b": 0}', /^sfc: cannot read .*twice\.json: "a" and "b" both have index 0\n$/],
    [
      "gap.json",
      JSON.stringify(Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`c${i}`, i === 3 ? 12 : i]))),
      /gap\.json names no class 3; each of 0\.\.9 must be given once/,
    ],
  ])("%s is refused before the model runs: exit 2 and nothing on stdout", async (name, text, message) => {
    const r = await sfc("run", model, "--labels", labelFile(name, text));
    expect(r.err).toMatch(message);
    expect(r.code).toBe(2);
    expect(r.out).toBe("");
  });
});

describe("--format json", () => {
  it("stdout is one JSON document; the results go to stderr", async () => {
    const r = await sfc("run", path.join(root, "examples/slowfast_tiny.sf"), "--format", "json");
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out)).toEqual([]);
    expect(r.err).toMatch(/\[0\] top-5 by logit: /);
  });
});

/** A parameter T read off the frames of the tiny model's clip, with fields replaced. */
const readT = (fields: Record<string, unknown>): Record<string, unknown> => ({ input: "clip", axis: 2, scale: 1, offset: 0, min: 1, compiled: 16, ...fields });

describe("a model whose own description is damaged", () => {
  function withEdit(name: string, edit: (m: onnx.ModelProto) => void): string {
    const decoded = onnx.ModelProto.decode(fs.readFileSync(model));
    edit(decoded);
    const file = path.join(work, name);
    fs.writeFileSync(file, onnx.ModelProto.encode(decoded).finish());
    return file;
  }

  it("an input dimension that is negative", async () => {
    const file = withEdit("negative.onnx", (m) => {
      m.graph!.input![0]!.type!.tensorType!.shape!.dim![2]!.dimValue = -5;
    });
    const r = await sfc("run", file);
    expect(r.err).toMatch(/^sfc: .*negative\.onnx: input \w+ has a dimension of -5, not a size\n$/);
    expect(r.code).toBe(2);
  });

  it("an input shape edited by hand, or stripped, disagrees with the requirements: refused, not checked against a clip sfc made up", async () => {
    const edited = withEdit("edited-frames.onnx", (m) => {
      m.graph!.input![0]!.type!.tensorType!.shape!.dim![2]!.dimValue = 100000;
    });
    const stripped = withEdit("no-shape.onnx", (m) => {
      m.graph!.input![0]!.type!.tensorType!.shape = null;
    });
    for (const [file, declared] of [
      [edited, "as \\(N, 3, 100000, 64, 64\\)"],
      [stripped, "without a shape"],
    ] as const) {
      const r = await sfc("run", file);
      expect(r.err).toMatch(
        new RegExp(
          `^sfc: .*: input clip is declared ${declared}, but its requirements metadata says \\(N, 3, 16, 64, 64\\); the model is damaged: compile it again\n$`,
        ),
      );
      expect([r.code, r.out]).toEqual([2, ""]);
    }
  });

  it("another producer's input with no shape, or a dimension of unknown size, needs --input; with one it runs", async () => {
    const foreign = (name: string, edit: (m: onnx.ModelProto) => void) =>
      withEdit(name, (m) => {
        m.metadataProps = m.metadataProps!.filter((p) => p.key !== "requirements" && p.key !== "sfc_version");
        m.producerName = "pytorch";
        edit(m);
      });
    const noShape = foreign("foreign-no-shape.onnx", (m) => {
      m.graph!.input![0]!.type!.tensorType!.shape = null;
    });
    const unknownDim = foreign("foreign-unknown-dim.onnx", (m) => {
      m.graph!.input![0]!.type!.tensorType!.shape!.dim![2] = onnx.TensorShapeProto.Dimension.create();
    });
    const clip = path.join(work, "clip16.npy");
    fs.writeFileSync(clip, writeNpy(new Float32Array(3 * 16 * 64 * 64), [1, 3, 16, 64, 64]));
    for (const [file, message] of [
      [noShape, "input clip states no shape: give the input with --input"],
      [unknownDim, "input clip has a dimension of unknown size: give the input with --input"],
    ] as const) {
      expect(await sfc("run", file)).toMatchObject({ code: 2, err: `sfc: ${message}\n` });
      const given = await sfc("run", file, "--input", clip);
      expect([given.code, given.err]).toEqual([0, ""]);
      expect(given.out).toMatch(/^logits: shape \(1, 10\)/);
    }
  });

  it("a batch fixed by hand where the requirements say N is refused too", async () => {
    const fixed = withEdit("batch-fixed.onnx", (m) => {
      m.graph!.input![0]!.type!.tensorType!.shape!.dim![0] = onnx.TensorShapeProto.Dimension.create({ dimValue: 1 });
    });
    const r = await sfc("run", fixed);
    expect(r.err).toMatch(
      /: input clip is declared as \(1, 3, 16, 64, 64\), but its requirements metadata says \(N, 3, 16, 64, 64\); the model is damaged: compile it again\n$/,
    );
    expect(r.code).toBe(2);
  });

  it.each([
    ["not JSON", "{damaged", /: it is not JSON\n$/],
    ["another format", '{"format": "sfc-requirements/9"}', /: its format is "sfc-requirements\/9"; this sfc reads 'sfc-requirements\/1'\n$/],
    ["a list", "[1]", /: it is not a 'sfc-requirements\/1' object\n$/],
  ])("requirements metadata that is %s, in a model sfc wrote, is refused", async (label, text, message) => {
    const file = withEdit(`unreadable-${label.replace(/\W/g, "")}.onnx`, (m) => {
      m.metadataProps!.find((p) => p.key === "requirements")!.value = text;
    });
    const r = await sfc("run", file);
    expect(r.err).toMatch(/^sfc: .*: its requirements metadata is damaged: /);
    expect(r.err).toMatch(message);
    expect([r.code, r.out]).toEqual([2, ""]);
  });

  it("without sfc_version the producer still says the model is sfc's; another producer's requirements key is its own", async () => {
    const unmarked = (name: string, producer: string) =>
      withEdit(name, (m) => {
        m.metadataProps = m.metadataProps!.filter((p) => p.key !== "sfc_version");
        m.metadataProps.find((p) => p.key === "requirements")!.value = "{damaged";
        m.producerName = producer;
      });
    const ours = await sfc("run", unmarked("ours.onnx", JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")).name));
    expect([ours.code, ours.err]).toEqual([2, expect.stringMatching(/requirements metadata is damaged: it is not JSON/)]);
    const theirs = await sfc("run", unmarked("theirs.onnx", "pytorch"));
    expect([theirs.code, theirs.err]).toEqual([0, ""]);
    expect(theirs.out).toMatch(/top-5 by logit/);
  });

  it.each([
    ["inputs null", (q: Record<string, unknown>) => (q.inputs = null), /'inputs' is not an object/],
    [
      "compiled -3",
      (q: Record<string, unknown>) => (q.parameters = { T: { input: "x", axis: 2, scale: 1, offset: 0, min: 1, compiled: -3 } }),
      /parameter 'T' is not/,
    ],
    ["unknown constraint", (q: Record<string, unknown>) => (q.constraints = [{ kind: "odd", text: "t" }]), /constraint 0 has an unknown kind "odd"\n$/],
    [
      "an axis past the input's last",
      (q: Record<string, unknown>) => (q.parameters = { T: readT({ axis: 9 }) }),
      /parameter 'T' reads axis 9 of input 'clip', which has 5 axes\n$/,
    ],
    [
      "scale 0",
      (q: Record<string, unknown>) => (q.parameters = { T: readT({ scale: 0 }) }),
      /parameter 'T' has scale 0; a parameter is read with a positive scale\n$/,
    ],
    [
      "an unknown input",
      (q: Record<string, unknown>) => (q.parameters = { T: readT({ input: "nope" }) }),
      /parameter 'T' reads input 'nope', which the model does not have\n$/,
    ],
    [
      "an expression that cannot be read",
      (q: Record<string, unknown>) => (q.constraints = [{ kind: "size", input: "clip", axis: 2, expr: "((((", text: "t" }]),
      /constraint 0 has '\(\(\(\(', which is not a dimension name\n$/,
    ],
    [
      "a divisor that is 0",
      (q: Record<string, unknown>) => {
        q.parameters = { T: readT({}) };
        q.constraints = [{ kind: "divides", divisor: "T-T", dividend: "T", text: "t" }];
      },
      /constraint 0 has the divisor 'T-T', which is 0\n$/,
    ],
  ])("requirements metadata with %s", async (label, damage, message) => {
    const file = withEdit(`req-${label.replace(/\W/g, "")}.onnx`, (m) => {
      const entry = m.metadataProps!.find((p) => p.key === "requirements")!;
      const parsed = JSON.parse(entry.value!) as Record<string, unknown>;
      damage(parsed);
      entry.value = JSON.stringify(parsed);
    });
    const r = await sfc("run", file);
    expect(r.err).toMatch(/requirements metadata is damaged: /);
    expect(r.err).toMatch(message);
    expect(r.err.split("\n")).toHaveLength(2);
    expect(r.code).toBe(2);
  });
});

describe("another producer's model with two inputs", () => {
  /** clip (batch, 3) and boxes (num_boxes, 5), each through Relu: the inputs' first axes are not one batch. */
  function twoInputs(): string {
    const model = reluModel(
      [
        { name: "clip", dims: ["batch", 3] },
        { name: "boxes", dims: ["num_boxes", 5] },
      ],
      ["scores", "kept"],
      "pytorch",
    );
    const file = path.join(work, "two-inputs.onnx");
    fs.writeFileSync(file, model);
    return file;
  }

  it("runs inputs whose first axes it names differently with different sizes: only a shared name is a shared batch", async () => {
    const clip = path.join(work, "clip-1x3.npy");
    const boxes = path.join(work, "boxes-4x5.npy");
    fs.writeFileSync(clip, writeNpy(new Float32Array(3), [1, 3]));
    fs.writeFileSync(boxes, writeNpy(new Float32Array(20), [4, 5]));
    const r = await sfc("run", twoInputs(), "--input", `clip=${clip}`, "--input", `boxes=${boxes}`);
    expect([r.code, r.err]).toEqual([0, ""]);
    expect(r.out).toMatch(/^scores: shape \(1, 3\)/);
  });
});

describe("options that build a model, given with a .onnx", () => {
  it("are refused by name, before anything runs: the model is already compiled", async () => {
    const r = await sfc("run", model, "--weights", "/dev/null", "--set", "S=999", "--network", "Nope", "--seed", "5", "--keep-bn", "--limit", "nesting=300");
    expect(r.err).toBe(
      `sfc: --network, --set, --weights, --keep-bn and --seed apply only to a FILE.sf source; ${model} is already compiled, so they would change nothing: give them to sfc compile\n`,
    );
    expect([r.code, r.out]).toEqual([2, ""]);
    const one = await sfc("run", model, "--opset", "13");
    expect([one.code, one.err]).toEqual([2, expect.stringMatching(/^sfc: --opset applies only to a FILE\.sf source; .* so it would change nothing/)]);
  });

  it("--limit and --format are the run's own, and are taken", async () => {
    const r = await sfc("run", model, "--limit", "clip-bytes=100", "--format", "json");
    expect([r.code, r.err]).toEqual([2, expect.stringMatching(/SF0606/)]);
  });
});

describe("--input twice", () => {
  it("for the one input of a model is refused before either file is read, named or not", async () => {
    const missing = path.join(work, "missing.npy");
    const r = await sfc("run", model, "--input", missing, "--input", `${missing}2`);
    expect(r.err).toMatch(
      /^sfc: input \w+ given twice: --input .*missing\.npy and --input .*missing\.npy2; several clips are one \.npy of shape \(N, \.\.\.\)\n$/,
    );
    expect(r.code).toBe(2);
    const input = onnx.ModelProto.decode(fs.readFileSync(model)).graph!.input![0]!.name!;
    const named = await sfc("run", model, "--input", missing, "--input", `${input}=${missing}`);
    expect(named.err).toMatch(new RegExp(`^sfc: input ${input} given twice: `));
  });
});

describe("counts and paths that cannot be used say why", () => {
  it.each([
    [["--top", "100000000000000000000"], 'sfc: --top takes a whole number from 1 to 2^53 - 1, given "100000000000000000000"\n'],
    [["--top", "0"], 'sfc: --top takes a whole number from 1 to 2^53 - 1, given "0"\n'],
    [["--threads", "-1"], 'sfc: --threads takes a whole number from 1 to 2^53 - 1, given "-1"\n'],
    [["--input", "clip="], "sfc: --input clip=: no file after the =; give it as --input NAME=FILE.npy\n"],
  ])("sfc run %j", async (args, err) => {
    const r = await sfc("run", model, ...args);
    expect([r.code, r.err]).toEqual([2, err]);
  });

  it("--views past 2^53 is refused with its range, and --weights through a loop of links says so", async () => {
    const views = await sfc("info", path.join(root, "examples/slowfast_tiny.sf"), "--views", "99999999999999999");
    expect([views.code, views.err]).toEqual([2, 'sfc: --views takes a whole number from 1 to 2^53 - 1, given "99999999999999999"\n']);
    const loop = path.join(work, "loop-a.pt");
    fs.symlinkSync(path.join(work, "loop-b.pt"), loop);
    fs.symlinkSync(loop, path.join(work, "loop-b.pt"));
    const r = await sfc("compile", path.join(root, "examples/slowfast_tiny.sf"), "--weights", loop, "-o", path.join(work, "loop.onnx"));
    expect([r.code, r.err]).toEqual([2, `sfc: cannot read ${loop}: too many levels of symbolic links\n`]);
  });
});
