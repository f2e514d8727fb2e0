/**
 * Text from files sfc reads but the user did not write (a checkpoint's
 * tensor names, dtypes and globals, a label file's names) as it may reach a
 * terminal: control characters (C0, DEL, C1) and the bidirectional controls
 * written as \xNN or \u{N}, so that none can retitle or clear the terminal,
 * reverse the text after it or start a line that looks like sfc's own; and
 * a long text cut, so that a 2 MB tensor name is not printed whole.
 */
import type { Diagnostic, LabelledSpan } from "../diagnostics/diagnostic";

const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export function printable(text: string, maxChars: number): string {
  const escaped = text.replace(UNPRINTABLE, (c) => {
    const code = c.codePointAt(0)!; // one character matched
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u{${code.toString(16)}}`;
  });
  // Counted in code points only when it could be too long: most messages are short.
  if (escaped.length <= maxChars) return escaped;
  const chars = [...escaped];
  return chars.length > maxChars ? `${chars.slice(0, maxChars).join("")}…` : escaped;
}

/**
 * Characters of one message, label, note or help shown. They quote what a
 * checkpoint holds (tensor names, shapes), which may be megabytes long.
 */
const MAX_MESSAGE_CHARS = 1000;

/** Any text of a diagnostic or of a one-line error, as a terminal shows it. */
export function printableMessage(text: string): string {
  return printable(text, MAX_MESSAGE_CHARS);
}

/**
 * A diagnostic whose every text is printable, for the formats a terminal or
 * a CI log shows. Each is one line: a line feed in a note that quotes a
 * tensor name would start a line of its own.
 */
export function printableDiagnostic(d: Diagnostic): Diagnostic {
  const labelled = (s: LabelledSpan): LabelledSpan => ({ ...s, label: printableMessage(s.label) });
  return {
    ...d,
    message: printableMessage(d.message),
    primary: labelled(d.primary),
    related: d.related.map(labelled),
    chain: d.chain.map(labelled),
    notes: d.notes.map(printableMessage),
    ...(d.help === undefined ? {} : { help: printableMessage(d.help) }),
  };
}
