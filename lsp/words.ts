/**
 * The word that ends at a position, found by scanning back from it: linear
 * in the word. A regex anchored at the end (`[\p{L}\p{N}_]*$`) retries from
 * every offset of a run of word characters, so a long comment line above
 * the cursor made it quadratic and stalled the server. A word here is looser
 * than the lexer's name (any letter or digit): what is being typed need not
 * be a name yet, and the completion that follows decides.
 */

const IDENTIFIER_CHARACTER = /[\p{L}\p{N}_]/u;

/** Where the run of characters passing `isWord` (letters, digits and `_` by default) that ends at `end` starts. */
export function wordStart(text: string, end: number, isWord: (ch: string) => boolean = (ch) => IDENTIFIER_CHARACTER.test(ch)): number {
  let i = end;
  while (i > 0) {
    // A letter outside the BMP is two code units: test the code point they make.
    const low = text.charCodeAt(i - 1);
    const pair = low >= 0xdc00 && low <= 0xdfff && i >= 2 && text.charCodeAt(i - 2) >= 0xd800 && text.charCodeAt(i - 2) <= 0xdbff;
    const width = pair ? 2 : 1;
    if (!isWord(text.slice(i - width, i))) break;
    i -= width;
  }
  return i;
}

/** Where the whitespace that ends at `end` starts. */
export function spaceStart(text: string, end: number): number {
  let i = end;
  while (i > 0 && /\s/.test(text[i - 1]!)) i--;
  return i;
}
