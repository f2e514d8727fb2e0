/** Caffe2 checkpoints (PySlowFast's model zoo): reading the Python 2 pickle, refusing anything else, and the names. */
import { describe, expect, it } from "vitest";
import type { Diagnostic } from "../../compiler/diagnostics/diagnostic";
import { elaborateOnly } from "../../compiler/index";
import type { Span } from "../../compiler/span";
import { bindCheckpoint } from "../../compiler/weights/bind";
import { chooseNaming, defaultNames } from "../../compiler/weights/naming";
import { nodeHost } from "../../compiler/host/node";
import { readCaffe2 } from "../../compiler/weights/caffe2";
import { caffe2ToPySlowFast } from "../../compiler/weights/caffe2-names";
import { readCheckpoint } from "../../compiler/weights/read";
import { CheckpointError, type Checkpoint, type LoadedTensor } from "../../compiler/weights/tensor";
import { caffe2Name, lastFastBlocks, writeCaffe2Pickle, type Blob } from "../support/caffe2";

const f4 = (values: number[]): Uint8Array => new Uint8Array(Float32Array.from(values).buffer);

function floats(t: LoadedTensor): number[] {
  const d = t.data.slice();
  return Array.from(t.dtype === "float64" ? new Float64Array(d.buffer) : new Float32Array(d.buffer));
}

function errorOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(CheckpointError);
    return (e as Error).message;
  }
  throw new Error("expected an error");
}

describe("Caffe2 pickles", () => {
  it("reads float32, float64, int64 and int32 arrays, C and Fortran order, recognised by content", () => {
    const i8 = new Uint8Array(new BigInt64Array([5n, -2n]).buffer);
    const blobs: [string, Blob][] = [
      ["conv1_w", { type: "f4", shape: [2, 3], data: f4([0, 1, 2, 3, 4, 5]) }],
      ["pred_b", { type: "f8", shape: [2], data: new Uint8Array(Float64Array.from([0.5, -1]).buffer) }],
      ["model_iter", { type: "i8", shape: [2], data: i8 }],
      ["lr", { type: "i4", shape: [], data: new Uint8Array(Int32Array.from([7]).buffer) }],
      // Column-major (2, 3): memory holds column by column.
      ["res2_0_branch2a_w", { type: "f4", shape: [2, 3], data: f4([0, 3, 1, 4, 2, 5]), fortran: true }],
    ];
    const ck = readCheckpoint(writeCaffe2Pickle(blobs), "SLOWFAST_8x8_R50.pkl");
    expect(ck.format).toBe("caffe2");
    expect([...ck.tensors.keys()]).toEqual(["conv1_w", "pred_b", "model_iter", "lr", "res2_0_branch2a_w"]);
    expect(floats(ck.tensors.get("conv1_w")!)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(ck.tensors.get("pred_b")!.dtype).toBe("float64");
    expect(floats(ck.tensors.get("pred_b")!)).toEqual([0.5, -1]);
    expect(ck.tensors.get("model_iter")!.dtype).toBe("int64");
    expect(ck.tensors.get("lr")!.shape).toEqual([]);
    expect(floats(ck.tensors.get("res2_0_branch2a_w")!)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it("refuses any global but numpy's array, ndarray and dtype, without running it", () => {
    for (const [module, name] of [
      ["os", "system"],
      ["__builtin__", "eval"],
      ["numpy.core.multiarray", "scalar"],
      ["numpy", "load"],
    ] as const) {
      const bytes = writeCaffe2Pickle([["conv1_w", { type: "f4", shape: [1], data: f4([1]) }]], {
        extra: (p) => {
          p.str("cfg");
          p.global(module, name);
          p.tuple([() => p.str("echo never")]);
          p.op(0x52, 0x73); // REDUCE, SETITEM
        },
      });
      expect(errorOf(() => readCaffe2(bytes))).toMatch(
        new RegExp(`names the global ${module}\\.${name}, which a Caffe2 checkpoint does not use.*nothing in it was run`),
      );
    }
  });

  it("explains what is wrong with arrays and files that are not Caffe2 blobs", () => {
    const blob = (b: Partial<Blob>): Uint8Array => writeCaffe2Pickle([["x_w", { type: "f4", shape: [2], data: f4([1, 2]), ...b }]]);
    expect(errorOf(() => readCaffe2(blob({ data: f4([1]) })))).toMatch(/blob 'x_w' holds 4 bytes, but float32 \(2\) needs 8/);
    expect(errorOf(() => readCaffe2(blob({ shape: [1 << 16, 1 << 16] })))).toMatch(/declares 17179869184 bytes, more than/);
    const noBlobs = new Uint8Array([0x80, 0x02, 0x7d, 0x55, 0x03, 0x63, 0x66, 0x67, 0x4b, 0x01, 0x73, 0x2e]);
    expect(errorOf(() => readCheckpoint(noBlobs, "x.pkl"))).toMatch(/^x\.pkl: Caffe2 pickle: no "blobs" dict \(the top-level keys are 'cfg'\)/);
  });

  it("names blobs as PySlowFast's c2_model_loading.py does", () => {
    const cases: [string, string][] = [
      ["conv1_w", "s1.pathway0_stem.conv.weight"],
      ["res_conv1_bn_s", "s1.pathway0_stem.bn.weight"],
      ["res2_0_branch2a_w", "s2.pathway0_res0.branch2.a.weight"],
      ["res3_1_branch2b_bn_riv", "s3.pathway0_res1.branch2.b_bn.running_var"],
      ["res4_0_branch1_bn_rm", "s4.pathway0_res0.branch1_bn.running_mean"],
      ["res5_0_branch1_w", "s5.pathway0_res0.branch1.weight"],
      ["t_res2_0_branch2a_w", "s2.pathway1_res0.branch2.a.weight"],
      ["t_conv1_w", "s1.pathway1_stem.conv.weight"],
      ["t_res_conv1_bn_b", "s1.pathway1_stem.bn.bias"],
      ["t_pool1_subsample_w", "s1_fuse.conv_f2s.weight"],
      ["t_pool1_subsample_bn_rm", "s1_fuse.bn.running_mean"],
      ["t_res2_2_branch2c_bn_subsample_bn_s", "s2_fuse.bn.weight"],
      ["t_res4_5_branch2c_bn_subsample_w", "s4_fuse.conv_f2s.weight"],
      ["pred_w", "head.projection.weight"],
      ["pred_b", "head.projection.bias"],
      ["nonlocal_conv3_1_theta_w", "s3.pathway0_nonlocal1.conv_theta.weight"],
      ["nonlocal_conv4_5_out_b", "s4.pathway0_nonlocal5.conv_out.bias"],
      ["nonlocal_conv4_5_bn_s", "s4.pathway0_nonlocal5.bn.weight"],
      ["conv1_w_momentum", "s1.pathway0_stem.conv.w_momentum"],
    ];
    for (const [blob, name] of cases) expect(caffe2ToPySlowFast(blob), blob).toBe(name);
  });
});

describe("the full-size SlowFast_8x8_R50 Caffe2 layout", () => {
  it("binds every weight, by name and shape, with no other flag; training state is skipped", () => {
    const host = nodeHost();
    const r = elaborateOnly({ file: "std/slowfast.sf", host, network: "SlowFast_8x8_R50" });
    const pyslowfast = r.nameMaps.get("pyslowfast")!;
    const weights = r.graph!.nodes.flatMap((n) => n.weights);
    const pys = weights.map((w) => pyslowfast.apply(w.name));
    const last = lastFastBlocks(pys);
    expect([...last]).toEqual([
      [2, 2],
      [3, 3],
      [4, 5],
      [5, 2],
    ]);
    // Blobs as the zoo file holds them, data never read: a checkpoint object with the shapes only.
    const tensors = new Map<string, LoadedTensor>();
    const unread = (name: string, shape: number[]): LoadedTensor => {
      const t = { name, dtype: "float32", shape } as LoadedTensor;
      Object.defineProperty(t, "data", { get: () => expect.fail(`${name} read`) });
      return t;
    };
    weights.forEach((w, i) => {
      const blob = caffe2Name(pys[i]!, last);
      tensors.set(blob, unread(blob, w.shape.slice()));
      tensors.set(`${blob}_momentum`, unread(`${blob}_momentum`, w.shape.slice()));
    });
    tensors.set("lr", unread("lr", [1]));
    tensors.set("model_iter", unread("model_iter", [1]));
    const zoo: Checkpoint = { tensors, format: "caffe2" };
    expect(tensors.get("conv1_w")!.shape).toEqual([64, 3, 1, 7, 7]);
    expect(tensors.get("t_conv1_w")!.shape).toEqual([8, 3, 5, 7, 7]);
    expect(tensors.get("t_pool1_subsample_w")!.shape).toEqual([16, 8, 7, 1, 1]);
    expect(tensors.get("t_res5_2_branch2c_bn_subsample_w")).toBeUndefined();
    expect(tensors.get("t_res4_5_branch2c_bn_subsample_bn_riv")!.shape).toEqual([256]);
    expect(tensors.get("pred_w")!.shape).toEqual([400, 2304]);
    const blobs = weights.length;
    expect(blobs).toBe(tensors.size / 2 - 1);
    // The map compile() picks for a Caffe2 file, then the binding, which reads no bytes.
    const choice = chooseNaming(defaultNames(zoo), zoo, r.nameMaps);
    if (!("ok" in choice)) return expect.fail(choice.problem);
    expect(choice.ok.naming.name).toBe("caffe2");
    const diagnostics: Diagnostic[] = [];
    const where: Span = { file: "<command line>", start: 0, end: 1, line: 1, column: 1, endLine: 1, endColumn: 2 };
    const bound = bindCheckpoint(r.graph!, choice.ok.checkpoint, choice.ok.naming, where, diagnostics, { padTrailingOnes: choice.ok.padTrailingOnes });
    expect(diagnostics.map((d) => d.message)).toEqual([]);
    expect(bound.size).toBe(weights.length);
    // PySlowFast's own count for this model (docs/stdlib.md).
    expect(weights.reduce((n, w) => n + (/running_(mean|var)$/.test(w.name) ? 0 : w.shape.reduce((a, b) => a * b, 1)), 0)).toBe(34_566_488);
  });
});
