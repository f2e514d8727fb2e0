/** Tests of malformed checkpoints: the CheckpointError reading one must throw (anything else fails the test). */
import { expect } from "vitest";
import { CheckpointError } from "../../compiler/weights/tensor";

/** The message of the CheckpointError that `read` throws. */
export function checkpointErrorOf(read: () => unknown): string {
  try {
    read();
  } catch (e) {
    expect(e, "a CheckpointError, not a crash").toBeInstanceOf(CheckpointError);
    return (e as Error).message;
  }
  throw new Error("expected an error");
}

/** Fails unless `read` throws a CheckpointError whose message matches every fragment. */
export function expectCheckpointError(read: () => unknown, ...fragments: (string | RegExp)[]): void {
  const message = checkpointErrorOf(read);
  for (const fragment of fragments) expect(message).toMatch(fragment);
}
