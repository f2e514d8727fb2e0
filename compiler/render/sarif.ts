/**
 * Diagnostics as SARIF 2.1.0, the format code-scanning services (GitHub's
 * among them) read: one run, one rule per code used, one result per
 * diagnostic.
 */
import { CATALOGUE, type DiagnosticCode } from "../diagnostics/catalogue";
import type { Diagnostic } from "../diagnostics/diagnostic";
import type { Span } from "../span";
import { fullMessage } from "./json";

export const SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json";

/**
 * `artifactLocation.uri` must be a URI reference, and file names may hold
 * spaces, `#` or `%`, or be Windows paths, or be `<command line>`: each
 * segment is percent-encoded, and absolute paths become `file:` URIs since a
 * drive letter would read as a scheme.
 */
export function artifactUri(file: string): string {
  // encodeURIComponent throws on a lone surrogate, and nothing makes a path string well-formed UTF-16.
  const p = file.replace(/\\/g, "/").replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD");
  const encode = (path: string) => path.split("/").map(encodeURIComponent).join("/");
  const drive = /^([A-Za-z]:)\/(.*)$/s.exec(p);
  if (drive) return `file:///${drive[1]}/${encode(drive[2]!)}`;
  if (p.startsWith("//")) return `file:${encode(p)}`;
  if (p.startsWith("/")) return `file://${encode(p)}`;
  return encode(p);
}

/** 1-based lines, and columns in UTF-16 code units as the run's `columnKind` says; the end column is exclusive. */
function region(s: Span) {
  return { startLine: s.line, startColumn: s.column, endLine: s.endLine, endColumn: s.endColumn };
}

export function renderSarif(diagnostics: readonly Diagnostic[], toolVersion: string | undefined, uriOf?: (file: string) => string): string {
  // The project's files stay relative, as code scanning resolves them against the checkout; the standard library is where the caller says.
  const uri = (file: string): string => (uriOf && file.startsWith("std/") ? uriOf(file) : artifactUri(file));
  const physicalLocation = (s: Span) => ({ artifactLocation: { uri: uri(s.file) }, region: region(s) });
  const labelled = (s: Span, label: string) => ({ physicalLocation: physicalLocation(s), ...(label === "" ? {} : { message: { text: label } }) });
  const codes = [...new Set(diagnostics.map((d) => d.code))].sort() as DiagnosticCode[];
  const ruleIndex = new Map(codes.map((code, i) => [code, i]));
  const log = {
    $schema: SARIF_SCHEMA_URI,
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "sfc",
            ...(toolVersion === undefined ? {} : { version: toolVersion }),
            rules: codes.map((code) => ({
              id: code,
              shortDescription: { text: CATALOGUE[code].title },
              defaultConfiguration: { level: CATALOGUE[code].severity },
            })),
          },
        },
        columnKind: "utf16CodeUnits",
        results: diagnostics.map((d) => ({
          ruleId: d.code,
          ruleIndex: ruleIndex.get(d.code)!,
          level: d.severity,
          // SARIF has no place for notes, and `fixes` needs replacement text; the help is advice, so it joins the message.
          message: { text: fullMessage(d) },
          locations: [labelled(d.primary.span, d.primary.label)],
          ...(d.related.length + d.chain.length === 0
            ? {}
            : { relatedLocations: [...d.related, ...d.chain].map((r, id) => ({ id, ...labelled(r.span, r.label) })) }),
          // The chain as the path taken: from where the user wrote it inwards to where it was found.
          ...(d.chain.length === 0
            ? {}
            : {
                codeFlows: [
                  {
                    threadFlows: [
                      {
                        locations: [{ location: labelled(d.primary.span, d.primary.label) }, ...[...d.chain].reverse().map((s) => ({ location: labelled(s.span, s.label) }))],
                      },
                    ],
                  },
                ],
              }),
        })),
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
