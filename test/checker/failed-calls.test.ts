/**
 * A block call that fails after its arguments are bound has the type its
 * block declares: what follows it is still checked, and its own errors are
 * reported, rather than being silenced by the first.
 */
import { describe, expect, it } from "vitest";
import { check } from "../../compiler/index";
import { checkSource, codes, expectError, memoryHost } from "../support/compiler";

// `widen` needs its input's channels to equal `out` (its residual add), a requirement of every call.
const WIDEN = "block widen(x: <T, S², C>, out: int) -> <T, S², out> {\n  return add(conv(x, out: out), x)\n}\n";

describe("a failed block call", () => {
  it("gives its declared type to what follows, which reports its own error", () => {
    const r = checkSource(
      `${WIDEN}network N(clip: <2, 8², 4>) -> <10> {\n  y = widen(clip, out: 8)\n  z = add(y, conv(clip, out: 6))\n  return z |> gap |> linear(out: 10)\n}\n`,
    );
    expect(codes(r)).toEqual(["SF0302", "SF0202"]);
    expectError(r, "SF0302", { at: "widen(clip, out: 8)" });
    // The second add sees `y` as widen declares it: 8 channels, against the conv's 6.
    expectError(r, "SF0202", { at: "add(y,", message: /8.*6|6.*8/ });
  });

  it("is quiet where what follows agrees with its declared type", () => {
    const r = checkSource(
      `${WIDEN}network N(clip: <2, 8², 4>) -> <10> {\n  y = widen(clip, out: 8)\n  return add(y, conv(clip, out: 8)) |> gap |> linear(out: 10)\n}\n`,
    );
    expect(codes(r)).toEqual(["SF0302"]);
  });

  it("gives the result a repeat's next call takes: one error for the first call alone", () => {
    const r = checkSource(`${WIDEN}network N(clip: <2, 8², 4>) -> <2, 8², 8> {\n  return clip |> repeat 3 widen(out: 8)\n}\n`);
    expect(codes(r)).toEqual(["SF0302"]);
  });

  it("builds no graph", () => {
    const r = checkSource(`${WIDEN}network N(clip: <2, 8², 4>) -> <2, 8², 8> {\n  y = widen(clip, out: 8)\n  return y |> relu\n}\n`);
    expect(r.networks[0]!.graph).toBeUndefined();
  });

  it("gives nothing where a size of its declared type is not one here (the failed requirement made it whole)", () => {
    const halve = "block halve(x: <T, S², C>) -> <T, S², C/2> {\n  return conv(x, out: C/2)\n}\n";
    const r = checkSource(`${halve}network N(clip: <2, 8², 5>) -> <10> {\n  return clip |> halve |> conv(out: 4) |> gap |> linear(out: 10)\n}\n`);
    expect(codes(r)).toEqual(["SF0302"]);
  });

  it("gives nothing where its declared type holds more elements than a tensor may: no second error at the next op", () => {
    const cube = "block cube(x: <T, S², C>) -> <T, S², C·C·C> {\n  return add(conv(x, out: C·C·C), x)\n}\n";
    const r = checkSource(`${cube}network N(clip: <2, 4², 1000>) -> <10> {\n  y = cube(clip)\n  return y |> conv(out: 64) |> gap |> linear(out: 10)\n}\n`);
    expect(codes(r)).toEqual(["SF0302"]);
  });

  it("inside a body entered for a call, leaves what uses it quiet: blocks each calling a failing one twice run it once each", () => {
    // Twenty levels: 2²⁰ runs of the failing body if each failed call went on.
    const lines = ["block b0(x: <T, S², C>) -> <T, S², C> {\n  return x |> conv(out: C - 4) |> conv(out: C)\n}"];
    for (let i = 1; i <= 20; i++) lines.push(`block b${i}(x: <T, S², C>) -> <T, S², C> {\n  return b${i - 1}(b${i - 1}(x))\n}`);
    lines.push("network N(clip: <2, 4², 2>) -> <2, 4², 2> {\n  return b20(clip)\n}\n");
    expect(codes(checkSource(lines.join("\n")))).toEqual(["SF0206"]);
    // The same past the nesting limit, which no node counts: 210 levels, one SF0003.
    const deep = ["block b0(x: <T, S², C>) -> <T, S², C> {\n  return relu(x)\n}"];
    for (let i = 1; i < 210; i++) deep.push(`block b${i}(x: <T, S², C>) -> <T, S², C> {\n  y = b${i - 1}(x)\n  return b${i - 1}(y)\n}`);
    deep.push("network N(clip: <2, 4², 3>) -> <2, 4², 3> {\n  return b209(clip)\n}\n");
    expect(codes(checkSource(deep.join("\n")))).toEqual(["SF0003"]);
  });
});

describe("block calls", () => {
  it("count against the nodes limit, since a body may build none: SF0604 past it", () => {
    const source =
      "block same(x: <T, S², C>) -> <T, S², C> {\n  return x\n}\nnetwork N(clip: <2, 4², 2>) -> <2, 4², 2> {\n  return clip |> repeat 100 same()\n}\n";
    expect(codes(checkSource(source))).toEqual([]);
    const r = check({ files: ["main.sf"], host: memoryHost({ "main.sf": source }), limits: { nodes: 50 } });
    expect(r.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual(["SF0604 the network expands to more than 50 block calls"]);
  });
});
