import { test } from "vitest";
import { check } from "../../compiler/index";
import { loadStdlib } from "../../compiler/host/node";
test("x", () => {
  const files: Record<string, string> = {
    "a.sf": `
import std.lateral { t2c, tsample, tconv }
block bad_t2c(x: <αT, S², βC>, α: int, β: rat) -> <T, S², βC> {
  split = reshape(x, [βC, T, α, S, S])
  moved = transpose(split, [2, 0, 1, 3, 4])
  return reshape(moved, <T, S², αβC>)
}
param frames = 33
network N(clip: <frames, S², 3>, S = 32, α = 8, β = 1/8) -> <T, S², 16> {
  pathway fast = clip |> conv(out: 8, kernel: 1×3², pad: 0×1²)
  y = tconv(fast, α: α, β: β)
  return y
}
`,
  };
  const r = check({ files: ["a.sf"], host: { stdlib: loadStdlib(), readFile: (p) => files[p] } });
  for (const d of r.diagnostics) console.log(JSON.stringify({ code: d.code, msg: d.message, at: `${d.primary.span.file}:${d.primary.span.line}:${d.primary.span.column}`, label: d.primary.label, rel: d.related.map((x) => `${x.span.file}:${x.span.line}:${x.span.column} ${x.label}`), notes: d.notes, help: d.help }));
  console.log(r.networks.length, r.networks.map((n) => n.graph?.nodes.map((x) => x.name)));
});
