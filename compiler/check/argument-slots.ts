/**
 * What binding a call's arguments needs to know of the callee's formals, and
 * the spans of the call's named arguments: each made once (per op, per block
 * signature, per call in the source), since a block's body runs at every call
 * of the block and every op applied binds its arguments.
 */
import type * as A from "../ast";
import { OPS, type OpName } from "../ops";
import type { Span } from "../span";
import type { BlockSlot } from "./block-values";
import type { FormalInfo, Signature } from "./context";
import { blockSlot } from "./signature";

/** A formal as a call's arguments are bound to it; a block-valued one has its slot, one taking words its words. */
export interface ArgumentSlot {
  readonly name: string;
  readonly variadic: boolean;
  readonly required: boolean;
  readonly slot?: BlockSlot;
  readonly words?: readonly string[];
}

/** What binding an argument needs to know of a block's formal beyond its name. */
export function argumentSlot(f: FormalInfo): Pick<ArgumentSlot, "slot" | "words"> {
  if (f.kind === "block") return { slot: blockSlot(f) };
  if (f.kind === "words") return { words: f.choices ?? [] };
  return {};
}

/** Each op's argument slots, made once: every call of the op binds its arguments to them. */
const opSlots = new Map<OpName, readonly ArgumentSlot[]>();

export function slotsOfOp(name: OpName): readonly ArgumentSlot[] {
  let slots = opSlots.get(name);
  if (slots === undefined) {
    slots = OPS[name].formals.map((f) => ({ name: f.name, variadic: f.kind === "tensors", required: f.default === undefined }));
    opSlots.set(name, slots);
  }
  return slots;
}

/** Each block signature's argument slots, made once per signature for the same reason. */
const blockSlots = new WeakMap<Signature, readonly ArgumentSlot[]>();

export function slotsOfBlock(sig: Signature): readonly ArgumentSlot[] {
  let slots = blockSlots.get(sig);
  if (slots === undefined) {
    slots = sig.formals.map((f) => ({ name: f.name, variadic: false, required: f.default === undefined, ...argumentSlot(f) }));
    blockSlots.set(sig, slots);
  }
  return slots;
}

/**
 * The formal each of a call's arguments is bound to, in the order written: a
 * named one the formal of its name; a positional one the next formal, the
 * piped value being the first positional argument, or none where the callee
 * takes a list of tensors, whose items the positional arguments all are.
 */
export function formalsOfArguments<F extends { readonly name: string; readonly variadic: boolean }>(
  formals: readonly F[],
  args: readonly A.Argument[],
  piped: boolean,
): Array<F | undefined> {
  const variadic = formals.some((f) => f.variadic);
  let position = piped ? 1 : 0;
  return args.map((a) => {
    if (a.name) return formals.find((f) => f.name === a.name?.name);
    return variadic ? undefined : formals[position++];
  });
}

/** Each call's named arguments' spans, made once per call in the source: a block's body is run at every call of the block. */
const argSpansByCall = new WeakMap<A.CallExpr, ReadonlyMap<string, Span>>();

export function argSpans(c: A.CallExpr): ReadonlyMap<string, Span> {
  let spans = argSpansByCall.get(c);
  if (spans === undefined) {
    const m = new Map<string, Span>();
    for (const a of c.args ?? []) if (a.name) m.set(a.name.name, a.span);
    argSpansByCall.set(c, (spans = m));
  }
  return spans;
}
