// The bundle made ASCII, its source map kept true (scripts/bundle.js).
"use strict";
const { decodeVlq, encodeVlq } = require("./source-map-vlq.js");

/**
 * The bundle with every non-ASCII character written as a \uXXXX escape, and
 * its source map's columns moved to match. esbuild escapes strings but leaves
 * comments and regular-expression literals as written (→ in the lexer's
 * tokens, − in the printer's), and one such character makes V8 hold the
 * whole 1.3 MB source as two bytes a character: loading, and compiling what
 * the code cache lacks, took 10 ms longer for `sfc info` (15 interleaved runs).
 * In a comment the escape is text; in a regular expression it matches the
 * same character. In a tagged template it would change the raw text (esbuild
 * leaves those as written too): the build refuses a line that has both.
 */
function asciiOnly(code, mapJson) {
  const lines = code.split("\n");
  const map = JSON.parse(mapJson);
  const mappingLines = map.mappings.split(";");
  lines.forEach((line, i) => {
    if (!/[^\x00-\x7f]/.test(line)) return;
    if (nonAsciiInTaggedTemplate(line))
      throw new Error(`line ${i + 1} of the bundle: a non-ASCII character in a tagged template; write it as \\u{...} in the source`);
    // Each escaped UTF-16 unit adds five columns to everything after it on its line.
    const added = [];
    let escaped = "";
    for (let column = 0; column < line.length; column++) {
      const unit = line.charCodeAt(column);
      if (unit < 0x80) {
        escaped += line[column];
        continue;
      }
      if (line[column - 1] === "\\") throw new Error(`line ${i + 1} of the bundle: a non-ASCII character after a backslash cannot be escaped`);
      escaped += `\\u${unit.toString(16).padStart(4, "0")}`;
      added.push(column);
    }
    lines[i] = escaped;
    mappingLines[i] = shiftColumns(mappingLines[i] ?? "", (column) => column + 5 * added.filter((at) => at < column).length);
  });
  map.mappings = mappingLines.join(";");
  return { code: lines.join("\n"), map: JSON.stringify(map) };
}

/** A tag right before a template's opening backtick, as esbuild prints one: a name, `)` or `]` (String.raw`...`). */
const TAG_BEFORE = /[\w$)\]]$/;
const NON_ASCII = /[^\x00-\x7f]/;

/**
 * Whether a non-ASCII character lies in a tagged template on this line.
 * Backticks are paired from the start of the line, so one in a comment may
 * make it answer yes: the build then stops, and a person looks.
 */
function nonAsciiInTaggedTemplate(line) {
  let openedAt = -1;
  for (let column = 0; column <= line.length; column++) {
    const c = line[column];
    if (c === "\\") column++;
    else if (c === "`" || (c === undefined && openedAt >= 0)) {
      if (openedAt < 0) openedAt = column;
      else {
        if (TAG_BEFORE.test(line.slice(0, openedAt)) && NON_ASCII.test(line.slice(openedAt, column))) return true;
        openedAt = -1;
      }
    }
  }
  return false;
}

/** One line of source-map mappings with each segment's generated column moved by `move`; its other fields as they were. */
function shiftColumns(mappings, move) {
  if (mappings === "") return mappings;
  let previous = 0;
  let previousMoved = 0;
  return mappings
    .split(",")
    .map((segment) => {
      const fields = decodeVlq(segment);
      // The generated column is relative to the previous segment's on the line; the other fields to earlier lines' too.
      const column = previous + fields[0];
      const moved = move(column);
      fields[0] = moved - previousMoved;
      previous = column;
      previousMoved = moved;
      return fields.map(encodeVlq).join("");
    })
    .join(",");
}

module.exports = { asciiOnly };
