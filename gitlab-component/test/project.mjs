// A throwaway GitLab project that includes the component the way the component's own pipeline
// does (`gitlab.com/acme/keyway/keyway@<this commit>`), run through gitlab-ci-local.
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { run } from "../../scripts/test/lib/run.mjs";

export const COMPONENT = join(dirname(fileURLToPath(import.meta.url)), "..");
const GCL = join(COMPONENT, "node_modules/.bin/gitlab-ci-local");

export function project() {
  const dir = mkdtempSync(join(tmpdir(), "keyway-gitlab-"));
  mkdirSync(join(dir, "templates"));
  copyFileSync(join(COMPONENT, "templates/keyway.yml"), join(dir, "templates/keyway.yml"));
  const git = (...args) => execFileSync("git", ["-c", "user.email=ci@keyway.test", "-c", "user.name=ci", "-c", "init.defaultBranch=main", ...args], { cwd: dir, stdio: "pipe" });
  git("init", "-q");
  git("remote", "add", "origin", "git@gitlab.com:acme/keyway.git");
  git("add", "templates");
  git("commit", "-qm", "component");
  git("update-ref", "refs/remotes/origin/main", "HEAD");
  git("symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/main");
  const sha = git("rev-parse", "HEAD").toString().trim();
  return { dir, component: `gitlab.com/acme/keyway/keyway@${sha}` };
}

/** A .gitlab-ci.yml that includes the component with `inputs` (null values are left out). */
export function pipeline(p, inputs, extra = "") {
  const lines = Object.entries(inputs)
    .filter(([, v]) => v !== null)
    .map(([k, v]) => `      ${k}: ${JSON.stringify(v)}`);
  writeFileSync(join(p.dir, ".gitlab-ci.yml"), `include:\n  - component: ${p.component}\n    inputs:\n${lines.join("\n")}\n${extra}`);
}

export function gitlabCiLocal(p, args) {
  return run(GCL, ["--no-color", ...args], { cwd: p.dir, env: { HOME: p.dir } });
}

export async function preview(p) {
  const r = await gitlabCiLocal(p, ["--preview"]);
  return { ...r, config: r.code === 0 ? parse(r.stdout.slice(r.stdout.indexOf("---"))) : undefined };
}

export function file(p, name) {
  return readFileSync(join(p.dir, name), "utf8");
}
