/** Inlay hints: after each assignment, pathway and lateral target, the shape it holds. */
import { InlayHintKind, type InlayHint, type Range } from "vscode-languageserver";
import type { FileFacts } from "../compiler/index";
import { typeText } from "./hover";
import { spanToRange } from "./positions";

export function inlayHints(file: FileFacts, range: Range): InlayHint[] {
  const out: InlayHint[] = [];
  for (const t of file.types) {
    if (t.role !== "binding" || !t.isTensor) continue;
    const at = spanToRange(t.span).end;
    if (at.line < range.start.line || at.line > range.end.line) continue;
    out.push({
      position: at,
      label: `: ${typeText(t)}`,
      kind: InlayHintKind.Type,
      paddingLeft: false,
      tooltip: t.network ? `at the defaults of ${t.network}` : undefined,
    });
  }
  return out;
}
