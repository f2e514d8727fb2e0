/**
 * An editor's side of the protocol for tests: starts the real server process
 * (`sfc lsp --stdio`) and speaks LSP to it over its standard input and output.
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, expect } from "vitest";
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  PublishDiagnosticsNotification,
  type MessageConnection,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type InitializeResult,
  type Hover,
  type Position,
  type WorkspaceEdit,
} from "vscode-languageserver-protocol/node";

export const ROOT = path.resolve(__dirname, "../..");
export const fileUri = (p: string): string => pathToFileURL(p).href;

/** The position of `needle` (its first occurrence) plus `shift` characters. */
export function at(text: string, needle: string, shift = 0): Position {
  const lines = text.split("\n");
  for (let line = 0; line < lines.length; line++) {
    const k = lines[line]!.indexOf(needle);
    if (k >= 0) return { line, character: k + shift };
  }
  throw new Error(`no ${needle} in the text`);
}

/** A hover's markdown, failing when there is none. */
export function hoverText(h: Hover | null): string {
  if (h === null) throw new Error("no hover");
  const c = h.contents;
  return typeof c === "string" ? c : "value" in c ? c.value : JSON.stringify(c);
}

/** Applies a rename's edits for one file to its text, last edit first. */
export function applyEdits(text: string, edit: WorkspaceEdit, uri: string): string {
  // Lines as LSP counts them: ended by \n, \r\n or a lone \r.
  const starts = [0, ...[...text.matchAll(/\r\n|\r|\n/g)].map((m) => m.index + m[0].length)];
  const offset = (p: Position): number => (starts[p.line] ?? text.length) + p.character;
  const edits = [...(edit.changes?.[uri] ?? [])].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  let out = text;
  for (const e of edits) out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
  return out;
}

export class TestClient {
  readonly connection: ProtocolConnection;
  private readonly process: ChildProcess;
  private readonly published = new Map<string, PublishDiagnosticsParams[]>();
  private readonly waiters: Array<{ uri: string; test: (p: PublishDiagnosticsParams) => boolean; resolve: (p: PublishDiagnosticsParams) => void }> = [];
  stderr = "";
  capabilities: InitializeResult["capabilities"] | undefined;

  private constructor() {
    this.process = spawn(process.execPath, [path.join(ROOT, "bin/sfc.js"), "lsp", "--stdio"], { stdio: ["pipe", "pipe", "pipe"] });
    this.process.stderr!.on("data", (d: Buffer) => (this.stderr += d.toString()));
    this.connection = createProtocolConnection(new StreamMessageReader(this.process.stdout!), new StreamMessageWriter(this.process.stdin!));
    this.connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
      const list = this.published.get(p.uri) ?? [];
      list.push(p);
      this.published.set(p.uri, list);
      for (let k = 0; k < this.waiters.length; k++) {
        const w = this.waiters[k]!;
        if (w.uri === p.uri && w.test(p)) {
          this.waiters.splice(k--, 1);
          w.resolve(p);
        }
      }
    });
    this.connection.listen();
  }

  /** Requests the server made of the client (client/registerCapability), with their parameters. */
  readonly serverRequests: Array<{ method: string; params: unknown }> = [];

  /** A client of a fresh server that nothing has initialized yet: for tests of \`initialize\` itself. End it with kill(). */
  static async connect(): Promise<TestClient> {
    return new TestClient();
  }

  /** Ends the server at once, without the protocol's shutdown. */
  kill(): void {
    this.connection.dispose();
    this.process.kill();
  }

  static async start(initializationOptions?: unknown, capabilities: object = {}, rootUri: string = fileUri(ROOT)): Promise<TestClient> {
    const client = new TestClient();
    // Every request the server makes: the connection takes a handler for all methods, which its protocol typing leaves out.
    (client.connection as unknown as MessageConnection).onRequest((method, params) => {
      client.serverRequests.push({ method, params });
      return null;
    });
    const result = await client.connection.sendRequest("initialize", {
      processId: process.pid,
      rootUri,
      capabilities,
      initializationOptions,
    });
    client.capabilities = (result as InitializeResult).capabilities;
    await client.connection.sendNotification("initialized", {});
    return client;
  }

  open(uri: string, text: string, version = 1): Promise<void> {
    return this.connection.sendNotification("textDocument/didOpen", { textDocument: { uri, languageId: "sf", version, text } });
  }

  /** Replaces the whole text (a full-document change). */
  change(uri: string, text: string, version: number): Promise<void> {
    return this.connection.sendNotification("textDocument/didChange", { textDocument: { uri, version }, contentChanges: [{ text }] });
  }

  /** The next diagnostics published for `uri` that pass `test` (already published ones count). */
  diagnostics(uri: string, test: (p: PublishDiagnosticsParams) => boolean = () => true, timeoutMs = 20_000): Promise<PublishDiagnosticsParams> {
    const done = (this.published.get(uri) ?? []).find(test);
    if (done) return Promise.resolve(done);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no diagnostics for ${uri} in ${timeoutMs} ms; stderr: ${this.stderr}`)), timeoutMs);
      this.waiters.push({ uri, test, resolve: (p) => (clearTimeout(timer), resolve(p)) });
    });
  }

  /** Forgets what was published, so that the next wait sees only new notifications. */
  clearPublished(uri: string): void {
    this.published.delete(uri);
  }

  /** The hover's text at `shift` characters into the first `needle` of `text` (the document at `uri`). */
  async hoverAt(uri: string, text: string, needle: string, shift = 0): Promise<string> {
    return hoverText(await this.request<Hover | null>("textDocument/hover", { textDocument: { uri }, position: at(text, needle, shift) }));
  }

  request<R>(method: string, params: unknown): Promise<R> {
    return this.connection.sendRequest(method, params) as Promise<R>;
  }

  async stop(): Promise<number | null> {
    const exited = new Promise<number | null>((resolve) => this.process.once("exit", (code) => resolve(code)));
    await this.connection.sendRequest("shutdown");
    await this.connection.sendNotification("exit");
    const code = await exited;
    this.connection.dispose();
    return code;
  }
}

/**
 * Opens `lines` (each ended by a newline) as the unsaved buffer `name` in the
 * session's folder, and waits for its first diagnostics.
 */
export async function openBuffer(
  session: { readonly client: TestClient; readonly dir: string },
  name: string,
  lines: readonly string[],
): Promise<{ uri: string; text: string; published: PublishDiagnosticsParams }> {
  const uri = fileUri(path.join(session.dir, name));
  const text = [...lines, ""].join("\n");
  await session.client.open(uri, text);
  return { uri, text, published: await session.client.diagnostics(uri) };
}

/**
 * For a test file: a server started before its tests and stopped after them
 * (it must exit 0), and a scratch folder (named from `prefix`) removed after
 * them. Read `session.client` and `session.dir` inside the tests.
 */
export function serverSession(prefix: string): { readonly client: TestClient; readonly dir: string } {
  const session = {} as { client: TestClient; dir: string };
  beforeAll(async () => {
    session.dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    session.client = await TestClient.start();
  });
  afterAll(async () => {
    expect(await session.client.stop()).toBe(0);
    fs.rmSync(session.dir, { recursive: true, force: true });
  });
  return session;
}
