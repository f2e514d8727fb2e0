/**
 * The library reads a model's `requirements` metadata as `sfc run` does:
 * text that is not requirements is foreign, requirements with a field of the
 * wrong kind or a reference they do not state are damaged, and only sound
 * ones reach checkInputs.
 */
import { describe, expect, it } from "vitest";
import { checkInputs, readRequirements, type ShapeRequirements } from "../../compiler/index";
import { dimNameValue } from "../../compiler/dynamic/dim-names";

const SOUND: ShapeRequirements = {
  format: "sfc-requirements/1",
  dynamic: ["T"],
  inputs: { clip: ["N", 3, "8*T", 32, 32] },
  outputs: { logits: ["N", 10] },
  parameters: { T: { input: "clip", axis: 2, scale: 8, offset: 0, min: 1, compiled: 4 } },
  constraints: [{ kind: "multiple", input: "clip", axis: 2, of: 8, offset: 0, name: "frames", text: "the Fast clip needs a multiple of α = 8" }],
};

const text = (r: unknown): string => JSON.stringify(r);
const withField = (key: string, value: unknown): string => text({ ...SOUND, [key]: value });

describe("readRequirements", () => {
  it("reads sound requirements, which then check a request", () => {
    const reading = readRequirements(text(SOUND));
    expect(reading).toEqual({ ok: true, requirements: SOUND });
    if (!reading.ok) return;
    expect(checkInputs(reading.requirements, { clip: [1, 3, 33, 32, 32] }, dimNameValue).map((p) => p.input)).toEqual(["clip"]);
    expect(checkInputs(reading.requirements, { clip: [1, 3, 32, 32, 32] }, dimNameValue)).toEqual([]);
  });

  it.each([
    ["not JSON", "{damaged", "it is not JSON"],
    ["another format", text({ ...SOUND, format: "other/2" }), `its format is "other/2"; this sfc reads 'sfc-requirements/1'`],
    ["not an object", "[1, 2]", "it is not a 'sfc-requirements/1' object"],
  ])("calls %s foreign", (_, given, problem) => {
    expect(readRequirements(given)).toEqual({ ok: false, foreign: true, problem });
  });

  it.each([
    ["a field of the wrong kind", withField("dynamic", "T"), "'dynamic' is not a list of names"],
    ["an unknown constraint kind", withField("constraints", [{ kind: "prime", text: "x" }]), 'constraint 0 has an unknown kind "prime"'],
    [
      "an axis past the input's last",
      withField("parameters", { T: { ...SOUND.parameters.T, axis: 5 } }),
      "parameter 'T' reads axis 5 of input 'clip', which has 5 axes",
    ],
    [
      "an input it does not state",
      withField("constraints", [{ ...SOUND.constraints[0], input: "flow" }]),
      "constraint 0 reads input 'flow', which the model does not have",
    ],
    [
      "an expression over a name that is not a parameter",
      withField("constraints", [{ kind: "size", input: "clip", axis: 2, expr: "8*K", name: "frames", text: "x" }]),
      "constraint 0 has '8*K', whose 'K' is not a parameter",
    ],
    [
      "a divisor of 0",
      withField("constraints", [{ kind: "divides", divisor: "T-4", dividend: "T", text: "x" }]),
      "constraint 0 has the divisor 'T-4', which is 0",
    ],
  ])("refuses %s as damaged", (_, given, problem) => {
    expect(readRequirements(given)).toEqual({ ok: false, foreign: false, problem });
  });
});
