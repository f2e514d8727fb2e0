/**
 * Every standard-library network compiles to a model that Debian's onnx 1.12
 * accepts (check_model with full_check, strict shape inference) and whose
 * inferred shapes equal the graph IR's; compiling twice gives the same bytes.
 */
import { describe, expect, it } from "vitest";
import { compile } from "../../compiler/index";
import { nodeHost } from "../../compiler/host/node";
import { assertShapesMatchIR, checkManyWithOnnx } from "../support/onnx-check";

const NETWORKS = [
  "SlowFast_4x16_R50",
  "SlowFast_8x8_R50",
  "SlowFast_8x8_R101",
  "SlowFast_8x8_R101_50_50",
  "SlowFast_16x8_R101_50_50",
  "SlowFast_16x8_R101_50_50_NL",
  "Slow_4x16_R50",
  "Slow_8x8_R50",
  "Fast_32x2_R50",
];

// Small widths keep the models a few MB; the structure is the full one.
const SMALL = ["C=8", "S=64", "classes=10"];

function build(network: string, settings: string[]) {
  const r = compile({ file: "std/slowfast.sf", host: nodeHost(), network, settings: settings.map((text) => ({ text })) });
  expect(r.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([]);
  return r;
}

describe("standard-library networks through the onnx checker", () => {
  it("all of them pass check_model and strict shape inference with the IR's shapes", () => {
    const variants: Array<[string, string[]]> = [
      ...NETWORKS.map((n): [string, string[]] => [n, SMALL]),
      ["SlowFast_4x16_R50", [...SMALL, "transform=t2c"]],
      ["SlowFast_4x16_R50", [...SMALL, "transform=tsample"]],
      ["SlowFast_4x16_R50", [...SMALL, "transform=t2c", "fusion=sum"]],
      ["SlowFast_4x16_R50", [...SMALL, "sampling=linspace"]],
      ["SlowFast_4x16_R50", [...SMALL, "sampling=input"]],
      ["SlowFast_4x16_R50", [...SMALL, "output=softmax"]],
    ];
    const built = variants.map(([n, s]) => build(n, s));
    const results = checkManyWithOnnx(built.map((b) => b.model!));
    results.forEach((result, i) => {
      expect(result.error, variants[i]!.join(" ")).toBeUndefined();
      assertShapesMatchIR(result, built[i]!.graph!);
    });
  });

  it("compiles byte for byte the same twice", () => {
    const a = build("SlowFast_4x16_R50", SMALL).model!;
    const b = build("SlowFast_4x16_R50", SMALL).model!;
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
  });

  it("takes the Slow clip as a second input with sampling=input, as PySlowFast's [slow, fast]", () => {
    const r = build("SlowFast_4x16_R50", [...SMALL, "sampling=input"]);
    expect(r.graph!.inputs.map((i) => [i.name, i.shape])).toEqual([
      ["clip", [3, 32, 64, 64]],
      ["slow", [3, 4, 64, 64]],
    ]);
  });
});
