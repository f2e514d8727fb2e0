/**
 * Every resource limit sfc enforces, stated once. Each keeps hostile or
 * mistaken input from exhausting time, memory or the stack, and each has its
 * own diagnostic code, so that a user who meets one learns which and how to
 * raise it (`--limit NAME=VALUE`). docs/security.md lists them.
 */
import type { DiagnosticCode } from "./diagnostics/catalogue";
import { thousands } from "./thousands";

/** Resource limits (`--limit NAME=N`): past one, a diagnostic says which and how to raise it. */
export interface Limits {
  /** Bracket, unary-minus and expression nesting; deeper input could exhaust the stack. */
  readonly nesting: number;
  /** Decimal digits of a number literal's exact value (digits plus exponent). */
  readonly numberDigits: number;
  /** Elements of one tensor: a value, a weight, an input or a constant the model stores (an interpolation matrix). */
  readonly tensorElements: number;
  /** Bytes of a whole model's weights and stored constants: ONNX's protobuf cannot exceed 2 GiB. */
  readonly modelBytes: number;
  /** Frames one `frames` selection may produce. */
  readonly frames: number;
  /** Graph nodes one network may expand to (repeats and block calls unrolled), and block calls it may make. */
  readonly nodes: number;
  /** Diagnostics shown per file; the rest are counted. */
  readonly diagnosticsPerFile: number;
  /** Bytes of the input clip `sfc run` makes or reads. */
  readonly clipBytes: number;
  /** Threads `sfc run` may ask for; 0 means the machine's cores (the host knows them). */
  readonly threads: number;
  /** Paths one check of a block's body may follow: each \`if\` it cannot decide doubles those after it. */
  readonly branches: number;
  /** Boxes and links of a drawing `sfc graph --format svg` hands to Graphviz, whose layout grows faster than the drawing. */
  readonly svgItems: number;
  /** Bytes of one source file: parsing one takes up to 1.5 KB of memory per byte (a long list of numbers). */
  readonly sourceBytes: number;
}

export type LimitName = keyof Limits;

export const DEFAULT_LIMITS: Limits = {
  nesting: 200,
  numberDigits: 1000,
  // 2³¹ − 1: ONNX dimensions and onnxruntime's indexing are comfortable below it.
  tensorElements: 2 ** 31 - 1,
  modelBytes: 2 ** 31,
  frames: 100_000,
  nodes: 200_000,
  diagnosticsPerFile: 100,
  clipBytes: 2 ** 30,
  threads: 0,
  // Twelve independent flags, each tested by an \`if\`: 2¹² paths; checking 2²⁰ took 24 s and 2 GB.
  branches: 4096,
  // Twelve times SlowFast_16x8_R101_50_50_NL at --depth block (160). The costliest shapes measured within it (998 stages
  // in a row; 2 pathways over 284 fused stages; 50 pathways each fused into the next over 7) took at most 3.3 s and
  // 160 MB; 8,000 took 28 s and 600 MB. Pathways are bounded by a fortieth of it (50): 100 fused side by side took 20 s.
  svgItems: 2000,
  // 256 KiB: 25 times the standard library's largest module. Parsing costs up to 3 KB per byte: a list of 131,000
  // numbers this long took 0.8 GB and 1.9 s to check, 1 MiB of one 2.9 GB and 10.6 s, near V8's 4 GB heap, whose
  // limit is lower on a smaller machine (`sfc check`, /usr/bin/time). A generated chain of 5,000 blocks fits.
  sourceBytes: 256 * 2 ** 10,
};

/**
 * The deepest nesting --limit may allow. Later stages walk expressions
 * recursively: a flat sum of 1,400 terms still checks and compiles, one of
 * 1,500 exhausts the stack, so the cap keeps a margin below that.
 */
export const MAX_NESTING = 1000;

/**
 * The code each limit reports under, the option spelling that raises it, and
 * for a limit that stands for a bound sfc cannot move, the most it may be
 * raised to and why.
 */
export const LIMIT_INFO: Record<
  LimitName,
  { readonly code: DiagnosticCode; readonly option: string; readonly what: string; readonly most?: { readonly value: number; readonly why: string } }
> = {
  nesting: {
    code: "SF0003",
    option: "nesting",
    what: "nesting depth",
    most: { value: MAX_NESTING, why: `nesting can be raised to at most ${thousands(MAX_NESTING)}; deeper expressions would exhaust sfc's stack` },
  },
  numberDigits: { code: "SF0004", option: "number-digits", what: "digits of a number" },
  tensorElements: { code: "SF0601", option: "tensor-elements", what: "elements in one tensor" },
  // It stands for ONNX's own limit: a protobuf file of more cannot be written (sfc writes no external data).
  modelBytes: {
    code: "SF0602",
    option: "model-bytes",
    what: "bytes of weights",
    most: { value: 2 ** 31, why: "model-bytes can be at most 2^31 (2 GiB), the most one ONNX file holds" },
  },
  frames: { code: "SF0603", option: "frames", what: "selected frames" },
  nodes: { code: "SF0604", option: "nodes", what: "graph nodes" },
  diagnosticsPerFile: { code: "SF0605", option: "diagnostics", what: "diagnostics per file" },
  clipBytes: { code: "SF0606", option: "clip-bytes", what: "bytes of input clip" },
  threads: { code: "SF0607", option: "threads", what: "threads" },
  branches: { code: "SF0608", option: "branches", what: "paths checked" },
  svgItems: { code: "SF0609", option: "svg-items", what: "boxes and links drawn as SVG" },
  sourceBytes: { code: "SF0610", option: "source-bytes", what: "bytes of one source file" },
};

/** NAME=VALUE as given to --limit: the option spelling, a positive integer (1e9 and 2^31 accepted). */
export function parseLimit(text: string): { name: LimitName; value: number } | string {
  // Any name is read as one, so that a misspelt one (`Nesting`, `toString`) is named as such and the limits listed.
  const m = /^\s*([^=\s]+)\s*=\s*(.+?)\s*$/.exec(text);
  if (!m) return `expected NAME=VALUE, e.g. --limit frames=1000000`;
  const name = (Object.keys(LIMIT_INFO) as LimitName[]).find((k) => LIMIT_INFO[k].option === m[1]);
  if (!name)
    return `no limit ${JSON.stringify(m[1])}; the limits are ${Object.values(LIMIT_INFO)
      .map((i) => i.option)
      .join(", ")}`;
  const raw = m[2]!;
  const power = /^(\d+)\^(\d+)$/.exec(raw);
  const value = power ? Number(power[1]) ** Number(power[2]) : /^\d+(?:\.\d+)?(?:e\d+)?$/i.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(value) || value < 1) return `--limit ${m[1]} takes a positive integer below 2^53, given ${JSON.stringify(raw)}`;
  const most = LIMIT_INFO[name].most;
  if (most !== undefined && value > most.value) return most.why;
  return { name, value };
}

/**
 * The defaults with `overrides` in place. A value that is no count (not a
 * positive safe integer, 0 threads aside) or an unknown name is a caller's
 * mistake, thrown as a RangeError rather than taken: NaN would turn a limit
 * off, and a negative one fail every input. The most a limit may be raised
 * to is --limit's rule; a library caller may go past it, at its own risk.
 */
export function withLimits(overrides: Partial<Limits> | undefined): Limits {
  for (const [name, value] of Object.entries(overrides ?? {})) {
    if (value === undefined) continue;
    if (!Object.hasOwn(LIMIT_INFO, name)) throw new RangeError(`no limit ${JSON.stringify(name)}; the limits are ${Object.keys(LIMIT_INFO).join(", ")}`);
    const least = name === "threads" ? 0 : 1;
    if (typeof value !== "number" || !Number.isSafeInteger(value) || value < least)
      throw new RangeError(`limits.${name} takes ${least === 0 ? "a whole number" : "a positive integer"} below 2^53, given ${String(value)}`);
  }
  return { ...DEFAULT_LIMITS, ...overrides };
}

/**
 * A number of bytes in the unit that reads best: 512 bytes, 100 KB, 2.5 MB,
 * 2 GiB (the ONNX bound is a power of two; smaller limits are usually typed
 * in decimal), with one decimal where the value is not whole.
 */
export function formatBytes(bytes: number): string {
  const inUnit = (n: number, unit: string): string => `${Number.isInteger(n) ? thousands(n) : n.toFixed(1)} ${unit}`;
  if (bytes >= 2 ** 30) return inUnit(Math.round((bytes / 2 ** 30) * 10) / 10, "GiB");
  if (bytes >= 1e6) return inUnit(Math.round(bytes / 1e5) / 10, "MB");
  if (bytes >= 1e3) return inUnit(Math.round(bytes / 1e2) / 10, "KB");
  return `${bytes} ${bytes === 1 ? "byte" : "bytes"}`;
}

/** How to raise a limit, for a diagnostic's help line. */
export function raiseHint(name: LimitName, limits: Limits): string {
  return `the limit is ${thousands(limits[name])} ${LIMIT_INFO[name].what}; raise it with --limit ${LIMIT_INFO[name].option}=N`;
}

/** SF0004's message for a number literal whose exact value needs too many digits; a long one is shown by its ends. */
export function numberTooLong(image: string, maxDigits: number): string {
  const shown = image.length > 40 ? `${image.slice(0, 20)}…${image.slice(-12)}` : image;
  return `the number ${shown} needs more than ${maxDigits} digits written out`;
}
