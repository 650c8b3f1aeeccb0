// scripts/keyway-exchange against a fake broker: arguments, the request it sends, retries, and
// the refusals it explains. Run by /bin/sh (dash on Debian), the strictest shell at hand.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, beforeEach, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { fakeBroker, granted, problem } from "./lib/fake-broker.mjs";
import { run } from "./lib/run.mjs";

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), "../keyway-exchange");
const TOKEN = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ0ZXN0In0.c2lnbmF0dXJlLXRlc3Q";
const work = mkdtempSync(join(tmpdir(), "keyway-script-"));
const tokenFile = join(work, "token");
let broker;

before(async () => {
  broker = await fakeBroker();
});
after(() => broker.close());
beforeEach(() => {
  broker.requests.length = 0;
  writeFileSync(tokenFile, `${TOKEN}\n`);
});

const exchange = (args, env = {}) =>
  run("sh", [SCRIPT, "--url", broker.url, "--binding", "deploy", "--token-file", tokenFile, ...args], { env: { KEYWAY_RETRY_BASE: "0", ...env } });

describe("keyway-exchange", () => {
  it("is shellcheck clean as POSIX sh", () => {
    execFileSync("shellcheck", ["--shell=sh", "--severity=style", SCRIPT], { stdio: "pipe" });
  });

  it("--help prints usage and exits 0; no arguments is a usage error (2)", async () => {
    const help = await run("sh", [SCRIPT, "--help"]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^usage: keyway-exchange --url URL --binding NAME/);
    const none = await run("sh", [SCRIPT]);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /--url is required/);
  });

  it("refuses plain http to a non-loopback host, and a look-alike of loopback", async () => {
    for (const url of ["http://keyway.example.com", "http://127.0.0.1.evil.example.com"]) {
      const r = await run("sh", [SCRIPT, "--url", url, "--binding", "b", "--token-file", tokenFile]);
      assert.equal(r.code, 2, url);
      assert.match(r.stderr, /must be https/);
    }
    assert.equal(broker.requests.length, 0);
  });

  it("--token-env takes a variable name, not a token", async () => {
    const r = await run("sh", [SCRIPT, "--url", broker.url, "--binding", "b", "--token-env", TOKEN]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /takes a variable name/);
  });

  it("an empty --token-env variable names the GitLab and GitHub settings that provide one", async () => {
    const r = await run("sh", [SCRIPT, "--url", broker.url, "--binding", "b", "--token-env", "JOB_TOKEN"], { env: { JOB_TOKEN: "" } });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /\$JOB_TOKEN is empty: on GitLab declare it under id_tokens/);
  });

  it("sends binding, token, ttl and format as JSON and prints the answer as is", async () => {
    broker.reply({ status: 200, contentType: "text/plain", body: "KEYWAY_TOKEN=eyJx.y.z\nKEYWAY_EXPIRES_AT=2030-01-01T00:00:00Z\n" });
    const r = await exchange(["--format", "env", "--ttl", "15m"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "KEYWAY_TOKEN=eyJx.y.z\nKEYWAY_EXPIRES_AT=2030-01-01T00:00:00Z\n");
    assert.deepEqual(broker.requests[0].json, { binding: "deploy", token: TOKEN, ttl: "15m", format: "env" });
    assert.equal(broker.requests[0].url, "/v1/exchange");
    assert.equal(broker.requests[0].headers["content-type"], "application/json");
  });

  it("--token-env reads the token from the named variable", async () => {
    broker.reply(granted("jwt", { token: "t" }));
    const r = await run("sh", [SCRIPT, "--url", `${broker.url}/`, "--binding", "deploy", "--token-env", "CI_JOB_OIDC"], { env: { CI_JOB_OIDC: TOKEN } });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(broker.requests[0].json.token, TOKEN);
    assert.equal(broker.requests[0].url, "/v1/exchange");
  });

  it("never puts the token on curl's command line (other users can read process arguments)", async () => {
    const bin = mkdtempSync(join(tmpdir(), "keyway-curl-"));
    const realCurl = execFileSync("sh", ["-c", "command -v curl"], { encoding: "utf8" }).trim();
    writeFileSync(join(bin, "curl"), `#!/bin/sh\nprintf '%s\\n' "$*" >> "${bin}/argv"\nexec ${realCurl} "$@"\n`);
    chmodSync(join(bin, "curl"), 0o755);
    broker.reply(granted("jwt", { token: "t" }));
    const r = await exchange([], { PATH: `${bin}:${process.env.PATH}` });
    assert.equal(r.code, 0, r.stderr);
    const argv = readFileSync(join(bin, "argv"), "utf8");
    assert.match(argv, /--data-binary @/);
    assert.ok(!argv.includes(TOKEN), "the token is in curl's argv");
  });

  it("escapes the binding and sends a multi-line CSR as one JSON string", async () => {
    const csr = "-----BEGIN CERTIFICATE REQUEST-----\nMIIBabc\\def\n-----END CERTIFICATE REQUEST-----\n";
    writeFileSync(join(work, "req.pem"), csr);
    broker.reply(granted("x509", { certificate: "c" }));
    const r = await run("sh", [SCRIPT, "--url", broker.url, "--binding", 'we"ird\\name', "--token-file", tokenFile, "--csr-file", join(work, "req.pem")]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(broker.requests[0].json.binding, 'we"ird\\name');
    assert.equal(broker.requests[0].json.csr, csr.replace(/\n$/, ""));
  });

  it("--output writes an owner-only file and prints nothing", async () => {
    broker.reply(granted("jwt", { token: "secret-jwt" }));
    const out = join(work, "cred.json");
    const r = await exchange(["--output", out]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "");
    assert.equal(JSON.parse(readFileSync(out, "utf8")).credentials.token, "secret-jwt");
    assert.equal(statSync(out).mode & 0o777, 0o600);
  });

  it("a binding denial: exit 1, the claims that did not match, a hint and the request id, no retry", async () => {
    broker.reply(problem(403, "binding_denied", "Binding denied", {
      detail: "binding 'deploy' does not match this token: ref, environment",
      mismatches: [{ claim: "ref", actual: "refs/heads/dev" }, { claim: "environment", actual: "(missing)" }],
    }));
    const r = await exchange([]);
    assert.equal(r.code, 1);
    assert.equal(broker.requests.length, 1);
    assert.equal(r.stdout, "");
    assert.match(r.stderr, /Keyway refused binding 'deploy': Binding denied \(binding_denied, HTTP 403\)/);
    assert.match(r.stderr, /\n {4}ref: refs\/heads\/dev\n {4}environment: \(missing\)\n/);
    assert.match(r.stderr, /hint: .*--explain/);
    assert.match(r.stderr, /request id: req-test-1/);
  });

  for (const [status, code] of [[400, "invalid_request"], [401, "token_expired"], [404, "binding_not_found"], [502, "upstream_denied"]]) {
    it(`never retries ${status} ${code}`, async () => {
      broker.reply(problem(status, code, "Refused", {}, { "retry-after": "0" }));
      const r = await exchange([]);
      assert.equal(r.code, 1);
      assert.equal(broker.requests.length, 1);
      assert.match(r.stderr, new RegExp(`\\(${code}, HTTP ${status}\\)`));
    });
  }

  it("429 with Retry-After: waits that long, then succeeds", async () => {
    broker.reply(problem(429, "rate_limited", "Rate limited", {}, { "retry-after": "1" }), granted("jwt", { token: "t" }));
    const started = Date.now();
    const r = await exchange([]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(Date.now() - started >= 1000, "waited for Retry-After");
    assert.equal(broker.requests.length, 2);
    assert.match(r.stderr, /retrying in 1s \(attempt 2 of 4\)/);
  });

  it("503 until the retries run out: exit 3", async () => {
    broker.reply(problem(503, "unavailable", "Unavailable", {}, { "retry-after": "0" }));
    const r = await exchange(["--retries", "2"]);
    assert.equal(r.code, 3);
    assert.equal(broker.requests.length, 3);
    assert.match(r.stderr, /gave up after 3 attempts/);
  });

  it("a Retry-After longer than KEYWAY_MAX_WAIT fails at once", async () => {
    broker.reply(problem(429, "rate_limited", "Rate limited", {}, { "retry-after": "600" }));
    const r = await exchange([], { KEYWAY_MAX_WAIT: "60" });
    assert.equal(r.code, 3);
    assert.equal(broker.requests.length, 1);
    assert.match(r.stderr, /asked to retry after 600s, longer than 60s/);
  });

  it("re-reads --token-file on each attempt (projected tokens rotate)", async () => {
    broker.reply(
      () => {
        writeFileSync(tokenFile, "eyJuZXc.eyJyb3RhdGVk.c2ln\n");
        return problem(503, "unavailable", "Unavailable", {}, { "retry-after": "0" });
      },
      granted("jwt", { token: "t" }),
    );
    const r = await exchange([]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(broker.requests.map((q) => q.json.token), [TOKEN, "eyJuZXc.eyJyb3RhdGVk.c2ln"]);
  });

  it("a broker that cannot be reached: retried, then exit 3 with curl's reason", async () => {
    const r = await run("sh", [SCRIPT, "--url", "http://127.0.0.1:9", "--binding", "b", "--token-file", tokenFile, "--retries", "1"], { env: { KEYWAY_RETRY_BASE: "0" } });
    assert.equal(r.code, 3);
    assert.match(r.stderr, /cannot reach the broker at http:\/\/127.0.0.1:9: curl: \(7\)/);
    assert.match(r.stderr, /gave up after 2 attempts/);
  });

  it("an answer that is not problem+json (a proxy page) says so", async () => {
    broker.reply({ status: 404, contentType: "text/html", body: "<html><body>Not Found</body></html>" });
    const r = await exchange([]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /HTTP 404 from .*\/v1\/exchange, not a Keyway problem document: <html><body>Not Found<\/body><\/html>/);
  });

  it("a token with characters no JWT has is refused before sending", async () => {
    writeFileSync(tokenFile, "not a token; rm -rf /\n");
    const r = await exchange([]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /not a compact JWT/);
    assert.equal(broker.requests.length, 0);
  });

  it("--explain asks /v1/explain, without a format", async () => {
    broker.reply({ status: 200, body: { decision: "deny", binding: "deploy", conditions: [] } });
    const r = await exchange(["--explain", "--format", "env"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(broker.requests[0].url, "/v1/explain");
    assert.equal(broker.requests[0].json.format, undefined);
    assert.equal(JSON.parse(r.stdout).decision, "deny");
  });
});
