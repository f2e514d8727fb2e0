/**
 * The order in which the language server publishes diagnostics
 * (lsp/diagnostics.ts), against a workspace and connection of its own: each
 * document waits its quiet time, due documents are published one per turn of
 * the event loop, a document that fails to check does not stop the others,
 * and requests that wait for documents are let go once they are published.
 */
import { describe, expect, it } from "vitest";
import type { Connection } from "vscode-languageserver";
import { DiagnosticsService } from "../../lsp/diagnostics";
import type { Workspace } from "../../lsp/workspace";

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A workspace of documents named by their URI, logging each check; `failing` ones throw as a checker bug would. */
function setUp(uris: string[], failing: string[] = []) {
  const log: string[] = [];
  const versions = new Map(uris.map((u) => [u, 1]));
  /** Called as each document's diagnostics are sent, before the next one's turn. */
  const hooks: { afterSend?: (uri: string) => void } = {};
  const workspace = {
    document: (uri: string) => (versions.has(uri) ? { uri, path: uri, version: versions.get(uri) } : undefined),
    invalidate: () => [],
    analysis: (uri: string) => {
      log.push(`check ${uri}@${versions.get(uri)}`);
      if (failing.includes(uri)) throw new Error(`checker bug in ${uri}`);
      return { version: versions.get(uri), path: uri, result: { diagnostics: [] } };
    },
    refreshViews: () => false,
  } as unknown as Workspace;
  const connection = {
    sendDiagnostics: (p: { uri: string; version: number }) => {
      log.push(`send ${p.uri}@${p.version}`);
      hooks.afterSend?.(p.uri);
      // Whatever the event loop does next runs before the next document's check, if that has a turn of its own.
      setImmediate(() => log.push("a turn"));
      return Promise.resolve();
    },
    console: { error: (message: string) => log.push(`error ${message.split("\n")[0]}`) },
    languages: { inlayHint: { refresh: () => Promise.resolve() } },
  } as unknown as Connection;
  const service = new DiagnosticsService(connection, workspace, { delayMs: 0 });
  return { log, versions, service, hooks };
}

describe("publishing diagnostics", () => {
  it("publishes due documents in order, one per turn of the event loop", async () => {
    const { log, service } = setUp(["a", "b"]);
    service.schedule("a", 0);
    service.schedule("b", 0);
    await wait(30);
    expect(log).toEqual(["check a@1", "send a@1", "a turn", "check b@1", "send b@1", "a turn"]);
  });

  it("publishes the other documents, and later ones, when one fails to check", async () => {
    const { log, service } = setUp(["bad", "good"], ["bad"]);
    service.schedule("bad", 0);
    service.schedule("good", 0);
    await wait(30);
    expect(log).toContain("error sfc: the diagnostics of bad failed: Error: checker bug in bad");
    expect(log).toContain("send good@1");
    log.length = 0;
    service.schedule("good", 0);
    await wait(30);
    expect(log).toEqual(["check good@1", "send good@1", "a turn"]);
  });

  it("makes a document edited while it waits for its turn wait its quiet time again, and publishes it once", async () => {
    const { log, versions, service, hooks } = setUp(["a", "b"]);
    // After a is published, before b's turn: b is edited.
    hooks.afterSend = (uri) => {
      if (uri !== "a") return;
      versions.set("b", 2);
      service.schedule("b", 20);
    };
    service.schedule("a", 0);
    service.schedule("b", 0);
    await wait(10);
    expect(log).not.toContain("check b@2");
    await wait(60);
    expect(log.filter((l) => l.startsWith("send b"))).toEqual(["send b@2"]);
  });

  it("publishes nothing for a document cancelled while it waits", async () => {
    const { log, service } = setUp(["a"]);
    service.schedule("a", 10);
    service.cancel("a");
    await wait(30);
    expect(log).toEqual([]);
  });

  it("lets a request waiting for documents go once they are published, or at its time limit", async () => {
    const { log, service } = setUp(["a", "b"]);
    service.schedule("a", 0);
    service.schedule("b", 0);
    await service.whenSettled(() => ["a", "b"], 1000);
    expect(log).toContain("send b@1");
    // Nothing pending: at once.
    await service.whenSettled(() => ["a", "b"], 1000);
    service.schedule("a", 10_000);
    const started = Date.now();
    await service.whenSettled(() => ["a"], 20);
    expect(Date.now() - started).toBeLessThan(1000);
    service.cancel("a");
  });
});
