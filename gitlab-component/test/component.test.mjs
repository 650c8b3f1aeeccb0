// templates/keyway.yml as GitLab would expand it (gitlab-ci-local --preview validates against
// GitLab's schema and applies spec:inputs), and the embedded copy of scripts/keyway-exchange.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { embed, extract } from "../tools/sync-script.mjs";
import { writeFileSync } from "node:fs";
import { COMPONENT, pipeline, preview, project } from "./project.mjs";

const SCRIPT = readFileSync(join(COMPONENT, "../scripts/keyway-exchange"), "utf8");

describe("the component", () => {
  it("expands with only the required inputs: job, stage, id_tokens, variables and the dotenv report", async () => {
    const p = project();
    pipeline(p, { url: "https://keyway.example.com", binding: "api-deploy" });
    const r = await preview(p);
    assert.equal(r.code, 0, r.stderr);
    const job = r.config.keyway;
    assert.equal(job.stage, "deploy");
    assert.deepEqual(job.image, { name: "curlimages/curl:8.11.1", entrypoint: [""] });
    assert.deepEqual(job.id_tokens, { KEYWAY_ID_TOKEN: { aud: "$KEYWAY_URL" } });
    assert.deepEqual(job.variables, { GIT_STRATEGY: "none", KEYWAY_URL: "https://keyway.example.com", KEYWAY_BINDING: "api-deploy", KEYWAY_TTL: "", KEYWAY_FORMAT: "env" });
    assert.equal(job.artifacts.reports.dotenv, "keyway.env");
    assert.equal(job.artifacts.access, "developer");
    assert.match(job.script[0], /^set \+x\n/);
    assert.equal(extract(job.script[0]), SCRIPT, "the job runs scripts/keyway-exchange verbatim");
  });

  it("every input lands where it belongs", async () => {
    const p = project();
    pipeline(
      p,
      { url: "https://keyway.example.com/", binding: "prod", audience: "https://aud.example.com", ttl: "10m", format: "aws-credential-process", stage: "release", "job-name": "aws-prod", image: "registry.example.com/tools/curl:1" },
      "stages: [build, release]\n",
    );
    const r = await preview(p);
    assert.equal(r.code, 0, r.stderr);
    const job = r.config["aws-prod"];
    assert.equal(r.config.keyway, undefined);
    assert.equal(job.stage, "release");
    assert.equal(job.image.name, "registry.example.com/tools/curl:1");
    assert.deepEqual(job.id_tokens.KEYWAY_ID_TOKEN, { aud: "https://aud.example.com" });
    assert.equal(job.variables.KEYWAY_TTL, "10m");
    assert.equal(job.variables.KEYWAY_FORMAT, "aws-credential-process");
  });

  for (const missing of ["url", "binding"]) {
    it(`refuses a pipeline without the required input \`${missing}\``, async () => {
      const p = project();
      pipeline(p, { url: "https://keyway.example.com", binding: "api-deploy", [missing]: null });
      const r = await preview(p);
      assert.notEqual(r.code, 0);
      assert.match(r.stdout + r.stderr, new RegExp(`\`${missing}\` input: required value has not been provided`));
    });
  }

  it("refuses a format outside its options", async () => {
    const p = project();
    pipeline(p, { url: "https://keyway.example.com", binding: "api-deploy", format: "yaml" });
    const r = await preview(p);
    assert.notEqual(r.code, 0);
    assert.match(r.stdout + r.stderr, /`format` input: `yaml` cannot be used because it is not in the list of allowed options/);
  });

  it("embeds the current scripts/keyway-exchange (node tools/sync-script.mjs keeps it so)", () => {
    const template = readFileSync(join(COMPONENT, "templates/keyway.yml"), "utf8");
    assert.equal(embed(template, SCRIPT), template);
    assert.notEqual(embed(template, `${SCRIPT}# changed\n`), template, "the check can fail");
  });

  it("the .gitlab-ci.yml in docs/clients.md expands, with the job extended by the consumer", async () => {
    const doc = readFileSync(join(COMPONENT, "../docs/clients.md"), "utf8");
    const example = /```yaml\n(# \.gitlab-ci\.yml\n[\s\S]*?)```/.exec(doc)[1];
    const p = project();
    const published = "$CI_SERVER_FQDN/keyway/keyway-component/keyway@1.0.0";
    assert.ok(example.includes(published));
    writeFileSync(join(p.dir, ".gitlab-ci.yml"), example.replace(published, p.component));
    const r = await preview(p);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.config.keyway.environment, { name: "production", action: "prepare" });
    assert.equal(r.config.keyway.variables.KEYWAY_BINDING, "payments-deploy-prod");
    assert.equal(r.config.keyway.variables.KEYWAY_TTL, "15m");
    assert.ok(r.config.keyway.id_tokens.KEYWAY_ID_TOKEN, "the component's id_tokens survive the override");
    assert.deepEqual(r.config.deploy.needs.map((n) => n.job ?? n), ["test", "keyway"]);
  });
});
