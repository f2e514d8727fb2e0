/** Grouping items into lists by a key, which the reports, the tools' facts and the diagnostic cap all do. */

/** The items under each key, in order, in one pass however many keys; an item whose key is undefined is left out. */
export function byKey<T, K>(items: Iterable<T>, key: (item: T) => K | undefined): Map<K, T[]> {
  const out = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    if (k === undefined) continue;
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}
