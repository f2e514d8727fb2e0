/**
 * docs/ci.md works as written: its workflow passes GitHub's workflow schema
 * (@action-validator/core, offline), its sfc commands run against examples/
 * in place of models/, and its pre-commit hook refuses a commit with an
 * error and lets a clean one through.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { validateWorkflow } from "@action-validator/core";
import Ajv from "ajv-draft-04";
import { afterAll, describe, expect, it } from "vitest";
import { sfcIn } from "../support/cli";

const root = path.resolve(__dirname, "../..");
const page = fs.readFileSync(path.join(root, "docs/ci.md"), "utf8");
const blocks = (lang: string): string[] => [...page.matchAll(new RegExp("```" + lang + "\\n([\\s\\S]*?)```", "g"))].map((m) => m[1]!);
const workflow = blocks("yaml")[0]!;
const hook = blocks("sh").find((b) => b.startsWith("#!/bin/sh"))!;
const work = fs.mkdtempSync(path.join(os.tmpdir(), "sfc-ci-doc-"));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** The workflow's `npx sfc ...` commands, with examples/ for models/ and the redirect dropped. */
function workflowCommands(): string[][] {
  return [...workflow.matchAll(/run: npx sfc (.*)$/gm)].map((m) =>
    m[1]!
      .replace(/\s*>.*$/, "")
      .replace("models/", "examples/")
      .split(/\s+/),
  );
}

describe("docs/ci.md", () => {
  it("gives a workflow that GitHub's workflow schema accepts", () => {
    const state = validateWorkflow(workflow);
    expect(state.errors).toEqual([]);
    // The validator can fail: a misspelt key is refused.
    expect(validateWorkflow(workflow.replace("runs-on:", "runs_on:")).errors.length).toBeGreaterThan(0);
  });

  it("annotates and uploads: a github-format check, then SARIF to upload-sarif, both run even after a failure", () => {
    const commands = workflowCommands();
    expect(commands.map((c) => c.slice(c.indexOf("--format"), c.indexOf("--format") + 2))).toEqual([
      ["--format", "github"],
      ["--format", "sarif"],
    ]);
    expect(workflow).toMatch(/uses: github\/codeql-action\/upload-sarif@v3\n\s+with:\n\s+sarif_file: sfc\.sarif/);
    expect(workflow).toMatch(/security-events: write/);
  });

  it("its commands run against examples/: clean, no annotations, a valid SARIF log without results", async () => {
    const [github, sarif] = workflowCommands();
    const annotated = await sfcIn(root, ...github!.slice(0, github!.length));
    expect(annotated.code).toBe(0);
    expect(annotated.out).toBe("");
    const logged = await sfcIn(root, ...sarif!);
    expect(logged.code).toBe(0);
    const log = JSON.parse(logged.out);
    const schema = JSON.parse(fs.readFileSync(path.join(root, "test/render/schemas/sarif-2.1.0-rtm.5.json"), "utf8"));
    const validate = new Ajv({ strict: false, unicodeRegExp: false, validateFormats: false }).compile(schema);
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    expect(log.runs[0].results).toEqual([]);
  });

  it("the same commands annotate an error in a copy of examples/ with one broken file", async () => {
    const models = path.join(work, "models");
    fs.cpSync(path.join(root, "examples"), models, { recursive: true });
    fs.writeFileSync(path.join(models, "broken.sf"), fs.readFileSync(path.join(root, "examples/slowfast_tiny.sf"), "utf8").replace("return", "retrun"));
    const [github] = workflowCommands();
    const r = await sfcIn(root, ...github!.map((a) => (a === "examples/" ? models : a)));
    expect(r.code).toBe(1);
    expect(r.out).toMatch(new RegExp(`^::error file=${models.replace(/[/.]/g, "\\$&")}/broken\\.sf,line=\\d+`, "m"));
  });

  it("its pre-commit hook refuses a staged file with an error and passes a clean one", () => {
    const repo = path.join(work, "repo");
    fs.mkdirSync(path.join(repo, "node_modules/.bin"), { recursive: true });
    // `npx --no-install sfc` finds the project's own bin, as in a project that depends on the package.
    fs.symlinkSync(path.join(root, "bin/sfc.js"), path.join(repo, "node_modules/.bin/sfc"));
    const git = (...args: string[]) =>
      spawnSync("git", args, {
        cwd: repo,
        encoding: "utf8",
        env: { ...process.env, GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@example.com", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@example.com" },
      });
    expect(git("init", "-q").status).toBe(0);
    fs.writeFileSync(path.join(repo, ".git/hooks/pre-commit"), hook, { mode: 0o755 });
    // Names git would quote without -z: a Greek letter, a space, a double quote.
    fs.copyFileSync(path.join(root, "examples/slowfast_tiny.sf"), path.join(repo, "α tiny model.sf"));
    fs.copyFileSync(path.join(root, "examples/custom_block.sf"), path.join(repo, 'a "quoted" name.sf'));
    git("add", ".");
    const clean = git("commit", "-q", "-m", "clean");
    expect(clean.status, clean.stderr).toBe(0);
    // A commit without .sf files runs no check.
    fs.writeFileSync(path.join(repo, "notes.txt"), "no models\n");
    git("add", "notes.txt");
    const other = git("commit", "-q", "-m", "other");
    expect([other.status, other.stderr]).toEqual([0, ""]);
    fs.writeFileSync(path.join(repo, "broken.sf"), "network N(x: <8, 32², 3>) { return y }\n");
    git("add", "broken.sf");
    const broken = git("commit", "-q", "-m", "broken");
    expect(broken.status).not.toBe(0);
    expect(broken.stderr).toMatch(/error\[SF0\d{3}\]/);
  });
});
