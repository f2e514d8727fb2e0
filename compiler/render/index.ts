/** The one place diagnostics become text, in each format the CLI offers. */
import type { Diagnostic } from "../diagnostics/diagnostic";
import { githubNotification, renderGithub } from "./github";
import { renderHuman } from "./human";
import { printableMessage } from "./printable";
import { renderJson } from "./json";
import { renderSarif } from "./sarif";

/** The formats of `--format`: human text, LSP-shaped JSON, SARIF 2.1.0, GitHub workflow commands. */
export type OutputFormat = "human" | "json" | "sarif" | "github";

/** Every OutputFormat, in the order the CLI lists them. */
export const OUTPUT_FORMATS: readonly OutputFormat[] = ["human", "json", "sarif", "github"];

/**
 * A problem of the run rather than of a source: an input that cannot be read
 * (SF0103, with its `file`), or the command failing (SF0801). Machine formats
 * still write a whole document that carries it (SARIF's
 * toolExecutionNotifications), so that a CI upload step never receives an
 * empty file.
 */
export interface ToolNotification {
  readonly code: "SF0103" | "SF0801";
  readonly message: string;
  /** The input it concerns, as given. */
  readonly file?: string;
}

/** How renderDiagnostics writes: colour, the tool's version for SARIF, and file URIs. */
export interface RenderOptions {
  /** ANSI colour in the human format; decided by the caller (a TTY, NO_COLOR), never by this module. */
  readonly color?: boolean;
  /** The compiler's version, for SARIF's `tool.driver.version`. */
  readonly toolVersion?: string;
  /**
   * The URI of a file as spans name it, for JSON's related locations (and
   * SARIF's for files outside the project): the caller knows where
   * `std/lateral.sf` lies on disk; without it, paths are URI references.
   */
  readonly uriOf?: (file: string) => string;
  readonly notifications?: readonly ToolNotification[];
}

/**
 * Renders diagnostics in the order given (sort them first with
 * `sortDiagnostics` for a stable order). `sources` maps each file path, as
 * spans name it, to its text; a file missing there is named without an
 * excerpt. Non-empty output ends with a newline; for no diagnostics, human
 * and github give "", json `[]` and sarif a run without results.
 * Notifications come first in human, json and github (a json entry has the
 * notification's code and an empty range at the file's start), and in SARIF's
 * invocation, which is then not `executionSuccessful`.
 */
export function renderDiagnostics(
  format: OutputFormat,
  diagnostics: readonly Diagnostic[],
  sources: ReadonlyMap<string, string>,
  options: RenderOptions = {},
): string {
  const notifications = options.notifications ?? [];
  switch (format) {
    case "human":
      return notifications.map((n) => `sfc: ${printableMessage(n.message)}\n`).join("") + renderHuman(diagnostics, sources, options.color ?? false);
    case "json":
      return renderJson(diagnostics, options.uriOf, notifications);
    case "sarif":
      return renderSarif(diagnostics, options.toolVersion, options.uriOf, notifications);
    case "github":
      return notifications.map((n) => `${githubNotification(n)}\n`).join("") + renderGithub(diagnostics);
  }
}

export { renderGithub } from "./github";
export { renderHuman } from "./human";
export { renderJson } from "./json";
export { renderSarif } from "./sarif";
