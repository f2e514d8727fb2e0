/**
 * Characters no token takes, as a lexical error names them: by code point,
 * since the character itself may be invisible, reorder the line (bidi
 * controls) or look like an ASCII letter.
 */

/** Characters that show as nothing, or that only steer the direction of the text around them. */
const INVISIBLE = new Map<number, string>([
  [0x00ad, "soft hyphen"],
  [0x200b, "zero-width space"],
  [0x200c, "zero-width non-joiner"],
  [0x200d, "zero-width joiner"],
  [0x200e, "left-to-right mark"],
  [0x200f, "right-to-left mark"],
  [0x202a, "bidirectional control: left-to-right embedding"],
  [0x202b, "bidirectional control: right-to-left embedding"],
  [0x202c, "bidirectional control: pop directional formatting"],
  [0x202d, "bidirectional control: left-to-right override"],
  [0x202e, "bidirectional control: right-to-left override"],
  [0x2060, "word joiner"],
  [0x2061, "invisible function application"],
  [0x2062, "invisible times"],
  [0x2063, "invisible separator"],
  [0x2064, "invisible plus"],
  [0x2066, "bidirectional control: left-to-right isolate"],
  [0x2067, "bidirectional control: right-to-left isolate"],
  [0x2068, "bidirectional control: first strong isolate"],
  [0x2069, "bidirectional control: pop directional isolate"],
  // A leading one is dropped as a byte-order mark (compiler/source-lines.ts); elsewhere it hides.
  [0xfeff, "zero-width no-break space, a byte-order mark inside the text"],
]);

/**
 * Cyrillic and Greek letters drawn like ASCII ones, where names take ASCII
 * only. The Greek letters names may use (α … ω, Α … Ω) lex as names and are
 * not listed; these are the ones outside that range.
 */
const LOOKS_LIKE = new Map<number, string>(
  Object.entries({
    а: "a",
    с: "c",
    ԁ: "d",
    е: "e",
    һ: "h",
    і: "i",
    ј: "j",
    о: "o",
    р: "p",
    ѕ: "s",
    х: "x",
    у: "y",
    А: "A",
    В: "B",
    С: "C",
    Е: "E",
    Н: "H",
    І: "I",
    Ј: "J",
    К: "K",
    М: "M",
    О: "O",
    Р: "P",
    Ѕ: "S",
    Т: "T",
    Х: "X",
    ϲ: "c",
    ϳ: "j",
  }).map(([ch, ascii]) => [ch.codePointAt(0)!, ascii]),
);

/** Whether a character shows as nothing or steers the text's direction (the list above): an excerpt shows it as U+FFFD. */
export const isInvisible = (cp: number): boolean => INVISIBLE.has(cp);

const codePoint = (cp: number): string => `U+${cp.toString(16).toUpperCase().padStart(4, "0")}`;

/** The message for a character no token takes, at the start of `chars`. */
export function unexpectedCharacter(chars: string): string {
  const cp = chars.codePointAt(0) ?? 0;
  const ch = String.fromCodePoint(cp);
  const invisible = INVISIBLE.get(cp);
  if (invisible !== undefined) return `unexpected invisible character ${codePoint(cp)} (${invisible})`;
  const ascii = LOOKS_LIKE.get(cp);
  if (ascii !== undefined) return `unexpected character ${codePoint(cp)} "${ch}", which looks like the ASCII letter ${ascii}`;
  if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) return `unexpected control character ${codePoint(cp)}`;
  return cp < 0x7f ? `unexpected character "${ch}"` : `unexpected character ${codePoint(cp)} "${ch}"`;
}

/**
 * The text with each run of look-alike letters that no token took, and that
 * touches an ASCII word, replaced by the ASCII letters it looks like: `rеlu`
 * then lexes as the name `relu`, so the one error about the letter is not
 * followed by syntax errors about the pieces. Each replacement has the
 * length of what it replaces, so offsets stay those of `text`.
 */
export function withLookAlikesMended(text: string, errors: readonly { readonly offset: number; readonly length: number }[]): string {
  let mended = text;
  for (const { offset, length } of errors) {
    const run = text.slice(offset, offset + length);
    const ascii = [...run].map((ch) => LOOKS_LIKE.get(ch.codePointAt(0)!));
    const touchesWord = /\w/.test(text[offset - 1] ?? "") || /\w/.test(text[offset + length] ?? "");
    if (!touchesWord || ascii.some((a) => a === undefined)) continue;
    mended = mended.slice(0, offset) + ascii.join("") + mended.slice(offset + length);
  }
  return mended;
}
