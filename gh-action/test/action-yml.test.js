// action.yml: valid for GitHub's own parser, and in step with what the code reads and writes.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { plan } from "../src/exports.js";
import { ACTION_DIR } from "./helpers/run-action.js";

const actionYml = readFileSync(join(ACTION_DIR, "action.yml"), "utf8");
const section = (name) => {
  const body = actionYml.split(new RegExp(`^${name}:\\n`, "m"))[1].split(/^\S/m)[0];
  return [...body.matchAll(/^ {2}([a-z0-9-]+):/gm)].map((m) => m[1]);
};
const validate = (file) => spawnSync(process.execPath, [join(ACTION_DIR, "tools/validate-action.js"), file], { encoding: "utf8" });

describe("action.yml", () => {
  it("passes @actions/workflow-parser and runs dist/index.js on node24", () => {
    const r = validate(join(ACTION_DIR, "action.yml"));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain("valid action metadata");
    expect(actionYml).toMatch(/^runs:\n {2}using: node24\n {2}main: dist\/index\.js$/m);
  });

  it("the validator rejects a broken copy (unknown runtime, missing description)", () => {
    const dir = mkdtempSync(join(tmpdir(), "keyway-yml-"));
    const bad = join(dir, "action.yml");
    writeFileSync(bad, actionYml.replace("using: node24", "using: node99").replace(/^description: .*$/m, ""));
    const r = validate(bad);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("Unexpected value 'node99'");
    expect(r.stderr).toContain("Required property is missing: description");
  });

  it("declares exactly the inputs the code reads", () => {
    const src = execFileSync("cat", [join(ACTION_DIR, "src/inputs.js")], { encoding: "utf8" });
    const read = [...src.matchAll(/(?:get|core\.getInput)\("([a-z0-9-]+)"\)/g)].map((m) => m[1]);
    expect(new Set(read)).toEqual(new Set(section("inputs")));
  });

  it("declares every output the code sets, for every grant type", () => {
    const declared = new Set(section("outputs"));
    const dir = mkdtempSync(join(tmpdir(), "keyway-out-"));
    const samples = {
      jwt: { token: "t" },
      aws: { accessKeyId: "a", secretAccessKey: "s", sessionToken: "t", expiration: "e", assumedRoleArn: "r" },
      gcp: { accessToken: "a", subjectToken: "s", audience: "//x" },
      azure: { accessToken: "a", tenantId: "t", clientId: "c" },
      x509: { certificate: "c", chain: [], trustBundle: "b", spiffeId: "spiffe://x/y" },
      ssh: { certificate: "c", principals: ["p"], keyId: "k", serial: "1" },
    };
    const set = new Set(["credential", "credential-file", "kubeconfig"]);
    for (const [type, credentials] of Object.entries(samples)) {
      const p = plan({ binding: "b", type, expiresAt: "x", requestId: "r", credentials }, { export: "env" }, { keyPem: "k", privateKey: "k", publicKey: "p" }, dir);
      for (const name of Object.keys(p.outputs)) set.add(name);
    }
    expect([...set].filter((name) => !declared.has(name))).toEqual([]);
    expect([...declared].filter((name) => !set.has(name))).toEqual([]);
  });
});

describe("dist/", () => {
  it("is what `npm run build` makes from src/ now", () => {
    const r = spawnSync(process.execPath, [join(ACTION_DIR, "tools/check-dist.js")], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain("dist/ is up to date");
  });
});
