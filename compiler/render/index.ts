/** The one place diagnostics become text, in each format the CLI offers. */
import type { Diagnostic } from "../diagnostics/diagnostic";
import { renderGithub } from "./github";
import { renderHuman } from "./human";
import { renderJson } from "./json";
import { renderSarif } from "./sarif";

export type OutputFormat = "human" | "json" | "sarif" | "github";

export const OUTPUT_FORMATS: readonly OutputFormat[] = ["human", "json", "sarif", "github"];

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
}

/**
 * Renders diagnostics in the order given (sort them first with
 * `sortDiagnostics` for a stable order). `sources` maps each file path, as
 * spans name it, to its text; a file missing there is named without an
 * excerpt. Non-empty output ends with a newline; for no diagnostics, human
 * and github give "", json `[]` and sarif a run without results.
 */
export function renderDiagnostics(
  format: OutputFormat,
  diagnostics: readonly Diagnostic[],
  sources: ReadonlyMap<string, string>,
  options: RenderOptions = {},
): string {
  switch (format) {
    case "human":
      return renderHuman(diagnostics, sources, options.color ?? false);
    case "json":
      return renderJson(diagnostics, options.uriOf);
    case "sarif":
      return renderSarif(diagnostics, options.toolVersion, options.uriOf);
    case "github":
      return renderGithub(diagnostics);
  }
}

export { renderGithub } from "./github";
export { renderHuman } from "./human";
export { renderJson } from "./json";
export { renderSarif } from "./sarif";
