/**
 * A body that ends without a `return` (SF0210), worded as in
 * check/messages.ts: a body with none written, a body whose path reaches
 * none (the `if` that holds it is not taken), and a call of a block on a path
 * of its body that returns nothing.
 */
import type * as A from "../ast";
import { makeDiagnostic, type Diagnostic, type LabelledSpan } from "../diagnostics/diagnostic";
import type { Span } from "../span";
import type { DecidedCondition, MissingReturn } from "./context";
import { assumptionsText } from "./guards";

const HELP_PATHS = "return a value after the `if` too, or in an `else` branch";

/** The closing `}` of a declaration's body, where a path that returns nothing ends. */
export function bodyEnd(decl: A.BlockDecl): Span {
  const s = decl.span;
  return { ...s, start: Math.max(s.start, s.end - 1), line: s.endLine, column: Math.max(1, s.endColumn - 1) };
}

/** Whether statements hold a `return`, in any branch or stage. */
export function containsReturn(stmts: readonly A.Stmt[]): boolean {
  return stmts.some((s) => {
    switch (s.kind) {
      case "return":
        return true;
      case "if":
        return containsReturn(s.then) || containsReturn(s.otherwise ?? []);
      case "stage":
        return containsReturn(s.body);
      case "assign":
      case "pathway":
      case "lateral":
        return false;
    }
  });
}

/** The `if`s a path decided against a branch that returns, in source order: why it reached no `return`. */
function skippedReturns(decided: DecidedCondition | undefined): LabelledSpan[] {
  const labels: LabelledSpan[] = [];
  for (let d = decided; d !== undefined; d = d.before) {
    const skipped = d.value ? (d.stmt.otherwise ?? []) : d.stmt.then;
    if (!containsReturn(skipped)) continue;
    const where = d.value ? "its `else`" : "this branch";
    labels.unshift({ span: d.stmt.condition.span, label: `${d.value} here, so the \`return\` in ${where} is not reached` });
  }
  return labels;
}

/**
 * No path through the body returns: none written (at the name), or the
 * written ones not reached (at the body's end, with the conditions that
 * skipped them).
 */
export function noReturn(decl: A.BlockDecl, decided?: DecidedCondition): Diagnostic {
  if (!containsReturn(decl.body))
    return makeDiagnostic("SF0210", decl.name.span, {
      message: `${decl.kind} \`${decl.name.text}\` does not return a value`,
      label: "no `return` in its body",
      help: "end the body with `return <tensor>`",
    });
  const skipped = skippedReturns(decided);
  return makeDiagnostic("SF0210", bodyEnd(decl), {
    message: `${decl.kind} \`${decl.name.text}\` does not return a value: its body ends without reaching a \`return\``,
    label: "the body ends here",
    related: skipped,
    help: HELP_PATHS,
  });
}

/** Some paths return and one, whatever the arguments, does not. */
export function notEveryPathReturns(decl: A.BlockDecl, decided?: DecidedCondition): Diagnostic {
  return makeDiagnostic("SF0210", bodyEnd(decl), {
    message: `${decl.kind} \`${decl.name.text}\` does not return a value on every path`,
    label: "a path through the body ends here without a `return`",
    related: skippedReturns(decided),
    help: HELP_PATHS,
  });
}

/**
 * A call that takes a path of the block's body on which it returns nothing:
 * `m` when the block's check found the path (the conditions it is taken
 * under, now met), or the path's end and its decided conditions when the body
 * was checked again at this call.
 */
export function noReturnAtCall(callee: string, m: MissingReturn, at: Span, decided?: DecidedCondition): Diagnostic {
  const when = assumptionsText(m.when);
  const own = m.block === callee;
  return makeDiagnostic("SF0210", at, {
    message: `\`${callee}\` does not return a value ${when ? `when ${when}` : "here"}`,
    label: when ? "this call takes that path" : "this call takes a path that returns nothing",
    related: [{ span: m.end, label: `${own ? "the body" : `the body of \`${m.block}\``} ends here without a \`return\`` }, ...skippedReturns(decided)],
    chain: m.origin ?? [],
    help: HELP_PATHS,
  });
}

/** One step of a carried missing return's origin: the call in `caller`'s body that may return nothing. */
export function missingReturnOrigin(callee: string, m: MissingReturn, at: Span): LabelledSpan {
  const when = assumptionsText(m.when);
  return { span: at, label: `\`${callee}\` returns nothing${when ? ` when ${when}` : ""}` };
}
