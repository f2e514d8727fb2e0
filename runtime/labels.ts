/**
 * Class names for `sfc run --labels`: one per line (Kinetics' label files), a
 * JSON array, or a JSON object from name to index (PySlowFast's classnames
 * file). They are read and checked before the model runs, and shown with
 * control characters escaped, so that a label cannot move the cursor, retitle
 * the terminal or clear the screen.
 */
import { printable } from "../compiler/render/printable";

/** A label file that cannot be used; the message says why, without the file name. */
export class LabelsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LabelsError";
  }
}

/** Kinetics-700 has 700 classes in about 15 KB: a label file of this size is something else. */
export const MAX_LABEL_FILE_BYTES = 16 * 2 ** 20;

/** Characters of one label shown; the rest is cut with an ellipsis. */
const MAX_LABEL_CHARS = 200;

/** Labels by class index; an index a JSON object left out is undefined. */
export type Labels = readonly (string | undefined)[];

/** Parses a label file's bytes; `checkLabelCount` then checks them against the model's classes. */
export function parseLabels(bytes: Uint8Array): Labels {
  const text = new TextDecoder("utf-8").decode(bytes).replace(/^\uFEFF/, "");
  if (!/^\s*[[{]/.test(text)) {
    const lines = text.split(/\r?\n/).map((l) => l.trim());
    // Blank lines at the end (an editor's final newline, or several) name no class; one inside the file keeps its index.
    while (lines.length > 0 && lines.at(-1) === "") lines.pop();
    return lines;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new LabelsError(`not JSON (${(e as Error).message})`);
  }
  if (Array.isArray(parsed)) {
    const notText = parsed.findIndex((x) => typeof x !== "string");
    if (notText >= 0) throw new LabelsError(`entry ${notText} of the JSON array is ${describeJson(parsed[notText])}, not a name`);
    return parsed as string[];
  }
  if (parsed === null || typeof parsed !== "object") throw new LabelsError("a JSON label file is an array of names or an object from name to index");
  const labels: (string | undefined)[] = [];
  for (const [name, index] of Object.entries(parsed)) {
    if (typeof index !== "number" || !Number.isSafeInteger(index) || index < 0 || index >= 2 ** 24)
      throw new LabelsError(`${JSON.stringify(name)} has index ${describeJson(index)}, not a class index`);
    if (labels[index] !== undefined) throw new LabelsError(`${JSON.stringify(labels[index])} and ${JSON.stringify(name)} both have index ${index}`);
    labels[index] = name;
  }
  return labels;
}

/** A JSON value in a message: a scalar as written, a container by kind (printing it whole could nest without end). */
function describeJson(v: unknown): string {
  if (Array.isArray(v)) return "an array";
  if (v !== null && typeof v === "object") return "an object";
  return JSON.stringify(v);
}

/** A message when the labels do not name each of the model's `classes` classes once, else undefined. */
export function labelCountProblem(labels: Labels, classes: number): string | undefined {
  const named = labels.filter((l) => l !== undefined).length;
  if (labels.length === classes && named === classes) return undefined;
  const missing = Array.from({ length: classes }, (_, i) => i).find((i) => labels[i] === undefined);
  return named === labels.length || missing === undefined
    ? `names ${named} classes; the model has ${classes}`
    : `names no class ${missing}; each of 0..${classes - 1} must be given once`;
}

/** A label as it may be shown on a terminal: escaped and cut as compiler/render/printable.ts says. */
export function printableLabel(label: string): string {
  return printable(label, MAX_LABEL_CHARS);
}
