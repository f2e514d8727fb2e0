/**
 * A generic block's requirements, merged across the ways of its `if`s: a
 * requirement found on both ways of an `if`, whatever the other conditions,
 * does not depend on it ((A ∧ c) ∨ (A ∧ ¬c) = A), so a stride's requirement
 * found on every way of an unrelated `if use_se` names neither way. A block
 * may follow thousands of paths: each condition is tried once, over all the
 * requirements alike, in time linear in them.
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
  // Most blocks have no `if` a requirement depends on: nothing to merge, and no key to build.
  if (requirements.every((r) => r.when.length === 0)) return requirements;
  // Alike: what they claim, about what, and where they arose; only their conditions differ.
  const groups = new Map<string, Item[]>();
  for (const requirement of requirements) {
    if (requirement.when.length === 0) continue;
    const key = keyOf(requirement);
    const item = { requirement, ways: requirement.when.map(assumptionText) };
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  // Each requirement as merged, and the whole of it (key and conditions) to keep one of several equal ones.
  const merged = new Map<Requirement, { requirement: Requirement; whole: string }>();
  for (const [key, group] of groups) {
    if (group.length < 2) continue;
    let items = group;
    const conditions = new Set<string>();
    for (const item of items) for (const a of item.requirement.when) conditions.add(conditionText(a));
    for (const condition of conditions) items = withoutIfBothWays(items, condition);
    items.forEach((item, n) => merged.set(group[n]!.requirement, { requirement: item.requirement, whole: [key, ...item.ways].join("\0") }));
  }
  // The merged list keeps the first of each set of equal requirements, in the original order.
  const seen = new Set<string>();
  return requirements.flatMap((r) => {
    const m = merged.get(r);
    if (m === undefined) return [r];
    if (seen.has(m.whole)) return [];
    seen.add(m.whole);
    return [m.requirement];
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

function keyOf(r: Requirement): string {
  const at = (s: Span): string => `${s.file}:${s.start}-${s.end}`;
  return [requirementOrigin("", r).label, at(r.span), ...(r.origin ?? []).map((o) => at(o.span))].join("\0");
}
