/**
 * A file that open documents import, changed on disk by another program (an
 * editor elsewhere, a checkout): the server asks the client to watch .sf
 * files, and re-checks the documents that read the changed one.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { fileUri, TestClient } from "./client";

let client: TestClient;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-lsp-watch-"));

beforeAll(async () => {
  client = await TestClient.start({ diagnosticsDelay: 0 }, { workspace: { didChangeWatchedFiles: { dynamicRegistration: true } } });
});

afterAll(async () => {
  await client.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const GOOD = "block widen(x: <T, S², C>) -> <T, S², 2C> {\n  return x |> conv(out: 2C)\n}\n";
const WRONG = "block widen(x: <T, S², C>) -> <T, S², 3C> {\n  return x |> conv(out: 3C)\n}\n";
const MAIN = 'import "lib.sf" { widen }\n\nnetwork M(clip: <T, S², 3>, T = 2, S = 8) -> <T, S², 6> {\n  return widen(clip)\n}\n';

test("the server asks to be told of .sf files that change on disk, and checks their importers again", async () => {
  await expect.poll(() => client.serverRequests.map((r) => r.method)).toContain("client/registerCapability");
  const registration = client.serverRequests.find((r) => r.method === "client/registerCapability")!.params as {
    registrations: Array<{ method: string; registerOptions: { watchers: Array<{ globPattern: string }> } }>;
  };
  expect(registration.registrations[0]!.method).toBe("workspace/didChangeWatchedFiles");
  expect(registration.registrations[0]!.registerOptions.watchers).toEqual([{ globPattern: "**/*.sf" }]);

  const lib = path.join(dir, "lib.sf");
  const main = path.join(dir, "main.sf");
  fs.writeFileSync(lib, GOOD);
  fs.writeFileSync(main, MAIN);
  const mainUri = fileUri(main);
  await client.open(mainUri, MAIN);
  expect((await client.diagnostics(mainUri)).diagnostics).toEqual([]);

  // Saved elsewhere: the block now makes 3C channels, which the network's 6 does not take.
  fs.writeFileSync(lib, WRONG);
  client.clearPublished(mainUri);
  await client.connection.sendNotification("workspace/didChangeWatchedFiles", { changes: [{ uri: fileUri(lib), type: 2 }] });
  const after = await client.diagnostics(mainUri, (p) => p.diagnostics.length > 0);
  expect(after.diagnostics.map((d) => d.code)).toContain("SF0201");
});

test("an import of a file not there yet is checked again when the file appears, and when it is deleted and restored", async () => {
  const lib = path.join(dir, "later.sf");
  const main = path.join(dir, "waits.sf");
  const text = MAIN.replace('"lib.sf"', '"later.sf"');
  fs.writeFileSync(main, text);
  const mainUri = fileUri(main);
  await client.open(mainUri, text);
  expect((await client.diagnostics(mainUri)).diagnostics.map((d) => d.code)).toEqual(["SF0103"]);
  // Written by another program (a checkout): the importer is clean once the client says the file was created.
  fs.writeFileSync(lib, GOOD);
  client.clearPublished(mainUri);
  await client.connection.sendNotification("workspace/didChangeWatchedFiles", { changes: [{ uri: fileUri(lib), type: 1 }] });
  expect((await client.diagnostics(mainUri)).diagnostics).toEqual([]);
  // Deleted, then restored.
  fs.rmSync(lib);
  client.clearPublished(mainUri);
  await client.connection.sendNotification("workspace/didChangeWatchedFiles", { changes: [{ uri: fileUri(lib), type: 3 }] });
  expect((await client.diagnostics(mainUri, (p) => p.diagnostics.length > 0)).diagnostics.map((d) => d.code)).toEqual(["SF0103"]);
  fs.writeFileSync(lib, GOOD);
  client.clearPublished(mainUri);
  await client.connection.sendNotification("workspace/didChangeWatchedFiles", { changes: [{ uri: fileUri(lib), type: 1 }] });
  expect((await client.diagnostics(mainUri)).diagnostics).toEqual([]);
});
