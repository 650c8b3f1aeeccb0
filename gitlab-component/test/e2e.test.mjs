// The component's job run by gitlab-ci-local (shell executor) against the real broker jar, with a
// trusted token in the id_tokens variable, and a later job that uses what it exported.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { DEPLOY_CLAIMS, jwtPayload, startBroker } from "../../scripts/test/lib/broker.mjs";
import { verifyWithBroker } from "../../scripts/test/lib/jwks.mjs";
import { file, gitlabCiLocal, pipeline, project } from "./project.mjs";

let broker;
before(async () => {
  broker = await startBroker();
});
after(async () => {
  await broker?.stop();
});

const USE_JOB = `stages: [deploy, use]
use:
  stage: use
  needs: [keyway]
  script:
    - echo "minted=$KEYWAY_TOKEN"
    - echo "expires=$KEYWAY_EXPIRES_AT"
    - echo "credential-file=$KEYWAY_CREDENTIAL_FILE"
    - if [ -n "$KEYWAY_CREDENTIAL_FILE" ]; then echo "kind=$(grep -o '"kind":"[A-Za-z]*"' "$KEYWAY_CREDENTIAL_FILE")"; fi
`;

const jobLines = (out, job) => out.split("\n").filter((l) => l.startsWith(`${job} `)).join("\n");
const field = (out, name) => (new RegExp(`^use +> ${name}=(.*)$`, "m").exec(out) ?? [])[1];

async function runPipeline(inputs, idToken) {
  const p = project();
  pipeline(p, { url: broker.url, ...inputs }, USE_JOB);
  const r = await gitlabCiLocal(p, ["--force-shell-executor", "--variable", `KEYWAY_ID_TOKEN=${idToken}`]);
  return { ...r, p };
}

describe("the component's job against the real broker", () => {
  it("format env: a later job gets a verified KEYWAY_TOKEN through the dotenv report; the job log shows no secret", async () => {
    const idToken = await broker.mintWithJar(DEPLOY_CLAIMS);
    const r = await runPipeline({ binding: "demo-deploy", ttl: "3m" }, idToken);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const minted = field(r.stdout, "minted");
    assert.ok(await verifyWithBroker(broker.url, minted), "the exported token verifies with the broker's keys");
    assert.deepEqual([jwtPayload(minted).aud, jwtPayload(minted).sub], ["demo-relying-party", "acme/demo@refs/heads/main"]);
    assert.match(field(r.stdout, "expires"), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const keywayLog = `${jobLines(r.stdout, "keyway")}\n${file(r.p, ".gitlab-ci-local/output/keyway.log")}`;
    assert.match(keywayLog, /Keyway: binding 'demo-deploy' granted; later jobs get KEYWAY_TOKEN KEYWAY_EXPIRES_AT/);
    assert.ok(!keywayLog.includes(minted) && !keywayLog.includes(idToken), "no token in the keyway job's log");
    assert.match(file(r.p, "keyway.env"), /^KEYWAY_TOKEN=eyJ.*\nKEYWAY_EXPIRES_AT=.*\n$/);
  });

  it("format exec-credential: the credential as a file artifact, its path in the dotenv report", async () => {
    const r = await runPipeline({ binding: "demo-deploy", format: "exec-credential" }, broker.mint(DEPLOY_CLAIMS));
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(field(r.stdout, "credential-file"), "keyway-credential.json");
    assert.equal(field(r.stdout, "kind"), '"kind":"ExecCredential"');
    assert.equal(field(r.stdout, "minted"), "");
  });

  it("a denied binding fails the job with the broker's reason, and nothing runs after it", async () => {
    const r = await runPipeline({ binding: "demo-preview" }, broker.mint(DEPLOY_CLAIMS));
    assert.notEqual(r.code, 0);
    const log = file(r.p, ".gitlab-ci-local/output/keyway.log");
    assert.match(log, /Keyway refused binding 'demo-preview': Binding denied \(binding_denied, HTTP 403\)/);
    assert.match(log, /environment: \(missing\)/);
    assert.equal(field(r.stdout, "minted"), undefined, "the later job did not run");
    assert.equal(existsSync(join(r.p.dir, "keyway.env")), false);
  });

  it("no ID token (id_tokens missing or empty): the job says what to declare", async () => {
    const r = await runPipeline({ binding: "demo-deploy" }, "");
    assert.notEqual(r.code, 0);
    assert.match(file(r.p, ".gitlab-ci-local/output/keyway.log"), /\$KEYWAY_ID_TOKEN is empty: on GitLab declare it under id_tokens/);
  });
});
