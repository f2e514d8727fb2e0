/**
 * An integer with comma thousands separators: 34,480,216. The same text as
 * `toLocaleString("en-US")`, without loading the ICU locale data, which costs
 * a fresh process about 50 ms the first time (the whole of `sfc info`'s
 * formatting). Other numbers still go through the locale.
 */
export function thousands(n: number): string {
  if (!Number.isSafeInteger(n)) return n.toLocaleString("en-US");
  const digits = String(Math.abs(n));
  let out = "";
  for (let end = digits.length; end > 0; end -= 3) out = digits.slice(Math.max(0, end - 3), end) + (out === "" ? "" : "," + out);
  return n < 0 ? "-" + out : out;
}

/** A count and what it counts, singular for one: "1 node", "34,480,216 parameters"; `many` where an s will not do. */
export function counted(n: number, one: string, many = `${one}s`): string {
  return `${thousands(n)} ${n === 1 ? one : many}`;
}
