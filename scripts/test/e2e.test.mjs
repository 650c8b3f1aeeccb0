// scripts/keyway-exchange against the real broker jar (demo mode), and kubectl using it as an
// exec credential plugin.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:https";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { DEPLOY_CLAIMS, PREVIEW_CLAIMS, jwtPayload, startBroker } from "./lib/broker.mjs";
import { verifyWithBroker } from "./lib/jwks.mjs";
import { run } from "./lib/run.mjs";

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), "../keyway-exchange");
const work = mkdtempSync(join(tmpdir(), "keyway-script-e2e-"));
let broker;

before(async () => {
  broker = await startBroker();
});
after(async () => {
  await broker?.stop();
});

async function tokenFile(name, claims, mint = broker.mint) {
  const path = join(work, name);
  writeFileSync(path, `${await mint(claims)}\n`, { mode: 0o600 });
  return path;
}

describe("keyway-exchange against the real broker", () => {
  it("--format env with a dev-token from the jar: dotenv lines a shell can source, carrying a verified Keyway JWT", async () => {
    const file = await tokenFile("deploy.jwt", DEPLOY_CLAIMS, broker.mintWithJar);
    const r = await run("sh", [SCRIPT, "--url", broker.url, "--binding", "demo-deploy", "--token-file", file, "--format", "env", "--ttl", "2m"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^KEYWAY_TOKEN=eyJ[A-Za-z0-9._-]+\nKEYWAY_EXPIRES_AT=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\n$/);
    writeFileSync(join(work, "keyway.env"), r.stdout);
    const sourced = await run("sh", ["-c", `set -a; . "${join(work, "keyway.env")}"; set +a; printf '%s' "$KEYWAY_TOKEN"`]);
    const token = sourced.stdout;
    assert.equal(await verifyWithBroker(broker.url, token), true);
    const payload = jwtPayload(token);
    assert.deepEqual([payload.iss, payload.aud, payload.sub, payload.run], [broker.url, "demo-relying-party", "acme/demo@refs/heads/main", "42"]);
    assert.ok(payload.exp - payload.iat <= 120, "ttl 2m honoured");
  });

  it("a denied binding: exit 1 and the caller's own claim values", async () => {
    const file = await tokenFile("deploy2.jwt", DEPLOY_CLAIMS);
    const r = await run("sh", [SCRIPT, "--url", broker.url, "--binding", "demo-preview", "--token-file", file]);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, "");
    assert.match(r.stderr, /Keyway refused binding 'demo-preview': Binding denied \(binding_denied, HTTP 403\)/);
    assert.match(r.stderr, /environment: \(missing\)/);
    assert.match(r.stderr, /request id: [0-9a-f-]{36}/);
  });

  it("--explain shows each condition with this token's values", async () => {
    const file = await tokenFile("deploy3.jwt", DEPLOY_CLAIMS);
    const r = await run("sh", [SCRIPT, "--url", broker.url, "--binding", "demo-preview", "--token-file", file, "--explain"]);
    assert.equal(r.code, 0, r.stderr);
    const explanation = JSON.parse(r.stdout);
    assert.equal(explanation.decision, "deny");
    assert.ok(explanation.conditions.some((c) => c.claim === "environment" && c.result === "fail"));
  });

  it("kubectl uses it as an exec credential plugin and reaches an API server that trusts Keyway's JWTs", async () => {
    const file = await tokenFile("preview.jwt", PREVIEW_CLAIMS);
    execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", join(work, "api.key"), "-out", join(work, "api.pem"), "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"], { stdio: "ignore" });
    const seen = [];
    const api = createServer({ key: readFileSync(join(work, "api.key")), cert: readFileSync(join(work, "api.pem")) }, async (req, res) => {
      const token = (req.headers.authorization ?? "").replace(/^Bearer /, "");
      const ok = token !== "" && (await verifyWithBroker(broker.url, token)) && jwtPayload(token).aud === "preview-cluster";
      seen.push(ok ? jwtPayload(token) : null);
      res.writeHead(ok ? 200 : 401, { "content-type": "application/json" });
      res.end(ok ? JSON.stringify({ major: "1", minor: "32", gitVersion: "v1.32.0-keyway-test" }) : '{"kind":"Status","code":401}');
    });
    await new Promise((resolve) => api.listen(0, "127.0.0.1", resolve));
    try {
      const kubeconfig = {
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: "preview", cluster: { server: `https://127.0.0.1:${api.address().port}`, "certificate-authority": join(work, "api.pem") } }],
        users: [{ name: "keyway", user: { exec: { apiVersion: "client.authentication.k8s.io/v1", interactiveMode: "Never", command: "sh", args: [SCRIPT, "--url", broker.url, "--binding", "demo-preview", "--token-file", file, "--format", "exec-credential"] } } }],
        contexts: [{ name: "preview", context: { cluster: "preview", user: "keyway" } }],
        "current-context": "preview",
      };
      writeFileSync(join(work, "kubeconfig"), JSON.stringify(kubeconfig));
      const r = await run("kubectl", ["--kubeconfig", join(work, "kubeconfig"), "get", "--raw", "/version"]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(JSON.parse(r.stdout).gitVersion, "v1.32.0-keyway-test");
      assert.ok(seen.length >= 1 && seen.every((p) => p !== null), "every request carried a valid Keyway token");
      assert.deepEqual(seen[0].groups, ["previews", "previews:preview-login"]);
    } finally {
      api.close();
    }
  });
});
