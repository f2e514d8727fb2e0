/**
 * Lines of one source text: where each starts and ends, and which holds an
 * offset. Spans get their line and column from here, and the renderer places
 * offsets with it rather than trusting stored line numbers.
 */
export class SourceLines {
  private readonly starts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
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

  /** End of a line's text: before its `\n`, and before a `\r` that ends it (CRLF files). */
  end(line: number): number {
    const next = this.starts[line];
    let end = next === undefined ? this.text.length : next - 1;
    if (end > this.start(line) && this.text.charCodeAt(end - 1) === 13) end--;
    return end;
  }

  /** The line as shown; other control characters would move the cursor, so they are made visible. */
  shown(line: number): string {
    return this.text.slice(this.start(line), this.end(line)).replace(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g, "\ufffd");
  }
}
