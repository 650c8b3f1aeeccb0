// The workflows in docs/clients.md are ones GitHub would accept, and they call this action with
// inputs it declares.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ACTION_DIR } from "./helpers/run-action.js";

const doc = readFileSync(join(ACTION_DIR, "../docs/clients.md"), "utf8");
const workflows = [...doc.matchAll(/```yaml\n(# \.github\/workflows\/[^\n]+\n[\s\S]*?)```/g)].map((m) => m[1]);
const declared = new Set([...readFileSync(join(ACTION_DIR, "action.yml"), "utf8").split(/^outputs:/m)[0].matchAll(/^ {2}([a-z0-9-]+):/gm)].map((m) => m[1]));

describe("docs/clients.md", () => {
  it("has complete workflow files", () => {
    expect(workflows.length).toBeGreaterThanOrEqual(2);
  });

  it("every workflow passes @actions/workflow-parser", () => {
    const dir = mkdtempSync(join(tmpdir(), "keyway-docs-"));
    const files = workflows.map((w, i) => {
      const path = join(dir, `workflow-${i}.yml`);
      writeFileSync(path, w);
      return path;
    });
    const r = spawnSync(process.execPath, [join(ACTION_DIR, "tools/validate-action.js"), "--workflow", ...files], { encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout.match(/valid workflow/g)).toHaveLength(files.length);
  });

  it("the validator catches a broken workflow", () => {
    const dir = mkdtempSync(join(tmpdir(), "keyway-docs-"));
    writeFileSync(join(dir, "bad.yml"), workflows[0].replace("runs-on:", "runs-onn:"));
    const r = spawnSync(process.execPath, [join(ACTION_DIR, "tools/validate-action.js"), "--workflow", join(dir, "bad.yml")], { encoding: "utf8" });
    expect(r.status).toBe(1);
  });

  it("every `with:` of the action in the docs uses declared inputs", () => {
    const used = [];
    for (const m of doc.matchAll(/uses: keyway-dev\/keyway\/gh-action@v1[^\n]*\n((?:\s+(?:with:|[a-z0-9-]+:)[^\n]*\n)+)/g)) {
      const block = m[1];
      const inline = /with: \{([^}]*)\}/.exec(block);
      const keys = inline ? inline[1].split(",").map((kv) => kv.split(":")[0].trim()) : [...block.matchAll(/^\s{10}([a-z0-9-]+):/gm)].map((k) => k[1]);
      used.push(...keys);
    }
    expect(used.length).toBeGreaterThan(10);
    expect(used.filter((k) => !declared.has(k))).toEqual([]);
  });
});
