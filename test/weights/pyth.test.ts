import { describe, expect, it } from "vitest";
import { PyDict, PyGlobal, PyList, PyObject, PyTuple, unpickle } from "../../compiler/weights/pickle";
import { readPyth } from "../../compiler/weights/torch-save";
import { readZip } from "../../compiler/weights/zip";
import { readCheckpoint } from "../../compiler/weights/read";
import { CheckpointError, LoadedTensor, toFloat32Bytes } from "../../compiler/weights/tensor";
import { PickleWriter, TensorRef, f32bytes, writeStateDict, writeTensor, writeTorchZip, writeZip } from "../support/checkpoints";
import { readFixture } from "../support/fixtures";
import { expectCheckpointError } from "../support/checkpoint-errors";

const fixturePyth = readFixture("weights.pyth");
const fixture = readPyth(fixturePyth);

function floats(t: LoadedTensor): number[] {
  return Array.from(new Float32Array(toFloat32Bytes(t).slice().buffer));
}

/** The fixture's storages and data.pkl, to re-wrap under other top-level structures. */
function fixtureParts(): { pkl: Uint8Array; storages: Record<string, Uint8Array> } {
  const zip = readZip(fixturePyth);
  const storages: Record<string, Uint8Array> = {};
  let pkl: Uint8Array | undefined;
  for (const [name, e] of zip.entries) {
    const m = /^[^/]+\/data\/(.+)$/.exec(name);
    if (m) storages[m[1]!] = zip.read(e);
    else if (name.endsWith("/data.pkl")) pkl = zip.read(e);
  }
  return { pkl: pkl!, storages };
}

/**
 * {'epoch': 1, 'model_state': <fixture state dict>, 'optimizer_state': ..., 'cfg': ..., 'extra': ...}
 * The fixture pickle's body (without PROTO and STOP) is spliced in unchanged; the outer
 * layer uses no memo slots, so the inner BINPUT/BINGET numbering stays valid.
 */
function pySlowFastStyle(pkl: Uint8Array): Uint8Array {
  expect([pkl[0], pkl[1], pkl[pkl.length - 1]]).toEqual([0x80, 0x02, 0x2e]);
  const w = new PickleWriter().proto(2).emptyDict().mark();
  w.str("epoch").int(1);
  w.str("model_state").raw(pkl.subarray(2, pkl.length - 1));
  // Optimizer state refers to a storage that is not in the archive: it must never be loaded.
  w.str("optimizer_state").emptyDict().mark();
  w.str("state").emptyDict().int(0).emptyDict().str("momentum_buffer");
  writeTensor(w, { storageType: "FloatStorage", key: "not-in-archive", storageNumel: 4, size: [4] });
  w.setitem().setitem();
  w.str("param_groups").emptyList().mark().emptyDict().str("lr").float(0.1).setitem().appends();
  w.setitems();
  // Arbitrary objects elsewhere in the checkpoint are kept opaque, never run.
  w.str("cfg").global("yacs.config", "CfgNode").emptyTuple().newobj();
  w.mark().str("NUM_GPUS").int(8).op(0x64).build();
  w.str("extra").global("os", "system").mark().str("echo should-not-run").tuple().reduce();
  w.setitems().stop();
  return w.bytes();
}

function sameAsFixture(ck: { tensors: Map<string, LoadedTensor> }): void {
  expect([...ck.tensors.keys()]).toEqual([...fixture.tensors.keys()]);
  for (const [name, t] of fixture.tensors) {
    const u = ck.tensors.get(name)!;
    expect(u.dtype).toBe(t.dtype);
    expect(u.shape).toEqual(t.shape);
    expect(Buffer.compare(Buffer.from(u.data), Buffer.from(t.data)), name).toBe(0);
  }
}

function smallPyth(entries: [string, TensorRef][], storages: Record<string, Uint8Array>, opts: { wrap?: string; deflate?: boolean } = {}): Uint8Array {
  const w = new PickleWriter().proto(2);
  if (opts.wrap) w.emptyDict().str(opts.wrap);
  writeStateDict(w, entries);
  if (opts.wrap) w.setitem();
  return writeTorchZip(w.stop().bytes(), storages, { deflate: opts.deflate });
}

const six = f32bytes([0, 1, 2, 3, 4, 5]);

describe("readPyth: nesting", () => {
  const { pkl, storages } = fixtureParts();

  it("finds the state dict under model_state, skipping optimizer state and opaque objects", () => {
    const file = writeTorchZip(pySlowFastStyle(pkl), storages, { prefix: "checkpoint_epoch_00010" });
    const ck = readPyth(file);
    sameAsFixture(ck);
    for (const t of ck.tensors.values()) expect(t.data.buffer).toBe(file.buffer);
  });

  it("reads zip64 central directory records and extra fields", () => {
    const file = writeTorchZip(pySlowFastStyle(pkl), storages, { zip64: true });
    expect(readZip(file).entries.get("archive/data/0")!.localHeaderOffset).toBeGreaterThan(0);
    sameAsFixture(readPyth(file));
  });

  it("reads deflated entries", () => {
    const ck = readPyth(writeTorchZip(pySlowFastStyle(pkl), storages, { deflate: true }));
    sameAsFixture(ck);
  });

  it("refuses a deflated storage that inflates more than 64 times, before inflating it, and reads one that inflates less", () => {
    // 32 MiB of zeros deflate to about 32 KB; a 3-element view of it is all the state dict uses.
    const zeros = new Uint8Array(32 * 2 ** 20);
    const bomb = smallPyth([["w", { storageType: "FloatStorage", key: "0", storageNumel: zeros.byteLength / 4, size: [3] }]], { 0: zeros }, { deflate: true });
    expect(bomb.byteLength).toBeLessThan(100_000);
    expectCheckpointError(() => readPyth(bomb), "storage '0' is deflated from", `to ${zeros.byteLength} bytes, more than 64 times`);
    // Under the 16 MiB floor, any ratio: small storages of zeros (a fresh bias) compress well.
    const small = smallPyth(
      [["w", { storageType: "FloatStorage", key: "0", storageNumel: 2 ** 20, size: [3] }]],
      { 0: new Uint8Array(4 * 2 ** 20) },
      { deflate: true },
    );
    expect(floats(readPyth(small).tensors.get("w")!)).toEqual([0, 0, 0]);
  });

  it("says a size, an offset or an element count past 2^53 is too large, not that it is no integer", () => {
    const huge = 2 ** 62;
    const storage = { storageType: "FloatStorage", key: "0", storageNumel: 6, size: [6] };
    expectCheckpointError(
      () => readPyth(smallPyth([["w", { ...storage, offset: huge }]], { 0: six })),
      `passes number ${BigInt(huge)} as storage offset, too large for any tensor`,
    );
    expectCheckpointError(() => readPyth(smallPyth([["w", { ...storage, size: [huge] }]], { 0: six })), "as tensor size, too large for any tensor");
    expectCheckpointError(
      () => readPyth(smallPyth([["w", { ...storage, storageNumel: huge }]], { 0: six })),
      `an element count of ${BigInt(huge)}, too large for any tensor`,
    );
  });

  it.each(["state_dict", "model"])("finds the state dict under '%s'", (key) => {
    const ck = readPyth(smallPyth([["w", { storageType: "FloatStorage", key: "0", storageNumel: 6, size: [6] }]], { 0: six }, { wrap: key }));
    expect(floats(ck.tensors.get("w")!)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it("reads a bare OrderedDict state dict with _metadata", () => {
    const ck = readPyth(smallPyth([["a.weight", { storageType: "FloatStorage", key: "0", storageNumel: 6, size: [2, 3] }]], { 0: six }));
    expect(ck.tensors.get("a.weight")!.shape).toEqual([2, 3]);
  });

  it("strips module. only when every name has it", () => {
    const t: TensorRef = { storageType: "FloatStorage", key: "0", storageNumel: 6, size: [6] };
    const all = readPyth(
      smallPyth(
        [
          ["module.a", t],
          ["module.b", t],
        ],
        { 0: six },
      ),
    );
    expect([...all.tensors.keys()]).toEqual(["a", "b"]);
    const some = readPyth(
      smallPyth(
        [
          ["module.a", t],
          ["b", t],
        ],
        { 0: six },
      ),
    );
    expect([...some.tensors.keys()]).toEqual(["module.a", "b"]);
  });

  it("reads an empty state dict", () => {
    expect(readPyth(smallPyth([], {})).tensors.size).toBe(0);
  });
});

describe("readPyth: tensors", () => {
  it("copies strided tensors into C order", () => {
    const ck = readPyth(
      smallPyth(
        [
          ["transposed", { storageType: "FloatStorage", key: "0", storageNumel: 6, size: [2, 3], stride: [1, 2] }],
          ["rows", { storageType: "FloatStorage", key: "0", storageNumel: 6, size: [2, 2], stride: [3, 1] }],
          ["broadcast", { storageType: "FloatStorage", key: "0", storageNumel: 6, size: [2, 3], stride: [0, 1], offset: 1 }],
          ["tail", { storageType: "FloatStorage", key: "0", storageNumel: 6, size: [2], offset: 4 }],
        ],
        { 0: six },
      ),
    );
    expect(floats(ck.tensors.get("transposed")!)).toEqual([0, 2, 4, 1, 3, 5]);
    expect(floats(ck.tensors.get("rows")!)).toEqual([0, 1, 3, 4]);
    expect(floats(ck.tensors.get("broadcast")!)).toEqual([1, 2, 3, 1, 2, 3]);
    expect(floats(ck.tensors.get("tail")!)).toEqual([4, 5]);
  });

  it("views contiguous slices of a shared storage without copying", () => {
    const file = smallPyth(
      [
        ["a", { storageType: "FloatStorage", key: "7", storageNumel: 6, size: [3] }],
        ["b", { storageType: "FloatStorage", key: "7", storageNumel: 6, size: [3, 1], stride: [1, 99], offset: 3 }],
      ],
      { 7: six },
    );
    const ck = readPyth(file);
    const a = ck.tensors.get("a")!;
    const b = ck.tensors.get("b")!;
    expect(a.data.buffer).toBe(file.buffer);
    expect(b.data.buffer).toBe(file.buffer);
    expect(b.data.byteOffset - a.data.byteOffset).toBe(12);
    expect(floats(b)).toEqual([3, 4, 5]);
  });

  it("reads half, bfloat16, double, long, int, bool storages and parameters", () => {
    const half = new Uint8Array(new Uint16Array([0x3c00, 0xc000, 0x3800]).buffer); // 1, -2, 0.5
    const bf16 = new Uint8Array(new Uint16Array([0x3f80, 0xc040]).buffer); // 1, -3
    const f64 = new Uint8Array(new Float64Array([0.25, -8]).buffer);
    const i64 = new Uint8Array(new BigInt64Array([-1n, 42n]).buffer);
    const ck = readPyth(
      smallPyth(
        [
          ["h", { storageType: "HalfStorage", key: "h", storageNumel: 3, size: [3] }],
          ["bf", { storageType: "BFloat16Storage", key: "bf", storageNumel: 2, size: [2] }],
          ["d", { storageType: "DoubleStorage", key: "d", storageNumel: 2, size: [2], parameter: true }],
          ["l", { storageType: "LongStorage", key: "l", storageNumel: 2, size: [2] }],
          ["scalar", { storageType: "LongStorage", key: "l", storageNumel: 2, size: [], offset: 1 }],
          ["mask", { storageType: "BoolStorage", key: "m", storageNumel: 2, size: [2] }],
        ],
        { h: half, bf: bf16, d: f64, l: i64, m: Uint8Array.from([1, 0]) },
      ),
    );
    expect(ck.tensors.get("h")!.dtype).toBe("float16");
    expect(floats(ck.tensors.get("h")!)).toEqual([1, -2, 0.5]);
    expect(ck.tensors.get("bf")!.dtype).toBe("bfloat16");
    expect(floats(ck.tensors.get("bf")!)).toEqual([1, -3]);
    expect(ck.tensors.get("d")!.dtype).toBe("float64");
    expect(floats(ck.tensors.get("d")!)).toEqual([0.25, -8]);
    const l = ck.tensors.get("l")!;
    expect(l.dtype).toBe("int64");
    expect(Array.from(new BigInt64Array(l.data.slice().buffer))).toEqual([-1n, 42n]);
    const s = ck.tensors.get("scalar")!;
    expect(s.shape).toEqual([]);
    expect(new BigInt64Array(s.data.slice().buffer)[0]).toBe(42n);
    expect(ck.tensors.get("mask")!.dtype).toBe("bool");
    expect(() => toFloat32Bytes(l)).toThrow(CheckpointError);
  });

  it("reads _rebuild_tensor_v3 with an explicit dtype over an untyped storage", () => {
    const w = new PickleWriter().proto(2).emptyDict().str("x");
    w.global("torch._utils", "_rebuild_tensor_v3").mark();
    w.mark().str("storage").global("torch", "UntypedStorage").str("0").str("cpu").int(24).tuple().binpersid();
    w.int(1).ints([2]).ints([1]).bool(false).global("collections", "OrderedDict").emptyTuple().reduce();
    w.global("torch", "float32").tuple().reduce().setitem().stop();
    const ck = readPyth(writeTorchZip(w.bytes(), { 0: six }));
    expect(floats(ck.tensors.get("x")!)).toEqual([1, 2]);
  });
});

describe("readPyth: tensor subclasses", () => {
  it("unwraps _rebuild_from_type_v2 (tensors saved with Python attributes)", () => {
    const w = new PickleWriter().proto(2).emptyDict().str("x");
    w.global("torch._tensor", "_rebuild_from_type_v2").mark();
    w.global("torch._utils", "_rebuild_tensor_v2").global("torch.nn.parameter", "Parameter").mark();
    w.mark().str("storage").global("torch", "FloatStorage").str("0").str("cpu").int(6).tuple().binpersid();
    w.int(2).ints([3]).ints([1]).bool(false).global("collections", "OrderedDict").emptyTuple().reduce().tuple();
    w.emptyDict().tuple().reduce().setitem().stop();
    expect(floats(readPyth(writeTorchZip(w.bytes(), { 0: six })).tensors.get("x")!)).toEqual([2, 3, 4]);
  });

  it("refuses unbounded _rebuild_from_type_v2 nesting", () => {
    const w = new PickleWriter().proto(2).emptyDict().str("x").global("torch._tensor", "_rebuild_from_type_v2");
    const nest = (k: number): void => {
      w.mark().global("torch._tensor", "_rebuild_from_type_v2").global("torch", "Tensor");
      if (k === 0) w.emptyTuple();
      else nest(k - 1);
      w.emptyDict().tuple();
    };
    nest(40);
    w.reduce().setitem().stop();
    expectCheckpointError(() => readPyth(writeTorchZip(w.bytes(), {})), "too deeply");
  });
});

describe("unpickle", () => {
  it("reads scalars, containers and memo references", () => {
    const w = new PickleWriter().proto(2).mark();
    w.int(-5)
      .int(300)
      .int(70000)
      .int(2 ** 40)
      .int(-(2 ** 40))
      .float(1.5)
      .none()
      .bool(true)
      .str("é");
    w.emptyList().binput(3).mark().int(1).int(2).appends().binget(3);
    w.tuple().stop();
    const v = unpickle(w.bytes()) as PyTuple;
    expect(v).toBeInstanceOf(PyTuple);
    const items = v.items;
    expect(items.slice(0, 9)).toEqual([-5, 300, 70000, 2 ** 40, -(2 ** 40), 1.5, null, true, "é"]);
    expect(items[9]).toBeInstanceOf(PyList);
    expect(items[10]).toBe(items[9]);
    expect((items[9] as PyList).items).toEqual([1, 2]);
  });

  it("reads integers beyond 2^53 as bigint", () => {
    const b = new Uint8Array([0x80, 2, 0x8a, 9, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0x2e]);
    expect(unpickle(b)).toBe(2n ** 64n);
  });

  it("does not stall on an enormous LONG4", () => {
    const n = 4_000_000;
    const b = new Uint8Array(2 + 5 + n + 1);
    b.set([0x80, 2, 0x8b, n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, n >>> 24]);
    b.fill(0x11, 7, 7 + n);
    b[b.length - 1] = 0x2e;
    // A quadratic digit-by-digit parse would run for minutes: the test's timeout is the hang guard.
    expect(unpickle(b)).toBeInstanceOf(PyObject);
  }, 10_000);

  it("handles protocol 4 framing, STACK_GLOBAL and MEMOIZE", () => {
    const w = new PickleWriter().proto(4).op(0x95, 30, 0, 0, 0, 0, 0, 0, 0);
    w.str("collections").op(0x94).str("OrderedDict").op(0x94).op(0x93).op(0x94).emptyTuple().reduce().op(0x94);
    w.str("k").op(0x94).int(1).setitem().stop();
    const d = unpickle(w.bytes());
    expect(d).toBeInstanceOf(PyDict);
    expect((d as PyDict).map.get("k")).toBe(1);
  });

  it("keeps unknown callables as opaque values instead of running them", () => {
    const w = new PickleWriter().proto(2).global("subprocess", "call").mark().str("ls").tuple().reduce().stop();
    const v = unpickle(w.bytes()) as PyObject;
    expect(v).toBeInstanceOf(PyObject);
    expect((v.callable as PyGlobal).qualifiedName).toBe("subprocess.call");
  });
});

describe("readPyth: malformed input", () => {
  const t: TensorRef = { storageType: "FloatStorage", key: "0", storageNumel: 6, size: [6] };
  const good = smallPyth([["w", t]], { 0: six });

  it("names an unknown global that stands where a tensor should be", () => {
    const w = new PickleWriter().proto(2).emptyDict().str("model_state").emptyDict().str("conv.weight");
    w.global("os", "system").mark().str("rm -rf /").tuple().reduce().setitem().setitem().stop();
    expectCheckpointError(() => readPyth(writeTorchZip(w.bytes(), {})), "entry 'conv.weight' of 'model_state'", "os.system");
  });

  it("names unsupported and unknown opcodes with their position", () => {
    const ext1 = new PickleWriter().proto(2).op(0x82, 1).stop().bytes();
    expectCheckpointError(() => readPyth(writeTorchZip(ext1, {})), "EXT1", "byte 2");
    const bad = new PickleWriter().proto(2).op(0xff).stop().bytes();
    expectCheckpointError(() => readPyth(writeTorchZip(bad, {})), "0xff", "data.pkl");
  });

  it("reports a truncated pickle", () => {
    const { pkl } = fixtureParts();
    for (const cut of [1, 2, 7, 1000, pkl.length - 1]) {
      expectCheckpointError(() => readPyth(writeTorchZip(pkl.subarray(0, cut), {})), /truncated/);
    }
  });

  it("reports stack and memo corruption", () => {
    expectCheckpointError(() => unpickle(new PickleWriter().proto(2).reduce().stop().bytes()), "empty stack");
    expectCheckpointError(() => unpickle(new PickleWriter().proto(2).binget(5).stop().bytes()), "memo slot 5");
    expectCheckpointError(() => unpickle(new PickleWriter().proto(2).tuple().stop().bytes()), "MARK");
  });

  it("reports missing and short storages", () => {
    expectCheckpointError(() => readPyth(smallPyth([["w", t]], {})), "storage '0'", "archive/data/0");
    expectCheckpointError(() => readPyth(smallPyth([["w", t]], { 0: six.subarray(0, 20) })), "tensor 'w'", "truncated");
    const past = { ...t, size: [2, 3], stride: [4, 1] };
    expectCheckpointError(() => readPyth(smallPyth([["w", past]], { 0: six })), "tensor 'w'", "reaches past");
  });

  it("explains what is there when no state dict is found", () => {
    const model = new PickleWriter().proto(2).global("slowfast.models", "SlowFast").emptyTuple().newobj().stop();
    expectCheckpointError(() => readPyth(writeTorchZip(model.bytes(), {})), "slowfast.models.SlowFast", "state_dict()");
    const odd = new PickleWriter().proto(2).emptyDict().mark().str("epoch").int(3).str("model");
    odd.global("slowfast.models", "SlowFast").emptyTuple().newobj().setitems().stop();
    expectCheckpointError(() => readPyth(writeTorchZip(odd.bytes(), {})), "'epoch'", "'model' holds", "SlowFast");
  });

  it("rejects archives that are not torch.save files", () => {
    expectCheckpointError(() => readPyth(writeZip([{ name: "x/readme.txt", data: six }])), "data.pkl");
    const be = writeZip([
      { name: "a/data.pkl", data: new PickleWriter().proto(2).emptyDict().stop().bytes() },
      { name: "a/byteorder", data: Buffer.from("big") },
    ]);
    expectCheckpointError(() => readPyth(be), "big");
  });

  it("fails cleanly on every truncation of a small checkpoint", () => {
    for (const deflate of [false, true]) {
      const file = smallPyth([["w", t]], { 0: six }, { deflate });
      expect(readPyth(file).tensors.size).toBe(1);
      for (let n = 0; n < file.length; n++) expectCheckpointError(() => readPyth(file.subarray(0, n)));
    }
  });

  it("fails cleanly on the truncated fixture", () => {
    expectCheckpointError(() => readPyth(fixturePyth.subarray(0, fixturePyth.length >> 1)), "end-of-central-directory");
    expectCheckpointError(() => readCheckpoint(fixturePyth.subarray(0, 5_000_000), "weights.pyth"), /^weights\.pyth: /);
  });

  it("never throws anything but CheckpointError on corrupted bytes", () => {
    for (const deflate of [false, true]) {
      const file = smallPyth(
        [
          ["w", t],
          ["v", { ...t, size: [3, 2], stride: [1, 3] }],
        ],
        { 0: six },
        { deflate },
      );
      for (let i = 0; i < file.length; i++) {
        for (const mask of [0x01, 0x80, 0xff]) {
          const bad = file.slice();
          bad[i]! ^= mask;
          try {
            // Tensor bytes are read on use, so use them: corrupt deflate data shows only then.
            for (const tensor of readPyth(bad).tensors.values()) void tensor.data;
          } catch (e) {
            if (!(e instanceof CheckpointError)) throw new Error(`byte ${i} ^ ${mask}: ${(e as Error).stack}`);
          }
        }
      }
    }
    expect(good.length).toBeGreaterThan(0);
  });
});
