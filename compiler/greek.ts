/** Greek parameter names and their ASCII spellings: the paper writes α, a shell types alpha. */
const GREEK_NAMES: ReadonlyMap<string, string> = new Map(
  Object.entries({
    alpha: "α",
    beta: "β",
    gamma: "γ",
    delta: "δ",
    epsilon: "ε",
    zeta: "ζ",
    eta: "η",
    theta: "θ",
    iota: "ι",
    kappa: "κ",
    lambda: "λ",
    mu: "μ",
    nu: "ν",
    xi: "ξ",
    pi: "π",
    rho: "ρ",
    sigma: "σ",
    tau: "τ",
    upsilon: "υ",
    phi: "φ",
    chi: "χ",
    psi: "ψ",
    omega: "ω",
  }),
);

/** alpha → α, so that `--set alpha=4` and `param α = 8` name one thing. */
export function canonicalName(text: string): string {
  // A Map, not an object: `constructor` or `toString` is a name like any other, not a property inherited from Object.
  return GREEK_NAMES.get(text) ?? text;
}

const ASCII_SPELLINGS: ReadonlyMap<string, string> = new Map([...GREEK_NAMES].map(([ascii, greek]) => [greek, ascii]));

/** α → alpha: how a shell types a Greek parameter; undefined for any other name. */
export function asciiSpelling(name: string): string | undefined {
  return ASCII_SPELLINGS.get(name);
}
