/**
 * The built-in op a named argument is given to (`kernel:` in `conv(out: C,
 * kernel: 1×3²)`): the name table leaves an op's arguments undeclared, since
 * no source declares them, so hover finds the call in the tree.
 */
import type * as A from "../compiler/ast";
import { isCompound, operandsOf } from "../compiler/ast-names";
import { isOpName } from "../compiler/ops";
import { opFormals } from "./declarations";
import type { FormalSpec } from "../compiler/ops/record";
import type { Span } from "../compiler/span";

/** The op and its formal that the argument name starting at `start` names, if it is an op's argument. */
export function opArgumentAt(ast: A.SourceFile, start: number): { op: string; formal: FormalSpec } | undefined {
  let found: { op: string; formal: FormalSpec } | undefined;
  const inside = (span: Span): boolean => span.start <= start && start < span.end;

  const args = (callee: A.Ident, list: readonly A.Argument[] | undefined): void => {
    for (const a of list ?? []) {
      if (a.name?.span.start === start && isOpName(callee.name)) {
        const formal = opFormals(callee.name).find((f) => f.name === a.name!.name);
        if (formal) found = { op: callee.name, formal };
      }
      expr(a.value);
    }
  };
  const call = (e: A.CallExpr | A.RepeatExpr): void => {
    if (found || !inside(e.span)) return;
    if (e.kind === "call") return args(e.callee, e.args);
    expr(e.count);
    args(e.callee, e.args);
    args(e.callee, e.firstArgs);
    if (e.then) {
      call(e.then.call);
      if (e.then.when) expr(e.then.when);
    }
  };
  const expr = (e: A.Expr): void => {
    if (found || !inside(e.span)) return;
    if (isCompound(e)) for (const operand of operandsOf(e)) expr(operand);
    else if (e.kind === "call" || e.kind === "repeat") call(e);
    else if (e.kind === "pipe") {
      expr(e.head);
      for (const st of e.stages) call(st);
    }
  };
  const stmts = (list: readonly A.Stmt[]): void => {
    for (const s of list) {
      if (found || !inside(s.span)) continue;
      switch (s.kind) {
        case "assign":
        case "pathway":
        case "return":
          expr(s.value);
          break;
        case "lateral":
          call(s.transform);
          for (const t of s.then) call(t);
          break;
        case "stage":
          stmts(s.body);
          break;
        case "if":
          expr(s.condition);
          stmts(s.then);
          stmts(s.otherwise ?? []);
          break;
      }
    }
  };

  for (const item of ast.items) {
    if (found || !inside(item.span)) continue;
    switch (item.kind) {
      case "block":
      case "network":
        for (const f of item.formals) if (f.default) expr(f.default);
        stmts(item.body);
        break;
      case "param":
        expr(item.value);
        break;
      case "alias":
        for (const a of item.args) expr(a.value);
        break;
      case "import":
      case "names":
        break;
    }
  }
  return found;
}
