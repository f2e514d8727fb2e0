/**
 * The checker's interpreter. One walk over statements and expressions serves
 * both jobs:
 *  - generic: a block body with its dimension variables (T, S, C) and
 *    parameters (α, β) as symbols, proving the declared result type for every
 *    value of them; what cannot be proved but may hold becomes a requirement
 *    of the block's signature;
 *  - instance: a network with its parameters bound, where every dimension is
 *    a polynomial over the network's parameters (kept for messages) with a
 *    value, every obligation is decided, and the graph IR is built.
 */
import type * as A from "./ast";
import { floorDiv, ceilDiv, Poly, type IntegerSymbols } from "./dims/poly";
import { Rational } from "./dims/rational";
import { makeDiagnostic, type Diagnostic, type DiagnosticParts, type LabelledSpan } from "./diagnostics/diagnostic";
import type { DiagnosticCode } from "./diagnostics/catalogue";
import type { IRBuilder } from "./ir-builder";
import { OPS, isOpName, weightFromSpec, type FormalKind, type OpArgs, type OpName, type RuleContext } from "./ops";
import { readWhole } from "./program";
import { suggest, type BlockEntry, type ModuleScope } from "./scope";
import type { Span } from "./span";
import { axisName, formatType, type TensorType } from "./types";
import { describeValue, type Value } from "./values";
import {
  Abandon,
  type Continuation,
  type Ctx,
  type FormalInfo,
  type Requirement,
  type RequirementBody,
  type Returned,
  type Signature,
  type SymbolInfo,
} from "./check-context";

export type { SymbolInfo, Signature, Requirement } from "./check-context";

export class Interpreter {
  constructor(
    private readonly diagnostics: Diagnostic[],
    private readonly ir: IRBuilder | undefined,
    /** Proved once per block, shared by every network elaborated after. */
    private readonly signatures = new Map<BlockEntry, Signature | "checking">(),
  ) {}

  /** An interpreter that builds IR into `builder`, reusing the signatures proved so far. */
  building(builder: IRBuilder): Interpreter {
    return new Interpreter(this.diagnostics, builder, this.signatures);
  }

  private report(code: DiagnosticCode, span: Span, parts: DiagnosticParts): void {
    this.diagnostics.push(makeDiagnostic(code, span, parts));
  }

  private fail(code: DiagnosticCode, span: Span, parts: DiagnosticParts): never {
    this.report(code, span, parts);
    throw new Abandon();
  }

  // ---------------------------------------------------------------- symbols

  private ints(ctx: Ctx): IntegerSymbols {
    return (name) => ctx.symbols.get(name)?.integer ?? false;
  }

  private env(ctx: Ctx): (name: string) => Rational | undefined {
    return (name) => ctx.symbols.get(name)?.value;
  }

  private evaluate(p: Poly, ctx: Ctx): Rational | undefined {
    return p.evaluate(this.env(ctx));
  }

  /** "αT = 32" in an instance, "αT" in a generic block. */
  private show(p: Poly, ctx: Ctx): string {
    const v = this.evaluate(p, ctx);
    const s = p.toString();
    return v === undefined || p.constantValue() !== undefined ? s : `${s} = ${v}`;
  }

  /** Where each parameter in `p` got its value. */
  private provenance(polys: readonly Poly[], ctx: Ctx): LabelledSpan[] {
    const names = new Set<string>();
    for (const p of polys) p.symbols(names);
    const out: LabelledSpan[] = [];
    for (const name of names) {
      const info = ctx.symbols.get(name);
      if (!info) continue;
      const label =
        info.value === undefined
          ? `${info.display} is bound here`
          : `${info.display} = ${info.value}${info.fromCommandLine ? " (set on the command line)" : ""}`;
      out.push({ span: info.span, label });
    }
    return out.slice(0, 4);
  }

  // ------------------------------------------------------------ signatures

  /** The block's checked signature; its body is checked once, symbolically. */
  signatureOf(entry: BlockEntry): Signature | undefined {
    const known = this.signatures.get(entry);
    if (known === "checking") {
      this.report("SF0106", entry.decl.name.span, { message: `\`${entry.decl.name.text}\` uses itself`, label: "recursive block" });
      return undefined;
    }
    if (known) return known;
    this.signatures.set(entry, "checking");
    const errorsBefore = this.diagnostics.filter((d) => d.severity === "error").length;
    // A block with a syntax error in it was not read whole: what its checker
    // would say is about the parser's recovery, not the source.
    const whole = readWhole(entry.module.module, entry.decl.span);
    const sig = whole ? this.checkBlock(entry) : { entry, formals: this.formalInfos(entry.decl), dimVars: [], resultType: undefined, requirements: [] };
    const ok = whole && this.diagnostics.filter((d) => d.severity === "error").length === errorsBefore;
    const final = { ...sig, ok };
    this.signatures.set(entry, final);
    return final;
  }

  private formalInfos(decl: A.BlockDecl): FormalInfo[] {
    const out: FormalInfo[] = [];
    for (const f of decl.formals) {
      let kind: FormalInfo["kind"];
      if (f.type) kind = "tensor";
      else if (f.sort) {
        const sort = f.sort.name;
        if (sort === "int" || sort === "rat" || sort === "bool") kind = sort;
        else if (sort === "number") kind = "rat";
        else {
          this.report("SF0213", f.sort.span, { message: `unknown parameter sort \`${f.sort.text}\``, label: "expected int, rat or bool" });
          kind = "int";
        }
      } else if (f.default?.kind === "bool") kind = "bool";
      else if (f.default?.kind === "number" && !f.default.value.isInteger()) kind = "rat";
      else kind = "int";
      out.push({ name: f.name.name, kind, type: undefined, typeExpr: f.type, default: f.default, span: f.span });
    }
    return out;
  }

  /** Names in tensor types that are not parameters: the block's dimension variables. */
  private dimVarsOf(formals: readonly FormalInfo[]): string[] {
    const scalar = new Set(formals.filter((f) => f.kind !== "tensor").map((f) => f.name));
    const vars: string[] = [];
    const visit = (e: A.Expr): void => {
      switch (e.kind) {
        case "name":
          if (!scalar.has(e.ident.name) && !vars.includes(e.ident.name)) vars.push(e.ident.name);
          return;
        case "binary":
          visit(e.lhs);
          visit(e.rhs);
          return;
        case "neg":
        case "square":
        case "floor":
        case "ceil":
          visit(e.operand);
          return;
        case "extent":
          e.parts.forEach(visit);
          return;
        default:
          return;
      }
    };
    for (const f of formals) f.typeExpr?.dims.forEach(visit);
    return vars;
  }

  private checkBlock(entry: BlockEntry): Omit<Signature, "ok"> {
    const decl = entry.decl;
    const formals = this.formalInfos(decl);
    const dimVars = this.dimVarsOf(formals);
    const symbols = new Map<string, SymbolInfo>();
    const vars = new Map<string, Value>();
    for (const f of formals) {
      if (f.kind === "tensor") continue;
      if (f.kind === "bool") vars.set(f.name, { kind: "bool", value: undefined, span: f.span });
      else {
        symbols.set(f.name, { integer: f.kind === "int", span: f.span, value: undefined, display: f.name });
        vars.set(f.name, { kind: "dim", poly: Poly.symbol(f.name), span: f.span });
      }
    }
    for (const v of dimVars) {
      const span = this.firstMention(decl, v) ?? decl.name.span;
      symbols.set(v, { integer: true, span, value: undefined, display: v });
      vars.set(v, { kind: "dim", poly: Poly.symbol(v), span });
    }
    const requirements: Requirement[] = [];
    const ctx: Ctx = {
      mode: "generic",
      scope: entry.module,
      vars,
      symbols,
      requirements,
      assumptions: [],
      path: [],
      pathways: new Set(),
      callSite: undefined,
      inLateral: undefined,
    };
    const typed = formals.map((f) => {
      if (!f.typeExpr) return f;
      const type = this.typeFromExpr(f.typeExpr, ctx);
      if (type) vars.set(f.name, { kind: "tensor", type, ref: undefined, span: f.span });
      else vars.set(f.name, { kind: "poison", span: f.span });
      return { ...f, type };
    });
    const resultType = this.typeFromExpr(decl.result, ctx);
    if (decl.kind === "block") {
      const returns = this.runBody(decl.body, ctx);
      if (returns.length === 0)
        this.report("SF0210", decl.name.span, { message: `block \`${decl.name.text}\` does not return a value`, label: "no `return` in its body", help: "end the body with `return <tensor>`" });
      for (const r of returns) if (resultType) this.checkResult(r.value, resultType, decl.result, r.ctx);
    }
    return { entry, formals: typed, dimVars, resultType, requirements };
  }

  private firstMention(decl: A.BlockDecl, name: string): Span | undefined {
    let found: Span | undefined;
    const visit = (e: A.Expr): void => {
      if (found) return;
      if (e.kind === "name" && e.ident.name === name) found = e.span;
      else if (e.kind === "binary") {
        visit(e.lhs);
        visit(e.rhs);
      } else if (e.kind === "neg" || e.kind === "square" || e.kind === "floor" || e.kind === "ceil") visit(e.operand);
      else if (e.kind === "extent") e.parts.forEach(visit);
    };
    for (const f of decl.formals) f.type?.dims.forEach(visit);
    return found;
  }

  /** A returned value against the declared result type. */
  private checkResult(v: Value, declared: TensorType, declaredExpr: A.TypeExpr, ctx: Ctx): void {
    if (v.kind === "poison") return;
    if (v.kind !== "tensor") {
      this.report("SF0204", v.span, { message: `the result must be a tensor, found ${describeValue(v)}`, label: "returned here" });
      return;
    }
    if (v.type.layout !== declared.layout || v.type.dims.length !== declared.dims.length) {
      this.report("SF0201", v.span, {
        message: `the result is ${formatType(v.type)}, declared ${formatType(declared)}`,
        label: `this is ${formatType(v.type)}`,
        related: [{ span: declaredExpr.span, label: `declared ${formatType(declared)}` }],
      });
      return;
    }
    declared.dims.forEach((d, i) => {
      const outcome = this.compareDims(v.type.dims[i]!, d, ctx);
      if (outcome === "equal") return;
      if (outcome !== "different") {
        for (const r of outcome) this.require(ctx, { relation: "divides", ...r, what: `the declared ${axisName(declared, i)} ${d}`, span: this.dimExprSpan(declaredExpr, i) });
        return;
      }
      const found = v.type.dims[i]!;
      this.report("SF0201", v.span, {
        message: `the result has ${axisName(declared, i)} ${found}, but the declared type says ${d}`,
        label: `this is ${formatType(v.type)}`,
        related: [{ span: this.dimExprSpan(declaredExpr, i), label: `declared ${d}` }],
        notes: [`expected ${formatType(declared)}`, `   found ${formatType(v.type)}`, `${found} ≠ ${d} ${ctx.mode === "generic" ? `for some ${[...new Set([...found.symbols(), ...d.symbols()])].join(", ") || "values"}` : ""}`.trimEnd()],
      });
    });
  }

  /** The source span of the i-th dimension (ONNX order) of a written type. */
  private dimExprSpan(t: A.TypeExpr, i: number): Span {
    if (t.form === "raw" || t.dims.length !== 3) return t.dims[i]?.span ?? t.span;
    // <T, spatial, C> is [C, T, H, W] in ONNX order.
    const index = [2, 0, 1, 1][i] ?? 0;
    return t.dims[index]?.span ?? t.span;
  }

  /**
   * Equality of dimensions: by normal form; then, for a generic block, by
   * reading floors as exact (what S/2 means for a stride-2 output) under the
   * divisibility that makes it so; in an instance, by value.
   */
  private compareDims(found: Poly, expected: Poly, ctx: Ctx): "equal" | "different" | Array<{ dividend: Poly; divisor: Poly }> {
    if (found.equals(expected)) return "equal";
    const fv = this.evaluate(found, ctx);
    const ev = this.evaluate(expected, ctx);
    if (fv !== undefined && ev !== undefined) return fv.equals(ev) ? "equal" : "different";
    const ints = this.ints(ctx);
    const a = found.withoutFloors(ints);
    const b = expected.withoutFloors(ints);
    if (!a.poly.equals(b.poly)) return "different";
    const needed = [...a.divisibility, ...b.divisibility].filter((d) => this.decideDivides(d.dividend, d.divisor, ctx) !== true);
    if (needed.some((d) => this.decideDivides(d.dividend, d.divisor, ctx) === false)) return "different";
    return needed;
  }

  /** Whether divisor | dividend: proved, refuted, or undecidable here. */
  private decideDivides(dividend: Poly, divisor: Poly, ctx: Ctx): boolean | undefined {
    const q = dividend.divExact(divisor);
    if (q && q.isIntegral(this.ints(ctx))) return true;
    const a = this.evaluate(dividend, ctx);
    const b = this.evaluate(divisor, ctx);
    if (a !== undefined && b !== undefined && !b.isZero()) return a.div(b).isInteger();
    return undefined;
  }

  // ----------------------------------------------------------- statements

  /** Runs a body; returns every value it can return (several when an undecidable `if` forks). */
  runBody(body: readonly A.Stmt[], ctx: Ctx): Returned[] {
    const returns: Returned[] = [];
    this.exec(body, ctx, returns);
    return returns;
  }

  private exec(stmts: Continuation, ctx: Ctx, returns: Returned[]): void {
    for (let k = 0; k < stmts.length; k++) {
      const s = stmts[k]!;
      if (s.kind === "leaveStage") {
        if (this.ir && ctx.mode === "instance" && ctx.callSite === undefined) {
          const outputs = new Map<string, string>();
          for (const p of ctx.pathways) {
            const v = ctx.vars.get(p);
            if (v?.kind === "tensor" && v.ref) outputs.set(p, v.ref);
          }
          this.ir.endStage(ctx.path.join("."), outputs);
        }
        ctx = { ...ctx, path: ctx.path.slice(0, -1) };
        continue;
      }
      try {
        switch (s.kind) {
          case "return":
            returns.push({ value: this.expr(s.value, ctx), ctx });
            return;
          case "assign": {
            const inPathway = ctx.pathways.has(s.target.name);
            const sub = inPathway ? { ...ctx, path: [...ctx.path, s.target.name] } : ctx;
            ctx.vars.set(s.target.name, this.expr(s.value, sub));
            break;
          }
          case "pathway": {
            ctx.pathways.add(s.name.name);
            ctx.vars.set(s.name.name, this.expr(s.value, { ...ctx, path: [...ctx.path, s.name.name] }));
            break;
          }
          case "lateral":
            this.lateral(s, ctx);
            break;
          case "stage":
            if (this.ir && ctx.mode === "instance" && ctx.callSite === undefined) this.ir.beginStage([...ctx.path, s.name.name].join("."));
            this.exec([...s.body, { kind: "leaveStage" }, ...stmts.slice(k + 1)], { ...ctx, path: [...ctx.path, s.name.name] }, returns);
            return;
          case "if": {
            const cond = this.expr(s.condition, ctx);
            if (cond.kind === "poison") return;
            if (cond.kind !== "bool") this.fail("SF0204", s.condition.span, { message: `a condition must be a boolean, found ${describeValue(cond)}`, label: "here" });
            const rest = stmts.slice(k + 1);
            if (cond.value !== undefined) {
              this.exec([...(cond.value ? s.then : (s.otherwise ?? [])), ...rest], ctx, returns);
              return;
            }
            // Undecidable in a generic block: check each branch, fixing a boolean
            // parameter tested directly so that requirements know their branch.
            const flag = s.condition.kind === "name" ? s.condition.ident.name : undefined;
            for (const taken of [true, false]) {
              const vars = new Map(ctx.vars);
              if (flag) vars.set(flag, { kind: "bool", value: taken, span: s.condition.span });
              const assumptions = flag ? [...ctx.assumptions, [flag, taken] as const] : ctx.assumptions;
              this.exec([...(taken ? s.then : (s.otherwise ?? [])), ...rest], { ...ctx, vars, pathways: new Set(ctx.pathways), assumptions }, returns);
            }
            return;
          }
        }
      } catch (e) {
        if (!(e instanceof Abandon)) throw e;
        // A failed statement poisons what it assigns so later uses stay quiet.
        if (s.kind === "assign") ctx.vars.set(s.target.name, { kind: "poison", span: s.span });
        if (s.kind === "pathway") ctx.vars.set(s.name.name, { kind: "poison", span: s.span });
        if (s.kind === "lateral") ctx.vars.set(s.target.name, { kind: "poison", span: s.span });
        if (s.kind === "return") {
          returns.push({ value: { kind: "poison", span: s.span }, ctx });
          return;
        }
      }
    }
  }

  private lateral(s: A.LateralStmt, ctx: Ctx): void {
    const get = (id: A.Ident): Value => {
      const v = ctx.vars.get(id.name);
      if (!v) {
        this.fail("SF0113", id.span, {
          message: `no pathway named \`${id.text}\``,
          label: "unknown pathway",
          help: suggest(id.name, ctx.pathways) ?? (ctx.pathways.size ? `the pathways are ${[...ctx.pathways].join(", ")}` : "declare one with `pathway name = ...`"),
        });
      }
      return v;
    };
    const source = get(s.source);
    const target = get(s.target);
    // `fuse f` reads a choice parameter f when there is one: fuse fusion.
    const named = s.fusion ? ctx.vars.get(s.fusion.name) : undefined;
    const fusion = named?.kind === "string" ? named.value : (s.fusion?.name ?? "concat");
    if (fusion !== "concat" && fusion !== "sum")
      this.fail("SF0114", s.fusion!.span, { message: `unknown fusion \`${fusion}\``, label: "expected `concat` or `sum`", help: suggest(fusion, ["concat", "sum"]) });
    const lateralCtx: Ctx = { ...ctx, inLateral: s.span };
    const transformed = this.stage(s.transform, source, lateralCtx);
    const fuseOp: OpName = fusion === "sum" ? "add" : "concat";
    const fused = this.applyOp(fuseOp, new Map([["xs", { kind: "list", items: [target, transformed], span: s.span }]]), s.span, `${s.target.name}_fuse`, lateralCtx, new Map());
    ctx.vars.set(s.target.name, fused);
  }

  // ----------------------------------------------------------- expressions

  expr(e: A.Expr, ctx: Ctx): Value {
    switch (e.kind) {
      case "number":
        return { kind: "dim", poly: Poly.constant(e.value), span: e.span };
      case "string":
        return { kind: "string", value: e.value, span: e.span };
      case "bool":
        return { kind: "bool", value: e.value, span: e.span };
      case "name":
        return this.lookup(e.ident, ctx);
      case "call":
        return this.call(e, undefined, ctx);
      case "repeat":
        return this.repeat(e, undefined, ctx);
      case "pipe": {
        let v = this.expr(e.head, ctx);
        for (const st of e.stages) v = this.stage(st, v, ctx);
        return v;
      }
      case "binary":
        return this.binary(e, ctx);
      case "neg": {
        const v = this.dim(e.operand, ctx);
        return v ? { kind: "dim", poly: v.neg(), span: e.span } : { kind: "poison", span: e.span };
      }
      case "square": {
        const v = this.dim(e.operand, ctx);
        return v ? { kind: "extent", parts: [v, v], span: e.span } : { kind: "poison", span: e.span };
      }
      case "extent": {
        const parts: Poly[] = [];
        for (const p of e.parts) {
          const v = this.expr(p, ctx);
          if (v.kind === "poison") return v;
          if (v.kind === "dim") parts.push(v.poly);
          else if (v.kind === "extent") parts.push(...v.parts);
          else this.fail("SF0204", p.span, { message: `an extent is made of numbers, found ${describeValue(v)}`, label: "here" });
        }
        return { kind: "extent", parts, span: e.span };
      }
      case "tuple":
      case "list":
        return { kind: "list", items: e.items.map((i) => this.expr(i, ctx)), span: e.span };
      case "floor":
      case "ceil":
        return this.rounding(e.kind, e.operand, e.span, ctx);
      case "conditional": {
        const test = this.expr(e.test, ctx);
        if (test.kind === "poison") return test;
        if (test.kind !== "bool") this.fail("SF0204", e.test.span, { message: `a condition must be a boolean, found ${describeValue(test)}`, label: "here" });
        if (test.value === true) return this.expr(e.then, ctx);
        if (test.value === false) return this.expr(e.otherwise, ctx);
        const a = this.expr(e.then, ctx);
        const b = this.expr(e.otherwise, ctx);
        if (a.kind === "dim" && b.kind === "dim" && a.poly.equals(b.poly)) return a;
        this.fail("SF0212", e.test.span, {
          message: "this condition cannot be decided for every value of the block's parameters",
          label: "depends on a parameter",
          help: "use an `if` statement, whose branches are checked separately, or make the value a parameter",
        });
      }
      case "typeLiteral": {
        const t = this.typeFromExpr(e.type, ctx);
        return t ? { kind: "type", type: t, span: e.span } : { kind: "poison", span: e.span };
      }
    }
  }

  private dim(e: A.Expr, ctx: Ctx): Poly | undefined {
    const v = this.expr(e, ctx);
    if (v.kind === "poison") return undefined;
    if (v.kind !== "dim") this.fail("SF0204", e.span, { message: `expected a number, found ${describeValue(v)}`, label: "here" });
    return v.poly;
  }

  private rounding(kind: "floor" | "ceil", operand: A.Expr, span: Span, ctx: Ctx): Value {
    const ints = this.ints(ctx);
    // ⌊a/b⌋ keeps the division; ⌊q⌋ of any other q divides by 1.
    if (operand.kind === "binary" && operand.op === "/") {
      const n = this.dim(operand.lhs, ctx);
      const d = this.dim(operand.rhs, ctx);
      if (!n || !d) return { kind: "poison", span };
      this.requirePositiveDivisor(d, operand.rhs.span, ctx);
      return { kind: "dim", poly: kind === "floor" ? floorDiv(n, d, ints) : ceilDiv(n, d, ints), span };
    }
    const q = this.dim(operand, ctx);
    if (!q) return { kind: "poison", span };
    // ⌈q⌉ = −⌊−q⌋, right whether or not q happens to be an integer.
    return { kind: "dim", poly: kind === "floor" ? floorDiv(q, Poly.ONE, ints) : floorDiv(q.neg(), Poly.ONE, ints).neg(), span };
  }

  private requirePositiveDivisor(d: Poly, span: Span, ctx: Ctx): void {
    const v = this.evaluate(d, ctx);
    if (v !== undefined && v.sign() <= 0) this.fail("SF0211", span, { message: `division by ${this.show(d, ctx)}`, label: "must be positive" });
  }

  private binary(e: Extract<A.Expr, { kind: "binary" }>, ctx: Ctx): Value {
    if (e.op === "==" || e.op === "!=") {
      const l = this.expr(e.lhs, ctx);
      const r = this.expr(e.rhs, ctx);
      if (l.kind === "poison" || r.kind === "poison") return { kind: "poison", span: e.span };
      if (l.kind === "string" || r.kind === "string") {
        if (l.kind !== r.kind) this.fail("SF0204", e.span, { message: `cannot compare ${describeValue(l)} with ${describeValue(r)}`, label: "here" });
        const same = (l as { value: string }).value === (r as { value: string }).value;
        return { kind: "bool", value: e.op === "==" ? same : !same, span: e.span };
      }
    }
    const a = this.dim(e.lhs, ctx);
    const b = this.dim(e.rhs, ctx);
    if (!a || !b) return { kind: "poison", span: e.span };
    switch (e.op) {
      case "+":
        return { kind: "dim", poly: a.add(b), span: e.span };
      case "-":
        return { kind: "dim", poly: a.sub(b), span: e.span };
      case "*":
        return { kind: "dim", poly: a.mul(b), span: e.span };
      case "/": {
        this.requirePositiveDivisor(b, e.rhs.span, ctx);
        const q = a.divExact(b);
        if (q) return { kind: "dim", poly: q, span: e.span };
        const av = this.evaluate(a, ctx);
        const bv = this.evaluate(b, ctx);
        if (av !== undefined && bv !== undefined) return { kind: "dim", poly: Poly.constant(av.div(bv)), span: e.span };
        this.fail("SF0204", e.span, {
          message: `${a} / ${b} is not a polynomial`,
          label: "division by a sum",
          help: `write ⌊${a}/${b}⌋ or ⌈${a}/${b}⌉ for integer division`,
        });
      }
      case "%": {
        const av = a.constantValue() ?? this.evaluate(a, ctx);
        const bv = b.constantValue() ?? this.evaluate(b, ctx);
        if (av === undefined || bv === undefined || !av.isInteger() || !bv.isInteger() || bv.isZero())
          this.fail("SF0204", e.span, { message: "`%` takes two known integers, the second not 0", label: `${a} % ${b}` });
        const m = ((av.num % bv.num) + bv.num) % bv.num;
        return { kind: "dim", poly: Poly.constant(m), span: e.span };
      }
      default: {
        const diff = a.sub(b);
        const v = diff.constantValue() ?? this.evaluate(diff, ctx);
        if (v === undefined) return { kind: "bool", value: undefined, span: e.span };
        const s = v.sign();
        const value = { "==": s === 0, "!=": s !== 0, "<": s < 0, "<=": s <= 0, ">": s > 0, ">=": s >= 0 }[e.op];
        return { kind: "bool", value, span: e.span };
      }
    }
  }

  private lookup(id: A.Ident, ctx: Ctx): Value {
    const v = ctx.vars.get(id.name);
    if (v) return { ...v, span: id.span } as Value;
    const candidates = [...ctx.vars.keys(), ...ctx.symbols.keys()];
    this.fail("SF0101", id.span, {
      message: `unknown name \`${id.text}\``,
      label: "not declared here",
      help: suggest(id.name, candidates) ?? (isOpName(id.name) || ctx.scope.blocks.has(id.name) ? `\`${id.text}\` is an op or block: call it, \`${id.text}(...)\`` : undefined),
    });
  }

  /** A pipe stage: the piped value becomes the first argument. */
  private stage(st: A.CallExpr | A.RepeatExpr, input: Value, ctx: Ctx): Value {
    return st.kind === "repeat" ? this.repeat(st, input, ctx) : this.call(st, input, ctx);
  }

  private repeat(r: A.RepeatExpr, piped: Value | undefined, ctx: Ctx): Value {
    const count = this.dim(r.count, ctx);
    if (!count) return { kind: "poison", span: r.span };
    const n = (count.constantValue() ?? this.evaluate(count, ctx))?.toSafeInteger();
    if (n === undefined || n < 1 || n > 100_000)
      this.fail("SF0211", r.count.span, {
        message: n === undefined ? "a repeat count must be a known positive integer" : `a repeat count must be between 1 and 100000, found ${n}`,
        label: this.show(count, ctx),
      });
    let args = r.args;
    let current = piped;
    if (!current) {
      const firstPositional = args.findIndex((a) => a.name === undefined);
      if (firstPositional < 0) this.fail("SF0108", r.span, { message: "`repeat` needs an input: pipe one in or pass it first", label: "no input" });
      current = this.expr(args[firstPositional]!.value, ctx);
      args = args.filter((_, i) => i !== firstPositional);
    }
    const label = r.label?.parts.join(".") ?? r.callee.name;
    for (let i = 0; i < n; i++) {
      const vars = new Map(ctx.vars);
      vars.set("i", { kind: "dim", poly: Poly.constant(i), span: r.span });
      const iterCtx: Ctx = { ...ctx, vars };
      const overrides = i === 0 && r.firstArgs ? r.firstArgs : [];
      const names = new Set(overrides.map((a) => a.name?.name));
      const merged = [...args.filter((a) => !a.name || !names.has(a.name.name)), ...overrides];
      const call: A.CallExpr = { kind: "call", callee: r.callee, args: merged, label: { parts: [`${label}${i}`], span: r.span }, span: r.span };
      current = this.call(call, current, iterCtx);
      if (current.kind === "poison") return current;
      if (r.then) {
        const when = r.then.when ? this.expr(r.then.when, iterCtx) : ({ kind: "bool", value: true, span: r.span } as const);
        if (when.kind === "poison") return when;
        if (when.kind !== "bool" || when.value === undefined)
          this.fail(when.kind !== "bool" ? "SF0204" : "SF0212", r.then.when!.span, { message: "`when` needs a condition known for each repetition", label: "here" });
        if (when.value) {
          const thenLabel = r.then.call.label?.parts.join(".") ?? r.then.call.callee.name;
          current = this.call({ ...r.then.call, label: { parts: [`${thenLabel}${i}`], span: r.then.call.span } }, current, iterCtx);
          if (current.kind === "poison") return current;
        }
      }
    }
    return current;
  }

  private call(c: A.CallExpr, piped: Value | undefined, ctx: Ctx): Value {
    const name = c.callee.name;
    if (name === "input") return this.graphInput(c, piped, ctx);
    if (isOpName(name)) {
      const args = this.bindArgs(OPS[name].formals.map((f) => ({ name: f.name, variadic: f.kind === "tensors", required: f.default === undefined })), c, piped, ctx);
      if (!args) return { kind: "poison", span: c.span };
      return this.applyOp(name, args, c.span, c.label?.parts.join(".") ?? name, ctx, this.argSpans(c));
    }
    const entry = ctx.scope.blocks.get(name);
    if (!entry) {
      const known = [...Object.keys(OPS), ...ctx.scope.blocks.keys()];
      this.fail("SF0106", c.callee.span, {
        message: `no op or block named \`${c.callee.text}\``,
        label: "unknown",
        help: suggest(name, known) ?? "import the block, e.g. `import std.lateral { tconv }`",
      });
    }
    if (entry.decl.kind === "network")
      this.fail("SF0106", c.callee.span, { message: `\`${c.callee.text}\` is a network; only blocks can be called`, label: "a network" });
    const sig = this.signatureOf(entry);
    if (!sig) return { kind: "poison", span: c.span };
    const args = this.bindArgs(sig.formals.map((f) => ({ name: f.name, variadic: false, required: f.default === undefined })), c, piped, ctx);
    if (!args) return { kind: "poison", span: c.span };
    return this.instantiate(sig, args, c, ctx);
  }

  /** input(<T, S², 3>) as slow: a further graph input, declared where a network needs it. */
  private graphInput(c: A.CallExpr, piped: Value | undefined, ctx: Ctx): Value {
    if (ctx.mode === "generic" || piped || c.args?.length !== 1 || c.args[0]!.name)
      this.fail("SF0106", c.callee.span, {
        message: "`input(<type>)` declares a graph input, in a network body only",
        label: ctx.mode === "generic" ? "not allowed in a block" : "takes one type",
      });
    const t = this.expr(c.args[0]!.value, ctx);
    if (t.kind === "poison") return t;
    if (t.kind !== "type") this.fail("SF0204", t.span, { message: `\`input\` takes a type such as <T, S², 3>, found ${describeValue(t)}`, label: "here" });
    const shape = this.concreteShape(t.type, c.span, ctx);
    const ref = this.ir?.addInput(c.label?.parts.join("_") ?? "input", shape);
    return { kind: "tensor", type: t.type, ref, span: c.span };
  }

  private argSpans(c: A.CallExpr): Map<string, Span> {
    const m = new Map<string, Span>();
    for (const a of c.args ?? []) if (a.name) m.set(a.name.name, a.span);
    return m;
  }

  /** Positional, then named; the piped value is the first positional. */
  private bindArgs(
    formals: ReadonlyArray<{ name: string; variadic: boolean; required: boolean }>,
    c: A.CallExpr,
    piped: Value | undefined,
    ctx: Ctx,
  ): Map<string, Value> | undefined {
    const bound = new Map<string, Value>();
    const positional: Value[] = piped ? [piped] : [];
    let poisoned = piped?.kind === "poison";
    const named: A.Argument[] = [];
    for (const a of c.args ?? []) {
      if (a.name) named.push(a);
      else positional.push(this.expr(a.value, ctx));
    }
    const variadic = formals.find((f) => f.variadic);
    if (variadic) bound.set(variadic.name, { kind: "list", items: positional, span: c.span });
    else {
      if (positional.length > formals.length)
        this.fail("SF0107", c.args?.filter((a) => !a.name)[formals.length - (piped ? 1 : 0)]?.span ?? c.span, {
          message: `\`${c.callee.text}\` takes at most ${formals.length} arguments, given ${positional.length}${piped ? " (counting the piped input)" : ""}`,
          label: "one too many",
        });
      positional.forEach((v, i) => bound.set(formals[i]!.name, v));
    }
    for (const a of named) {
      const formal = formals.find((f) => f.name === a.name!.name);
      if (!formal) {
        this.report("SF0107", a.name!.span, {
          message: `\`${c.callee.text}\` has no argument \`${a.name!.text}\``,
          label: "unknown argument",
          help: suggest(a.name!.name, formals.map((f) => f.name)) ?? `its arguments are ${formals.map((f) => f.name).join(", ")}`,
        });
        poisoned = true;
        continue;
      }
      if (bound.has(formal.name)) {
        this.report("SF0109", a.span, { message: `argument \`${a.name!.text}\` is given twice`, label: "again here" });
        poisoned = true;
        continue;
      }
      bound.set(formal.name, this.expr(a.value, ctx));
    }
    const missing = formals.filter((f) => f.required && !bound.has(f.name));
    if (missing.length > 0) {
      this.report("SF0108", c.span, {
        message: `\`${c.callee.text}\` needs ${missing.map((m) => `\`${m.name}\``).join(", ")}`,
        label: `missing ${missing.map((m) => m.name).join(", ")}`,
      });
      return undefined;
    }
    for (const v of bound.values()) if (v.kind === "poison" || (v.kind === "list" && v.items.some((i) => i.kind === "poison"))) poisoned = true;
    return poisoned ? undefined : bound;
  }

  // ------------------------------------------------------------------- ops

  private applyOp(name: OpName, bound: Map<string, Value>, span: Span, label: string, ctx: Ctx, argSpans: Map<string, Span>): Value {
    const spec = OPS[name];
    const spanOf = (arg?: string): Span => (arg && argSpans.get(arg)) || bound.get(arg ?? "")?.span || span;
    const fail = (code: DiagnosticCode, parts: DiagnosticParts, arg?: string): never => this.fail(code, spanOf(arg), parts);
    const xs = bound.get("xs");
    if (xs?.kind === "list" && xs.items.some((i) => i.kind === "poison")) return { kind: "poison", span };
    const args = this.opArgs(name, bound, fail);
    const rc: RuleContext = {
      valueOf: (p) => this.evaluate(p, ctx),
      floorDiv: (n, d) => floorDiv(n, d, this.ints(ctx)),
      ceilDiv: (n, d) => ceilDiv(n, d, this.ints(ctx)),
      requireIntegral: (p, what, arg) => this.requireIntegral(p, what, spanOf(arg), ctx),
      requireMultiple: (p, divisor, what, arg) => {
        const decided = this.decideDivides(p, divisor, ctx);
        if (decided === true) return;
        if (decided === undefined) return this.require(ctx, { relation: "divides", dividend: p, divisor, what: `${what} a multiple of ${divisor}`, span: spanOf(arg) });
        fail("SF0301", { message: `${what} ${this.show(p, ctx)} must be a multiple of ${this.show(divisor, ctx)}`, label: `\`${name}\` here`, related: this.provenance([p, divisor], ctx), notes: this.callSiteNote(ctx) }, arg);
      },
      requireAtLeast: (p, min, what, arg) => {
        const v = this.evaluate(p, ctx);
        if (v !== undefined && v.compare(Rational.of(min)) < 0)
          fail(
            min >= 1 ? "SF0206" : "SF0211",
            {
              message: `${what} would be ${v}${p.constantValue() === undefined ? ` (${p})` : ""}, but must be at least ${min}`,
              label: `\`${name}\` here`,
              related: this.provenance([p], ctx),
              notes: this.callSiteNote(ctx),
              help: min >= 1 ? "the input is too small for this op: use a larger input size or a smaller stride" : undefined,
            },
            arg,
          );
      },
      requireEqual: (found, expected, what, arg, proved) => {
        const outcome = this.compareDims(found, expected, ctx);
        if (outcome === "equal") return true;
        if (outcome !== "different") {
          for (const o of outcome) this.require(ctx, { relation: "divides", ...o, what, span: spanOf(arg) });
          return true;
        }
        // In a generic block, sizes that can agree for some arguments are a requirement.
        if (ctx.mode === "generic" && found.sub(expected).constantValue() === undefined) {
          if (proved) return false;
          this.require(ctx, { relation: "equal", lhs: found, rhs: expected, what, span: spanOf(arg) });
          return true;
        }
        this.report("SF0202", spanOf(arg), {
          message: `${ctx.inLateral ? "lateral link: " : ""}${what} differ: ${this.show(found, ctx)} vs ${this.show(expected, ctx)}`,
          label: `\`${name}\` needs them equal`,
          related: this.provenance([found, expected], ctx),
          notes: [`${found} = ${expected} does not hold${ctx.mode === "generic" ? " for every value of the block's parameters" : ""}`],
        });
        return false;
      },
      fail: (code, parts, arg) => fail(code, parts, arg),
    };
    const type = spec.rule(args, rc);
    if (ctx.mode === "instance" && this.ir) {
      const concrete = this.concreteShape(type, span, ctx);
      const lowered = spec.lower(args, {
        num: (p) => this.evaluate(p, ctx)!.toNumber(),
        value: (p) => this.evaluate(p, ctx)!,
        shapeOf: (t) => this.concreteShape(t, span, ctx),
      });
      const inputs = this.tensorInputs(name, bound);
      const nodeName = this.ir.uniqueName([...ctx.path, label].join("."));
      const weights = lowered.weights.map((w) => weightFromSpec(nodeName, w));
      const ref = this.ir.addNode(nodeName, lowered.op, inputs, weights, concrete, span);
      return { kind: "tensor", type, ref, span };
    }
    return { kind: "tensor", type, ref: undefined, span };
  }

  private callSiteNote(ctx: Ctx): string[] {
    return ctx.callSite ? [`in the block called at ${ctx.callSite.file}:${ctx.callSite.line}:${ctx.callSite.column}`] : [];
  }

  private tensorInputs(name: OpName, bound: Map<string, Value>): string[] {
    const refs: string[] = [];
    for (const f of OPS[name].formals) {
      const v = bound.get(f.name);
      if (f.kind === "tensor" && v?.kind === "tensor") refs.push(v.ref!);
      if (f.kind === "tensors" && v?.kind === "list") for (const i of v.items) if (i.kind === "tensor") refs.push(i.ref!);
    }
    return refs;
  }

  private concreteShape(t: TensorType, span: Span, ctx: Ctx): number[] {
    return t.dims.map((d) => {
      const v = this.evaluate(d, ctx);
      const n = v?.toSafeInteger();
      if (n === undefined || n > 2 ** 31)
        this.fail("SF0004", span, { message: `dimension ${this.show(d, ctx)} is not a usable size`, label: "too large or not an integer", related: this.provenance([d], ctx) });
      return n;
    });
  }

  private opArgs(name: OpName, bound: Map<string, Value>, fail: (code: DiagnosticCode, parts: DiagnosticParts, arg?: string) => never): OpArgs {
    const spec = OPS[name];
    const kinds = new Map<string, FormalKind>(spec.formals.map((f) => [f.name, f.kind]));
    const defaults = new Map(spec.formals.map((f) => [f.name, f.default]));
    const get = (n: string): Value | undefined => bound.get(n);
    const expectKind = (n: string, v: Value, want: string): never =>
      fail("SF0204", { message: `\`${name}\` expects ${want} for \`${n}\`, found ${describeValue(v)}`, label: `expected ${want}` }, n);
    const asTensor = (n: string, v: Value): TensorType => (v.kind === "tensor" ? v.type : expectKind(n, v, "a tensor"));
    const asDims = (n: string, v: Value): Poly[] => {
      if (v.kind === "dim") return [v.poly];
      if (v.kind === "extent") return [...v.parts];
      if (v.kind === "list") return v.items.flatMap((i) => (i.kind === "dim" ? [i.poly] : expectKind(n, i, "numbers")));
      return expectKind(n, v, "numbers");
    };
    for (const [n, v] of bound) {
      const k = kinds.get(n)!;
      if (k === "tensor") asTensor(n, v);
      if ((k === "int" || k === "number") && v.kind !== "dim") expectKind(n, v, "a number");
      if (k === "bool" && v.kind !== "bool") expectKind(n, v, "true or false");
    }
    return {
      tensor: (n) => asTensor(n, get(n)!),
      tensors: (n) => {
        const v = get(n)!;
        return v.kind === "list" ? v.items.map((i) => asTensor(n, i)) : [asTensor(n, v)];
      },
      has: (n) => bound.has(n) || (defaults.get(n) !== undefined && defaults.get(n) !== "optional"),
      dim: (n) => {
        const v = get(n);
        if (v) return v.kind === "dim" ? v.poly : expectKind(n, v, "a number");
        return defaults.get(n) as Poly;
      },
      bool: (n) => {
        const v = get(n);
        if (v) return v.kind === "bool" ? v.value : expectKind(n, v, "true or false");
        return defaults.get(n) as boolean;
      },
      window: (n) => {
        const v = get(n);
        if (!v) return defaults.get(n) as unknown as readonly [Poly, Poly, Poly];
        const parts = asDims(n, v);
        if (parts.length === 1) return [parts[0]!, parts[0]!, parts[0]!];
        // h×w alone (7², 3×3): time takes the argument's default, 1 for a kernel, 0 for a pad.
        if (parts.length === 2) return [(defaults.get(n) as readonly Poly[] | undefined)?.[0] ?? Poly.ONE, parts[0]!, parts[1]!];
        if (parts.length === 3) return [parts[0]!, parts[1]!, parts[2]!];
        return fail("SF0211", { message: `a window has 3 extents (t×h×w), found ${parts.length}`, label: "write e.g. 3×1² or (3, 1, 1)" }, n);
      },
      list: (n) => asDims(n, get(n)!),
      shape: (n) => {
        const v = get(n)!;
        if (v.kind === "type") return v.type;
        return { layout: "raw", dims: asDims(n, v) };
      },
    };
  }

  /** Integer dimensions: proved, recorded as a requirement (generic), or reported. */
  private requireIntegral(p: Poly, what: string, span: Span, ctx: Ctx): void {
    const decided = this.decideDivides(p, Poly.ONE, ctx);
    if (decided === true) return;
    if (decided === undefined) {
      this.require(ctx, { relation: "divides", dividend: p, divisor: Poly.ONE, what, span });
      return;
    }
    const v = this.evaluate(p, ctx)!;
    // A parameter whose value is the fraction: the fix is a whole value for it.
    const [only] = p.symbols();
    const param = only !== undefined && p.equals(Poly.symbol(only)) ? ctx.symbols.get(only) : undefined;
    const help = param?.value
      ? `give ${param.display} a whole value, e.g. --set ${only}=${v.floor()} (⌊${v}⌋) or --set ${only}=${v.ceil()} (⌈${v}⌉), or write the rounding where it is defined: ⌊…⌋ or ⌈…⌉`
      : `write the rounding you mean: ⌊${p}⌋ = ${v.floor()} or ⌈${p}⌉ = ${v.ceil()}`;
    this.fail("SF0205", span, {
      message: `${what} must be an integer, but ${p} = ${v}`,
      label: `${p} = ${v} is a fraction`,
      related: this.provenance([p], ctx),
      notes: this.callSiteNote(ctx),
      help,
    });
  }

  // -------------------------------------------------------------- blocks

  private instantiate(sig: Signature, args: Map<string, Value>, c: A.CallExpr, ctx: Ctx): Value {
    const decl = sig.entry.decl;
    const callee = c.callee.text;
    const ints = this.ints(ctx);
    const bindings = new Map<string, Poly>();
    const calleeVars = new Map<string, Value>();
    // Scalars first, defaults evaluated in the callee with what is bound so far.
    for (const f of sig.formals) {
      if (f.kind === "tensor") continue;
      let v = args.get(f.name);
      if (!v && f.default) v = this.expr(f.default, { ...ctx, vars: new Map(calleeVars), requirements: ctx.requirements });
      if (!v) continue;
      if (v.kind === "poison") return v;
      if (f.kind === "bool") {
        if (v.kind !== "bool") this.fail("SF0204", v.span, { message: `\`${f.name}\` of \`${callee}\` is a boolean, found ${describeValue(v)}`, label: "expected true or false" });
      } else {
        if (v.kind !== "dim") this.fail("SF0204", v.span, { message: `\`${f.name}\` of \`${callee}\` is a number, found ${describeValue(v)}`, label: "expected a number" });
        if (f.kind === "int") this.requireIntegral(v.poly, `\`${f.name}\` of \`${callee}\``, v.span, ctx);
        bindings.set(f.name, v.poly);
      }
      calleeVars.set(f.name, v);
    }
    // Then dimension variables, solved from the tensor arguments.
    const pending: Array<{ formal: Poly; actual: Poly; span: Span; dimText: string; argSpan: Span; axis: string }> = [];
    for (const f of sig.formals) {
      if (f.kind !== "tensor") continue;
      const v = args.get(f.name)!;
      if (v.kind === "poison") return v;
      if (v.kind !== "tensor") this.fail("SF0204", v.span, { message: `\`${f.name}\` of \`${callee}\` is a tensor, found ${describeValue(v)}`, label: "expected a tensor" });
      if (!f.type) return { kind: "poison", span: c.span };
      calleeVars.set(f.name, v);
      if (v.type.layout !== f.type.layout || v.type.dims.length !== f.type.dims.length)
        this.fail("SF0203", v.span, {
          message: `\`${callee}\` expects ${formatType(f.type)} for \`${f.name}\`, found ${formatType(v.type)}`,
          label: `this is ${formatType(v.type)}`,
          related: [{ span: f.typeExpr!.span, label: "declared here" }],
        });
      f.type.dims.forEach((d, i) =>
        pending.push({ formal: d, actual: v.type.dims[i]!, span: v.span, dimText: d.toString(), argSpan: this.dimExprSpan(f.typeExpr!, i), axis: axisName(f.type!, i) }),
      );
    }
    let progress = true;
    while (pending.length > 0 && progress) {
      progress = false;
      for (let k = 0; k < pending.length; k++) {
        const p = pending[k]!;
        const formal = p.formal.substitute((n) => bindings.get(n), ints);
        const unknown = [...formal.symbols()].filter((n) => sig.dimVars.includes(n) && !bindings.has(n));
        if (unknown.length === 0) {
          this.unifyEqual(formal, p, callee, ctx);
        } else if (unknown.length === 1) {
          const lin = formal.linearIn(unknown[0]!);
          if (!lin) continue;
          bindings.set(unknown[0]!, this.solve(unknown[0]!, lin, p, callee, ctx));
        } else continue;
        pending.splice(k, 1);
        k--;
        progress = true;
      }
    }
    if (pending.length > 0) {
      const p = pending[0]!;
      this.fail("SF0207", p.span, {
        message: `cannot work out the dimension variables of \`${callee}\` from ${p.dimText}`,
        label: `${p.axis} ${p.actual}`,
        related: [{ span: p.argSpan, label: "each dimension needs one unknown, used linearly" }],
      });
    }
    for (const v of sig.dimVars) if (bindings.has(v)) calleeVars.set(v, { kind: "dim", poly: bindings.get(v)!, span: c.span });
    // What the body needs of its arguments, decided here.
    for (const r of sig.requirements) this.checkRequirement(r, bindings, calleeVars, callee, c.span, ctx);
    if (!sig.ok || !sig.resultType) return { kind: "poison", span: c.span };
    const resultType: TensorType = { layout: sig.resultType.layout, dims: sig.resultType.dims.map((d) => d.substitute((n) => bindings.get(n), ints)) };
    if (ctx.mode === "generic" || !this.ir) return { kind: "tensor", type: resultType, ref: undefined, span: c.span };
    // Elaborate the body with the arguments bound.
    const label = c.label?.parts.join(".") ?? decl.name.name;
    const bodyCtx: Ctx = {
      mode: "instance",
      scope: sig.entry.module,
      vars: calleeVars,
      symbols: ctx.symbols,
      requirements: undefined,
      assumptions: [],
      path: [...ctx.path, label],
      pathways: new Set(),
      callSite: ctx.callSite ?? c.span,
      inLateral: ctx.inLateral,
    };
    const returns = this.runBody(decl.body, bodyCtx);
    const out = returns[0]?.value;
    if (!out || out.kind !== "tensor") return { kind: "poison", span: c.span };
    return { kind: "tensor", type: resultType, ref: out.ref, span: c.span };
  }

  private require(ctx: Ctx, r: RequirementBody): void {
    ctx.requirements?.push({ ...r, when: ctx.assumptions });
  }

  /** A callee's requirement at one call: met, carried to a generic caller, or reported. */
  private checkRequirement(r: Requirement, bindings: Map<string, Poly>, calleeVars: Map<string, Value>, callee: string, span: Span, ctx: Ctx): void {
    for (const [name, assumed] of r.when) {
      const v = calleeVars.get(name);
      if (v?.kind === "bool" && v.value !== undefined && v.value !== assumed) return;
    }
    const ints = this.ints(ctx);
    const bind = (p: Poly) => p.substitute((n) => bindings.get(n), ints);
    if (r.relation === "divides") {
      const dividend = bind(r.dividend);
      const divisor = bind(r.divisor);
      const decided = this.decideDivides(dividend, divisor, ctx);
      if (decided === true) return;
      if (decided === undefined) return this.require(ctx, { relation: "divides", dividend, divisor, what: r.what, span });
      const isInteger = r.divisor.constantValue()?.equals(Rational.ONE) ?? false;
      const needs = isInteger ? `${r.dividend} to be an integer` : `${r.dividend} to be a multiple of ${r.divisor}`;
      this.fail("SF0302", span, {
        message: `\`${callee}\` needs ${needs} (${r.what}), but here ${this.show(dividend, ctx)}${isInteger ? "" : ` and ${this.show(divisor, ctx)}`}`,
        label: "requirement not met by this call",
        related: [{ span: r.span, label: `${r.what} needs it` }, ...this.provenance([dividend, divisor], ctx)],
      });
    }
    const lhs = bind(r.lhs);
    const rhs = bind(r.rhs);
    const outcome = this.compareDims(lhs, rhs, ctx);
    if (outcome === "equal") return;
    if (outcome !== "different") {
      for (const o of outcome) this.require(ctx, { relation: "divides", ...o, what: r.what, span });
      return;
    }
    if (ctx.mode === "generic" && lhs.sub(rhs).constantValue() === undefined) return this.require(ctx, { relation: "equal", lhs, rhs, what: r.what, span });
    const assumed = r.when.map(([n, v]) => `${n} = ${v}`).join(", ");
    this.fail("SF0302", span, {
      message: `\`${callee}\` needs ${r.lhs} = ${r.rhs} (${r.what})${assumed ? ` when ${assumed}` : ""}, but here ${this.show(lhs, ctx)} and ${this.show(rhs, ctx)}`,
      label: "requirement not met by this call",
      related: [{ span: r.span, label: `${r.what} needs it` }, ...this.provenance([lhs, rhs], ctx)],
    });
  }

  private unifyEqual(formal: Poly, p: { actual: Poly; span: Span; dimText: string; argSpan: Span; axis: string }, callee: string, ctx: Ctx): void {
    const outcome = this.compareDims(p.actual, formal, ctx);
    if (outcome === "equal") return;
    if (outcome !== "different") {
      for (const o of outcome) this.require(ctx, { relation: "divides", ...o, what: `${p.axis} of the argument`, span: p.span });
      return;
    }
    if (ctx.mode === "generic" && p.actual.sub(formal).constantValue() === undefined) {
      this.require(ctx, { relation: "equal", lhs: p.actual, rhs: formal, what: `${p.axis} of the argument to \`${callee}\``, span: p.span });
      return;
    }
    this.fail("SF0202", p.span, {
      message: `${ctx.inLateral ? "lateral link: " : ""}\`${callee}\` expects ${p.axis} ${p.dimText}, found ${this.show(p.actual, ctx)}`,
      label: `${p.axis} ${this.show(p.actual, ctx)}`,
      related: [{ span: p.argSpan, label: `needs ${this.show(formal, ctx)}` }, ...this.provenance([p.actual], ctx)],
      notes: [`${p.actual} = ${formal} does not hold`],
    });
  }

  /** Solves a·X + b = actual for the dimension variable X; X must be a positive integer. */
  private solve(x: string, lin: { a: Poly; b: Poly }, p: { actual: Poly; span: Span; dimText: string; argSpan: Span; axis: string }, callee: string, ctx: Ctx): Poly {
    const rhs = p.actual.sub(lin.b);
    const exact = rhs.divExact(lin.a);
    const ints = this.ints(ctx);
    if (exact && exact.isIntegral(ints)) return exact;
    const rv = this.evaluate(rhs, ctx);
    const av = this.evaluate(lin.a, ctx);
    if (rv !== undefined && av !== undefined && !av.isZero()) {
      const q = rv.div(av);
      if (q.isInteger() && q.sign() > 0) return exact ?? Poly.constant(q);
      this.notAMultiple(x, lin, p, rv, av, callee, ctx);
    }
    if (exact) {
      this.require(ctx, { relation: "divides", dividend: rhs, divisor: lin.a, what: `${p.axis} ${p.dimText} of the argument to \`${callee}\``, span: p.span });
      return exact;
    }
    this.fail("SF0207", p.span, {
      message: `cannot solve ${p.dimText} = ${p.actual} for ${x}`,
      label: `${p.axis} of the argument`,
      related: [{ span: p.argSpan, label: `\`${callee}\` declares ${p.dimText}` }],
    });
  }

  /** The SF0301 diagnostic: a dimension that must be a multiple is not. */
  private notAMultiple(x: string, lin: { a: Poly; b: Poly }, p: { actual: Poly; span: Span; dimText: string; argSpan: Span; axis: string }, rv: Rational, av: Rational, callee: string, ctx: Ctx): never {
    const who = ctx.inLateral ? "lateral link" : `\`${callee}\``;
    const what = p.axis === "frames" && ctx.inLateral ? `the Fast frames ${p.dimText}` : `${p.axis} ${p.dimText}`;
    const down = rv.div(av).floor() * av.num;
    const up = rv.div(av).ceil() * av.num;
    // A fix is concrete when the size comes straight from one parameter.
    const symbols = [...p.actual.symbols()];
    let help: string | undefined;
    if (av.isInteger() && symbols.length === 1 && p.actual.equals(Poly.symbol(symbols[0]!)) && lin.b.isZero()) {
      const info = ctx.symbols.get(symbols[0]!);
      const candidates = [down, up].filter((v) => v > 0n);
      help = `use ${candidates.map((v) => `${info?.display.replace(/`/g, "") ?? symbols[0]} = ${v}`).join(" or ")}`;
    } else if (av.isInteger()) help = `make ${p.actual} a multiple of ${av} (e.g. ${down > 0n ? down : up})`;
    this.fail("SF0301", ctx.inLateral ?? p.span, {
      message: `${who} needs ${what} to be a multiple of ${lin.a}`,
      label: `${this.show(p.actual, ctx)} is not a multiple of ${this.show(lin.a, ctx)}`,
      related: [...this.provenance([p.actual, lin.a], ctx), { span: p.argSpan, label: `\`${callee}\` takes ${p.dimText} ${p.axis}` }],
      notes: [`${p.dimText} = ${rv} gives ${x} = ${rv.div(av)}, not an integer`],
      help,
    });
  }

  // ----------------------------------------------------------------- types

  /** A written type, evaluated in the current scope. */
  typeFromExpr(t: A.TypeExpr, ctx: Ctx): TensorType | undefined {
    try {
      const dims: Poly[][] = t.dims.map((d) => {
        const v = this.expr(d, ctx);
        if (v.kind === "poison") throw new Abandon();
        if (v.kind === "dim") return [v.poly];
        if (v.kind === "extent") return [...v.parts];
        this.fail("SF0213", d.span, { message: `a dimension must be a number, found ${describeValue(v)}`, label: "here" });
      });
      if (t.form === "raw") {
        if (dims.some((d) => d.length !== 1)) this.fail("SF0213", t.span, { message: "a raw shape lists single dimensions", label: "no extents here" });
        return { layout: "raw", dims: dims.map((d) => d[0]!) };
      }
      if (dims.length === 1 && dims[0]!.length === 1) return { layout: "vector", dims: [dims[0]![0]!] };
      if (dims.length === 3 && dims[0]!.length === 1 && dims[1]!.length === 2 && dims[2]!.length === 1)
        return { layout: "video", dims: [dims[2]![0]!, dims[0]![0]!, dims[1]![0]!, dims[1]![1]!] };
      if (dims.length === 4 && dims.every((d) => d.length === 1)) return { layout: "video", dims: [dims[3]![0]!, dims[0]![0]!, dims[1]![0]!, dims[2]![0]!] };
      this.fail("SF0213", t.span, {
        message: "a type is <C>, <T, S², C>, <T, H×W, C>, <T, H, W, C> or a raw [d0, d1, ...]",
        label: "not one of these forms",
      });
    } catch (e) {
      if (e instanceof Abandon) return undefined;
      throw e;
    }
  }

  /** Entry point for networks: a context whose symbols are the network's parameters. */
  networkContext(scope: ModuleScope, symbols: Map<string, SymbolInfo>, vars: Map<string, Value>): Ctx {
    return { mode: "instance", scope, vars, symbols, requirements: undefined, assumptions: [], path: [], pathways: new Set(), callSite: undefined, inLateral: undefined };
  }

  /** The declared result of a network against what its body returned. */
  checkNetworkResult(v: Value, declared: TensorType, declaredExpr: A.TypeExpr, ctx: Ctx): void {
    this.checkResult(v, declared, declaredExpr, ctx);
  }

  /** For the elaborator: evaluate a parameter's default in a network context. */
  evalParam(e: A.Expr, ctx: Ctx): Value {
    try {
      return this.expr(e, ctx);
    } catch (err) {
      if (err instanceof Abandon) return { kind: "poison", span: e.span };
      throw err;
    }
  }

  /** For the elaborator: run a network body, keeping going after errors. */
  runNetworkBody(body: readonly A.Stmt[], ctx: Ctx): Value[] {
    return this.runBody(body, ctx).map((r) => r.value);
  }
}

