/** The command line as the compiler's diagnostics point into it. */
import { AstBuilder } from "./ast-builder";
import type { Span } from "./span";

/** The pseudo-file that command-line settings are reported in. */
export const COMMAND_LINE = "<command line>";

/**
 * The command line as a pseudo-file: settings and options are appended as
 * they come up, so that a diagnostic can point at one as at source.
 */
export class CommandLine {
  private text = "";
  private multiline = false;

  span(part: string): Span {
    const start = this.text === "" ? 0 : this.text.length + 1;
    this.text = this.text === "" ? part : `${this.text} ${part}`;
    // One line (the usual case): the position is the offset, without re-reading
    // the whole line per part, which made 20,000 --set options quadratic.
    if (!this.multiline && !part.includes("\n"))
      return { file: COMMAND_LINE, start, end: start + part.length, line: 1, column: start + 1, endLine: 1, endColumn: start + part.length + 1 };
    this.multiline = true;
    return AstBuilder.forText(COMMAND_LINE, this.text).spanAt(start, start + part.length);
  }

  /** Adds it to `sources` when anything was pointed at. */
  addTo(sources: Map<string, string>): Map<string, string> {
    if (this.text !== "") sources.set(COMMAND_LINE, this.text);
    return sources;
  }
}
