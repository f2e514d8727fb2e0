/**
 * The smallest valid value of each dynamic parameter: the `min` of the
 * requirements. A value is valid when the network's shape rules hold there,
 * which the checker has already stated as polynomials in the parameters:
 *
 *  - every dimension of every value is at least 1 (this covers every
 *    conv and pool window fitting its padded input: the output extent
 *    ⌊(n + 2p − d(k − 1) − 1)/s⌋ + 1 is at least 1 exactly when it does);
 *  - every other size an op's rule bounds below is (IRGraph.bounds: a slice's
 *    end within its axis, a frame selection within the clip, ...);
 *  - every condition the checker carried rather than proved holds (a
 *    divisibility such as S/16 even, an equality of two sizes).
 *
 * Each is evaluated exactly (floors as floors) with the other dynamic
 * parameters at their compiled values, from 1 up to the compiled value,
 * which the checker has already found valid. Every value below the result
 * fails one of them, so the bound is the tightest lower bound there is; it
 * is not sufficient alone where divisibility is carried (those conditions
 * are requirements of their own).
 */
import type { Requirement } from "../check/context";
import type { Poly } from "../dims/poly";
import { Rational } from "../dims/rational";
import type { IRGraph } from "../ir";

/** One thing a valid value satisfies, as a test under an assignment of the parameters. */
export interface Condition {
  readonly symbols: ReadonlySet<string>;
  holds(env: (name: string) => Rational | undefined): boolean;
}

function atLeast(size: Poly, min: Rational): Condition {
  return {
    symbols: size.symbols(),
    holds: (env) => {
      const v = size.evaluate(env);
      return v !== undefined && v.compare(min) >= 0;
    },
  };
}

/** Every condition of validity that depends on a dynamic parameter, each once. */
export function validity(
  graph: IRGraph,
  dims: ReadonlyMap<string, readonly Poly[]>,
  specialise: (p: Poly) => Poly,
  carried: readonly Requirement[],
): Condition[] {
  const seen = new Set<string>();
  const out: Condition[] = [];
  const add = (key: string, make: () => Condition | undefined): void => {
    if (seen.has(key)) return;
    seen.add(key);
    const c = make();
    if (c !== undefined && c.symbols.size > 0) out.push(c);
  };
  for (const shape of dims.values()) for (const d of shape) add(`${d.key}≥1`, () => atLeast(d, Rational.ONE));
  for (const b of graph.bounds ?? []) {
    const size = specialise(b.size);
    add(`${size.key}≥${b.min}`, () => atLeast(size, Rational.of(b.min)));
  }
  for (const r of carried) {
    if (r.relation === "divides") {
      const [dividend, divisor] = [specialise(r.dividend), specialise(r.divisor)];
      add(`${dividend.key}|${divisor.key}`, () => ({
        symbols: new Set([...dividend.symbols(), ...divisor.symbols()]),
        holds: (env) => {
          const a = dividend.evaluate(env);
          const b = divisor.evaluate(env);
          return a !== undefined && b !== undefined && !b.isZero() && a.div(b).isInteger();
        },
      }));
    } else {
      const [lhs, rhs] = [specialise(r.lhs), specialise(r.rhs)];
      add(`${lhs.key}=${rhs.key}`, () => ({
        symbols: new Set([...lhs.symbols(), ...rhs.symbols()]),
        holds: (env) => {
          const a = lhs.evaluate(env);
          const b = rhs.evaluate(env);
          return a !== undefined && b !== undefined && a.equals(b);
        },
      }));
    }
  }
  return out;
}

/** The least value of `name` in 1 .. compiled at which every condition holds, the others at their compiled values. */
export function smallestValid(name: string, compiled: number, others: ReadonlyMap<string, number>, conditions: readonly Condition[]): number {
  const relevant = conditions.filter((c) => c.symbols.has(name));
  for (let v = 1; v < compiled; v++) {
    const env = (n: string): Rational | undefined => (n === name ? Rational.of(v) : others.has(n) ? Rational.of(others.get(n)!) : undefined);
    if (relevant.every((c) => c.holds(env))) return v;
  }
  return compiled;
}
