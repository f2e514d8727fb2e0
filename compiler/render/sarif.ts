/**
 * Diagnostics as SARIF 2.1.0, the format code-scanning services (GitHub's
 * among them) read: one run, one rule per code used, one result per
 * diagnostic.
 */
import { CATALOGUE, type DiagnosticCode } from "../diagnostics/catalogue";
import type { Diagnostic } from "../diagnostics/diagnostic";
import type { Span } from "../span";
import type { ToolNotification } from "./index";
import { fullMessage } from "./json";

export const SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json";

/** The npm package; a test keeps it package.json's name. */
export const PACKAGE_NAME = "slowfast-compiler";
export const INFORMATION_URI = `https://www.npmjs.com/package/${PACKAGE_NAME}`;

/**
 * Where a code is explained: docs/diagnostics.md as published in the
 * package (unpkg serves any file of any published version), so that the
 * link matches the version that reported it.
 */
export function helpUri(code: string, toolVersion: string | undefined): string {
  const at = toolVersion === undefined ? "" : `@${toolVersion}`;
  return `https://unpkg.com/${PACKAGE_NAME}${at}/docs/diagnostics.md#${code.toLowerCase()}`;
}

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

export function renderSarif(
  diagnostics: readonly Diagnostic[],
  toolVersion: string | undefined,
  uriOf?: (file: string) => string,
  notifications: readonly ToolNotification[] = [],
): string {
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
            informationUri: INFORMATION_URI,
            rules: codes.map((code) => ({
              id: code,
              shortDescription: { text: CATALOGUE[code].title },
              fullDescription: { text: CATALOGUE[code].explain },
              helpUri: helpUri(code, toolVersion),
              defaultConfiguration: { level: CATALOGUE[code].severity },
            })),
          },
        },
        invocations: [
          {
            executionSuccessful: notifications.length === 0,
            ...(notifications.length === 0
              ? {}
              : {
                  toolExecutionNotifications: notifications.map((n) => ({
                    level: "error",
                    descriptor: { id: n.code },
                    message: { text: n.message },
                    ...(n.file === undefined ? {} : { locations: [{ physicalLocation: { artifactLocation: { uri: artifactUri(n.file) } } }] }),
                  })),
                }),
          },
        ],
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
                        locations: [
                          { location: labelled(d.primary.span, d.primary.label) },
                          ...[...d.chain].reverse().map((s) => ({ location: labelled(s.span, s.label) })),
                        ],
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
