/**
 * The op tables of docs/language.md, generated from the records (the test in
 * test/docs/ keeps the page and the records in step; refresh the page with
 * `npx vitest run -u test/docs`).
 */
import type { Poly } from "../dims/poly";
import type { FormalSpec, OpRecord } from "./record";

type AnyRecord = OpRecord<{ readonly kind: string }>;

function showNumber(p: Poly): string {
  const value = p.constantValue();
  if (value === undefined) return p.toString();
  const n = value.toNumber();
  // 1e-5 reads better than 0.00001.
  return n !== 0 && Math.abs(n) < 1e-3 ? n.toExponential() : String(n);
}

function showDefault(f: FormalSpec): string | undefined {
  const d = f.default;
  if (d === undefined || d === "optional") return undefined;
  if (typeof d === "boolean") return String(d);
  if (typeof d === "string") return `"${d}"`;
  if (Array.isArray(d)) {
    const [t, h, w] = (d as readonly Poly[]).map(showNumber);
    return h === w ? `${t}×${h}²` : `${t}×${h}×${w}`;
  }
  return showNumber(d as Poly);
}

function showFormal(f: FormalSpec): string {
  const shown = showDefault(f);
  return `\`${f.name}\`${f.doc ? ` ${f.doc}` : ""}${shown === undefined ? "" : ` (${shown})`}`;
}

/** A table cell: pipes escaped, so that a `|>` in a cell does not split it. */
const cell = (text: string): string => text.replace(/\|/g, "\\|");

/** The signature table: each op's arguments with their defaults, and its result. */
export function renderSignatureTable(ops: Readonly<Record<string, AnyRecord>>): string {
  const rows = Object.entries(ops).map(([name, r]) => `| \`${name}\` | ${cell(r.formals.map(showFormal).join(", "))} | ${cell(r.result)} |`);
  return ["| Op | Arguments (default) | Result |", "|---|---|---|", ...rows].join("\n");
}

/** The back-end table: what each op computes, its weights, its ONNX lowering and whether its FLOPs count. */
export function renderBackEndTable(ops: Readonly<Record<string, AnyRecord>>): string {
  const rows = Object.entries(ops).map(([name, r]) => {
    const flops = r.flopsDoc ?? "not counted";
    return `| \`${name}\` | ${cell(r.summary)} | ${cell(r.weightsDoc ?? "none")} | ${cell(r.onnx.doc)} | ${cell(flops)} |`;
  });
  return ["| Op | Computes | Weights (initialisation without a checkpoint) | ONNX (opset) | FLOPs |", "|---|---|---|---|---|", ...rows].join("\n");
}

export const OP_TABLES_BEGIN =
  "<!-- op tables: generated from the records in compiler/ops/ by `npx vitest run -u test/docs`; edit the records, not the tables -->";
export const OP_TABLES_END = "<!-- end of op tables -->";

/** The generated part of docs/language.md's section on ops, markers included. */
export function renderOpTables(ops: Readonly<Record<string, AnyRecord>>): string {
  return [
    OP_TABLES_BEGIN,
    "",
    renderSignatureTable(ops),
    "",
    "Without a checkpoint every weight starts as the table below says, seeded by",
    "`--seed` (section 17 gives their names). FLOPs are multiply-adds for one view,",
    "as the paper counts them (`sfc info`).",
    "",
    renderBackEndTable(ops),
    "",
    OP_TABLES_END,
  ].join("\n");
}
