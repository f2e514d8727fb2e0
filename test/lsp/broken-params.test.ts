/**
 * A client that breaks the protocol's parameters: a request is answered with
 * InvalidParams naming the field, a notification is ignored and said so in
 * the log, and the server goes on answering well-formed messages.
 */
import * as path from "node:path";
import { describe, expect, test } from "vitest";
import { ErrorCodes, type LogMessageParams, type ResponseError } from "vscode-languageserver-protocol";
import { fileUri, serverSession } from "./client";

const session = serverSession("sfc-lsp-params-");
const TEXT = "network N(clip: <4, 16², 8>) -> <10> {\n  x = clip |> conv(out: 8)\n  return x |> gap |> linear(out: 10)\n}\n";

/** The error a request is answered with. */
async function refusal(method: string, params: unknown): Promise<{ code: number; message: string }> {
  try {
    await session.client.request(method, params);
  } catch (e) {
    const error = e as ResponseError<unknown>;
    return { code: error.code, message: error.message };
  }
  throw new Error(`${method} was answered`);
}

describe("parameters that break the protocol", () => {
  test("a request: InvalidParams, naming the field and what it must be", async () => {
    const uri = fileUri(path.join(session.dir, "n.sf"));
    await session.client.open(uri, TEXT);
    await session.client.diagnostics(uri);
    const textDocument = { uri };
    const position = { line: 1, character: 2 };
    const invalid = (message: string) => ({ code: ErrorCodes.InvalidParams, message });
    expect(await refusal("textDocument/hover", { textDocument })).toEqual(invalid("textDocument/hover: params.position must be an object"));
    expect(await refusal("textDocument/hover", { textDocument: {}, position })).toEqual(
      invalid("textDocument/hover: params.textDocument.uri must be a string"),
    );
    expect(await refusal("textDocument/definition", { textDocument, position: { line: -1, character: 0 } })).toEqual(
      invalid("textDocument/definition: params.position.line must be at least 0"),
    );
    expect(await refusal("textDocument/references", { textDocument, position })).toEqual(invalid("textDocument/references: params.context must be an object"));
    expect(await refusal("textDocument/rename", { textDocument, position, newName: 3 })).toEqual(
      invalid("textDocument/rename: params.newName must be a string"),
    );
    expect(await refusal("textDocument/codeAction", { textDocument, range: { start: position, end: position }, context: { diagnostics: [{}] } })).toEqual(
      invalid("textDocument/codeAction: params.context.diagnostics[0].message must be a string"),
    );
    expect(await refusal("textDocument/inlayHint", { textDocument, range: { start: position } })).toEqual(
      invalid("textDocument/inlayHint: params.range.end must be an object"),
    );
    expect(await refusal("textDocument/documentSymbol", {})).toEqual(invalid("textDocument/documentSymbol: params.textDocument must be an object"));
    // Well-formed requests are answered as before.
    expect(await session.client.hoverAt(uri, TEXT, "x = clip")).toContain("<4, 16², 8>");
  });

  test("a notification: ignored, said so in the log; the document is as it was", async () => {
    const uri = fileUri(path.join(session.dir, "m.sf"));
    const logged: string[] = [];
    session.client.connection.onNotification("window/logMessage", (p: LogMessageParams) => logged.push(p.message));
    await session.client.open(uri, TEXT);
    await session.client.diagnostics(uri);
    await session.client.connection.sendNotification("textDocument/didChange", { textDocument: { uri, version: 2 }, contentChanges: null });
    expect(await session.client.hoverAt(uri, TEXT, "x = clip")).toContain("<4, 16², 8>");
    expect(logged).toContain("textDocument/didChange: params.contentChanges must be an array; the notification is ignored");
    await session.client.connection.sendNotification("textDocument/didOpen", { textDocument: { uri: 7 } });
    expect(await session.client.hoverAt(uri, TEXT, "x = clip")).toContain("<4, 16², 8>");
    expect(logged).toContain("textDocument/didOpen: params.textDocument.uri must be a string; the notification is ignored");
  });
});
