import { describe, expect, it } from "vitest";
import { labelCountProblem, LabelsError, parseLabels, printableLabel } from "../../runtime/labels";

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

describe("parseLabels", () => {
  it("reads lines, a JSON array, or a JSON object from name to index", () => {
    expect(parseLabels(bytes("\uFEFFa\r\nb\n"))).toEqual(["a", "b"]);
    expect(parseLabels(bytes('["a", "b"]'))).toEqual(["a", "b"]);
    expect(parseLabels(bytes('{"b": 1, "a": 0}'))).toEqual(["a", "b"]);
  });

  it("ignores blank lines at the end, and keeps one inside as an empty name", () => {
    expect(parseLabels(bytes("a\nb\n\n"))).toEqual(["a", "b"]);
    expect(parseLabels(bytes("a\r\nb\r\n\r\n  \n"))).toEqual(["a", "b"]);
    expect(parseLabels(bytes("a\n\nc\n"))).toEqual(["a", "", "c"]);
  });

  it("refuses indices that are not class indices", () => {
    for (const text of ['{"a": -1}', '{"a": 1.5}', '{"a": "0"}', '{"a": 1e300}']) expect(() => parseLabels(bytes(text)), text).toThrow(LabelsError);
  });

  it("describes a deeply nested entry without printing it", () => {
    const deep = `[${"[".repeat(100_000)}${"]".repeat(100_000)}]`;
    expect(() => parseLabels(bytes(deep))).toThrow(/^entry 0 of the JSON array is an array, not a name$/);
    expect(() => parseLabels(bytes(`{"a": ${"[".repeat(100_000)}${"]".repeat(100_000)}}`))).toThrow(/^"a" has index an array, not a class index$/);
  });

  it("shows invalid UTF-8 as replacement characters", () => {
    expect(parseLabels(new Uint8Array([0x61, 0xff, 0x0a]))).toEqual(["a\ufffd"]);
  });
});

describe("labelCountProblem", () => {
  it("says how the labels miss the classes", () => {
    expect(labelCountProblem(["a", "b"], 2)).toBeUndefined();
    expect(labelCountProblem(["a"], 2)).toBe("names 1 classes; the model has 2");
    expect(labelCountProblem(parseLabels(bytes('{"a": 0, "c": 2}')), 3)).toBe("names no class 1; each of 0..2 must be given once");
  });
});

describe("printableLabel", () => {
  it("escapes C0, DEL, C1 and bidirectional controls, and keeps other text", () => {
    expect(printableLabel("a\u001b[31mb\u0007\u007f\u0085\u202e\u2067")).toBe("a\\x1b[31mb\\x07\\x7f\\x85\\u{202e}\\u{2067}");
    expect(printableLabel("ballet — 芭蕾 🩰")).toBe("ballet — 芭蕾 🩰");
  });

  it("cuts at 200 characters", () => {
    expect(printableLabel("é".repeat(300))).toBe(`${"é".repeat(200)}…`);
  });
});
