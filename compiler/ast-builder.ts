/**
 * CST to AST. The parser recovers from errors, so any child may be missing:
 * a construct whose essential parts are gone is dropped here (its syntax
 * error has already been reported) and the rest of the file still checks.
 * Nothing is dropped silently: a construct dropped where no syntax error was
 * reported, or for a reason of this stage's own (a number out of range, an
 * expression nested too deep), is recorded in `problems` with its position.
 */
import type { CstNode, CstElement, IToken } from "chevrotain";
import type * as A from "./ast";
import { readFormalType, type FormalTypeKind } from "./formal-type";
import { deepestPoint } from "./ast-depth";
import { Rational } from "./dims/rational";
import type { Span } from "./span";
import { SourceLines } from "./source-lines";
import { DEFAULT_LIMITS, numberTooLong, type Limits } from "./limits";
import { canonicalName } from "./greek";

type Children = Record<string, CstElement[] | undefined>;

function isToken(e: CstElement | undefined): e is IToken {
  return e !== undefined && "image" in e;
}
function isNode(e: CstElement | undefined): e is CstNode {
  return e !== undefined && "children" in e;
}

/** A reason this stage refused part of the source; the loader turns it into a diagnostic. */
export interface BuildProblem {
  readonly code: "SF0002" | "SF0003" | "SF0004";
  readonly start: number;
  readonly end: number;
  readonly message: string;
  readonly label: string;
}

export class AstBuilder {
  /** Problems found while building, in source order of discovery. */
  readonly problems: BuildProblem[] = [];
  /** Ranges of CST nodes that built to nothing, to be accounted for by some diagnostic. */
  private readonly dropped: Array<[number, number]> = [];
  /** How deep exprOf is on the stack: the depth check runs once per outermost expression. */
  private exprNesting = 0;

  constructor(
    private readonly file: string,
    private readonly lines: SourceLines,
    private readonly limits: Pick<Limits, "nesting" | "numberDigits"> = DEFAULT_LIMITS,
  ) {}

  static forText(file: string, text: string, limits?: Pick<Limits, "nesting" | "numberDigits">): AstBuilder {
    return new AstBuilder(file, new SourceLines(text), limits);
  }

  /**
   * Ranges dropped with no problem inside them: each gets a diagnostic, so
   * that no input vanishes without one. `reported` are the offsets of the
   * lexer's and parser's problems, `tokenStarts` the offsets of the tokens
   * in order: a problem between a construct and the next token (where the
   * parser gave up on it) explains it too. Only the innermost range is kept.
   */
  unexplainedDrops(reported: readonly number[], tokenStarts: readonly number[], textLength: number): Array<[number, number]> {
    const explained = [...reported, ...this.problems.map((p) => p.start)];
    const nextTokenAt = (end: number): number => {
      let lo = 0;
      let hi = tokenStarts.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (tokenStarts[mid]! < end) lo = mid + 1;
        else hi = mid;
      }
      return lo < tokenStarts.length ? tokenStarts[lo]! : textLength;
    };
    const open = this.dropped.filter(([s, e]) => {
      const until = nextTokenAt(e);
      return !explained.some((o) => o >= s && o <= until);
    });
    return open.filter(([s, e]) => !open.some(([s2, e2]) => (s2 > s || e2 < e) && s2 >= s && e2 <= e));
  }

  private drop(n: CstElement): undefined {
    const r = this.range(n);
    if (r) this.dropped.push(r);
    return undefined;
  }

  /** Span of [start, end) computed from offsets, so recovered nodes need no location of their own. */
  spanAt(start: number, end: number): Span {
    const pos = (offset: number): [number, number] => {
      const line = this.lines.lineOf(offset);
      return [line, offset - this.lines.start(line) + 1];
    };
    const [line, column] = pos(start);
    const [endLine, endColumn] = pos(Math.max(start, end));
    return { file: this.file, start, end: Math.max(start, end), line, column, endLine, endColumn };
  }

  private tokenSpan(t: IToken): Span {
    return this.spanAt(t.startOffset, t.startOffset + t.image.length);
  }

  private range(e: CstElement): [number, number] | undefined {
    if (isToken(e)) return Number.isNaN(e.startOffset) ? undefined : [e.startOffset, e.startOffset + e.image.length];
    // The parser tracks node locations; only nodes built in error recovery lack them.
    const loc = e.location;
    if (loc && Number.isFinite(loc.startOffset) && loc.endOffset !== undefined && Number.isFinite(loc.endOffset)) return [loc.startOffset, loc.endOffset + 1];
    let lo = Infinity;
    let hi = -Infinity;
    for (const list of Object.values(e.children)) {
      for (const c of list ?? []) {
        const r = this.range(c);
        if (r) {
          lo = Math.min(lo, r[0]);
          hi = Math.max(hi, r[1]);
        }
      }
    }
    return lo === Infinity ? undefined : [lo, hi];
  }

  private nodeSpan(n: CstElement): Span {
    const r = this.range(n) ?? [0, 0];
    return this.spanAt(r[0], r[1]);
  }

  private tok(c: Children, key: string, i = 0): IToken | undefined {
    const t = c[key]?.[i];
    return isToken(t) && !t.isInsertedInRecovery && !Number.isNaN(t.startOffset) ? t : undefined;
  }
  private node(c: Children, key: string, i = 0): CstNode | undefined {
    const n = c[key]?.[i];
    return isNode(n) ? n : undefined;
  }
  private nodes(c: Children, key: string): CstNode[] {
    return (c[key] ?? []).filter(isNode);
  }

  ident(t: IToken): A.Ident {
    return { name: canonicalName(t.image), text: t.image, span: this.tokenSpan(t) };
  }

  sourceFile(cst: CstNode | undefined, path: string, length: number): A.SourceFile {
    const items: A.Item[] = [];
    if (cst) {
      const all = Object.values(cst.children).flat().filter(isNode);
      all.sort((a, b) => (this.range(a)?.[0] ?? 0) - (this.range(b)?.[0] ?? 0));
      for (const n of all) {
        const item = this.item(n);
        if (item) items.push(item);
        else this.drop(n);
      }
    }
    return { kind: "file", path, items, span: this.spanAt(0, length) };
  }

  private item(n: CstNode): A.Item | undefined {
    switch (n.name) {
      case "importDecl":
        return this.importDecl(n);
      case "paramDecl":
        return this.paramDecl(n);
      case "blockDecl":
        return this.blockDecl(n);
      case "namesDecl":
        return this.namesDecl(n);
      case "networkAlias": {
        const c = n.children;
        const name = this.tok(c, "name");
        const target = this.tok(c, "target");
        const args = this.args(this.node(c, "argList"));
        if (!name || !target || !args) return undefined;
        return { kind: "alias", name: this.ident(name), target: this.ident(target), args, span: this.nodeSpan(n) };
      }
      default:
        return undefined;
    }
  }

  private importDecl(n: CstNode): A.ImportDecl | undefined {
    const c = n.children;
    const str = this.tok(c, "StringLiteral");
    const path = (c.path ?? []).filter(isToken);
    if (!str && path.length === 0) return undefined;
    const moduleSpan = str ? this.tokenSpan(str) : this.spanAt(path[0]!.startOffset, path[path.length - 1]!.startOffset + path[path.length - 1]!.image.length);
    const names = c.LCurly ? (c.imported ?? []).filter(isToken).map((t) => this.ident(t)) : undefined;
    return {
      kind: "import",
      module: str ? unquote(str.image) : path.map((t) => t.image).join("."),
      isFile: str !== undefined,
      moduleSpan,
      names,
      span: this.nodeSpan(n),
    };
  }

  private paramDecl(n: CstNode): A.ParamDecl | undefined {
    const c = n.children;
    const name = this.tok(c, "name");
    const value = this.exprOf(this.node(c, "expr"));
    if (!name || !value) return undefined;
    const sort = this.tok(c, "sort");
    return { kind: "param", name: this.ident(name), sort: sort && this.ident(sort), value, span: this.nodeSpan(n) };
  }

  private blockDecl(n: CstNode): A.BlockDecl | undefined {
    const c = n.children;
    const name = this.tok(c, "name");
    const result = this.typeExpr(this.node(c, "result"));
    const body = this.node(c, "body");
    if (!name || !result || !body) return undefined;
    const formals = this.nodes(c, "formal")
      .map((f) => this.formal(f))
      .filter((f): f is A.Formal => f !== undefined);
    return {
      kind: c.Network ? "network" : "block",
      name: this.ident(name),
      formals,
      result,
      body: this.body(body),
      span: this.nodeSpan(n),
    };
  }

  private formal(n: CstNode): A.Formal | undefined {
    const c = n.children;
    const name = this.tok(c, "name");
    if (!name) return undefined;
    const kind = this.formalTypeKind(c);
    const sort = kind === "sort" ? this.tok(c, "sort") : undefined;
    const choices = kind === "sort" || kind === "numbers" ? [] : (c.choices ?? []).filter(isToken).map((t) => unquote(t.image));
    return {
      name: this.ident(name),
      type: this.typeExpr(this.node(c, "typeExpr")),
      sort: sort && this.ident(sort),
      choices: choices.length > 0 ? choices : undefined,
      ...(kind === "block" ? { isBlock: true } : {}),
      ...(kind === "numbers" ? { numberChoices: this.nodes(c, "numberChoices").flatMap((e) => this.numberChoice(e) ?? []) } : {}),
      default: this.exprOf(this.node(c, "default")),
      span: this.nodeSpan(n),
    };
  }

  /** What the formal's type declares (formal-type.ts); a union that is not one kind is reported at it. */
  private formalTypeKind(c: Children): FormalTypeKind | undefined {
    const [sorts = [], blocks = [], words = [], numbers = []] = [c.sort, c.blockSort, c.choices, c.numberChoices];
    const read = readFormalType({ sorts, blocks, words: words.filter(isToken).map((t) => unquote(t.image)), numbers });
    const at = this.range({ name: "formalType", children: { alternatives: [...sorts, ...blocks, ...words, ...numbers] } });
    if (read?.problem && at) this.problems.push({ code: "SF0002", start: at[0], end: at[1], message: read.problem, label: "not a parameter type" });
    return read?.kind;
  }

  private namesDecl(n: CstNode): A.NamesDecl | undefined {
    const c = n.children;
    const name = this.tok(c, "name");
    if (!name) return undefined;
    const froms = (c.from ?? []).filter(isToken);
    const tos = (c.to ?? []).filter(isToken);
    const rules: A.NameRule[] = [];
    for (let i = 0; i < Math.min(froms.length, tos.length); i++) {
      rules.push({
        from: unquote(froms[i]!.image),
        to: unquote(tos[i]!.image),
        span: this.spanAt(froms[i]!.startOffset, tos[i]!.startOffset + tos[i]!.image.length),
      });
    }
    return { kind: "names", name: this.ident(name), rules, span: this.nodeSpan(n) };
  }

  typeExpr(n: CstNode | undefined): A.TypeExpr | undefined {
    if (!n) return undefined;
    const inner = n.name === "typeExpr" ? (this.node(n.children, "angleType") ?? this.node(n.children, "rawType")) : n;
    if (!inner) return undefined;
    const dims = this.nodes(inner.children, "dims").map((d) => this.exprOf(d));
    if (dims.length === 0 || dims.some((d) => d === undefined)) return undefined;
    return { kind: "type", form: inner.name === "rawType" ? "raw" : "angle", dims: dims as A.Expr[], span: this.nodeSpan(inner) };
  }

  private body(n: CstNode): A.Stmt[] {
    return this.nodes(n.children, "statement")
      .map((s) => this.statement(s) ?? this.drop(s))
      .filter((s): s is A.Stmt => s !== undefined);
  }

  private statement(n: CstNode): A.Stmt | undefined {
    const inner = Object.values(n.children).flat().find(isNode);
    if (!inner) return undefined;
    const c = inner.children;
    const span = this.nodeSpan(inner);
    switch (inner.name) {
      case "returnStmt": {
        const value = this.exprOf(this.node(c, "expr"));
        return value && { kind: "return", value, span };
      }
      case "assignStmt": {
        const target = this.tok(c, "target");
        const value = this.exprOf(this.node(c, "expr"));
        return target && value && { kind: "assign", target: this.ident(target), value, span };
      }
      case "pathwayStmt": {
        const name = this.tok(c, "name");
        const value = this.exprOf(this.node(c, "expr"));
        return name && value && { kind: "pathway", name: this.ident(name), value, span };
      }
      case "lateralStmt": {
        const source = this.tok(c, "source");
        const target = this.tok(c, "target");
        const transform = this.pipeTarget(this.node(c, "transform"));
        const then = this.nodes(c, "then").map((t) => this.pipeTarget(t));
        const fusion = this.tok(c, "fusion");
        if (!source || !target || !transform || then.some((t) => t === undefined)) return undefined;
        return {
          kind: "lateral",
          source: this.ident(source),
          target: this.ident(target),
          transform,
          then: then as (A.CallExpr | A.RepeatExpr)[],
          fusion: fusion && this.ident(fusion),
          span,
        };
      }
      case "stageStmt": {
        const name = this.tok(c, "name");
        const body = this.node(c, "body");
        return name && body && { kind: "stage", name: this.ident(name), body: this.body(body), span };
      }
      case "ifStmt":
        return this.ifStmt(inner);
      default:
        return undefined;
    }
  }

  private ifStmt(n: CstNode): A.IfStmt | undefined {
    const c = n.children;
    const condition = this.exprOf(this.node(c, "condition"));
    const then = this.node(c, "then");
    if (!condition || !then) return undefined;
    const elseIf = this.node(c, "elseIf");
    const otherwise = this.node(c, "otherwise");
    const elseBranch = elseIf ? [this.ifStmt(elseIf)].filter((s): s is A.IfStmt => s !== undefined) : otherwise ? this.body(otherwise) : undefined;
    return { kind: "if", condition, then: this.body(then), otherwise: elseBranch, span: this.nodeSpan(n) };
  }

  private label(n: CstNode | undefined): A.Label | undefined {
    if (!n) return undefined;
    const parts = (n.children.parts ?? []).filter(isToken);
    if (parts.length === 0) return undefined;
    return { parts: parts.map((p) => p.image), span: this.nodeSpan(n) };
  }

  private args(n: CstNode | undefined): A.Argument[] | undefined {
    if (!n) return undefined;
    const out: A.Argument[] = [];
    for (const a of this.nodes(n.children, "argument")) {
      const name = this.tok(a.children, "name");
      const value = this.exprOf(this.node(a.children, "expr"));
      if (value) out.push({ name: name && this.ident(name), value, span: this.nodeSpan(a) });
      else this.drop(a);
    }
    return out;
  }

  private pipeTarget(n: CstNode | undefined): A.CallExpr | A.RepeatExpr | undefined {
    if (!n) return undefined;
    const c = n.children;
    const rep = this.node(c, "repeatExpr");
    if (rep) return this.repeat(rep);
    const callee = this.tok(c, "callee");
    if (!callee) return undefined;
    return {
      kind: "call",
      callee: this.ident(callee),
      args: this.args(this.node(c, "argList")),
      label: this.label(this.node(c, "label")),
      span: this.nodeSpan(n),
    };
  }

  private repeat(n: CstNode): A.RepeatExpr | undefined {
    const c = n.children;
    const count = this.exprOf(this.node(c, "count"));
    const callee = this.tok(c, "callee");
    const args = this.args(this.node(c, "args"));
    if (!count || !callee || !args) return undefined;
    const thenCallee = this.tok(c, "thenCallee");
    const then = thenCallee && {
      call: {
        kind: "call" as const,
        callee: this.ident(thenCallee),
        args: this.args(this.node(c, "thenArgs")),
        label: this.label(this.node(c, "thenLabel")),
        span: this.tokenSpan(thenCallee),
      },
      when: this.exprOf(this.node(c, "when")),
    };
    return {
      kind: "repeat",
      count,
      callee: this.ident(callee),
      args,
      firstArgs: this.args(this.node(c, "firstArgs")),
      label: this.label(this.node(c, "label")),
      then,
      span: this.nodeSpan(n),
    };
  }

  /**
   * An expression, or undefined (recorded as dropped). The outermost call
   * measures the result's depth: chains like 1+1+…+1 nest one level per term
   * without a bracket, and every later stage recurses over the tree.
   */
  exprOf(n: CstNode | undefined): A.Expr | undefined {
    if (!n) return undefined;
    this.exprNesting++;
    let e: A.Expr | undefined;
    try {
      e = this.buildExpr(n);
    } finally {
      this.exprNesting--;
    }
    if (!e) return this.drop(n);
    if (this.exprNesting === 0) {
      const deep = deepestPoint(e, this.limits.nesting);
      if (deep) {
        this.problems.push({
          code: "SF0003",
          start: deep.start,
          end: deep.end,
          message: `expression nested deeper than ${this.limits.nesting} levels`,
          label: "this term is too deep",
        });
        return undefined;
      }
    }
    return e;
  }

  private buildExpr(n: CstNode): A.Expr | undefined {
    const c = n.children;
    // Most levels pass one operand through (a number is an expr, a conditional, ... a primary): only a node made here is given a span.
    switch (n.name) {
      case "expr": {
        const head = this.exprOf(this.node(c, "head"));
        if (!head) return undefined;
        const stages = this.nodes(c, "stages").map((s) => this.pipeTarget(s));
        if (stages.length === 0) return head;
        if (stages.some((s) => s === undefined)) return undefined;
        return { kind: "pipe", head, stages: stages as (A.CallExpr | A.RepeatExpr)[], span: this.nodeSpan(n) };
      }
      case "conditional": {
        const test = this.exprOf(this.node(c, "test"));
        if (!c.Question) return test;
        const then = this.exprOf(this.node(c, "then"));
        const otherwise = this.exprOf(this.node(c, "otherwise"));
        return test && then && otherwise && { kind: "conditional", test, then, otherwise, span: this.nodeSpan(n) };
      }
      case "extent":
      case "dimExtent": {
        const parts = this.nodes(c, "parts").map((p) => this.exprOf(p));
        if (parts.some((p) => p === undefined) || parts.length === 0) return undefined;
        return parts.length === 1 ? parts[0] : { kind: "extent", parts: parts as A.Expr[], span: this.nodeSpan(n) };
      }
      case "comparison": {
        const lhs = this.exprOf(this.node(c, "lhs"));
        const opTok = this.tok(c, "op");
        if (!opTok) return lhs;
        const rhs = this.exprOf(this.node(c, "rhs"));
        const op = ({ "==": "==", "!=": "!=", "≠": "!=", "<": "<", "<=": "<=", "≤": "<=", ">": ">", ">=": ">=", "≥": ">=" } as const)[opTok.image as "=="];
        return lhs && rhs && op ? { kind: "binary", op, lhs, rhs, span: this.nodeSpan(n) } : undefined;
      }
      case "additive":
      case "multiplicative":
        return this.chain(n);
      case "unary": {
        if (c.Minus) {
          const operand = this.exprOf(this.node(c, "negated"));
          return operand && { kind: "neg", operand, span: this.nodeSpan(n) };
        }
        return this.exprOf(this.node(c, "postfix"));
      }
      case "postfix": {
        const operand = this.exprOf(this.node(c, "primary"));
        if (!c.Squared) return operand;
        return operand && { kind: "square", operand, span: this.nodeSpan(n) };
      }
      case "primary":
        return this.primary(n, this.nodeSpan(n));
      case "angleType": {
        const type = this.typeExpr(n);
        return type && { kind: "typeLiteral", type, span: this.nodeSpan(n) };
      }
      default:
        return undefined;
    }
  }

  /** Left-associative chains; an operand with no operator before it is a juxtaposed product. */
  private chain(n: CstNode): A.Expr | undefined {
    const c = n.children;
    const operands = this.nodes(c, "operands");
    const ops = (c.ops ?? []).filter(isToken);
    let acc = this.exprOf(operands[0]);
    // Operators and operands both come in source order: one cursor walks the
    // operators beside the operands, so a 100,000-term sum takes linear time.
    let nextOp = 0;
    for (let i = 1; i < operands.length && acc; i++) {
      const prevEnd = this.range(operands[i - 1]!)?.[1] ?? 0;
      const start = this.range(operands[i]!)?.[0] ?? 0;
      while (nextOp < ops.length && ops[nextOp]!.startOffset < prevEnd) nextOp++;
      const candidate = ops[nextOp];
      const op = candidate && candidate.startOffset < start ? candidate : undefined;
      if (op) nextOp++;
      const rhs = this.exprOf(operands[i]);
      if (!rhs) return undefined;
      const symbol: A.BinaryOp = !op
        ? "*"
        : op.image === "+"
          ? "+"
          : op.image === "/"
            ? "/"
            : op.image === "%"
              ? "%"
              : op.image === "*" || op.image === "·"
                ? "*"
                : "-";
      acc = { kind: "binary", op: symbol, lhs: acc, rhs, span: this.spanAt(acc.span.start, rhs.span.end) };
    }
    return acc;
  }

  /** 1, 0.5 or 1/2 in `fast_scale: 1 | 1/2`. */
  private numberChoice(n: CstNode): A.Expr | undefined {
    const span = this.nodeSpan(n);
    const literal = (t: IToken | undefined): A.Expr | undefined => {
      const value = t && Rational.parseDecimal(t.image, this.limits.numberDigits);
      return value ? { kind: "number", value, text: t.image, span } : undefined;
    };
    const numerator = literal(this.tok(n.children, "numerator"));
    const denominatorToken = this.tok(n.children, "denominator");
    const denominator = denominatorToken && literal(denominatorToken);
    const magnitude: A.Expr | undefined = denominatorToken
      ? numerator && denominator && { kind: "binary", op: "/", lhs: numerator, rhs: denominator, span }
      : numerator;
    return magnitude && this.tok(n.children, "sign") ? { kind: "neg", operand: magnitude, span } : magnitude;
  }

  private primary(n: CstNode, span: Span): A.Expr | undefined {
    const c = n.children;
    const num = this.tok(c, "NumberLiteral");
    if (num) {
      const value = Rational.parseDecimal(num.image, this.limits.numberDigits);
      if (!value) {
        this.problems.push({
          code: "SF0004",
          start: num.startOffset,
          end: num.startOffset + num.image.length,
          message: numberTooLong(num.image, this.limits.numberDigits),
          label: "too large or too precise",
        });
        return undefined;
      }
      return { kind: "number", value, text: num.image, span };
    }
    const str = this.tok(c, "StringLiteral");
    if (str) return { kind: "string", value: unquote(str.image), span };
    if (c.True) return { kind: "bool", value: true, span };
    if (c.False) return { kind: "bool", value: false, span };
    const rep = this.node(c, "repeatExpr");
    if (rep) return this.repeat(rep);
    const id = this.tok(c, "Identifier");
    if (id) {
      const argList = this.node(c, "argList");
      if (!argList) return { kind: "name", ident: this.ident(id), span };
      return { kind: "call", callee: this.ident(id), args: this.args(argList), label: this.label(this.node(c, "label")), span };
    }
    if (c.LParen) {
      const items = this.nodes(c, "items").map((i) => this.exprOf(i));
      if (items.length === 0 || items.some((i) => i === undefined)) return undefined;
      return items.length === 1 ? items[0] : { kind: "tuple", items: items as A.Expr[], span };
    }
    if (c.LSquare) {
      const items = this.nodes(c, "listItems").map((i) => this.exprOf(i));
      if (items.some((i) => i === undefined)) return undefined;
      return { kind: "list", items: items as A.Expr[], span };
    }
    if (c.LFloor || c.LCeil) {
      const operand = this.exprOf(this.node(c, c.LFloor ? "floorOf" : "ceilOf"));
      return operand && { kind: c.LFloor ? "floor" : "ceil", operand, span };
    }
    const lit = this.node(c, "typeLiteral");
    if (lit) return this.exprOf(lit);
    return undefined;
  }
}

/** A string literal's text: a backslash takes the next character literally (`\"`, `\\`). */
export function unquote(s: string): string {
  return s.slice(1, -1).replace(/\\(.)/g, "$1");
}
