/**
 * Diagnostics as GitHub Actions workflow commands, which the runner turns
 * into annotations on the pull request's diff.
 * https://docs.github.com/actions/reference/workflow-commands-for-github-actions
 */
import type { Diagnostic } from "../diagnostics/diagnostic";
import { annotatedMessage } from "./json";
import { printableDiagnostic, printableMessage } from "./printable";
import type { ToolNotification } from "./index";

/** As `escapeData` in @actions/core: the runner reads one command per line and decodes these. */
export function escapeData(s: string): string {
  return s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

/** As `escapeProperty` in @actions/core: `:` ends the property list and `,` separates properties. */
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

/** Where spans on the command line (a --set, --weights) are: no file GitHub could annotate. */
const COMMAND_LINE = "<command line>";

export function githubCommand(found: Diagnostic): string {
  // A CI log shows ANSI sequences too: what a checkpoint says is escaped and cut as on a terminal.
  const d = printableDiagnostic(found);
  const s = d.primary.span;
  // A problem with an option is an annotation on the run, as an unreadable input is, not on a file of the repository.
  if (s.file === COMMAND_LINE) return `::${d.severity} title=${escapeProperty(d.code)}::${escapeData(annotatedMessage(d))}`;
  const props = [`file=${escapeProperty(s.file)}`, `line=${s.line}`];
  // GitHub's checks API takes columns only for an annotation that starts and ends on one line.
  if (s.line === s.endLine) props.push(`col=${s.column}`);
  props.push(`endLine=${s.endLine}`);
  if (s.line === s.endLine) props.push(`endColumn=${s.endColumn}`);
  props.push(`title=${escapeProperty(d.code)}`);
  return `::${d.severity} ${props.join(",")}::${escapeData(annotatedMessage(d))}`;
}

/** One command per line; nothing for no diagnostics. */
export function renderGithub(diagnostics: readonly Diagnostic[]): string {
  return diagnostics.map((d) => `${githubCommand(d)}\n`).join("");
}

/** An input that cannot be read: an error annotation on the file, or on the run when there is none. */
export function githubNotification(n: ToolNotification): string {
  const props = [...(n.file === undefined ? [] : [`file=${escapeProperty(n.file)}`]), `title=${escapeProperty("sfc")}`];
  return `::error ${props.join(",")}::${escapeData(printableMessage(n.message))}`;
}
