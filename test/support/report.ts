/**
 * The report tests' helpers: `.sf` sources written to a folder of the test
 * file's own, removed after it, `sfc info --format json` read back, and the
 * library's own rows (countGraph) to hold the command's against.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, expect } from "vitest";
import { nodeHost } from "../../compiler/host/node";
import { elaborateOnly } from "../../compiler/index";
import { countGraph } from "../../compiler/report/counts";
import { sfc } from "./cli";

/** A function that writes a source into a fresh temporary folder (removed after the file's tests) and gives its path. */
export function sourceWriter(prefix: string): (name: string, text: string) => string {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));
  return (name, text) => {
    const file = path.join(work, name);
    fs.writeFileSync(file, text);
    return file;
  };
}

export interface Figures {
  params: number;
  flops: number;
  activations: number;
}

export interface InfoRow extends Figures {
  name: string;
  stage: string;
  pathway?: string;
  outputs: Record<string, number[]>;
}

export interface InfoJson extends Figures {
  byPathway: Record<string, Figures>;
  rows: InfoRow[];
}

/** `sfc info FILE --format json --depth DEPTH`, which must succeed. */
export async function infoJson(file: string, depth = "stage"): Promise<InfoJson> {
  const r = await sfc("info", file, "--format", "json", "--depth", depth);
  expect(r.code, r.err).toBe(0);
  return JSON.parse(r.out) as InfoJson;
}

/** Each row of countGraph for the file's network: its stage and its parameters. */
export function libraryRows(file: string): Array<[string, number]> {
  const graph = elaborateOnly({ file, host: nodeHost() }).graph!;
  return countGraph(graph).rows.map((row) => [row.stage, row.params]);
}
