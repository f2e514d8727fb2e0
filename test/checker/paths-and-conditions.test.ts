/**
 * Paths through a block's body: what an `if` branch needs of the callers
 * applies at the calls that take it, decided with each call's values or
 * carried to a calling block under the same conditions.
 */
import { describe, it } from "vitest";
import { checkSource, expectError, expectNoIssues } from "../support/compiler";

describe("requirements under conditions", () => {
  const TPAD = `
block tpad(x: <T, S², C>, k: int = 3) -> <T, S², C> {
  if k > 2 {
    return x |> conv(out: C, kernel: k×1², pad: (k − 1)/2 × 0²)
  }
  return x |> conv(out: C)
}
`;

  it("apply only where the call takes the branch", () => {
    expectNoIssues(checkSource(`${TPAD}network N(clip: <4, 8², 3>) -> <4, 8², 3> { return clip |> tpad(k: 2) |> tpad(k: 3) |> tpad(k: 5) }`));
    expectError(checkSource(`${TPAD}network N(clip: <4, 8², 3>) -> <4, 8², 3> { return clip |> tpad(k: 4) }`), "SF0302", {
      message: "`tpad` needs (k − 1)/2 to be an integer (temporal pad) when k > 2, but here 3/2",
    });
  });

  it("are carried to a calling block under the condition in its own terms", () => {
    const outer = `${TPAD}block outer(x: <T, S², C>, n: int) -> <T, S², C> { return x |> tpad(k: n + 1) }\n`;
    expectNoIssues(checkSource(`${outer}network N(clip: <4, 8², 3>) -> <4, 8², 3> { return clip |> outer(n: 1) |> outer(n: 2) }`));
    expectError(checkSource(`${outer}network N(clip: <4, 8², 3>) -> <4, 8², 3> { return clip |> outer(n: 3) }`), "SF0302", {
      message: "`outer` needs n/2 to be an integer (temporal pad) when n + 1 > 2, but here 3/2",
    });
  });

  it("on a dimension variable are decided with the call's sizes", () => {
    const maybe = `
block maybe(x: <T, S², C>) -> <T, S², C> {
  if S > 8 {
    return x |> conv(out: C, kernel: 1×3², stride: 1×2², pad: 0×1²) |> upsample(1×2²)
  }
  return x
}
block outer(x: <T, S², C>) -> <T, S², C> { return x |> maybe }
`;
    expectNoIssues(checkSource(`${maybe}network N(clip: <4, 7², 3>) -> <4, 7², 3> { return clip |> maybe |> outer }`));
    expectError(checkSource(`${maybe}network N(clip: <4, 9², 3>) -> <4, 9², 3> { return clip |> outer }`), "SF0302", {
      message: "`outer` needs S to be a multiple of 2 (the declared height S) when S > 8, but here 9 and 2",
    });
  });
});
