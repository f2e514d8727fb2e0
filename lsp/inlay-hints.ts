/** Inlay hints: after each assignment, pathway and lateral target, the shape it holds. */
import { InlayHintKind, type InlayHint, type Range } from "vscode-languageserver";
import { concreteSource, typeText } from "./hover";
import { STALE_NOTE, type ShownTypes } from "./last-good";
import { spanToRange } from "./positions";

export function inlayHints(shown: ShownTypes, range: Range): InlayHint[] {
  const out: InlayHint[] = [];
  for (const t of shown.types) {
    if (t.role !== "binding" || !t.isTensor) continue;
    const at = spanToRange(t.span).end;
    if (at.line < range.start.line || at.line > range.end.line) continue;
    out.push({
      position: at,
      label: `: ${typeText(t)}`,
      kind: InlayHintKind.Type,
      paddingLeft: false,
      tooltip: [concreteSource(t, (network) => network), shown.stale.has(t) ? STALE_NOTE : undefined].filter((s) => s !== undefined).join(", ") || undefined,
    });
  }
  return out;
}
