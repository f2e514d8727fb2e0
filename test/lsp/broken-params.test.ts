/**
 * A client that breaks the protocol's parameters: a request is answered with
 * InvalidParams naming the field, a notification is ignored and said so in
 * the log, and the server goes on answering well-formed messages.
 */
import * as path from "node:path";
import { describe, expect, test } from "vitest";
import { ErrorCodes, type LogMessageParams, type ResponseError } from "vscode-languageserver-protocol";
import { checkBeforeDispatch } from "../../lsp/params";
import { fileUri, serverSession, TestClient } from "./client";

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

/** TEXT opened as `name` and checked, with what the server logs from now on. */
async function openLogged(name: string): Promise<{ uri: string; logged: string[] }> {
  const uri = fileUri(path.join(session.dir, name));
  const logged: string[] = [];
  session.client.connection.onNotification("window/logMessage", (p: LogMessageParams) => logged.push(p.message));
  await session.client.open(uri, TEXT);
  await session.client.diagnostics(uri);
  return { uri, logged };
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
    // Parameters the protocol library reads before any handler: InvalidParams, never its TypeError.
    // (This client sends null as [null]; checkBeforeDispatch's own test below takes a bare null.)
    for (const method of ["textDocument/hover", "textDocument/completion", "textDocument/rename", "textDocument/inlayHint"])
      expect((await refusal(method, null)).code).toBe(ErrorCodes.InvalidParams);
    // A `$/` request the server does not implement: MethodNotFound, params or none.
    expect((await refusal("$/unknown", undefined)).code).toBe(ErrorCodes.MethodNotFound);
    // Well-formed requests are answered as before.
    expect(await session.client.hoverAt(uri, TEXT, "x = clip")).toContain("<4, 16², 8>");
  });

  test("a notification: ignored, said so in the log; the document is as it was", async () => {
    const { uri, logged } = await openLogged("m.sf");
    await session.client.connection.sendNotification("textDocument/didChange", { textDocument: { uri, version: 2 }, contentChanges: null });
    expect(await session.client.hoverAt(uri, TEXT, "x = clip")).toContain("<4, 16², 8>");
    expect(logged).toContain("textDocument/didChange: params.contentChanges must be an array; the notification is ignored");
    await session.client.connection.sendNotification("textDocument/didOpen", { textDocument: { uri: 7 } });
    expect(await session.client.hoverAt(uri, TEXT, "x = clip")).toContain("<4, 16², 8>");
    expect(logged).toContain("textDocument/didOpen: params.textDocument.uri must be a string; the notification is ignored");
  });

  test("a $/cancelRequest without an id, and workspace notifications that break the protocol: ignored, said so; the server goes on", async () => {
    const { uri, logged } = await openLogged("c.sf");
    await session.client.connection.sendNotification("$/cancelRequest", {});
    await session.client.connection.sendNotification("workspace/didChangeWatchedFiles", { changes: [{ uri: 5 }] });
    await session.client.connection.sendNotification("workspace/didChangeConfiguration", null);
    expect(await session.client.hoverAt(uri, TEXT, "x = clip")).toContain("<4, 16², 8>");
    expect(logged).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\$\/cancelRequest could not be read \(.+\); it is ignored$/),
        "workspace/didChangeWatchedFiles: params.changes[0].uri must be a string; the notification is ignored",
        "workspace/didChangeConfiguration: params must be an object; the notification is ignored",
      ]),
    );
  });
});

describe("checkBeforeDispatch", () => {
  test("refuses null params and an initialize without capabilities; lets params left out, and `$/` requests, through to the library", () => {
    expect(() => checkBeforeDispatch("textDocument/hover", null)).toThrow("textDocument/hover: params must be an object");
    expect(() => checkBeforeDispatch("initialize", {})).toThrow("initialize: params.capabilities must be an object");
    expect(() => checkBeforeDispatch("initialize", null)).toThrow("initialize: params must be an object");
    for (const [method, params] of [
      ["textDocument/hover", undefined],
      ["shutdown", null],
      ["$/unknown", null],
      ["initialize", { capabilities: {} }],
    ] as const)
      expect(() => checkBeforeDispatch(method, params)).not.toThrow();
  });
});

describe("settings out of range", () => {
  test("a diagnosticsDelay past a minute is ignored: edits are still checked, and no timer overflows", async () => {
    const uri = fileUri(path.join(session.dir, "d.sf"));
    await session.client.open(uri, TEXT);
    await session.client.diagnostics(uri);
    await session.client.connection.sendNotification("workspace/didChangeConfiguration", { settings: { sfc: { diagnosticsDelay: 1e300 } } });
    await session.client.change(uri, TEXT.replace("gap", "gapp"), 2);
    const published = await session.client.diagnostics(uri, (p) => p.version === 2, 5000);
    expect(published.diagnostics.map((d) => d.code)).toEqual(["SF0106"]);
    expect(session.client.stderr).not.toMatch(/TimeoutOverflowWarning/);
  });
});

describe("initialize that breaks the protocol", () => {
  test("is answered with InvalidParams naming the field", async () => {
    const client = await TestClient.connect();
    try {
      const answer = await client
        .request("initialize", { processId: null, capabilities: {}, workspaceFolders: [{ uri: 5 }] })
        .catch((e: ResponseError<unknown>) => e);
      expect(answer).toMatchObject({ code: ErrorCodes.InvalidParams, message: "initialize: params.workspaceFolders[0].uri must be a string" });
      const notAnObject = await client.request("initialize", { processId: null, capabilities: 5 }).catch((e: ResponseError<unknown>) => e);
      expect(notAnObject).toMatchObject({ code: ErrorCodes.InvalidParams, message: "initialize: params.capabilities must be an object" });
      // Read by the protocol library before the server's handler: refused before dispatch.
      const noCapabilities = await client.request("initialize", { processId: null, rootUri: null }).catch((e: ResponseError<unknown>) => e);
      expect(noCapabilities).toMatchObject({ code: ErrorCodes.InvalidParams, message: "initialize: params.capabilities must be an object" });
      // Refused initializes leave the server uninitialized; the one that succeeds is the only one.
      const hover = { textDocument: { uri: "file:///x.sf" }, position: { line: 0, character: 0 } };
      expect(await client.request("textDocument/hover", hover).catch((e: ResponseError<unknown>) => e)).toMatchObject({
        code: ErrorCodes.ServerNotInitialized,
      });
      await client.request("initialize", { processId: null, capabilities: {} });
      expect(await client.request("textDocument/hover", hover)).toBeNull();
      expect(await client.request("initialize", { processId: null, capabilities: {} }).catch((e: ResponseError<unknown>) => e)).toMatchObject({
        code: ErrorCodes.InvalidRequest,
        message: "initialize: the server is initialized already",
      });
    } finally {
      client.kill();
    }
  });
});

describe("requests out of the protocol's order", () => {
  test("before initialize: notifications dropped, requests ServerNotInitialized; after shutdown: InvalidRequest, a second shutdown too", async () => {
    const fresh = await TestClient.connect();
    try {
      // A notification before initialize is dropped: the document it opens is not checked, and nothing is published.
      const uri = fileUri(path.join(session.dir, "early.sf"));
      await fresh.connection.sendNotification("textDocument/didOpen", { textDocument: { uri, languageId: "sf", version: 1, text: TEXT } });
      await fresh.request("initialize", { processId: null, capabilities: {} });
      expect(await fresh.request("textDocument/documentSymbol", { textDocument: { uri } })).toEqual([]);
      await fresh.request("shutdown", undefined);
    } finally {
      fresh.kill();
    }
    const uninitialized = await TestClient.connect();
    try {
      const early = await uninitialized
        .request("textDocument/hover", { textDocument: { uri: "file:///x.sf" }, position: { line: 0, character: 0 } })
        .catch((e: ResponseError<unknown>) => e);
      expect(early).toMatchObject({
        code: ErrorCodes.ServerNotInitialized,
        message: "textDocument/hover: the server is not initialized; send initialize first",
      });
    } finally {
      uninitialized.kill();
    }
    const client = await TestClient.start();
    // A request between shutdown and exit is refused.
    const hoverAfterShutdown = async (): Promise<unknown> =>
      client
        .request("textDocument/hover", { textDocument: { uri: "file:///x.sf" }, position: { line: 0, character: 0 } })
        .catch((e: ResponseError<unknown>) => e);
    await client.request("shutdown", undefined);
    expect(await hoverAfterShutdown()).toMatchObject({
      code: ErrorCodes.InvalidRequest,
      message: "textDocument/hover: the server is shut down; only exit is taken",
    });
    // stop() sends shutdown again: refused as well.
    expect(await client.stop().catch((e: ResponseError<unknown>) => e)).toMatchObject({ code: ErrorCodes.InvalidRequest });
    client.kill();
  });
});
