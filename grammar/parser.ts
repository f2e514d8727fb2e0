/**
 * The .sf grammar as a chevrotain CST parser with error recovery on, so that
 * one run reports every syntax error. The CST is turned into the typed AST in
 * compiler/ast-builder.ts; nothing here knows what a name means.
 */
import { chevrotain, type CstNode, type IToken, type IRecognitionException } from "./chevrotain";
import * as T from "./lexer";

export class SfParser extends chevrotain.CstParser {
  /**
   * chevrotain's grammar validations (ambiguities, left recursion) cost every
   * start-up a large share of its time and can only fail when the grammar
   * changes, so the parser every command uses skips them and
   * test/grammar/validations.test.ts runs them.
   */
  constructor(options: { validate?: boolean } = {}) {
    super(T.allTokens, { recoveryEnabled: true, maxLookahead: 3, nodeLocationTracking: "full", skipValidations: !(options.validate ?? false) });
    this.performSelfAnalysis();
  }

  /** True when the next token touches the previous one: 2βC is a product, "2 βC" is not. */
  private adjacent(): boolean {
    const prev = this.LA(0);
    const next = this.LA(1);
    return prev.endOffset !== undefined && next.startOffset === prev.endOffset + 1;
  }

  file = this.RULE("file", () => {
    this.MANY(() =>
      this.OR([
        { ALT: () => this.SUBRULE(this.importDecl) },
        { ALT: () => this.SUBRULE(this.paramDecl) },
        { GATE: () => this.LA(3).tokenType === T.Equals, ALT: () => this.SUBRULE(this.networkAlias) },
        { ALT: () => this.SUBRULE(this.blockDecl) },
        { ALT: () => this.SUBRULE(this.namesDecl) },
      ]),
    );
  });

  importDecl = this.RULE("importDecl", () => {
    this.CONSUME(T.Import);
    this.OR([
      { ALT: () => this.CONSUME(T.StringLiteral) },
      {
        ALT: () => {
          this.CONSUME(T.AnyWord, { LABEL: "path" });
          this.MANY(() => {
            this.CONSUME(T.Dot);
            this.CONSUME2(T.AnyWord, { LABEL: "path" });
          });
        },
      },
    ]);
    this.OPTION(() => {
      this.CONSUME(T.LCurly);
      this.MANY_SEP({ SEP: T.Comma, DEF: () => this.CONSUME3(T.Identifier, { LABEL: "imported" }) });
      this.CONSUME(T.RCurly);
    });
    this.OPTION2(() => this.CONSUME(T.Semicolon));
  });

  paramDecl = this.RULE("paramDecl", () => {
    this.CONSUME(T.Param);
    this.CONSUME(T.Identifier, { LABEL: "name" });
    this.OPTION(() => {
      this.CONSUME(T.Colon);
      this.CONSUME2(T.Identifier, { LABEL: "sort" });
    });
    this.CONSUME(T.Equals);
    this.SUBRULE(this.expr);
    this.OPTION2(() => this.CONSUME(T.Semicolon));
  });

  blockDecl = this.RULE("blockDecl", () => {
    this.OR([{ ALT: () => this.CONSUME(T.Block) }, { ALT: () => this.CONSUME(T.Network) }]);
    this.CONSUME(T.Identifier, { LABEL: "name" });
    this.CONSUME(T.LParen);
    this.MANY_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.formal) });
    this.CONSUME(T.RParen);
    this.CONSUME(T.Arrow);
    this.SUBRULE(this.typeExpr, { LABEL: "result" });
    this.SUBRULE(this.body);
  });

  /** network SlowFast_8x8_R50 = SlowFast_4x16_R50(T: 8, α: 4, K: 7) */
  networkAlias = this.RULE("networkAlias", () => {
    this.CONSUME(T.Network);
    this.CONSUME(T.Identifier, { LABEL: "name" });
    this.CONSUME(T.Equals);
    this.CONSUME2(T.Identifier, { LABEL: "target" });
    this.SUBRULE(this.argList);
  });

  formal = this.RULE("formal", () => {
    this.CONSUME(T.Identifier, { LABEL: "name" });
    this.OPTION(() => {
      this.CONSUME(T.Colon);
      this.OR([
        { ALT: () => this.SUBRULE(this.typeExpr) },
        {
          // A sort (k: int), a block-valued parameter (transform: block | "none"), a choice of
          // words (lateral: "tconv" | "t2c") or of numbers (fast_scale: 1 | 1/2). Parsed as one
          // union of any of them, so that a mixture (int | block) is one clear error from the
          // AST builder rather than a syntax error whose recovery misreads the rest of the file.
          ALT: () =>
            this.AT_LEAST_ONE_SEP({
              SEP: T.Bar,
              DEF: () =>
                this.OR2([
                  { ALT: () => this.CONSUME2(T.Identifier, { LABEL: "sort" }) },
                  { ALT: () => this.CONSUME(T.Block, { LABEL: "blockSort" }) },
                  { ALT: () => this.CONSUME(T.StringLiteral, { LABEL: "choices" }) },
                  { ALT: () => this.SUBRULE(this.numberChoice, { LABEL: "numberChoices" }) },
                ]),
            }),
        },
      ]);
    });
    this.OPTION2(() => {
      this.CONSUME(T.Equals);
      this.SUBRULE(this.expr, { LABEL: "default" });
    });
  });

  /** One number of a numeric choice: 1, 0.5, 1/2. */
  numberChoice = this.RULE("numberChoice", () => {
    this.OPTION2(() => this.CONSUME(T.Minus, { LABEL: "sign" }));
    this.CONSUME(T.NumberLiteral, { LABEL: "numerator" });
    this.OPTION(() => {
      this.CONSUME(T.Slash);
      this.CONSUME2(T.NumberLiteral, { LABEL: "denominator" });
    });
  });

  /** <T, S², C>, <T, H×W, C>, <T, H, W, C>, <C>, or [d0, d1, ...] in ONNX order. */
  typeExpr = this.RULE("typeExpr", () => {
    this.OR([{ ALT: () => this.SUBRULE(this.angleType) }, { ALT: () => this.SUBRULE(this.rawType) }]);
  });

  angleType = this.RULE("angleType", () => {
    this.CONSUME(T.LAngle);
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.dimExtent, { LABEL: "dims" }) });
    this.CONSUME(T.RAngle);
  });

  rawType = this.RULE("rawType", () => {
    this.CONSUME(T.LSquare);
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.additive, { LABEL: "dims" }) });
    this.CONSUME(T.RSquare);
  });

  namesDecl = this.RULE("namesDecl", () => {
    this.CONSUME(T.Names);
    this.CONSUME(T.Identifier, { LABEL: "name" });
    this.CONSUME(T.LCurly);
    this.MANY(() => {
      this.CONSUME(T.StringLiteral, { LABEL: "from" });
      this.CONSUME(T.Arrow);
      this.CONSUME2(T.StringLiteral, { LABEL: "to" });
      this.OPTION(() => this.CONSUME(T.Semicolon));
    });
    this.CONSUME(T.RCurly);
  });

  body = this.RULE("body", () => {
    this.CONSUME(T.LCurly);
    this.MANY(() => this.SUBRULE(this.statement));
    this.CONSUME(T.RCurly);
  });

  statement = this.RULE("statement", () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.returnStmt) },
      { ALT: () => this.SUBRULE(this.lateralStmt) },
      { ALT: () => this.SUBRULE(this.stageStmt) },
      { ALT: () => this.SUBRULE(this.pathwayStmt) },
      { ALT: () => this.SUBRULE(this.ifStmt) },
      { ALT: () => this.SUBRULE(this.assignStmt) },
    ]);
    this.OPTION(() => this.CONSUME(T.Semicolon));
  });

  returnStmt = this.RULE("returnStmt", () => {
    this.CONSUME(T.Return);
    this.SUBRULE(this.expr);
  });

  /** lateral fast -> slow: tconv(α: α) |> ... fuse concat */
  lateralStmt = this.RULE("lateralStmt", () => {
    this.CONSUME(T.Lateral);
    this.CONSUME(T.Identifier, { LABEL: "source" });
    this.CONSUME(T.Arrow);
    this.CONSUME2(T.Identifier, { LABEL: "target" });
    this.CONSUME(T.Colon);
    this.SUBRULE(this.pipeTarget, { LABEL: "transform" });
    // lateral fast -> slow: tconv(α: α) |> upsample(1×2²): a pipe as the transform
    this.MANY(() => {
      this.CONSUME(T.PipeOp);
      this.SUBRULE2(this.pipeTarget, { LABEL: "then" });
    });
    this.OPTION(() => {
      this.CONSUME(T.Fuse);
      this.CONSUME3(T.Identifier, { LABEL: "fusion" });
    });
  });

  stageStmt = this.RULE("stageStmt", () => {
    this.CONSUME(T.Stage);
    this.CONSUME(T.Identifier, { LABEL: "name" });
    this.SUBRULE(this.body);
  });

  pathwayStmt = this.RULE("pathwayStmt", () => {
    this.CONSUME(T.Pathway);
    this.CONSUME(T.Identifier, { LABEL: "name" });
    this.CONSUME(T.Equals);
    this.SUBRULE(this.expr);
  });

  ifStmt = this.RULE("ifStmt", () => {
    this.CONSUME(T.If);
    this.SUBRULE(this.expr, { LABEL: "condition" });
    this.SUBRULE(this.body, { LABEL: "then" });
    this.OPTION(() => {
      this.CONSUME(T.Else);
      this.OR([{ ALT: () => this.SUBRULE(this.ifStmt, { LABEL: "elseIf" }) }, { ALT: () => this.SUBRULE2(this.body, { LABEL: "otherwise" }) }]);
    });
  });

  assignStmt = this.RULE("assignStmt", () => {
    this.CONSUME(T.Identifier, { LABEL: "target" });
    this.CONSUME(T.Equals);
    this.SUBRULE(this.expr);
  });

  // Expressions, loosest first: pipe, conditional, extent (×), comparison,
  // sum, product (explicit or by adjacency), unary minus, postfix ², primary.

  expr = this.RULE("expr", () => {
    this.SUBRULE(this.conditional, { LABEL: "head" });
    this.MANY(() => {
      this.CONSUME(T.PipeOp);
      this.SUBRULE(this.pipeTarget, { LABEL: "stages" });
    });
  });

  /** What follows |>: an op or block, with or without arguments, or a repeat. */
  pipeTarget = this.RULE("pipeTarget", () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.repeatExpr) },
      {
        ALT: () => {
          this.CONSUME(T.Identifier, { LABEL: "callee" });
          this.OPTION(() => this.SUBRULE(this.argList));
          this.OPTION2(() => this.SUBRULE(this.label));
        },
      },
    ]);
  });

  label = this.RULE("label", () => {
    this.CONSUME(T.As);
    this.AT_LEAST_ONE_SEP({ SEP: T.Dot, DEF: () => this.CONSUME(T.AnyWord, { LABEL: "parts" }) });
  });

  /** repeat 6 bottleneck(inner: 4C, kt: i < 6 ? 3 : 1) first (stride: 2) as res */
  repeatExpr = this.RULE("repeatExpr", () => {
    this.CONSUME(T.Repeat);
    this.SUBRULE(this.postfix, { LABEL: "count" });
    this.CONSUME(T.Identifier, { LABEL: "callee" });
    this.SUBRULE(this.argList, { LABEL: "args" });
    this.OPTION(() => {
      this.CONSUME(T.First);
      this.SUBRULE2(this.argList, { LABEL: "firstArgs" });
    });
    this.OPTION2(() => this.SUBRULE(this.label));
    // then nonlocal(...) as nonlocal when (i + 1) % 7 == 0: a second block after chosen repetitions
    this.OPTION3(() => {
      this.CONSUME(T.Then);
      this.CONSUME2(T.Identifier, { LABEL: "thenCallee" });
      this.OPTION4(() => this.SUBRULE3(this.argList, { LABEL: "thenArgs" }));
      this.OPTION5(() => this.SUBRULE2(this.label, { LABEL: "thenLabel" }));
      this.OPTION6(() => {
        this.CONSUME(T.When);
        this.SUBRULE(this.conditional, { LABEL: "when" });
      });
    });
  });

  argList = this.RULE("argList", () => {
    this.CONSUME(T.LParen);
    this.MANY_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.argument) });
    this.CONSUME(T.RParen);
  });

  argument = this.RULE("argument", () => {
    this.OPTION({
      GATE: () => this.LA(2).tokenType === T.Colon,
      DEF: () => {
        this.CONSUME(T.Identifier, { LABEL: "name" });
        this.CONSUME(T.Colon);
      },
    });
    this.SUBRULE(this.expr);
  });

  conditional = this.RULE("conditional", () => {
    this.SUBRULE(this.extent, { LABEL: "test" });
    this.OPTION(() => {
      this.CONSUME(T.Question);
      this.SUBRULE(this.conditional, { LABEL: "then" });
      this.CONSUME(T.Colon);
      this.SUBRULE2(this.conditional, { LABEL: "otherwise" });
    });
  });

  /** 5×1², H×W: extents of a window or a spatial size, not products. */
  extent = this.RULE("extent", () => {
    this.SUBRULE(this.comparison, { LABEL: "parts" });
    this.MANY(() => {
      this.CONSUME(T.Times);
      this.SUBRULE2(this.comparison, { LABEL: "parts" });
    });
  });

  /** Extents inside <...>, where '>' closes the type rather than compares. */
  dimExtent = this.RULE("dimExtent", () => {
    this.SUBRULE(this.additive, { LABEL: "parts" });
    this.MANY(() => {
      this.CONSUME(T.Times);
      this.SUBRULE2(this.additive, { LABEL: "parts" });
    });
  });

  comparison = this.RULE("comparison", () => {
    this.SUBRULE(this.additive, { LABEL: "lhs" });
    this.OPTION(() => {
      this.OR([
        { ALT: () => this.CONSUME(T.EqEq, { LABEL: "op" }) },
        { ALT: () => this.CONSUME(T.NotEq, { LABEL: "op" }) },
        { ALT: () => this.CONSUME(T.LessEq, { LABEL: "op" }) },
        { ALT: () => this.CONSUME(T.GreaterEq, { LABEL: "op" }) },
        { ALT: () => this.CONSUME(T.LAngle, { LABEL: "op" }) },
        { ALT: () => this.CONSUME(T.RAngle, { LABEL: "op" }) },
      ]);
      this.SUBRULE2(this.additive, { LABEL: "rhs" });
    });
  });

  additive = this.RULE("additive", () => {
    this.SUBRULE(this.multiplicative, { LABEL: "operands" });
    this.MANY(() => {
      this.OR([{ ALT: () => this.CONSUME(T.Plus, { LABEL: "ops" }) }, { ALT: () => this.CONSUME(T.Minus, { LABEL: "ops" }) }]);
      this.SUBRULE2(this.multiplicative, { LABEL: "operands" });
    });
  });

  multiplicative = this.RULE("multiplicative", () => {
    this.SUBRULE(this.unary, { LABEL: "operands" });
    this.MANY({
      // The gate sits on the loop: chevrotain's lookahead ignores gates inside an OR.
      GATE: () => this.continuesProduct(),
      DEF: () =>
        this.OR([
          {
            ALT: () => {
              this.OR2([
                { ALT: () => this.CONSUME(T.Star, { LABEL: "ops" }) },
                { ALT: () => this.CONSUME(T.Slash, { LABEL: "ops" }) },
                { ALT: () => this.CONSUME(T.Percent, { LABEL: "ops" }) },
              ]);
              this.SUBRULE2(this.unary, { LABEL: "operands" });
            },
          },
          // Juxtaposition: αT, 2βC, 2(S + 1). Only without a space between.
          { ALT: () => this.SUBRULE3(this.postfix, { LABEL: "operands" }) },
        ]),
    });
  });

  private continuesProduct(): boolean {
    const next = this.LA(1).tokenType;
    if (next === T.Star || next === T.Slash || next === T.Percent) return true;
    const juxtaposable =
      next === T.NumberLiteral || next === T.LParen || next === T.LFloor || next === T.LCeil || this.LA(1).tokenType === T.GreekName || next === T.Identifier;
    return juxtaposable && this.adjacent();
  }

  unary = this.RULE("unary", () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Minus);
          this.SUBRULE(this.unary, { LABEL: "negated" });
        },
      },
      { ALT: () => this.SUBRULE(this.postfix) },
    ]);
  });

  postfix = this.RULE("postfix", () => {
    this.SUBRULE(this.primary);
    this.OPTION(() => this.CONSUME(T.Squared));
  });

  primary = this.RULE("primary", () => {
    this.OR([
      { ALT: () => this.CONSUME(T.NumberLiteral) },
      { ALT: () => this.CONSUME(T.StringLiteral) },
      { ALT: () => this.CONSUME(T.True) },
      { ALT: () => this.CONSUME(T.False) },
      { ALT: () => this.SUBRULE(this.repeatExpr) },
      {
        ALT: () => {
          this.CONSUME(T.Identifier);
          this.OPTION(() => {
            this.SUBRULE(this.argList);
            this.OPTION2(() => this.SUBRULE(this.label));
          });
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.LParen);
          this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.expr, { LABEL: "items" }) });
          this.CONSUME(T.RParen);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.LSquare);
          this.MANY_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE2(this.expr, { LABEL: "listItems" }) });
          this.CONSUME(T.RSquare);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.LFloor);
          this.SUBRULE3(this.expr, { LABEL: "floorOf" });
          this.CONSUME(T.RFloor);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.LCeil);
          this.SUBRULE4(this.expr, { LABEL: "ceilOf" });
          this.CONSUME(T.RCeil);
        },
      },
      { ALT: () => this.SUBRULE(this.angleType, { LABEL: "typeLiteral" }) },
    ]);
  });
}

let shipped: SfParser | undefined;

/** The parser, built on first use (its grammar analysis takes a start-up's worth of time; see sfLexer). */
export function sfParser(): SfParser {
  shipped ??= new SfParser();
  return shipped;
}

export interface ParseOutput {
  readonly cst: CstNode | undefined;
  readonly lexErrors: ReadonlyArray<{ offset: number; line: number | undefined; column: number | undefined; length: number; message: string }>;
  readonly parseErrors: readonly IRecognitionException[];
  readonly tokens: readonly IToken[];
}
