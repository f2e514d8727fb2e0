/**
 * Every command's options, as data: parsing (node:util's parseArgs) and the
 * per-command help are both generated from these records, so a new flag is
 * one entry in one group or command.
 */
import { parseArgs } from "node:util";
import { UsageError } from "./usage-error";

export interface OptionSpec {
  readonly type: "string" | "boolean";
  readonly short?: string;
  readonly multiple?: boolean;
  /** The placeholder shown in help, e.g. "NAME=VALUE". Only for string options. */
  readonly value?: string;
  readonly help: string;
}

export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

export interface CommandSpec<O extends OptionSpecs = OptionSpecs> {
  readonly name: string;
  /** One line, for `sfc help`. */
  readonly summary: string;
  /** What follows `sfc NAME` in the synopsis: the positionals. */
  readonly positionals: string;
  readonly options: O;
  /** Paragraphs after the option list: formats, examples. */
  readonly details?: string;
}

type ValueOf<O extends OptionSpec> = O["type"] extends "boolean" ? boolean : O["multiple"] extends true ? string[] : string;
export type Values<O extends OptionSpecs> = { -readonly [K in keyof O]?: ValueOf<O[K]> };

/**
 * Parses ARGV by SPEC's options. An option the command does not take, and
 * one that is not repeatable given twice, are usage errors (exit 2 in main):
 * parseArgs would keep the last of two silently, so `-o a.onnx -o b.onnx`
 * would write one of them without saying which.
 */
export function parseCommand<O extends OptionSpecs>(spec: CommandSpec<O>, argv: readonly string[]): { values: Values<O>; positionals: string[] } {
  const options = Object.fromEntries(
    Object.entries(spec.options).map(([name, o]) => [
      name,
      { type: o.type, ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}) },
    ]),
  );
  const parsed = parseOrExplain(spec, () => parseArgs({ args: [...argv], options, allowPositionals: true, strict: true, tokens: true }));
  const seen = new Map<string, string>();
  for (const token of parsed.tokens) {
    if (token.kind !== "option" || spec.options[token.name]?.multiple) continue;
    const first = seen.get(token.name);
    if (first === undefined) seen.set(token.name, token.rawName);
    else throw new UsageError(first === token.rawName ? `${first} given twice` : `${first} and ${token.rawName} are one option, given twice`);
  }
  return { values: parsed.values as Values<O>, positionals: parsed.positionals };
}

/** `--output` for `-o`: `-o=-x` would read as the value "=-x". */
function longName(spec: CommandSpec, written: string): string {
  const long = Object.entries(spec.options).find(([, o]) => o.short !== undefined && `-${o.short}` === written)?.[0];
  return long === undefined ? written : `--${long}`;
}

function parseOrExplain<T>(spec: CommandSpec, parse: () => T): T {
  const command = spec.name;
  try {
    return parse();
  } catch (e) {
    const code = (e as { code?: string }).code;
    const unknown = /^Unknown option '([^']*)'/.exec((e as Error).message);
    // parseArgs's own advice is about positionals that start with '-', which is seldom the mistake.
    if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" && unknown) throw new UsageError(`sfc ${command} has no option ${unknown[1]}; see sfc help ${command}`);
    // "Option '-o, --output <value>' argument missing", in the words the other usage errors use.
    const missing = /^Option '(?:-\w, )?(--[^ ']+)[^']*' argument missing/.exec((e as Error).message);
    if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE" && missing) throw new UsageError(`${missing[1]} needs a value; see sfc help ${command}`);
    // "Option '--seed' argument is ambiguous. Did you forget ...": the option is followed by another (`--seed -o x.onnx`).
    const ambiguous = /^Option '([^']+)' argument is ambiguous/.exec((e as Error).message);
    if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE" && ambiguous)
      throw new UsageError(
        `${ambiguous[1]} needs a value, and is followed by an option; a value that starts with - is written ${longName(spec, ambiguous[1]!)}=-VALUE; see sfc help ${command}`,
      );
    const flag = /^Option '([^']+)' does not take an argument/.exec((e as Error).message);
    if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE" && flag)
      throw new UsageError(`${flag[1]} takes no value: give ${flag[1]} alone; see sfc help ${command}`);
    throw e;
  }
}

/** `sfc help NAME` and `sfc NAME --help`. */
export function commandHelp(spec: CommandSpec): string {
  const rows = Object.entries(spec.options).map(([name, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : "    "}--${name}${o.type === "string" ? ` ${o.value ?? "VALUE"}` : ""}`;
    return [flag, `${o.help}${o.multiple ? " (repeatable)" : ""}`] as const;
  });
  const width = Math.max(...rows.map(([flag]) => flag.length));
  const lines = [`sfc ${spec.name} — ${spec.summary}`, "", `Usage: sfc ${spec.name} ${spec.positionals} [options]`, "", "Options:"];
  for (const [flag, help] of rows) lines.push(`  ${flag.padEnd(width)}  ${help}`);
  if (spec.details) lines.push("", spec.details.trimEnd());
  return `${lines.join("\n")}\n`;
}

// Option groups that several commands share.

export const HELP_OPTION = {
  help: { type: "boolean", short: "h", help: "show this help" },
} as const satisfies OptionSpecs;

export const SOURCE_OPTIONS = {
  set: { type: "string", multiple: true, value: "NAME=VALUE", help: "set a network parameter, e.g. --set T=8 --set beta=1/8 --set transform=t2c" },
  limit: { type: "string", multiple: true, value: "NAME=N", help: "raise a resource limit (see docs/security.md), e.g. --limit nesting=400" },
} as const satisfies OptionSpecs;

export const NETWORK_OPTION = {
  network: { type: "string", value: "NAME", help: "the network to use; may be left out when the file declares one" },
} as const satisfies OptionSpecs;

export const DIAGNOSTIC_FORMAT_OPTION = {
  format: {
    type: "string",
    value: "human|json|sarif|github",
    help: "how diagnostics are written: human (stderr, the default) or json, sarif, github (stdout)",
  },
} as const satisfies OptionSpecs;
