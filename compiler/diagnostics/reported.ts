/**
 * What a check reports of the diagnostics its phases made: in order, each
 * problem once, and at most a screenful per file.
 */
import { counted } from "../thousands";
import { byKey } from "../group";
import { raiseHint, type Limits } from "../limits";
import { makeDiagnostic, sortDiagnostics, type Diagnostic } from "./diagnostic";

/** Sorted by file and position, each problem once, capped per file (SF0605). */
export function reportedDiagnostics(diagnostics: readonly Diagnostic[], limits: Limits): Diagnostic[] {
  return capPerFile(dedupe(sortDiagnostics(diagnostics)), limits);
}

/**
 * At most limits.diagnosticsPerFile diagnostics per file, then one SF0605
 * saying how many more: 30,000 stray characters are one screen, not 30,000.
 * Errors are kept before warnings, so that a capped file still fails.
 */
function capPerFile(diagnostics: Diagnostic[], limits: Limits): Diagnostic[] {
  const max = limits.diagnosticsPerFile;
  const byFile = byKey(diagnostics, (d) => d.primary.span.file);
  if ([...byFile.values()].every((l) => l.length <= max)) return diagnostics;
  const out: Diagnostic[] = [];
  for (const [, list] of byFile) {
    if (list.length <= max) {
      out.push(...list);
      continue;
    }
    const kept = list.slice(0, max);
    const rest = list.length - max;
    const firstHidden = list[max]!;
    out.push(
      ...kept,
      makeDiagnostic("SF0605", firstHidden.primary.span, {
        message: `${counted(rest, "more diagnostic")} in this file not shown`,
        label: "the first not shown",
        help: raiseHint("diagnosticsPerFile", limits),
      }),
    );
  }
  return out;
}

/** A block used in several places reports a problem in its body once. */
function dedupe(diagnostics: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = `${d.code}|${d.primary.span.file}|${d.primary.span.start}|${d.primary.span.end}|${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
