/**
 * Renaming a name that other files use, and finding its references, see the
 * files under the workspace folder that are not open: a block's formal passed
 * by name in a closed importer is renamed there too, or that file would no
 * longer compile.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import type { Location, WorkspaceEdit } from "vscode-languageserver-protocol";
import { applyEdits, at, fileUri, TestClient } from "./client";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-lsp-importers-"));
let client: TestClient;

const LIB = "block widen(x: <T, S², C>, k: int = 2) -> <T, S², k·C> {\n  return x |> conv(out: k·C) as conv |> relu\n}\n";
const MAIN =
  'import "./lib.sf" { widen }\n\nnetwork M(clip: <T, S², 3>, T = 4, S = 32, C = 8) -> <T, S², 3C> {\n  return widen(clip |> conv(out: C) as stem, k: 3)\n}\n';
const UNRELATED = "network U(clip: <4, 8², 3>) -> <4, 8², 4> {\n  return clip |> conv(out: 4)\n}\n";

beforeAll(async () => {
  fs.mkdirSync(path.join(dir, "nets"));
  fs.writeFileSync(path.join(dir, "lib.sf"), LIB);
  fs.writeFileSync(path.join(dir, "main.sf"), MAIN);
  fs.writeFileSync(path.join(dir, "nets", "unrelated.sf"), UNRELATED);
  client = await TestClient.start({ diagnosticsDelay: 0 }, {}, fileUri(dir));
});

afterAll(async () => {
  await client.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

test("a formal renamed in an open block file is renamed where a closed file passes it by name", async () => {
  const libUri = fileUri(path.join(dir, "lib.sf"));
  const mainUri = fileUri(path.join(dir, "main.sf"));
  await client.open(libUri, LIB);
  const edit = await client.request<WorkspaceEdit>("textDocument/rename", { textDocument: { uri: libUri }, position: at(LIB, "k: int", 0), newName: "factor" });
  expect(Object.keys(edit.changes ?? {}).sort()).toEqual([libUri, mainUri].sort());
  expect(applyEdits(MAIN, edit, mainUri)).toContain("widen(clip |> conv(out: C) as stem, factor: 3)");
  expect(applyEdits(LIB, edit, libUri)).toContain("factor: int = 2");

  const refs = await client.request<Location[]>("textDocument/references", {
    textDocument: { uri: libUri },
    position: at(LIB, "widen", 0),
    context: { includeDeclaration: false },
  });
  // The import list's `widen` and the call.
  expect(refs.map((r) => [r.uri, r.range.start.line])).toEqual([
    [mainUri, 0],
    [mainUri, 3],
  ]);
});
