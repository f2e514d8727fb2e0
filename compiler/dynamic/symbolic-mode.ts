/**
 * The checker's mode for a network with some parameters left symbolic
 * (--dynamic): like a generic block, whatever the prover cannot decide for
 * every value of them is recorded, not reported; nothing is built. What it
 * records is what the model needs of its inputs at run time.
 */
import type * as A from "../ast";
import type { Assumptions, Ctx, Requirement, RequirementBody } from "../check/context";
import type { Mode } from "../check/mode";
import type { OpArgs, OpName } from "../ops";
import type { Span } from "../span";
import type { TensorType } from "../types";
import type { Value } from "../values";

export class SymbolicNetworkMode implements Mode {
  readonly kind = "generic";
  readonly requirements: Requirement[] = [];

  require(r: RequirementBody, when: Assumptions): void {
    this.requirements.push({ ...r, when });
  }

  graphInput(c: A.CallExpr, _piped: boolean, typeOf: (e: A.Expr) => TensorType | undefined): Value {
    const arg = c.args?.[0];
    const type = arg ? typeOf(arg.value) : undefined;
    return type ? { kind: "tensor", type, ref: undefined, span: c.span } : { kind: "poison", span: c.span };
  }

  opResult(_op: OpName, _args: OpArgs, _bound: unknown, type: TensorType, at: { span: Span }): Value {
    return { kind: "tensor", type, ref: undefined, span: at.span };
  }

  blockBody(): undefined {
    return undefined;
  }

  beginStage(_path: readonly string[], _ctx: Ctx): void {}

  endStage(): void {}
}
