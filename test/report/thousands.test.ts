import { describe, expect, test } from "vitest";
import { counted, thousands } from "../../compiler/thousands";

describe("thousands", () => {
  test("writes what toLocaleString('en-US') writes, for integers of every length and sign", () => {
    const values = [0, 7, -7, 999, 1000, -1000, 12345, 999999, 1000000, 34480216, -34480216, 2 ** 53 - 1, -(2 ** 53 - 1)];
    for (let n = 1; n < 1e15; n = n * 10 + 3) values.push(n, -n);
    for (const n of values) expect(thousands(n)).toBe(n.toLocaleString("en-US"));
  });

  test("other numbers go through the locale", () => {
    for (const n of [1.5, -0.25, 1234.5678, 2 ** 60]) expect(thousands(n)).toBe(n.toLocaleString("en-US"));
  });
});

describe("counted", () => {
  test("says one thing in the singular, and any other count in the plural, with its thousands", () => {
    expect([counted(1, "node"), counted(0, "node"), counted(2, "node"), counted(34480216, "parameter")]).toEqual([
      "1 node",
      "0 nodes",
      "2 nodes",
      "34,480,216 parameters",
    ]);
    expect(counted(3, "batch", "batches")).toBe("3 batches");
  });
});
