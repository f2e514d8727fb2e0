/**
 * What binding says about weights it could not bind, beyond one line each:
 * the weights a known layout lacks by design, reported together with the fix;
 * a weight the checkpoint seems to hold under another name; and a tensor
 * whose shape differs only in its kernel.
 */
import { makeDiagnostic, type Diagnostic } from "../diagnostics/diagnostic";
import type { IRNode, IRWeight } from "../ir";
import { formatShape, sameShape } from "../shapes";
import { closest } from "../scope";
import type { Span } from "../span";
import type { LayoutDifference } from "./layouts";
import type { LoadedTensor } from "./tensor";

/** A weight of the network with no tensor of its checkpoint name. */
export interface MissingWeight {
  readonly node: IRNode;
  readonly weight: IRWeight;
  /** Its name in the checkpoint, under the map. */
  readonly external: string;
}

/** How many weights one message names before "and N more". */
const NAMED = 4;

/**
 * One SF0401 per missing weight, except the weights a layout's difference
 * explains: those are one SF0401 for all of them, with the layout's note and
 * fix. `renamedAs` gives a missing weight the unused tensor it may be.
 */
export function reportMissing(
  missing: readonly MissingWeight[],
  differences: readonly LayoutDifference[],
  renamedAs: ReadonlyMap<MissingWeight, LoadedTensor>,
  where: Span,
): Diagnostic[] {
  const reports: Diagnostic[] = [];
  const explained = new Map<LayoutDifference, MissingWeight[]>();
  for (const m of missing) {
    const difference = explainedBy(m, differences);
    if (difference) {
      const group = explained.get(difference);
      if (group) group.push(m);
      else explained.set(difference, [m]);
      continue;
    }
    const candidate = renamedAs.get(m);
    reports.push(
      makeDiagnostic("SF0401", m.node.span, {
        message: `the checkpoint has no \`${m.external}\` for ${m.weight.name} ${formatShape(m.weight.shape)}`,
        label: `\`${m.node.name}\` needs it`,
        related: [{ span: where, label: "this checkpoint" }],
        chain: m.node.calls,
        help: candidate
          ? `the checkpoint has \`${candidate.origin ?? candidate.name}\` ${formatShape(candidate.shape)}, which no weight takes: is it this one under another name?`
          : undefined,
      }),
    );
  }
  for (const [difference, group] of explained) {
    const first = group[0]!;
    const names = group.slice(0, NAMED).map((m) => `\`${m.external}\``);
    const more = group.length > NAMED ? `, and ${group.length - NAMED} more` : "";
    reports.push(
      makeDiagnostic("SF0401", first.node.span, {
        message: `the checkpoint has none of the ${group.length} weights of ${difference.what}: ${names.join(", ")}${more}`,
        label: `\`${first.node.name}\` needs ${group.length === 1 ? "it" : "them"}`,
        related: [{ span: where, label: "this checkpoint" }],
        chain: first.node.calls,
        notes: [difference.note],
        help: difference.help,
      }),
    );
  }
  return reports;
}

/** The layout difference that says why the checkpoint lacks this weight, if one does. */
export function explainedBy(m: MissingWeight, differences: readonly LayoutDifference[]): LayoutDifference | undefined {
  return differences.find((d) => d.sfcName.test(m.weight.name));
}

/**
 * Missing weights and unused tensors that are likely one tensor under two
 * names (the caller leaves out weights a layout difference explains): the same shape, and a name of the same layer (all but its last
 * part) or spelt closely. Only a pair that is unambiguous both ways counts.
 */
export function pairRenamed(
  missing: readonly MissingWeight[],
  unused: readonly LoadedTensor[],
): { byWeight: Map<MissingWeight, LoadedTensor>; byTensor: Map<LoadedTensor, MissingWeight> } {
  const layer = (name: string): string => name.slice(0, name.lastIndexOf(".") + 1);
  const alike = (m: MissingWeight, t: LoadedTensor): boolean =>
    sameShape(t.shape, m.weight.shape) && ((layer(t.name) !== "" && layer(t.name) === layer(m.external)) || closest(m.external, [t.name]) !== undefined);
  const byWeight = new Map<MissingWeight, LoadedTensor>();
  const byTensor = new Map<LoadedTensor, MissingWeight>();
  for (const m of missing) {
    const candidates = unused.filter((t) => alike(m, t));
    if (candidates.length !== 1) continue;
    const t = candidates[0]!;
    if (missing.filter((other) => alike(other, t)).length !== 1) continue;
    byWeight.set(m, t);
    byTensor.set(t, m);
  }
  return { byWeight, byTensor };
}

/** When a convolution's weight differs from the checkpoint's only in its kernel, say so, and how std.slowfast's lateral takes another. */
export function kernelHelp(name: string, want: readonly number[], have: readonly number[]): string | undefined {
  if (want.length < 3 || have.length !== want.length || want[0] !== have[0] || want[1] !== have[1]) return undefined;
  const kernel = (shape: readonly number[]): string => shape.slice(2).join("×");
  const lateral = /(^|\.)fuse\.conv_f2s\.weight$/.test(name) && want.slice(3).every((d, i) => d === have[i + 3]);
  const how = lateral ? `: for std.slowfast's lateral, \`--set K=${have[2]}\`, or \`--set 'transform=tconv_only(k: ${have[2]})'\` with MMAction2's` : "";
  return `only the kernel differs: the checkpoint's is ${kernel(have)}, this network's ${kernel(want)}; give the layer the checkpoint's kernel${how}`;
}
