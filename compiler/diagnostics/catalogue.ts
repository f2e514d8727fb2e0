/**
 * Every diagnostic the compiler can give, under a stable code. Codes are never
 * reused; docs/diagnostics.md documents each one with an example that triggers
 * it, and a test keeps that page, this table and the UI tests in step.
 */
export interface CatalogueEntry {
  readonly severity: "error" | "warning";
  readonly title: string;
}

export const CATALOGUE = {
  // Reading the source
  SF0001: { severity: "error", title: "unexpected character" },
  SF0002: { severity: "error", title: "syntax error" },
  SF0003: { severity: "error", title: "nesting too deep" },
  SF0004: { severity: "error", title: "number out of range" },
  // Names, imports and arguments
  SF0101: { severity: "error", title: "unknown name" },
  SF0102: { severity: "error", title: "duplicate declaration" },
  SF0103: { severity: "error", title: "module not found" },
  SF0104: { severity: "error", title: "import cycle" },
  SF0105: { severity: "error", title: "name not exported by module" },
  SF0106: { severity: "error", title: "unknown op or block" },
  SF0107: { severity: "error", title: "unknown argument" },
  SF0108: { severity: "error", title: "missing argument" },
  SF0109: { severity: "error", title: "argument given twice" },
  SF0110: { severity: "error", title: "unknown network" },
  SF0111: { severity: "error", title: "unknown parameter" },
  SF0112: { severity: "error", title: "invalid parameter value" },
  SF0113: { severity: "error", title: "unknown pathway" },
  SF0114: { severity: "error", title: "unknown fusion" },
  // Values and shapes
  SF0201: { severity: "error", title: "result does not have the declared type" },
  SF0202: { severity: "error", title: "operand shapes differ" },
  SF0203: { severity: "error", title: "wrong kind of tensor" },
  SF0204: { severity: "error", title: "wrong kind of value" },
  SF0205: { severity: "error", title: "dimension is not an integer" },
  SF0206: { severity: "error", title: "dimension is not positive" },
  SF0207: { severity: "error", title: "cannot infer a dimension variable" },
  SF0208: { severity: "error", title: "reshape changes the element count" },
  SF0209: { severity: "error", title: "invalid axis permutation" },
  SF0210: { severity: "error", title: "block body does not return" },
  SF0211: { severity: "error", title: "invalid attribute value" },
  SF0212: { severity: "error", title: "condition cannot be decided" },
  SF0213: { severity: "error", title: "declared type is malformed" },
  // Instantiation: obligations decided with values bound
  SF0301: { severity: "error", title: "dimension is not a multiple" },
  SF0302: { severity: "error", title: "block requirement violated" },
  // Weights
  SF0401: { severity: "error", title: "missing weight" },
  SF0402: { severity: "error", title: "unexpected weight" },
  SF0403: { severity: "error", title: "weight has the wrong shape" },
  SF0405: { severity: "error", title: "unknown weight-name map" },
  SF0406: { severity: "error", title: "malformed name rule" },
  // Emission
  SF0501: { severity: "error", title: "op not expressible at this opset" },
} as const satisfies Record<string, CatalogueEntry>;

export type DiagnosticCode = keyof typeof CATALOGUE;
