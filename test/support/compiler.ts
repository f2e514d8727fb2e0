/** Test helpers per phase: an in-memory host, and expectations on diagnostics. */
import { expect } from "vitest";
import { check, elaborateOnly, type CheckResult } from "../../compiler/index";
import { loadStdlib } from "../../compiler/host/node";
import type { SourceHost } from "../../compiler/program";
import type { Diagnostic } from "../../compiler/diagnostics/diagnostic";
import type { DiagnosticCode } from "../../compiler/diagnostics/catalogue";

const stdlib = loadStdlib();

export function memoryHost(files: Record<string, string>): SourceHost {
  return { stdlib, readFile: (p) => files[p] ?? (p.startsWith("std/") ? stdlib.get(p.slice(4, -3)) : undefined) };
}

export function checkSource(source: string, settings: string[] = [], extra: Record<string, string> = {}): CheckResult {
  return check({ files: ["main.sf"], host: memoryHost({ "main.sf": source, ...extra }), settings: settings.map((text) => ({ text })) });
}

export function elaborateSource(source: string, network?: string, settings: string[] = []) {
  return elaborateOnly({ file: "main.sf", host: memoryHost({ "main.sf": source }), network, settings: settings.map((text) => ({ text })) });
}

function describe(d: Diagnostic): string {
  return `${d.code} ${d.primary.span.line}:${d.primary.span.column} ${d.message}`;
}

export function expectNoIssues(result: CheckResult): void {
  expect(result.diagnostics.map(describe)).toEqual([]);
}

/**
 * Exactly one diagnostic with `code`; `at` is a fragment of the source text
 * its primary span must start at.
 */
export function expectError(result: CheckResult, code: DiagnosticCode, options: { at?: string; message?: RegExp | string } = {}): Diagnostic {
  const matching = result.diagnostics.filter((d) => d.code === code);
  expect(matching.map(describe), `diagnostics: ${result.diagnostics.map(describe).join("; ")}`).toHaveLength(1);
  const d = matching[0]!;
  if (options.at !== undefined) {
    const text = result.sources.get(d.primary.span.file)!;
    expect(text.slice(d.primary.span.start, d.primary.span.start + options.at.length)).toBe(options.at);
  }
  if (options.message !== undefined) expect(d.message).toMatch(options.message);
  return d;
}

export function codes(result: CheckResult): string[] {
  return result.diagnostics.map((d) => d.code);
}
