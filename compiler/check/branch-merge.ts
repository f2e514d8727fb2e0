/**
 * A generic block's requirements, merged: the same requirement found on
 * several paths is one (a `repeat` finds its callee's once per repetition,
 * and each caller would multiply the copies again), and a requirement found
 * on both ways of an `if`, whatever the other conditions, does not depend on
 * it ((A ∧ c) ∨ (A ∧ ¬c) = A), so a stride's requirement found on every way
 * of an unrelated `if use_se` names neither way. A block may follow
 * thousands of paths: requirements are grouped by where they arose (cheap)
 * before their claims are compared, and each condition is tried once.
 */
import type { Span } from "../span";
import type { Requirement } from "./context";
import { assumptionText, type Assumption } from "./guards";
import { requirementOrigin } from "./messages";

interface Item {
  readonly requirement: Requirement;
  /** Each condition as taken ("use_se = true"), in path order. */
  readonly ways: readonly string[];
}

export function mergeAcrossBranches(requirements: readonly Requirement[]): readonly Requirement[] {
  const bySite = groupBy(requirements, siteOf);
  // Each arose somewhere else: none is like another (the common case, and the cheap one).
  if (bySite.size === requirements.length) return requirements;
  // Each requirement as merged; undefined for a copy of one kept before it.
  const merged = new Map<Requirement, Requirement | undefined>();
  for (const atSite of bySite.values()) {
    if (atSite.length < 2) continue;
    for (const alike of groupBy(atSite, (r) => requirementOrigin("", r).label).values()) {
      if (alike.length < 2) continue;
      let items: Item[] = alike.map((requirement) => ({ requirement, ways: requirement.when.map(assumptionText) }));
      const conditions = new Set<string>();
      for (const item of items) for (const a of item.requirement.when) conditions.add(conditionText(a));
      for (const condition of conditions) items = withoutIfBothWays(items, condition);
      const seen = new Set<string>();
      items.forEach((item, n) => {
        const whole = item.ways.join("\0");
        merged.set(alike[n]!, seen.has(whole) ? undefined : item.requirement);
        seen.add(whole);
      });
    }
  }
  return requirements.flatMap((r) => {
    if (!merged.has(r)) return [r];
    const m = merged.get(r);
    return m ? [m] : [];
  });
}

/** The items with `condition` dropped where every item that took it one way has a twin that took it the other way. */
function withoutIfBothWays(items: readonly Item[], condition: string): Item[] {
  const at = (item: Item): number => item.requirement.when.findIndex((a) => conditionText(a) === condition);
  const signature = (item: Item, k: number): string => item.ways.map((w, n) => (n === k ? "?" : w)).join("\0");
  const taken = new Map<string, Set<string>>();
  for (const item of items) {
    const k = at(item);
    if (k < 0) continue;
    const sig = signature(item, k);
    const ways = taken.get(sig) ?? new Set<string>();
    ways.add(item.ways[k]!);
    taken.set(sig, ways);
  }
  if (taken.size === 0 || [...taken.values()].some((ways) => ways.size < 2)) return [...items];
  return items.map((item) => {
    const k = at(item);
    if (k < 0) return item;
    return { requirement: { ...item.requirement, when: item.requirement.when.filter((_, n) => n !== k) }, ways: item.ways.filter((_, n) => n !== k) };
  });
}

const conditionTexts = new WeakMap<Assumption, string>();

/** The condition an assumption takes one way, the same text for both ways. */
function conditionText(a: Assumption): string {
  let text = conditionTexts.get(a);
  if (text === undefined) conditionTexts.set(a, (text = assumptionText({ condition: a.condition, holds: true })));
  return text;
}

/** Where a requirement arose: the op that needs it, and the calls it was carried through. */
function siteOf(r: Requirement): string {
  const at = (s: Span): string => `${s.file}:${s.start}-${s.end}`;
  return [at(r.span), ...(r.origin ?? []).map((o) => at(o.span))].join("\0");
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
