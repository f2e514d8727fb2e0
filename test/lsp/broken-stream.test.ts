/**
 * What the client sends that the server cannot read. A frame without a
 * readable Content-Length leaves no way to find the next message: the server
 * says so and exits 1, so that the editor restarts it, where it used to stay
 * up answering nothing. A body that is not JSON is skipped, and the next
 * message is answered. The input closing ends the server: 0 after a
 * shutdown request, else 1.
 */
import { spawn } from "node:child_process";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./client";

interface Ended {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `sfc lsp --stdio` with `frames` written to it, then its input closed after `closeAfterMs`. */
function serve(frames: string[], closeAfterMs = 1000): Promise<Ended> {
  const server = spawn(process.execPath, [path.join(ROOT, "bin/sfc.js"), "lsp", "--stdio"], { stdio: ["pipe", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  server.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  server.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  for (const frame of frames) server.stdin.write(frame);
  const closing = setTimeout(() => server.stdin.end(), closeAfterMs);
  return new Promise((resolve) =>
    server.once("exit", (code) => {
      clearTimeout(closing);
      resolve({ code, stdout, stderr });
    }),
  );
}

const frame = (body: string): string => `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
const request = (id: number, method: string, params: unknown = {}): string => frame(JSON.stringify({ jsonrpc: "2.0", id, method, params }));

describe("sfc lsp: messages it cannot read", () => {
  it.each([
    ["a Content-Length that is not a number", "Content-Length: abc\r\n\r\n{}", /Content-Length value must be a number/],
    ["no Content-Length", "Content-Type: application/json\r\n\r\n{}", /must provide a Content-Length/],
  ])("%s: says so and exits 1, before its input closes", async (_, broken, why) => {
    const ended = await serve([broken], 20_000);
    expect(ended.code).toBe(1);
    expect(ended.stderr).toMatch(/^sfc lsp: the client's messages cannot be read any more \(/);
    expect(ended.stderr).toMatch(why);
  });

  it("skips a body that is not JSON and answers the next message; exits 0 when the input closes after shutdown", async () => {
    const ended = await serve([frame("{bad"), request(1, "initialize", { processId: null, rootUri: null, capabilities: {} }), request(2, "shutdown")]);
    expect(ended.stdout).toContain('"id":1,"result":{"capabilities"');
    expect(ended.stdout).toContain('"id":2,"result":null');
    expect(ended.code).toBe(0);
  });

  it("exits 1 when the input closes without a shutdown", async () => {
    const ended = await serve([request(1, "initialize", { processId: null, rootUri: null, capabilities: {} })]);
    expect(ended.stdout).toContain('"id":1,"result"');
    expect(ended.code).toBe(1);
  });
});
