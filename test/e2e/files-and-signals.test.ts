/**
 * What sfc reads and writes, end to end: special files refused up front for
 * every input, outputs only to regular files or new paths and never over an
 * input, reasons given for unreadable files, and no temporary file left by
 * an error or a signal.
 */
import { spawn, spawnSync, execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sfc } from "../support/cli";
import { describeFsError, readRegularFile, InputFileError } from "../../compiler/host/node";
import { onnx } from "onnx-proto";

const root = path.resolve(__dirname, "../..");
const work = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-files-"));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const TINY = "network N(clip: <4, 8², 3>) -> <4> {\n  return clip |> conv(out: 4) |> gap\n}\n";
const src = path.join(work, "tiny.sf");
const model = path.join(work, "tiny.onnx");

const temps = (dir: string) => fs.readdirSync(dir).filter((f) => f.endsWith(".tmp"));

beforeAll(async () => {
  fs.writeFileSync(src, TINY);
  expect((await sfc("compile", src, "-o", model)).code).toBe(0);
});

describe("outputs", () => {
  it("compile x.sf -o x.sf leaves the source alone", async () => {
    const r = await sfc("compile", src, "-o", src);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/cannot write .*tiny\.sf: it is an input of this command/);
    expect(fs.readFileSync(src, "utf8")).toBe(TINY);
  });

  it("compile refuses to write over a file it imports, even through another spelling", async () => {
    const lib = path.join(work, "lib.sf");
    const libText = "block act(x: <T, S², C>) -> <T, S², C> {\n  return x |> relu\n}\n";
    fs.writeFileSync(lib, libText);
    const main2 = path.join(work, "uses-lib.sf");
    fs.writeFileSync(main2, `import "./lib.sf" { act }\n${TINY.replace("|> gap", "|> act |> gap")}`);
    const r = await sfc("compile", main2, "-o", path.join(work, ".", "lib.sf"));
    expect(r.err).toMatch(/lib\.sf: it is .*an input of this command/);
    expect(r.code).toBe(2);
    expect(fs.readFileSync(lib, "utf8")).toBe(libText);
  });

  it("run m.onnx --output m.onnx leaves the model alone", async () => {
    const before = fs.readFileSync(model);
    const r = await sfc("run", model, "--output", model);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/it is an input of this command/);
    expect(fs.readFileSync(model).equals(before)).toBe(true);
  });

  it("run refuses to write its output over its --input", async () => {
    const npy = path.join(work, "logits.npy");
    expect((await sfc("run", model, "--output", npy)).code).toBe(0);
    const ok = await sfc("run", src, "--input", npy, "--output", npy);
    expect(ok.code).toBe(2);
  });

  it("-o onto a device, a directory or a FIFO is refused and the node is untouched", async () => {
    for (const target of ["/dev/null", "/dev/full", work]) {
      const r = await sfc("compile", src, "-o", target);
      expect(r.code, target).toBe(2);
      expect(r.err).toMatch(/it is a (device|directory)/);
    }
    expect(fs.statSync("/dev/null").isCharacterDevice()).toBe(true);
    const fifo = path.join(work, "out.fifo");
    execFileSync("mkfifo", [fifo]);
    const r = await sfc("compile", src, "-o", fifo);
    expect(r.code).toBe(2);
    expect(fs.statSync(fifo).isFIFO()).toBe(true);
    expect(temps(work)).toEqual([]);
  });

  it("a write that fails leaves no temporary file", async () => {
    const missing = path.join(work, "no-such-folder", "x.onnx");
    const r = await sfc("compile", src, "-o", missing);
    expect(r.code).toBe(2);
    expect(temps(work)).toEqual([]);
  });
});

describe("special inputs are refused up front", () => {
  const fifoOf = (name: string) => {
    const p = path.join(work, name);
    if (!fs.existsSync(p)) execFileSync("mkfifo", [p]);
    return p;
  };

  it("a FIFO as source, model, input or checkpoint", async () => {
    const cases: string[][] = [
      ["check", fifoOf("pipe.sf")],
      ["run", fifoOf("pipe.onnx")],
      ["run", model, "--input", fifoOf("pipe.npy")],
      ["compile", src, "--weights", fifoOf("pipe.safetensors"), "-o", path.join(work, "w.onnx")],
    ];
    for (const args of cases) {
      const r = await sfc(...args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.err).toMatch(/not a regular file/);
    }
  });

  it("a link to /dev/zero as model, input or source", async () => {
    const link = (name: string) => {
      const p = path.join(work, name);
      if (!fs.existsSync(p)) fs.symlinkSync("/dev/zero", p);
      return p;
    };
    for (const args of [
      ["run", link("zero.onnx")],
      ["run", model, "--input", link("zero.npy")],
    ]) {
      const r = await sfc(...args);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/character device, not a regular file/);
    }
    const r = await sfc("check", link("zero.sf"));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/not a \.sf source file/);
  });

  it("a directory as source or model", async () => {
    const dir = path.join(work, "dir.sf");
    fs.mkdirSync(dir, { recursive: true });
    // check searches a folder for sources (an empty one is refused); other commands take one file.
    expect((await sfc("check", dir)).err).toMatch(/the folder holds no \.sf file/);
    const onnxDir = path.join(work, "dir.onnx");
    fs.mkdirSync(onnxDir, { recursive: true });
    expect((await sfc("run", onnxDir)).err).toMatch(/it is a directory/);
  });

  it("a file that is not .sf source is never read, so never echoed", async () => {
    const secret = path.join(work, "secret.txt");
    fs.writeFileSync(secret, "PASSWORD=hunter2\n");
    const viaLink = path.join(work, "secret.sf");
    if (!fs.existsSync(viaLink)) fs.symlinkSync(secret, viaLink);
    for (const args of [
      ["check", secret],
      ["check", viaLink],
      ["info", secret],
      ["compile", secret, "-o", path.join(work, "s.onnx")],
    ]) {
      const r = await sfc(...args);
      expect(r.code).toBe(2);
      expect(r.err + r.out).not.toContain("hunter2");
    }
    const importer = path.join(work, "imports-secret.sf");
    fs.writeFileSync(importer, 'import "./secret.txt"\nimport "./secret.sf"\n');
    const r = await sfc("check", importer);
    expect(r.code).toBe(1);
    expect(r.err).not.toContain("hunter2");
  });
});

describe("models that are not models", () => {
  it("run on an empty .onnx or one without a graph is a one-line error", async () => {
    const empty = path.join(work, "empty.onnx");
    fs.writeFileSync(empty, "");
    const r1 = await sfc("run", empty);
    expect(r1.code).toBe(2);
    expect(r1.err).toMatch(/^sfc: .*empty\.onnx is not an ONNX model: it has no graph\n$/);
    const graphless = path.join(work, "graphless.onnx");
    fs.writeFileSync(graphless, onnx.ModelProto.encode(onnx.ModelProto.create({ irVersion: 8, graph: { name: "g" } })).finish());
    const r2 = await sfc("run", graphless);
    expect(r2.code).toBe(2);
    expect(r2.err).toMatch(/is not an ONNX model: it has an empty graph/);
  });

  it("a model onnxruntime refuses is one line naming it, not a trace (the path its allocation failures take)", async () => {
    const vector = (name: string) => ({ name, type: { tensorType: { elemType: 1, shape: { dim: [{ dimParam: "N" }, { dimValue: 4 }] } } } });
    const refused = path.join(work, "refused.onnx");
    const model = onnx.ModelProto.create({
      irVersion: 8,
      opsetImport: [{ domain: "", version: 17 }],
      graph: { name: "g", input: [vector("x")], output: [vector("y")], node: [{ opType: "NoSuchOp", input: ["x"], output: ["y"] }] },
    });
    fs.writeFileSync(refused, onnx.ModelProto.encode(model).finish());
    const r = await sfc("run", refused);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^sfc: onnxruntime could not run .*refused\.onnx: .+\n$/);
    expect(r.err).not.toMatch(/\n\s+at /);
  });
});

describe("unreadable files say why", () => {
  it("maps errno codes to words", () => {
    expect(describeFsError({ code: "EACCES" })).toBe("permission denied");
    expect(describeFsError({ code: "ENOENT" })).toBe("no such file");
    expect(describeFsError({ code: "EISDIR" })).toBe("it is a directory, not a file");
  });

  it("an unreadable source says permission denied, not no such file (as root too: the check runs as an unprivileged user)", () => {
    const dir = fs.mkdtempSync(path.join(work, "locked-"));
    fs.chmodSync(work, 0o755);
    fs.chmodSync(dir, 0o755);
    const locked = path.join(dir, "locked.sf");
    fs.writeFileSync(locked, TINY);
    fs.chmodSync(locked, 0o000);
    // Root reads any file: the command runs as nobody, who cannot.
    const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    const bin = path.resolve(__dirname, "../../bin/sfc.js");
    const r = spawnSync(process.execPath, [bin, "check", locked], { encoding: "utf8", ...asNobody });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/cannot read .*locked\.sf: permission denied/);
  });

  it("a missing file still says no such file", async () => {
    const r = await sfc("check", path.join(work, "nowhere.sf"));
    expect(r.err).toMatch(/nowhere\.sf: no such file/);
    expect(() => readRegularFile(path.join(work, "nowhere.npy"))).toThrow(InputFileError);
  });
});

describe("signals", () => {
  const bin = path.join(root, "bin/sfc.js");

  /**
   * Starts a compile of a 251 MB model over an existing output, sends `signal`
   * once its temporary file appears (the write takes most of a second), and waits.
   */
  async function interruptDuringWrite(
    signal: NodeJS.Signals,
    dir: string,
    outputs: readonly string[] = ["-o", path.join(dir, "big.onnx")],
    tempsIn: string = dir,
  ): Promise<{ sawTemp: boolean; status: number | null; sig: NodeJS.Signals | null }> {
    if (outputs[0] === "-o") fs.writeFileSync(outputs[1]!, "OLD");
    const child = spawn(process.execPath, [bin, "compile", "std/slowfast.sf", "--network", "SlowFast_8x8_R101", ...outputs], { cwd: root, stdio: "ignore" });
    let sawTemp = false;
    const poll = setInterval(() => {
      if (!sawTemp && fs.existsSync(tempsIn) && temps(tempsIn).length > 0) {
        sawTemp = true;
        child.kill(signal);
      }
    }, 2);
    const [status, sig] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on("exit", (c, s) => resolve([c, s])));
    clearInterval(poll);
    return { sawTemp, status, sig };
  }

  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    it(`${signal} during the write ends the process as the signal would, with the old output kept and no temporary file`, async () => {
      const dir = fs.mkdtempSync(path.join(work, `${signal}-`));
      const r = await interruptDuringWrite(signal, dir);
      expect(r.sawTemp).toBe(true);
      // Ended by the signal: a shell reports 128 + its number (130, 143, 129).
      expect(r).toMatchObject({ status: null, sig: signal });
      expect(temps(dir)).toEqual([]);
      expect(fs.readFileSync(path.join(dir, "big.onnx"), "utf8")).toBe("OLD");
    }, 30_000);
  }

  it("SIGTERM during the write of a --triton repository removes the folders made for it", async () => {
    const dir = fs.mkdtempSync(path.join(work, "triton-signal-"));
    const model = path.join(dir, "repo", "SlowFast_8x8_R101", "1");
    const r = await interruptDuringWrite("SIGTERM", dir, ["--triton", path.join(dir, "repo")], model);
    expect(r.sawTemp).toBe(true);
    expect(r).toMatchObject({ status: null, sig: "SIGTERM" });
    expect(fs.readdirSync(dir)).toEqual([]);
  }, 30_000);

  it("a signal before the write leaves nothing", async () => {
    const dir = fs.mkdtempSync(path.join(work, "early-"));
    const child = spawn(process.execPath, [bin, "compile", "std/slowfast.sf", "--network", "SlowFast_4x16_R50", "-o", path.join(dir, "x.onnx")], {
      cwd: root,
      stdio: "ignore",
    });
    setTimeout(() => child.kill("SIGTERM"), 300);
    const signal = await new Promise((resolve) => child.on("exit", (_code, sig) => resolve(sig)));
    // A fast machine may finish first: then the model is whole. Either way no temporary file is left.
    if (signal === "SIGTERM") expect(fs.readdirSync(dir)).toEqual([]);
    else {
      expect(fs.readdirSync(dir)).toEqual(["x.onnx"]);
      expect(onnx.ModelProto.decode(fs.readFileSync(path.join(dir, "x.onnx"))).graph!.node!.length).toBeGreaterThan(100);
    }
  });
});
