/** The message of the CheckpointError that reading a malformed checkpoint must throw (anything else fails the test). */
import { expect } from "vitest";
import { CheckpointError } from "../../compiler/weights/tensor";

export function checkpointErrorOf(read: () => unknown): string {
  try {
    read();
  } catch (e) {
    expect(e, "a CheckpointError, not a crash").toBeInstanceOf(CheckpointError);
    return (e as Error).message;
  }
  throw new Error("expected an error");
}
