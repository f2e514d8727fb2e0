/**
 * Lines of one source text: where each starts and ends, and which holds an
 * offset. Spans get their line and column from here, and the renderer places
 * offsets with it rather than trusting stored line numbers. A line ends at
 * `\n`, `\r\n` or a lone `\r` (old Mac files), as the lexer's comments and
 * strings end and as editors and the LSP count lines.
 */
import { isInvisible } from "../grammar/characters";

export class SourceLines {
  private readonly starts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) this.starts.push(i + 1);
    }
  }

  /** 1-based line holding an offset; offsets past the end land on the last line. */
  lineOf(offset: number): number {
    const o = Math.min(Math.max(offset, 0), this.text.length);
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= o) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  start(line: number): number {
    return this.starts[line - 1]!;
  }

  /** End of a line's text: before its `\n`, `\r\n` or `\r`. */
  end(line: number): number {
    const next = this.starts[line];
    if (next === undefined) return this.text.length;
    const end = next - 1;
    return this.text.charCodeAt(end) === 10 && end > this.start(line) && this.text.charCodeAt(end - 1) === 13 ? end - 1 : end;
  }

  /**
   * The line as shown. Control characters would move the cursor, bidi
   * controls would reorder the line (so that it reads other than it lexes),
   * and invisible ones would shift the marks under it: each shows as one
   * U+FFFD, which keeps every mark under its character.
   */
  shown(line: number): string {
    return this.text
      .slice(this.start(line), this.end(line))
      .replace(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f]|[\u00ad\u200b-\u2069\ufeff]/g, (ch) =>
        ch.charCodeAt(0) < 0xa0 || isInvisible(ch.charCodeAt(0)) ? "\ufffd" : ch,
      );
  }
}

/**
 * The text without a leading byte-order mark: a file saved "with BOM" starts
 * with U+FEFF, which is no part of what it says, and would move every column
 * of its first line (and show in excerpts). Every source goes through this
 * before it is parsed, so positions are those of the text without it.
 */
export function withoutByteOrderMark(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
